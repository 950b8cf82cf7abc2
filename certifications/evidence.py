"""The certifications' named lists (qms.core.evidence): what ISO 9001 9.2 asks about, the internal audits."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from certifications.models import Audit
from qms.core import evidence
from qms.core.metrics import Period


@evidence.register(
    "certifications.internal_audits",
    title=_("Internal audits"),
    description=_("Internal audits whose last day falls in the period, in the units asked for."),
)
def internal_audits(period: Period, unit_ids: list[int] | None) -> evidence.ListFigure:
    audits = Audit.objects.filter(is_internal=True, end_date__gte=period.start, end_date__lte=period.end)
    if unit_ids is not None:
        audits = audits.filter(audited_units__in=unit_ids).distinct()
    url = (
        reverse("certifications:audit-list")
        + f"?internal=1&start={period.start.isoformat()}&end={period.end.isoformat()}"
    )
    return evidence.ListFigure(count=audits.count(), url=url)
