"""The surveys' named list (qms.core.evidence): the evaluation campaigns run in a period, as evidence that the
institution collects its learners' appreciations (Qualiopi indicator 30, ISO 9001 9.1.2). Counts only: the
campaigns page says which, to whoever may read them."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qms.core import evidence
from qms.core.metrics import Period
from surveys.choices import CampaignStatus
from surveys.models import Campaign


@evidence.register(
    "surveys.campaigns",
    title=_("Evaluation campaigns"),
    description=_("The course-evaluation campaigns open for answers during the period (drafts left out)."),
)
def campaigns_run(period: Period, unit_ids: list[int] | None) -> evidence.ListFigure:
    campaigns = Campaign.objects.exclude(status=CampaignStatus.DRAFT).filter(
        opens_on__lte=period.end, closes_on__gte=period.start
    )
    if unit_ids is not None:
        campaigns = campaigns.filter(org_unit__in=unit_ids)
    return evidence.ListFigure(count=campaigns.count(), url=reverse("surveys:campaign-list"))
