"""factory_boy factories of the action plans."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from actionplans.choices import ActionKind, ActionStatus, PlanKind, PlanStatus
from actionplans.models import Action, ActionPlan, Axis, Objective


class ActionPlanFactory(DjangoModelFactory):
    class Meta:
        model = ActionPlan

    title = factory.Sequence(lambda n: f"Plan {n}")
    kind = PlanKind.QUALITY
    status = PlanStatus.ACTIVE


class AxisFactory(DjangoModelFactory):
    class Meta:
        model = Axis

    plan = factory.SubFactory(ActionPlanFactory)
    title = factory.Sequence(lambda n: f"Axe {n}")
    code = factory.Sequence(lambda n: str(n))
    order = factory.Sequence(lambda n: n)


class ObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = Objective

    axis = factory.SubFactory(AxisFactory)
    plan = factory.SelfAttribute("axis.plan")
    title = factory.Sequence(lambda n: f"Objectif stratégique {n}")
    order = factory.Sequence(lambda n: n)


class ActionFactory(DjangoModelFactory):
    """A bare action row; use ``services.action_create`` when the status history and the log matter."""

    class Meta:
        model = Action

    plan = factory.SubFactory(ActionPlanFactory)
    objective = None
    reference = factory.Sequence(lambda n: f"T-{n:04d}")
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Action {n}")
    kind = ActionKind.IMPROVEMENT
    status = ActionStatus.PLANNED
