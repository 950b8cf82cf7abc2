"""Reminders: the registry of deadline providers, and the claim that sends each reminder once.

Each domain app registers, in its ``AppConfig.ready()``, providers: callables ``provider(today)`` that yield
``ReminderItem``s. This module imports no domain app; it knows items only through what they carry.

An item has an object, a kind, a due date, the thresholds it is reminded at and a recipient (a user, or a
role for a unit, resolved with ``qms.core.selectors.role_holders``). Thresholds are whole days before the due
date: ``14`` is "due in 14 days", ``0`` the due day, ``-1`` "overdue" (the day after), ``-15`` "overdue by more
than 14 days". On a given day an item has crossed the thresholds ``t`` with ``today >= due - t``; only the
latest one crossed (the smallest) is sent, so a scan that missed days sends one reminder, not a burst.

A reminder is claimed by a ``ReminderClaim`` row, unique on (recipient, object, kind, threshold, due date), in
the same transaction as the outbox row it writes: a rerun, or two scans at once, send it once; a moved deadline
changes the due date and so re-arms the thresholds.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise

from qms.core.models import OrgUnit, User

logger = logging.getLogger(__name__)

OVERDUE = -1  # the threshold "overdue": the day after the due date


@dataclass(frozen=True)
class ReminderItem:
    """One deadline to remind someone of.

    ``recipient`` is a user; otherwise ``role`` and ``unit`` name the holders of a role for a unit.
    ``event`` names the email templates (``emails/<event>-subject.txt`` …); ``kind`` is what the claim records
    (by default the event). ``urgent`` items always go at once; ``sensitive`` ones carry only the reference and a
    link, and never go into a digest. ``module`` (an app label, such as ``actionplans``) groups items in
    digests; ``reference``, ``title`` and ``url``
    (a path, joined to the site address) are what the email shows.
    """

    obj: models.Model
    event: str
    due_date: datetime.date
    thresholds: Sequence[int]
    recipient: User | None = None
    role: str | None = None
    unit: OrgUnit | None = None
    kind: str = ""
    urgent: bool = False
    sensitive: bool = False
    module: str = ""
    reference: str = ""
    title: str = ""
    url: str = ""
    context: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def claim_kind(self) -> str:
        return self.kind or self.event

    def threshold_crossed(self, today: datetime.date) -> int | None:
        """The latest threshold crossed on ``today`` (the smallest ``t`` with ``today >= due - t``), or None."""
        crossed = [t for t in self.thresholds if today >= self.due_date - datetime.timedelta(days=t)]
        return min(crossed) if crossed else None

    def days_left(self, today: datetime.date) -> int:
        return (self.due_date - today).days


def deadline_item(
    obj: models.Model,
    recipient: User,
    *,
    module: str,
    kind: str,
    due: datetime.date,
    thresholds: Sequence[int],
    urgent: bool,
    label: str | Promise,
    reference: str,
    title: str,
    sensitive: bool = False,
) -> ReminderItem:
    """A deadline of ``obj`` to remind ``recipient`` of, in the shared "reminder" email: what it is (``label``:
    "Process review"), its reference, title and page. What the apps' ``reminders.py`` yield for most deadlines."""
    return ReminderItem(
        obj=obj,
        event="reminder",
        kind=kind,
        due_date=due,
        thresholds=thresholds,
        recipient=recipient,
        urgent=urgent,
        sensitive=sensitive,
        module=module,
        reference=reference,
        title=title,
        url=obj.get_absolute_url(),
        context={"item_label": label},
    )


Provider = Callable[[datetime.date], Iterable[ReminderItem]]

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Register ``provider`` under ``name`` (such as ``"actionplans.actions"``); registering a name again
    replaces it, so a reloaded app does not remind twice."""
    _providers[name] = provider


def unregister(name: str) -> None:
    _providers.pop(name, None)


def providers() -> dict[str, Provider]:
    """The registered providers, by name."""
    return dict(_providers)


def threshold_label(threshold: int) -> str:
    """A stable text for a threshold, for logs and dry runs."""
    if threshold > 0:
        return f"due in {threshold} day(s)"
    if threshold == 0:
        return "due today"
    return "overdue" if threshold == OVERDUE else f"overdue by more than {-threshold - 1} day(s)"


# --- Kinds of reminder, and the placeholders their wording may use -------------------------------------------

# What every reminder's wording may use (see ``qms.notifications.wording``): filled from the item when sent.
COMMON_PLACEHOLDERS = ("reference", "title", "item_label", "due_date", "days_left", "link", "institution")


@dataclass(frozen=True)
class ReminderKind:
    """A kind of reminder (the ``kind`` its items carry), as the quality manager's wording pages show it.

    ``placeholders`` are the ones this kind adds to ``COMMON_PLACEHOLDERS`` (its items put their values in their
    ``context``); ``sample`` gives a value to each of them for the preview.
    """

    key: str
    label: str | Promise
    module: str = ""
    placeholders: tuple[str, ...] = ()
    sample: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def allowed_placeholders(self) -> tuple[str, ...]:
        return COMMON_PLACEHOLDERS + tuple(name for name in self.placeholders if name not in COMMON_PLACEHOLDERS)


_kinds: dict[str, ReminderKind] = {}


def register_kind(
    key: str,
    *,
    label: str | Promise,
    module: str = "",
    placeholders: Sequence[str] = (),
    sample: dict[str, str] | None = None,
) -> ReminderKind:
    """Declare a kind of reminder, so that its wording can be overridden; registering a key again replaces it."""
    kind = ReminderKind(key, label, module, tuple(placeholders), dict(sample or {}))
    _kinds[key] = kind
    return kind


def unregister_kind(key: str) -> None:
    _kinds.pop(key, None)


def reminder_kinds() -> list[ReminderKind]:
    """The declared kinds, by module then key."""
    return sorted(_kinds.values(), key=lambda kind: (kind.module, kind.key))


def reminder_kind(key: str) -> ReminderKind | None:
    return _kinds.get(key)


# --- The personal calendar feed -------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarEntry:
    """One deadline in a person's calendar feed. A sensitive one shows its reference only."""

    uid: str  # stable across feeds, such as "action-12"
    reference: str
    title: str
    due_date: datetime.date
    url: str = ""
    sensitive: bool = False

    @property
    def summary(self) -> str:
        return self.reference if self.sensitive or not self.title else f"{self.reference} — {self.title}"


CalendarSource = Callable[[User], Iterable[CalendarEntry]]

_calendar_sources: dict[str, CalendarSource] = {}


def register_calendar(name: str, source: CalendarSource) -> None:
    """Register ``source(user)``, yielding the ``CalendarEntry``s of ``user``'s feed (an app's deadlines)."""
    _calendar_sources[name] = source


def unregister_calendar(name: str) -> None:
    _calendar_sources.pop(name, None)


def calendar_entries(user: User) -> list[CalendarEntry]:
    """Every deadline of ``user`` from the registered sources, by date."""
    entries: list[CalendarEntry] = []
    for name, source in sorted(_calendar_sources.items()):
        try:
            entries.extend(source(user))
        except Exception:  # noqa: BLE001 - one broken source must not empty the whole feed
            logger.exception("Calendar source %s failed.", name)
    return sorted(entries, key=lambda entry: (entry.due_date, entry.uid))
