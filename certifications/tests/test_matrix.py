"""The compliance matrix: which requirements apply, the readiness formula, flags, and frozen snapshots."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from certifications import services
from certifications.choices import ComplianceStatus as S
from certifications.models import AssessmentSnapshot, CertificationSettings, SnapshotRow
from certifications.selectors import compliance_matrix, readiness_of
from certifications.services import CertificationError
from certifications.tests.factories import CertificationFactory, build_framework
from qms.core.tests.html import parse

pytestmark = pytest.mark.django_db


def refs(matrix) -> list[str]:
    return [row.requirement.reference for row in matrix.leaf_rows]


def test_the_categories_decide_the_applicable_indicators(qualiopi, org, quality_manager):
    af_only = services.certification_create(
        name="AF",
        framework=qualiopi,
        holder=org.institution,
        categories=qualiopi.categories.filter(code="AF"),
        by=quality_manager,
    )
    matrix = compliance_matrix(af_only)
    # Common indicators and I8 (AF, no condition); none of the CFA-only ones; conditional ones wait for their condition.
    assert "I8" in refs(matrix) and "I14" not in refs(matrix) and "I20" not in refs(matrix)
    assert "I3" not in refs(matrix) and "I27" not in refs(matrix)
    assert len(refs(matrix)) == 22
    services.certification_update(
        certification=af_only,
        conditions=qualiopi.conditions.filter(code__in=["subcontracting"]),
        by=quality_manager,
    )
    assert len(refs(compliance_matrix(af_only))) == 23  # AF alone, as the usual tables count it
    services.certification_update(
        certification=af_only,
        conditions=qualiopi.conditions.filter(code__in=["subcontracting", "certifying"]),
        by=quality_manager,
    )
    assert len(refs(compliance_matrix(af_only))) == 26  # AF certifiante


def test_the_usual_counts_by_category_hold_when_every_condition_is_declared(qualiopi, org, quality_manager):
    expected = {"BC": 22, "VAE": 24, "CFA": 32}
    conditions = {
        "BC": ["subcontracting"],
        "VAE": ["subcontracting", "certifying"],
        "CFA": ["subcontracting", "certifying", "work_study", "work_periods"],
    }
    for code, count in expected.items():
        certification = services.certification_create(
            name=code,
            framework=qualiopi,
            holder=org.institution,
            categories=qualiopi.categories.filter(code=code),
            conditions=qualiopi.conditions.filter(code__in=conditions[code]),
            by=quality_manager,
        )
        assert len(refs(compliance_matrix(certification))) == count, code


def test_a_new_entrants_matrix_drops_no_indicator(qualiopi, org, quality_manager):
    categories = qualiopi.categories.filter(code__in=["AF", "VAE"])
    established = services.certification_create(
        name="Établi", framework=qualiopi, holder=org.institution, categories=categories, by=quality_manager
    )
    newcomer = services.certification_create(
        name="Nouvel entrant",
        framework=qualiopi,
        holder=org.institution,
        categories=categories,
        is_new_entrant=True,
        by=quality_manager,
    )
    assert refs(compliance_matrix(newcomer)) == refs(compliance_matrix(established))
    adapted = [
        row.requirement.reference
        for row in compliance_matrix(newcomer).leaf_rows
        if row.requirement.is_adapted_for_new_entrants
    ]
    assert "I2" in adapted and "I11" in adapted


def test_readiness_counts_leaves_only_against_figures_computed_by_hand(eduform, org, quality_manager):
    certification = CertificationFactory(framework=eduform, holder=org.letters)
    leaves = {r.reference: r for r in eduform.requirements.filter(is_leaf=True)}
    # Part 3.1 (13 leaves): 3 compliant, 2 partial, 1 non-compliant, 1 not applicable, 6 not assessed.
    plan = {
        "3.1.1/1": S.COMPLIANT,
        "3.1.1/2": S.COMPLIANT,
        "3.1.1/3": S.COMPLIANT,
        "3.1.2/1": S.PARTIAL,
        "3.1.2/2": S.PARTIAL,
        "3.1.2/3": S.NON_COMPLIANT,
        "3.1.3/1": S.NOT_APPLICABLE,
        # Part 3.3 (4 leaves): all compliant.
        "3.3.1/1": S.COMPLIANT,
        "3.3.2/1": S.COMPLIANT,
        "3.3.2/2": S.COMPLIANT,
        "3.3.2/3": S.COMPLIANT,
    }
    for reference, status in plan.items():
        services.assessment_save(
            certification=certification,
            requirement=leaves[reference],
            status=status,
            justification="Pas de client entreprise" if status == S.NOT_APPLICABLE else "",
            by=quality_manager,
        )
    matrix = compliance_matrix(certification)
    criteria = {row.requirement.reference: row for row in matrix.criteria}
    # 3.1: (3 × 1 + 2 × 0.5 + 0) / 12 counted leaves = 4 / 12 = 33.3 %
    assert criteria["3.1"].readiness == Decimal("33.3")
    assert (criteria["3.1"].leaves, criteria["3.1"].not_assessed) == (12, 6)
    assert criteria["3.2"].readiness == Decimal("0.0")
    assert criteria["3.3"].readiness == Decimal("100.0")
    # Overall: the mean over the 24 counted leaves (not the mean of the criteria): (4 + 4) / 24 = 33.3 %
    assert matrix.readiness == Decimal("33.3")
    assert (matrix.leaves, matrix.not_assessed) == (24, 6 + 8)
    # A section heading shows the mean of its own leaves: 3.1.2 is (0.5 + 0.5 + 0) / 3.
    sections = {row.requirement.reference: row.readiness for row in matrix.rows if not row.is_leaf}
    assert (sections["3.1.1"], sections["3.1.2"], sections["3.1.3"]) == (Decimal("100.0"), Decimal("33.3"), None)


def test_the_readiness_formula():
    assert readiness_of([S.COMPLIANT, S.PARTIAL, S.NON_COMPLIANT, S.NOT_ASSESSED]) == Decimal("37.5")
    assert readiness_of([S.NOT_APPLICABLE, S.COMPLIANT]) == Decimal("100.0")
    assert readiness_of([S.NOT_APPLICABLE]) is None
    assert readiness_of([]) is None


def test_not_applicable_needs_a_justification_and_only_leaves_are_assessed(qualiopi_certification, quality_manager):
    framework = qualiopi_certification.framework
    with pytest.raises(CertificationError, match="does not apply"):
        services.assessment_save(
            certification=qualiopi_certification,
            requirement=framework.requirements.get(reference="I1"),
            status=S.NOT_APPLICABLE,
            by=quality_manager,
        )
    with pytest.raises(CertificationError, match="last level"):
        services.assessment_save(
            certification=qualiopi_certification,
            requirement=framework.requirements.get(reference="C1"),
            status=S.COMPLIANT,
            by=quality_manager,
        )


def test_old_evidence_is_flagged_by_the_age_in_the_settings(qualiopi_certification, quality_manager):
    i1 = qualiopi_certification.framework.requirements.get(reference="I1")
    with time_machine.travel(datetime.date(2025, 6, 1)):
        services.evidence_add(
            certification=qualiopi_certification,
            requirement=i1,
            url="https://example.edu/old",
            dated=datetime.date(2024, 3, 1),
            by=quality_manager,
        )
        services.evidence_add(
            certification=qualiopi_certification,
            requirement=i1,
            file=SimpleUploadedFile("programme.pdf", b"%PDF-1.4 recent"),
            dated=datetime.date(2025, 5, 1),
            by=quality_manager,
        )
        row = next(r for r in compliance_matrix(qualiopi_certification).rows if r.requirement.reference == "I1")
        assert (len(row.evidence), row.old_evidence) == (2, 1)
        settings = CertificationSettings.load()
        settings.evidence_max_age_months = 24
        settings.save()
        row = next(r for r in compliance_matrix(qualiopi_certification).rows if r.requirement.reference == "I1")
        assert row.old_evidence == 0


def test_evidence_is_a_file_or_a_web_address(qualiopi_certification, quality_manager):
    i1 = qualiopi_certification.framework.requirements.get(reference="I1")
    with pytest.raises(CertificationError, match="Give one piece of evidence"):
        services.evidence_add(certification=qualiopi_certification, requirement=i1, by=quality_manager)
    with pytest.raises(CertificationError, match="not a web address"):
        services.evidence_add(
            certification=qualiopi_certification, requirement=i1, url="javascript:alert(1)", by=quality_manager
        )


def test_a_snapshot_is_left_untouched_by_later_edits_and_a_new_version(qualiopi_certification, quality_manager):
    framework = qualiopi_certification.framework
    i1 = framework.requirements.get(reference="I1")
    services.assessment_save(
        certification=qualiopi_certification,
        requirement=i1,
        status=S.PARTIAL,
        comment="À compléter",
        by=quality_manager,
    )
    snapshot = services.snapshot_take(
        certification=qualiopi_certification, label="Avant l'audit de surveillance", by=quality_manager
    )
    frozen_rows = list(snapshot.rows.values_list("reference", "title", "status", "comment"))
    frozen_readiness = snapshot.readiness
    assert ("I1", i1.title, "partial", "À compléter") in frozen_rows
    # Later edits: the assessment, the requirement's title, and a move to a new version.
    services.assessment_save(
        certification=qualiopi_certification, requirement=i1, status=S.COMPLIANT, by=quality_manager
    )
    i1.title = "Titre changé"
    i1.save()
    new_version = services.framework_new_version(framework=framework, version="V10 (test)", by=quality_manager)
    services.certification_move_to_version(
        certification=qualiopi_certification, framework=new_version, by=quality_manager
    )
    snapshot = AssessmentSnapshot.objects.get(pk=snapshot.pk)
    assert list(snapshot.rows.values_list("reference", "title", "status", "comment")) == frozen_rows
    assert snapshot.readiness == frozen_readiness
    assert snapshot.framework == framework


def test_a_snapshot_is_never_edited(qualiopi_certification, quality_manager):
    snapshot = services.snapshot_take(certification=qualiopi_certification, label="Avant audit", by=quality_manager)
    snapshot.label = "Autre"
    with pytest.raises(ValueError, match="never edited"):
        snapshot.save()
    row = SnapshotRow.objects.filter(snapshot=snapshot).first()
    with pytest.raises(ValueError, match="never edited"):
        row.save()


def test_the_matrix_of_a_150_requirement_framework_runs_a_fixed_number_of_queries(
    org, quality_manager, django_assert_num_queries
):
    def matrix_queries(size: int, code: str) -> int:
        framework = build_framework(size, code=code)
        certification = CertificationFactory(framework=framework, holder=org.sciences)
        for requirement in framework.requirements.filter(is_leaf=True)[:5]:
            services.assessment_save(
                certification=certification, requirement=requirement, status=S.COMPLIANT, by=quality_manager
            )
            services.evidence_add(
                certification=certification, requirement=requirement, url="https://example.edu/x", by=quality_manager
            )
        CertificationSettings.get()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            matrix = compliance_matrix(certification)
        assert len(matrix.rows) == size
        return len(queries)

    small, large = matrix_queries(20, "small"), matrix_queries(150, "large")
    assert small == large
    assert large <= 10


def _document_version(number="1", status="approved", content=b"%PDF-1.4 procedure"):
    from django.core.files.base import ContentFile

    from processes.models import Document, DocumentVersion

    document, _created = Document.objects.get_or_create(reference="PR-07", defaults={"title": "Procédure réclamations"})
    version = DocumentVersion(document=document, number=number, status=status, issued_on=datetime.date(2024, 9, 1))
    version.file.save("procedure-reclamations.pdf", ContentFile(content), save=False)
    version.filename = "procedure-reclamations.pdf"
    version.save()
    return version


def test_a_document_version_is_evidence_and_flagged_once_obsolete(qualiopi_certification, quality_manager):
    from processes.choices import VersionStatus

    version = _document_version()
    i31 = qualiopi_certification.framework.requirements.get(reference="I31")
    evidence = services.evidence_add(
        certification=qualiopi_certification, requirement=i31, document_version=version, by=quality_manager
    )
    assert (evidence.kind, evidence.dated, str(evidence)) == ("document", datetime.date(2024, 9, 1), "PR-07 v1")
    row = next(r for r in compliance_matrix(qualiopi_certification).rows if r.requirement.reference == "I31")
    assert row.obsolete_evidence == 0
    version.status = VersionStatus.OBSOLETE
    version.save()
    row = next(r for r in compliance_matrix(qualiopi_certification).rows if r.requirement.reference == "I31")
    assert row.obsolete_evidence == 1 and row.flagged
    snapshot = services.snapshot_take(certification=qualiopi_certification, label="Avant audit", by=quality_manager)
    assert snapshot.rows.get(reference="I31").evidence[0]["obsolete"] is True


def test_the_snapshot_page_shows_the_matrix_as_it_was(client, qualiopi_certification, quality_manager):
    framework = qualiopi_certification.framework
    i1, i2 = framework.requirements.get(reference="I1"), framework.requirements.get(reference="I2")
    services.assessment_save(
        certification=qualiopi_certification, requirement=i1, status=S.COMPLIANT, by=quality_manager
    )
    services.assessment_save(certification=qualiopi_certification, requirement=i2, status=S.PARTIAL, by=quality_manager)
    services.evidence_add(
        certification=qualiopi_certification,
        requirement=i1,
        url="https://example.edu/catalogue",
        label="Catalogue",
        dated=datetime.date(2025, 3, 14),
        by=quality_manager,
    )
    snapshot = services.snapshot_take(certification=qualiopi_certification, label="Avant audit", by=quality_manager)
    services.assessment_save(
        certification=qualiopi_certification, requirement=i2, status=S.COMPLIANT, by=quality_manager
    )
    client.force_login(quality_manager)
    page = parse(client.get(snapshot.get_absolute_url()))
    # Criterion 1 as it was: I1 compliant, I2 partially (I3 applies only to actions leading to a certification).
    criterion = next(row for row in page.all("tbody tr") if row.text.startswith("C1 "))
    assert criterion.one("[data-readiness]").text == "75,0 %"
    assert "Catalogue 14/03/2025" in page.text
