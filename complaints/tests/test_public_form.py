"""The public form: the happy path, and every bad input (malformed email, bad file type or size, spoofed content
type, too many files, honeypot, minimum fill time, rate limit, CSRF), with nothing typed lost."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape

from complaints.choices import ComplaintStatus
from complaints.forms import PublicComplaintForm
from complaints.models import Complaint, ComplaintAttachment, HelpdeskSettings
from complaints.tests.conftest import EXE_BYTES, docx_bytes, pdf_file, png_file
from complaints.validators import MAX_ATTACHMENT_BYTES
from qms.core.factories import OrgUnitFactory, ProgrammeFactory
from qms.core.models import SiteSettings
from qms.core.public import sign_stamp
from qms.core.tests.html import parse
from qms.notifications.models import OutboxEmail

pytestmark = pytest.mark.django_db

URL = "/signaler/"


def response_text(response) -> str:
    return response.content.decode()


def sign_started(at: float) -> str:
    """The fill-time stamp of the public form, as if it had been shown at ``at``."""
    return sign_stamp(PublicComplaintForm.stamp_name, at=at)


def form_data(**overrides):
    data = {
        "kind": "complaint",
        "requester_category": "student",
        "sensitive_nature": "",
        "name": "Camille Martin",
        "email": "camille@example.org",
        "concerned": "",
        "subject": "Salle de TP sans chauffage",
        "description": "La salle B204 n'est pas chauffée depuis lundi.",
        "website": "",
        "started": sign_started(time.time() - 20),
    }
    data.update(overrides)
    return data


def post(client, **overrides):
    files = overrides.pop("attachments", None)
    data = form_data(**overrides)
    if files is not None:
        data["attachments"] = files
    return client.post(URL, data)


def test_the_form_is_public_with_its_notices(client):
    site = SiteSettings.load()
    site.dpo_email = "dpo@univ-demo.fr"
    site.save()
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-notice="gdpr"' in html and "dpo@univ-demo.fr" in html and "6(1)(e)" in html
    assert 'data-notice="not-an-appeal"' in html
    assert 'name="website"' in html and 'aria-hidden="true"' in html  # the honeypot, hidden from people
    assert 'name="started"' in html and "csrfmiddlewaretoken" in html
    assert "consent" not in html.lower() or "not asked" in html  # no consent checkbox
    assert 'type="checkbox"' not in html


def test_the_happy_path_files_the_request_and_confirms_it(client):
    response = post(client)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.status == ComplaintStatus.ACKNOWLEDGED
    assert (complaint.name, complaint.email, complaint.language) == ("Camille Martin", "camille@example.org", "en")
    assert complaint.ip_address == "127.0.0.1"
    assert response["Location"].startswith("/suivi/") and response["Location"].endswith("/confirmation/")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and page["Referrer-Policy"] == "no-referrer"
    assert complaint.reference in html and "data-receipt" in html and "data-tracking-code" in html
    token = response["Location"].split("/")[2]
    assert token in html and f"/suivi/{token}/" in html  # the link and the code
    assert "<svg" in html  # the QR code of the printable receipt


def test_the_submitters_language_is_recorded(db):
    post(Client(HTTP_ACCEPT_LANGUAGE="fr"))
    post(Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8"))
    assert list(Complaint.objects.order_by("pk").values_list("language", flat=True)) == ["fr", "en"]


def test_an_anonymous_request_still_gets_a_tracking_code(client):
    response = post(client, name="", email="", requester_category="other")
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.is_anonymous
    html = client.get(response["Location"]).content.decode()
    assert "data-tracking-code" in html and "You gave no email" in html


def test_the_programme_concerned_gives_the_unit_in_charge(client):
    unit = OrgUnitFactory(code="iae", name="IAE")
    programme = ProgrammeFactory(code="MAE", name="Master MAE", org_unit=unit)
    post(client, concerned=f"p:{programme.pk}")
    complaint = Complaint.objects.get()
    assert (complaint.programme, complaint.org_unit, complaint.concerned_unit) == (programme, unit, unit)


def test_a_service_can_be_chosen_instead(client):
    library = OrgUnitFactory(code="bu", name="Bibliothèque")
    post(client, concerned=f"u:{library.pk}")
    complaint = Complaint.objects.get()
    assert (complaint.programme, complaint.org_unit) == (None, library)


def test_files_are_checked_on_their_content_and_stored_outside_public_media(client, settings):
    word = SimpleUploadedFile("compte-rendu.docx", docx_bytes(), content_type="application/octet-stream")
    response = post(client, attachments=[pdf_file(), png_file(), word])
    assert response.status_code == 302
    attachments = ComplaintAttachment.objects.order_by("pk")
    assert [a.content_type for a in attachments] == [
        "application/pdf",
        "image/png",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]
    assert [a.original_name for a in attachments] == ["justificatif.pdf", "photo.png", "compte-rendu.docx"]
    for attachment in attachments:
        path = Path(attachment.file.path)
        assert path.is_file() and Path(settings.PRIVATE_MEDIA_ROOT) in path.parents
        assert Path(settings.MEDIA_ROOT) not in path.parents
        assert attachment.original_name not in path.name  # stored under a random name


def _assert_refused_and_kept(response, field, code):
    assert response.status_code == 400
    assert not Complaint.objects.exists()
    html = response.content.decode()
    # Everything typed is kept, with the message beside the field.
    assert "Salle de TP sans chauffage" in html and "La salle B204 n&#x27;est pas chauffée depuis lundi." in html
    errors = response.context["form"].errors.as_data().get(field, [])
    codes = {error.code for error in errors} | {e.code for error in errors for e in getattr(error, "error_list", [])}
    assert code in codes, errors
    for message in response.context["form"].errors[field]:
        assert escape(message) in html  # beside the field
    return html


def test_a_malformed_email_is_refused_beside_its_field_in_the_users_language(db):
    response = post(Client(HTTP_ACCEPT_LANGUAGE="fr"), email="camille@@example")
    html = _assert_refused_and_kept(response, "email", "invalid")
    assert 'value="camille@@example"' in html
    assert "Saisissez une adresse de courriel valide." in html


def test_a_file_of_a_forbidden_type_is_refused(client):
    exe = SimpleUploadedFile("programme.exe", EXE_BYTES, content_type="application/x-msdownload")
    html = _assert_refused_and_kept(post(client, attachments=[exe]), "attachments", "bad_type")
    assert "data-files-lost" in html  # files must be joined again, and the page says so


def test_a_spoofed_name_and_content_type_do_not_fool_the_check(client):
    disguised = SimpleUploadedFile("releve.pdf", EXE_BYTES, content_type="application/pdf")
    _assert_refused_and_kept(post(client, attachments=[disguised]), "attachments", "bad_type")


def test_a_text_file_named_like_a_picture_is_refused(client):
    script = SimpleUploadedFile("photo.png", b"<script>alert(1)</script>" * 10, content_type="image/png")
    _assert_refused_and_kept(post(client, attachments=[script]), "attachments", "bad_type")


def test_a_file_over_5_mb_is_refused(client):
    big = pdf_file(content=b"%PDF-1.4\n" + b"0" * MAX_ATTACHMENT_BYTES)
    _assert_refused_and_kept(post(client, attachments=[big]), "attachments", "too_large")


def test_more_than_3_files_are_refused(client):
    files = [pdf_file(name=f"piece{n}.pdf") for n in range(4)]
    _assert_refused_and_kept(post(client, attachments=files), "attachments", "too_many")


def test_an_oversized_request_is_refused_before_it_is_read(client):
    # The announced length alone decides: the body is not read.
    response = client.post(URL, form_data(), CONTENT_LENGTH=str(100 * 1024 * 1024))
    assert response.status_code == 413 and not Complaint.objects.exists()
    assert "data-page-error" in response.content.decode()


def test_required_fields_are_asked_for_in_the_users_language(client):
    response = Client(HTTP_ACCEPT_LANGUAGE="fr").post(URL, form_data(subject="", requester_category=""))
    assert response.status_code == 400
    assert response.context["form"].errors["subject"] == ["Ce champ est obligatoire."]


def test_the_honeypot_stops_a_robot(client):
    response = post(client, website="http://spam.example")
    assert response.status_code == 400 and not Complaint.objects.exists()
    assert "could not be sent" in response.content.decode()


def test_a_form_sent_too_quickly_is_refused(client):
    response = post(client, started=sign_started(time.time() - 1))
    assert response.status_code == 400 and not Complaint.objects.exists()
    assert "too quickly" in response.content.decode()
    # The stamp is kept: once the person has read the message and sends again, it goes through.
    kept = response.context["form"]["started"].value()
    with time_machine.travel(time.time() + 5):
        assert post(client, started=kept).status_code == 302


def test_the_minimum_fill_time_is_a_setting(client, settings):
    settings.PUBLIC_FORM_MIN_FILL_SECONDS = 0
    assert post(client, started=sign_started(time.time())).status_code == 302
    settings.PUBLIC_FORM_MIN_FILL_SECONDS = 60
    assert post(client, started=sign_started(time.time() - 30)).status_code == 400


def test_a_missing_or_forged_timestamp_is_refused_and_replaced(client):
    for started in ("", "1700000000", sign_started(time.time() - 60) + "x"):
        response = post(client, started=started)
        assert response.status_code == 400 and not Complaint.objects.exists()
        assert "expired or was altered" in response.content.decode()
        fresh = response.context["form"].data["started"]
        assert fresh != started and fresh


def test_the_rate_limit_stops_a_flood_with_a_clear_message(client, settings):
    settings.COMPLAINTS_SUBMIT_RATE = "2/h"
    assert post(client).status_code == 302
    assert post(client).status_code == 302
    response = post(client, subject="Troisième envoi")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many requests were sent from your connection" in html
    assert "Troisième envoi" in html  # nothing typed is lost
    assert Complaint.objects.count() == 2
    # Another address is not affected.
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert post(other).status_code == 302


def test_a_forged_forwarded_address_does_not_dodge_the_rate_limit(client, settings):
    settings.COMPLAINTS_SUBMIT_RATE = "1/h"
    assert post(client, started=sign_started(time.time() - 20)).status_code == 302
    spoofing = Client(HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert post(spoofing).status_code == 429


def test_an_invalid_submission_does_not_count_against_the_limit(client, settings):
    settings.COMPLAINTS_SUBMIT_RATE = "2/h"
    for _attempt in range(5):
        assert post(client, email="pas-une-adresse").status_code == 400
    assert post(client, subject="Premier").status_code == 302
    assert post(client, subject="Second").status_code == 302
    assert post(client, subject="Troisième").status_code == 429
    assert Complaint.objects.count() == 2


def test_a_refusal_with_no_field_in_error_does_not_ask_to_check_the_fields(client, settings):
    settings.COMPLAINTS_SUBMIT_RATE = "1/h"
    assert post(client).status_code == 302
    elsewhere = Client(REMOTE_ADDR="198.51.100.4", HTTP_ACCEPT_LANGUAGE="en")
    refusals = [
        post(client, subject="Encore"),  # the rate limit
        post(elsewhere, website="http://spam.example"),  # the honeypot
        post(elsewhere, started=sign_started(time.time() - 1)),  # too fast
    ]
    for response in refusals:
        page = parse(response)
        summary = page.one("[data-form-errors]")
        assert "has not been sent yet" in summary.text
        assert "correct the fields" not in summary.text and "fields marked" not in summary.text
        assert not page.all("[data-error-list] a")


def test_the_error_summary_lists_and_links_the_fields_in_error_and_the_title_says_error(client):
    response = post(client, subject="", requester_category="", email="camille@@example")
    page = parse(response)
    assert page.one("title").text.startswith("Error:")
    summary = page.one("[data-form-errors]")
    assert "Please correct the fields listed below." in summary.text
    links = {link.get("href"): link.text for link in page.all("[data-error-list] a")}
    assert set(links) == {"#id_requester_category", "#id_email", "#id_subject"}
    assert links["#id_subject"].startswith("Subject:") and "required" in links["#id_subject"]
    for anchor in links:
        assert page.one(anchor)  # each link leads to its field
    assert not parse(client.get(URL)).one("title").text.startswith("Error")


def test_the_error_title_and_summary_are_in_french(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="fr").post(URL, form_data(subject=""))
    page = parse(response)
    assert page.one("title").text.startswith("Erreur :")
    assert "Objet : Ce champ est obligatoire." in page.one("[data-error-list]").text


def test_the_form_explains_the_asterisk_and_offers_autocomplete(client):
    page = parse(client.get(URL))
    assert "(*) are required" in page.one("[data-required-note]").text
    assert page.one("input[name=name]").get("autocomplete") == "name"
    assert page.one("input[name=email]").get("autocomplete") == "email"
    lost = parse(client.get("/suivi/lien-perdu/"))
    assert lost.one("input[name=email]").get("autocomplete") == "email"
    assert lost.one("[data-required-note]")


def test_filtering_the_programmes_announces_how_many_remain(client):
    page = parse(client.get(URL))
    region = page.one("#concerned-count")
    assert region.get("role") == "status" and region.get("aria-live") == "polite"
    assert page.one("#concerned-search").get("aria-describedby") == "concerned-count"
    assert region.get("data-count-many") == "{count} programmes or services match."
    assert "count.textContent" in response_text(client.get(URL))


# --- Stored once ------------------------------------------------------------------------------------------
def test_a_replayed_post_is_stored_once(client, settings):
    """The same body posted 30 times with one cookie: one request, one acknowledgement, one staff notice; every
    answer that gets through is the first request's confirmation (each with a link of its own)."""
    body = form_data()
    responses = [client.post(URL, body) for _ in range(30)]
    assert Complaint.objects.count() == 1
    complaint = Complaint.objects.get()
    assert OutboxEmail.objects.filter(kind="complaint-acknowledgement").count() == 1
    assert OutboxEmail.objects.filter(kind="complaint-new").count() <= 1
    through = [r for r in responses if r.status_code == 302]
    assert len(through) == 10 and {r.status_code for r in responses} == {302, 429}  # the limit (10/h) still holds
    for response in through[:3]:
        page = client.get(response["Location"])
        assert page.status_code == 200 and complaint.reference in page.content.decode()
    assert len({r["Location"] for r in through}) == 10


