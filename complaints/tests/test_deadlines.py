"""Due dates in working days (weekends, public holidays, closure days), paused while waiting for the requester,
stored on the request and recomputed at each move."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints.choices import ComplaintKind, ComplaintStatus
from complaints.models import Complaint, HelpdeskSettings
from complaints.services import (
    complaint_answer,
    complaint_ask_requester,
    complaint_requester_message,
    complaint_take_charge,
)
from complaints.tests.factories import DeadlineSettingFactory
from qms.core.models import ClosureDay

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
D = datetime.date


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


def test_deadlines_skip_the_weekend(submit):
    with time_machine.travel(at(D(2026, 3, 6))):  # a Friday
        complaint = submit().complaint
    assert complaint.take_charge_due == D(2026, 3, 10)  # Monday, Tuesday
    assert complaint.answer_due == D(2026, 3, 27)  # 15 working days: three weeks later, a Friday
    assert (complaint.take_charge_days, complaint.answer_days) == (2, 15)


def test_deadlines_skip_public_holidays(submit):
    with time_machine.travel(at(D(2026, 4, 2))):  # Thursday before Easter Monday (6 April 2026)
        complaint = submit().complaint
    assert complaint.take_charge_due == D(2026, 4, 7)  # Friday, (Easter Monday), Tuesday


def test_deadlines_skip_the_institutions_closure_days(submit):
    ClosureDay.objects.create(start_date=D(2026, 12, 21), end_date=D(2027, 1, 1), label="Fermeture de Noël")
    with time_machine.travel(at(D(2026, 12, 18))):  # the Friday before the closure
        complaint = submit().complaint
    assert complaint.take_charge_due == D(2027, 1, 5)  # Monday 4 and Tuesday 5 January


def test_a_request_filed_late_on_friday_counts_from_friday(submit):
    with time_machine.travel(at(D(2026, 3, 6), hour=23)):  # 22:00 UTC, still Friday in Paris
        complaint = submit().complaint
    assert complaint.clock_started_on == D(2026, 3, 6)
    assert complaint.take_charge_due == D(2026, 3, 10)


def test_each_kind_has_its_own_deadlines_with_the_site_defaults_beside(submit):
    DeadlineSettingFactory(kind=ComplaintKind.SUGGESTION, take_charge_days=5, answer_days=None)
    helpdesk = HelpdeskSettings.load()
    helpdesk.answer_deadline_days = 20
    helpdesk.save()
    with time_machine.travel(at(D(2026, 3, 2))):  # a Monday
        suggestion = submit(kind=ComplaintKind.SUGGESTION).complaint
        complaint = submit(kind=ComplaintKind.COMPLAINT).complaint
    assert (suggestion.take_charge_days, suggestion.answer_days) == (5, 20)
    assert suggestion.take_charge_due == D(2026, 3, 9)
    assert (complaint.take_charge_days, complaint.answer_days) == (2, 20)
    assert complaint.answer_due == D(2026, 3, 30)


def test_waiting_for_the_requester_pauses_the_clock(submit, quality_manager):
    with time_machine.travel(at(D(2026, 3, 2))):  # Monday
        complaint = submit().complaint
    assert complaint.answer_due == D(2026, 3, 23)
    with time_machine.travel(at(D(2026, 3, 3))):
        complaint_take_charge(complaint=complaint, by=quality_manager)
    with time_machine.travel(at(D(2026, 3, 4))):  # Wednesday: the clock stops
        complaint_ask_requester(complaint=complaint, by=quality_manager, question="Quel bâtiment ?")
    # Long after the answer deadline, a waiting request is not overdue: the clock stands still.
    assert complaint.answer_due == D(2026, 3, 23)
    assert not Complaint.objects.overdue(D(2026, 3, 25)).filter(pk=complaint.pk).exists()
    with time_machine.travel(at(D(2026, 3, 9))):  # the next Monday: Thursday, Friday and Monday were paused
        complaint_requester_message(complaint=complaint, body="Le bâtiment B.")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.IN_PROGRESS
    assert complaint.paused_days == 3 and complaint.paused_since is None
    assert complaint.answer_due == D(2026, 3, 26)
    # The take-charge date stays what it was when the request was taken in charge.
    assert complaint.take_charge_due == D(2026, 3, 4)


def test_a_pause_before_taking_charge_moves_the_take_charge_date_too(submit, quality_manager):
    with time_machine.travel(at(D(2026, 3, 2))):  # Monday
        complaint = submit().complaint
        complaint_ask_requester(complaint=complaint, by=quality_manager, question="Précisez ?")
    with time_machine.travel(at(D(2026, 3, 5))):  # Thursday: Tuesday to Thursday paused
        complaint_requester_message(complaint=complaint, body="Voici.")
    complaint.refresh_from_db()
    assert complaint.paused_days == 3
    assert complaint.take_charge_due == D(2026, 3, 9)  # Wednesday 4 + 3 working days


def test_overdue_requests_are_found_in_the_database(submit, quality_manager):
    with time_machine.travel(at(D(2026, 3, 2))):
        late_to_take = submit().complaint
        taken = submit().complaint
        complaint_take_charge(complaint=taken, by=quality_manager)
    on_wednesday, on_friday = D(2026, 3, 4), D(2026, 3, 6)
    assert not Complaint.objects.overdue(on_wednesday).exists()
    assert list(Complaint.objects.overdue(on_friday)) == [late_to_take]
    assert late_to_take.is_overdue(on_friday) and not taken.is_overdue(on_friday)
    # Past the answer deadline, a request in progress is overdue too; an answered one is not.
    assert set(Complaint.objects.overdue(D(2026, 3, 24))) == {late_to_take, taken}
    with time_machine.travel(at(D(2026, 3, 20))):
        complaint_answer(complaint=taken, by=quality_manager, answer="Fait.")
    assert list(Complaint.objects.overdue(D(2026, 3, 24))) == [late_to_take]


def test_the_answer_date_stands_still_once_answered(submit, quality_manager):
    with time_machine.travel(at(D(2026, 3, 2))):
        complaint = submit().complaint
        complaint_take_charge(complaint=complaint, by=quality_manager)
    with time_machine.travel(at(D(2026, 3, 20))):
        complaint_answer(complaint=complaint, by=quality_manager, answer="Fait.")
    complaint.refresh_from_db()
    assert complaint.answer_due == D(2026, 3, 23)
    assert complaint.answered_at.date() <= complaint.answer_due  # answered on time


def test_reopening_starts_a_fresh_answer_clock(submit, quality_manager):
    with time_machine.travel(at(D(2026, 3, 2))):
        complaint = submit().complaint
        complaint_take_charge(complaint=complaint, by=quality_manager)
        complaint_answer(complaint=complaint, by=quality_manager, answer="Fait.")
    with time_machine.travel(at(D(2026, 3, 16))):  # a Monday, within 30 days of the answer
        complaint_requester_message(complaint=complaint, body="Ce n'est pas réglé.")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.IN_PROGRESS
    assert complaint.clock_started_on == D(2026, 3, 16)
    assert complaint.answer_due == D(2026, 4, 7)  # 15 working days, Easter Monday skipped


def test_a_late_answer_reopened_is_not_counted_on_time_until_answered_again(submit, quality_manager):
    from complaints.statistics import answered_on_time_counts
    from qms.core.metrics import Period

    with time_machine.travel(at(D(2026, 3, 2))):
        complaint = submit().complaint
        complaint_take_charge(complaint=complaint, by=quality_manager)
    with time_machine.travel(at(D(2026, 4, 1))):  # after the deadline of 23 March
        complaint_answer(complaint=complaint, by=quality_manager, answer="Fait, en retard.")
    march_april = Period(D(2026, 3, 1), D(2026, 4, 30))
    assert answered_on_time_counts(march_april, None) == (0, 1)
    with time_machine.travel(at(D(2026, 4, 8))):
        complaint_requester_message(complaint=complaint, body="Ce n'est pas réglé.")
    complaint.refresh_from_db()
    assert complaint.answer_due > D(2026, 4, 8)
    # Reopened: the late answer is no longer final, and the new (later) deadline does not make it on time.
    assert answered_on_time_counts(march_april, None) == (0, 0)
    with time_machine.travel(at(D(2026, 4, 10))):
        complaint_answer(complaint=complaint, by=quality_manager, answer="Réglé cette fois.")
    assert answered_on_time_counts(march_april, None) == (1, 1)
