"""Reads of the outbox, and who to write to."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from qms.core.choices import Role
from qms.core.models import OrgUnit, User
from qms.core.selectors import has_role, role_holders, users_with_role
from qms.notifications.choices import OutboxState
from qms.notifications.models import DailyCount, OutboxEmail


@dataclass(frozen=True)
class SiteInfo:
    """What emails need to know about the site. ``record`` is the SiteSettings row when there is one."""

    institution_name: str
    site_url: str  # without a trailing slash, so templates write {{ site_url }}{% url … %}
    quality_office_email: str
    record: Any = None

    @property
    def domain(self) -> str:
        return urlsplit(self.site_url).hostname or "localhost"


def _site_settings_record() -> Any:
    # SiteSettings (qms.core) is edited at run time; the environment gives the fall-backs when a field is empty
    # or when the model is not there.
    try:
        from qms.core.models import SiteSettings  # type: ignore[attr-defined]
    except ImportError:
        return None
    return SiteSettings.get()


def site_info() -> SiteInfo:
    """The institution's name, the public site address and the quality office's address, for emails."""
    record = _site_settings_record()
    return SiteInfo(
        institution_name=getattr(record, "institution_name", "") or settings.INSTITUTION_NAME,
        site_url=(getattr(record, "site_url", "") or settings.SITE_URL).rstrip("/"),
        quality_office_email=getattr(record, "quality_office_email", "") or settings.QUALITY_OFFICE_EMAIL,
        record=record,
    )


def emails_about(obj: models.Model) -> models.QuerySet[OutboxEmail]:
    """The outbox rows about ``obj``, oldest first (for timelines: who was written to, when, and whether it went).

    Emails whose recipient is hidden (survey invitations) are left out: pages count them (``email_counts_about``)
    and never list them."""
    return (
        OutboxEmail.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, hide_recipient=False
        )
        .select_related("recipient_user")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class EmailCount:
    """How many emails of one kind about an object: sent, still to send, and not sent (given up or deleted)."""

    kind: str
    sent: int = 0
    pending: int = 0
    not_sent: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.pending + self.not_sent


def email_counts_about(obj: models.Model) -> dict[str, EmailCount]:
    """The emails about ``obj`` counted by kind, from its outbox rows and from the daily counts kept when rows were
    deleted (``services.delete_emails_about``). Two queries; no recipient is read."""
    content_type = ContentType.objects.get_for_model(obj)
    tally: dict[str, dict[str, int]] = {}

    def add(kind: str, column: str, count: int) -> None:
        tally.setdefault(kind, {"sent": 0, "pending": 0, "not_sent": 0})[column] += count

    rows = (
        OutboxEmail.objects.filter(content_type=content_type, object_id=obj.pk)
        .values("kind", "state")
        .annotate(n=models.Count("pk"))
        .order_by()
    )
    for row in rows:
        if row["state"] == OutboxState.SENT:
            column = "sent"
        elif row["state"] == OutboxState.GIVEN_UP:
            column = "not_sent"
        else:
            column = "pending"
        add(row["kind"], column, row["n"])
    kept = (
        DailyCount.objects.filter(content_type=content_type, object_id=obj.pk)
        .values("kind")
        .annotate(n=models.Sum("count"))
        .order_by()
    )
    for row in kept:
        kind, _sep, suffix = row["kind"].partition(":")
        add(kind, "not_sent" if suffix == "not_sent" else "sent", row["n"] or 0)
    return {kind: EmailCount(kind=kind, **values) for kind, values in sorted(tally.items())}


def daily_counts_about(obj: models.Model) -> list[DailyCount]:
    """The daily counts kept for ``obj``, latest day first (what is left of mail rows once deleted)."""
    return list(DailyCount.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk))


def outbox_visible_to(user, queryset: models.QuerySet[OutboxEmail] | None = None) -> models.QuerySet[OutboxEmail]:
    """The outbox rows ``user`` may read: emails about a sensitive case only for the sensitive-cases group
    (neither a superuser nor a quality manager outside it)."""
    queryset = OutboxEmail.objects.all() if queryset is None else queryset
    if has_role(user, Role.SENSITIVE_CASES):
        return queryset
    return queryset.filter(is_sensitive=False)


def sendable_q(now: datetime.datetime, *, fresh_after: datetime.datetime | None = None) -> Q:
    """The rows a sender may claim at ``now``: queued or failed and due, or held by a sender whose lease ran out.

    ``fresh_after`` holds back queued rows whose time came after it: the sweep leaves just-written emails to the
    task queued at commit, so that they go through their own (urgent or bulk) queue.
    """
    queued_due = now if fresh_after is None else min(now, fresh_after)
    return (
        Q(state=OutboxState.QUEUED, next_attempt_at__lte=queued_due)
        | Q(state=OutboxState.FAILED, next_attempt_at__lte=now)
        | Q(state=OutboxState.SENDING, lease_until__lt=now)
    )


def recipients_for_unit(unit: OrgUnit | None, role: str) -> models.QuerySet[User]:
    """Active users with an address who hold membership ``role`` for ``unit`` (or, failing that, its nearest
    parent unit), such as a faculty's quality referents."""
    return role_holders(unit, role).exclude(email="").order_by("pk")