def test_a_double_click_sent_after_the_first_commit_is_answered_with_the_first_confirmation(client):
    body = form_data(subject="Double clic")
    first, second = client.post(URL, body), client.post(URL, body)
    assert first.status_code == second.status_code == 302
    assert Complaint.objects.count() == 1
    assert Complaint.objects.get().tracking_links.count() == 1  # the second answer's own link


def test_the_same_text_sent_again_from_the_same_browser_is_not_stored_twice(settings):
    settings.PUBLIC_FORM_REPEAT_MINUTES = 10
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.get(URL)  # a real browser holds the CSRF cookie of the form it was shown
    with time_machine.travel(time.time(), tick=False) as clock:
        assert post(browser).status_code == 302
        clock.shift(300)
        again = post(browser)  # a fresh form, filled the same way
        assert again.status_code == 302 and Complaint.objects.count() == 1
        other = Client(HTTP_ACCEPT_LANGUAGE="en")
        other.get(URL)
        assert post(other).status_code == 302  # someone else, same text: another request
        assert Complaint.objects.count() == 2
        clock.shift(400)
        assert post(browser).status_code == 302  # past the window: a new request
        assert Complaint.objects.count() == 3


def test_a_refused_submission_does_not_spend_its_stamp(client, monkeypatch):
    from complaints import services
    from complaints.services import ComplaintError

    real = services.complaint_submit
    monkeypatch.setattr(services, "complaint_submit", lambda **kwargs: (_ for _ in ()).throw(ComplaintError("Non.")))
    body = form_data()
    assert client.post(URL, body).status_code == 400 and not Complaint.objects.exists()
    monkeypatch.setattr(services, "complaint_submit", real)
    assert client.post(URL, body).status_code == 302 and Complaint.objects.count() == 1


