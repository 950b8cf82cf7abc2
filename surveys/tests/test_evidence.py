"""The campaigns as a named list (qms.core.evidence), the live evidence of Qualiopi indicator 30 and ISO 9001
9.1.2: how many campaigns were open for answers in a period and a scope, drafts left out."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from qms.core import evidence
from qms.core.factories import OrgUnitFactory
from qms.core.metrics import Period
from surveys.choices import CampaignStatus
from surveys.tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

JANUARY = Period(datetime.date(2026, 1, 1), datetime.date(2026, 1, 31))


def test_the_campaigns_open_in_the_period_are_counted_in_scope():
    sciences, letters = OrgUnitFactory(), OrgUnitFactory()
    CampaignFactory(org_unit=sciences, status=CampaignStatus.PUBLISHED)
    CampaignFactory(org_unit=sciences, status=CampaignStatus.OPEN, opens_on=datetime.date(2025, 12, 15))
    CampaignFactory(org_unit=letters, status=CampaignStatus.CLOSED)
    CampaignFactory(org_unit=sciences, status=CampaignStatus.DRAFT)  # never run
    CampaignFactory(
        org_unit=sciences,
        status=CampaignStatus.PUBLISHED,
        opens_on=datetime.date(2025, 11, 1),
        closes_on=datetime.date(2025, 11, 30),
    )  # over before the period
    campaigns = evidence.registry.get("surveys.campaigns")
    assert campaigns.compute(JANUARY).count == 3
    assert campaigns.compute(JANUARY, [sciences.pk]).count == 2
    assert campaigns.compute(JANUARY, [letters.pk]).url == reverse("surveys:campaign-list")
