"""The helpdesk's emails, read from the outbox: the acknowledgement in the requester's language (written in the
submission's transaction, never lost when the broker is down, never sent twice), the staff notices and the
replies."""

from __future__ import annotations

import datetime
import html
import re
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from kombu.exceptions import OperationalError

from complaints.choices import ComplaintStatus
from complaints.forms import PublicComplaintForm
from complaints.models import Complaint
from complaints.services import (
    complaint_add_note,
    complaint_answer,
    complaint_ask_requester,
    complaint_assign,
    complaint_requester_message,
)
from complaints.tests.factories import ComplaintFactory
from qms.core.choices import MembershipRole, Role
from qms.core.factories import MembershipFactory, UserFactory
from qms.core.public import sign_stamp
from qms.notifications.choices import OutboxState
from qms.notifications.models import OutboxEmail
from qms.notifications.services import notify, render_outbox_email, sweep_outbox
from qms.notifications.tasks import send_email_task, send_emails_task

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
FRIDAY = datetime.datetime(2026, 3, 6, 10, tzinfo=PARIS)


def acknowledgements():
    return OutboxEmail.objects.filter(kind="complaint-acknowledgement")


def test_the_acknowledgement_is_written_in_the_submission_transaction_in_french(submit):
    with time_machine.travel(FRIDAY):
        complaint = submit(language="fr").complaint
    email = acknowledgements().get()  # written before any commit
    assert (email.recipient_email, email.language, email.state) == ("camille@example.org", "fr", OutboxState.QUEUED)
    assert email.about == complaint and email.contains_secret and email.dedup_key == f"complaint-ack-{complaint.pk}"
    body = render_outbox_email(email).body_text  # rendered when sent
    assert complaint.reference in email.subject and complaint.reference in body
    assert "/suivi/" in body  # the tracking link
    assert "27 mars 2026" in body  # the answer deadline, written the French way


@pytest.mark.parametrize(
    ("language", "phrases"),
    [
        (
            "fr",
            [
                "Ce message vaut accusé de réception de l'Université de démonstration.",
                "au plus tard le 1er avril 2026 (1\u00a0jour ouvré)",
            ],
        ),
        (
            "en",
            [
                "This message is the acknowledgement of receipt from Université de démonstration.",
                "by April 1, 2026 at the latest (1 working day)",
            ],
        ),
    ],
)
def test_the_acknowledgement_names_the_institution_its_deadline_and_one_working_day_as_the_language_does(
    submit, language, phrases
):
    """Not "accusé de réception par Université de démonstration", "(1 jours ouvrés)" nor "1 avril"."""
    from qms.core.models import SiteSettings

    site = SiteSettings.load()
    site.institution_name = "Université de démonstration"
    site.save()
    complaint = submit(language=language).complaint
    Complaint.objects.filter(pk=complaint.pk).update(answer_days=1, answer_due=datetime.date(2026, 4, 1))
    rendered = render_outbox_email(acknowledgements().get())
    for body in (rendered.body_text, html.unescape(rendered.body_html)):
        text = re.sub(r"[ \t\n]+", " ", body)  # lines joined; no-break spaces kept
        for phrase in phrases:
            assert phrase in text


def test_the_reopening_window_of_one_day_is_written_in_the_singular(quality_manager):
    from complaints.models import HelpdeskSettings

    helpdesk = HelpdeskSettings.get()
    helpdesk.reopen_window_days = 1
    helpdesk.save()
    complaint = ComplaintFactory(status=ComplaintStatus.IN_PROGRESS, language="fr", email="sam@example.org")
    complaint_answer(complaint=complaint, by=quality_manager, answer="Le chauffage est réparé.")
    body = re.sub(r"[ \t\n]+", " ", render_outbox_email(notices("complaint-message").get()).body_text)
    assert "dans un délai de 1\u00a0jour, ajouter des informations" in body


def test_the_acknowledgement_is_written_in_english_for_an_english_requester(submit):
    with time_machine.travel(FRIDAY):
        submit(language="en")
    email = acknowledgements().get()
    assert email.language == "en"
    assert "March 27, 2026" in render_outbox_email(email).body_text


