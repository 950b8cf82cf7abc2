"""Every page of the process map opens for the quality manager on a map with one of everything."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from processes import services
from processes.choices import IndicatorFrequency
from processes.tests.factories import DocumentFactory, RiskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def everything(process, quality_manager):
    indicator = services.indicator_create(
        process=process, by=quality_manager, name="Taux", frequency=IndicatorFrequency.YEARLY, target=Decimal("80")
    )
    services.measurement_record(
        indicator=indicator, by=quality_manager, period_start=datetime.date(2024, 1, 1), value=Decimal("75")
    )
    risk = RiskFactory(process=process, likelihood=4, severity=3)
    document = DocumentFactory(process=process)
    version = services.version_create(
        document=document, by=quality_manager, number="1", link="https://example.edu/p.pdf"
    )
    review = services.review_draft(process=process, by=quality_manager, held_on=datetime.date(2025, 1, 10))
    decision = services.decision_add(review=review, by=quality_manager, text="Faire mieux")
    return {
        "indicator": indicator,
        "risk": risk,
        "document": document,
        "version": version,
        "review": review,
        "decision": decision,
    }


def test_every_page_opens(client, quality_manager, process, everything):
    client.force_login(quality_manager)
    pk = process.pk
    urls = [
        reverse("processes:process-list"),
        reverse("processes:map"),
        reverse("processes:map-pdf"),
        reverse("processes:referents"),
        reverse("processes:process-create"),
        reverse("processes:process-detail", args=[pk]),
        reverse("processes:process-detail", args=[pk]) + "?score=residual",
        reverse("processes:process-pdf", args=[pk]),
        reverse("processes:process-edit", args=[pk]),
        reverse("processes:process-revise", args=[pk]),
        reverse("processes:indicator-list"),
        reverse("processes:measurements-due"),
        reverse("processes:indicator-create", args=[pk]),
        reverse("processes:indicator-detail", args=[everything["indicator"].pk]),
        reverse("processes:indicator-edit", args=[everything["indicator"].pk]),
        reverse("processes:target-set", args=[everything["indicator"].pk]),
        reverse("processes:measurement-record", args=[everything["indicator"].pk]) + "?period=2024-03-01",
        reverse("processes:risk-list"),
        reverse("processes:risk-list") + "?score=residual&band=critical",
        reverse("processes:risk-export"),
        reverse("processes:heat-map"),
        reverse("processes:heat-map") + "?score=residual",
        reverse("processes:opportunity-list"),
        reverse("processes:risk-create", args=[pk]),
        reverse("processes:risk-detail", args=[everything["risk"].pk]),
        reverse("processes:risk-edit", args=[everything["risk"].pk]),
        reverse("processes:risk-archive", args=[everything["risk"].pk]),
        reverse("processes:review-list"),
        reverse("processes:review-create", args=[pk]),
        reverse("processes:review-detail", args=[everything["review"].pk]),
        reverse("processes:review-edit", args=[everything["review"].pk]),
        reverse("processes:review-hold", args=[everything["review"].pk]),
        reverse("processes:decision-add", args=[everything["review"].pk]),
        reverse("processes:decision-edit", args=[everything["decision"].pk]),
        reverse("processes:document-list"),
        reverse("processes:library"),
        reverse("processes:library") + "?q=proc",
        reverse("processes:document-create"),
        reverse("processes:document-detail", args=[everything["document"].pk]),
        reverse("processes:document-edit", args=[everything["document"].pk]),
        reverse("processes:document-reviewed", args=[everything["document"].pk]),
        reverse("processes:version-create", args=[everything["document"].pk]),
        reverse("processes:version-submit", args=[everything["version"].pk]),
        reverse("processes:import", args=["risks"]),
        reverse("processes:import", args=["documents"]),
        reverse("processes:import", args=["measurements"]),
    ]
    failures = []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            failures.append(f"{url}: {response.status_code}")
    assert failures == []
