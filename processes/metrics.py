"""The metrics of the process map, registered in the shared registry (imported from ``AppConfig.ready``), for the
dashboard and the management review."""

from __future__ import annotations

from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from processes.choices import LightState
from processes.models import Indicator, Measurement, ProcessMapSettings, Risk
from qms.core import metrics
from qms.core.metrics import Direction, MetricUnit, MetricValue, Period


@metrics.register(
    "processes.critical_risks",
    label=_("Critical risks"),
    unit=MetricUnit.COUNT,
    direction=Direction.LOWER_IS_BETTER,
    description=_(
        "Threats current at the end of the period whose criticality after treatment (before it, when not assessed) "
        "is in the critical band of the settings."
    ),
)
def critical_risks(period: Period, unit_ids: list[int] | None) -> MetricValue | None:
    settings = ProcessMapSettings.get()
    risks = Risk.objects.threats().filter(created_at__date__lte=period.end)
    risks = risks.filter(Q(is_archived=False) | Q(archived_at__date__gt=period.end))
    if unit_ids is not None:
        risks = risks.filter(process__org_unit__in=unit_ids)
    risks = risks.annotate(
        score=Coalesce(F("residual_likelihood"), F("likelihood")) * Coalesce(F("residual_severity"), F("severity"))
    )
    return MetricValue.count(risks.filter(score__gte=settings.critical_from).count())


@metrics.register(
    "processes.indicators_in_alert",
    label=_("Indicators in alert"),
    unit=MetricUnit.COUNT,
    direction=Direction.LOWER_IS_BETTER,
    description=_(
        "Active indicators whose latest measurement of a period ending in the period is off target (red), judged "
        "against the target in force when that period started."
    ),
)
def indicators_in_alert(period: Period, unit_ids: list[int] | None) -> MetricValue | None:
    from processes.trends import light, target_for

    indicators = Indicator.objects.filter(is_active=True, process__is_active=True)
    if unit_ids is not None:
        indicators = indicators.filter(process__org_unit__in=unit_ids)
    indicators = list(indicators.prefetch_related("targets"))
    latest: dict[int, Measurement] = {}
    measurements = Measurement.objects.filter(
        indicator__in=indicators, period_end__gte=period.start, period_end__lte=period.end
    ).order_by("indicator_id", "period_start")
    for measurement in measurements:
        latest[measurement.indicator_id] = measurement
    in_alert = 0
    for indicator in indicators:
        measurement = latest.get(indicator.pk)
        if measurement is None:
            continue
        target = target_for(list(indicator.targets.all()), measurement.period_start)
        if light(measurement.value, target, indicator.direction) == LightState.RED:
            in_alert += 1
    return MetricValue.count(in_alert)