def test_it_is_sent_after_commit_once_and_its_secret_link_wiped(submit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = submit().complaint
    acks = [m for m in mail.outbox if complaint.reference in m.subject and m.to == ["camille@example.org"]]
    assert len(acks) == 1 and "/suivi/" in acks[0].body
    email = acknowledgements().get()
    assert email.state == OutboxState.SENT and "/suivi/" not in email.body_text
    # A rerun never sends it twice: neither a sweep nor asking for it again with its key.
    sweep_outbox(grace=datetime.timedelta(0))
    sweep_outbox(grace=datetime.timedelta(0))
    assert notify("camille@example.org", "complaint-acknowledgement", complaint, dedup_key=email.dedup_key) == email
    assert len([m for m in mail.outbox if m.subject == acks[0].subject]) == 1
    assert acknowledgements().count() == 1


def test_an_anonymous_request_has_no_acknowledgement_email_but_is_acknowledged(submit):
    complaint = submit(name="", email="").complaint
    assert not acknowledgements().exists()
    assert complaint.status == ComplaintStatus.ACKNOWLEDGED and complaint.acknowledged_at


def _post_form(client, **data):
    payload = {
        "kind": "complaint",
        "requester_category": "student",
        "subject": "Chauffage en panne",
        "description": "Il fait 12 degrés en salle B204.",
        "email": "lea@example.org",
        "started": sign_stamp(PublicComplaintForm.stamp_name, at=time.time() - 30),
        **data,
    }
    return client.post("/signaler/", payload)


def test_a_submission_does_not_depend_on_the_broker(client, monkeypatch, django_capture_on_commit_callbacks):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_email_task, "apply_async", broker_down)
    monkeypatch.setattr(send_emails_task, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_form(client)
    # Saved and confirmed all the same; the acknowledgement waits in the outbox, and nothing was sent.
    assert response.status_code == 302 and "/confirmation/" in response["Location"]
    complaint = Complaint.objects.get()
    assert client.get(response["Location"]).status_code == 200
    email = acknowledgements().get()
    assert email.state == OutboxState.QUEUED and mail.outbox == []
    # The broker is back: the sweep sends it, once.
    monkeypatch.undo()
    assert sweep_outbox(grace=datetime.timedelta(0)).sent >= 1
    sweep_outbox(grace=datetime.timedelta(0))
    assert [m.to for m in mail.outbox if complaint.reference in m.subject and "lea" in m.to[0]] == [["lea@example.org"]]


def test_a_submission_does_not_depend_on_the_mail_server(client, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "qms.notifications.tests.backends.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_form(client)
    assert response.status_code == 302
    email = acknowledgements().get()
    assert email.state == OutboxState.FAILED and email.next_attempt_at is not None


# --- Staff ------------------------------------------------------------------------------------------------------
def notices(kind="complaint-new"):
    return OutboxEmail.objects.filter(kind=kind)


def test_a_new_request_reaches_the_referents_of_its_unit_at_once(submit, personas):
    submit(concerned_unit=personas.org.physics)  # the Sciences referent covers Physics
    assert [e.recipient_user for e in notices()] == [personas.referent_sciences]
    assert notices().get().queue == "urgent"


def test_with_no_unit_the_quality_office_hears_of_it(submit, personas):
    submit()
    assert [e.recipient_user for e in notices()] == [personas.quality_manager]


def test_with_nobody_named_the_quality_office_address_hears_of_it(submit, settings, db):
    submit()
    assert [e.recipient_email for e in notices()] == [settings.QUALITY_OFFICE_EMAIL]


def test_a_sensitive_report_reaches_only_the_sensitive_cases_team(submit, personas, sensitive_handler):
    complaint = submit(concerned_unit=personas.org.sciences, sensitive_nature="harassment").complaint
    email = notices().get()
    assert email.recipient_user == sensitive_handler
    assert complaint.subject not in email.subject and complaint.subject not in render_outbox_email(email).body_text


def test_an_assignment_reaches_the_assignee(personas, quality_manager):
    complaint = ComplaintFactory(org_unit=personas.org.sciences)
    complaint_assign(complaint=complaint, by=quality_manager, assignee=personas.teacher)
    email = notices("complaint-assigned").get()
    assert email.recipient_user == personas.teacher and complaint.reference in email.subject
    # Saving the same assignment again tells nobody twice.
    complaint_assign(complaint=complaint, by=quality_manager, assignee=personas.teacher)
    assert notices("complaint-assigned").count() == 1


def test_public_messages_are_emailed_to_the_requester_in_their_language(quality_manager):
    complaint = ComplaintFactory(status=ComplaintStatus.IN_PROGRESS, language="en", email="sam@example.org")
    complaint_add_note(complaint=complaint, by=quality_manager, body="Note interne confidentielle")
    complaint_ask_requester(complaint=complaint, by=quality_manager, question="Which room?")
    emails = list(notices("complaint-message"))
    assert len(emails) == 1  # the internal note is never emailed
    assert (emails[0].recipient_email, emails[0].language) == ("sam@example.org", "en")
    body = render_outbox_email(emails[0]).body_text
    assert "Which room?" in body and "confidentielle" not in body


def test_the_final_answer_is_emailed(quality_manager):
    complaint = ComplaintFactory(status=ComplaintStatus.IN_PROGRESS)
    complaint_answer(complaint=complaint, by=quality_manager, answer="Le chauffage est réparé.")
    assert "Le chauffage est réparé." in render_outbox_email(notices("complaint-message").get()).body_text


def test_the_requesters_reply_reaches_the_assignee(personas):
    complaint = ComplaintFactory(status=ComplaintStatus.WAITING, assignee=personas.teacher)
    complaint_requester_message(complaint=complaint, body="Salle B204")
    assert [e.recipient_user for e in notices("complaint-requester-message")] == [personas.teacher]


def test_the_requesters_reply_reaches_the_referents_when_nobody_is_assigned(personas):
    referent = UserFactory(username="ref-physique", roles=[Role.QUALITY_REFERENT])
    MembershipFactory(user=referent, org_unit=personas.org.physics, role=MembershipRole.QUALITY_REFERENT)
    complaint = ComplaintFactory(status=ComplaintStatus.WAITING, org_unit=personas.org.physics)
    complaint_requester_message(complaint=complaint, body="Salle B204")
    assert [e.recipient_user for e in notices("complaint-requester-message")] == [referent]
