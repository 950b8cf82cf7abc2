"""Frameworks made in the back office: a custom framework and its tree, a new version, and the grading scales."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from certifications import services
from certifications.choices import GradeKind
from certifications.models import Framework, Grade
from certifications.services import CertificationError

pytestmark = pytest.mark.django_db


def test_the_quality_manager_builds_a_custom_framework_in_the_pages(client, quality_manager):
    client.force_login(quality_manager)
    response = client.post(
        reverse("certifications:framework-create"),
        {"code": "qualicert", "name": "Qualicert — IAE", "version": "2024", "kind": "certification"},
    )
    assert response.status_code == 302
    framework = Framework.objects.get(code="qualicert")
    assert [g.code for g in framework.grades.all()] == ["PF", "PP", "PS", "NCm", "NCM"]
    url = reverse("certifications:requirement-create", args=[framework.pk])
    assert client.post(url, {"reference": "E1", "title": "Engagements"}).status_code == 302
    parent = framework.requirements.get(reference="E1")
    assert client.post(url, {"reference": "E1.1", "title": "Information", "parent": parent.pk}).status_code == 302
    response = client.post(url, {"reference": "E1.1", "title": "Doublon"})
    assert response.status_code == 200 and "E1.1" in response.content.decode()
    parent.refresh_from_db()
    child = framework.requirements.get(reference="E1.1")
    assert (parent.is_leaf, child.is_leaf, child.depth, child.criterion_id) == (False, True, 1, parent.pk)
    # A requirement cannot move under its own child.
    response = client.post(
        reverse("certifications:requirement-edit", args=[parent.pk]),
        {"reference": "E1", "title": "Engagements", "parent": child.pk},
    )
    assert response.status_code == 200
    parent.refresh_from_db()
    assert parent.parent_id is None


def test_reference_frameworks_are_not_edited_requirement_by_requirement(client, quality_manager, qualiopi):
    client.force_login(quality_manager)
    assert client.get(reverse("certifications:requirement-create", args=[qualiopi.pk])).status_code == 403
    requirement = qualiopi.requirements.get(reference="I1")
    assert client.get(reverse("certifications:requirement-edit", args=[requirement.pk])).status_code == 403
    with translation.override("en"), pytest.raises(CertificationError, match="reference data"):
        services.requirement_delete(requirement=requirement, by=quality_manager)


def test_a_new_version_copies_the_tree_and_the_scale(qualiopi, quality_manager):
    copy = services.framework_new_version(framework=qualiopi, version="V10 (projet)", by=quality_manager)
    assert copy.code == qualiopi.code and not copy.is_reference
    assert copy.requirements.filter(is_leaf=True).count() == 32
    assert copy.grades.get(code="minor").regrades_to == copy.grades.get(code="major")
    assert sorted(copy.requirements.get(reference="I14").categories.values_list("code", flat=True)) == ["CFA"]
    assert copy.requirements.get(reference="I31").live_evidence.count() == 3
    with pytest.raises(CertificationError, match="already exists"):
        services.framework_new_version(framework=qualiopi, version="V10 (projet)", by=quality_manager)


def test_the_quality_manager_edits_a_scale(client, quality_manager, iso):
    client.force_login(quality_manager)
    ps = iso.grades.get(code="PS")
    response = client.post(
        reverse("certifications:grade-edit", args=[ps.pk]),
        {
            "code": "PS",
            "label": "Point sensible",
            "kind": GradeKind.ATTENTION,
            "position": 3,
            "needs_action": "on",
            "implementation_months": 6,
        },
    )
    assert response.status_code == 302
    ps.refresh_from_db()
    assert (ps.needs_action, ps.implementation_months) == (True, 6)
    response = client.post(
        reverse("certifications:grade-create", args=[iso.pk]),
        {"code": "PS", "label": "Doublon", "kind": GradeKind.ATTENTION, "position": 9},
    )
    assert response.status_code == 200
    with translation.override("en"), pytest.raises(CertificationError, match="Only a grade that needs an action plan"):
        services.grade_save(
            framework=iso, by=quality_manager, code="X", label="X", kind=GradeKind.STRENGTH, implementation_months=3
        )
    client.post(reverse("certifications:grade-delete", args=[iso.grades.get(code="PP").pk]))
    assert not Grade.objects.filter(framework=iso, code="PP").exists()


def test_a_grade_carried_by_findings_is_kept(iso, org, quality_manager):
    import datetime

    from certifications.choices import AuditType

    certification = services.certification_create(name="ISO", framework=iso, holder=org.sciences, by=quality_manager)
    audit = services.audit_create(
        title="A",
        audit_type=AuditType.INITIAL,
        start_date=datetime.date(2025, 1, 6),
        end_date=datetime.date(2025, 1, 6),
        certification=certification,
        by=quality_manager,
    )
    services.finding_create(audit=audit, grade=iso.grades.get(code="PF"), description="Bien", by=quality_manager)
    with pytest.raises(CertificationError, match="kept"):
        services.grade_delete(grade=iso.grades.get(code="PF"), by=quality_manager)
