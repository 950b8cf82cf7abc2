"""Reads of the helpdesk shared by views, services, tasks, reports and other apps.

Visibility (shared/DESIGN.md): quality managers and directors see every request that is not sensitive;
quality referents see those of their units (sub-units included); an assignee sees theirs, a process owner those
of their processes, and an access grant opens one request (written with the one scope helper,
``qms.core.selectors.scope_q``). Sensitive requests are seen only by the group that the institution names for
them (``Role.SENSITIVE_CASES``), never in the ordinary inbox: a rule of the helpdesk on top of the scope.

What a user may do to a request, or read of it, is decided here (``can_*``), never in views or templates:
- handle it (move, assign, qualify, write): ``can_handle``;
- read its internal notes: whoever handles it, and the groups given ``complaints.view_complaintmessage``;
- see its attachments: whoever handles it, and the groups given ``complaints.view_complaintattachment``;
- see who sent it (name, email, account): whoever handles it, and the groups given
  ``complaints.view_complaint_requester``; its IP address: ``complaints.view_complaint_ip``.
An external auditor with a grant on a request reads it and its public exchange, nothing of the above.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from complaints.choices import (
    BEFORE_ANSWER,
    BEFORE_TAKE_CHARGE,
    OPEN_STATUSES,
    PUBLIC_MESSAGE_KINDS,
    ComplaintKind,
    ComplaintStatus,
    MessageKind,
    Severity,
)
from complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintMessage,
    DeadlineSetting,
    HelpdeskSettings,
    RedirectBody,
    RootCauseCategory,
    TrackingLink,
)
from qms.core import config_cache
from qms.core.choices import MembershipRole, Role
from qms.core.models import ActivityLog, OrgUnit, User
from qms.core.public import find_by_token
from qms.core.selectors import (
    granted_ids,
    has_role,
    has_scope,
    is_quality_manager,
    referent_units,
    scope_q,
    sees_everything,
)
from qms.core.workflow import status_history

LIST_RELATED = ("org_unit", "assignee", "programme", "process")


# --- Settings ----------------------------------------------------------------------------------------------
def deadline_days(kind: str) -> tuple[int, int]:
    """The take-charge and answer deadlines of ``kind``, in working days: its own setting, else the helpdesk's
    (cached with the configuration, see ``qms.core.config_cache``)."""
    days = config_cache.cached("complaints:deadlines", _all_deadline_days).get(kind)
    return tuple(days) if days is not None else _default_deadline_days()


def _default_deadline_days() -> tuple[int, int]:
    helpdesk = HelpdeskSettings.get()
    return helpdesk.take_charge_deadline_days, helpdesk.answer_deadline_days


def _all_deadline_days() -> dict[str, tuple[int, int]]:
    take_charge_default, answer_default = _default_deadline_days()
    settings_by_kind = {setting.kind: setting for setting in DeadlineSetting.objects.all()}
    days = {}
    for kind in ComplaintKind.values:
        setting = settings_by_kind.get(kind)
        days[kind] = (
            (setting.take_charge_days if setting else None) or take_charge_default,
            (setting.answer_days if setting else None) or answer_default,
        )
    return days


def active_redirect_bodies() -> models.QuerySet[RedirectBody]:
    return RedirectBody.objects.filter(is_active=True)


def active_root_causes() -> models.QuerySet[RootCauseCategory]:
    return RootCauseCategory.objects.filter(is_active=True)


# --- Visibility ------------------------------------------------------------------------------------------
def is_sensitive_handler(user) -> bool:
    """Members of the group that handles sensitive requests."""
    return has_role(user, Role.SENSITIVE_CASES)


# The ordinary requests a user sees, in the words of the one scope helper.
COMPLAINT_SCOPE = {
    "unit_fields": ("org_unit",),
    "unit_roles": (MembershipRole.QUALITY_REFERENT,),
    "unit_perm": "complaints.view_complaint",
    "owner_fields": ("assignee", "process__owner"),
}


def complaints_visible_to(user, *, sensitive: bool = False) -> models.QuerySet[Complaint]:
    """The requests ``user`` may see: the ordinary ones in their scope, or (``sensitive=True``) the sensitive
    ones, for the sensitive-cases group only. The two sets never mix."""
    queryset = Complaint.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if sensitive:
        return queryset.filter(is_sensitive=True) if is_sensitive_handler(user) else queryset.none()
    queryset = queryset.filter(is_sensitive=False)
    query = scope_q(user, Complaint, **COMPLAINT_SCOPE)
    return queryset if query is None else queryset.filter(query)


def has_complaint_scope(user, *, sensitive: bool = False) -> bool:
    """Whether anything of the helpdesk was opened to ``user``: everything, units, grants, or requests of theirs
    (an auditor with no grant yet is told "no access has been granted to you")."""
    if sensitive:
        return is_sensitive_handler(user)
    if has_scope(user, Complaint, **COMPLAINT_SCOPE):
        return True
    return bool(user.is_authenticated and Complaint.objects.filter(Q(assignee=user) | Q(process__owner=user)).exists())


def _owned_process_ids(user) -> frozenset[int]:
    """The processes ``user`` owns (read once per request, kept on the user like the scope)."""
    cached = getattr(user, "_qms_owned_processes", None)
    if cached is None:
        from processes.models import Process

        cached = frozenset(Process.objects.filter(owner=user).values_list("pk", flat=True))
        user._qms_owned_processes = cached
    return cached


def can_view(user, complaint: Complaint) -> bool:
    """Whether ``user`` may open ``complaint`` (as ``complaints_visible_to`` says), from what is already read for
    the request: no query per request, so that a list may ask it of every row."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if complaint.is_sensitive:
        return is_sensitive_handler(user)
    if sees_everything(user) or complaint.assignee_id == user.pk:
        return True
    in_units = complaint.org_unit_id is not None and complaint.org_unit_id in referent_units(user)
    if in_units and user.has_perm("complaints.view_complaint"):
        return True
    if complaint.process_id is not None and complaint.process_id in _owned_process_ids(user):
        return True
    return complaint.pk in granted_ids(user, Complaint)


