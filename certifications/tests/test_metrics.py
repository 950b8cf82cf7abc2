"""The certifications' metrics, the named-list registry, and live evidence in the matrix."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine

from certifications import services
from certifications.choices import AuditType, ComplianceStatus, FindingStatus, LiveEvidenceKind
from certifications.models import LiveEvidence
from certifications.selectors import compliance_matrix
from qms.core import evidence, metrics
from qms.core.metrics import Period

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_metrics_are_registered():
    for key in ("certifications.readiness", "certifications.open_nonconformities", "certifications.expiring"):
        assert key in metrics.registry


def test_readiness_is_the_mean_of_active_certifications_from_their_latest_snapshot(qualiopi, iso, org, quality_manager):
    with time_machine.travel(D(2025, 2, 1)):
        certification = services.certification_create(
            name="Qualiopi", framework=qualiopi, holder=org.institution, by=quality_manager
        )
        services.certification_create(name="ISO Sciences", framework=iso, holder=org.sciences, by=quality_manager)
    with time_machine.travel(D(2025, 3, 1)):
        for reference in ("I1", "I2"):
            services.assessment_save(
                certification=certification,
                requirement=qualiopi.requirements.get(reference=reference),
                status=ComplianceStatus.COMPLIANT,
                by=quality_manager,
            )
        snapshot = services.snapshot_take(certification=certification, label="Mars", by=quality_manager)
    # Later work does not change the figure of March: the snapshot holds it.
    services.assessment_save(
        certification=certification,
        requirement=qualiopi.requirements.get(reference="I4"),
        status=ComplianceStatus.COMPLIANT,
        by=quality_manager,
    )
    march = Period(D(2025, 3, 1), D(2025, 3, 31))
    value = metrics.compute("certifications.readiness", march, [org.institution])
    # ISO for Sciences (no snapshot, nothing assessed: 0 %) and Qualiopi (its March snapshot: 2 of the 26
    # indicators that apply with no condition declared).
    assert snapshot.readiness == Decimal("7.7")
    assert value.value == Decimal("3.85")
    assert metrics.compute("certifications.readiness", march, [org.sciences]).value == Decimal("0.00")
    # Before they existed, nothing to measure.
    assert metrics.compute("certifications.readiness", Period.year(2024), None) is None


def test_a_withdrawn_certification_does_not_count(qualiopi_certification, quality_manager, org):
    services.certification_transition(
        certification=qualiopi_certification, to="withdrawn", note="Abandon", by=quality_manager
    )
    period = Period.year(D.today().year)
    assert metrics.compute("certifications.readiness", period, [org.institution]) is None
    assert metrics.compute("certifications.expiring", period, None).value == 0


def test_open_nonconformities_at_the_period_end(qualiopi_certification, quality_manager, org):
    with time_machine.travel(D(2025, 6, 3)):
        audit = services.audit_create(
            title="Surveillance",
            audit_type=AuditType.SURVEILLANCE,
            start_date=D(2025, 6, 2),
            end_date=D(2025, 6, 3),
            certification=qualiopi_certification,
            by=quality_manager,
        )
        grades = qualiopi_certification.framework.grades
        services.finding_create(audit=audit, grade=grades.get(code="minor"), description="A", by=quality_manager)
        closed = services.finding_create(
            audit=audit, grade=grades.get(code="major"), description="B", by=quality_manager
        )
    closed.status, closed.closed_on = FindingStatus.CLOSED, D(2025, 9, 1)
    closed.save()
    assert metrics.compute("certifications.open_nonconformities", Period(D(2025, 1, 1), D(2025, 6, 30))).value == 2
    assert metrics.compute("certifications.open_nonconformities", Period(D(2025, 7, 1), D(2025, 12, 31))).value == 1
    assert metrics.compute("certifications.open_nonconformities", Period.year(2025), [org.letters]).value == 0


def test_expiring_counts_latest_certificates_ending_within_six_months(qualiopi, org, quality_manager):
    with time_machine.travel(D(2025, 1, 10)):
        certification = services.certification_create(
            name="Qualiopi", framework=qualiopi, holder=org.institution, by=quality_manager
        )
        services.certificate_add(certification=certification, issued_on=D(2025, 1, 10), by=quality_manager)
    # Valid until 9 January 2028.
    assert metrics.compute("certifications.expiring", Period(D(2027, 1, 1), D(2027, 6, 30))).value == 0
    assert metrics.compute("certifications.expiring", Period(D(2027, 1, 1), D(2027, 8, 31))).value == 1
    with time_machine.travel(D(2027, 10, 1)):
        services.certificate_add(certification=certification, issued_on=D(2027, 10, 1), by=quality_manager)
    # Renewed in October 2027: at the end of December it no longer expires soon; at the end of September it did.
    assert metrics.compute("certifications.expiring", Period(D(2027, 12, 1), D(2027, 12, 31))).value == 0
    assert metrics.compute("certifications.expiring", Period(D(2027, 9, 1), D(2027, 9, 30))).value == 1
    assert metrics.compute("certifications.expiring", Period(D(2027, 9, 1), D(2027, 9, 30)), [org.letters]).value == 0


def test_the_named_list_registry():
    @evidence.register("tests.items", title="Éléments")
    def items(period, unit_ids):
        return evidence.ListFigure(count=3 if unit_ids is None else len(unit_ids), url="/items/")

    try:
        assert "tests.items" in evidence.registry
        assert evidence.compute("tests.items", Period.year(2025)).count == 3
        with pytest.raises(ValueError, match="twice"):
            evidence.register("tests.items", title="Autre")(lambda period, unit_ids: None)
        with pytest.raises(KeyError):
            evidence.registry.get("tests.nothing")
    finally:
        evidence.registry.unregister("tests.items")


def test_the_helpdesk_and_action_plans_declare_their_lists():
    for key in ("complaints.register", "actionplans.improvement_actions", "actionplans.corrective_actions"):
        assert key in evidence.registry
    figure = evidence.compute("complaints.register", Period.year(2025))
    assert figure.count == 0 and "received_after=2025-01-01" in figure.url


def test_live_evidence_shows_in_the_matrix_and_is_frozen_in_a_snapshot(qualiopi_certification, quality_manager):
    from complaints.choices import ComplaintKind
    from complaints.models import Complaint

    with time_machine.travel(D(2025, 5, 1)):
        Complaint.objects.create(kind=ComplaintKind.COMPLAINT, subject="Salle", description="Trop froide")
    with time_machine.travel(D(2025, 6, 1)):
        matrix = compliance_matrix(qualiopi_certification)
        row = next(r for r in matrix.rows if r.requirement.reference == "I31")
        figures = {figure.key: figure for figure in row.live}
        assert figures["complaints.register"].count == 1
        assert figures["complaints.register"].url.startswith("/")
        assert figures["complaints.handled_rate"].available
        # The surveys' metric exists but no campaign is published: no value, never a zero.
        row30 = next(r for r in matrix.rows if r.requirement.reference == "I30")
        response_rate = {f.key: f for f in row30.live}["surveys.response_rate"]
        assert response_rate.available and response_rate.value is None
        snapshot = services.snapshot_take(certification=qualiopi_certification, label="Juin", by=quality_manager)
    frozen = {item["key"]: item for item in snapshot.rows.get(reference="I31").live}
    assert frozen["complaints.register"]["count"] == 1


def test_a_requirement_may_name_a_metric_by_key(qualiopi_certification):
    requirement = qualiopi_certification.framework.requirements.get(reference="I1")
    LiveEvidence.objects.create(requirement=requirement, kind=LiveEvidenceKind.METRIC, key="certifications.expiring")
    row = next(r for r in compliance_matrix(qualiopi_certification).rows if r.requirement.reference == "I1")
    assert row.live[0].available and row.live[0].value is not None
