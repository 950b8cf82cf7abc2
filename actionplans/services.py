"""Writes of the action plans: plans, their tree, actions and their PDCA follow-up.

Every service is keyword-only, runs in one transaction, logs what it did, and raises ``ActionPlanError`` (with a
translated message) when the request does not make sense. Who may call which service is the views' business
(see ``actionplans.selectors``); the services check what must hold whoever calls them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actionplans import imports
from actionplans.choices import (
    ActionKind,
    ActionPriority,
    ActionStatus,
    EffectivenessResult,
    PlanKind,
    PlanStatus,
)
from actionplans.models import (
    Action,
    ActionEvidence,
    ActionPlan,
    ActionSource,
    ActionUpdate,
    Axis,
    EffectivenessCheck,
    Objective,
    PlanImport,
)
from actionplans.workflows import ACTION_WORKFLOW
from qms.core import sources
from qms.core.choices import Actor
from qms.core.domain import DomainError
from qms.core.models import OrgUnit, Programme, User
from qms.core.services import log_activity
from qms.core.spreadsheets import SpreadsheetError
from qms.core.workflow import TransitionError, record_status

# When the effectiveness of a done action is to be checked, unless its owner set a date.
EFFECTIVENESS_CHECK_DELAY = datetime.timedelta(days=90)
REFERENCE_PREFIX = "A-"


class ActionPlanError(DomainError):
    """A write of the action plans that cannot be made. ``str(error)`` is translated."""


# --- Plans and their tree -----------------------------------------------------------------------------------

PLAN_FIELDS = (
    "title",
    "kind",
    "org_unit",
    "programme",
    "owner",
    "period_start",
    "period_end",
    "source",
    "description",
    "status",
)


def _value_for_log(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _set_fields(obj: models.Model, changes: dict[str, Any], allowed: Iterable[str]) -> dict[str, list[Any]]:
    """Set ``changes`` on ``obj``; returns the fields that really changed, as {field: [old, new]}."""
    allowed = set(allowed)
    changed: dict[str, list[Any]] = {}
    for name, value in changes.items():
        if name not in allowed:
            raise TypeError(f"{type(obj).__name__} has no editable field {name!r}.")
        old = getattr(obj, name)
        if old != value:
            changed[name] = [_value_for_log(old), _value_for_log(value)]
            setattr(obj, name, value)
    return changed


def _check_period(start: datetime.date | None, end: datetime.date | None) -> None:
    if start and end and end < start:
        raise ActionPlanError(_("The period cannot end before it starts."))


def _check_one_active_ci_plan(plan: ActionPlan) -> None:
    """A unit (and the institution) has one active continuous-improvement plan: the one that complaints,
    surveys and audits file their actions into. Say so, rather than let the unique constraint fail."""
    if plan.kind != PlanKind.CONTINUOUS_IMPROVEMENT or plan.status != PlanStatus.ACTIVE:
        return
    others = ActionPlan.objects.filter(kind=PlanKind.CONTINUOUS_IMPROVEMENT, status=PlanStatus.ACTIVE)
    others = others.filter(org_unit=plan.org_unit_id) if plan.org_unit_id else others.filter(org_unit__isnull=True)
    if others.exclude(pk=plan.pk).exists():
        raise ActionPlanError(
            _("This scope already has an active continuous-improvement plan: close it first, or add to it.")
        )


@transaction.atomic
def plan_create(
    *,
    title: str,
    by: User | None,
    kind: str = PlanKind.QUALITY,
    org_unit: OrgUnit | None = None,
    programme: Any = None,
    owner: User | None = None,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    source: str = "",
    description: str = "",
    status: str = PlanStatus.ACTIVE,
) -> ActionPlan:
    """Create a plan; its owner defaults to its creator."""
    title = title.strip()
    if not title:
        raise ActionPlanError(_("A plan needs a title."))
    _check_period(period_start, period_end)
    plan = ActionPlan(
        title=title,
        kind=kind,
        org_unit=org_unit,
        programme=programme,
        owner=owner if owner is not None else (by if getattr(by, "is_authenticated", False) else None),
        period_start=period_start,
        period_end=period_end,
        source=source,
        description=description,
        status=status,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    _check_one_active_ci_plan(plan)
    plan.save()
    log_activity(obj=plan, verb="created", by=by, actor=Actor.USER if by else Actor.SYSTEM)
    return plan


@transaction.atomic
def plan_update(*, plan: ActionPlan, by: User | None, **changes: Any) -> ActionPlan:
    """Change the fields of ``plan`` named in ``changes``; logs what changed."""
    changed = _set_fields(plan, changes, PLAN_FIELDS)
    if "title" in changes and not plan.title.strip():
        raise ActionPlanError(_("A plan needs a title."))
    _check_period(plan.period_start, plan.period_end)
    if changed:
        _check_one_active_ci_plan(plan)
        plan.save()
        log_activity(obj=plan, verb="updated", by=by, details={"changes": changed})
    return plan


def _next_order(queryset: models.QuerySet) -> int:
    return (queryset.aggregate(top=Max("order"))["top"] or 0) + 1


@transaction.atomic
def axis_create(*, plan: ActionPlan, title: str, by: User | None, code: str = "", order: int | None = None) -> Axis:
    """Add an axis to ``plan``; it goes last unless ``order`` is given."""
    title = title.strip()
    if not title:
        raise ActionPlanError(_("An axis needs a title."))
    if plan.axes.filter(title__iexact=title).exists():
        raise ActionPlanError(_("This plan already has an axis “%(title)s”.") % {"title": title})
    if order is None:
        order = _next_order(plan.axes.all())
    axis = Axis.objects.create(plan=plan, title=title, code=code.strip() or str(order), order=order)
    log_activity(obj=plan, verb="axis_added", by=by, details={"axis": str(axis)})
    return axis


@transaction.atomic
def axis_update(*, axis: Axis, by: User | None, **changes: Any) -> Axis:
    changed = _set_fields(axis, changes, ("code", "title", "order"))
    axis.title = axis.title.strip()
    if not axis.title:
        raise ActionPlanError(_("An axis needs a title."))
    if "title" in changed and axis.plan.axes.exclude(pk=axis.pk).filter(title__iexact=axis.title).exists():
        raise ActionPlanError(_("This plan already has an axis “%(title)s”.") % {"title": axis.title})
    if changed:
        axis.save()
        log_activity(obj=axis.plan, verb="axis_updated", by=by, details={"axis": str(axis), "changes": changed})
    return axis


@transaction.atomic
def objective_create(
    *, plan: ActionPlan, title: str, by: User | None, axis: Axis | None = None, order: int | None = None
) -> Objective:
    """Add a strategic objective to ``plan``, under ``axis`` when given (an axis of the same plan)."""
    title = title.strip()
    if not title:
        raise ActionPlanError(_("An objective needs a title."))
    if axis is not None and axis.plan_id != plan.pk:
        raise ActionPlanError(_("This axis belongs to another plan."))
    if order is None:
        order = _next_order(plan.objectives.filter(axis=axis))
    objective = Objective.objects.create(plan=plan, axis=axis, title=title, order=order)
    log_activity(obj=plan, verb="objective_added", by=by, details={"objective": title})
    return objective


@transaction.atomic
def objective_update(*, objective: Objective, by: User | None, **changes: Any) -> Objective:
    changed = _set_fields(objective, changes, ("title", "axis", "order"))
    objective.title = objective.title.strip()
    if not objective.title:
        raise ActionPlanError(_("An objective needs a title."))
    if objective.axis is not None and objective.axis.plan_id != objective.plan_id:
        raise ActionPlanError(_("This axis belongs to another plan."))
    if changed:
        objective.save()
        log_activity(
            obj=objective.plan,
            verb="objective_updated",
            by=by,
            details={"objective": str(objective), "changes": changed},
        )
    return objective


@transaction.atomic
def continuous_improvement_plan_for(*, org_unit: OrgUnit | None, by: User | None) -> ActionPlan:
    """The active continuous-improvement plan of ``org_unit`` (None: the institution-wide one), created when
    first needed. Safe when two requests ask at once: a unique constraint keeps one plan per unit."""
    plans = ActionPlan.objects.filter(kind=PlanKind.CONTINUOUS_IMPROVEMENT, status=PlanStatus.ACTIVE)
    plans = plans.filter(org_unit=org_unit) if org_unit is not None else plans.filter(org_unit__isnull=True)
    plan = plans.first()
    if plan is not None:
        return plan
    # A stored title is written in the institution's language, not in the language of whoever triggered it.
    with translation.override(settings.LANGUAGE_CODE):
        if org_unit is not None:
            title = _("Continuous improvement — %(unit)s") % {"unit": org_unit.name}
        else:
            title = _("Continuous improvement — institution")
    try:
        with transaction.atomic():
            plan = ActionPlan.objects.create(
                title=title,
                kind=PlanKind.CONTINUOUS_IMPROVEMENT,
                org_unit=org_unit,
                status=PlanStatus.ACTIVE,
                source=_("Complaints, suggestions, evaluations and audits"),
                created_by=by if getattr(by, "is_authenticated", False) else None,
            )
    except IntegrityError:
        # Another transaction created it between our read and our write.
        return plans.get()
    log_activity(obj=plan, verb="created", by=by, actor=Actor.SYSTEM if by is None else Actor.USER)
    return plan


@transaction.atomic
def programme_plan_for(*, programme: Programme, by: User | None) -> ActionPlan:
    """The active plan of ``programme`` (kind "programme", the oldest if there are several), created when first
    needed in the programme's unit. Safe when two requests ask at once: the programme's row is locked first."""
    plans = ActionPlan.objects.filter(kind=PlanKind.PROGRAMME, status=PlanStatus.ACTIVE, programme=programme)
    plan = plans.order_by("created_at", "pk").first()
    if plan is not None:
        return plan
    # A programme may have several plans of its own (no constraint keeps one): the lock keeps two requests from
    # making two at once.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    plan = plans.order_by("created_at", "pk").first()
    if plan is not None:
        return plan
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Programme plan — %(programme)s") % {"programme": programme.name}
        source = _("Improvement councils and evaluations")
    plan = ActionPlan.objects.create(
        title=title,
        kind=PlanKind.PROGRAMME,
        org_unit=programme.org_unit,
        programme=programme,
        status=PlanStatus.ACTIVE,
        source=source,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    log_activity(obj=plan, verb="created", by=by, actor=Actor.SYSTEM if by is None else Actor.USER)
    return plan


# --- Actions ------------------------------------------------------------------------------------------------

ACTION_FIELDS = (
    "title",
    "description",
    "kind",
    "objective",
    "reference",
    "position",
    "owner",
    "owner_label",
    "org_unit",
    "process",
    "priority",
    "start_date",
    "deadline",
    "expected_result",
    "indicator",
    "effectiveness_due",
    "progress",
)


def _next_reference(plan: ActionPlan) -> str:
    """The next free ``A-nnn`` reference of ``plan`` (the plan row is locked by the caller)."""
    taken = set(plan.actions.filter(reference__startswith=REFERENCE_PREFIX).values_list("reference", flat=True))
    number = plan.actions.count() + 1
    while f"{REFERENCE_PREFIX}{number:03d}" in taken:
        number += 1
    return f"{REFERENCE_PREFIX}{number:03d}"


def _lock_plan(plan: ActionPlan) -> ActionPlan:
    return ActionPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)


def _check_action(action: Action, changed: Iterable[str] | None = None) -> None:
    """What must hold of an action's fields. The dates are checked when one of them is given or changed: an
    action that started after its deadline (a late start, dated by the workflow) stays editable."""
    if not action.title.strip():
        raise ActionPlanError(_("An action needs a title."))
    if action.objective_id and action.objective.plan_id != action.plan_id:
        raise ActionPlanError(_("This objective belongs to another plan."))
    dates_given = changed is None or {"start_date", "deadline"} & set(changed)
    if dates_given and action.start_date and action.deadline and action.deadline < action.start_date:
        raise ActionPlanError(_("The deadline cannot come before the start date."))
    if not 0 <= (action.progress or 0) <= 100:
        raise ActionPlanError(_("Progress is a percentage, from 0 to 100."))
    if action.plan.actions.filter(reference=action.reference).exclude(pk=action.pk).exists():
        raise ActionPlanError(
            _("Reference “%(reference)s” is already used in this plan.") % {"reference": action.reference}
        )


def _notify_owner(action: Action, by: User | None) -> None:
    if action.owner_id and action.owner_id != getattr(by, "pk", None):
        from actionplans.emails import send_action_assigned

        send_action_assigned(action, by=by)


# The fields a person gives an action on its form; the import and recorded histories add the rest.
CREATE_FIELDS = frozenset(ACTION_FIELDS) - {"title", "progress", "position"}


@transaction.atomic
def action_create(
    *,
    plan: ActionPlan,
    title: str,
    by: User | None,
    sources: Sequence[models.Model] = (),
    notify_owner: bool = True,
    **fields: Any,
) -> Action:
    """Create a planned action in ``plan`` from the fields of its form (``description``, ``kind``, ``owner``,
    ``org_unit``, ``deadline`` … see ``CREATE_FIELDS``). ``sources`` are the objects it answers (model instances);
    the first is its origin. Writes the activity log and the initial status change, and tells the owner.

    An import or a history recorded afterwards uses ``action_import_create``."""
    unknown = set(fields) - CREATE_FIELDS
    if unknown:
        raise TypeError(f"action_create() got unexpected fields: {', '.join(sorted(unknown))}")
    return _create_action(plan=plan, title=title, by=by, sources=sources, notify_owner=notify_owner, fields=fields)


@transaction.atomic
def action_import_create(
    *,
    plan: ActionPlan,
    title: str,
    by: User | None,
    status: str = ActionStatus.PLANNED,
    completed_on: datetime.date | None = None,
    progress: int = 0,
    position: int | None = None,
    note: str = "",
    actor: str = Actor.USER,
    at: datetime.datetime | None = None,
    sources: Sequence[models.Model] = (),
    notify_owner: bool = False,
    **fields: Any,
) -> Action:
    """Create an action as an import (or a demo history) records it: in any status, with its completion date and
    progress, at a given time, with a note on its first status. Owners are not told unless ``notify_owner``."""
    unknown = set(fields) - CREATE_FIELDS
    if unknown:
        raise TypeError(f"action_import_create() got unexpected fields: {', '.join(sorted(unknown))}")
    return _create_action(
        plan=plan,
        title=title,
        by=by,
        sources=sources,
        notify_owner=notify_owner,
        fields=fields,
        status=status,
        completed_on=completed_on,
        progress=progress,
        position=position,
        note=note,
        actor=actor,
        at=at,
    )


def _create_action(
    *,
    plan: ActionPlan,
    title: str,
    by: User | None,
    sources: Sequence[models.Model],
    notify_owner: bool,
    fields: dict[str, Any],
    status: str = ActionStatus.PLANNED,
    completed_on: datetime.date | None = None,
    progress: int = 0,
    position: int | None = None,
    note: str = "",
    actor: str = Actor.USER,
    at: datetime.datetime | None = None,
) -> Action:
    plan = _lock_plan(plan)
    if plan.is_closed:
        raise ActionPlanError(_("This plan is closed: no action can be added to it."))
    if status not in ActionStatus.values:
        raise ActionPlanError(_("“%(status)s” is not a known status.") % {"status": status})
    objective = fields.get("objective")
    reference = (fields.pop("reference", "") or "").strip() or _next_reference(plan)
    if position is None:
        position = (plan.actions.filter(objective=objective).aggregate(top=Max("position"))["top"] or 0) + 1
    if status == ActionStatus.DONE:
        completed_on = completed_on or timezone.localdate()
        progress = 100
    else:
        completed_on = None
    fields.setdefault("kind", ActionKind.CORRECTIVE)
    fields["owner_label"] = (fields.get("owner_label") or "").strip()
    action = Action(
        plan=plan,
        reference=reference,
        position=position,
        title=title.strip(),
        status=status,
        completed_on=completed_on,
        progress=progress,
        created_by=by if getattr(by, "is_authenticated", False) else None,
        created_at=at or timezone.now(),
        **fields,
    )
    if status == ActionStatus.DONE and action.effectiveness_due is None:
        action.effectiveness_due = completed_on + EFFECTIVENESS_CHECK_DELAY
    _check_action(action)
    if status != ActionStatus.PLANNED and action.start_date is None:
        # Recorded as already started: it started when it was recorded, or when it was done.
        started = timezone.localdate(action.created_at)
        action.start_date = min(started, completed_on) if completed_on else started
    action.save()
    record_status(action, "", status, by=by, actor=actor, note=note, at=action.created_at)
    for source in sources:
        _link_source(action, source, by)
    log_activity(
        obj=action,
        verb="created",
        by=by,
        actor=actor,
        details={"plan": plan.pk, "sources": [f"{s._meta.label_lower}:{s.pk}" for s in sources]},
    )
    if notify_owner:
        _notify_owner(action, by)
    return action


@transaction.atomic
def action_update(*, action: Action, by: User | None, notify_owner: bool = True, **changes: Any) -> Action:
    """Change the fields of ``action`` named in ``changes`` (not its status: see ``action_transition``); a new
    owner is told, unless ``notify_owner`` is false."""
    action = Action.objects.select_for_update(of=("self",)).select_related("plan").get(pk=action.pk)
    if "reference" in changes:
        changes["reference"] = (changes["reference"] or "").strip() or action.reference
    old_owner = action.owner_id
    changed = _set_fields(action, changes, ACTION_FIELDS)
    _check_action(action, changed)
    if changed:
        action.save()
        log_activity(obj=action, verb="updated", by=by, details={"changes": changed})
        if notify_owner and "owner" in changed and action.owner_id != old_owner:
            _notify_owner(action, by)
    return action


def _link_source(action: Action, source: models.Model, by: User | None) -> tuple[ActionSource, bool]:
    if source is None or source.pk is None:
        raise ActionPlanError(_("A source must be saved before an action can answer it."))
    if isinstance(source, Action) and source.pk == action.pk:
        raise ActionPlanError(_("An action cannot be its own source."))
    content_type = ContentType.objects.get_for_model(source)
    existing = ActionSource.objects.filter(action=action, content_type=content_type, object_id=source.pk).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            link = ActionSource.objects.create(
                action=action,
                content_type=content_type,
                object_id=source.pk,
                created_by=by if getattr(by, "is_authenticated", False) else None,
            )
    except IntegrityError:
        return ActionSource.objects.get(action=action, content_type=content_type, object_id=source.pk), False
    return link, True


@transaction.atomic
def action_add_source(*, action: Action, source: models.Model, by: User | None) -> ActionSource:
    """Record that ``action`` also answers ``source``. Idempotent: linking twice returns the same row."""
    link, created = _link_source(action, source, by)
    if created:
        log_activity(
            obj=action, verb="source_added", by=by, details={"source": f"{source._meta.label_lower}:{source.pk}"}
        )
    return link


# --- Actions answering a source (any app's object registered in qms.core.sources) -----------------------------


def _source_type(source: models.Model) -> sources.SourceType:
    source_type = sources.get(source)
    if source_type is None or source.pk is None:
        raise ActionPlanError(_("Actions cannot answer this kind of object."))
    refusal = source_type.refusal(source)
    if refusal:
        raise ActionPlanError(str(refusal))
    return source_type


def _log_on_source(source: models.Model, verb: str, action: Action, by: User | None) -> None:
    log_activity(
        obj=source,
        verb=verb,
        by=by,
        details={"action": action.pk, "reference": action.reference, "plan": str(action.plan)},
    )


@transaction.atomic
def action_create_for_source(
    *,
    source: models.Model,
    by: User | None,
    title: str,
    plan: ActionPlan | None = None,
    description: str = "",
    kind: str = ActionKind.CORRECTIVE,
    owner: User | None = None,
    deadline: datetime.date | None = None,
    priority: str = ActionPriority.NORMAL,
) -> Action:
    """Create an action answering ``source`` (its origin): in ``plan``, or by default in the plan of the source's
    programme (``sources.default_programme``) or else the continuous-improvement plan of its unit
    (``sources.default_unit``), made when first needed. The source's own rule is enforced (no action answers a
    request marked as spam). Who may do it is the caller's business (``selectors.can_create_for_source``)."""
    source_type = _source_type(source)
    if not (title or "").strip():
        raise ActionPlanError(_("An action needs a title."), field="title")
    unit = sources.default_unit(source)
    if plan is None:
        programme = sources.default_programme(source)
        if programme is not None:
            plan = programme_plan_for(programme=programme, by=by)
        else:
            plan = continuous_improvement_plan_for(org_unit=unit, by=by)
    process = source_type.default_process(source) if source_type.default_process else None
    action = action_create(
        plan=plan,
        title=title,
        by=by,
        description=description,
        kind=kind or ActionKind.CORRECTIVE,
        owner=owner,
        org_unit=unit,
        process=process,
        deadline=deadline,
        priority=priority,
        sources=[source],
    )
    _log_on_source(source, "action-created", action, by)
    source_type.answered(source, by)
    return action