def complaints_granted_for_actions(user):
    """The requests through which ``user`` reads the actions answering them (``SourceType.granted_ids``): those
    of a current access grant, and the sensitive ones for the sensitive-cases group."""
    if is_sensitive_handler(user):
        return Complaint.objects.filter(Q(is_sensitive=True) | Q(pk__in=granted_ids(user, Complaint))).values_list(
            "pk", flat=True
        )
    return granted_ids(user, Complaint)


# What the request page reads of a request's relations. Joined: what it shows at the top of every request. Fetched
# afterwards, one small query each and only when set: the rest. PostgreSQL took about 4 ms to plan the join of all
# eleven tables, on every request page, longer than those few queries take.
DETAIL_JOINED = ("org_unit", "assignee", "programme")
DETAIL_FETCHED = ("process__owner", "concerned_unit", "submitted_by", "root_cause", "redirect_body", "duplicate_of")


def complaint_visible_to(user, reference: str) -> Complaint | None:
    """The request of ``reference`` if ``user`` may see it (ordinary or sensitive), else None."""
    for sensitive in (False, True):
        found = (
            complaints_visible_to(user, sensitive=sensitive)
            .select_related(*DETAIL_JOINED)
            .filter(reference=reference)
            .first()
        )
        if found is not None:
            models.prefetch_related_objects([found], *DETAIL_FETCHED)
            return found
    return None


