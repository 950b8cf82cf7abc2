"""The retention purge (GDPR): once a finished request has been kept long enough, every piece of personal data
it holds is removed, and what the figures need stays.

Removed: the requester's name, email and IP address, the staff member who reported it, the attachments (files
deleted from storage, rows deleted), every free text (subject, description, messages, internal notes, replies,
resolution summary, rating comment, redirection explanation, status-change notes), the outbox bodies and
addresses of the emails about it, the details of its activity-log entries, and its tracking token.

Kept: reference, kind, requester category, sensitive nature, channel, programme and units, status and its
history, every date and deadline, qualification, redirect body, duplicate link and rating, so that the figures
and the register stay right. ``purged_at`` marks the request; a purged request is never purged again, so a
second run changes nothing.

When: ``HelpdeskSettings.retention_closed_months`` after closing (default 24 months) for every finished request,
``HelpdeskSettings.retention_spam_days`` after being marked spam (default 30 days). ``closed_at`` is set when any
finished status is reached, and cleared when a request is reopened.

Run daily by beat (``complaints.tasks.purge_complaints``) and by ``manage.py purge_complaints [--dry-run]``.
Logs counts only, never personal data.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from complaints.choices import FINISHED_STATUSES, ComplaintStatus
from complaints.models import Complaint, ComplaintAttachment, ComplaintMessage, HelpdeskSettings, TrackingLink
from qms.core.choices import Actor
from qms.core.models import ActivityLog, StatusChange
from qms.core.services import log_activity

logger = logging.getLogger(__name__)

S = ComplaintStatus
# The email sent by "Lost your link?" is about an address, not a request (it lists all of them).
LINKS_EMAIL_KIND = "complaint-links"


@dataclass
class PurgeResult:
    """What a run purged (or, with ``dry_run``, would purge): counts only."""

    dry_run: bool = False
    purged: int = 0
    closed: int = 0  # finished requests past the retention period
    spam: int = 0  # spam past its own, shorter period
    attachments: int = 0
    messages: int = 0
    emails: int = 0
    references: list[str] = field(default_factory=list)

    def as_log(self) -> dict[str, int | bool]:
        return {
            "dry_run": self.dry_run,
            "purged": self.purged,
            "closed": self.closed,
            "spam": self.spam,
            "attachments": self.attachments,
            "messages": self.messages,
            "emails": self.emails,
        }


def retention_limits(now: datetime.datetime | None = None) -> tuple[datetime.datetime, datetime.datetime]:
    """(closed before, spam before): requests finished before these moments are due for the purge."""
    now = now or timezone.now()
    helpdesk = HelpdeskSettings.get()
    return (
        now - relativedelta(months=helpdesk.retention_closed_months),
        now - datetime.timedelta(days=helpdesk.retention_spam_days),
    )


def due_for_purge(now: datetime.datetime | None = None) -> models.QuerySet[Complaint]:
    """The finished requests, not purged yet, whose retention period is over at ``now``."""
    closed_before, spam_before = retention_limits(now)
    kept_long = [status for status in FINISHED_STATUSES if status != S.SPAM]
    return Complaint.objects.filter(purged_at__isnull=True, closed_at__isnull=False).filter(
        Q(status=S.SPAM, closed_at__lte=spam_before) | Q(status__in=kept_long, closed_at__lte=closed_before)
    )


def purge_complaints(*, now: datetime.datetime | None = None, dry_run: bool = False) -> PurgeResult:
    """Purge every request due at ``now``, each in its own transaction (a failure leaves the others done).

    Safe to run twice or from two workers at once: each request is locked and checked again before it is
    purged, and a purged one is never selected again."""
    now = now or timezone.now()
    result = PurgeResult(dry_run=dry_run)
    due = due_for_purge(now)
    if dry_run:
        counts = due.aggregate(
            total=models.Count("pk", distinct=True),
            spam=models.Count("pk", filter=Q(status=S.SPAM), distinct=True),
        )
        result.purged, result.spam = counts["total"], counts["spam"]
        result.closed = result.purged - result.spam
        result.attachments = ComplaintAttachment.objects.filter(complaint__in=due).count()
        result.messages = ComplaintMessage.objects.filter(complaint__in=due).exclude(body="").count()
        logger.info("Retention purge (dry run): %(purged)s request(s) due.", result.as_log())
        return result
    for pk in list(due.order_by("closed_at", "pk").values_list("pk", flat=True)):
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().filter(pk=pk).first()
            if complaint is None or not due_for_purge(now).filter(pk=pk).exists():
                continue
            counts = purge_complaint(complaint=complaint, now=now)
        result.purged += 1
        if complaint.status == S.SPAM:
            result.spam += 1
        else:
            result.closed += 1
        result.attachments += counts["attachments"]
        result.messages += counts["messages"]
        result.emails += counts["emails"]
        result.references.append(complaint.reference)
    logger.info(
        "Retention purge: %s request(s) purged (%s finished, %s spam), %s attachment(s), %s message(s), %s email(s).",
        result.purged,
        result.closed,
        result.spam,
        result.attachments,
        result.messages,
        result.emails,
    )
    return result


@transaction.atomic
def purge_complaint(*, complaint: Complaint, now: datetime.datetime | None = None) -> dict[str, int]:
    """Remove the personal data of one request (whatever its status: the caller decides that it is due).

    The stored files are deleted once the transaction commits, so that a rollback never leaves rows pointing at
    missing files. Returns the counts of what was removed."""
    now = now or timezone.now()
    content_type = ContentType.objects.get_for_model(Complaint)
    email = complaint.email

    attachments = list(complaint.attachments.all())
    names = [attachment.file.name for attachment in attachments if attachment.file and attachment.file.name]
    storage = ComplaintAttachment._meta.get_field("file").storage
    ComplaintAttachment.objects.filter(pk__in=[attachment.pk for attachment in attachments]).delete()
    if names:
        transaction.on_commit(lambda: _delete_files(storage, names), robust=True)

    messages = ComplaintMessage.objects.filter(complaint=complaint).exclude(body="").update(body="")
    StatusChange.objects.filter(content_type=content_type, object_id=complaint.pk).exclude(note="").update(note="")
    ActivityLog.objects.filter(content_type=content_type, object_id=complaint.pk).update(
        details={}, object_repr=complaint.reference
    )
    _scrub_admin_log(content_type, complaint)
    emails = _wipe_emails(complaint, email)

    complaint.name = ""
    complaint.email = ""
    complaint.ip_address = None
    complaint.submitted_by = None
    complaint.tracking_token_hash = None
    TrackingLink.objects.filter(complaint=complaint).delete()
    complaint.subject = ""
    complaint.description = ""
    complaint.resolution_summary = ""
    complaint.rating_comment = ""
    complaint.purged_at = now
    # ``save`` rebuilds the search text from the (now blank) searched fields: only the reference is left.
    complaint.save(
        update_fields=[
            "name",
            "email",
            "ip_address",
            "submitted_by",
            "tracking_token_hash",
            "subject",
            "description",
            "resolution_summary",
            "rating_comment",
            "purged_at",
            "updated_at",
        ]
    )
    log_activity(
        obj=complaint,
        verb="purged",
        actor=Actor.SYSTEM,
        details={"attachments": len(attachments), "messages": messages, "emails": emails},
    )
    return {"attachments": len(attachments), "messages": messages, "emails": emails}


def _delete_files(storage, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            # The row is gone already; an orphan file is reported (by its storage name only) for a manual clean-up.
            logger.warning("Retention purge: could not delete the stored file %s.", name)


def _scrub_admin_log(content_type: ContentType, complaint: Complaint) -> None:
    """The Django admin's own log keeps the object's text (reference and subject) and the changed values."""
    from django.contrib.admin.models import LogEntry

    LogEntry.objects.filter(content_type=content_type, object_id=str(complaint.pk)).update(
        object_repr=complaint.reference, change_message=""
    )


def _wipe_emails(complaint: Complaint, email: str) -> int:
    """Blank the outbox emails about the request; and the "Lost your link?" emails sent to its requester's
    address, once no request of theirs keeps personal data any more."""
    from qms.notifications.choices import OutboxState
    from qms.notifications.models import OutboxEmail
    from qms.notifications.services import wipe_emails_about

    count = wipe_emails_about(complaint, include_subject=False)
    others = Complaint.objects.filter(email__iexact=email, purged_at__isnull=True).exclude(pk=complaint.pk)
    if email and not others.exists():
        links = OutboxEmail.objects.filter(kind=LINKS_EMAIL_KIND, object_id__isnull=True, recipient_email__iexact=email)
        links.filter(state__in=[OutboxState.QUEUED, OutboxState.FAILED]).update(
            state=OutboxState.GIVEN_UP, lease_until=None
        )
        count += links.update(
            body_text="",
            body_html="",
            recipient_email="",
            reply_to="",
            last_error="",
            context=None,
            wiped_at=timezone.now(),
        )
    return count
