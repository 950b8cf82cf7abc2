"""Every write of the helpdesk: submission, the moves of the workflow, assignment, qualification, messages,
the requester's replies and ratings, the tracking links, and the automatic closing.

Services are keyword-only and HTTP-free, run in a transaction and raise ``ComplaintError`` (translated) when
something cannot be done. Emails go through ``qms.notifications.services.notify``: rows of the outbox written in
the same transaction, sent after commit, so that nothing here waits for the broker or the mail server.

``now`` dates what a service does (its status change, message, activity-log line and dates), the present by
default: a history recorded afterwards (the demo) goes through the same rules. ``notify_people=False`` writes no
email: nobody is told (the demo writes no outbox row).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.choices import (
    BEFORE_ANSWER,
    BEFORE_TAKE_CHARGE,
    EMAILED_MESSAGE_KINDS,
    EXCLUDED_FROM_FIGURES,
    FINISHED_STATUSES,
    Channel,
    ComplaintKind,
    ComplaintStatus,
    MessageKind,
    RequesterCategory,
)
from complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintMessage,
    HelpdeskSettings,
    RedirectBody,
    ReferenceCounter,
    RootCauseCategory,
    TrackingLink,
)
from complaints.selectors import deadline_days, staff_to_notify
from complaints.validators import check_attachments
from complaints.workflows import WORKFLOW
from qms.core.calendar import WorkingCalendar
from qms.core.choices import Actor
from qms.core.domain import DomainError
from qms.core.files import safe_filename
from qms.core.models import OrgUnit, Programme, SiteSettings, StatusChange, User
from qms.core.services import log_activity
from qms.core.tokens import hash_token, make_token
from qms.core.workflow import TransitionError, record_statuses
from qms.notifications.services import notify, notify_many, prepare_email, prepare_many, write_emails

S = ComplaintStatus
REFERENCE_PREFIX = "REC"


class ComplaintError(DomainError):
    """Something the helpdesk cannot do; ``str(error)`` is translated and can be shown as is."""


# --- Rules of the request's status that are not moves of the workflow -------------------------------------------
# The moves (take in charge, ask, answer …) are checked by the workflow table (complaints/workflows.py); these are
# the other things staff do on a request. The request page offers an action only when its rule allows it, and
# the service refuses it with the same message whoever calls it.
def _finished(message: str):
    return lambda complaint: message if complaint.is_finished else None


RULES: dict[str, Callable[[Complaint], str | None]] = {
    "assign": _finished(gettext_lazy("A finished request can no longer be assigned.")),
    "qualify": _finished(gettext_lazy("A finished request can no longer be qualified.")),
    "reply": lambda complaint: (
        None if complaint.is_open else gettext_lazy("This request is finished; it can no longer be answered.")
    ),
    # Action plans ask it through the source registry (complaints.apps) before an action answers a request.
    "actions": lambda complaint: (
        gettext_lazy("No action answers a request marked as spam or as a duplicate.")
        if complaint.status in EXCLUDED_FROM_FIGURES
        else None
    ),
}


def refusal(complaint: Complaint, rule: str) -> str | None:
    """Why ``complaint`` refuses ``rule`` in its current status (translated), or None when it allows it."""
    check = RULES.get(rule)
    reason = check(complaint) if check else None
    return str(reason) if reason else None


def _enforce(complaint: Complaint, rule: str) -> None:
    reason = refusal(complaint, rule)
    if reason:
        raise ComplaintError(reason)


@dataclass(frozen=True)
class Submission:
    """A request just filed, with its tracking token: shown once, never stored (only its hash is)."""

    complaint: Complaint
    token: str


# --- Links -------------------------------------------------------------------------------------------------
def tracking_url(token: str) -> str:
    """The full tracking link of ``token`` on the public site (for emails)."""
    return SiteSettings.get().absolute_url(reverse("complaints:public-track", kwargs={"token": token}))


def lost_link_url() -> str:
    return SiteSettings.get().absolute_url(reverse("complaints:public-lost-link"))


def staff_url(complaint: Complaint) -> str:
    return SiteSettings.get().absolute_url(complaint.get_absolute_url())


# --- References and deadlines --------------------------------------------------------------------------------
def format_reference(year: int, number: int) -> str:
    return f"{REFERENCE_PREFIX}-{year}-{number:05d}"


def _take_numbers(year: int, count: int) -> int:
    """Add ``count`` to the counter of ``year`` (created at zero when missing) in one statement, and return its new
    value. The statement locks the counter's row until the caller's transaction ends: call it as late as possible,
    so that concurrent submissions wait on it for the commit alone."""
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    year_column = connection.ops.quote_name("year")
    last = connection.ops.quote_name("last")
    with connection.cursor() as cursor:
        # PostgreSQL and SQLite (3.35 and later) both read INSERT … ON CONFLICT … DO UPDATE … RETURNING.
        cursor.execute(
            f"INSERT INTO {table} ({year_column}, {last}) VALUES (%s, %s) "
            f"ON CONFLICT ({year_column}) DO UPDATE SET {last} = {table}.{last} + EXCLUDED.{last} RETURNING {last}",
            [year, count],
        )
        return cursor.fetchone()[0]


def next_reference(*, year: int) -> str:
    """The next public reference of ``year`` (REC-2026-00042). The year's counter row stays locked until the
    caller's transaction ends, so that concurrent submissions never share a number and a rolled-back one leaves
    no gap."""
    return format_reference(year, _take_numbers(year, 1))


def reserve_references(*, year: int, count: int) -> list[str]:
    """``count`` consecutive references of ``year`` at once, in order (bulk loads)."""
    if count <= 0:
        return []
    last = _take_numbers(year, count)
    return [format_reference(year, number) for number in range(last - count + 1, last + 1)]


def refresh_deadlines(complaint: Complaint, *, calendar: WorkingCalendar | None = None) -> list[str]:
    """Recompute the stored due dates from the clock start, the deadlines of the kind and the paused time.

    The take-charge date stands still once the request is taken in charge, and the answer date once it is
    answered (or closed otherwise), so that they keep saying what the deadline was. Returns the fields changed.
    """
    calendar = calendar or WorkingCalendar()
    start = complaint.clock_started_on
    changed = []
    if complaint.taken_in_charge_at is None and complaint.status in (*BEFORE_TAKE_CHARGE, S.WAITING):
        due = calendar.add_working_days(start, complaint.take_charge_days + complaint.paused_days)
        if due != complaint.take_charge_due:
            complaint.take_charge_due = due
            changed.append("take_charge_due")
    if complaint.status in (*BEFORE_ANSWER, S.WAITING):
        due = calendar.add_working_days(start, complaint.answer_days + complaint.paused_days)
        if due != complaint.answer_due:
            complaint.answer_due = due
            changed.append("answer_due")
    return changed


# --- Submission ------------------------------------------------------------------------------------------------
def complaint_submit(
    *,
    kind: str,
    subject: str,
    description: str,
    requester_category: str = RequesterCategory.OTHER,
    name: str = "",
    email: str = "",
    language: str | None = None,
    programme: Programme | None = None,
    concerned_unit: OrgUnit | None = None,
    sensitive_nature: str = "",
    ip_address: str | None = None,
    files: Sequence = (),
    submitted_by: User | None = None,
    channel: str = Channel.PUBLIC_FORM,
    on_saved: Callable[[Complaint], object] | None = None,
    now: datetime | None = None,
    notify_people: bool = True,
    savepoint: bool = True,
) -> Submission:
    """File a request: give it a reference and a tracking token, store its files, queue its acknowledgement
    (new → acknowledged at once) and tell the staff concerned. Nothing waits for the broker or the mail server.
    ``on_saved(complaint)`` is called once the request is written, before its reference is taken (the public
    form records there what its stamp created), so that nothing of the caller's runs under the counter's lock.

    Requests filed at the same time queue on their year's reference counter, so its number is taken last, just
    before the commit: the row and its history are written first under a provisional reference, and only what
    shows the reference (the activity log, the emails' subjects) is written after it.

    ``savepoint=False``: the caller's transaction is rolled back whole if this fails (the public form's claim on
    its stamp), so no savepoint is needed around the request's writes: two statements fewer."""
    subject, description = (subject or "").strip(), (description or "").strip()
    if not subject or not description:
        raise ComplaintError(_("A subject and a description are required."))
    if kind not in ComplaintKind.values:
        raise ComplaintError(_("Unknown kind of request."), field="kind")
    try:
        content_types = check_attachments(list(files))
    except ValidationError as error:
        raise ComplaintError(" ".join(error.messages), field="attachments")

    now = now or timezone.now()
    token, token_hash = make_token()
    take_charge_days, answer_days = deadline_days(kind)
    complaint = Complaint(
        # Unique (the hash is) and never seen: replaced by the real reference before the commit.
        reference=f"~{token_hash[:19]}",
        kind=kind,
        requester_category=requester_category,
        sensitive_nature=sensitive_nature or "",
        channel=channel,
        name=(name or "").strip(),
        email=(email or "").strip(),
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        submitted_by=submitted_by if submitted_by is not None and submitted_by.is_authenticated else None,
        ip_address=ip_address or None,
        tracking_token_hash=token_hash,
        programme=programme,
        concerned_unit=concerned_unit or (programme.org_unit if programme else None),
        org_unit=programme.org_unit if programme else concerned_unit,
        subject=subject[:200],
        description=description,
        status=S.NEW,
        received_at=now,
        clock_started_on=timezone.localdate(now),
        take_charge_days=take_charge_days,
        answer_days=answer_days,
    )
    complaint.fill_derived_fields(search=False)
    actor = Actor.USER if complaint.submitted_by else Actor.REQUESTER
    # Acknowledged at once (the acknowledgement is queued below; an anonymous request is acknowledged by its
    # confirmation page and printable receipt), through the workflow's table.
    WORKFLOW.check(complaint, S.ACKNOWLEDGED, actor=Actor.SYSTEM)
    complaint.status, complaint.acknowledged_at = S.ACKNOWLEDGED, now
    refresh_deadlines(complaint)
    staff = staff_to_notify(complaint) if notify_people else []
    with transaction.atomic(savepoint=savepoint), _files_removed_on_error() as stored:
        complaint.save(force_insert=True)
        record_statuses(
            complaint,
            [("", S.NEW, complaint.submitted_by, actor), (S.NEW, S.ACKNOWLEDGED, None, Actor.SYSTEM)],
            at=now,
        )
        for upload, content_type in zip(files, content_types, strict=True):
            stored.append(
                _store_attachment(complaint, upload, content_type=content_type, uploaded_by=complaint.submitted_by)
            )
        if on_saved is not None:
            on_saved(complaint)
        # The last writes before the commit: the counter's row stays locked from here to the commit.
        complaint.reference = next_reference(year=timezone.localtime(now).year)
        complaint.fill_derived_fields()  # the search text holds the reference
        Complaint.objects.filter(pk=complaint.pk).update(
            reference=complaint.reference, search_text=complaint.search_text
        )
        log_activity(
            obj=complaint,
            verb="submitted",
            by=complaint.submitted_by,
            actor=actor,
            details={"channel": channel, "attachments": len(content_types)},
            at=now,
        )
        if notify_people:
            write_emails([*_acknowledgement(complaint, token), *_staff_notices(complaint, staff)], keys_are_new=True)
    return Submission(complaint=complaint, token=token)