@transaction.atomic
def action_link_to_source(*, source: models.Model, actions: Iterable[Action], by: User | None) -> int:
    """Record that existing ``actions`` also answer ``source`` (one action often answers several requests).
    Linking an action twice changes nothing. Returns the number of new links."""
    source_type = _source_type(source)
    added = 0
    for action in actions:
        _link, created = _link_source(action, source, by)
        if created:
            log_activity(obj=action, verb="source_added", by=by, details={"source": sources.key(source)})
            _log_on_source(source, "action-linked", action, by)
            added += 1
    if added:
        source_type.answered(source, by)
    return added


@transaction.atomic
def action_transition(
    *,
    action: Action,
    to: str,
    by: User | None,
    note: str = "",
    actor: str = Actor.USER,
    completed_on: datetime.date | None = None,
    at: datetime.datetime | None = None,
) -> Action:
    """Move ``action`` to ``to`` through the workflow table. Done sets the completion date, progress 100 and
    the date its effectiveness is due; reopening clears the completion date. ``at`` dates the move (for a
    history recorded afterwards)."""
    action = Action.objects.select_for_update(of=("self",)).select_related("plan").get(pk=action.pk)
    try:
        ACTION_WORKFLOW.check(action, to, actor=actor, by=by, note=note)
    except TransitionError as error:
        raise ActionPlanError(error.message) from None
    extra: list[str] = ["updated_at"]
    started_on = timezone.localdate(at) if at else timezone.localdate()
    if to == ActionStatus.DONE:
        action.completed_on = completed_on or timezone.localdate()
        if action.completed_on > timezone.localdate():
            raise ActionPlanError(_("The completion date cannot be in the future."))
        action.progress = 100
        if action.effectiveness_due is None:
            action.effectiveness_due = action.completed_on + EFFECTIVENESS_CHECK_DELAY
        extra += ["completed_on", "progress", "effectiveness_due"]
        started_on = min(started_on, action.completed_on)
    if to in (ActionStatus.IN_PROGRESS, ActionStatus.DONE) and action.start_date is None:
        # An action starts when it first moves: its start date says when, unless its owner planned one.
        action.start_date = started_on
        extra.append("start_date")
    elif action.status == ActionStatus.DONE:
        action.completed_on = None
        extra.append("completed_on")
    previous = action.status
    try:
        ACTION_WORKFLOW.apply(action, to, by=by, actor=actor, note=note, at=at, update_fields=extra)
    except TransitionError as error:
        raise ActionPlanError(error.message) from None
    log_activity(
        obj=action, verb="status_changed", by=by, actor=actor, details={"from": previous, "to": to, "note": note}
    )
    return action