def can_handle(user, complaint: Complaint) -> bool:
    """Whether ``user`` may act on ``complaint`` (move it, assign, qualify, write), not only read it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if complaint.is_sensitive:
        return is_sensitive_handler(user)
    if complaint.assignee_id == user.pk:
        return True
    if not user.has_perm("complaints.change_complaint"):
        return False
    if is_quality_manager(user):
        return True
    return complaint.org_unit_id is not None and complaint.org_unit_id in referent_units(user)


def can_report_dysfunction(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_perm("complaints.add_complaint"))


def can_open_inbox(user) -> bool:
    """The inbox: those whose group lets them view requests, the sensitive-cases group, and assignees."""
    if user is None or not user.is_authenticated:
        return False
    if user.has_perm("complaints.view_complaint") or is_sensitive_handler(user):
        return True
    return Complaint.objects.filter(assignee=user).exists()


def can_export_register(user, *, sensitive: bool = False) -> bool:
    """The register (CSV, XLSX): whoever opens the inbox; the sensitive one for the sensitive-cases group only."""
    if user is None or not user.is_authenticated:
        return False
    if sensitive:
        return is_sensitive_handler(user)
    return user.has_perm("complaints.view_complaint") or is_sensitive_handler(user)


def can_manage_reply_templates(user) -> bool:
    """The quality manager (or whoever holds the permission) writes the reply templates."""
    if user is None or not user.is_authenticated:
        return False
    return is_quality_manager(user) or user.has_perm("complaints.change_replytemplate")


def can_read_internal_notes(user, complaint: Complaint) -> bool:
    return can_handle(user, complaint) or user.has_perm("complaints.view_complaintmessage")


def can_see_attachments(user, complaint: Complaint) -> bool:
    return can_handle(user, complaint) or user.has_perm("complaints.view_complaintattachment")


def can_see_requester(user, complaint: Complaint) -> bool:
    """Who sent the request: their name, email and account."""
    return can_handle(user, complaint) or user.has_perm("complaints.view_complaint_requester")


def can_see_ip(user, complaint: Complaint) -> bool:
    return can_see_requester(user, complaint) and user.has_perm("complaints.view_complaint_ip")


def can_see_statistics(user) -> bool:
    """The statistics page: the groups given the permission, for the units in their scope (or everywhere)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.has_perm("complaints.view_complaint_statistics")
        and (sees_everything(user) or referent_units(user))
    )


def inbox_complaints(user, *, sensitive: bool = False) -> models.QuerySet[Complaint]:
    """The inbox rows of ``user`` with what a row shows, in one query whatever their number."""
    return complaints_visible_to(user, sensitive=sensitive).select_related(*LIST_RELATED)


# What a row of the inbox shows (complaints.templatetags.helpdesk.inbox_rows): the request's reference, subject,
# kind, status, language, date and deadlines, its unit's name and its assignee's.
INBOX_ROW_FIELDS = (
    "reference",
    "subject",
    "is_sensitive",
    "kind",
    "status",
    "language",
    "received_at",
    "take_charge_due",
    "answer_due",
    "org_unit__name",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
)


def for_inbox_rows(complaints: models.QuerySet[Complaint]) -> models.QuerySet[Complaint]:
    """``complaints`` reading only what a row of the inbox shows: a page of 50 is built on every view of it, and
    the long texts (the description, the search text) and the process joined otherwise cost more than the rows."""
    return complaints.select_related(None).select_related("org_unit", "assignee").only(*INBOX_ROW_FIELDS)


def requests_to_handle(user) -> models.QuerySet[Complaint]:
    """The requests assigned to ``user`` whose take-charge or answer clock runs (or that wait for the requester),
    the nearest deadline first: their work, for their home page."""
    if user is None or not user.is_authenticated:
        return Complaint.objects.none()
    running = (*BEFORE_ANSWER, ComplaintStatus.WAITING)
    return (
        Complaint.objects.filter(assignee=user, status__in=running)
        .annotate(
            due=models.Case(
                models.When(status__in=BEFORE_TAKE_CHARGE, then="take_charge_due"),
                default="answer_due",
                output_field=models.DateField(),
            )
        )
        .order_by(models.F("due").asc(nulls_last=True), "received_at", "pk")
    )


