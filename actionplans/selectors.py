"""Reads of the action plans, shared by views, tasks, reports and other apps.

Who sees what (shared/DESIGN.md):
- quality managers and directors see every plan and action;
- a plan's owner sees the plan and all its actions; an action's owner sees the action; a process owner sees
  the actions of their processes (owning an object gives access to it, even without a group);
- a quality referent (or the head or director of a unit) sees the plans and actions of their units and
  sub-units, when their group lets them view action plans;
- an auditor sees the plans and actions they hold a current access grant to, and the actions answering a
  source they were granted (``SourceType.granted_ids``, such as a request).

Every rule is written with the one scope helper, ``qms.core.selectors.scope_q``. What a user may do to an object
(``can_*``) is decided here, never in views or templates.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.utils import timezone

from actionplans.choices import OPEN_STATUSES, ActionStatus, PlanKind, PlanStatus
from actionplans.models import (
    Action,
    ActionEvidence,
    ActionPlan,
    ActionSource,
    ActionUpdate,
    Axis,
    EffectivenessCheck,
    Objective,
)
from qms.core import sources
from qms.core.choices import MembershipRole
from qms.core.models import OrgUnit, Programme, User
from qms.core.search import search
from qms.core.selectors import has_scope, is_quality_manager, scope_q, sees_everything, units_in_scope
from qms.core.workflow import status_history

ACTION_STATUS_LABELS = dict(ActionStatus.choices)

# The memberships that put a unit's plans and actions in a person's scope.
SCOPE_ROLES = (MembershipRole.QUALITY_REFERENT, MembershipRole.HEAD, MembershipRole.DIRECTOR)

ACTION_LIST_RELATED = ("plan", "objective", "objective__axis", "owner", "org_unit", "process")

# Who sees what, in the words of the one scope helper (qms.core.selectors.scope_q).
PLAN_SCOPE = {
    "unit_fields": ("org_unit",),
    "unit_roles": SCOPE_ROLES,
    "unit_perm": "actionplans.view_actionplan",
    "owner_fields": ("owner",),
}
ACTION_SCOPE = {
    "unit_fields": ("org_unit", "plan__org_unit"),
    "unit_roles": SCOPE_ROLES,
    "unit_perm": "actionplans.view_action",
    "owner_fields": ("owner", "plan__owner", "process__owner"),
    "grants_through": {"plan": ActionPlan},
}


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def scope_units(user, perm: str) -> list[int]:
    """The units whose plans and actions ``user`` sees through a membership, if their groups grant ``perm``."""
    if not _signed_in(user) or not user.has_perm(perm):
        return []
    return units_in_scope(user, SCOPE_ROLES)


def plan_unit_choices(user, current: OrgUnit | None = None) -> tuple[models.QuerySet[OrgUnit], bool]:
    """The units a person may give a plan, and whether a unit is required: every unit for a quality manager;
    else their own units (and the plan's current unit), a unit being then required."""
    units = OrgUnit.objects.filter(is_active=True)
    if is_quality_manager(user):
        return units, False
    ids = scope_units(user, "actionplans.add_actionplan")
    if current is not None:
        ids = [*ids, current.pk]
    return units.filter(pk__in=ids), True


def action_unit_choices(user, plan: ActionPlan, current: OrgUnit | None = None) -> models.QuerySet[OrgUnit]:
    """The units an action of ``plan`` may be given: any unit for a quality manager; else the plan's unit and
    its sub-units (or, for an institution-wide plan, the person's own units), plus the action's current unit."""
    units = OrgUnit.objects.filter(is_active=True)
    if is_quality_manager(user):
        return units
    if plan.org_unit_id:
        allowed = Q(path__startswith=plan.org_unit.path)
    else:
        allowed = Q(pk__in=units_in_scope(user))
    if current is not None:
        allowed |= Q(pk=current.pk)
    return units.filter(allowed)


# --- Visibility ---------------------------------------------------------------------------------------------


def plans_visible_to(user) -> models.QuerySet[ActionPlan]:
    """The plans ``user`` may open."""
    plans = ActionPlan.objects.select_related("org_unit", "owner", "programme")
    if not _signed_in(user):
        return plans.none()
    query = scope_q(user, ActionPlan, **PLAN_SCOPE)
    return plans if query is None else plans.filter(query)


def _source_grants_q(user) -> Q | None:
    """The actions answering a source that ``user`` was granted (``SourceType.granted_ids``): an auditor's grant
    on a request opens the actions answering it."""
    query = None
    for source_type in sources.registered():
        if source_type.granted_ids is None:
            continue
        ids = source_type.granted_ids(user)
        if ids is None or (isinstance(ids, list | tuple | set | frozenset) and not ids):
            continue
        links = ActionSource.objects.filter(
            content_type=ContentType.objects.get_for_model(source_type.model), object_id__in=ids
        ).values("action_id")
        query = Q(pk__in=links) if query is None else query | Q(pk__in=links)
    return query


def actions_visible_to(user) -> models.QuerySet[Action]:
    """The actions ``user`` may open, with what a list shows already joined."""
    actions = Action.objects.select_related(*ACTION_LIST_RELATED)
    if not _signed_in(user):
        return actions.none()
    if sees_everything(user):
        return actions
    return actions.filter(scope_q(user, Action, **ACTION_SCOPE, extra=_source_grants_q(user)))


def has_any_plan_scope(user) -> bool:
    """Whether anything of the action plans was opened to ``user`` (everything, a unit, a grant) or is theirs:
    an auditor with no grant yet is told so, rather than "nothing matches"."""
    if has_scope(user, Action, **ACTION_SCOPE):
        return True
    return _signed_in(user) and (
        Action.objects.filter(Q(owner=user) | Q(plan__owner=user) | Q(process__owner=user)).exists()
        or any(
            source_type.granted_ids is not None and list(source_type.granted_ids(user) or [])
            for source_type in sources.registered()
        )
    )


def plans_user_can_add_actions_to(user) -> models.QuerySet[ActionPlan]:
    """The plans, not closed, where ``user`` may add an action: every one for a quality manager, the plans they
    own, and the plans of their units when their group lets them add actions."""
    plans = ActionPlan.objects.exclude(status=PlanStatus.CLOSED).select_related("org_unit")
    if not _signed_in(user):
        return plans.none()
    if is_quality_manager(user):
        return plans
    query = Q(owner=user)
    units = scope_units(user, "actionplans.add_action")
    if units:
        query |= Q(org_unit__in=units)
    return plans.filter(query)


def actions_user_can_edit(user) -> models.QuerySet[Action]:
    """The actions whose fields ``user`` may change (as ``can_edit_action`` says of one): every one for a quality
    manager, those of the plans they own, and those of their units when their group lets them change actions."""
    actions = Action.objects.select_related(*ACTION_LIST_RELATED)
    if not _signed_in(user):
        return actions.none()
    if is_quality_manager(user):
        return actions
    query = Q(plan__owner=user)
    units = scope_units(user, "actionplans.change_action")
    if units:
        query |= Q(org_unit__in=units) | Q(plan__org_unit__in=units)
    return actions.filter(query)


# --- Object permissions -------------------------------------------------------------------------------------


def can_see_plans(user) -> bool:
    """The plan list: the groups given the permission to view plans."""
    return _signed_in(user) and user.has_perm("actionplans.view_actionplan")


def can_create_plan(user) -> bool:
    return _signed_in(user) and user.has_perm("actionplans.add_actionplan")


def can_report_progress(user, action: Action) -> bool:
    """Add a progress update (with evidence) to an action that is not cancelled."""
    return action.status != ActionStatus.CANCELLED and can_update_action(user, action)


def can_edit_plan(user, plan: ActionPlan) -> bool:
    """The plan's owner and quality managers edit a plan, its axes and objectives, and import into it."""
    return _signed_in(user) and (is_quality_manager(user) or plan.owner_id == user.pk)


def can_add_action(user, plan: ActionPlan) -> bool:
    if plan.is_closed or not _signed_in(user):
        return False
    if can_edit_plan(user, plan):
        return True
    return plan.org_unit_id is not None and plan.org_unit_id in scope_units(user, "actionplans.add_action")


def default_plan_for(unit: OrgUnit | None) -> ActionPlan | None:
    """The active continuous-improvement plan of ``unit`` (None: the institution's), if it exists yet."""
    plans = ActionPlan.objects.filter(kind=PlanKind.CONTINUOUS_IMPROVEMENT, status=PlanStatus.ACTIVE)
    plans = plans.filter(org_unit=unit) if unit is not None else plans.filter(org_unit__isnull=True)
    return plans.select_related("org_unit").first()


def programme_plan_of(programme: Programme) -> ActionPlan | None:
    """The active plan of ``programme`` that receives its sources' actions (``services.programme_plan_for``), if it
    exists yet."""
    plans = ActionPlan.objects.filter(kind=PlanKind.PROGRAMME, status=PlanStatus.ACTIVE, programme=programme)
    return plans.select_related("org_unit").order_by("created_at", "pk").first()


def can_add_to_default_plan(user, unit: OrgUnit | None, programme: Programme | None = None) -> bool:
    """Whether ``user`` may add an action to the default plan of a source, whether it exists or is to be made for
    it: the plan of ``programme`` when the source names one, else the continuous-improvement plan of ``unit``. The
    same right as choosing that plan (``can_add_action``), never less."""
    plan = programme_plan_of(programme) if programme is not None else default_plan_for(unit)
    if plan is not None:
        return can_add_action(user, plan)
    if not _signed_in(user):
        return False
    if is_quality_manager(user):
        return True
    # The plan to be made has no owner yet: only its unit's own people who may add actions.
    if programme is not None:
        unit = programme.org_unit
    return unit is not None and unit.pk in scope_units(user, "actionplans.add_action")


def can_create_for_source(user, obj) -> bool:
    """Whether ``user`` may create an action answering ``obj`` (a registered source) in some plan: the source
    says they may work on it and it accepts actions now, and they may add actions to its default plan or to
    another."""
    source_type = sources.get(obj)
    if source_type is None or source_type.refusal(obj) or not source_type.may_attach(user, obj):
        return False
    default_allowed = can_add_to_default_plan(user, sources.default_unit(obj), sources.default_programme(obj))
    return default_allowed or plans_user_can_add_actions_to(user).exists()


def can_link_to_source(user, obj) -> bool:
    """Whether ``user`` may link existing actions (those they may edit) to ``obj``."""
    source_type = sources.get(obj)
    if source_type is None or source_type.refusal(obj) or not source_type.may_attach(user, obj):
        return False
    return actions_user_can_edit(user).exists()


def can_edit_action(user, action: Action) -> bool:
    """Edit an action's fields (deadline, owner …) and check its effectiveness: the plan's editors, and the
    referents of its unit or its plan's unit."""
    if not _signed_in(user):
        return False
    if can_edit_plan(user, action.plan):
        return True
    units = scope_units(user, "actionplans.change_action")
    return bool(units) and (action.org_unit_id in units or action.plan.org_unit_id in units)


def can_update_action(user, action: Action) -> bool:
    """Report progress, attach evidence and move the status: the action's owner, the owner of its process,
    and whoever may edit it."""
    if not _signed_in(user):
        return False
    if action.owner_id == user.pk:
        return True
    if action.process_id and action.process.owner_id == user.pk:
        return True
    return can_edit_action(user, action)


def can_check_effectiveness(user, action: Action) -> bool:
    return action.status == ActionStatus.DONE and can_edit_action(user, action)


# Who reads what hangs from an action they see: those who work on it, and the groups given the permission
# (an external auditor reads the action and its effectiveness, not its progress notes and evidence).
def can_view_updates(user, action: Action) -> bool:
    """The progress updates (comments, progress) of an action ``user`` sees."""
    return can_update_action(user, action) or user.has_perm("actionplans.view_actionupdate")


def can_view_evidence(user, action: Action) -> bool:
    """The evidence (files and links) of the progress updates of an action ``user`` sees."""
    return can_update_action(user, action) or user.has_perm("actionplans.view_actionevidence")


def can_view_checks(user, action: Action) -> bool:
    """The effectiveness checks of an action ``user`` sees."""
    return can_update_action(user, action) or user.has_perm("actionplans.view_effectivenesscheck")


# --- Lists --------------------------------------------------------------------------------------------------


def plans_with_counts(plans: models.QuerySet[ActionPlan], today: datetime.date | None = None):
    """``plans`` with ``action_count`` (not cancelled), ``done_count`` and ``late_count`` in the same query."""
    today = today or timezone.localdate()
    return plans.annotate(
        action_count=Count("actions", filter=~Q(actions__status=ActionStatus.CANCELLED)),
        done_count=Count("actions", filter=Q(actions__status=ActionStatus.DONE)),
        late_count=Count("actions", filter=Q(actions__status__in=OPEN_STATUSES, actions__deadline__lt=today)),
    )


def my_actions(user) -> models.QuerySet[Action]:
    """The actions ``user`` owns: open ones first, the nearest deadline first."""
    if not _signed_in(user):
        return Action.objects.none()
    return (
        Action.objects.filter(owner=user)
        .select_related(*ACTION_LIST_RELATED)
        .annotate(
            is_open_rank=models.Case(
                models.When(status__in=OPEN_STATUSES, then=0), default=1, output_field=models.IntegerField()
            )
        )
        .order_by("is_open_rank", models.F("deadline").asc(nulls_last=True), "pk")
    )


def my_late_actions(user, today: datetime.date | None = None) -> models.QuerySet[Action]:
    """The open actions ``user`` owns whose deadline has passed, the oldest deadline first."""
    if not _signed_in(user):
        return Action.objects.none()
    return Action.objects.filter(owner=user).late(today).select_related(*ACTION_LIST_RELATED).order_by("deadline", "pk")


# How far ahead a person's home page announces the effectiveness checks they are to make.
CHECKS_AHEAD = datetime.timedelta(days=30)


def my_checks_due(user, today: datetime.date | None = None) -> models.QuerySet[Action]:
    """The done actions whose effectiveness ``user`` is to check (``can_check_effectiveness``), not checked yet,
    due within CHECKS_AHEAD or already past, the nearest first."""
    today = today or timezone.localdate()
    return (
        actions_user_can_edit(user)
        .filter(
            status=ActionStatus.DONE, effectiveness_checks__isnull=True, effectiveness_due__lte=today + CHECKS_AHEAD
        )
        .order_by("effectiveness_due", "pk")
    )


def actions_for_source(obj: models.Model) -> models.QuerySet[Action]:
    """The actions that answer ``obj`` (a complaint, a finding, a risk …), through the source link table."""
    content_type = ContentType.objects.get_for_model(obj)
    return (
        Action.objects.filter(sources__content_type=content_type, sources__object_id=obj.pk)
        .select_related(*ACTION_LIST_RELATED)
        .order_by("created_at", "pk")
    )


def is_process(obj) -> bool:
    """Whether ``obj`` is a process of the process map (named, never imported: processes sit below)."""
    return obj is not None and obj._meta.label_lower == "processes.process"


def actions_of_object(user, obj: models.Model) -> models.QuerySet[Action]:
    """The actions about ``obj`` that ``user`` may open: those answering it when it is a source, those of the
    process when it is a process; oldest first."""
    visible = actions_visible_to(user)
    if is_process(obj):
        found = visible.filter(process_id=obj.pk)
    else:
        links = ActionSource.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).values("action_id")
        found = visible.filter(pk__in=links)
    return found.order_by("created_at", "pk")


