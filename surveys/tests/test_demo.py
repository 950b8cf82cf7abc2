"""The demo course evaluations: a published campaign with at least 2,000 responses across the demo courses, some
below the threshold, a few teachers' replies; a second published year for trends; an open campaign with a link to
try; no email; and a second run adds nothing."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from qms.core import demo as core_demo
from qms.notifications.models import OutboxEmail
from surveys import demo
from surveys.choices import CampaignStatus
from surveys.models import Answer, Campaign, CampaignTarget, Response, TeacherReply
from surveys.results import BELOW_THRESHOLD, TARGET, CampaignResults

pytestmark = pytest.mark.django_db


def test_the_demo_campaigns():
    core_demo.seed(io.StringIO())
    out = io.StringIO()
    demo.seed(out)
    counts = (Campaign.objects.count(), Response.objects.count(), Answer.objects.count())
    demo.seed(out)
    assert (Campaign.objects.count(), Response.objects.count(), Answer.objects.count()) == counts
    assert not OutboxEmail.objects.exists()

    campaign = Campaign.objects.get(title=demo.LAST_YEAR_TITLE)
    assert campaign.status == CampaignStatus.PUBLISHED and campaign.results_frozen
    assert Response.objects.filter(target__campaign=campaign).count() >= 2000
    results = CampaignResults(campaign)
    overall = results.overall_question
    below = [t for t in results.targets if results.figures(TARGET, t.pk, overall).suppressed == BELOW_THRESHOLD]
    shown = [t for t in results.targets if results.figures(TARGET, t.pk, overall).shown]
    assert len(below) >= demo.SMALL_COURSES and len(shown) > 80
    assert TeacherReply.objects.filter(target__campaign=campaign).count() >= 3
    assert Answer.objects.filter(hidden=True).count() == 1
    assert not CampaignTarget.objects.filter(campaign=campaign, invited_count__isnull=True).exists()

    assert Campaign.objects.filter(status=CampaignStatus.OPEN).count() == 1
    assert Campaign.objects.filter(status=CampaignStatus.PUBLISHED).count() == 2
    assert f"/enquetes/r/{demo.demo_secret()}/" in out.getvalue()
    assert Client().get(f"/enquetes/r/{demo.demo_secret()}/").status_code == 200
