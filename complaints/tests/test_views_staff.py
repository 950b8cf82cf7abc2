"""The staff side: the internal report form and the request page, with its timeline and processing forms."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from complaints.choices import Channel, ComplaintStatus, MessageKind, RequesterCategory
from complaints.models import Complaint
from complaints.services import complaint_add_note, complaint_submit
from complaints.tests.conftest import pdf_file
from complaints.tests.factories import ComplaintFactory, RedirectBodyFactory, RootCauseCategoryFactory
from processes.models import Process
from qms.notifications.models import OutboxEmail

pytestmark = pytest.mark.django_db

S = ComplaintStatus


def as_client(user):
    # Signed-in pages speak the user's preferred language: read them in English.
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def act(client, complaint, action, data=None):
    return client.post(f"/demandes/{complaint.reference}/{action}/", data or {})


# --- The internal report ------------------------------------------------------------------------------------
def test_a_member_of_staff_reports_a_dysfunction_with_their_identity(staff_member, org):
    client = as_client(staff_member)
    response = client.post(
        "/demandes/signaler/",
        {
            "kind": "dysfunction",
            "concerned": f"u:{org.letters.pk}",
            "subject": "Imprimante en panne",
            "description": "L'imprimante du 2e étage ne fonctionne plus.",
            "attachments": [pdf_file()],
        },
    )
    assert response.status_code == 302 and "/confirmation/" in response["Location"]
    complaint = Complaint.objects.get()
    assert complaint.submitted_by == staff_member and complaint.channel == Channel.STAFF_FORM
    assert complaint.requester_category == RequesterCategory.STAFF
    assert (complaint.name, complaint.email) == (staff_member.get_full_name(), staff_member.email)
    assert complaint.org_unit == org.letters and complaint.attachments.count() == 1
    # Acknowledged to the reporter, and the Lettres referent hears of it at once.
    assert OutboxEmail.objects.filter(kind="complaint-acknowledgement", recipient_email=staff_member.email).exists()
    assert OutboxEmail.objects.get(kind="complaint-new").recipient_user.username == "ref-lettres"


def test_the_report_form_keeps_what_was_typed(staff_member):
    response = as_client(staff_member).post("/demandes/signaler/", {"kind": "dysfunction", "subject": "Panne"})
    assert response.status_code == 400 and 'value="Panne"' in response.content.decode()


# --- The request page ------------------------------------------------------------------------------------------
def test_the_page_shows_the_request_and_its_timeline(quality_manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = complaint_submit(
            kind="complaint",
            subject="Chauffage",
            description="Froid en B204",
            email="lea@example.org",
            language="fr",
            files=[pdf_file()],
        ).complaint
    complaint_add_note(complaint=complaint, by=quality_manager, body="Voir avec les services techniques")
    html = as_client(quality_manager).get(complaint.get_absolute_url()).content.decode()
    assert complaint.reference in html and "Froid en B204" in html
    assert html.count('data-entry="status"') == 2  # new, acknowledged
    assert 'data-entry="message"' in html and "Voir avec les services techniques" in html
    assert "(not shown to the requester)" in html
    assert 'data-entry="email"' in html  # the acknowledgement, from the outbox
    assert "justificatif.pdf" in html
    assert complaint.ip_address is None or "IP address" in html


def test_taking_in_charge_from_the_page(quality_manager):
    complaint = ComplaintFactory()
    response = act(as_client(quality_manager), complaint, "take-charge")
    assert response.status_code == 302 and response["Location"] == complaint.get_absolute_url()
    complaint.refresh_from_db()
    assert complaint.status == S.IN_PROGRESS


def test_the_whole_handling_from_the_page(quality_manager, personas, org):
    client = as_client(quality_manager)
    complaint = ComplaintFactory(org_unit=org.sciences)
    process = Process.objects.create(code="P-01", name="Accueil", type="support")
    cause = RootCauseCategoryFactory(name="Infrastructure")
    assert (
        act(
            client,
            complaint,
            "assign",
            {
                "assign-org_unit": org.physics.pk,
                "assign-process": process.pk,
                "assign-assignee": personas.teacher.pk,
            },
        ).status_code
        == 302
    )
    assert (
        act(
            client,
            complaint,
            "qualify",
            {
                "qualify-is_admissible": "true",
                "qualify-is_founded": "false",
                "qualify-severity": "high",
                "qualify-root_cause": cause.pk,
            },
        ).status_code
        == 302
    )
    assert act(client, complaint, "take-charge").status_code == 302
    assert act(client, complaint, "ask", {"ask-question": "Quelle salle ?"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == S.WAITING
    assert act(client, complaint, "take-charge").status_code == 302
    assert act(client, complaint, "reply", {"reply-body": "Nous avons prévenu les services."}).status_code == 302
    assert act(client, complaint, "note", {"note-body": "Devis demandé"}).status_code == 302
    assert act(client, complaint, "answer", {"answer-answer": "Réparé."}).status_code == 302
    assert act(client, complaint, "close", {"close-resolution_summary": "Chaudière changée"}).status_code == 302
    complaint.refresh_from_db()
    assert (complaint.org_unit, complaint.process, complaint.assignee) == (org.physics, process, personas.teacher)
    assert (complaint.is_admissible, complaint.is_founded, complaint.severity, complaint.root_cause) == (
        True,
        False,
        "high",
        cause,
    )
    assert complaint.status == S.CLOSED and complaint.resolution_summary == "Chaudière changée"
    kinds = list(complaint.messages.values_list("kind", flat=True))
    assert kinds == [
        MessageKind.QUESTION,
        MessageKind.PUBLIC_REPLY,
        MessageKind.INTERNAL_NOTE,
        MessageKind.FINAL_ANSWER,
    ]
    html = client.get(complaint.get_absolute_url()).content.decode()
    assert "Assignment" in html and "Qualification" in html


def test_redirect_reject_spam_and_duplicate_from_the_page(quality_manager):
    client = as_client(quality_manager)
    crous = RedirectBodyFactory(name="CROUS")
    redirected, rejected, spam, duplicate, original = (ComplaintFactory() for _ in range(5))
    act(client, redirected, "redirect", {"redirect-body": crous.pk, "redirect-explanation": "Logement"})
    act(client, rejected, "reject", {"reject-reason": "Hors champ"})
    act(client, spam, "spam", {"spam-note": "Publicité"})
    act(client, duplicate, "duplicate", {"duplicate-original": original.reference.lower()})
    statuses = {c.reference: Complaint.objects.get(pk=c.pk).status for c in (redirected, rejected, spam, duplicate)}
    assert list(statuses.values()) == [S.REDIRECTED, S.REJECTED, S.SPAM, S.DUPLICATE]
    assert Complaint.objects.get(pk=duplicate.pk).duplicate_of == original


def test_a_form_error_shows_the_page_again_with_the_form_open(quality_manager):
    complaint = ComplaintFactory(status=S.IN_PROGRESS)
    response = act(as_client(quality_manager), complaint, "answer", {"answer-answer": ""})
    assert response.status_code == 400
    assert response.context["open_action"] == "answer" and response.context["forms"]["answer"].errors
    complaint.refresh_from_db()
    assert complaint.status == S.IN_PROGRESS


def test_a_duplicate_of_an_unknown_or_invisible_request_is_refused(referent_sciences, org):
    complaint = ComplaintFactory(org_unit=org.sciences)
    hidden = ComplaintFactory(org_unit=org.letters)
    client = as_client(referent_sciences)
    for reference in ("REC-1999-00001", hidden.reference, complaint.reference):
        response = act(client, complaint, "duplicate", {"duplicate-original": reference})
        assert response.status_code == 400, reference
    complaint.refresh_from_db()
    assert complaint.status == S.ACKNOWLEDGED


def test_only_the_moves_of_the_current_status_are_offered(quality_manager):
    complaint = ComplaintFactory(status=S.IN_PROGRESS)
    client = as_client(quality_manager)
    forms = client.get(complaint.get_absolute_url()).context["forms"]
    assert set(forms) == {
        "ask",
        "answer",
        "redirect",
        "spam",
        "duplicate",
        "assign",
        "qualify",
        "note",
        "reply",
    }
    response = act(client, complaint, "reject", {"reject-reason": "Trop tard"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == S.IN_PROGRESS


def test_a_closed_request_offers_only_a_note(quality_manager):
    complaint = ComplaintFactory(status=S.CLOSED, answered_at=timezone.now() - datetime.timedelta(days=3))
    forms = as_client(quality_manager).get(complaint.get_absolute_url()).context["forms"]
    assert set(forms) == {"note"}


def test_an_unknown_action_is_a_404(quality_manager):
    complaint = ComplaintFactory()
    assert act(as_client(quality_manager), complaint, "explode").status_code == 404
