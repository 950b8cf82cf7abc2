"""The table of moves of a request: every allowed move, by whom, and every other move refused."""

from __future__ import annotations

import datetime
import itertools

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from complaints.choices import OPEN_STATUSES, ComplaintStatus, MessageKind
from complaints.models import Complaint
from complaints.services import (
    ComplaintError,
    complaint_answer,
    complaint_ask_requester,
    complaint_close,
    complaint_mark_duplicate,
    complaint_mark_spam,
    complaint_redirect,
    complaint_reject,
    complaint_requester_message,
    complaint_take_charge,
    complaint_transition,
    complaints_auto_close,
)
from complaints.tests.factories import ComplaintFactory, RedirectBodyFactory
from complaints.workflows import WORKFLOW
from qms.core.choices import Actor
from qms.core.models import ActivityLog, StatusChange
from qms.core.workflow import status_history

pytestmark = pytest.mark.django_db

S = ComplaintStatus
USER, SYSTEM, REQUESTER = Actor.USER, Actor.SYSTEM, Actor.REQUESTER

# The table of moves, written out again here (not read from the code), as (from, to) → who.
EXPECTED = {
    (S.NEW, S.ACKNOWLEDGED): {SYSTEM},
    (S.ACKNOWLEDGED, S.IN_PROGRESS): {USER},
    (S.ACKNOWLEDGED, S.WAITING): {USER},
    (S.IN_PROGRESS, S.WAITING): {USER},
    (S.WAITING, S.IN_PROGRESS): {REQUESTER, USER},
    (S.IN_PROGRESS, S.ANSWERED): {USER},
    (S.ANSWERED, S.CLOSED): {USER, SYSTEM},
    (S.ANSWERED, S.IN_PROGRESS): {REQUESTER},
    (S.CLOSED, S.IN_PROGRESS): {REQUESTER},
    (S.NEW, S.REDIRECTED): {USER},
    (S.ACKNOWLEDGED, S.REDIRECTED): {USER},
    (S.IN_PROGRESS, S.REDIRECTED): {USER},
    (S.NEW, S.REJECTED): {USER},
    (S.ACKNOWLEDGED, S.REJECTED): {USER},
    **{(status, S.SPAM): {USER} for status in OPEN_STATUSES},
    **{(status, S.DUPLICATE): {USER} for status in OPEN_STATUSES},
}


@pytest.fixture
def context():
    """Everything the guards may ask for: every move of the table is then possible."""
    return {
        "message": "Un texte",
        "resolution_summary": "Réglé",
        "redirect_body": RedirectBodyFactory(name="CROUS"),
        "duplicate_of": ComplaintFactory(),
    }


def test_the_table_allows_exactly_the_moves_of_issue_6(context):
    # Answered 11 days ago: past the quiet period (10 days) and within the reopening period (30 days).
    answered_at = timezone.now() - datetime.timedelta(days=11)
    mismatches = []
    for source, target, actor in itertools.product(S.values, S.values, (USER, SYSTEM, REQUESTER)):
        complaint = Complaint(pk=10_000, status=source, answered_at=answered_at)
        allowed = WORKFLOW.can(complaint, target, actor=actor, **context)
        if allowed != (actor in EXPECTED.get((source, target), set())):
            mismatches.append((source, target, actor, allowed))
    assert mismatches == []


def _move(status, to, **kwargs):
    complaint = ComplaintFactory(status=status)
    change = complaint_transition(complaint=complaint, to=to, **kwargs)
    complaint.refresh_from_db()
    return complaint, change


def test_every_move_is_recorded_and_logged(quality_manager):
    complaint, change = _move(S.ACKNOWLEDGED, S.IN_PROGRESS, by=quality_manager)
    assert complaint.status == S.IN_PROGRESS
    assert (change.from_status, change.to_status, change.by, change.actor) == (
        S.ACKNOWLEDGED,
        S.IN_PROGRESS,
        quality_manager,
        USER,
    )
    log = ActivityLog.objects.get(
        content_type=ContentType.objects.get_for_model(Complaint), object_id=complaint.pk, verb="moved"
    )
    assert log.details == {"from": "acknowledged", "to": "in_progress"} and log.user == quality_manager


def test_a_refused_move_says_why_and_changes_nothing(quality_manager):
    complaint = ComplaintFactory(status=S.ACKNOWLEDGED)
    with pytest.raises(ComplaintError, match="not allowed"):
        complaint_transition(complaint=complaint, to=S.ANSWERED, by=quality_manager, message="Réponse")
    complaint.refresh_from_db()
    assert complaint.status == S.ACKNOWLEDGED
    assert not StatusChange.objects.filter(object_id=complaint.pk).exists()


