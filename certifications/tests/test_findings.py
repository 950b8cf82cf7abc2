"""Findings: grading and its refusals, the three default dates, a strength with no action, the lifecycle with its
closing guard (follow-ups included), and the regrading of a minor non-conformity at the next audit."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.base import ContentFile

from actionplans import services as action_services
from actionplans.choices import ActionStatus, EffectivenessResult
from actionplans.selectors import actions_for_source
from actionplans.services import ActionPlanError
from certifications import services
from certifications.choices import AuditStatus, AuditType, FindingStatus
from certifications.models import Finding
from certifications.services import CertificationError
from qms.core import sources
from qms.core.models import ActivityLog
from qms.core.workflow import status_history

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def surveillance(qualiopi_certification, quality_manager):
    with time_machine.travel(D(2025, 5, 1)):
        audit = services.audit_create(
            title="Audit de surveillance 2025",
            audit_type=AuditType.SURVEILLANCE,
            start_date=D(2025, 6, 2),
            end_date=D(2025, 6, 3),
            certification=qualiopi_certification,
            lead_auditor_name="Auditrice AFNOR",
            by=quality_manager,
        )
    return audit


def indicator(certification, reference):
    return certification.framework.requirements.get(reference=reference)


def grade(certification, code):
    return certification.framework.grades.get(code=code)


def answer(finding, title, by):
    """An action answering ``finding``, made by the action plans' source-to-action service (as the kit's page
    does): the finding moves to "action planned" on its own."""
    return action_services.action_create_for_source(source=finding, title=title, by=by)


def test_a_minor_nc_is_refused_on_a_major_only_indicator(surveillance, qualiopi_certification, quality_manager):
    with pytest.raises(CertificationError, match="I4 can only receive a major"):
        services.finding_create(
            audit=surveillance,
            grade=grade(qualiopi_certification, "minor"),
            requirement=indicator(qualiopi_certification, "I4"),
            description="Analyse du besoin non tracée",
            by=quality_manager,
        )
    major = services.finding_create(
        audit=surveillance,
        grade=grade(qualiopi_certification, "major"),
        requirement=indicator(qualiopi_certification, "I4"),
        description="Analyse du besoin non tracée",
        by=quality_manager,
    )
    assert major.status == FindingStatus.OPEN
    minor = services.finding_create(
        audit=surveillance,
        grade=grade(qualiopi_certification, "minor"),
        requirement=indicator(qualiopi_certification, "I1"),
        description="Tarifs absents d'une fiche",
        by=quality_manager,
    )
    with pytest.raises(CertificationError, match="major"):
        services.finding_update(finding=minor, requirement=indicator(qualiopi_certification, "I4"), by=quality_manager)


def test_qualiopi_default_dates_count_from_the_audits_last_day(surveillance, qualiopi_certification, quality_manager):
    major = services.finding_create(
        audit=surveillance,
        grade=grade(qualiopi_certification, "major"),
        requirement=indicator(qualiopi_certification, "I11"),
        description="Évaluation des acquis absente",
        by=quality_manager,
    )
    # A major NC: implemented within 3 months, verified within 1 month after; the body sets the action plan date.
    assert (major.action_plan_due, major.implementation_due, major.verification_due) == (
        None,
        D(2025, 9, 3),
        D(2025, 10, 3),
    )
    minor = services.finding_create(
        audit=surveillance,
        grade=grade(qualiopi_certification, "minor"),
        requirement=indicator(qualiopi_certification, "I1"),
        description="Tarifs absents",
        by=quality_manager,
    )
    # A minor NC: implemented within 6 months, verified at the next audit: the certificate's expiry here, since
    # the surveillance window has passed and no audit is planned.
    assert (minor.implementation_due, minor.verification_due) == (D(2025, 12, 3), D(2027, 1, 14))
    services.audit_create(
        title="Audit de renouvellement",
        audit_type=AuditType.RENEWAL,
        start_date=D(2026, 10, 5),
        end_date=D(2026, 10, 6),
        certification=qualiopi_certification,
        by=quality_manager,
    )
    later = services.finding_create(
        audit=surveillance,
        grade=grade(qualiopi_certification, "minor"),
        requirement=indicator(qualiopi_certification, "I2"),
        description="Indicateurs non publiés",
        by=quality_manager,
    )
    assert later.verification_due == D(2026, 10, 5)


def test_every_date_stays_editable(surveillance, qualiopi_certification, quality_manager):
    finding = services.finding_create(
        audit=surveillance,
        grade=grade(qualiopi_certification, "major"),
        description="X",
        action_plan_due=D(2025, 6, 20),
        by=quality_manager,
    )
    assert finding.action_plan_due == D(2025, 6, 20)
    services.finding_update(finding=finding, implementation_due=D(2025, 8, 1), by=quality_manager)
    finding.refresh_from_db()
    assert finding.implementation_due == D(2025, 8, 1)
    with pytest.raises(CertificationError, match="verification cannot come before"):
        services.finding_update(finding=finding, verification_due=D(2025, 7, 1), by=quality_manager)


def test_a_strength_needs_no_action_no_dates_and_no_workflow(iso, org, quality_manager):
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
        audit=audit,
        grade=iso.grades.get(code="PF"),
        requirement=iso.requirements.get(reference="9.1.2"),
        description="Enquêtes de satisfaction systématiques",
        by=quality_manager,
    )
    assert strength.status == ""
    assert (strength.action_plan_due, strength.implementation_due, strength.verification_due) == (None, None, None)
    assert not status_history(strength).exists()
    with pytest.raises(CertificationError, match="no status"):
        services.finding_transition(finding=strength, to=FindingStatus.CLOSED, by=quality_manager)
    with pytest.raises(ActionPlanError, match="needs no action"):
        action_services.action_create_for_source(source=strength, title="Rien", by=quality_manager)
    with pytest.raises(CertificationError, match="no dates"):
        services.finding_update(finding=strength, implementation_due=D(2025, 9, 1), by=quality_manager)


def test_the_lifecycle_and_its_refusals(surveillance, qualiopi_certification, quality_manager):
    finding = services.finding_create(
        audit=surveillance,
        grade=grade(qualiopi_certification, "major"),
        requirement=indicator(qualiopi_certification, "I31"),
        description="Réclamations non tracées",
        by=quality_manager,
    )
    with pytest.raises(CertificationError, match="Link an action"):
        services.finding_transition(finding=finding, to=FindingStatus.ACTION_PLANNED, by=quality_manager)
    with pytest.raises(CertificationError, match="not allowed"):
        services.finding_transition(finding=finding, to=FindingStatus.CLOSED, by=quality_manager)
    action = answer(finding, "Mettre en place un registre des réclamations", quality_manager)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ACTION_PLANNED
    assert list(actions_for_source(finding)) == [action]
    assert action.plan.org_unit == qualiopi_certification.holder  # the holder's continuous-improvement plan
    with pytest.raises(CertificationError, match="must be done first"):
        services.finding_transition(finding=finding, to=FindingStatus.AWAITING_VERIFICATION, by=quality_manager)
    action_services.action_transition(action=action, to=ActionStatus.DONE, by=quality_manager)
    services.finding_transition(finding=finding, to=FindingStatus.AWAITING_VERIFICATION, by=quality_manager)
    with pytest.raises(CertificationError, match="effectiveness of action"):
        services.finding_transition(finding=finding, to=FindingStatus.CLOSED, by=quality_manager)
    action_services.action_check_effectiveness(
        action=action, result=EffectivenessResult.EFFECTIVE, comment="Vérifiée sur pièces", by=quality_manager
    )
    services.finding_transition(finding=finding, to=FindingStatus.CLOSED, by=quality_manager)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED and finding.closed_on is not None


def test_a_finding_closes_only_once_the_follow_up_of_a_not_effective_action_is_effective(
    surveillance, qualiopi_certification, quality_manager
):
    finding = services.finding_create(
        audit=surveillance, grade=grade(qualiopi_certification, "major"), description="X", by=quality_manager
    )
    action = answer(finding, "Première action", quality_manager)
    action_services.action_transition(action=action, to=ActionStatus.DONE, by=quality_manager)
    services.finding_transition(finding=finding, to=FindingStatus.AWAITING_VERIFICATION, by=quality_manager)
    check = action_services.action_check_effectiveness(
        action=action,
        result=EffectivenessResult.NOT_EFFECTIVE,
        comment="Aucun effet constaté",
        start_follow_up=True,
        by=quality_manager,
    )
    follow_up = check.follow_up
    # The follow-up inherits the finding as a source.
    assert set(actions_for_source(finding)) == {action, follow_up}
    with pytest.raises(CertificationError, match=f"{follow_up.reference} is not done"):
        services.finding_transition(finding=finding, to=FindingStatus.CLOSED, by=quality_manager)
    action_services.action_transition(action=follow_up, to=ActionStatus.DONE, by=quality_manager)
    action_services.action_check_effectiveness(
        action=follow_up, result=EffectivenessResult.EFFECTIVE, comment="Vérifiée", by=quality_manager
    )
    services.finding_transition(finding=finding, to=FindingStatus.CLOSED, by=quality_manager)


def test_one_action_may_answer_several_findings(surveillance, qualiopi_certification, quality_manager):
    first = services.finding_create(
        audit=surveillance, grade=grade(qualiopi_certification, "minor"), description="A", by=quality_manager
    )
    second = services.finding_create(
        audit=surveillance, grade=grade(qualiopi_certification, "minor"), description="B", by=quality_manager
    )
    action = answer(first, "Action commune", quality_manager)
    assert action_services.action_link_to_source(source=second, actions=[action], by=quality_manager) == 1
    assert Finding.objects.get(pk=second.pk).status == FindingStatus.ACTION_PLANNED  # linked: action planned
    assert action_services.action_link_to_source(source=second, actions=[action], by=quality_manager) == 0
    assert list(actions_for_source(second)) == [action]
    assert set(actions_for_source(first)) == {action}


def test_a_minor_nc_still_open_when_the_next_audit_closes_is_regraded_major(
    surveillance, qualiopi_certification, quality_manager
):
    minor = services.finding_create(
        audit=surveillance,
        grade=grade(qualiopi_certification, "minor"),
        requirement=indicator(qualiopi_certification, "I1"),
        description="Tarifs absents",
        by=quality_manager,
    )
    lifted = services.finding_create(
        audit=surveillance, grade=grade(qualiopi_certification, "minor"), description="Levée", by=quality_manager
    )
    action = answer(lifted, "Corriger", quality_manager)
    action_services.action_transition(action=action, to=ActionStatus.DONE, by=quality_manager)
    action_services.action_check_effectiveness(
        action=action, result=EffectivenessResult.EFFECTIVE, comment="Vérifiée sur pièces", by=quality_manager
    )
    services.finding_transition(finding=lifted, to=FindingStatus.AWAITING_VERIFICATION, by=quality_manager)
    services.finding_transition(finding=lifted, to=FindingStatus.CLOSED, by=quality_manager)
    renewal = services.audit_create(
        title="Audit de renouvellement",
        audit_type=AuditType.RENEWAL,
        start_date=D(2026, 10, 5),
        end_date=D(2026, 10, 6),
        certification=qualiopi_certification,
        by=quality_manager,
    )
    same_audit_minor = services.finding_create(
        audit=renewal, grade=grade(qualiopi_certification, "minor"), description="Nouvelle", by=quality_manager
    )
    renewal.report_file.save("rapport.pdf", ContentFile(b"%PDF-1.4"), save=True)
    for status in (AuditStatus.IN_PROGRESS, AuditStatus.REPORT_RECEIVED, AuditStatus.CLOSED):
        services.audit_transition(audit=renewal, to=status, by=quality_manager)
    minor.refresh_from_db()
    assert minor.grade.code == "major" and minor.original_grade.code == "minor"
    assert minor.regraded_at_audit == renewal
    assert minor.status == FindingStatus.OPEN  # one moving status, unchanged
    # The major NC's dates apply, counted from the renewal audit's last day.
    assert (minor.implementation_due, minor.verification_due) == (D(2027, 1, 6), D(2027, 2, 6))
    assert ActivityLog.objects.filter(verb="regraded", object_id=minor.pk).exists()
    # A closed one, and one of the closing audit itself, keep their grade.
    assert Finding.objects.get(pk=lifted.pk).grade.code == "minor"
    assert Finding.objects.get(pk=same_audit_minor.pk).grade.code == "minor"


def test_a_closed_audit_takes_no_finding(surveillance, qualiopi_certification, quality_manager):
    surveillance.report_file.save("rapport.pdf", ContentFile(b"%PDF-1.4"), save=True)
    for status in (AuditStatus.IN_PROGRESS, AuditStatus.REPORT_RECEIVED, AuditStatus.CLOSED):
        services.audit_transition(audit=surveillance, to=status, by=quality_manager)
    with pytest.raises(CertificationError, match="closed"):
        services.finding_create(
            audit=surveillance, grade=grade(qualiopi_certification, "minor"), description="X", by=quality_manager
        )


def test_a_finding_is_an_action_source_whose_actions_go_to_its_units_plan(
    surveillance, qualiopi_certification, iso, org, quality_manager
):
    finding = services.finding_create(
        audit=surveillance, grade=grade(qualiopi_certification, "major"), description="X", by=quality_manager
    )
    assert sources.is_source(finding)
    assert sources.default_unit(finding) == qualiopi_certification.holder
    assert sources.describe(finding, quality_manager).text.startswith(finding.full_reference)
    # An internal audit has no certification: its first audited unit's plan receives the actions.
    programme = services.programme_save(year=2025, title="Programme 2025", framework=iso, by=quality_manager)
    internal = services.audit_create(
        title="Audit interne",
        audit_type=AuditType.INTERNAL,
        start_date=D(2025, 5, 12),
        end_date=D(2025, 5, 12),
        programme=programme,
        audited_units=[org.sciences],
        by=quality_manager,
    )
    weakness = services.finding_create(
        audit=internal, grade=iso.grades.get(code="NCm"), description="Y", by=quality_manager
    )
    action = action_services.action_create_for_source(source=weakness, title="Corriger", by=quality_manager)
    assert sources.default_unit(weakness) == org.sciences
    assert action.plan.org_unit == org.sciences and action.sources.get().source == weakness


def test_a_finding_answered_by_actions_keeps_a_grade_that_needs_action(iso, org, quality_manager):
    certification = services.certification_create(name="ISO", framework=iso, holder=org.sciences, by=quality_manager)
    audit = services.audit_create(
        title="Audit initial",
        audit_type=AuditType.INITIAL,
        start_date=D(2025, 3, 3),
        end_date=D(2025, 3, 4),
        certification=certification,
        by=quality_manager,
    )
    finding = services.finding_create(
        audit=audit, grade=iso.grades.get(code="NCm"), description="X", by=quality_manager
    )
    # Regraded a strength before anything answers it: it loses its dates and status.
    services.finding_update(finding=finding, grade=iso.grades.get(code="PS"), by=quality_manager)
    services.finding_update(finding=finding, grade=iso.grades.get(code="NCm"), by=quality_manager)
    # An action that answers it while it is still open (recorded with its sources, as an import does).
    plan = action_services.continuous_improvement_plan_for(org_unit=org.sciences, by=quality_manager)
    action_services.action_create(plan=plan, title="Corriger", sources=[finding], by=quality_manager)
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.OPEN
    with pytest.raises(CertificationError, match="Actions answer this finding"):
        services.finding_update(finding=finding, grade=iso.grades.get(code="PF"), by=quality_manager)


def test_an_open_finding_moves_to_action_planned_once_an_action_answers_it(
    surveillance, qualiopi_certification, quality_manager
):
    finding = services.finding_create(
        audit=surveillance, grade=grade(qualiopi_certification, "major"), description="X", by=quality_manager
    )
    first = answer(finding, "Première action", quality_manager)
    answer(finding, "Seconde action", quality_manager)
    moves = list(status_history(finding).values_list("from_status", "to_status", "actor", "by"))
    assert moves == [("", "open", "user", quality_manager.pk), ("open", "action_planned", "user", quality_manager.pk)]
    # Later moves are people's: an action done, the verification awaited; linking one more changes nothing of it.
    action_services.action_transition(action=first, to=ActionStatus.DONE, by=quality_manager)
    Finding.objects.filter(pk=finding.pk).update(status=FindingStatus.AWAITING_VERIFICATION)
    plan = first.plan
    other = action_services.action_create(plan=plan, title="Autre", by=quality_manager)
    action_services.action_link_to_source(source=finding, actions=[other], by=quality_manager)
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.AWAITING_VERIFICATION