def test_an_expired_form_is_refused_and_comes_back_with_a_fresh_stamp(client, settings):
    settings.PUBLIC_FORM_MAX_AGE_HOURS = 2
    response = post(client, started=sign_started(time.time() - 3 * 3600))
    assert response.status_code == 400 and not Complaint.objects.exists()
    assert "expired" in response.content.decode()
    assert post(client, started=response.context["form"].data["started"]).status_code == 400  # too fast, not stale


# --- A stale page: the CSRF failure gives the form back ---------------------------------------------------
def test_a_stale_form_comes_back_filled_in_the_site_layout(db):
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="fr")
    browser.get(URL)
    browser.cookies.pop("csrftoken")  # the cookie was cleared, or the page outlived it
    body = form_data(subject="Sujet tapé", description="Un long texte que je ne veux pas perdre.")
    response = browser.post(URL, {**body, "csrfmiddlewaretoken": "x" * 64, "attachments": [pdf_file()]})
    assert response.status_code == 403 and not Complaint.objects.exists()
    page = parse(response)
    html = response.content.decode()
    assert "DEBUG" not in html and "CSRF" not in page.one("main").text
    assert page.one("[data-csrf-refilled]") and page.one("[data-files-lost]")
    assert page.one("title").text.startswith("Erreur")
    assert page.one("input[name=subject]").get("value") == "Sujet tapé"
    assert "Un long texte que je ne veux pas perdre." in page.one("textarea[name=description]").text
    assert page.one("input[name=email]").get("value") == "camille@example.org"
    fresh_token = page.one("form[data-form=public-complaint] input[name=csrfmiddlewaretoken]").get("value")
    fresh_stamp = page.one("input[name=started]").get("value")
    assert fresh_stamp != body["started"]
    # Sent again from the page given back, once a person has read it: it goes through.
    with time_machine.travel(time.time() + 10):
        resent = browser.post(
            URL, {**body, "started": fresh_stamp, "csrfmiddlewaretoken": fresh_token, "subject": "Sujet tapé"}
        )
    assert resent.status_code == 302 and Complaint.objects.get().subject == "Sujet tapé"