def quality_office_recipients() -> list[User | str]:
    """The quality managers with an address; when there is none, the quality office's address."""
    managers = list(users_with_role(Role.QUALITY_MANAGER).exclude(email="").order_by("pk"))
    if managers:
        return managers
    address = site_info().quality_office_email
    return [address] if address else []


def outbox_counts() -> dict[str, int]:
    """The number of outbox rows in each state (for monitoring)."""
    counts = dict.fromkeys(OutboxState.values, 0)
    for row in OutboxEmail.objects.values("state").annotate(n=models.Count("pk")).order_by():
        counts[row["state"]] = row["n"]
    return counts


def used_dedup_keys(keys: list[str]) -> set[str]:
    """Which of ``keys`` an outbox row already carries: a mailing resumed after a crash skips those people before
    it prepares anything for them."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        batch = keys[start : start + 500]
        found.update(OutboxEmail.objects.filter(dedup_key__in=batch).values_list("dedup_key", flat=True))
    return found


def user_for_calendar_token(token: str) -> User | None:
    """The active user whose calendar link carries ``token``; None for a wrong, revoked or malformed token."""
    from qms.core.tokens import hash_token, looks_like_token, token_matches
    from qms.notifications.models import ReminderPreference

    if not looks_like_token(token):
        return None
    preference = (
        ReminderPreference.objects.filter(calendar_token_hash=hash_token(token), user__is_active=True)
        .select_related("user")
        .first()
    )
    if preference is None or not token_matches(token, preference.calendar_token_hash):
        return None
    return preference.user


def reminder_preference(user: User):
    """``user``'s preference row, or an unsaved default (a daily digest, no calendar link)."""
    from qms.notifications.models import ReminderPreference

    return ReminderPreference.objects.filter(user=user).first() or ReminderPreference(user=user)


@dataclass(frozen=True)
class WordingRow:
    """A kind of reminder on the wording page: which languages the quality manager worded."""

    kind: Any  # a qms.notifications.reminders.ReminderKind
    module_name: str
    worded: frozenset[str]


def reminder_wording_rows() -> list[WordingRow]:
    """Every declared kind of reminder, with the languages it has a wording of its own in (one query)."""
    from django.apps import apps

    from qms.notifications.models import ReminderWording
    from qms.notifications.reminders import reminder_kinds

    worded: dict[str, set[str]] = {}
    for kind, language in ReminderWording.objects.values_list("kind", "language"):
        worded.setdefault(kind, set()).add(language)
    rows = []
    for kind in reminder_kinds():
        try:
            module_name = str(apps.get_app_config(kind.module).verbose_name) if kind.module else ""
        except LookupError:
            module_name = kind.module
        rows.append(WordingRow(kind, module_name, frozenset(worded.get(kind.key, ()))))
    return rows


def sensitive_cases_group_is_empty() -> bool:
    """Whether no active member of the sensitive-cases group has an address: their reminders would reach none of
    them (the providers then write to the quality managers, with the reference and a link only)."""
    return not users_with_role(Role.SENSITIVE_CASES).exclude(email="").exists()


def sensitive_cases_warning():
    """The setup warning shown on the settings page and in /healthz while the sensitive-cases group is empty."""
    from django.utils.translation import gettext_lazy

    from qms.core.health import SetupWarning

    if not sensitive_cases_group_is_empty():
        return None
    return SetupWarning(
        "sensitive_cases_group_empty",
        gettext_lazy(
            "The sensitive-cases group has no member with an email address: reminders about sensitive cases go to "
            "the quality managers instead, with the reference and a link only. Ask an administrator to add its members."
        ),
    )
