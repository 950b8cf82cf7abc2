"""The improvement councils' metric: the share of active programmes whose council was held in the period."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qms.core import metrics
from qms.core.metrics import Direction, MetricUnit, MetricValue, Period
from qms.core.models import Programme
from surveys.councils_choices import CouncilStatus


def held_counts(period: Period, unit_ids: list[int] | None) -> tuple[int, int]:
    """(programmes whose council was held in ``period``, active programmes), within ``unit_ids``."""
    programmes = Programme.objects.filter(is_active=True)
    if unit_ids is not None:
        programmes = programmes.filter(org_unit__in=unit_ids)
    held = programmes.filter(
        councils__status__in=[CouncilStatus.HELD, CouncilStatus.MINUTES_PUBLISHED],
        councils__held_date__gte=period.start,
        councils__held_date__lte=period.end,
    ).distinct()
    return held.count(), programmes.count()


@metrics.register(
    "surveys.councils_held_rate",
    label=_("Improvement councils held"),
    unit=MetricUnit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    description=_("Of the active programmes, the share whose improvement council was held in the period."),
)
def councils_held_rate(period: Period, unit_ids: list[int] | None) -> MetricValue | None:
    held, programmes = held_counts(period, unit_ids)
    return MetricValue.ratio(held, programmes)
