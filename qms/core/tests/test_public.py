"""The public-forms kit (qms.core.public), on a throwaway form and token page of this module: private headers, rate
limits read from settings that count only what goes through, the token lookup, token pages that write no
session, the single-use fill-time stamp, identical submissions answered once, and the form given back after a
CSRF failure."""

from __future__ import annotations

import io
import time

import pytest
import time_machine
from django import forms
from django.contrib.auth.decorators import login_not_required
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import path
from django.views import View

from qms.core import public
from qms.core.factories import UserFactory
from qms.core.models import SpentStamp, User
from qms.core.public import (
    PublicForm,
    RefillAfterCsrfFailure,
    count_attempt,
    find_by_token,
    purge_spent_stamps,
    rate_reached,
    read_stamp,
    refilled_form,
    sign_stamp,
    single_submission,
    submission_fingerprint,
    token_page,
)
from qms.core.tokens import hash_token, make_token
from qms.urls import urlpatterns as project_urlpatterns

pytestmark = pytest.mark.django_db


class NoteForm(PublicForm):
    stamp_name = "tests.note"
    title = forms.CharField(label="Title", max_length=50)
    body = forms.CharField(label="Body", widget=forms.Textarea)
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    file = forms.FileField(label="File", required=False)


def data(**overrides):
    values = {"title": "Salle B204", "body": "Pas de chauffage.", "kind": "b", "website": ""}
    values["started"] = sign_stamp(NoteForm.stamp_name, at=time.time() - 20)
    values.update(overrides)
    return values


# --- A throwaway token page and form page, as an app builds them ----------------------------------------------
def user_by_token(token):
    return find_by_token(User.objects.all(), token, field="username")


@token_page(lookup=user_by_token, rate_by_address="TEST_RATE_BY_ADDRESS", rate_by_token="TEST_RATE_BY_TOKEN", group="t")
def answer_page(request, user, token):
    if request.method == "POST":
        return HttpResponse(f"saved {request.POST.get('answer')}")
    return HttpResponse(f"hello {user.pk}")


class NotePage(RefillAfterCsrfFailure, View):
    form_class = NoteForm
    template_name = "tests/none.html"

    def post(self, request):
        return HttpResponse("sent")

    def form_page(self, request, form, *, status=200, **context):
        typed = {name: form[name].value() for name in ("title", "body", "kind")}
        return HttpResponse(f"{typed} {context} started={bool(form['started'].value())}", status=status)


# This module is also the URLconf of its tests: the project's URLs (the layout links them) plus its own pages.
urlpatterns = [
    *project_urlpatterns,
    path("t/<str:token>/", answer_page, name="public-test-answer"),
    path("note/", login_not_required(NotePage.as_view()), name="public-test-note"),
]


@pytest.fixture
def rates(settings):
    settings.TEST_RATE_BY_ADDRESS = "100/h"
    settings.TEST_RATE_BY_TOKEN = "100/h"
    return settings


@pytest.fixture
def holder(db):
    token, token_hash = make_token()
    return UserFactory(username=token_hash), token


# --- Token pages ---------------------------------------------------------------------------------------------
@pytest.mark.urls(__name__)
def test_a_token_page_answers_privately_and_writes_no_session(client, rates, holder):
    user, token = holder
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.get(f"/t/{token}/")
    assert response.status_code == 200 and response.content == f"hello {user.pk}".encode()
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    # Posted from a no-referrer page: Chromium sends "Origin: null"; the secret link does the CSRF token's job.
    posted = csrf_client.post(f"/t/{token}/", {"answer": "4"}, HTTP_ORIGIN="null")
    assert posted.status_code == 200 and posted.content == b"saved 4"
    assert not Session.objects.exists() and "sessionid" not in csrf_client.cookies


@pytest.mark.urls(__name__)
def test_a_wrong_token_is_a_bare_404_and_every_try_counts(client, rates, holder):
    rates.TEST_RATE_BY_ADDRESS = "3/h"
    user, token = holder
    codes = [client.get(f"/t/{make_token()[0]}/").status_code for _ in range(3)]
    assert codes == [404, 404, 404]
    assert client.get(f"/t/{token}/").status_code == 429  # the address is spent, even for the right link


@pytest.mark.urls(__name__)
def test_the_limit_by_token_follows_the_link_from_any_address(rates, holder):
    rates.TEST_RATE_BY_TOKEN = "2/h"
    user, token = holder
    assert Client(REMOTE_ADDR="198.51.100.1").get(f"/t/{token}/").status_code == 200
    assert Client(REMOTE_ADDR="198.51.100.2").get(f"/t/{token}/").status_code == 200
    assert Client(REMOTE_ADDR="198.51.100.3").get(f"/t/{token}/").status_code == 429


def test_the_token_lookup_takes_only_the_right_token(holder):
    user, token = holder
    assert find_by_token(User.objects.all(), token, field="username") == user
    for wrong in ("", "short", token[:-1] + ("A" if token[-1] != "A" else "B"), token + "é", "x" * 300):
        assert find_by_token(User.objects.all(), wrong, field="username") is None


