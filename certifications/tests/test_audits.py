"""Audits: impartiality of internal auditors, auditors' access through grants, and the status with its effects."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from certifications import services
from certifications.choices import INTERNAL_AUDITOR, AuditStatus, AuditType
from certifications.models import Audit
from certifications.selectors import audits_visible_to, certifications_visible_to, granted_audit_ids
from certifications.services import CertificationError
from processes.models import Process
from qms.core.factories import MembershipFactory, UserFactory
from qms.core.models import ActivityLog

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def programme(iso, quality_manager):
    return services.programme_save(
        year=2025, title="Programme d'audits internes 2025", framework=iso, owner=quality_manager, by=quality_manager
    )


@pytest.fixture
def internal_auditor(org):
    """An internal auditor from UFR Lettres (so Lettres is their own work)."""
    user = UserFactory(username="auditrice.interne", first_name="Inès", last_name="Roche", roles=[INTERNAL_AUDITOR])
    MembershipFactory(user=user, org_unit=org.letters)
    return user


def test_an_auditor_may_not_audit_their_own_unit_or_sub_unit(programme, internal_auditor, org, quality_manager):
    # Lettres is hers; a membership of a sub-unit counts too.
    with pytest.raises(CertificationError, match="belongs to the audited unit “UFR Lettres”"):
        services.audit_create(
            title="Audit interne Lettres",
            audit_type=AuditType.INTERNAL,
            start_date=D(2025, 5, 12),
            end_date=D(2025, 5, 12),
            programme=programme,
            team=[internal_auditor],
            audited_units=[org.letters],
            by=quality_manager,
        )
    MembershipFactory(user=internal_auditor, org_unit=org.physics)
    with pytest.raises(CertificationError, match="belongs to the audited unit “UFR Sciences”"):
        services.audit_create(
            title="Audit interne Sciences",
            audit_type=AuditType.INTERNAL,
            start_date=D(2025, 5, 12),
            end_date=D(2025, 5, 12),
            programme=programme,
            team=[internal_auditor],
            audited_units=[org.sciences],
            by=quality_manager,
        )
    assert not Audit.objects.exists()


def test_an_auditor_may_not_audit_a_process_they_own(programme, internal_auditor, quality_manager):
    process = Process.objects.create(
        code="R3", name="Dispenser les formations", type="operational", owner=internal_auditor
    )
    with pytest.raises(CertificationError, match="owns the audited process"):
        services.audit_create(
            title="Audit du processus R3",
            audit_type=AuditType.INTERNAL,
            start_date=D(2025, 5, 12),
            end_date=D(2025, 5, 12),
            programme=programme,
            team=[internal_auditor],
            audited_processes=[process],
            by=quality_manager,
        )


def test_the_quality_manager_overrides_with_a_recorded_reason(
    programme, internal_auditor, org, quality_manager, referent_sciences
):
    kwargs = {
        "title": "Audit interne Lettres",
        "audit_type": AuditType.INTERNAL,
        "start_date": D(2025, 5, 12),
        "end_date": D(2025, 5, 12),
        "programme": programme,
        "team": [internal_auditor],
        "audited_units": [org.letters],
    }
    with pytest.raises(CertificationError, match="Only the quality manager"):
        services.audit_create(**kwargs, override_reason="Seule auditrice disponible", by=referent_sciences)
    audit = services.audit_create(**kwargs, override_reason="Seule auditrice formée disponible", by=quality_manager)
    assert audit.impartiality_override_reason == "Seule auditrice formée disponible"
    assert audit.impartiality_overridden_by == quality_manager
    log = ActivityLog.objects.get(verb="impartiality_overridden", object_id=audit.pk)
    assert "UFR Lettres" in log.details["conflicts"][0]


def test_an_impartial_team_is_accepted_and_external_audits_are_not_checked(
    programme, internal_auditor, qualiopi_certification, org, quality_manager
):
    audit = services.audit_create(
        title="Audit interne Sciences",
        audit_type=AuditType.INTERNAL,
        start_date=D(2025, 5, 12),
        end_date=D(2025, 5, 12),
        programme=programme,
        team=[internal_auditor],
        audited_units=[org.sciences],
        by=quality_manager,
    )
    assert audit.is_internal and not audit.impartiality_override_reason
    external = services.audit_create(
        title="Surveillance",
        audit_type=AuditType.SURVEILLANCE,
        start_date=D(2025, 6, 2),
        end_date=D(2025, 6, 3),
        certification=qualiopi_certification,
        team=[quality_manager],
        audited_units=[org.quality_service],
        by=quality_manager,
    )
    assert not external.is_internal


def test_an_auditor_reads_only_the_audit_given_and_nothing_once_the_grant_ends(
    qualiopi_certification, sciences_certification, auditor, quality_manager
):
    with time_machine.travel(D(2025, 5, 1)):
        audit = services.audit_create(
            title="Surveillance Qualiopi",
            audit_type=AuditType.SURVEILLANCE,
            start_date=D(2025, 6, 2),
            end_date=D(2025, 6, 3),
            certification=qualiopi_certification,
            lead_auditor=auditor,
            by=quality_manager,
        )
        services.audit_create(
            title="Audit ISO",
            audit_type=AuditType.INITIAL,
            start_date=D(2025, 6, 10),
            end_date=D(2025, 6, 11),
            certification=sciences_certification,
            by=quality_manager,
        )
    # 30 days after the last day by default.
    with time_machine.travel(D(2025, 7, 3)):
        assert list(audits_visible_to(auditor)) == [audit]
        assert list(certifications_visible_to(auditor)) == [qualiopi_certification]
    with time_machine.travel(datetime.datetime(2025, 7, 4, 0, 1)):
        auditor._qms_scope_cache = {}
        assert granted_audit_ids(auditor) == []
        assert not audits_visible_to(auditor).exists()
        assert not certifications_visible_to(auditor).exists()


def test_taking_someone_off_the_team_ends_their_access(qualiopi_certification, auditor, quality_manager):
    with time_machine.travel(D(2025, 5, 1)):
        audit = services.audit_create(
            title="Surveillance",
            audit_type=AuditType.SURVEILLANCE,
            start_date=D(2025, 6, 2),
            end_date=D(2025, 6, 3),
            certification=qualiopi_certification,
            team=[auditor],
            by=quality_manager,
        )
        assert granted_audit_ids(auditor) == [audit.pk]
        services.audit_update(audit=audit, team=[], by=quality_manager)
        auditor._qms_scope_cache = {}
        assert granted_audit_ids(auditor) == []


def test_starting_an_audit_takes_a_snapshot_and_moves_are_checked(qualiopi_certification, quality_manager):
    audit = services.audit_create(
        title="Surveillance",
        audit_type=AuditType.SURVEILLANCE,
        start_date=D(2025, 6, 2),
        end_date=D(2025, 6, 3),
        certification=qualiopi_certification,
        by=quality_manager,
    )
    with pytest.raises(CertificationError, match="not allowed"):
        services.audit_transition(audit=audit, to=AuditStatus.CLOSED, by=quality_manager)
    services.audit_transition(audit=audit, to=AuditStatus.IN_PROGRESS, by=quality_manager)
    snapshot = qualiopi_certification.snapshots.get()
    assert snapshot.audit == audit and "Surveillance" in snapshot.label
    with pytest.raises(CertificationError, match="report"):
        services.audit_transition(audit=audit, to=AuditStatus.REPORT_RECEIVED, by=quality_manager)
    services.audit_update(
        audit=audit, report_file=SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 rapport"), by=quality_manager
    )
    services.audit_transition(audit=audit, to=AuditStatus.REPORT_RECEIVED, by=quality_manager)
    services.audit_transition(audit=audit, to=AuditStatus.CLOSED, by=quality_manager)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.CLOSED


def test_an_audit_belongs_somewhere_and_ends_after_it_starts(qualiopi_certification, quality_manager):
    with pytest.raises(CertificationError, match="end before it starts"):
        services.audit_create(
            title="X",
            audit_type=AuditType.SURVEILLANCE,
            start_date=D(2025, 6, 3),
            end_date=D(2025, 6, 2),
            certification=qualiopi_certification,
            by=quality_manager,
        )
    with pytest.raises(CertificationError, match="belongs to a certification"):
        services.audit_create(
            title="X",
            audit_type=AuditType.INTERNAL,
            start_date=D(2025, 6, 3),
            end_date=D(2025, 6, 3),
            by=quality_manager,
        )


def test_the_programme_shows_the_processes_it_covers_and_those_it_leaves_out(client, programme, quality_manager, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qms.core.tests.html import parse

    def process(code: str) -> Process:
        return Process.objects.create(code=code, name=f"Processus {code}", type="support", org_unit=org.quality_service)

    enrol, teach = process("R2"), process("R3")
    process("S8")
    Process.objects.create(
        code="X9", name="Ancien processus", type="support", org_unit=org.quality_service, is_active=False
    )
    earlier = services.programme_save(
        year=2024, title="Programme 2024", framework=programme.framework, by=quality_manager
    )
    services.audit_create(
        title="Audit interne 2024 — Scolarité",
        audit_type=AuditType.INTERNAL,
        start_date=D(2024, 3, 4),
        end_date=D(2024, 3, 5),
        programme=earlier,
        audited_processes=[enrol],
        by=quality_manager,
    )

    def plan(count: int) -> None:
        for index in range(count):
            services.audit_create(
                title=f"Audit interne {index}",
                audit_type=AuditType.INTERNAL,
                start_date=D(2025, 3, 3),
                end_date=D(2025, 3, 3),
                programme=programme,
                audited_processes=[enrol, teach],
                by=quality_manager,
            )

    client.force_login(quality_manager)
    url = programme.get_absolute_url()

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return len(captured)

    plan(1)
    few = queries()
    plan(9)
    assert queries() == few  # whatever the number of audits

    page = parse(client.get(url))
    rows = {row.get("data-process"): row for row in page.all("[data-process]")}
    assert set(rows) == {"R2", "R3", "S8"}  # the active processes
    assert rows["S8"].get("data-uncovered") is not None and rows["R2"].get("data-uncovered") is None
    assert rows["R2"].text.endswith("05/03/2024")  # when an internal audit last looked at it, before the year
    assert rows["R3"].text.endswith("—")