def _clean_links(links: Iterable[Any]) -> list[tuple[str, str]]:
    """Links as (URL, label) pairs; only web addresses, so that a link can never run script in the page."""
    validate = URLValidator(schemes=["http", "https"])
    cleaned = []
    for link in links:
        url, label = (link, "") if isinstance(link, str) else (link[0], link[1] if len(link) > 1 else "")
        url = (url or "").strip()
        if not url:
            continue
        try:
            validate(url)
        except ValidationError:
            raise ActionPlanError(_("“%(url)s” is not a web address.") % {"url": url}) from None
        cleaned.append((url, (label or "").strip()))
    return cleaned


@transaction.atomic
def action_add_update(
    *,
    action: Action,
    by: User | None,
    comment: str = "",
    progress: int | None = None,
    files: Sequence[UploadedFile] = (),
    links: Iterable[Any] = (),
    at: datetime.datetime | None = None,
) -> ActionUpdate:
    """Add a dated progress note with its evidence (files, links as URLs or (URL, label) pairs). A new progress
    moves a planned action to "in progress"; done and cancelled actions keep their progress."""
    action = Action.objects.select_for_update(of=("self",)).select_related("plan").get(pk=action.pk)
    links = _clean_links(links)
    comment = comment.strip()
    if not comment and progress is None and not files and not links:
        raise ActionPlanError(_("Write a comment, give the progress, or attach some evidence."))
    if action.status == ActionStatus.CANCELLED:
        raise ActionPlanError(_("This action is cancelled."))
    if progress is not None:
        if not 0 <= progress <= 100:
            raise ActionPlanError(_("Progress is a percentage, from 0 to 100."))
        if not action.is_open and progress != action.progress:
            raise ActionPlanError(_("The progress of a done action stays at 100 %: reopen it first."))
    update = ActionUpdate.objects.create(
        action=action,
        author=by if getattr(by, "is_authenticated", False) else None,
        comment=comment,
        progress=progress,
        at=at or timezone.now(),
    )
    for upload in files:
        evidence = ActionEvidence(update=update, label=upload.name[:250])
        evidence.file.save(upload.name, upload, save=False)
        evidence.save()
    for url, label in links:
        ActionEvidence.objects.create(update=update, url=url, label=label[:250])
    if progress is not None and progress != action.progress:
        action.progress = progress
        action.save(update_fields=["progress", "updated_at"])
    if progress and action.status == ActionStatus.PLANNED:
        action_transition(
            action=action,
            to=ActionStatus.IN_PROGRESS,
            by=by,
            note=_("Progress update: %(progress)s %%") % {"progress": progress},
            at=at,
        )
    log_activity(
        obj=action,
        verb="progress_updated",
        by=by,
        details={"progress": progress, "evidence": len(files) + len(links)},
    )
    return update