def test_the_lost_link_form_also_comes_back_filled(db):
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    response = browser.post("/suivi/lien-perdu/", {"email": "lea@example.org"})
    assert response.status_code == 403
    assert parse(response).one("input[name=email]").get("value") == "lea@example.org"


def test_a_stale_staff_form_gets_the_translated_page_not_djangos(db, quality_manager):
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="fr")
    browser.force_login(quality_manager)
    response = browser.post("/demandes/signaler/", {"subject": "x"})
    assert response.status_code == 403
    page = parse(response)
    assert page.one("[data-error=csrf]") and page.one("main#main") and page.one("footer")
    assert page.one("h1").text == "Le formulaire n'a pas pu être envoyé"
    assert "DEBUG" not in response.content.decode()


def test_csrf_is_enforced(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(URL, form_data())
    assert response.status_code == 403 and not Complaint.objects.exists()


def test_a_sensitive_report_shows_the_teams_direct_contacts(client):
    helpdesk = HelpdeskSettings.load()
    helpdesk.sensitive_cases_contact = "Cellule d'écoute : ecoute@univ-demo.fr, 01 02 03 04 05"
    helpdesk.save()
    form_page = client.get(URL).content.decode()
    assert "ecoute@univ-demo.fr" in form_page  # shown as soon as the category is chosen
    response = post(client, sensitive_nature="sexual_violence")
    complaint = Complaint.objects.get()
    assert complaint.is_sensitive and complaint.sensitive_nature == "sexual_violence"
    html = client.get(response["Location"]).content.decode()
    assert "data-sensitive-contacts" in html and "ecoute@univ-demo.fr" in html


def test_an_ordinary_confirmation_does_not_show_the_sensitive_contacts(client):
    response = post(client)
    assert "data-sensitive-contacts" not in client.get(response["Location"]).content.decode()


def test_bidirectional_controls_are_removed_from_what_is_stored(client):
    response = post(client, subject="Facture \u202efdp.exe", name="L\u200fea", description="Voir \u202epiece jointe")
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.subject, complaint.name, complaint.description) == ("Facture fdp.exe", "Lea", "Voir piece jointe")