def test_the_submission_is_acknowledged_by_the_system_at_once(submit):
    complaint = submit().complaint
    history = list(status_history(complaint))
    assert [(h.from_status, h.to_status, h.actor) for h in history] == [
        ("", S.NEW, REQUESTER),
        (S.NEW, S.ACKNOWLEDGED, SYSTEM),
    ]
    assert complaint.status == S.ACKNOWLEDGED and complaint.acknowledged_at is not None


def test_staff_takes_in_charge(quality_manager):
    complaint = ComplaintFactory(status=S.ACKNOWLEDGED)
    complaint_take_charge(complaint=complaint, by=quality_manager)
    assert complaint.status == S.IN_PROGRESS and complaint.taken_in_charge_at is not None


@pytest.mark.parametrize("status", [S.ACKNOWLEDGED, S.IN_PROGRESS])
def test_staff_asks_the_requester_with_a_public_question(quality_manager, status):
    complaint = ComplaintFactory(status=status)
    message = complaint_ask_requester(complaint=complaint, by=quality_manager, question="Quelle salle ?")
    complaint.refresh_from_db()
    assert complaint.status == S.WAITING and complaint.paused_since is not None
    assert message.kind == MessageKind.QUESTION and message.is_public


def test_a_question_needs_its_text(quality_manager):
    complaint = ComplaintFactory(status=S.IN_PROGRESS)
    with pytest.raises(ComplaintError, match="message to the requester is required"):
        complaint_ask_requester(complaint=complaint, by=quality_manager, question="  ")


def test_the_requester_reply_takes_a_waiting_request_back_in_progress(quality_manager):
    complaint = ComplaintFactory(status=S.WAITING, paused_since=timezone.now())
    complaint_requester_message(complaint=complaint, body="La salle B204.")
    complaint.refresh_from_db()
    assert complaint.status == S.IN_PROGRESS
    assert status_history(complaint).last().actor == REQUESTER


def test_staff_can_also_take_a_waiting_request_back(quality_manager):
    complaint = ComplaintFactory(status=S.WAITING, paused_since=timezone.now())
    complaint_take_charge(complaint=complaint, by=quality_manager)
    assert complaint.status == S.IN_PROGRESS


def test_staff_answers_with_the_final_public_reply(quality_manager):
    complaint = ComplaintFactory(status=S.IN_PROGRESS)
    message = complaint_answer(complaint=complaint, by=quality_manager, answer="Le chauffage est réparé.")
    complaint.refresh_from_db()
    assert complaint.status == S.ANSWERED and complaint.answered_at is not None
    assert message.kind == MessageKind.FINAL_ANSWER


def test_an_answer_needs_its_text(quality_manager):
    with pytest.raises(ComplaintError):
        complaint_answer(complaint=ComplaintFactory(status=S.IN_PROGRESS), by=quality_manager, answer="")


def test_staff_closes_an_answered_request_with_a_resolution_summary(quality_manager):
    complaint = ComplaintFactory(status=S.ANSWERED, answered_at=timezone.now())
    with pytest.raises(ComplaintError, match="resolution summary"):
        complaint_close(complaint=complaint, by=quality_manager, resolution_summary="")
    complaint_close(complaint=complaint, by=quality_manager, resolution_summary="Chaudière remplacée.")
    complaint.refresh_from_db()
    assert complaint.status == S.CLOSED and complaint.closed_at is not None
    assert complaint.resolution_summary == "Chaudière remplacée."


def test_the_system_closes_after_the_quiet_period_and_not_before():
    answered = ComplaintFactory(status=S.ANSWERED, answered_at=timezone.now() - datetime.timedelta(days=9))
    with pytest.raises(ComplaintError, match="less than 10 days"):
        complaint_transition(complaint=answered, to=S.CLOSED, actor=SYSTEM)
    assert complaints_auto_close() == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        assert complaints_auto_close() == 1
        assert complaints_auto_close() == 0  # a rerun changes nothing
    answered.refresh_from_db()
    assert answered.status == S.CLOSED
    assert status_history(answered).last().actor == SYSTEM


@pytest.mark.parametrize("status", [S.ANSWERED, S.CLOSED])
def test_the_requester_reopens_within_30_days_of_the_answer(status):
    complaint = ComplaintFactory(status=status, answered_at=timezone.now() - datetime.timedelta(days=29))
    complaint_requester_message(complaint=complaint, body="Le problème est revenu.")
    complaint.refresh_from_db()
    assert complaint.status == S.IN_PROGRESS and complaint.reopened_at is not None and complaint.closed_at is None


@pytest.mark.parametrize("status", [S.ANSWERED, S.CLOSED])
def test_the_requester_cannot_reopen_after_30_days(status):
    complaint = ComplaintFactory(status=status, answered_at=timezone.now() - datetime.timedelta(days=31))
    with pytest.raises(ComplaintError, match="finished"):
        complaint_requester_message(complaint=complaint, body="Le problème est revenu.")
    complaint.refresh_from_db()
    assert complaint.status == status


