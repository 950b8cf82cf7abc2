"""Workflow transitions: move an object's status through an explicit table of allowed moves.

Each domain model that has a moving status declares one ``Workflow`` with its moves; its service calls
``workflow.apply(obj, to, by=..., note=...)``. Every move is recorded as a ``StatusChange`` row, so that the
status of an object at any past date can be read back with ``status_at``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.core.choices import Actor
from qms.core.domain import DomainError
from qms.core.models import StatusChange

# A guard returns None when the move may go ahead, or a translated message saying why it may not.
Guard = Callable[..., "str | None"]

ANY = "*"


class TransitionError(DomainError):
    """A move that the table does not allow, or whose guard refused it. ``str(error)`` is translated."""

    def __init__(self, message: str, *, from_status: str = "", to_status: str = ""):
        super().__init__(message)
        self.from_status = from_status
        self.to_status = to_status


@dataclass(frozen=True)
class Move:
    """One allowed move: from any of ``sources`` to ``target``, when ``guard`` allows it, made by one of ``actors``.

    ``sources`` may be ``ANY``: every status except the target itself and the workflow's terminal statuses (a
    terminal status is only left by a move that names it).
    """

    sources: tuple[str, ...] | str
    target: str
    guard: Guard | None = None
    actors: tuple[str, ...] = (Actor.USER,)

    def starts_from(self, status: str, terminal: frozenset[str] = frozenset()) -> bool:
        if self.sources == ANY:
            return status != self.target and status not in terminal
        sources = (self.sources,) if isinstance(self.sources, str) else self.sources
        return status in sources


@dataclass
class Workflow:
    """The table of allowed moves for one status field."""

    moves: list[Move]
    choices: type[models.TextChoices]
    field: str = "status"
    terminal: frozenset[str] = dataclasses.field(default_factory=frozenset)

    def label(self, status: str) -> str:
        try:
            return str(self.choices(status).label)
        except ValueError:
            return status

    def is_terminal(self, status: str) -> bool:
        return status in self.terminal

    def _moves_to(self, current: str, to: str) -> list[Move]:
        return [m for m in self.moves if m.target == to and m.starts_from(current, self.terminal)]

    def table(self) -> list[tuple[tuple[str, ...], str, tuple[str, ...]]]:
        """The allowed moves as (sources, target, actors), with ``ANY`` spelled out: for documentation pages."""
        rows = []
        for move in self.moves:
            if move.sources == ANY:
                sources = tuple(s for s in self.choices.values if move.starts_from(s, self.terminal))
            else:
                sources = (move.sources,) if isinstance(move.sources, str) else tuple(move.sources)
            rows.append((sources, move.target, tuple(move.actors)))
        return rows

    def check(self, obj: Any, to: str, *, actor: str = Actor.USER, **context: Any) -> None:
        """Raise ``TransitionError`` unless ``obj`` may move to ``to`` now."""
        current = getattr(obj, self.field)
        if to not in self.choices.values:
            raise TransitionError(_("“%(status)s” is not a known status.") % {"status": to}, to_status=to)
        candidates = [m for m in self._moves_to(current, to) if actor in m.actors]
        if not candidates:
            raise TransitionError(
                _("A move from “%(from)s” to “%(to)s” is not allowed.")
                % {"from": self.label(current), "to": self.label(to)},
                from_status=current,
                to_status=to,
            )
        refusals = []
        for move in candidates:
            reason = move.guard(obj, **context) if move.guard else None
            if reason is None:
                return
            refusals.append(str(reason))
        raise TransitionError(refusals[0], from_status=current, to_status=to)

    def can(self, obj: Any, to: str, *, actor: str = Actor.USER, **context: Any) -> bool:
        try:
            self.check(obj, to, actor=actor, **context)
        except TransitionError:
            return False
        return True

    def allowed_targets(self, obj: Any, *, actor: str = Actor.USER, **context: Any) -> list[str]:
        """The statuses that ``obj`` may move to now, in the order of the choices."""
        return [s for s in self.choices.values if self.can(obj, s, actor=actor, **context)]

    @transaction.atomic
    def apply(
        self,
        obj: Any,
        to: str,
        *,
        by: Any = None,
        actor: str = Actor.USER,
        note: str = "",
        at: datetime | None = None,
        update_fields: Iterable[str] = (),
        **context: Any,
    ) -> StatusChange:
        """Check the move, set the status, save ``obj`` and record the status change.

        The row is locked and its stored status re-read first, so that two concurrent moves (a member of staff
        and the nightly job, say) cannot both start from the same status: the second is checked against what
        the first left.
        """
        if obj.pk is not None:
            stored = (
                type(obj)
                ._default_manager.select_for_update()
                .filter(pk=obj.pk)
                .values_list(self.field, flat=True)
                .first()
            )
            if stored is not None:
                setattr(obj, self.field, stored)
        self.check(obj, to, actor=actor, by=by, note=note, **context)
        current = getattr(obj, self.field)
        setattr(obj, self.field, to)
        obj.save(update_fields=[self.field, *update_fields])
        return record_status(obj, current, to, by=by, actor=actor, note=note, at=at)


def record_status(
    obj: models.Model,
    from_status: str,
    to_status: str,
    *,
    by: Any = None,
    actor: str = Actor.USER,
    note: str = "",
    at: datetime | None = None,
) -> StatusChange:
    """Record a status change without checking it: for an object's initial status, on creation."""
    user = by if by is not None and getattr(by, "is_authenticated", False) else None
    return StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        from_status=from_status,
        to_status=to_status,
        by=user,
        actor=actor if user is None else Actor.USER,
        note=note,
        at=at or timezone.now(),
    )


