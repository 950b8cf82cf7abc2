"""The surveys' metrics, registered in the shared registry (imported from ``SurveysConfig.ready``).

A campaign counts only once published, in the period in which it was published. ``unit_ids`` narrows to the
targets whose unit is among them (None: the whole institution).
"""

from __future__ import annotations

from django.db.models import Max, Q, Sum
from django.utils.translation import gettext_lazy as _

from qms.core import metrics
from qms.core.metrics import Direction, MetricUnit, MetricValue, Period
from surveys.choices import OVERALL_SATISFACTION_TAG, CampaignStatus, QuestionKind
from surveys.models import Campaign, CampaignTarget, Response, ResultCounter, ScalePoint, SurveyToken


def _published(period: Period):
    return Campaign.objects.filter(
        status=CampaignStatus.PUBLISHED, published_at__date__gte=period.start, published_at__date__lte=period.end
    )


def response_counts(period: Period, unit_ids: list[int] | None) -> tuple[int, int]:
    """(answered, invited) over the targets of the campaigns published in ``period``."""
    targets = CampaignTarget.objects.filter(campaign__in=_published(period))
    if unit_ids is not None:
        targets = targets.filter(scope_unit__in=unit_ids)
    kept = targets.aggregate(n=Sum("invited_count", filter=Q(campaign__roster_purged_at__isnull=False)))["n"] or 0
    live = SurveyToken.objects.filter(target__in=targets, campaign__roster_purged_at__isnull=True).count()
    answered = Response.objects.filter(target__in=targets).count()
    return answered, kept + live


@metrics.register(
    "surveys.response_rate",
    label=_("Course evaluation response rate"),
    unit=MetricUnit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    description=_("Of the students invited by the campaigns published in the period, the share who answered."),
)
def response_rate(period: Period, unit_ids: list[int] | None) -> MetricValue | None:
    answered, invited = response_counts(period, unit_ids)
    return MetricValue.ratio(answered, invited)


def satisfaction_counts(period: Period, unit_ids: list[int] | None) -> tuple[int, int, int]:
    """(top-two answers, valid answers, threshold) to the agreement items tagged "overall satisfaction" of the
    campaigns published in ``period``, pooled from their frozen counters."""
    campaigns = _published(period)
    counters = ResultCounter.objects.filter(
        campaign__in=campaigns,
        question__kind=QuestionKind.LIKERT,
        question__scale__is_agreement=True,
        question__tags__code=OVERALL_SATISFACTION_TAG,
        not_applicable=False,
        value__isnull=False,
    )
    if unit_ids is not None:
        counters = counters.filter(target__scope_unit__in=unit_ids)
    rows = list(counters.values_list("question__scale_id", "value").annotate(n=Sum("count")).order_by())
    if not rows:
        return 0, 0, 0
    top_two: dict[int, set[int]] = {}
    for scale_id, value in ScalePoint.objects.filter(scale__in={row[0] for row in rows}).values_list(
        "scale_id", "value"
    ):
        top_two.setdefault(scale_id, set()).add(value)
    top_two = {scale_id: set(sorted(values)[-2:]) for scale_id, values in top_two.items()}
    satisfied = sum(n for scale_id, value, n in rows if value in top_two.get(scale_id, ()))
    valid = sum(n for _scale_id, _value, n in rows)
    threshold = campaigns.aggregate(k=Max("threshold"))["k"] or 0
    return satisfied, valid, threshold


@metrics.register(
    "surveys.satisfaction_rate",
    label=_("Students satisfied (course evaluations)"),
    unit=MetricUnit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    description=_(
        "Of the answers to the items tagged “overall satisfaction” in the campaigns published in the period, the "
        "share on the top two points of the agreement scale. Nothing below the anonymity threshold."
    ),
)
def satisfaction_rate(period: Period, unit_ids: list[int] | None) -> MetricValue | None:
    satisfied, valid, threshold = satisfaction_counts(period, unit_ids)
    return MetricValue.ratio(satisfied, valid, minimum=max(threshold, 1))