# --- Rate limits read from settings ----------------------------------------------------------------------------
def test_a_form_peeks_at_its_limit_and_counts_only_what_went_through(settings):
    settings.TEST_RATE = "2/h"
    request = RequestFactory().post("/x/")
    assert not rate_reached(request, "TEST_RATE")
    assert not rate_reached(request, "TEST_RATE")  # peeking counts nothing
    count_attempt(request, "TEST_RATE")
    assert not rate_reached(request, "TEST_RATE")
    count_attempt(request, "TEST_RATE")
    assert rate_reached(request, "TEST_RATE")
    settings.TEST_RATE = "3/h"  # read at each request: a new setting applies at once
    assert not rate_reached(request, "TEST_RATE")


def test_the_429_page_is_in_the_site_layout(client):
    response = public.too_many_requests(RequestFactory().get("/"), "Trop de demandes depuis votre connexion.")
    assert response.status_code == 429 and b"Trop de demandes depuis votre connexion." in response.content
    assert b'id="main"' in response.content


def test_a_body_announced_too_large_is_refused_unread():
    factory = RequestFactory()
    assert public.body_too_large(factory.post("/", CONTENT_LENGTH="5000"), 4999)
    assert not public.body_too_large(factory.post("/", CONTENT_LENGTH="5000"), 5000)
    assert public.body_too_large(factory.post("/", CONTENT_LENGTH="lots"), 5000)


# --- The fill-time stamp -------------------------------------------------------------------------------------
def test_a_stamp_is_for_its_form_and_expires(settings):
    settings.PUBLIC_FORM_MAX_AGE_HOURS = 2
    value = sign_stamp("tests.note")
    stamp = read_stamp("tests.note", value)
    assert stamp is not None and stamp.form == "tests.note" and abs(stamp.issued_at - time.time()) < 5
    assert read_stamp("tests.other", value) is None
    assert read_stamp("tests.note", value + "x") is None
    assert read_stamp("tests.note", "") is None
    assert read_stamp("tests.note", sign_stamp("tests.note", at=time.time() - 2 * 3600 - 5)) is None
    assert read_stamp("tests.note", sign_stamp("tests.note", at=time.time() + 3600)) is None
    assert sign_stamp("tests.note") != sign_stamp("tests.note")  # each form shown gets its own nonce


def test_the_minimum_fill_time_is_a_setting(settings):
    settings.PUBLIC_FORM_MIN_FILL_SECONDS = 30
    form = NoteForm(data(started=sign_stamp(NoteForm.stamp_name, at=time.time() - 20)))
    assert not form.is_valid() and form.non_field_errors().as_data()[0].code == "too_fast"
    settings.PUBLIC_FORM_MIN_FILL_SECONDS = 10
    assert NoteForm(data(started=sign_stamp(NoteForm.stamp_name, at=time.time() - 20))).is_valid()


def test_an_expired_or_foreign_stamp_is_refused_and_replaced(settings):
    for started in ("", sign_stamp("tests.other", at=time.time() - 20), sign_stamp(NoteForm.stamp_name, at=1)):
        form = NoteForm(data(started=started))
        assert not form.is_valid() and form.non_field_errors().as_data()[0].code == "no_timestamp"
        assert read_stamp(NoteForm.stamp_name, form.data["started"]) is not None  # the next try can go through


def test_the_honeypot_and_a_public_form_without_a_stamp_name():
    form = NoteForm(data(website="http://spam.example"))
    assert not form.is_valid() and form.non_field_errors().as_data()[0].code == "honeypot"

    class Nameless(PublicForm):
        pass

    with pytest.raises(TypeError):
        Nameless()


# --- One submission per stamp --------------------------------------------------------------------------------
def spend(form_value: str, *, fingerprint: str = "", create=None):
    stamp = read_stamp(NoteForm.stamp_name, form_value)
    with single_submission(stamp, fingerprint=fingerprint) as claim:
        if claim.is_repeat:
            return "repeat", claim.earlier
        obj = create() if create else None
        if obj is not None:
            claim.record(obj)
        return "first", obj


def test_a_stamp_is_spent_once_and_its_repeat_gets_what_the_first_created():
    value = sign_stamp(NoteForm.stamp_name)
    created = UserFactory()
    assert spend(value, create=lambda: created) == ("first", created)
    assert spend(value, create=lambda: pytest.fail("created twice")) == ("repeat", created)
    row = SpentStamp.objects.get()
    assert row.key == hash_token(f"{NoteForm.stamp_name}:{read_stamp(NoteForm.stamp_name, value).nonce}")
    assert value not in row.key and row.form == NoteForm.stamp_name


def test_a_failed_submission_does_not_spend_its_stamp():
    value = sign_stamp(NoteForm.stamp_name)

    def fail():
        raise ValueError("the service refused it")

    with pytest.raises(ValueError):
        spend(value, create=fail)
    assert not SpentStamp.objects.exists()
    assert spend(value)[0] == "first"


