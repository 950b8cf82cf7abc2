"""The register: certificates, their derived expiry, the surveillance window, the status, and new versions."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from certifications import services
from certifications.choices import CertificationStatus, ComplianceStatus
from certifications.models import Assessment, VersionChange
from certifications.services import CertificationError
from qms.core.workflow import status_history

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_certificate_lasts_the_framework_validity_from_its_date_of_issue(qualiopi_certification):
    certificate = qualiopi_certification.certificates.get()
    assert (certificate.valid_from, certificate.valid_until) == (D(2024, 1, 15), D(2027, 1, 14))


def test_the_surveillance_window_runs_from_the_14th_to_the_22nd_month_after_issue(qualiopi_certification):
    certificate = qualiopi_certification.certificates.get()
    assert services.surveillance_window(certificate) == (D(2025, 3, 15), D(2025, 11, 15))


def test_the_window_uses_calendar_months_not_day_counts(qualiopi_certification, quality_manager):
    # Issued on 31 December: the 14th month ends on the last day of February, never in March.
    certificate = services.certificate_add(
        certification=qualiopi_certification, issued_on=D(2023, 12, 31), number="Q-2023", by=quality_manager
    )
    assert services.surveillance_window(certificate) == (D(2025, 2, 28), D(2025, 10, 31))


def test_a_framework_without_the_rule_has_no_window(sciences_certification, quality_manager):
    certificate = services.certificate_add(
        certification=sciences_certification,
        issued_on=D(2024, 6, 1),
        valid_until=D(2027, 5, 31),
        by=quality_manager,
    )
    assert services.surveillance_window(certificate) is None


def test_a_renewal_takes_effect_the_day_after_the_previous_certificate_expires(qualiopi_certification, quality_manager):
    renewal = services.certificate_add(
        certification=qualiopi_certification, issued_on=D(2026, 11, 20), number="Q-2027-002", by=quality_manager
    )
    assert (renewal.valid_from, renewal.valid_until) == (D(2027, 1, 15), D(2030, 1, 14))


def test_the_expiry_comes_from_the_latest_certificate(qualiopi_certification, quality_manager):
    assert qualiopi_certification.expires_on == D(2027, 1, 14)
    services.certificate_add(
        certification=qualiopi_certification, issued_on=D(2026, 11, 20), number="Q-2027-002", by=quality_manager
    )
    qualiopi_certification.refresh_from_db()
    assert qualiopi_certification.expires_on == D(2030, 1, 14)
    assert not qualiopi_certification.is_expired(D(2029, 12, 31))
    assert qualiopi_certification.is_expired(D(2030, 1, 15))


def test_the_expiry_is_never_a_field_of_the_certification():
    from certifications.models import Certification

    names = {field.name for field in Certification._meta.get_fields()}
    assert not names & {"expires_on", "valid_until", "expiry", "expiry_date"}


def test_a_framework_without_a_validity_needs_the_end_date(sciences_certification, quality_manager):
    with pytest.raises(CertificationError, match="Give the validity"):
        services.certificate_add(certification=sciences_certification, issued_on=D(2024, 6, 1), by=quality_manager)


def test_a_certificate_cannot_end_before_it_starts_nor_be_issued_in_the_future(sciences_certification, quality_manager):
    with pytest.raises(CertificationError, match="end before it starts"):
        services.certificate_add(
            certification=sciences_certification,
            issued_on=D(2024, 6, 1),
            valid_until=D(2024, 5, 1),
            by=quality_manager,
        )
    with time_machine.travel(D(2025, 1, 1)), pytest.raises(CertificationError, match="future"):
        services.certificate_add(
            certification=sciences_certification, issued_on=D(2025, 2, 1), valid_until=D(2028, 1, 1), by=quality_manager
        )


def test_the_first_certificate_certifies_and_the_status_moves_through_the_workflow(
    sciences_certification, quality_manager
):
    assert sciences_certification.status == CertificationStatus.IN_PREPARATION
    with pytest.raises(CertificationError, match="certificate first"):
        services.certification_transition(
            certification=sciences_certification, to=CertificationStatus.CERTIFIED, by=quality_manager
        )
    services.certificate_add(
        certification=sciences_certification, issued_on=D(2024, 6, 1), valid_until=D(2027, 5, 31), by=quality_manager
    )
    sciences_certification.refresh_from_db()
    assert sciences_certification.status == CertificationStatus.CERTIFIED
    with pytest.raises(CertificationError, match="reason"):
        services.certification_transition(
            certification=sciences_certification, to=CertificationStatus.SUSPENDED, by=quality_manager
        )
    services.certification_transition(
        certification=sciences_certification,
        to=CertificationStatus.SUSPENDED,
        by=quality_manager,
        note="NC majeure non levée",
    )
    assert [c.to_status for c in status_history(sciences_certification)] == [
        CertificationStatus.IN_PREPARATION,
        CertificationStatus.CERTIFIED,
        CertificationStatus.SUSPENDED,
    ]


def test_categories_must_belong_to_the_framework(qualiopi, iso, org, quality_manager):
    with pytest.raises(CertificationError, match="another framework"):
        services.certification_create(
            name="Mauvais",
            framework=iso,
            holder=org.institution,
            categories=qualiopi.categories.all(),
            by=quality_manager,
        )


# --- A new version ------------------------------------------------------------------------------------------------


@pytest.fixture
def qualiopi_v10(qualiopi, quality_manager):
    """A later version: indicator 8 is gone, a new indicator 33 appears."""
    new = services.framework_new_version(framework=qualiopi, version="V10 (test)", by=quality_manager)
    new.is_reference = False
    new.save()
    services.requirement_delete(requirement=new.requirements.get(reference="I8"), by=quality_manager)
    services.requirement_create(
        framework=new,
        reference="I33",
        title="Nouvel indicateur",
        parent=new.requirements.get(reference="C7"),
        by=quality_manager,
    )
    return new


def test_moving_to_a_new_version_carries_statuses_by_reference_and_lists_new_and_gone(
    qualiopi_certification, qualiopi_v10, quality_manager
):
    old_framework = qualiopi_certification.framework
    i1 = old_framework.requirements.get(reference="I1")
    i8 = old_framework.requirements.get(reference="I8")
    services.assessment_save(
        certification=qualiopi_certification,
        requirement=i1,
        status=ComplianceStatus.COMPLIANT,
        comment="Catalogue en ligne",
        by=quality_manager,
    )
    services.evidence_add(
        certification=qualiopi_certification, requirement=i1, url="https://example.edu/catalogue", by=quality_manager
    )
    services.assessment_save(
        certification=qualiopi_certification, requirement=i8, status=ComplianceStatus.PARTIAL, by=quality_manager
    )
    change = services.certification_move_to_version(
        certification=qualiopi_certification, framework=qualiopi_v10, by=quality_manager
    )
    assert change.carried == 1
    assert change.new_references == ["I33"]
    assert change.gone_references == ["I8"]
    carried = Assessment.objects.get(certification=qualiopi_certification, requirement__framework=qualiopi_v10)
    assert (carried.requirement.reference, carried.status, carried.comment) == ("I1", "compliant", "Catalogue en ligne")
    assert carried.evidence.get().url == "https://example.edu/catalogue"
    # The assessments made against the earlier version are left as they were.
    assert Assessment.objects.get(certification=qualiopi_certification, requirement=i8).status == "partial"
    assert Assessment.objects.get(certification=qualiopi_certification, requirement=i1).status == "compliant"
    # Categories follow their codes.
    qualiopi_certification.refresh_from_db()
    assert sorted(qualiopi_certification.categories.values_list("code", flat=True)) == ["AF", "VAE"]
    assert set(qualiopi_certification.categories.values_list("framework", flat=True)) == {qualiopi_v10.pk}
    assert VersionChange.objects.filter(certification=qualiopi_certification).count() == 1


def test_only_a_version_of_the_same_framework_is_accepted(qualiopi_certification, iso, quality_manager):
    with pytest.raises(CertificationError, match="same framework"):
        services.certification_move_to_version(certification=qualiopi_certification, framework=iso, by=quality_manager)