@contextmanager
def _files_removed_on_error():
    """Collect the attachments stored in the block; if it fails, delete their files (the rows roll back)."""
    stored: list[ComplaintAttachment] = []
    try:
        yield stored
    except BaseException:
        for attachment in stored:
            attachment.file.delete(save=False)
        raise


def _acknowledgement(complaint: Complaint, token: str) -> list:
    """The acknowledgement to the requester's address, when there is one."""
    if not complaint.email:
        return []
    return [
        prepare_email(
            complaint.email,
            "complaint-acknowledgement",
            complaint,
            urgent=True,
            secret=True,
            language=complaint.language,
            dedup_key=f"complaint-ack-{complaint.pk}",
            context={
                "complaint": complaint,
                "tracking_url": tracking_url(token),
                "lost_link_url": lost_link_url(),
            },
        )
    ]


def _staff_notices(complaint: Complaint, staff: list) -> list:
    return prepare_many(
        staff,
        "complaint-new",
        complaint,
        urgent=True,
        dedup_key=f"complaint-new-{complaint.pk}",
        context={"complaint": complaint, "url": staff_url(complaint)},
    )


def _store_attachment(
    complaint: Complaint,
    upload,
    *,
    content_type: str,
    message: ComplaintMessage | None = None,
    uploaded_by: User | None = None,
) -> ComplaintAttachment:
    upload.seek(0)
    attachment = ComplaintAttachment(
        complaint=complaint,
        message=message,
        original_name=safe_filename(getattr(upload, "name", ""), max_length=255),
        content_type=content_type,
        size=upload.size,
        from_requester=True,
        uploaded_by=uploaded_by,
    )
    attachment.file.save(attachment.original_name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    # Django has no rollback hook: the services that store files delete them when they fail after this point.
    return attachment


# --- Moves ---------------------------------------------------------------------------------------------------
def _lock(complaint: Complaint) -> Complaint:
    """Lock the request's row for the rest of the transaction and read it afresh."""
    Complaint.objects.select_for_update().filter(pk=complaint.pk).values_list("pk", flat=True).first()
    complaint.refresh_from_db()
    return complaint


@transaction.atomic
def complaint_transition(
    *,
    complaint: Complaint,
    to: str,
    by: User | None = None,
    actor: str = Actor.USER,
    note: str = "",
    now: datetime | None = None,
    **context: Any,
) -> StatusChange:
    """Move ``complaint`` to ``to`` through the workflow table: check the move, keep the dates and the paused
    time right, recompute the due dates, record the status change and log it. Raises ``ComplaintError``."""
    _lock(complaint)
    now = now or timezone.now()
    try:
        WORKFLOW.check(complaint, to, actor=actor, by=by, note=note, now=now, **context)
    except TransitionError as error:
        raise ComplaintError(error.message)
    previous = complaint.status
    calendar = WorkingCalendar()
    fields = _close_pause(complaint, previous, now, calendar)
    if to == S.WAITING:
        complaint.paused_since = now
        fields.append("paused_since")
    # The due dates as they stand at the moment of the move (a pause that just ended counted), before the move
    # freezes them; then again after it, for a reopened request's fresh clock.
    fields += refresh_deadlines(complaint, calendar=calendar)
    fields += _dates_for_move(complaint, previous, to, now)
    complaint.status = to
    fields += refresh_deadlines(complaint, calendar=calendar)
    complaint.status = previous
    change = WORKFLOW.apply(
        complaint, to, by=by, actor=actor, note=note, at=now, update_fields=sorted(set(fields)), now=now, **context
    )
    log_activity(obj=complaint, verb="moved", by=by, actor=actor, details={"from": previous, "to": to}, at=now)
    return change


def _dates_for_move(complaint: Complaint, previous: str, to: str, now: datetime) -> list[str]:
    fields = []
    if to == S.IN_PROGRESS and complaint.taken_in_charge_at is None:
        complaint.taken_in_charge_at = now
        fields.append("taken_in_charge_at")
    if to == S.IN_PROGRESS and previous in (S.ANSWERED, S.CLOSED):
        # Reopened by the requester: a fresh answer clock from today, with the time paused so far forgotten.
        complaint.reopened_at = now
        complaint.closed_at = None
        complaint.clock_started_on = timezone.localdate(now)
        complaint.paused_days = 0
        fields += ["reopened_at", "closed_at", "clock_started_on", "paused_days"]
    if to == S.ANSWERED:
        complaint.answered_at = now
        fields.append("answered_at")
    if to in FINISHED_STATUSES:
        complaint.closed_at = now
        fields.append("closed_at")
    return fields


def _close_pause(complaint: Complaint, previous: str, now: datetime, calendar: WorkingCalendar) -> list[str]:
    """Leaving "waiting": add the working days spent waiting to the paused time."""
    if previous != S.WAITING or complaint.paused_since is None:
        return []
    complaint.paused_days += calendar.working_days_between(complaint.paused_since, now)
    complaint.paused_since = None
    return ["paused_days", "paused_since"]


def _add_message(
    complaint: Complaint,
    *,
    kind: str,
    body: str,
    author: User | None = None,
    email: bool = True,
    now: datetime | None = None,
) -> ComplaintMessage:
    message = ComplaintMessage.objects.create(
        complaint=complaint, kind=kind, body=body.strip(), author=author, created_at=now or timezone.now()
    )
    if email and kind in EMAILED_MESSAGE_KINDS and complaint.email:
        notify(
            complaint.email,
            "complaint-message",
            complaint,
            urgent=True,
            language=complaint.language,
            context={
                "complaint": complaint,
                "message": message,
                "status_label": complaint.get_status_display(),
                "lost_link_url": lost_link_url(),
            },
        )
    return message


@transaction.atomic
def complaint_take_charge(*, complaint: Complaint, by: User, now: datetime | None = None) -> Complaint:
    """acknowledged → in progress (taking in charge stops the take-charge clock), or waiting → in progress."""
    complaint_transition(complaint=complaint, to=S.IN_PROGRESS, by=by, now=now)
    return complaint


@transaction.atomic
def complaint_ask_requester(
    *, complaint: Complaint, by: User, question: str, now: datetime | None = None, notify_people: bool = True
) -> ComplaintMessage:
    """Ask the requester a public question: the request waits for them and its clock pauses."""
    complaint_transition(complaint=complaint, to=S.WAITING, by=by, message=question, now=now)
    return _add_message(complaint, kind=MessageKind.QUESTION, body=question, author=by, email=notify_people, now=now)


@transaction.atomic
def complaint_answer(
    *, complaint: Complaint, by: User, answer: str, now: datetime | None = None, notify_people: bool = True
) -> ComplaintMessage:
    """Give the final public answer (emailed to the requester): in progress → answered."""
    complaint_transition(complaint=complaint, to=S.ANSWERED, by=by, message=answer, now=now)
    return _add_message(complaint, kind=MessageKind.FINAL_ANSWER, body=answer, author=by, email=notify_people, now=now)


@transaction.atomic
def complaint_close(
    *, complaint: Complaint, by: User, resolution_summary: str, now: datetime | None = None
) -> Complaint:
    """answered → closed, with a resolution summary (kept for the register and the management review)."""
    summary = (resolution_summary or "").strip()
    complaint_transition(complaint=complaint, to=S.CLOSED, by=by, resolution_summary=summary, now=now)
    complaint.resolution_summary = summary
    complaint.save(update_fields=["resolution_summary", "updated_at"])
    return complaint


@transaction.atomic
def complaint_redirect(
    *,
    complaint: Complaint,
    by: User,
    body: RedirectBody,
    explanation: str,
    now: datetime | None = None,
    notify_people: bool = True,
) -> ComplaintMessage:
    """Redirect the request to a body outside the institution's remit; its contact details go into the reply."""
    complaint_transition(
        complaint=complaint, to=S.REDIRECTED, by=by, redirect_body=body, message=explanation, note=body.name, now=now
    )
    complaint.redirect_body = body
    complaint.save(update_fields=["redirect_body", "updated_at"])
    text = f"{explanation.strip()}\n\n{body.contact_block}"
    return _add_message(complaint, kind=MessageKind.REDIRECTION, body=text, author=by, email=notify_people, now=now)


@transaction.atomic
def complaint_reject(
    *, complaint: Complaint, by: User, reason: str, now: datetime | None = None, notify_people: bool = True
) -> ComplaintMessage:
    """Reject the request as inadmissible, telling the requester why."""
    complaint_transition(complaint=complaint, to=S.REJECTED, by=by, message=reason, now=now)
    complaint.is_admissible = False
    complaint.save(update_fields=["is_admissible", "updated_at"])
    return _add_message(complaint, kind=MessageKind.REJECTION, body=reason, author=by, email=notify_people, now=now)


@transaction.atomic
def complaint_mark_spam(*, complaint: Complaint, by: User, note: str = "", now: datetime | None = None) -> Complaint:
    """Mark the request as spam: it leaves every figure (the requester is not told)."""
    complaint_transition(complaint=complaint, to=S.SPAM, by=by, note=note, now=now)
    return complaint


@transaction.atomic
def complaint_mark_duplicate(
    *, complaint: Complaint, by: User, original: Complaint, now: datetime | None = None
) -> Complaint:
    """Mark the request as a duplicate of ``original``: it leaves every figure."""
    complaint_transition(
        complaint=complaint, to=S.DUPLICATE, by=by, duplicate_of=original, note=original.reference, now=now
    )
    complaint.duplicate_of = original
    complaint.save(update_fields=["duplicate_of", "updated_at"])
    return complaint


# --- Assignment, qualification, notes ------------------------------------------------------------------------
@transaction.atomic
def complaint_assign(
    *,
    complaint: Complaint,
    by: User,
    org_unit: OrgUnit | None = None,
    process=None,
    assignee: User | None = None,
    now: datetime | None = None,
    notify_people: bool = True,
) -> Complaint:
    """Assign the request to a unit, a process and a person; a new assignee is told at once."""
    _lock(complaint)
    _enforce(complaint, "assign")
    previous_assignee_id = complaint.assignee_id
    changes = {}
    for field, value in (("org_unit", org_unit), ("process", process), ("assignee", assignee)):
        old = getattr(complaint, f"{field}_id")
        new = value.pk if value is not None else None
        if old != new:
            changes[field] = {"from": old, "to": new}
            setattr(complaint, field, value)
    if not changes:
        return complaint
    complaint.save(update_fields=[*changes, "updated_at"])
    log_activity(obj=complaint, verb="assigned", by=by, details=_describe_assignment(complaint, changes), at=now)
    if (
        notify_people
        and assignee is not None
        and assignee.pk != previous_assignee_id
        and assignee.pk != getattr(by, "pk", None)
    ):
        notify(
            assignee,
            "complaint-assigned",
            complaint,
            urgent=True,
            context={"complaint": complaint, "url": staff_url(complaint), "by": by},
        )
    return complaint


def _describe_assignment(complaint: Complaint, changes: dict) -> dict:
    details = {}
    if "org_unit" in changes:
        details["org_unit"] = str(complaint.org_unit or "")
    if "process" in changes:
        details["process"] = str(complaint.process or "")
    if "assignee" in changes:
        details["assignee"] = str(complaint.assignee or "")
    return details


@transaction.atomic
def complaint_qualify(
    *,
    complaint: Complaint,
    by: User,
    is_admissible: bool | None,
    is_founded: bool | None,
    severity: str = "",
    root_cause: RootCauseCategory | None = None,
    now: datetime | None = None,
) -> Complaint:
    """Qualify the request: admissible or not, founded or not, severity, root-cause category."""
    _lock(complaint)
    _enforce(complaint, "qualify")
    complaint.is_admissible = is_admissible
    complaint.is_founded = is_founded
    complaint.severity = severity or ""
    complaint.root_cause = root_cause
    complaint.qualified_at = now or timezone.now()
    complaint.save(
        update_fields=["is_admissible", "is_founded", "severity", "root_cause", "qualified_at", "updated_at"]
    )
    log_activity(
        obj=complaint,
        verb="qualified",
        by=by,
        details={
            "admissible": is_admissible,
            "founded": is_founded,
            "severity": severity or "",
            "root_cause": str(root_cause or ""),
        },
        at=now,
    )
    return complaint


@transaction.atomic
def complaint_add_note(*, complaint: Complaint, by: User, body: str, now: datetime | None = None) -> ComplaintMessage:
    """An internal note: never shown to the requester."""
    if not (body or "").strip():
        raise ComplaintError(_("The note is empty."), field="body")
    return _add_message(complaint, kind=MessageKind.INTERNAL_NOTE, body=body, author=by, email=False, now=now)


@transaction.atomic
def complaint_reply(*, complaint: Complaint, by: User, body: str) -> ComplaintMessage:
    """A public reply that does not move the request (an interim answer), emailed to the requester."""
    if not (body or "").strip():
        raise ComplaintError(_("The reply is empty."), field="body")
    _lock(complaint)
    _enforce(complaint, "reply")
    return _add_message(complaint, kind=MessageKind.PUBLIC_REPLY, body=body, author=by)


# --- The requester, through the tracking link ------------------------------------------------------------
def requester_can_write(complaint: Complaint) -> bool:
    """Whether the requester may still add a message or files (open, or answered/closed within the period)."""
    if complaint.status in (S.NEW, S.ACKNOWLEDGED, S.IN_PROGRESS, S.WAITING):
        return True
    if complaint.status in (S.ANSWERED, S.CLOSED):
        return WORKFLOW.can(complaint, S.IN_PROGRESS, actor=Actor.REQUESTER)
    return False


def requester_can_rate(complaint: Complaint) -> bool:
    return complaint.status in (S.ANSWERED, S.CLOSED) and complaint.rating is None


@transaction.atomic
def complaint_requester_message(
    *,
    complaint: Complaint,
    body: str,
    files: Sequence = (),
    now: datetime | None = None,
    notify_people: bool = True,
) -> ComplaintMessage:
    """The requester answers a question or adds information or files from the tracking page.

    waiting → in progress; answered or closed (within the reopening period) → in progress; in the other open
    statuses the message is simply added. Whoever handles the request is told."""
    _lock(complaint)
    body = (body or "").strip()
    if not body and not files:
        raise ComplaintError(_("Write a message or join a file."), field="body")
    if not requester_can_write(complaint):
        raise ComplaintError(_("This request is finished; please file a new request."))
    try:
        content_types = check_attachments(list(files))
    except ValidationError as error:
        raise ComplaintError(" ".join(error.messages), field="attachments")
    now = now or timezone.now()
    if complaint.status in (S.WAITING, S.ANSWERED, S.CLOSED):
        complaint_transition(complaint=complaint, to=S.IN_PROGRESS, actor=Actor.REQUESTER, now=now)
    message = ComplaintMessage.objects.create(
        complaint=complaint, kind=MessageKind.REQUESTER, body=body or _("(files joined)"), created_at=now
    )
    with _files_removed_on_error() as stored:
        for upload, content_type in zip(files, content_types, strict=True):
            stored.append(_store_attachment(complaint, upload, content_type=content_type, message=message))
    log_activity(obj=complaint, verb="requester-message", actor=Actor.REQUESTER, details={"files": len(files)}, at=now)
    if not notify_people:
        return message
    notify_many(
        staff_to_notify(complaint, handling=True),
        "complaint-requester-message",
        complaint,
        urgent=True,
        context={"complaint": complaint, "url": staff_url(complaint)},
    )
    return message


@transaction.atomic
def complaint_rate(*, complaint: Complaint, rating: int, comment: str = "", now: datetime | None = None) -> Complaint:
    """The requester rates the answer (1–5, with a comment), once, after it is answered."""
    _lock(complaint)
    if not requester_can_rate(complaint):
        if complaint.rating is not None:
            raise ComplaintError(_("This answer has already been rated."))
        raise ComplaintError(_("The answer can be rated once the request is answered."))
    if rating not in (1, 2, 3, 4, 5):
        raise ComplaintError(_("The rating goes from 1 to 5."), field="rating")
    complaint.rating = rating
    complaint.rating_comment = (comment or "").strip()
    complaint.rated_at = now or timezone.now()
    complaint.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    log_activity(obj=complaint, verb="rated", actor=Actor.REQUESTER, details={"rating": rating}, at=now)
    return complaint


def complaint_issue_link(*, complaint: Complaint) -> str:
    """A new tracking link for ``complaint``, beside the ones it has (they keep working). Returns its token:
    give it to the requester, it is not stored."""
    token, token_hash = make_token()
    TrackingLink.objects.create(complaint=complaint, token_hash=token_hash)
    return token


@transaction.atomic
def complaint_send_tracking_links(*, email: str, language: str | None = None) -> int:
    """Send to ``email`` a tracking link for each of its requests ("Lost your link?").

    Only hashes of tokens are stored, so each request gets a new link; the former links, printed receipts and QR
    codes keep working (anyone may type an address here: it must not cut the requester off). The requester
    revokes the others from the tracking page if a link went astray. Returns the number of requests found; the
    caller must answer the same whatever it is."""
    email = (email or "").strip()
    if not email:
        return 0
    complaints = list(
        Complaint.objects.filter(email__iexact=email, tracking_token_hash__isnull=False).order_by("received_at")
    )
    if not complaints:
        return 0
    links = []
    for complaint in complaints:
        token = complaint_issue_link(complaint=complaint)
        log_activity(obj=complaint, verb="links-sent", actor=Actor.REQUESTER)
        links.append({"complaint": complaint, "url": tracking_url(token)})
    notify(
        email,
        "complaint-links",
        None,
        urgent=True,
        secret=True,
        language=complaints[-1].language if language is None else language,
        context={"links": links},
        # It names every request of the address, a sensitive one included.
        sensitive=any(complaint.is_sensitive for complaint in complaints),
    )
    return len(complaints)


@transaction.atomic
def complaint_revoke_other_links(*, complaint: Complaint, keep_token: str) -> int:
    """From the tracking page: every link of ``complaint`` stops working but ``keep_token``'s, which becomes the
    request's own. Returns the number of links revoked."""
    _lock(complaint)
    keep_hash = hash_token(keep_token)
    links = complaint.tracking_links.all()
    if keep_hash != complaint.tracking_token_hash and not links.filter(token_hash=keep_hash).exists():
        raise ComplaintError(_("This link no longer opens the request."))
    working = links.count() + (1 if complaint.tracking_token_hash else 0)
    links.delete()
    if keep_hash != complaint.tracking_token_hash:
        complaint.tracking_token_hash = keep_hash
        complaint.save(update_fields=["tracking_token_hash", "updated_at"])
    revoked = working - 1
    log_activity(obj=complaint, verb="links-revoked", actor=Actor.REQUESTER, details={"revoked": revoked})
    return revoked


# --- Corrective actions (action plans) -------------------------------------------------------------------
# --- Background ----------------------------------------------------------------------------------------------
def complaints_auto_close(*, now: datetime | None = None) -> int:
    """Close the answered requests whose quiet period is over (the system's answered → closed move).

    Safe to run twice or from two workers at once: each request is locked and checked again before it moves."""
    now = now or timezone.now()
    days = HelpdeskSettings.get().auto_close_after_days
    candidates = Complaint.objects.filter(status=S.ANSWERED, answered_at__lte=now - timedelta(days=days))
    closed = 0
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().get(pk=pk)
            if complaint.status != S.ANSWERED:
                continue
            try:
                complaint_close_after_quiet_period(complaint=complaint, now=now)
            except ComplaintError:
                continue
            closed += 1
    return closed


@transaction.atomic
def complaint_close_after_quiet_period(*, complaint: Complaint, now: datetime | None = None) -> StatusChange:
    """The system's answered → closed move, once the quiet period after the answer is over with no news from the
    requester (refused before)."""
    return complaint_transition(
        complaint=complaint, to=S.CLOSED, actor=Actor.SYSTEM, note=_("No news from the requester."), now=now
    )
