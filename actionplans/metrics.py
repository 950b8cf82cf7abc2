"""The metrics of the action plans, registered in the shared registry (imported from ``AppConfig.ready``)."""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionplans.choices import OPEN_STATUSES, ActionStatus
from actionplans.models import Action
from qms.core import metrics
from qms.core.metrics import Direction, MetricUnit, MetricValue, Period


def _in_scope(unit_ids: list[int] | None):
    actions = Action.objects.exclude(status=ActionStatus.CANCELLED)
    return actions if unit_ids is None else actions.in_units(unit_ids)


@metrics.register(
    "actionplans.on_time_rate",
    label=_("Actions completed on time"),
    unit=MetricUnit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    description=_(
        "Of the actions whose deadline falls in the period, the share completed on or before it. Actions still "
        "open whose deadline has not come yet are left out: they may still be on time."
    ),
)
def on_time_rate(period: Period, unit_ids: list[int] | None) -> MetricValue | None:
    today = timezone.localdate()
    due = _in_scope(unit_ids).filter(deadline__gte=period.start, deadline__lte=period.end)
    due = due.exclude(Q(status__in=OPEN_STATUSES) & Q(deadline__gte=today))
    counts = due.aggregate(
        total=Count("pk"),
        on_time=Count("pk", filter=Q(status=ActionStatus.DONE, completed_on__lte=F("deadline"))),
    )
    return MetricValue.ratio(counts["on_time"], counts["total"])


@metrics.register(
    "actionplans.completion_rate",
    label=_("Actions completed"),
    unit=MetricUnit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    description=_(
        "Of the actions that existed at the end of the period (cancelled ones left out), the share done by then."
    ),
)
def completion_rate(period: Period, unit_ids: list[int] | None) -> MetricValue | None:
    actions = _in_scope(unit_ids).filter(created_at__date__lte=period.end)
    counts = actions.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=ActionStatus.DONE, completed_on__lte=period.end)),
    )
    return MetricValue.ratio(counts["done"], counts["total"])