@transaction.atomic
def action_check_effectiveness(
    *,
    action: Action,
    by: User | None,
    result: str,
    checked_on: datetime.date | None = None,
    comment: str = "",
    start_follow_up: bool = False,
    follow_up_title: str = "",
    follow_up_owner: User | None = None,
    follow_up_deadline: datetime.date | None = None,
    notify_owner: bool = True,
) -> EffectivenessCheck:
    """Record whether a done action proved effective (closing the PDCA loop). A not-effective check may start a
    follow-up action in the same plan and objective, whose origin is the action checked."""
    action = Action.objects.select_for_update(of=("self",)).select_related("plan", "objective").get(pk=action.pk)
    if action.status != ActionStatus.DONE:
        raise ActionPlanError(_("Only a done action can have its effectiveness checked."))
    if result not in EffectivenessResult.values:
        raise ActionPlanError(_("“%(result)s” is not a known result.") % {"result": result})
    checked_on = checked_on or timezone.localdate()
    if checked_on > timezone.localdate():
        raise ActionPlanError(_("The check date cannot be in the future."))
    if action.completed_on and checked_on < action.completed_on:
        raise ActionPlanError(_("The effectiveness cannot be checked before the action was done."), field="checked_on")
    if action.completed_on and checked_on <= action.completed_on and not comment.strip():
        # A check measures an effect, which takes time to show: the day the action is done needs a reason.
        raise ActionPlanError(
            _(
                "An effectiveness check measures an effect: date it after the action was done, or say in the "
                "comment why it can be judged already."
            ),
            field="checked_on",
        )
    if start_follow_up and result != EffectivenessResult.NOT_EFFECTIVE:
        raise ActionPlanError(_("Only a not-effective check starts a follow-up action."))
    check = EffectivenessCheck.objects.create(
        action=action,
        result=result,
        checked_on=checked_on,
        checked_by=by if getattr(by, "is_authenticated", False) else None,
        comment=comment.strip(),
    )
    if start_follow_up:
        follow_up = action_create(
            plan=action.plan,
            objective=action.objective,
            title=follow_up_title.strip() or _("Follow-up: %(title)s") % {"title": action.title},
            description=comment.strip(),
            kind=ActionKind.CORRECTIVE,
            owner=follow_up_owner if follow_up_owner is not None else action.owner,
            owner_label="" if follow_up_owner is not None else action.owner_label,
            org_unit=action.org_unit,
            process=action.process,
            deadline=follow_up_deadline,
            priority=action.priority,
            # The action checked is its origin; it answers whatever the action checked answered, too.
            sources=[action, *(link.source for link in action.sources.all() if link.source is not None)],
            by=by,
            notify_owner=notify_owner,
        )
        check.follow_up = follow_up
        check.save(update_fields=["follow_up"])
    log_activity(
        obj=action,
        verb="effectiveness_checked",
        by=by,
        details={"result": result, "follow_up": check.follow_up_id},
    )
    return check


