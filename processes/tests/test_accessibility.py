"""Automated accessibility audit of the process map's pages, in real headless Chromium (see
``qms/core/tests/test_accessibility.py`` for what it checks and what it cannot)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from processes import services
from processes.choices import ProcessType
from processes.tests.factories import DocumentFactory, ProcessFactory, RiskFactory
from qms.core.tests.personas import build_personas
from qms.core.tests.test_accessibility import Audit, quiet_setup, sign_in  # noqa: F401 - quiet_setup is a fixture

pytestmark = [pytest.mark.browser]


def test_the_process_map_pages_pass_the_automated_audit(page, live_server, transactional_db, quiet_setup):  # noqa: F811
    personas = build_personas()
    manager, org = personas.quality_manager, personas.org
    process = ProcessFactory(
        code="R2", name="Recruter et inscrire", org_unit=org.sciences, owner=personas.process_owner
    )
    ProcessFactory(code="M1", name="Piloter", type=ProcessType.MANAGEMENT)
    ProcessFactory(code="S3", name="Système d'information", type=ProcessType.SUPPORT)
    indicator = services.indicator_create(
        process=process, by=manager, name="Dossiers complets", target=Decimal(80), alert_threshold=Decimal(60)
    )
    for year, value in ((2023, 55), (2024, 85)):
        services.measurement_record(
            indicator=indicator, by=manager, period_start=datetime.date(year, 1, 1), value=Decimal(value)
        )
    risk = RiskFactory(
        process=process, reference="R2-R01", likelihood=4, severity=3, residual_likelihood=2, residual_severity=2
    )
    RiskFactory(process=process, reference="R2-O01", kind="opportunity")
    document = DocumentFactory(process=process, reference="PR-R2-01")
    version = services.version_create(
        document=document, by=personas.process_owner, number="1", link="https://example.edu/p"
    )
    services.version_submit(version=version, by=personas.process_owner)
    services.version_approve(version=version, by=manager)
    review = services.review_draft(process=process, by=manager, held_on=datetime.date(2025, 3, 1))
    services.decision_add(review=review, by=manager, text="Former les agents")

    sign_in(page, live_server, manager)
    audit = Audit(page, live_server.url)
    audit.check("process map", reverse("processes:map"))
    audit.check("process list", reverse("processes:process-list"))
    audit.check("process sheet", process.get_absolute_url())
    audit.check("process sheet, residual", process.get_absolute_url() + "?score=residual")
    audit.check("process form", reverse("processes:process-edit", args=[process.pk]))
    audit.check("indicator", indicator.get_absolute_url())
    audit.check("indicators", reverse("processes:indicator-list"))
    audit.check("risk register", reverse("processes:risk-list"))
    audit.check("heat map", reverse("processes:heat-map"))
    audit.check("risk", risk.get_absolute_url())
    audit.check("review", review.get_absolute_url())
    audit.check("document", document.get_absolute_url())
    audit.check("library", reverse("processes:library"))
    audit.check("referents", reverse("processes:referents"))
    audit.check("import", reverse("processes:import", args=["risks"]))
    audit.assert_clean()
