"""The metrics of the certifications, registered in the shared registry (imported from ``AppConfig.ready``)."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certifications.choices import ACTIVE_CERTIFICATION_STATUSES
from certifications.models import Certification
from qms.core import metrics
from qms.core.metrics import Direction, MetricUnit, MetricValue, Period
from qms.core.workflow import statuses_at


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def _active_at(period: Period, unit_ids: list[int] | None) -> list[Certification]:
    """The certifications in scope that existed at the period's end and were not withdrawn then."""
    certifications = Certification.objects.filter(created_at__lte=_end_of(period.end)).select_related(
        "holder", "framework"
    )
    if unit_ids is not None:
        certifications = certifications.filter(holder__in=unit_ids)
    certifications = list(certifications)
    statuses = statuses_at(Certification, [c.pk for c in certifications], _end_of(period.end))
    return [c for c in certifications if statuses.get(c.pk, c.status) in ACTIVE_CERTIFICATION_STATUSES]


@metrics.register(
    "certifications.readiness",
    label=_("Readiness for certification"),
    unit=MetricUnit.PERCENT,
    direction=Direction.HIGHER_IS_BETTER,
    description=_(
        "The mean readiness of the active certifications at the end of the period: from the latest snapshot "
        "taken by then when there is one, else from the compliance matrix as it is."
    ),
)
def readiness(period: Period, unit_ids: list[int] | None) -> MetricValue | None:
    from certifications.selectors import certification_readiness

    values = [certification_readiness(c, at=period.end) for c in _active_at(period, unit_ids)]
    return MetricValue.mean([value for value in values if value is not None])


@metrics.register(
    "certifications.open_nonconformities",
    label=_("Open non-conformities"),
    unit=MetricUnit.COUNT,
    direction=Direction.LOWER_IS_BETTER,
    description=_("Audit findings graded as non-conformities, recorded by the end of the period and not closed then."),
)
def open_nonconformities(period: Period, unit_ids: list[int] | None) -> MetricValue | None:
    from certifications.selectors import open_nonconformities as open_findings

    return MetricValue.count(open_findings(unit_ids, at=period.end).count())


@metrics.register(
    "certifications.expiring",
    label=_("Certifications expiring within six months"),
    unit=MetricUnit.COUNT,
    direction=Direction.LOWER_IS_BETTER,
    description=_("Active certifications whose latest certificate ends within six months of the period's end."),
)
def expiring(period: Period, unit_ids: list[int] | None) -> MetricValue | None:
    from certifications.models import Certificate

    active = _active_at(period, unit_ids)
    horizon = period.end + relativedelta(months=6)
    latest: dict[int, Certificate] = {}
    # The latest certificate each had at the period's end (a renewal issued later does not count yet).
    for certificate in Certificate.objects.filter(certification__in=active, issued_on__lte=period.end).order_by(
        "certification_id", "valid_from", "pk"
    ):
        latest[certificate.certification_id] = certificate
    return MetricValue.count(sum(1 for c in latest.values() if period.end <= c.valid_until <= horizon))