def test_staff_cannot_reopen_an_answered_request(quality_manager):
    complaint = ComplaintFactory(status=S.ANSWERED, answered_at=timezone.now())
    with pytest.raises(ComplaintError):
        complaint_take_charge(complaint=complaint, by=quality_manager)


@pytest.mark.parametrize("status", [S.NEW, S.ACKNOWLEDGED, S.IN_PROGRESS])
def test_staff_redirects_with_the_body_whose_contact_details_go_into_the_reply(quality_manager, status):
    crous = RedirectBodyFactory(name="CROUS de Paris", phone="01 23 45 67 89", contact_details="39 avenue G.")
    complaint = ComplaintFactory(status=status)
    message = complaint_redirect(complaint=complaint, by=quality_manager, body=crous, explanation="Logement : CROUS.")
    complaint.refresh_from_db()
    assert complaint.status == S.REDIRECTED and complaint.redirect_body == crous and complaint.closed_at
    assert message.kind == MessageKind.REDIRECTION
    assert "Logement : CROUS." in message.body and "01 23 45 67 89" in message.body and "39 avenue G." in message.body


def test_a_redirection_needs_a_body_and_an_explanation(quality_manager):
    complaint = ComplaintFactory(status=S.ACKNOWLEDGED)
    with pytest.raises(ComplaintError, match="Choose the body"):
        complaint_transition(complaint=complaint, to=S.REDIRECTED, by=quality_manager, message="x")
    with pytest.raises(ComplaintError, match="required"):
        complaint_redirect(complaint=complaint, by=quality_manager, body=RedirectBodyFactory(), explanation="")


@pytest.mark.parametrize("status", [S.NEW, S.ACKNOWLEDGED])
def test_staff_rejects_with_the_reason(quality_manager, status):
    complaint = ComplaintFactory(status=status)
    message = complaint_reject(complaint=complaint, by=quality_manager, reason="Hors du champ.")
    complaint.refresh_from_db()
    assert complaint.status == S.REJECTED and complaint.is_admissible is False
    assert message.kind == MessageKind.REJECTION


def test_a_request_in_progress_can_no_longer_be_rejected(quality_manager):
    with pytest.raises(ComplaintError):
        complaint_reject(complaint=ComplaintFactory(status=S.IN_PROGRESS), by=quality_manager, reason="x")


@pytest.mark.parametrize("status", OPEN_STATUSES)
def test_any_open_request_can_be_marked_as_spam_or_duplicate(quality_manager, status):
    spam = ComplaintFactory(status=status)
    complaint_mark_spam(complaint=spam, by=quality_manager)
    assert spam.status == S.SPAM and spam.closed_at
    original = ComplaintFactory()
    duplicate = ComplaintFactory(status=status)
    complaint_mark_duplicate(complaint=duplicate, by=quality_manager, original=original)
    duplicate.refresh_from_db()
    assert duplicate.status == S.DUPLICATE and duplicate.duplicate_of == original


@pytest.mark.parametrize("status", [S.CLOSED, S.REDIRECTED, S.REJECTED, S.SPAM, S.DUPLICATE])
def test_a_finished_request_cannot_be_marked_as_spam(quality_manager, status):
    with pytest.raises(ComplaintError):
        complaint_mark_spam(complaint=ComplaintFactory(status=status), by=quality_manager)


def test_a_request_cannot_duplicate_itself(quality_manager):
    complaint = ComplaintFactory()
    with pytest.raises(ComplaintError, match="itself"):
        complaint_mark_duplicate(complaint=complaint, by=quality_manager, original=complaint)


@pytest.mark.parametrize("status", [S.REDIRECTED, S.REJECTED, S.SPAM, S.DUPLICATE])
def test_the_requester_cannot_write_on_a_finished_request(status):
    complaint = ComplaintFactory(status=status)
    with pytest.raises(ComplaintError):
        complaint_requester_message(complaint=complaint, body="Encore moi.")


def test_the_closing_command_and_task_run_the_same_service():
    from io import StringIO

    from django.core.management import call_command

    from complaints.tasks import auto_close

    ComplaintFactory(status=S.ANSWERED, answered_at=timezone.now() - datetime.timedelta(days=15))
    ComplaintFactory(status=S.ANSWERED, answered_at=timezone.now() - datetime.timedelta(days=12))
    out = StringIO()
    call_command("close_answered_complaints", stdout=out)
    assert "Closed 2 request(s)." in out.getvalue()
    ComplaintFactory(status=S.ANSWERED, answered_at=timezone.now() - datetime.timedelta(days=11))
    assert auto_close.delay().get() == 1
    assert not Complaint.objects.filter(status=S.ANSWERED).exists()
