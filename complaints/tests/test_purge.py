"""The retention purge (GDPR): after the retention period, every piece of personal data of a finished request is
removed, what the figures need is kept, and a second run changes nothing more. Also the dry run, the command,
the Celery task and its beat entry."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.utils import timezone

from complaints import services
from complaints.choices import ComplaintStatus
from complaints.models import Complaint, ComplaintAttachment, ComplaintMessage, HelpdeskSettings
from complaints.retention import due_for_purge, purge_complaints
from complaints.selectors import complaint_by_token
from complaints.statistics import complaint_statistics
from complaints.tests.conftest import pdf_file, png_file
from qms.celery import app as celery_app
from qms.core.metrics import Period
from qms.core.models import ActivityLog, StatusChange
from qms.notifications.models import OutboxEmail

pytestmark = pytest.mark.django_db

S = ComplaintStatus
NAME, EMAIL = "Camille Martin", "camille.martin@example.org"


def at(year, month, day, hour=10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


@pytest.fixture
def clock(time_machine):
    def move(moment: datetime.datetime) -> None:
        time_machine.move_to(moment, tick=False)

    move(at(2023, 1, 9))
    return move


@pytest.fixture
def closed(clock, submit, quality_manager, org, django_capture_on_commit_callbacks):
    """A request handled from end to end in January 2023, with files, notes, a question and its answer, a
    rating, emails and a lost-link email; closed on 20 January 2023."""
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(
            name=NAME,
            email=EMAIL,
            subject="Salle B204 sans chauffage",
            description="Je suis en L2, groupe 3 ; mon numéro étudiant est 21900042.",
            ip_address="203.0.113.9",
            concerned_unit=org.sciences,
            files=[pdf_file()],
        )
    complaint = submission.complaint
    by = quality_manager
    services.complaint_add_note(complaint=complaint, by=by, body="Appeler le service patrimoine (M. Durand).")
    clock(at(2023, 1, 10))
    services.complaint_take_charge(complaint=complaint, by=by)
    clock(at(2023, 1, 11))
    services.complaint_ask_requester(complaint=complaint, by=by, question="Depuis quand exactement ?")
    clock(at(2023, 1, 12))
    services.complaint_requester_message(complaint=complaint, body="Depuis le 3 janvier.", files=[png_file()])
    clock(at(2023, 1, 16))
    services.complaint_answer(complaint=complaint, by=by, answer="La chaudière a été réparée, Camille.")
    clock(at(2023, 1, 17))
    services.complaint_rate(complaint=Complaint.objects.get(pk=complaint.pk), rating=4, comment="Merci, Camille")
    clock(at(2023, 1, 18))
    services.complaint_send_tracking_links(email=EMAIL, language="fr")
    clock(at(2023, 1, 20))
    services.complaint_close(
        complaint=Complaint.objects.get(pk=complaint.pk), by=by, resolution_summary="Chaudière réparée pour Camille."
    )
    LogEntry.objects.create(
        user=quality_manager,
        content_type=ContentType.objects.get_for_model(Complaint),
        object_id=str(complaint.pk),
        object_repr=str(complaint),
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Subject"]}}]',
    )
    complaint.refresh_from_db()
    return complaint


def stored_files() -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def snapshot(complaint: Complaint) -> dict:
    content_type = ContentType.objects.get_for_model(Complaint)
    complaint.refresh_from_db()
    return {
        "complaint": model_to_dict(complaint, exclude=["updated_at"])
        | {k: getattr(complaint, k) for k in ("received_at", "closed_at", "purged_at", "search_text")},
        "messages": list(
            ComplaintMessage.objects.filter(complaint=complaint).values_list("kind", "body", "created_at")
        ),
        "attachments": ComplaintAttachment.objects.filter(complaint=complaint).count(),
        "changes": list(
            StatusChange.objects.filter(content_type=content_type, object_id=complaint.pk).values_list(
                "from_status", "to_status", "at", "note"
            )
        ),
        "log": list(
            ActivityLog.objects.filter(content_type=content_type, object_id=complaint.pk).values_list(
                "verb", "details", "object_repr"
            )
        ),
        "emails": list(
            OutboxEmail.objects.order_by("pk").values_list("recipient_email", "body_text", "body_html", "context")
        ),
        "files": sorted(stored_files()),
    }


def purge(**kwargs):
    # The files are deleted once the purge's transaction commits.
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return purge_complaints(**kwargs)


def test_every_piece_of_personal_data_is_removed_after_the_retention_period(closed, clock):
    content_type = ContentType.objects.get_for_model(Complaint)
    assert len(stored_files()) == 2
    assert OutboxEmail.objects.filter(recipient_email=EMAIL).count() >= 3

    clock(at(2025, 1, 21))
    result = purge()

    assert (result.purged, result.closed, result.spam, result.attachments) == (1, 1, 0, 2)
    complaint = Complaint.objects.get(pk=closed.pk)
    for field in ("name", "email", "subject", "description", "resolution_summary", "rating_comment"):
        assert getattr(complaint, field) == "", field
    assert complaint.ip_address is None
    assert complaint.tracking_token_hash is None
    assert complaint.search_text == closed.reference.lower()
    assert complaint.purged_at == at(2025, 1, 21)
    # Its text (action sources, admin lists) is its reference alone, with no dangling separator.
    assert str(complaint) == complaint.reference
    # Attachments: rows and files gone.
    assert not ComplaintAttachment.objects.filter(complaint=complaint).exists()
    assert stored_files() == []
    # Every free text: messages, notes, replies, status-change notes.
    assert set(ComplaintMessage.objects.filter(complaint=complaint).values_list("body", flat=True)) == {""}
    assert ComplaintMessage.objects.filter(complaint=complaint).count() == 4
    assert set(
        StatusChange.objects.filter(content_type=content_type, object_id=complaint.pk).values_list("note", flat=True)
    ) == {""}
    # The activity log keeps who did what and when, not the details; the purge itself is logged with counts.
    log = ActivityLog.objects.filter(content_type=content_type, object_id=complaint.pk)
    assert all(entry.details == {} for entry in log.exclude(verb="purged"))
    assert all(NAME not in entry.object_repr and "B204" not in entry.object_repr for entry in log)
    assert log.get(verb="purged").details == {"attachments": 2, "messages": 4, "emails": result.emails}
    # The Django admin's own log too.
    admin_entry = LogEntry.objects.get(object_id=str(complaint.pk))
    assert admin_entry.object_repr == complaint.reference and admin_entry.change_message == ""
    # The outbox: no body, no address, for the emails about the request and the lost-link email.
    for email in OutboxEmail.objects.all():
        assert EMAIL not in email.recipient_email
        assert "Camille" not in email.body_text + email.body_html
        assert "B204" not in email.body_text + email.body_html
        assert email.context is None  # nothing left to render it from (a tracking link, say)
    assert not OutboxEmail.objects.filter(recipient_email__iexact=EMAIL).exists()
    # Nothing of the requester anywhere in the request's row.
    row = " ".join(str(value) for value in model_to_dict(complaint).values())
    for secret in ("Camille", "camille", "B204", "21900042", "203.0.113.9", "Merci"):
        assert secret not in row


def test_what_the_figures_need_is_kept_and_the_figures_do_not_change(closed, clock, org):
    def figures():
        stats = complaint_statistics(period=Period.year(2023))
        return (
            stats.received,
            stats.handled,
            stats.answered,
            stats.answered_on_time,
            stats.median_take_charge_days,
            stats.median_answer_days,
            stats.satisfaction,
        )

    kept = (
        "reference",
        "kind",
        "requester_category",
        "channel",
        "language",
        "status",
        "org_unit_id",
        "concerned_unit_id",
        "received_at",
        "acknowledged_at",
        "taken_in_charge_at",
        "answered_at",
        "closed_at",
        "take_charge_due",
        "answer_due",
        "paused_days",
        "clock_started_on",
        "rating",
        "rated_at",
    )
    before = {field: getattr(closed, field) for field in kept}
    before_figures = figures()
    assert before["org_unit_id"] == org.sciences.pk and before["rating"] == 4

    clock(at(2025, 2, 1))
    purge()

    complaint = Complaint.objects.get(pk=closed.pk)
    assert {field: getattr(complaint, field) for field in kept} == before
    assert figures() == before_figures


def test_a_second_run_changes_nothing_more(closed, clock):
    clock(at(2025, 2, 1))
    assert purge().purged == 1
    after_first = snapshot(closed)

    clock(at(2025, 2, 2))
    second = purge()

    assert second.purged == 0
    assert snapshot(closed) == after_first


def test_nothing_is_purged_before_the_retention_period(closed, clock):
    clock(at(2025, 1, 19))
    before = snapshot(closed)
    assert purge().purged == 0
    assert snapshot(closed) == before
    assert closed.tracking_token_hash


def test_the_retention_period_comes_from_the_site_settings(closed, clock):
    helpdesk = HelpdeskSettings.load()
    helpdesk.retention_closed_months = 6
    helpdesk.save()
    clock(at(2023, 7, 19))
    assert purge().purged == 0
    clock(at(2023, 7, 21))
    assert purge().purged == 1


def test_spam_is_purged_30_days_after_being_marked(clock, submit, quality_manager):
    spam = submit(name="Bot", email="bot@spam.example", subject="Gagnez un iPhone").complaint
    clock(at(2023, 1, 10))
    services.complaint_mark_spam(complaint=spam, by=quality_manager)

    clock(at(2023, 2, 8))
    assert purge().purged == 0
    clock(at(2023, 2, 10))
    result = purge()

    assert (result.purged, result.spam, result.closed) == (1, 1, 0)
    spam.refresh_from_db()
    assert (spam.name, spam.email, spam.subject, spam.status) == ("", "", "", S.SPAM)


def test_open_and_reopened_requests_are_never_purged(clock, submit, quality_manager):
    open_request = submit().complaint
    reopened = submit(email="autre@example.org").complaint
    services.complaint_take_charge(complaint=reopened, by=quality_manager)
    services.complaint_answer(complaint=reopened, by=quality_manager, answer="Réponse.")
    services.complaint_close(complaint=reopened, by=quality_manager, resolution_summary="Fait.")
    clock(at(2023, 1, 20))
    services.complaint_requester_message(complaint=reopened, body="Le problème est revenu.")
    reopened.refresh_from_db()
    assert reopened.status == S.IN_PROGRESS and reopened.closed_at is None

    clock(at(2026, 1, 1))
    assert purge().purged == 0
    assert not due_for_purge().filter(pk__in=[open_request.pk, reopened.pk]).exists()


def test_the_tracking_link_stops_working(clock, submit, quality_manager):
    submission = submit()
    complaint = submission.complaint
    services.complaint_reject(complaint=complaint, by=quality_manager, reason="Hors délai.")
    assert complaint_by_token(submission.token) is not None
    clock(at(2025, 2, 1))
    purge()
    assert complaint_by_token(submission.token) is None


def test_a_lost_link_email_stays_while_another_request_of_the_address_keeps_its_data(closed, clock, submit):
    clock(at(2024, 12, 1))
    recent = submit(name=NAME, email=EMAIL).complaint

    clock(at(2025, 2, 1))
    purge()

    links = OutboxEmail.objects.get(kind="complaint-links")
    assert links.recipient_email == EMAIL
    recent.refresh_from_db()
    assert recent.email == EMAIL and recent.purged_at is None


def test_the_dry_run_counts_and_changes_nothing(closed, clock):
    clock(at(2025, 2, 1))
    before = snapshot(closed)
    result = purge(dry_run=True)
    assert result.dry_run
    assert (result.purged, result.closed, result.spam, result.attachments, result.messages) == (1, 1, 0, 2, 4)
    assert snapshot(closed) == before


def test_the_command_prints_counts_and_never_personal_data(closed, clock, caplog):
    clock(at(2025, 2, 1))
    out = StringIO()
    call_command("purge_complaints", "--dry-run", stdout=out)
    assert out.getvalue().startswith("Would purge 1 request(s): 1 finished, 0 spam; 2 attachment(s), 4 message(s).")
    assert Complaint.objects.get(pk=closed.pk).purged_at is None

    out = StringIO()
    call_command("purge_complaints", stdout=out)
    assert out.getvalue().startswith("Purged 1 request(s): 1 finished, 0 spam; 2 attachment(s), 4 message(s)")
    assert Complaint.objects.get(pk=closed.pk).purged_at is not None

    out = StringIO()
    call_command("purge_complaints", stdout=out)
    assert out.getvalue().startswith("Purged 0 request(s)")
    logged = caplog.text + out.getvalue()
    for secret in (NAME, EMAIL, "B204", "203.0.113.9"):
        assert secret not in logged


def test_the_celery_task_runs_the_purge_and_beat_runs_it_daily_with_an_expiry(closed, clock):
    from complaints.tasks import purge_complaints as task

    clock(at(2025, 2, 1))
    assert task.apply().get() == 1
    assert Complaint.objects.get(pk=closed.pk).purged_at is not None

    entries = [entry for entry in celery_app.conf.beat_schedule.values() if entry["task"] == task.name]
    assert len(entries) == 1
    assert entries[0]["schedule"] <= 24 * 3600
    assert entries[0]["options"]["expires"] > 0