def status_counts(queryset: models.QuerySet[Complaint]) -> dict[str, int]:
    """The number of requests in each status (every status present, zero when none), in one query.

    ``COUNT(*)``, not ``COUNT(id)``: PostgreSQL then counts the inbox's requests from the (sensitive, status …)
    index alone, without reading the table (at 10,000 requests, 1.5 ms instead of 7 on every inbox page)."""
    counts = dict.fromkeys(ComplaintStatus.values, 0)
    for row in queryset.order_by().values("status").annotate(n=Count("*")):
        counts[row["status"]] = row["n"]
    return counts


def assignable_users(complaint: Complaint | None = None) -> models.QuerySet[User]:
    """The people a request can be assigned to: active staff; for a sensitive request, the sensitive-cases
    group only."""
    users = User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")
    if complaint is not None and complaint.is_sensitive:
        return users.filter(groups__name=Role.SENSITIVE_CASES).distinct()
    return users.filter(Q(groups__name=Role.STAFF) | Q(memberships__isnull=False)).distinct()


def staff_to_notify(complaint: Complaint, *, handling: bool = False) -> list[User | str]:
    """Who hears of ``complaint``: for a sensitive request, the sensitive-cases group only; else the quality
    referents of its unit (or of the nearest parent unit), or the quality office when there is none.

    With ``handling=True`` (news on a request being handled), the assignee alone when there is one."""
    from qms.notifications.selectors import quality_office_recipients, recipients_for_unit

    assignee = complaint.assignee if handling and complaint.assignee_id else None
    if (
        assignee is not None
        and assignee.is_active
        and assignee.email
        and (not complaint.is_sensitive or is_sensitive_handler(assignee))
    ):
        return [assignee]
    if complaint.is_sensitive:
        handlers = list(
            User.objects.filter(is_active=True, groups__name=Role.SENSITIVE_CASES).exclude(email="").distinct()
        )
        if handlers:
            return handlers
        # Nobody named yet: the quality office must know that a sensitive report is waiting.
        return quality_office_recipients()
    if complaint.org_unit_id:
        referents = list(recipients_for_unit(complaint.org_unit, MembershipRole.QUALITY_REFERENT))
        if referents:
            return referents
    return quality_office_recipients()


# --- The requester's side ----------------------------------------------------------------------------------
def complaint_by_token(token: str) -> Complaint | None:
    """The request whose tracking token is ``token`` (its first link, or one sent later), or None (malformed,
    unknown, revoked, or purged)."""
    requests = Complaint.objects.select_related("redirect_body", "programme", "concerned_unit")
    complaint = find_by_token(requests, token, field="tracking_token_hash")
    if complaint is None:
        link = find_by_token(
            TrackingLink.objects.filter(complaint__purged_at__isnull=True).select_related(
                "complaint__redirect_body", "complaint__programme", "complaint__concerned_unit"
            ),
            token,
        )
        complaint = link.complaint if link is not None else None
    return complaint


def public_messages(complaint: Complaint) -> models.QuerySet[ComplaintMessage]:
    """What the requester sees: every message but the internal notes, with their files."""
    return (
        complaint.messages.filter(kind__in=PUBLIC_MESSAGE_KINDS)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )


def requester_attachments(complaint: Complaint) -> models.QuerySet[ComplaintAttachment]:
    return complaint.attachments.filter(from_requester=True).order_by("created_at", "pk")


def final_answer(complaint: Complaint) -> ComplaintMessage | None:
    return (
        complaint.messages.filter(kind__in=(MessageKind.FINAL_ANSWER, MessageKind.REDIRECTION, MessageKind.REJECTION))
        .order_by("-created_at", "-pk")
        .first()
    )


# --- The request page's timeline ---------------------------------------------------------------------------
@dataclass
class TimelineEntry:
    """One line of a request's history, whatever its source: ``title`` is a translated sentence."""

    at: datetime
    kind: str  # "status", "message", "activity", "email"
    actor: str = ""
    title: str = ""
    body: str = ""
    badge: str = "secondary"
    public: bool = False
    obj: Any = None
    extra: dict = field(default_factory=dict)


_ACTIVITY_VERBS = ("assigned", "qualified", "rated", "links-sent", "action-created", "action-linked")


