"""The helpdesk's metrics, registered in the shared registry (imported from ``ComplaintsConfig.ready``).

``unit_ids`` None means the whole institution, sensitive requests included; a list of units leaves them out, as
the statistics page does (see complaints/statistics.py for the rules every figure follows).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from complaints import statistics
from qms.core import metrics
from qms.core.metrics import Direction, MetricUnit, MetricValue, Period


@metrics.register(
    "complaints.handled_rate",
    label=_("Requests taken in charge"),
    unit=MetricUnit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    description=_(
        "Of the requests received in the period (spam and duplicates left out), the share that reached “in "
        "progress” or a later status: answered, closed or redirected."
    ),
)
def handled_rate(period: Period, unit_ids: list[int] | None) -> MetricValue | None:
    handled, received = statistics.handled_counts(period, unit_ids)
    return MetricValue.ratio(handled, received)


@metrics.register(
    "complaints.answered_on_time_rate",
    label=_("Requests answered on time"),
    unit=MetricUnit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    description=_(
        "Of the requests answered in the period, the share answered within the answer deadline, the time spent "
        "waiting for the requester excluded."
    ),
)
def answered_on_time_rate(period: Period, unit_ids: list[int] | None) -> MetricValue | None:
    on_time, answered = statistics.answered_on_time_counts(period, unit_ids)
    return MetricValue.ratio(on_time, answered)


@metrics.register(
    "complaints.satisfaction",
    label=_("Requesters satisfied with the answer"),
    unit=MetricUnit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    description=_("Of the ratings given in the period, the share of 4 and 5 out of 5; the mean rating beside it."),
)
def satisfaction(period: Period, unit_ids: list[int] | None) -> MetricValue | None:
    return statistics.satisfaction_counts(period, unit_ids).share
