"""The quality manager's wording of reminders: whitelisted placeholders, plain substitution, preview, revert, and
the emails as they are sent."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from qms.core.factories import OrgUnitFactory, UserFactory
from qms.core.models import ActivityLog
from qms.notifications import reminders
from qms.notifications.models import OutboxEmail, ReminderWording
from qms.notifications.services import (
    NotificationError,
    reminder_wording_revert,
    reminder_wording_save,
    send_outbox_email,
    send_reminders,
)
from qms.notifications.tests.test_reminders import deadlines  # noqa: F401 - the fixture
from qms.notifications.wording import fill, placeholders_in, unknown_placeholders

pytestmark = pytest.mark.django_db

LIST_URL = "/notifications/libelles/"
DUE = datetime.date(2026, 3, 20)


def edit_url(kind: str = "test-deadline", language: str = "en") -> str:
    return f"/notifications/libelles/{kind}/{language}/"


@pytest.fixture(autouse=True)
def test_kind():
    """A declared kind with a placeholder of its own, as an app would declare it."""
    reminders.register_kind(
        "test-deadline", label="Test deadline", module="core", placeholders=("rate",), sample={"rate": "42 %"}
    )
    yield reminders.reminder_kind("test-deadline")
    reminders.unregister_kind("test-deadline")


# --- Plain substitution ----------------------------------------------------------------------------------------


def test_only_known_placeholders_are_filled_and_everything_else_stays_as_written():
    text = "{reference} {{title}} {% now 'Y' %} {{ recipient.password }} {obj.pk} {unknown}"
    assert fill(text, {"reference": "R-1", "title": "T"}) == (
        "R-1 {T} {% now 'Y' %} {{ recipient.password }} {obj.pk} {unknown}"
    )
    assert placeholders_in(text) == ["reference", "title", "obj.pk", "unknown"]
    assert unknown_placeholders(text, ["reference", "title"]) == ["obj.pk", "unknown"]


def test_the_service_refuses_an_unknown_placeholder_an_unknown_kind_and_an_empty_wording(quality_manager):
    with pytest.raises(NotificationError, match="Unknown placeholder"):
        reminder_wording_save(kind="test-deadline", language="en", subject="{secret}", body="", by=quality_manager)
    with pytest.raises(NotificationError, match="no kind of reminder"):
        reminder_wording_save(kind="nope", language="en", subject="Hi", body="", by=quality_manager)
    with pytest.raises(NotificationError, match="Write a subject"):
        reminder_wording_save(kind="test-deadline", language="en", subject=" ", body="", by=quality_manager)
    with pytest.raises(NotificationError, match="not a language"):
        reminder_wording_save(kind="test-deadline", language="de", subject="Hi", body="", by=quality_manager)
    assert not ReminderWording.objects.exists()


# --- The emails as sent ------------------------------------------------------------------------------------------


def _reminder_for(deadlines, user, **extra):  # noqa: F811 - the fixture
    unit = OrgUnitFactory(code="ufr-w", name="UFR <W> & co")
    deadlines.rows.append((unit, user, DUE, {"urgent": True, "context": {"rate": "37 %"}, **extra}))
    return unit


def test_a_reminder_is_sent_with_the_wording_of_its_kind_in_the_recipients_language(
    deadlines,  # noqa: F811
    quality_manager,
    django_capture_on_commit_callbacks,
):
    english = UserFactory(username="eve", email="eve@example.edu", language="en")
    french = UserFactory(username="zoe", email="zoe@example.edu", language="fr")
    unit = _reminder_for(deadlines, english)
    deadlines.rows.append((unit, french, DUE, {"urgent": True}))
    reminder_wording_save(
        kind="test-deadline",
        language="en",
        subject="Please act on {reference} by {due_date}",
        body=(
            "Dear colleague, {item_label} {reference} ({title}) is due on {due_date}: {days_left} days left, "
            "rate {rate}.\n{% now 'Y' %} {{ recipient.password }}\nSee {link}"
        ),
        by=quality_manager,
    )
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(today=datetime.date(2026, 3, 13))
    by_address = {message.to[0]: message for message in mail.outbox}
    message = by_address["eve@example.edu"]
    assert message.subject == f"Please act on U-{unit.pk} by 03/20/2026"
    assert f"Dear colleague,  U-{unit.pk} (UFR <W> & co) is due on 03/20/2026: 7 days left, rate 37 %." in message.body
    # Nothing but the placeholders means anything: a tag and an attribute lookup stay as typed.
    assert "{% now 'Y' %} {{ recipient.password }}" in message.body
    assert "See http://" in message.body and "/units/" in message.body
    # The frame of every email stays: the footer and the link to the preferences.
    assert "/notifications/profil/" in message.body
    html = message.alternatives[0][0]
    assert "UFR &lt;W&gt; &amp; co" in html and "<W>" not in html
    assert "{% now &#x27;Y&#x27; %}" in html
    assert 'href="http' in html
    # The French recipient gets the default French wording: the override is for English only.
    french_message = by_address["zoe@example.edu"]
    assert french_message.subject.startswith("Échéance dans 7 jours")
    assert "Dear colleague" not in french_message.body


def test_the_body_takes_the_wording_in_force_when_the_email_is_sent(deadlines, quality_manager):  # noqa: F811
    user = UserFactory(email="late@example.edu", language="en")
    _reminder_for(deadlines, user)
    send_reminders(today=datetime.date(2026, 3, 13))  # written; its task has not run (no commit in this test)
    email = OutboxEmail.objects.get(kind="reminder")
    reminder_wording_save(kind="test-deadline", language="en", subject="", body="New words for {reference}", by=None)
    assert send_outbox_email(email.pk)
    (message,) = mail.outbox
    assert message.body.startswith("New words for U-")
    # The subject was written with the row, from the default (the override has no subject of its own).
    assert message.subject.startswith("Due in 7 days")


def test_a_reverted_kind_goes_back_to_the_default(deadlines, quality_manager, django_capture_on_commit_callbacks):  # noqa: F811
    user = UserFactory(email="r@example.edu", language="en")
    _reminder_for(deadlines, user)
    reminder_wording_save(kind="test-deadline", language="en", subject="Own {reference}", body="", by=quality_manager)
    assert reminder_wording_revert(kind="test-deadline", language="en", by=quality_manager) is True
    assert reminder_wording_revert(kind="test-deadline", language="en", by=quality_manager) is False
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(today=datetime.date(2026, 3, 13))
    assert mail.outbox[0].subject.startswith("Due in 7 days")
    verbs = list(ActivityLog.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs == ["reminder_wording.created", "reminder_wording.reverted"]


# --- The pages ---------------------------------------------------------------------------------------------------


def test_the_list_shows_each_kind_in_each_language(client, quality_manager, django_assert_max_num_queries):
    reminder_wording_save(kind="test-deadline", language="fr", subject="Relance {reference}", body="", by=None)
    client.force_login(quality_manager)
    client.get(LIST_URL)
    with django_assert_max_num_queries(12):
        page = client.get(LIST_URL).content.decode()
    assert "Test deadline" in page and "action-deadline" in page and "complaint-answer" in page
    assert edit_url("test-deadline", "fr") in page and edit_url("test-deadline", "en") in page


def test_an_unknown_placeholder_is_refused_with_a_translated_error_and_nothing_is_saved(client, quality_manager):
    client.force_login(quality_manager)
    response = client.post(
        edit_url(), {"action": "save", "subject": "Relance {reference}", "body": "Voir {secret} et {obj.pk}"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Espaces réservés inconnus {secret}, {obj.pk}" in page
    assert not ReminderWording.objects.exists()


def test_the_preview_fills_a_sample_item_and_saves_nothing(client, quality_manager):
    client.force_login(quality_manager)
    response = client.post(
        edit_url(), {"action": "preview", "subject": "Soon: {reference}", "body": "Rate {rate} for <{title}>"}
    )
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.subject == "Soon: REF-2026-001"
    assert preview.body_text.startswith("Rate 42 % for <Title of the item>")
    assert "Rate 42 % for &amp;lt;Title of the item&amp;gt;" in response.content.decode()  # escaped, then in srcdoc
    assert not ReminderWording.objects.exists()


def test_the_page_previews_the_default_until_a_wording_is_saved_then_reverts(client, quality_manager):
    client.force_login(quality_manager)
    response = client.get(edit_url())
    assert response.context["preview"].subject == "Due in 7 days: REF-2026-001 — Title of the item"
    response = client.post(edit_url(), {"action": "save", "subject": "Own {reference}", "body": ""})
    assert response.status_code == 302
    wording = ReminderWording.objects.get()
    assert (wording.kind, wording.language, wording.subject, wording.updated_by) == (
        "test-deadline",
        "en",
        "Own {reference}",
        quality_manager,
    )
    assert client.get(edit_url()).context["preview"].subject == "Own REF-2026-001"
    response = client.post(edit_url(), {"action": "revert"})
    assert response.status_code == 302
    assert not ReminderWording.objects.exists()


def test_an_unknown_kind_or_language_is_not_found(client, quality_manager):
    client.force_login(quality_manager)
    assert client.get(edit_url("nope")).status_code == 404
    assert client.get(edit_url("test-deadline", "de")).status_code == 404


def test_only_the_quality_manager_words_reminders(client, referent_sciences, director):
    for user in (referent_sciences, director):
        client.force_login(user)
        assert client.get(LIST_URL).status_code == 403
        assert client.post(edit_url(), {"action": "save", "subject": "x", "body": ""}).status_code == 403
    assert not ReminderWording.objects.exists()


def test_a_sensitive_item_has_no_title_to_fill(deadlines, quality_manager, django_capture_on_commit_callbacks):  # noqa: F811
    user = UserFactory(email="cell@example.edu", language="en")
    unit = OrgUnitFactory(code="s", name="Secret name")
    deadlines.rows.append((unit, user, DUE, {"urgent": True, "sensitive": True}))
    reminder_wording_save(kind="test-deadline", language="en", subject="{reference} {title}", body="{title}!", by=None)
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(today=datetime.date(2026, 3, 13))
    (message,) = mail.outbox
    assert "Secret name" not in message.subject and "Secret name" not in message.body