def test_a_stamp_spent_by_a_twin_meanwhile_is_a_repeat(monkeypatch):
    """The race of a double click: both requests look, find nothing, and insert; the database keeps one."""
    value = sign_stamp(NoteForm.stamp_name)
    created = UserFactory()
    assert spend(value, create=lambda: created)[0] == "first"
    real_filter = SpentStamp.objects.filter
    calls = []

    def blind_first_lookup(*args, **kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            return SpentStamp.objects.none()  # the twin had not committed when we looked
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(SpentStamp.objects, "filter", blind_first_lookup)
    assert spend(value, create=lambda: pytest.fail("created twice")) == ("repeat", created)
    assert SpentStamp.objects.count() == 1


def test_the_same_values_from_the_same_browser_within_the_window_are_a_repeat(settings):
    settings.PUBLIC_FORM_REPEAT_MINUTES = 10
    browser = RequestFactory().post("/")
    browser.COOKIES[settings.CSRF_COOKIE_NAME] = "a" * 32
    other_browser = RequestFactory().post("/")
    other_browser.COOKIES[settings.CSRF_COOKIE_NAME] = "b" * 32
    values = ["Salle B204", "Pas de chauffage."]
    fingerprint = submission_fingerprint(browser, NoteForm.stamp_name, values)
    assert fingerprint != submission_fingerprint(other_browser, NoteForm.stamp_name, values)
    assert fingerprint != submission_fingerprint(browser, NoteForm.stamp_name, [*values, "x"])
    assert submission_fingerprint(RequestFactory().post("/"), NoteForm.stamp_name, values) == ""  # no browser

    first = UserFactory()
    with time_machine.travel("2026-03-02 10:00", tick=False):
        assert spend(sign_stamp(NoteForm.stamp_name), fingerprint=fingerprint, create=lambda: first)[0] == "first"
    with time_machine.travel("2026-03-02 10:09", tick=False):  # a fresh form, filled the same way
        assert spend(sign_stamp(NoteForm.stamp_name), fingerprint=fingerprint) == ("repeat", first)
    with time_machine.travel("2026-03-02 10:11", tick=False):
        assert spend(sign_stamp(NoteForm.stamp_name), fingerprint=fingerprint)[0] == "first"


def test_spent_stamps_are_removed_once_their_form_has_expired(settings):
    settings.PUBLIC_FORM_MAX_AGE_HOURS = 1
    with time_machine.travel("2026-03-02 10:00", tick=False):
        spend(sign_stamp(NoteForm.stamp_name))
    with time_machine.travel("2026-03-02 11:01", tick=False):
        spend(sign_stamp(NoteForm.stamp_name))
        assert SpentStamp.objects.count() == 2  # a submission does not stop to clean up
        # The periodic job (and its command) removes the expired one.
        assert purge_spent_stamps() == 1
        assert SpentStamp.objects.count() == 1
        call_command("purge_spent_stamps", stdout=io.StringIO())
        assert SpentStamp.objects.count() == 1


def test_purging_the_spent_stamps_is_a_periodic_job():
    from qms.core.schedule import beat_schedule

    entry = beat_schedule()["core-purge-spent-stamps"]
    assert entry["task"] == "qms.core.tasks.purge_spent_stamps" and entry["options"]["expires"]


def test_an_anonymous_answer_records_no_time_of_sending_and_nothing_it_created(settings):
    """A survey answer spends its stamp without a fingerprint and records nothing: the row dates the form."""
    shown_at = time.time() - 600
    spend(sign_stamp(NoteForm.stamp_name, at=shown_at))
    row = SpentStamp.objects.get()
    assert (row.fingerprint, row.repeat_until, row.content_type, row.object_id) == ("", None, None, None)
    assert abs(row.expires_at.timestamp() - (shown_at + settings.PUBLIC_FORM_MAX_AGE_HOURS * 3600)) < 1


# --- The form back after a CSRF failure ------------------------------------------------------------------------
def test_a_refilled_form_shows_what_was_typed_without_errors_files_or_the_old_stamp():
    old = sign_stamp(NoteForm.stamp_name, at=time.time() - 20)
    form = refilled_form(NoteForm, data(title="Titre \u202etapé", body="", started=old, website="spam"))
    assert not form.is_bound and not form.errors
    assert form["title"].value() == "Titre tapé" and form["kind"].value() == "b"
    assert form["website"].value() in (None, "")
    assert form["started"].value() != old and read_stamp(NoteForm.stamp_name, form["started"].value())


@pytest.mark.urls(__name__)
def test_a_registered_form_comes_back_filled_after_a_csrf_failure(settings):
    settings.CSRF_FAILURE_VIEW = "qms.core.errors.csrf_failure"
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/note/", data(title="Mon titre", body="Mon texte"))
    assert response.status_code == 403
    text = response.content.decode()
    assert "'title': 'Mon titre'" in text and "'body': 'Mon texte'" in text and "'kind': 'b'" in text
    assert "'csrf_refilled': True" in text and "started=True" in text