def _yes_no(value, yes: str, no: str, undecided: str) -> str:
    return undecided if value is None else (yes if value else no)


def activity_sentence(verb: str, details: dict) -> str:
    """A logged change of a request as a sentence people read (never its raw values or internal ids)."""
    details = details or {}
    if verb == "assigned":
        parts = []
        if "assignee" in details:
            parts.append(
                _("assigned to %(person)s") % {"person": details["assignee"]}
                if details["assignee"]
                else _("no longer assigned to anyone")
            )
        if "org_unit" in details:
            parts.append(
                _("unit in charge: %(unit)s") % {"unit": details["org_unit"]}
                if details["org_unit"]
                else _("no unit in charge")
            )
        if "process" in details:
            parts.append(
                _("process: %(process)s") % {"process": details["process"]} if details["process"] else _("no process")
            )
        return _("Assignment changed: %(changes)s.") % {"changes": "; ".join(str(part) for part in parts)}
    if verb == "qualified":
        parts = [
            _yes_no(details.get("admissible"), _("admissible"), _("not admissible"), _("admissibility not decided")),
            _yes_no(details.get("founded"), _("founded"), _("not founded"), _("foundation not decided")),
        ]
        severity = details.get("severity")
        if severity:
            parts.append(_("severity: %(severity)s") % {"severity": dict(Severity.choices).get(severity, severity)})
        if details.get("root_cause"):
            parts.append(_("root cause: %(cause)s") % {"cause": details["root_cause"]})
        return _("Qualified: %(qualification)s.") % {"qualification": ", ".join(str(part) for part in parts)}
    if verb == "rated":
        return _("The requester rated the answer %(rating)s out of 5.") % {"rating": details.get("rating", "?")}
    if verb == "links-sent":
        return _("The tracking links were sent to the requester again.")
    if verb == "action-created":
        return _("Action %(reference)s was created in the plan “%(plan)s”.") % {
            "reference": details.get("reference", ""),
            "plan": details.get("plan", ""),
        }
    if verb == "action-linked":
        return _("Action %(reference)s now also answers this request.") % {"reference": details.get("reference", "")}
    return _("The request was changed.")


def status_sentence(from_label: str, to_label: str) -> str:
    if from_label:
        return _("Status changed from “%(from)s” to “%(to)s”.") % {"from": from_label, "to": to_label}
    return _("Status: “%(to)s”.") % {"to": to_label}


def timeline(complaint: Complaint, user=None) -> list[TimelineEntry]:
    """Status changes, messages (internal notes and public ones), assignments and qualifications, and the emails
    written about the request, oldest first, as ``user`` may read them: internal notes only to those who may read
    them, the requester's address only to those who may know who they are."""
    notes = user is None or can_read_internal_notes(user, complaint)
    requester = user is None or can_see_requester(user, complaint)
    files = user is None or can_see_attachments(user, complaint)
    entries: list[TimelineEntry] = []
    labels = dict(ComplaintStatus.choices)
    for change in status_history(complaint):
        from_label = str(labels.get(change.from_status, change.from_status or ""))
        to_label = str(labels.get(change.to_status, change.to_status))
        entries.append(
            TimelineEntry(
                at=change.at,
                kind="status",
                actor=change.actor_label,
                title=status_sentence(from_label, to_label),
                body=change.note,
                extra={"from": from_label, "to": change.to_status},
            )
        )
    messages = complaint.messages.select_related("author").prefetch_related("attachments")
    if not notes:
        messages = messages.filter(kind__in=PUBLIC_MESSAGE_KINDS)
    for message in messages:
        entries.append(
            TimelineEntry(
                at=message.created_at,
                kind="message",
                actor=str(message.author) if message.author_id else "",
                title=message.get_kind_display(),
                body=message.body,
                public=message.is_public,
                badge="warning" if not message.is_public else ("info" if message.is_from_requester else "primary"),
                obj=message,
                extra={"files": list(message.attachments.all()) if files else []},
            )
        )
    content_type = ContentType.objects.get_for_model(Complaint)
    for entry in ActivityLog.objects.filter(
        content_type=content_type, object_id=complaint.pk, verb__in=_ACTIVITY_VERBS
    ).select_related("user"):
        entries.append(
            TimelineEntry(
                at=entry.at,
                kind="activity",
                actor=entry.actor_label,
                title=activity_sentence(entry.verb, entry.details),
            )
        )
    for email in _emails_about(complaint):
        recipient = email.recipient_user or email.recipient_email
        if not requester and email.recipient_user_id is None:
            recipient = _("the requester")
        entries.append(
            TimelineEntry(
                at=email.created_at,
                kind="email",
                title=_("Email “%(subject)s” to %(recipient)s (%(state)s).")
                % {"subject": email.subject, "recipient": recipient, "state": email.get_state_display()},
                actor="",
                badge="light",
                obj=email,
            )
        )
    entries.sort(key=lambda entry: entry.at)
    return entries