def actions_by_source(model: type[models.Model], object_ids: Iterable[int]) -> dict[int, list[str]]:
    """For each id of ``object_ids`` (objects of ``model``, a source), the actions answering it as "reference
    (plan)", oldest link first, in one query (for registers and exports)."""
    found: dict[int, list[str]] = {}
    rows = (
        ActionSource.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=object_ids)
        .order_by("created_at", "pk")
        .values_list("object_id", "action__reference", "action__plan__title")
    )
    for object_id, reference, plan in rows:
        found.setdefault(object_id, []).append(f"{reference} ({plan})")
    return found


def actions_due_between(start: datetime.date, end: datetime.date) -> models.QuerySet[Action]:
    """Open actions whose deadline falls from ``start`` to ``end`` (for reminders and dashboards)."""
    return (
        Action.objects.open()
        .filter(deadline__gte=start, deadline__lte=end)
        .select_related(*ACTION_LIST_RELATED)
        .order_by("deadline", "pk")
    )


def action_detail(user, pk: int) -> Action:
    """One action visible to ``user``, with its sources, updates (and their evidence) and checks prefetched.
    Raises ``Action.DoesNotExist`` when it is out of scope."""
    return (
        actions_visible_to(user)
        .select_related("created_by", "process__owner", "plan__owner", "plan__org_unit")
        .prefetch_related(
            Prefetch("sources", queryset=ActionSource.objects.select_related("content_type")),
            GenericPrefetch("sources__source", sources.source_querysets()),
            Prefetch(
                "updates",
                queryset=ActionUpdate.objects.select_related("author").prefetch_related(
                    Prefetch("evidence", queryset=ActionEvidence.objects.order_by("pk"))
                ),
            ),
            Prefetch(
                "effectiveness_checks", queryset=EffectivenessCheck.objects.select_related("checked_by", "follow_up")
            ),
            Prefetch("started_by_checks", queryset=EffectivenessCheck.objects.select_related("action")),
        )
        .get(pk=pk)
    )