def test_every_helpdesk_form_with_text_cleans_bidirectional_controls():
    from django import forms as django_forms

    from complaints import forms, report_forms
    from qms.core.text import SafeTextMixin

    form_classes = [
        value
        for module in (forms, report_forms)
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, django_forms.BaseForm) and value.__module__ == module.__name__
    ]
    with_text = [
        form_class
        for form_class in form_classes
        if any(isinstance(field, django_forms.CharField) for field in form_class.base_fields.values())
    ]
    assert len(with_text) >= 15
    assert [form_class.__name__ for form_class in with_text if not issubclass(form_class, SafeTextMixin)] == []


def test_an_xss_payload_is_shown_escaped_to_staff(client, quality_manager):
    payload = "<script>alert('xss')</script>"
    post(
        client,
        subject=f"Sujet {payload}",
        description=f'<img src=x onerror="alert(1)"> {payload}',
        name=f"<b>{payload}</b>",
    )
    complaint = Complaint.objects.get()
    staff = Client()
    staff.force_login(quality_manager)
    for url in ("/demandes/", complaint.get_absolute_url()):
        html = staff.get(url).content.decode()
        assert payload not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in html


def test_a_description_too_long_is_told_its_limit_the_french_way(db):
    from django.utils import translation

    with translation.override("fr"):
        form = PublicComplaintForm(form_data(description="x" * 10_001))
        assert not form.is_valid()
        assert form.errors["description"] == [
            "Ce texte doit compter au plus 10\u202f000\u00a0caractères (il en compte 10\u202f001)."
        ]


