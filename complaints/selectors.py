"""Reads of the helpdesk shared by views, services, tasks, reports and other apps.

Visibility (shared/DESIGN.md): quality managers and directors see every request that is not sensitive;
quality referents see those of their units (sub-units included); an assignee sees theirs, a process owner those
of their processes, and an access grant opens one request. Sensitive requests are seen only by the group that
the institution names for them (``Role.SENSITIVE_CASES``), never in the ordinary inbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Q

from complaints.choices import PUBLIC_MESSAGE_KINDS, ComplaintKind, ComplaintStatus, MessageKind
from complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintMessage,
    DeadlineSetting,
    RedirectBody,
    RootCauseCategory,
)
from qms.core import config_cache
from qms.core.choices import MembershipRole, Role
from qms.core.models import ActivityLog, OrgUnit, SiteSettings, User
from qms.core.selectors import (
    granted_ids,
    has_role,
    holds_back_office_role,
    is_quality_manager,
    referent_units,
    sees_everything,
)
from qms.core.tokens import hash_token, token_matches
from qms.core.workflow import status_history

# Token shape made by qms.core.tokens (token_urlsafe(32)): anything else is refused before any query.
TOKEN_MIN_LENGTH, TOKEN_MAX_LENGTH = 40, 64
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

LIST_RELATED = ("org_unit", "assignee", "programme", "process")


# --- Settings ----------------------------------------------------------------------------------------------
def deadline_days(kind: str) -> tuple[int, int]:
    """The take-charge and answer deadlines of ``kind``, in working days: its own setting, else the site's
    (cached with the configuration, see ``qms.core.config_cache``)."""
    return tuple(config_cache.cached("complaints:deadlines", _all_deadline_days).get(kind, _default_deadline_days()))


def _default_deadline_days() -> tuple[int, int]:
    site = SiteSettings.get()
    return site.take_charge_deadline_days, site.answer_deadline_days


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


def complaints_visible_to(user, *, sensitive: bool = False) -> models.QuerySet[Complaint]:
    """The requests ``user`` may see: the ordinary ones in their scope, or (``sensitive=True``) the sensitive
    ones, for the sensitive-cases group only. The two sets never mix."""
    queryset = Complaint.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if sensitive:
        return queryset.filter(is_sensitive=True) if is_sensitive_handler(user) else queryset.none()
    queryset = queryset.filter(is_sensitive=False)
    if sees_everything(user):
        return queryset
    query = Q(assignee=user) | Q(process__owner=user)
    units = referent_units(user)
    if units:
        query |= Q(org_unit__in=units)
    grants = granted_ids(user, Complaint)
    if grants:
        query |= Q(pk__in=grants)
    return queryset.filter(query)


def complaint_visible_to(user, reference: str) -> Complaint | None:
    """The request of ``reference`` if ``user`` may see it (ordinary or sensitive), else None."""
    related = (
        "org_unit",
        "assignee",
        "programme",
        "process",
        "process__owner",
        "concerned_unit",
        "submitted_by",
        "root_cause",
        "redirect_body",
        "duplicate_of",
    )
    for sensitive in (False, True):
        found = (
            complaints_visible_to(user, sensitive=sensitive)
            .select_related(*related)
            .filter(reference=reference)
            .first()
        )
        if found is not None:
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


def inbox_complaints(user, *, sensitive: bool = False) -> models.QuerySet[Complaint]:
    """The inbox rows of ``user`` with what a row shows, in one query whatever their number."""
    return complaints_visible_to(user, sensitive=sensitive).select_related(*LIST_RELATED)


def status_counts(queryset: models.QuerySet[Complaint]) -> dict[str, int]:
    """The number of requests in each status (every status present, zero when none), in one query."""
    counts = dict.fromkeys(ComplaintStatus.values, 0)
    for row in queryset.order_by().values("status").annotate(n=Count("pk")):
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
def looks_like_token(token: str) -> bool:
    return TOKEN_MIN_LENGTH <= len(token or "") <= TOKEN_MAX_LENGTH and set(token) <= _TOKEN_CHARS


def complaint_by_token(token: str) -> Complaint | None:
    """The request whose tracking token is ``token``, or None (malformed, unknown, or purged)."""
    if not looks_like_token(token):
        return None
    complaint = (
        Complaint.objects.select_related("redirect_body", "programme", "concerned_unit")
        .filter(tracking_token_hash=hash_token(token))
        .first()
    )
    if complaint is None or not token_matches(token, complaint.tracking_token_hash or ""):
        return None
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
    """One line of a request's history, whatever its source."""

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


def timeline(complaint: Complaint) -> list[TimelineEntry]:
    """Status changes, messages (internal notes and public ones), assignments and qualifications, and the emails
    written about the request, oldest first."""
    entries: list[TimelineEntry] = []
    labels = dict(ComplaintStatus.choices)
    for change in status_history(complaint):
        entries.append(
            TimelineEntry(
                at=change.at,
                kind="status",
                actor=change.actor_label,
                title=str(labels.get(change.to_status, change.to_status)),
                body=change.note,
                extra={"from": str(labels.get(change.from_status, change.from_status or "")), "to": change.to_status},
            )
        )
    for message in complaint.messages.select_related("author").prefetch_related("attachments"):
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
            )
        )
    content_type = ContentType.objects.get_for_model(Complaint)
    for entry in ActivityLog.objects.filter(
        content_type=content_type, object_id=complaint.pk, verb__in=_ACTIVITY_VERBS
    ).select_related("user"):
        entries.append(
            TimelineEntry(at=entry.at, kind="activity", actor=entry.actor_label, title=entry.verb, extra=entry.details)
        )
    for email in _emails_about(complaint):
        entries.append(
            TimelineEntry(
                at=email.created_at,
                kind="email",
                title=email.subject,
                actor=str(email.recipient_user or email.recipient_email),
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


def linked_actions(complaint: Complaint):
    """The actions of action plans that answer ``complaint`` (through their source links), oldest first."""
    from actionplans.selectors import actions_for_source

    return actions_for_source(complaint)


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


def staff_for_picker(user, argument: str = "") -> models.QuerySet[User] | None:
    """Who the picker may offer as owner of an action created from a request: the staff, for back-office users."""
    return assignable_users() if holds_back_office_role(user) else None