# --- The plan tree ------------------------------------------------------------------------------------------


@dataclass
class Rollup:
    """Progress rolled up over a set of actions: cancelled ones are left out of every figure."""

    total: int = 0
    done: int = 0
    in_progress: int = 0
    late: int = 0
    cancelled: int = 0

    def add(self, action: Action, today: datetime.date) -> None:
        if action.status == ActionStatus.CANCELLED:
            self.cancelled += 1
            return
        self.total += 1
        if action.status == ActionStatus.DONE:
            self.done += 1
        elif action.status == ActionStatus.IN_PROGRESS:
            self.in_progress += 1
        if action.status in OPEN_STATUSES and action.deadline and action.deadline < today:
            self.late += 1

    def merge(self, other: Rollup) -> None:
        for name in ("total", "done", "in_progress", "late", "cancelled"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def done_share(self) -> int | None:
        """The share of actions done, in whole percent (None when there is none)."""
        return round(100 * self.done / self.total) if self.total else None

    @property
    def badge(self) -> str:
        if not self.total:
            return "secondary"
        if self.late:
            return "danger"
        if self.done == self.total:
            return "success"
        return "primary" if self.done or self.in_progress else "secondary"


@dataclass
class ObjectiveNode:
    objective: Objective | None
    actions: list[Action] = field(default_factory=list)
    rollup: Rollup = field(default_factory=Rollup)


@dataclass
class AxisNode:
    axis: Axis | None
    objectives: list[ObjectiveNode] = field(default_factory=list)
    rollup: Rollup = field(default_factory=Rollup)
    # On the plan page (plan_outline): the section's key in the URL, whether its actions are shown, and the page
    # of its actions shown when they do not fit on one.
    key: str = ""
    is_open: bool = True
    page_obj: Page | None = None

    @property
    def count(self) -> int:
        """Every action of the section, cancelled ones included (what opening it shows)."""
        return self.rollup.total + self.rollup.cancelled


@dataclass
class PlanTree:
    """A plan as a tree (axis → objective → actions), with progress rolled up at each level."""

    plan: ActionPlan
    axes: list[AxisNode]
    unfiled: ObjectiveNode  # actions outside any objective
    rollup: Rollup

    def __iter__(self):
        return iter(self.axes)

    @property
    def actions(self) -> list[Action]:
        nested = (node.actions for axis in self.axes for node in axis.objectives)
        return list(chain(*nested, self.unfiled.actions))


def plan_tree(
    plan: ActionPlan, *, today: datetime.date | None = None, actions: Iterable[Action] | None = None
) -> PlanTree:
    """The tree of ``plan`` in three queries (axes, objectives, actions), whatever its size. Axes with no
    objective and objectives with no action are kept, so that a new plan shows its skeleton."""
    today = today or timezone.localdate()
    axes = list(plan.axes.all())
    objectives = list(plan.objectives.all())
    if actions is None:
        actions = plan.actions.select_related("owner", "org_unit", "process").order_by("position", "pk")
    axis_nodes = {axis.pk: AxisNode(axis) for axis in axes}
    loose_axis = AxisNode(None)  # objectives directly under the plan
    objective_nodes: dict[int, ObjectiveNode] = {}
    for objective in objectives:
        node = ObjectiveNode(objective)
        objective_nodes[objective.pk] = node
        axis_nodes.get(objective.axis_id, loose_axis).objectives.append(node)
    unfiled = ObjectiveNode(None)
    plan_rollup = Rollup()
    for action in actions:
        action.plan = plan  # spare a query per action when the template reads action.plan
        node = objective_nodes.get(action.objective_id, unfiled)
        node.actions.append(action)
        node.rollup.add(action, today)
        plan_rollup.add(action, today)
    ordered_axes = list(axis_nodes.values()) + ([loose_axis] if loose_axis.objectives else [])
    for axis_node in ordered_axes:
        for objective_node in axis_node.objectives:
            axis_node.rollup.merge(objective_node.rollup)
    return PlanTree(plan=plan, axes=ordered_axes, unfiled=unfiled, rollup=plan_rollup)


# --- The plan page, whatever the plan's size ----------------------------------------------------------------------

# A plan of up to this many actions opens with all of them shown; a larger one opens folded, one axis at a time,
# so that a plan of 1,600 actions is not one page of 1,600 rows.
UNFOLDED_MAX = 100
# The actions of an open axis shown at once; the rest on further pages of that axis.
ACTIONS_PER_PAGE = 50
# The keys of the two sections that are not axes: objectives outside any axis, actions outside any objective.
LOOSE_KEY = "loose"
UNFILED_KEY = "unfiled"

ROLLUP_FIELDS = ("total", "done", "in_progress", "late", "cancelled")


def plan_rollups(plan: ActionPlan, today: datetime.date) -> dict[int | None, Rollup]:
    """The roll-up of each objective of ``plan`` (key None: the actions outside any objective), counted by the
    database in one query, with the same rules as ``Rollup.add``."""
    live = ~Q(status=ActionStatus.CANCELLED)
    rows = (
        Action.objects.filter(plan=plan)
        .order_by()
        .values("objective_id")
        .annotate(
            total=Count("pk", filter=live),
            done=Count("pk", filter=Q(status=ActionStatus.DONE)),
            in_progress=Count("pk", filter=Q(status=ActionStatus.IN_PROGRESS)),
            late=Count("pk", filter=Q(status__in=OPEN_STATUSES, deadline__lt=today)),
            cancelled=Count("pk", filter=Q(status=ActionStatus.CANCELLED)),
        )
    )
    return {row["objective_id"]: Rollup(**{name: row[name] for name in ROLLUP_FIELDS}) for row in rows}


@dataclass
class PlanOutline:
    """The plan page's tree: every axis and objective with its roll-up, and the actions of the open sections."""

    plan: ActionPlan
    axes: list[AxisNode]
    unfiled: AxisNode  # the actions outside any objective, as a section of one objective node
    rollup: Rollup
    folded: bool  # too many actions to show at once: sections open one at a time
    open_key: str | None

    @property
    def sections(self) -> list[AxisNode]:
        return [*self.axes, self.unfiled]

    @property
    def count(self) -> int:
        return self.rollup.total + self.rollup.cancelled


def plan_outline(
    plan: ActionPlan,
    *,
    today: datetime.date | None = None,
    open_key: str | None = None,
    page: int | str | None = 1,
    unfolded_max: int = UNFOLDED_MAX,
    per_page: int = ACTIONS_PER_PAGE,
) -> PlanOutline:
    """The plan page's tree in four queries at most (axes, objectives, roll-ups, the actions shown), whatever the
    plan's size. Roll-ups always count every action. A plan of up to ``unfolded_max`` actions shows them all; a
    larger one shows the actions of the section ``open_key`` only (an axis id, ``LOOSE_KEY`` or ``UNFILED_KEY``),
    ``per_page`` at a time."""
    today = today or timezone.localdate()
    rollups = plan_rollups(plan, today)
    axis_nodes = {axis.pk: AxisNode(axis, key=str(axis.pk)) for axis in plan.axes.all()}
    loose_axis = AxisNode(None, key=LOOSE_KEY)
    objective_nodes: dict[int, ObjectiveNode] = {}
    for objective in plan.objectives.all():
        node = ObjectiveNode(objective, rollup=rollups.get(objective.pk, Rollup()))
        objective_nodes[objective.pk] = node
        axis_nodes.get(objective.axis_id, loose_axis).objectives.append(node)
    unfiled_node = ObjectiveNode(None, rollup=rollups.get(None, Rollup()))
    unfiled = AxisNode(None, objectives=[unfiled_node], key=UNFILED_KEY)
    axes = list(axis_nodes.values()) + ([loose_axis] if loose_axis.objectives else [])
    plan_rollup = Rollup()
    for section in [*axes, unfiled]:
        for node in section.objectives:
            section.rollup.merge(node.rollup)
        plan_rollup.merge(section.rollup)

    outline = PlanOutline(
        plan=plan,
        axes=axes,
        unfiled=unfiled,
        rollup=plan_rollup,
        folded=plan_rollup.total + plan_rollup.cancelled > unfolded_max,
        open_key=None,
    )
    # The rows of a plan's own page (``{% action_rows %}`` without the plan column): no long texts, no unit or
    # process; the plan is the page's own, its objectives are the tree's.
    actions = plan.actions.select_related("owner").only(*PLAN_ROW_FIELDS)
    if not outline.folded:
        shown = actions.order_by("position", "pk")
    else:
        section = next((section for section in outline.sections if section.key == open_key), None)
        for other in outline.sections:
            other.is_open = other is section
        if section is None or not section.count:
            return outline
        outline.open_key = section.key
        if section is unfiled:
            shown = actions.filter(objective__isnull=True).order_by("position", "pk")
        else:
            ids = [node.objective.pk for node in section.objectives]
            shown = actions.filter(objective__in=ids).order_by("objective__order", "objective_id", "position", "pk")
        # The page is cut from the count the roll-ups already hold: no COUNT query.
        section.page_obj = Paginator(range(section.count), per_page).get_page(page)
        shown = shown[section.page_obj.start_index() - 1 : section.page_obj.end_index()]
    for action in shown:
        action.plan = plan  # spare a query per action when the template reads action.plan
        objective_nodes.get(action.objective_id, unfiled_node).actions.append(action)
    return outline


# --- The action page ----------------------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    at: datetime.datetime
    kind: str  # "status", "update" or "check"
    item: object


def action_timeline(action: Action, *, updates: bool = True, checks: bool = True) -> list[TimelineEntry]:
    """The updates, status changes and effectiveness checks of ``action``, oldest first (prefetch the updates
    and checks, as ``action_detail`` does). ``updates`` and ``checks`` leave out what the viewer may not read
    (``can_view_updates``, ``can_view_checks``)."""
    entries = []
    for change in status_history(action):
        change.to_label = ACTION_STATUS_LABELS.get(change.to_status, change.to_status)
        entries.append(TimelineEntry(change.at, "status", change))
    if updates:
        entries += [TimelineEntry(update.at, "update", update) for update in action.updates.all()]
    for check in action.effectiveness_checks.all() if checks else ():
        # A check recorded after the day it was made sits on that day.
        at = check.created_at
        if check.checked_on < timezone.localdate(at):
            at = timezone.make_aware(datetime.datetime.combine(check.checked_on, datetime.time(12, 0)))
        entries.append(TimelineEntry(at, "check", check))
    # On a tie (one request writes an update and the status move it causes), the update comes first.
    rank = {"update": 0, "status": 1, "check": 2}
    return sorted(entries, key=lambda entry: (entry.at, rank[entry.kind]))


# --- The people picker's scope (registered in actionplans.apps) ------------------------------------------------

PEOPLE_SCOPE = "actionplans.people"


def people() -> models.QuerySet[User]:
    """Who may own a plan or an action: anyone who can sign in."""
    return User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")


def may_pick_people(user, argument: str) -> bool:
    """Whether the form named by ``argument`` is one ``user`` may fill: "plan:new", "plan:<pk>" (its owner),
    "plan-actions:<pk>" (a new action's owner), "action:<pk>" (an action's or its follow-up's owner),
    "source:<key>:<pk>" (the owner of an action answering a source)."""
    kind, _sep, rest = (argument or "").partition(":")
    if not _signed_in(user):
        return False
    if kind == "plan" and rest == "new":
        return user.has_perm("actionplans.add_actionplan")
    if kind in ("plan", "plan-actions") and rest.isdigit():
        plan = plans_visible_to(user).filter(pk=int(rest)).first()
        if plan is None:
            return False
        return can_edit_plan(user, plan) if kind == "plan" else can_add_action(user, plan)
    if kind == "action" and rest.isdigit():
        action = actions_visible_to(user).filter(pk=int(rest)).first()
        return action is not None and can_edit_action(user, action)
    if kind == "source":
        source_key, _sep, pk = rest.rpartition(":")
        source_type = sources.get_by_key(source_key)
        if source_type is None or not pk.isdigit():
            return False
        obj = source_type.model._default_manager.filter(pk=int(pk)).first()
        return obj is not None and source_type.can_open(user, obj) and can_create_for_source(user, obj)
    return False


def people_for_picker(user, argument: str) -> models.QuerySet[User] | None:
    """The people the owner pickers of the action plans offer, to whoever may fill that form; None otherwise."""
    return people() if may_pick_people(user, argument) else None


# What a row of ``{% action_rows %}`` shows (actionplans.templatetags.action_tables): the action's reference, title,
# owner, deadline, status and progress, its plan's title, its objective and axis.
ACTION_ROW_FIELDS = (
    "reference",
    "title",
    "owner_label",
    "deadline",
    "status",
    "progress",
    "plan__title",
    "objective__title",
    "objective__axis__title",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
)


# The same on a plan's page, which names neither the plan nor the objective on each row.
PLAN_ROW_FIELDS = (
    *(name for name in ACTION_ROW_FIELDS if not name.startswith(("plan__", "objective__"))),
    "plan",
    "objective",
)


def for_action_rows(actions: models.QuerySet[Action]) -> models.QuerySet[Action]:
    """``actions`` reading only what a table of actions shows: a list page builds 50 of them on every view, and the
    long texts and the unit and process joined by ``actions_visible_to`` cost more than the rows."""
    return actions.select_related(None).select_related("plan", "objective__axis", "owner").only(*ACTION_ROW_FIELDS)


# What a short list of actions shows (the "My actions" panel of the home page, the "Actions" panel of a request, a
# risk, a process …): the action's name, status and dates, its plan's title.
WORK_LIST_FIELDS = ("reference", "title", "status", "deadline", "effectiveness_due", "plan__title")


def for_work_list(actions: models.QuerySet[Action]) -> models.QuerySet[Action]:
    """``actions`` reading only what a short list of actions shows, without the joins of a table."""
    return actions.select_related(None).select_related("plan").only(*WORK_LIST_FIELDS)


def with_sources(actions: Iterable[Action]) -> list[Action]:
    """``actions`` (a page of a list) with their source links and sources fetched, one query per kind of source,
    each with what describing it reads (``qms.core.sources.source_querysets``)."""
    actions = list(actions)
    prefetch_related_objects(
        actions,
        Prefetch("sources", queryset=ActionSource.objects.select_related("content_type")),
        GenericPrefetch("sources__source", sources.source_querysets()),
    )
    return actions


def described_sources(
    action: Action, user, described: dict[tuple[str, int], sources.SourceDescription] | None = None
) -> list[sources.SourceDescription]:
    """What ``user`` may be told of what ``action`` answers, its origin first: each source as its app describes it
    (``qms.core.sources.describe``: the reference alone to those who may not open it), sensitive ones they may not
    open left out altogether. Prefetch ``sources__source`` (``with_sources``, or as ``action_detail`` does).
    ``described``: a page's sources already described (``described_page_sources``)."""
    links = sorted(action.sources.all(), key=lambda link: (link.created_at, link.pk))
    if described is None:
        described = sources.describe_many([link.source for link in links], user)
    result = []
    for link in links:
        obj = link.source
        description = described[(sources.key(obj), obj.pk)] if obj is not None else sources.describe(None, user)
        if not description.hidden:
            result.append(description)
    return result


def described_page_sources(actions: Iterable[Action], user) -> dict[tuple[str, int], sources.SourceDescription]:
    """Every source of ``actions`` (fetched by ``with_sources``) described to ``user`` at once."""
    return sources.describe_many([link.source for action in actions for link in action.sources.all()], user)


# --- The action picker (qms.core.widgets) ----------------------------------------------------------------------------


def search_actions(queryset: models.QuerySet[Action], text: str) -> models.QuerySet[Action]:
    """``queryset`` narrowed to the actions whose reference or title contains every word of ``text``, whatever
    the case and the accents."""
    return search(queryset, text, ("reference", "title")).order_by("plan__title", "reference", "pk")


def actions_matching_reference(queryset: models.QuerySet[Action], text: str) -> models.QuerySet[Action]:
    """The actions of ``queryset`` whose reference is ``text`` (any case)."""
    return queryset.filter(reference__iexact=text)


def action_picker_label(action: Action) -> str:
    """How the picker names an action: its reference, then its title."""
    return f"{action.reference} — {action.title}" if action.reference else action.title


# --- Reminders ---------------------------------------------------------------------------------------------


def actions_due_by(day: datetime.date) -> models.QuerySet[Action]:
    """Open actions whose deadline is on or before ``day`` (overdue ones included), with the owner and the plan
    owner loaded in the same query (to find who is responsible)."""
    return (
        Action.objects.open()
        .filter(deadline__isnull=False, deadline__lte=day)
        .select_related("owner", "plan__owner")
        .order_by("deadline", "pk")
    )


def actions_late_by_more_than(days: int, today: datetime.date) -> models.QuerySet[Action]:
    """Open actions late by more than ``days`` days on ``today``."""
    return actions_due_by(today - datetime.timedelta(days=days + 1))


def effectiveness_checks_due(day: datetime.date) -> models.QuerySet[Action]:
    """Done actions whose effectiveness check is due on or before ``day`` and not recorded yet."""
    return (
        Action.objects.filter(status=ActionStatus.DONE, effectiveness_due__isnull=False, effectiveness_due__lte=day)
        .filter(effectiveness_checks__isnull=True)
        .select_related("owner", "plan__owner")
        .order_by("effectiveness_due", "pk")
    )


def responsible_for(action: Action):
    """Who is reminded of ``action``: its owner; with no active owner (a text label, or an inactive account),
    the plan owner; with neither, None (the caller turns to the quality manager)."""
    if action.owner_id and action.owner.is_active:
        return action.owner
    if action.plan.owner_id and action.plan.owner.is_active:
        return action.plan.owner
    return None


def calendar_actions(user) -> models.QuerySet[Action]:
    """The open actions ``user`` owns that have a deadline, and their done actions awaiting a check."""
    return (
        Action.objects.filter(owner=user)
        .filter(
            Q(status__in=OPEN_STATUSES, deadline__isnull=False)
            | Q(status=ActionStatus.DONE, effectiveness_due__isnull=False, effectiveness_checks__isnull=True)
        )
        .order_by("pk")
        .distinct()
    )
