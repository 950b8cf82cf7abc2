"""Many actions at once, for load tests and benchmarks (``manage.py generate_bulk --actions N --max-plan M``).

One large plan (the institution's strategic plan, laid out like the demo's AEQES plan: axes, objectives, actions)
holds ``max_plan`` actions; the rest go into quality plans of the demo's faculties and services, of at most
``UNIT_PLAN_SIZE`` actions each. Owners and units are the demo university's (see ``qms.core.demo``). Rows are
written in bulk, each action with its initial status change, in every status, some late. ``actions`` is the
number of actions the database holds afterwards: running the command again adds nothing.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from actionplans.choices import ActionKind, ActionPriority, ActionStatus, PlanKind, PlanStatus
from actionplans.demo import AEQES_PLAN
from actionplans.models import Action, ActionPlan, Axis, Objective
from actionplans.services import REFERENCE_PREFIX
from qms.core.choices import Actor
from qms.core.models import OrgUnit, StatusChange, User

LARGE_PLAN_TITLE = "Plan stratégique d'établissement 2026-2030"
UNIT_PLAN_TITLE = "Plan qualité — {unit}"
UNIT_PLAN_SIZE = 150
OWNERS = ("qualite", "referent.sciences", "referent.lettres", "pilote", "enseignant", "agent", "direction")
UNIT_CODES = (
    "ufr-sciences",
    "ufr-lettres",
    "ufr-droit",
    "ufr-sante",
    "ecole-ingenieurs",
    "iae",
    "iut",
    "bu",
    "svc-scolarite",
    "svc-vie-etudiante",
    "svc-ri",
    "dsi",
    "drh",
)
BATCH = 500


class BulkError(Exception):
    """The bulk actions cannot be generated (the demo is missing)."""


def generate(*, stdout=None, actions: int = 0, max_plan: int = 0, seed: int = 1, **_other_sizes) -> int:
    """Add actions until the database holds ``actions`` of them, ``max_plan`` of them in one large plan.
    Returns the number added."""
    missing = actions - Action.objects.count()
    if missing <= 0:
        if stdout is not None:
            stdout.write(f"Action plans: {Action.objects.count()} actions already, none added.")
        return 0
    owners = list(User.objects.filter(username__in=OWNERS, is_active=True).order_by("username"))
    units = list(OrgUnit.objects.filter(code__in=UNIT_CODES).order_by("path"))
    if not owners or not units:
        raise BulkError("The demo university is missing: run `manage.py seed_demo` first.")
    rng = random.Random(seed)
    manager = next((user for user in owners if user.username == "qualite"), owners[0])
    added = 0
    large = _plan(LARGE_PLAN_TITLE, PlanKind.STRATEGIC, None, manager)
    added += _fill(large, min(missing, max(0, max_plan - large.actions.count())), rng, owners, units, manager)
    index = 0
    while added < missing:
        unit = units[index % len(units)]
        plan = _plan(UNIT_PLAN_TITLE.format(unit=unit.name), PlanKind.QUALITY, unit, manager)
        room = max(0, min(UNIT_PLAN_SIZE, max_plan or UNIT_PLAN_SIZE) - plan.actions.count())
        added += _fill(plan, min(missing - added, room), rng, owners, [unit], manager)
        index += 1
        if index > len(units) * 1000:  # every plan full: the sizes asked for cannot be met
            break
    if stdout is not None:
        stdout.write(
            f"Action plans: {added} actions added, {large.actions.count()} in “{large.title}” "
            f"({Action.objects.count()} in all)."
        )
    return added


def _plan(title: str, kind: str, unit: OrgUnit | None, owner: User) -> ActionPlan:
    today = timezone.localdate()
    plan, created = ActionPlan.objects.get_or_create(
        title=title,
        defaults={
            "kind": kind,
            "org_unit": unit,
            "owner": owner,
            "status": PlanStatus.ACTIVE,
            "period_start": today.replace(month=1, day=1) - datetime.timedelta(days=365),
            "period_end": today.replace(month=12, day=31) + datetime.timedelta(days=3 * 365),
            "source": "Données de charge (generate_bulk)",
            "created_by": owner,
        },
    )
    if created:
        for axis_number, (axis_title, objectives) in enumerate(AEQES_PLAN, start=1):
            axis = Axis.objects.create(plan=plan, code=str(axis_number), title=axis_title, order=axis_number)
            Objective.objects.bulk_create(
                Objective(plan=plan, axis=axis, title=title, order=order)
                for order, (title, _actions) in enumerate(objectives, start=1)
            )
    return plan


def _fill(plan: ActionPlan, count: int, rng: random.Random, owners: list[User], units: list[OrgUnit], by) -> int:
    """Add ``count`` actions to ``plan``, spread over its objectives, with their initial status change."""
    if count <= 0:
        return 0
    objectives = list(plan.objectives.select_related("axis").order_by("axis__order", "order"))
    titles = {objective: actions for _axis, objectives_ in AEQES_PLAN for objective, actions in objectives_}
    today = timezone.localdate()
    start = plan.actions.count()
    rows = []
    for offset in range(count):
        number = start + offset + 1
        objective = objectives[number % len(objectives)] if objectives else None
        pool = titles.get(objective.title, []) if objective else []
        title = rng.choice(pool) if pool else "Action d'amélioration"
        status = rng.choices(
            [ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.CANCELLED],
            weights=[30, 38, 28, 4],
        )[0]
        created = today - datetime.timedelta(days=rng.randint(30, 4 * 365))
        deadline = created + datetime.timedelta(days=rng.randint(30, 540))
        owner = rng.choice(owners) if rng.random() < 0.85 else None
        done = status == ActionStatus.DONE
        rows.append(
            Action(
                plan=plan,
                objective=objective,
                reference=f"{REFERENCE_PREFIX}{number:04d}",
                position=number,
                title=f"{title} ({number})",
                description="Action générée pour les mesures de charge.",
                kind=rng.choice(ActionKind.values),
                owner=owner,
                owner_label="" if owner else "Direction des études",
                org_unit=rng.choice(units),
                priority=rng.choices(ActionPriority.values, weights=[15, 60, 20, 5])[0],
                start_date=created if status != ActionStatus.PLANNED else None,
                deadline=deadline,
                progress=100 if done else (rng.choice([10, 25, 50, 75]) if status == ActionStatus.IN_PROGRESS else 0),
                status=status,
                completed_on=min(today, deadline - datetime.timedelta(days=rng.randint(0, 25))) if done else None,
                created_at=timezone.make_aware(datetime.datetime.combine(created, datetime.time(10))),
                created_by=by,
            )
        )
    Action.objects.bulk_create(rows, batch_size=BATCH)
    content_type = ContentType.objects.get_for_model(Action)
    changes = []
    for action in rows:
        changes.append(
            StatusChange(content_type=content_type, object_id=action.pk, from_status="", to_status=ActionStatus.PLANNED,
                         by=by, actor=Actor.USER, at=action.created_at)
        )  # fmt: skip
        if action.status != ActionStatus.PLANNED:
            changes.append(
                StatusChange(content_type=content_type, object_id=action.pk, from_status=ActionStatus.PLANNED,
                             to_status=action.status, by=by, actor=Actor.USER,
                             at=action.created_at + datetime.timedelta(days=7))
            )  # fmt: skip
    StatusChange.objects.bulk_create(changes, batch_size=BATCH)
    return count
