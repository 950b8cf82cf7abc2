"""The 4×4 risk matrix: how many threats sit in each cell of likelihood × severity, before or after treatment.

Opportunities stay off the threat map, and archived risks are left out. A risk whose residual scores have not been
assessed yet sits, on the residual map, where its gross scores put it: nothing has lowered it so far.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, F, QuerySet
from django.db.models.functions import Coalesce
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from processes.choices import BAND_BADGES, CriticalityBand, Likelihood, RiskScore, Severity
from processes.models import ProcessMapSettings, Risk

# The chart's generic band names for the process map's bands.
CHART_BANDS = {
    CriticalityBand.ACCEPTABLE: "low",
    CriticalityBand.WATCH: "medium",
    CriticalityBand.CRITICAL: "high",
}


def score_fields(score: str) -> tuple[F | Coalesce, F | Coalesce]:
    """The likelihood and severity expressions a map reads: gross, or residual (gross when not assessed)."""
    if score == RiskScore.RESIDUAL:
        return Coalesce("residual_likelihood", "likelihood"), Coalesce("residual_severity", "severity")
    return F("likelihood"), F("severity")


def heat_counts(risks: QuerySet[Risk], score: str = RiskScore.GROSS) -> dict[tuple[int, int], int]:
    """``{(likelihood, severity): count}`` of the current threats among ``risks``, in one query."""
    likelihood, severity = score_fields(score)
    rows = (
        risks.current()
        .threats()
        .order_by()
        .annotate(map_l=likelihood, map_s=severity)
        .values("map_l", "map_s")
        .annotate(n=Count("pk", distinct=True))
    )
    return {(row["map_l"], row["map_s"]): row["n"] for row in rows}


def heat_map_svg(
    counts: dict[tuple[int, int], int],
    *,
    title: str,
    settings: ProcessMapSettings,
    link: Callable[[int, int], str | None] | None = None,
) -> SafeString:
    from qms.core.charts import heat_map

    return heat_map(
        counts,
        title=title,
        rows=[(value, str(label)) for value, label in Likelihood.choices],
        columns=[(value, str(label)) for value, label in Severity.choices],
        row_title=_("Likelihood"),
        column_title=_("Severity"),
        band=lambda likelihood, severity: CHART_BANDS[settings.band(likelihood * severity)],
        link=link,
        band_labels={CHART_BANDS[band]: str(band.label) for band in CriticalityBand},
    )


@dataclass
class RiskRow:
    """A risk as lists show it: its scores and their bands (an opportunity has none: its score is not a threat)."""

    risk: Risk
    band: str | None
    residual_band: str | None

    @property
    def band_label(self) -> str:
        return str(CriticalityBand(self.band).label) if self.band else ""

    @property
    def band_badge(self) -> str:
        return BAND_BADGES[self.band] if self.band else "info"

    @property
    def residual_band_label(self) -> str:
        return str(CriticalityBand(self.residual_band).label) if self.residual_band else ""

    @property
    def residual_band_badge(self) -> str:
        return BAND_BADGES[self.residual_band] if self.residual_band else "secondary"


def risk_rows(risks, settings: ProcessMapSettings) -> list[RiskRow]:
    return [RiskRow(risk, settings.band(risk.criticality), settings.band(risk.residual_criticality)) for risk in risks]