# --- Import -------------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    axes: int = 0
    objectives: int = 0
    missing: int = 0


def _default_kind(plan: ActionPlan) -> str:
    if plan.kind in (PlanKind.INSTITUTIONAL_EVALUATION, PlanKind.STRATEGIC):
        return ActionKind.STRATEGIC
    return ActionKind.IMPROVEMENT


@transaction.atomic
def plan_import_apply(*, plan: ActionPlan, payload: dict[str, Any], by: User | None) -> ImportResult:
    """Apply a spreadsheet read by ``imports.read_import_file`` to ``plan``, all or nothing: the payload is
    analysed again against the plan as it is now, and any error means nothing is written. Re-applying the same
    payload changes nothing; actions that the file does not mention are left alone."""
    plan = _lock_plan(plan)
    if plan.is_closed:
        raise ActionPlanError(_("This plan is closed: nothing can be imported into it."))
    preview = imports.analyse(plan, payload)
    if preview.has_errors:
        count = len(preview.errors)
        raise ActionPlanError(
            ngettext(
                "The file has %(count)s error: nothing was imported.",
                "The file has %(count)s errors: nothing was imported.",
                count,
            )
            % {"count": count}
        )
    result = ImportResult(unchanged=len(preview.unchanged), missing=len(preview.missing))
    key = imports.normalise_key
    axes = {key(axis.title): axis for axis in plan.axes.all()}
    for title in preview.new_axes:
        axes[key(title)] = axis_create(plan=plan, title=title, by=by)
        result.axes += 1
    objectives = {
        (key(o.axis.title) if o.axis_id else "", key(o.title)): o for o in plan.objectives.select_related("axis")
    }
    for axis_title, title in preview.new_objectives:
        axis = axes.get(key(axis_title)) if axis_title else None
        objectives[(key(axis_title) if axis_title else "", key(title))] = objective_create(
            plan=plan, axis=axis, title=title, by=by
        )
        result.objectives += 1
    filename = payload.get("filename") or _("a spreadsheet")
    note = _("Imported from %(file)s") % {"file": filename}
    for row in preview.rows:
        objective = None
        if row.objective:
            objective = objectives[(key(row.axis) if row.axis else "", key(row.objective))]
        if row.op == "create":
            action_import_create(
                plan=plan,
                objective=objective,
                by=by,
                kind=_default_kind(plan),
                status=row.status,
                completed_on=row.completed_on,
                note=note,
                notify_owner=False,
                **row.values,
            )
            result.created += 1
        elif row.op == "update":
            action = row.action
            changes = {name: value for name, value in row.values.items() if getattr(action, name) != value}
            if objective != action.objective:
                changes["objective"] = objective
            if changes:
                action = action_update(action=action, by=by, notify_owner=False, **changes)
            if row.status:
                action = action_transition(
                    action=action, to=row.status, by=by, note=note, completed_on=row.completed_on
                )
            elif row.completed_on and action.status == ActionStatus.DONE and row.completed_on != action.completed_on:
                old = action.completed_on
                action.completed_on = row.completed_on
                action.save(update_fields=["completed_on", "updated_at"])
                log_activity(
                    obj=action,
                    verb="updated",
                    by=by,
                    details={"changes": {"completed_on": [_value_for_log(old), _value_for_log(row.completed_on)]}},
                )
            result.updated += 1
    log_activity(
        obj=plan,
        verb="imported",
        by=by,
        details={"file": payload.get("filename", ""), **vars(result)},
    )
    return result