def record_statuses(
    obj: models.Model, changes: Iterable[tuple[str, str, Any, str]], *, at: datetime | None = None
) -> list[StatusChange]:
    """Record several status changes of ``obj`` at once, in one INSERT, without checking them: for an object
    created straight into a later status (``(from, to, by, actor)`` each, in order; check the moves first)."""
    content_type = ContentType.objects.get_for_model(obj)
    at = at or timezone.now()
    rows = []
    for from_status, to_status, by, actor in changes:
        user = by if by is not None and getattr(by, "is_authenticated", False) else None
        rows.append(
            StatusChange(
                content_type=content_type,
                object_id=obj.pk,
                from_status=from_status,
                to_status=to_status,
                by=user,
                actor=actor if user is None else Actor.USER,
                at=at,
            )
        )
    return StatusChange.objects.bulk_create(rows)


def status_history(obj: models.Model):
    """Every status change of ``obj``, oldest first."""
    return StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("by")


def status_at(obj: models.Model, when: datetime) -> str | None:
    """The status ``obj`` had at ``when``, or None if it did not exist yet."""
    change = status_history(obj).filter(at__lte=when).order_by("-at", "-pk").first()
    return change.to_status if change else None


def statuses_at(model: type[models.Model], object_ids: Iterable[int], when: datetime) -> dict[int, str]:
    """The status each of ``object_ids`` had at ``when``, in one query; objects that did not exist yet are left
    out. For reports such as "the actions' state on the day of the management review"."""
    ids = list(object_ids)
    if not ids:
        return {}
    rows = (
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=ids, at__lte=when
        )
        .order_by("object_id", "at", "pk")
        .values_list("object_id", "to_status")
    )
    # Ordered oldest first: the last row seen for each object is its status at ``when``.
    return dict(rows)


def entered_at(obj: models.Model, statuses: Iterable[str]) -> datetime | None:
    """When ``obj`` first reached one of ``statuses``, or None if it never did."""
    change = status_history(obj).filter(to_status__in=list(statuses)).order_by("at", "pk").first()
    return change.at if change else None
