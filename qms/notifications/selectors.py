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
from qms.notifications.models import OutboxEmail


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
    """The outbox rows about ``obj``, oldest first (for timelines: who was written to, when, and whether it went)."""
    return (
        OutboxEmail.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
        .select_related("recipient_user")
        .order_by("created_at", "pk")
    )


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