def _purge_expired_imports() -> None:
    PlanImport.objects.filter(Q(expires_at__lte=timezone.now()) | Q(applied_at__isnull=False)).delete()


@transaction.atomic
def plan_import_start(*, plan: ActionPlan, by: User, source: Any, filename: str = "") -> PlanImport:
    """Read an uploaded file and keep its rows, owned by ``by`` and expiring, until they confirm the preview."""
    if plan.is_closed:
        raise ActionPlanError(_("This plan is closed: nothing can be imported into it."), field="file")
    try:
        payload = imports.read_import_file(source, filename=filename)
    except SpreadsheetError as error:
        raise ActionPlanError(error.message, field="file") from None
    _purge_expired_imports()
    return PlanImport.objects.create(plan=plan, created_by=by, filename=filename[:250], payload=payload)


@transaction.atomic
def plan_import_confirm(*, plan_import: PlanImport, by: User) -> ImportResult:
    """Apply a previewed import: only its owner may, once, before it expires. The rows applied are those kept
    on the server at upload time, analysed again now."""
    plan_import = PlanImport.objects.select_for_update(of=("self",)).select_related("plan").get(pk=plan_import.pk)
    if plan_import.created_by_id != by.pk:
        raise ActionPlanError(_("This import belongs to someone else."))
    if plan_import.applied_at is not None:
        raise ActionPlanError(_("This import has already been applied."))
    if plan_import.is_expired:
        raise ActionPlanError(_("This import has expired: send the file again."))
    result = plan_import_apply(plan=plan_import.plan, payload=plan_import.payload, by=by)
    plan_import.applied_at = timezone.now()
    plan_import.save(update_fields=["applied_at"])
    return result
