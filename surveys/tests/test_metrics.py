"""The surveys' metrics, each with its numerator and denominator: the response rate, and the satisfaction rate
(top-two share of the items tagged "overall satisfaction"), nothing below k; a campaign counts once published, in
the period in which it was published."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from qms.core import metrics
from qms.core.metrics import Period
from surveys.choices import CampaignStatus

pytestmark = pytest.mark.django_db

YEAR_2026 = Period.year(2026)


def test_the_metrics_are_registered():
    assert "surveys.response_rate" in metrics.registry and "surveys.satisfaction_rate" in metrics.registry


def test_the_response_rate_counts_answered_over_invited(published):
    # Rosters of 8, 7, 4 and 7 (two more than the answers each): 18 answered of 26 invited, counts kept at purge.
    value = metrics.compute("surveys.response_rate", YEAR_2026)
    assert (value.numerator, value.denominator, value.value) == (Decimal(18), Decimal(26), Decimal("69.2"))


def test_the_satisfaction_rate_is_the_top_two_share_of_overall_satisfaction(published, org):
    # OVERALL_SAT: 4 4 3 3 2 4 | 3 3 4 1 2 | 4 1 | 4 4 3 2 4: 5 + 3 + 1 + 4 = 13 of 18 answers on 3 or 4.
    value = metrics.compute("surveys.satisfaction_rate", YEAR_2026)
    assert (value.numerator, value.denominator, value.value) == (Decimal(13), Decimal(18), Decimal("72.2"))
    sciences = metrics.compute("surveys.satisfaction_rate", YEAR_2026, units=[org.sciences])
    assert (sciences.numerator, sciences.denominator) == (Decimal(8), Decimal(11))


def test_nothing_below_k(published, org, template):
    campaign, targets = published
    from surveys.models import ResultCounter

    # Only Poésie's two answers left in Lettres: below k = 3.
    ResultCounter.objects.filter(target=targets["LET-102"]).delete()
    assert metrics.compute("surveys.satisfaction_rate", YEAR_2026, units=[org.letters]) is None


def test_a_campaign_counts_only_once_published_in_its_period(published):
    campaign, _targets = published
    assert metrics.compute("surveys.satisfaction_rate", Period.year(2025)) is None
    campaign.status = CampaignStatus.CLOSED
    campaign.save()
    assert metrics.compute("surveys.response_rate", YEAR_2026) is None
    campaign.status = CampaignStatus.PUBLISHED
    campaign.published_at = datetime.datetime(2027, 1, 2, tzinfo=datetime.UTC)
    campaign.save()
    assert metrics.compute("surveys.response_rate", YEAR_2026) is None
    assert metrics.compute("surveys.response_rate", Period.year(2027)) is not None