# --- The empty form's page from the cache ------------------------------------------------------------------------
def _hidden(html: str, name: str) -> set[str]:
    import re

    return set(re.findall(rf'name="{name}" value="([^"]+)"', html))


def _without_secrets(html: str) -> str:
    import re

    html = re.sub(r'(name="(?:csrfmiddlewaretoken|started)" value=")[^"]+"', r'\1…"', html)
    return html


def test_the_empty_form_page_comes_from_the_cache_with_each_visitors_own_token_and_stamp(db):
    from django.core.cache import cache

    # The first visit ever makes the settings rows, which changes the configuration's version.
    Client().get("/signaler/")
    cache.clear()
    first, second = Client(), Client()
    made = first.get("/signaler/")
    served = second.get("/signaler/")
    # The first visit rendered the page; the second was served from the cache, without a template.
    assert made.templates and not served.templates
    assert served.status_code == 200 and served["Cache-Control"] == made["Cache-Control"]
    page, cached = made.content.decode(), served.content.decode()
    assert _without_secrets(cached) == _without_secrets(page)
    # Each has its own CSRF cookie, the token of it in every form of the page, and a stamp of its own.
    assert len(_hidden(cached, "csrfmiddlewaretoken")) == 1 and _hidden(page, "started") != _hidden(cached, "started")
    assert "Placeholder" not in cached and second.cookies["csrftoken"].value
    # And the cached page's form goes through.
    second.handler.enforce_csrf_checks = True
    data = form_data(
        started=_hidden(cached, "started").pop(), csrfmiddlewaretoken=_hidden(cached, "csrfmiddlewaretoken").pop()
    )
    with time_machine.travel(time.time() + 10):
        response = second.post("/signaler/", data)
    assert response.status_code == 302 and Complaint.objects.count() == 1


def test_a_change_of_configuration_a_language_a_signed_in_visitor_or_a_query_string_renders_the_page_anew(
    db, quality_manager
):
    from django.core.cache import cache

    from qms.core import config_cache

    Client().get("/signaler/")  # the settings rows made
    cache.clear()
    assert Client().get("/signaler/").templates
    assert not Client().get("/signaler/").templates
    # A unit added: the configuration's version changes (the list of units is in the page).
    OrgUnitFactory(name="Bibliothèque universitaire")
    config_cache.bump()
    page = Client().get("/signaler/")
    assert page.templates and "Bibliothèque universitaire" in page.content.decode()
    assert Client(HTTP_ACCEPT_LANGUAGE="en").get("/signaler/").templates
    assert Client().get("/signaler/", {"next": "/"}).templates
    signed_in = Client()
    signed_in.force_login(quality_manager)
    assert signed_in.get("/signaler/").templates
