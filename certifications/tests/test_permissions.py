"""Who sees what: an auditor reads only the audit they are given (with its certification's matrix, evidence and
findings) and nothing once the grant has ended; referents see their units; the rest is refused."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from certifications import services
from certifications.choices import INTERNAL_AUDITOR, AuditType
from certifications.selectors import findings_visible_to
from qms.core import sources
from qms.core.factories import UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def world(qualiopi_certification, sciences_certification, auditor, quality_manager):
    """The auditor is given the Qualiopi surveillance audit (June 2025); an ISO audit exists beside it."""
    with time_machine.travel(D(2025, 5, 1)):
        given = services.audit_create(
            title="Surveillance Qualiopi",
            audit_type=AuditType.SURVEILLANCE,
            start_date=D(2025, 6, 2),
            end_date=D(2025, 6, 3),
            certification=qualiopi_certification,
            lead_auditor=auditor,
            by=quality_manager,
        )
        other = services.audit_create(
            title="Audit ISO",
            audit_type=AuditType.INITIAL,
            start_date=D(2025, 6, 10),
            end_date=D(2025, 6, 11),
            certification=sciences_certification,
            by=quality_manager,
        )
        requirement = qualiopi_certification.framework.requirements.get(reference="I1")
        evidence = services.evidence_add(
            certification=qualiopi_certification,
            requirement=requirement,
            url="https://example.edu/i1",
            by=quality_manager,
        )
        finding = services.finding_create(
            audit=given,
            grade=qualiopi_certification.framework.grades.get(code="minor"),
            requirement=requirement,
            description="Tarifs",
            by=quality_manager,
        )
        other_finding = services.finding_create(
            audit=other,
            grade=sciences_certification.framework.grades.get(code="PP"),
            description="Piste",
            by=quality_manager,
        )
    return {
        "given": given,
        "other": other,
        "finding": finding,
        "other_finding": other_finding,
        "evidence": evidence,
        "certification": qualiopi_certification,
        "iso": sciences_certification,
    }


def test_an_auditor_reads_the_audit_given_with_its_matrix_and_findings(client, auditor, world):
    client.force_login(auditor)
    with time_machine.travel(D(2025, 6, 20)):
        assert client.get(reverse("certifications:audit-detail", args=[world["given"].pk])).status_code == 200
        assert client.get(reverse("certifications:matrix", args=[world["certification"].pk])).status_code == 200
        assert client.get(reverse("certifications:finding-detail", args=[world["finding"].pk])).status_code == 200
        assert client.get(reverse("certifications:audit-report-pdf", args=[world["given"].pk])).status_code == 200
        listing = client.get(reverse("certifications:audit-list")).content.decode()
        assert "Surveillance Qualiopi" in listing and "Audit ISO" not in listing
        # The certification's page names only the audit given, not its other audits.
        earlier = services.audit_create(
            title="Audit initial Qualiopi",
            audit_type=AuditType.INITIAL,
            start_date=D(2024, 1, 8),
            end_date=D(2024, 1, 9),
            certification=world["certification"],
            by=world["certification"].owner,
        )
        page = client.get(reverse("certifications:certification-detail", args=[world["certification"].pk]))
        assert "Surveillance Qualiopi" in page.content.decode() and earlier.title not in page.content.decode()
        # Nothing else: the other audit, its certification, its finding.
        assert client.get(reverse("certifications:audit-detail", args=[world["other"].pk])).status_code == 404
        assert client.get(reverse("certifications:matrix", args=[world["iso"].pk])).status_code == 404
        assert client.get(reverse("certifications:finding-detail", args=[world["other_finding"].pk])).status_code == 404
        # Read-only: no editing, no assessing, no findings of their own (an external auditor).
        assert client.get(reverse("certifications:audit-edit", args=[world["given"].pk])).status_code == 403
        assessment = reverse(
            "certifications:assessment-edit", args=[world["certification"].pk, world["finding"].requirement_id]
        )
        assert client.get(assessment).status_code == 403
        assert client.get(reverse("certifications:finding-create", args=[world["given"].pk])).status_code == 403


def test_nothing_once_the_grant_has_ended(client, auditor, world):
    client.force_login(auditor)
    # The grant ends 30 days after the audit's last day (3 June): at the end of 3 July.
    with time_machine.travel(datetime.datetime(2025, 7, 4, 9, 0)):
        assert client.get(reverse("certifications:audit-detail", args=[world["given"].pk])).status_code == 404
        assert client.get(reverse("certifications:matrix", args=[world["certification"].pk])).status_code == 404
        assert client.get(reverse("certifications:finding-detail", args=[world["finding"].pk])).status_code == 404
        assert "Surveillance Qualiopi" not in client.get(reverse("certifications:audit-list")).content.decode()


def test_the_grant_lasts_as_long_as_the_settings_say(auditor, world, quality_manager):
    from certifications.models import CertificationSettings

    settings = CertificationSettings.load()
    settings.auditor_grant_days = 60
    settings.save()
    services.audit_update(audit=world["given"], title="Surveillance Qualiopi 2025", by=quality_manager)
    with time_machine.travel(datetime.datetime(2025, 8, 1, 9, 0)):
        assert findings_visible_to(auditor).filter(pk=world["finding"].pk).exists()


def test_an_internal_auditor_of_the_team_records_findings(client, world, quality_manager, org):
    internal = UserFactory(username="auditeur.interne", roles=[INTERNAL_AUDITOR])
    client.force_login(internal)
    with time_machine.travel(D(2025, 6, 20)):
        services.audit_update(audit=world["given"], team=[internal], by=quality_manager)
        assert client.get(reverse("certifications:finding-create", args=[world["given"].pk])).status_code == 200
        assert client.get(reverse("certifications:finding-create", args=[world["other"].pk])).status_code == 404


def test_the_findings_source_grants_open_to_the_auditor(auditor, world):
    """Actions answering a finding open to an auditor through the registry (``granted_ids``)."""
    source_type = sources.get(world["finding"])
    assert source_type is not None
    with time_machine.travel(D(2025, 6, 20)):
        auditor._qms_scope_cache = {}
        assert list(source_type.granted_ids(auditor)) == [world["finding"].pk]
        assert sources.describe(world["finding"], auditor).url == world["finding"].get_absolute_url()
    with time_machine.travel(datetime.datetime(2025, 7, 4, 9, 0)):
        auditor._qms_scope_cache = {}
        assert list(source_type.granted_ids(auditor)) == []
        assert sources.describe(world["finding"], auditor).text == world["finding"].full_reference


def test_a_referent_sees_the_certifications_of_their_units_only(client, referent_sciences, referent_letters, world):
    client.force_login(referent_sciences)
    assert client.get(reverse("certifications:certification-detail", args=[world["iso"].pk])).status_code == 200
    assert (
        client.get(reverse("certifications:certification-detail", args=[world["certification"].pk])).status_code == 404
    )
    # They fill their unit's matrix, not the register's records.
    requirement = world["iso"].framework.requirements.get(reference="4.1")
    assert (
        client.get(reverse("certifications:assessment-edit", args=[world["iso"].pk, requirement.pk])).status_code == 200
    )
    assert client.get(reverse("certifications:certification-edit", args=[world["iso"].pk])).status_code == 403
    client.force_login(referent_letters)
    assert client.get(reverse("certifications:certification-detail", args=[world["iso"].pk])).status_code == 404


def test_staff_with_no_role_is_refused(client, staff_member, world):
    client.force_login(staff_member)
    assert client.get(reverse("certifications:certification-list")).status_code == 403
    assert client.get(reverse("certifications:audit-list")).status_code == 403
    assert client.get(reverse("certifications:framework-list")).status_code == 403
    assert client.get(reverse("certifications:matrix", args=[world["certification"].pk])).status_code == 404
    assert client.get(reverse("certifications:evidence-download", args=[world["evidence"].pk])).status_code == 404


def test_only_the_quality_manager_manages_frameworks_and_imports(client, director, world):
    client.force_login(director)
    assert client.get(reverse("certifications:framework-list")).status_code == 200
    assert (
        client.get(reverse("certifications:certification-detail", args=[world["certification"].pk])).status_code == 200
    )
    for name in ("framework-create", "framework-import", "register-import", "certification-create", "programme-create"):
        assert client.get(reverse(f"certifications:{name}")).status_code == 403, name