def _emails_about(complaint: Complaint):
    try:
        from qms.notifications.selectors import emails_about
    except ImportError:  # pragma: no cover - the outbox is part of the project; this guards a partial install
        return []
    return emails_about(complaint)


def units_for_choice() -> models.QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(is_active=True).order_by("path")


# --- Scopes of the people picker (registered in complaints.apps) -----------------------------------------------


def assignees_for_picker(user, reference: str) -> models.QuerySet[User] | None:
    """Who the picker may offer as assignee of request ``reference``: ``assignable_users`` of the request, when
    ``user`` may handle it; None otherwise."""
    complaint = complaint_visible_to(user, reference)
    if complaint is None or not can_handle(user, complaint):
        return None
    return assignable_users(complaint)


# --- Reminders ---------------------------------------------------------------------------------------------


def take_charge_due_by(day) -> models.QuerySet[Complaint]:
    """Requests not yet taken in charge whose take-charge deadline is on or before ``day`` (breached ones
    included). Waiting, finished and purged requests are left out: their stored due dates do not run."""
    return (
        Complaint.objects.filter(status__in=BEFORE_TAKE_CHARGE, take_charge_due__isnull=False, take_charge_due__lte=day)
        .filter(purged_at__isnull=True)
        .select_related("assignee", "org_unit")
        .order_by("take_charge_due", "pk")
    )


def answer_due_by(day) -> models.QuerySet[Complaint]:
    """Requests not yet answered whose answer deadline is on or before ``day`` (breached ones included); waiting
    requests are left out (their due date moves when they resume), as are finished and purged ones."""
    return (
        Complaint.objects.filter(status__in=BEFORE_ANSWER, answer_due__isnull=False, answer_due__lte=day)
        .filter(purged_at__isnull=True)
        .select_related("assignee", "org_unit")
        .order_by("answer_due", "pk")
    )


def unsent_acknowledgements(received_before: datetime, now: datetime) -> models.QuerySet[Complaint]:
    """Open, unpurged requests received before ``received_before`` whose acknowledgement (outbox key
    ``complaint-ack-<pk>``) is still unsent: queued, failed, given up, or held by a sender whose lease ran out.
    A request with no email has no acknowledgement, so it never appears."""
    from qms.notifications.choices import OutboxState
    from qms.notifications.models import OutboxEmail

    unsent = OutboxEmail.objects.filter(
        Q(state__in=[OutboxState.QUEUED, OutboxState.FAILED, OutboxState.GIVEN_UP])
        | Q(state=OutboxState.SENDING, lease_until__lt=now),
        dedup_key__startswith="complaint-ack-",
    ).values_list("dedup_key", flat=True)
    pks = [int(key.removeprefix("complaint-ack-")) for key in unsent if key.removeprefix("complaint-ack-").isdigit()]
    return (
        Complaint.objects.filter(pk__in=pks, received_at__lt=received_before, purged_at__isnull=True)
        .filter(status__in=OPEN_STATUSES)
        .exclude(email="")
        .order_by("received_at", "pk")
    )
