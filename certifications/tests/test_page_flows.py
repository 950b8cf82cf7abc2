"""The forms of the pages do what the services do, and say why when they refuse."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from certifications import services
from certifications.choices import INTERNAL_AUDITOR, AuditType
from certifications.models import AssessmentSnapshot, Audit, Evidence, InternalAuditProgramme
from qms.core.factories import MembershipFactory, UserFactory
from qms.core.tests.html import parse

pytestmark = pytest.mark.django_db
D = datetime.date


def test_an_internal_audit_is_planned_with_the_override_reason_from_the_page(client, quality_manager, iso, org):
    client.force_login(quality_manager)
    response = client.post(
        reverse("certifications:programme-create"),
        {"year": 2025, "title": "Programme 2025", "framework": iso.pk, "owner": quality_manager.pk},
    )
    programme = InternalAuditProgramme.objects.get()
    assert response["Location"] == programme.get_absolute_url()
    auditor = UserFactory(username="interne", roles=[INTERNAL_AUDITOR])
    MembershipFactory(user=auditor, org_unit=org.physics)
    url = reverse("certifications:audit-create") + f"?programme={programme.pk}"
    data = {
        "title": "Audit interne Sciences",
        "audit_type": AuditType.INTERNAL,
        "start_date": "2025-05-12",
        "end_date": "2025-05-12",
        "team": [auditor.pk],
        "audited_units": [org.sciences.pk],
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Département de physique" in response.content.decode() or "UFR Sciences" in response.content.decode()
    assert not Audit.objects.exists()
    response = client.post(url, {**data, "override_reason": "Seul auditeur formé"})
    assert response.status_code == 302
    assert Audit.objects.get().impartiality_override_reason == "Seul auditeur formé"
    # An external type cannot be chosen for a programme's audit.
    response = client.post(url, {**data, "audit_type": AuditType.RENEWAL, "override_reason": "x"})
    assert response.status_code == 200 and Audit.objects.count() == 1


def test_status_version_snapshot_and_evidence_from_the_pages(client, quality_manager, qualiopi_certification):
    client.force_login(quality_manager)
    pk = qualiopi_certification.pk
    response = client.post(
        reverse("certifications:certification-transition", args=[pk]), {"to": "suspended", "note": ""}
    )
    assert response.status_code == 200  # a reason is required
    response = client.post(
        reverse("certifications:certification-transition", args=[pk]), {"to": "suspended", "note": "NC majeure"}
    )
    assert response.status_code == 302
    qualiopi_certification.refresh_from_db()
    assert qualiopi_certification.status == "suspended"
    new = services.framework_new_version(framework=qualiopi_certification.framework, version="V10", by=quality_manager)
    response = client.post(reverse("certifications:certification-version", args=[pk]), {"framework": new.pk})
    assert response.status_code == 302
    qualiopi_certification.refresh_from_db()
    assert qualiopi_certification.framework == new
    response = client.post(reverse("certifications:snapshot-create", args=[pk]), {"label": "Avant audit"})
    snapshot = AssessmentSnapshot.objects.get()
    assert response["Location"] == snapshot.get_absolute_url()
    requirement = new.requirements.get(reference="I1")
    client.post(
        reverse("certifications:evidence-add", args=[pk, requirement.pk]),
        {"url": "https://example.edu/x", "dated": "2025-01-01"},
    )
    evidence = Evidence.objects.get()
    response = client.post(reverse("certifications:evidence-delete", args=[evidence.pk]))
    assert response.status_code == 302 and not Evidence.objects.exists()


def test_a_finding_moves_and_links_actions_from_its_page(client, quality_manager, qualiopi_certification):
    from actionplans.services import action_create, continuous_improvement_plan_for

    audit = services.audit_create(
        title="Surveillance",
        audit_type=AuditType.SURVEILLANCE,
        start_date=D(2025, 6, 2),
        end_date=D(2025, 6, 3),
        certification=qualiopi_certification,
        by=quality_manager,
    )
    finding = services.finding_create(
        audit=audit,
        grade=qualiopi_certification.framework.grades.get(code="minor"),
        description="X",
        by=quality_manager,
    )
    plan = continuous_improvement_plan_for(org_unit=qualiopi_certification.holder, by=quality_manager)
    action = action_create(plan=plan, title="Action existante", by=quality_manager, notify_owner=False)
    client.force_login(quality_manager)
    response = client.post(reverse("certifications:finding-transition", args=[finding.pk]), {"to": "action_planned"})
    assert response.status_code == 200  # no action yet: the move is not offered
    kit = reverse("actionplans:source-actions", args=["certifications.finding", finding.pk])
    response = client.post(kit, {"form": "link", "link-actions": [action.pk]})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == "action_planned"  # an action answers it now
    # The finding's page lists its actions through the action plans' panel, with the way to add more.
    panel = parse(client.get(finding.get_absolute_url()).content.decode()).one('[data-panel="actionplans.actions"]')
    assert "Action existante" in panel.text and "A-001" in panel.text
    assert panel.one("[data-panel-create]").get("href") == f"{kit}#create"


def test_planning_an_audit_proposes_the_surveillance_window(client, quality_manager, qualiopi_certification):
    import time_machine

    client.force_login(quality_manager)
    with time_machine.travel(D(2025, 1, 10)):
        response = client.get(reverse("certifications:audit-create") + f"?certification={qualiopi_certification.pk}")
    form = response.context["form"]
    # The certificate was issued on 15 January 2024: the window opens on 15 March 2025.
    assert (form.initial["audit_type"], form.initial["start_date"]) == (AuditType.SURVEILLANCE, D(2025, 3, 15))


def test_a_strengths_page_offers_no_action(client, quality_manager, iso, org):
    certification = services.certification_create(name="ISO", framework=iso, holder=org.sciences, by=quality_manager)
    audit = services.audit_create(
        title="Audit initial",
        audit_type=AuditType.INITIAL,
        start_date=D(2025, 3, 3),
        end_date=D(2025, 3, 4),
        certification=certification,
        by=quality_manager,
    )
    strength = services.finding_create(
        audit=audit, grade=iso.grades.get(code="PF"), description="Enquêtes exploitées", by=quality_manager
    )
    client.force_login(quality_manager)
    page = parse(client.get(strength.get_absolute_url()))
    assert page.all('[data-panel="actionplans.actions"]') == []
    kit = reverse("actionplans:source-actions", args=["certifications.finding", strength.pk])
    assert client.get(kit).status_code == 403  # the source's own rule: a strength calls for no action
