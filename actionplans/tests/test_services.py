"""Services of the action plans: plans, their tree, actions, sources and the continuous-improvement plan."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError

from actionplans import services
from actionplans.choices import ActionKind, ActionStatus, PlanKind, PlanStatus
from actionplans.models import Action, ActionPlan, ActionSource
from actionplans.selectors import actions_for_source
from actionplans.services import ActionPlanError
from processes.choices import ProcessType
from processes.models import Process
from qms.core.models import ActivityLog, OrgUnit
from qms.core.workflow import status_history
from qms.notifications.models import OutboxEmail
from qms.notifications.services import render_outbox_email


def _logs(obj, verb):
    return ActivityLog.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, verb=verb)


def test_a_new_plan_is_owned_by_its_creator_and_logged(quality_manager, org):
    plan = services.plan_create(title="  Plan qualité  ", by=quality_manager, org_unit=org.letters)
    assert (plan.title, plan.owner, plan.created_by, plan.status) == (
        "Plan qualité",
        quality_manager,
        quality_manager,
        PlanStatus.ACTIVE,
    )
    assert _logs(plan, "created").count() == 1


def test_a_plan_needs_a_title_and_a_period_in_order(quality_manager):
    with pytest.raises(ActionPlanError):
        services.plan_create(title=" ", by=quality_manager)
    with pytest.raises(ActionPlanError):
        services.plan_create(
            title="P", by=quality_manager, period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2024, 1, 1)
        )


def test_updating_a_plan_logs_what_changed(plan, quality_manager, referent_sciences):
    services.plan_update(plan=plan, by=quality_manager, owner=referent_sciences, status=PlanStatus.DRAFT)
    entry = _logs(plan, "updated").get()
    assert set(entry.details["changes"]) == {"owner", "status"}
    services.plan_update(plan=plan, by=quality_manager, status=PlanStatus.DRAFT)
    assert _logs(plan, "updated").count() == 1  # nothing changed, nothing logged


def test_axes_go_last_and_refuse_a_duplicate_title(plan, quality_manager):
    second = services.axis_create(plan=plan, title="Qualité", by=quality_manager)
    assert second.order == 2 and second.code == "2"
    with pytest.raises(ActionPlanError):
        services.axis_create(plan=plan, title="gouvernance", by=quality_manager)


def test_an_objective_cannot_hang_from_another_plans_axis(plan, quality_manager):
    other = services.plan_create(title="Autre", by=quality_manager)
    with pytest.raises(ActionPlanError):
        services.objective_create(plan=other, axis=plan.axes.get(), title="X", by=quality_manager)


def test_creating_an_action_gives_a_reference_logs_it_and_records_its_initial_status(make_action, quality_manager):
    action = make_action()
    second = make_action(title="Rédiger les fiches processus")
    assert (action.reference, second.reference) == ("A-001", "A-002")
    assert action.status == ActionStatus.PLANNED
    assert action.kind == ActionKind.CORRECTIVE
    history = list(status_history(action))
    assert [(c.from_status, c.to_status, c.by) for c in history] == [("", ActionStatus.PLANNED, quality_manager)]
    assert _logs(action, "created").count() == 1


def test_a_reference_given_is_kept_and_must_be_unique_in_its_plan(make_action, plan, quality_manager):
    make_action(reference="1.1.1")
    with pytest.raises(ActionPlanError, match="1.1.1"):
        make_action(reference="1.1.1", title="Autre")
    other = services.plan_create(title="Autre plan", by=quality_manager)
    assert make_action(plan=other, reference="1.1.1").reference == "1.1.1"


def test_an_auto_reference_skips_the_references_taken(make_action):
    make_action(reference="A-002")
    assert make_action(title="b").reference == "A-003"
    assert make_action(title="c").reference == "A-004"


def test_an_action_refuses_an_objective_of_another_plan(make_action, objective, quality_manager):
    other = services.plan_create(title="Autre plan", by=quality_manager)
    with pytest.raises(ActionPlanError):
        make_action(plan=other, objective=objective)


def test_a_closed_plan_takes_no_new_action(make_action, plan, quality_manager):
    services.plan_update(plan=plan, by=quality_manager, status=PlanStatus.CLOSED)
    with pytest.raises(ActionPlanError, match="closed"):
        make_action()


def test_the_deadline_cannot_come_before_the_start(make_action):
    with pytest.raises(ActionPlanError):
        make_action(start_date=datetime.date(2030, 1, 2), deadline=datetime.date(2030, 1, 1))


def test_the_first_source_is_the_origin_and_any_object_lists_its_actions(make_action, quality_manager, org):
    process = Process.objects.create(code="M2", name="Qualité", type=ProcessType.MANAGEMENT)
    action = make_action(sources=[process, org.sciences])
    assert action.origin == process
    assert list(actions_for_source(process)) == [action]
    assert list(actions_for_source(org.sciences)) == [action]
    assert actions_for_source(org.letters).count() == 0


def test_one_action_answers_several_sources_and_linking_twice_changes_nothing(make_action, quality_manager, org):
    action = make_action(sources=[org.physics])
    link = services.action_add_source(action=action, source=org.letters, by=quality_manager)
    again = services.action_add_source(action=action, source=org.letters, by=quality_manager)
    assert link.pk == again.pk
    assert action.sources.count() == 2
    assert action.origin == org.physics
    assert _logs(action, "source_added").count() == 1


def test_the_link_table_refuses_a_duplicate_row(make_action, org):
    action = make_action(sources=[org.letters])
    with pytest.raises(IntegrityError):
        ActionSource.objects.create(
            action=action, content_type=ContentType.objects.get_for_model(OrgUnit), object_id=org.letters.pk
        )


def test_an_unsaved_source_is_refused(make_action):
    with pytest.raises(ActionPlanError):
        make_action(sources=[OrgUnit(code="x", name="x", kind="service")])


def test_an_action_cannot_answer_itself(make_action, quality_manager):
    action = make_action()
    with pytest.raises(ActionPlanError):
        services.action_add_source(action=action, source=action, by=quality_manager)


def test_the_owner_is_told_by_email_when_given_an_action(plan, objective, quality_manager, teacher):
    action = services.action_create(
        plan=plan,
        objective=objective,
        title="Former les équipes",
        by=quality_manager,
        owner=teacher,
        deadline=datetime.date(2030, 1, 1),
    )
    email = OutboxEmail.objects.get(kind="action-assigned")
    assert email.recipient_user == teacher
    assert action.reference in email.subject
    assert action.get_absolute_url() in render_outbox_email(email).body_text


def test_no_email_when_the_owner_gives_the_action_to_themself(make_action, quality_manager):
    make_action(owner=quality_manager, notify_owner=True)
    assert not OutboxEmail.objects.exists()


def test_a_new_owner_is_told_when_the_action_changes_hands(make_action, quality_manager, teacher, staff_member):
    action = make_action(owner=teacher)
    services.action_update(action=action, by=quality_manager, owner=staff_member, deadline=datetime.date(2031, 1, 1))
    assert list(OutboxEmail.objects.values_list("recipient_user", flat=True)) == [staff_member.pk]
    entry = _logs(action, "updated").get()
    assert set(entry.details["changes"]) == {"owner", "deadline"}


def test_update_refuses_the_status_and_unknown_fields(make_action, quality_manager):
    action = make_action()
    with pytest.raises(TypeError):
        services.action_update(action=action, by=quality_manager, status=ActionStatus.DONE)


def test_the_continuous_improvement_plan_is_created_once_per_unit(org, quality_manager, referent_sciences):
    first = services.continuous_improvement_plan_for(org_unit=org.sciences, by=referent_sciences)
    again = services.continuous_improvement_plan_for(org_unit=org.sciences, by=quality_manager)
    letters = services.continuous_improvement_plan_for(org_unit=org.letters, by=quality_manager)
    institution = services.continuous_improvement_plan_for(org_unit=None, by=None)
    assert first == again
    assert len({first.pk, letters.pk, institution.pk}) == 3
    assert (first.kind, first.status, first.org_unit) == (
        PlanKind.CONTINUOUS_IMPROVEMENT,
        PlanStatus.ACTIVE,
        org.sciences,
    )
    assert institution.org_unit is None
    assert services.continuous_improvement_plan_for(org_unit=None, by=None) == institution
    assert ActionPlan.objects.filter(kind=PlanKind.CONTINUOUS_IMPROVEMENT).count() == 3


def test_a_closed_continuous_improvement_plan_is_replaced(org, quality_manager):
    first = services.continuous_improvement_plan_for(org_unit=org.sciences, by=quality_manager)
    services.plan_update(plan=first, by=quality_manager, status=PlanStatus.CLOSED)
    second = services.continuous_improvement_plan_for(org_unit=org.sciences, by=quality_manager)
    assert second != first and second.status == PlanStatus.ACTIVE


def test_the_programme_plan_is_made_once_and_kept(org, quality_manager):
    from qms.core.factories import ProgrammeFactory

    physics = ProgrammeFactory(code="L-PHY", org_unit=org.sciences)
    history = ProgrammeFactory(code="L-HIS", org_unit=org.letters)
    closed = services.plan_create(
        title="Ancien plan", kind=PlanKind.PROGRAMME, programme=physics, status=PlanStatus.CLOSED, by=quality_manager
    )
    plan = services.programme_plan_for(programme=physics, by=quality_manager)
    assert plan != closed
    assert (plan.kind, plan.status, plan.programme, plan.org_unit, plan.owner) == (
        PlanKind.PROGRAMME,
        PlanStatus.ACTIVE,
        physics,
        org.sciences,
        None,
    )
    assert _logs(plan, "created").count() == 1
    assert services.programme_plan_for(programme=physics, by=None) == plan
    assert services.programme_plan_for(programme=history, by=None).programme == history
    assert ActionPlan.objects.filter(kind=PlanKind.PROGRAMME, status=PlanStatus.ACTIVE).count() == 2


def test_a_programme_plan_made_meanwhile_is_found_once_the_programme_is_locked(org, quality_manager, monkeypatch):
    """Two requests ask at once: the second reads again once it holds the programme's row, and finds the first's."""
    from qms.core.factories import ProgrammeFactory

    physics = ProgrammeFactory(code="L-PHY", org_unit=org.sciences)
    winner = ActionPlan.objects.create(title="Plan L-PHY", kind=PlanKind.PROGRAMME, programme=physics)
    calls = []
    original_first = type(ActionPlan.objects.all()).first

    def first_sees_nothing_the_first_time(queryset):
        calls.append(1)
        return None if len(calls) == 1 else original_first(queryset)

    monkeypatch.setattr(type(ActionPlan.objects.all()), "first", first_sees_nothing_the_first_time)
    assert services.programme_plan_for(programme=physics, by=quality_manager) == winner
    assert ActionPlan.objects.filter(kind=PlanKind.PROGRAMME).count() == 1


def test_the_database_keeps_one_active_continuous_improvement_plan_per_unit(org):
    ActionPlan.objects.create(title="a", kind=PlanKind.CONTINUOUS_IMPROVEMENT, org_unit=org.letters)
    with pytest.raises(IntegrityError):
        ActionPlan.objects.create(title="b", kind=PlanKind.CONTINUOUS_IMPROVEMENT, org_unit=org.letters)


def test_the_database_keeps_one_active_institution_wide_continuous_improvement_plan(db):
    ActionPlan.objects.create(title="a", kind=PlanKind.CONTINUOUS_IMPROVEMENT)
    with pytest.raises(IntegrityError):
        ActionPlan.objects.create(title="b", kind=PlanKind.CONTINUOUS_IMPROVEMENT)


def test_a_complaint_like_caller_files_a_corrective_action_in_the_units_plan(org, referent_sciences, staff_member):
    """What the complaints app does: the request is the origin of an action in the unit's CI plan."""
    plan = services.continuous_improvement_plan_for(org_unit=org.sciences, by=referent_sciences)
    source = staff_member  # any saved model instance stands for the request here
    action = services.action_create(plan=plan, title="Revoir l'affichage", by=referent_sciences, sources=[source])
    assert action.kind == ActionKind.CORRECTIVE
    assert action.origin == staff_member
    assert list(actions_for_source(staff_member)) == [action]
    assert Action.objects.get(pk=action.pk).get_absolute_url() == f"/plans/actions/{action.pk}/"


def test_a_race_to_create_the_continuous_improvement_plan_returns_the_winners_plan(org, quality_manager, monkeypatch):
    """Two requests ask at once: the loser's insert hits the unique constraint and it returns the winner's plan."""
    winner = ActionPlan.objects.create(
        title="Amélioration continue", kind=PlanKind.CONTINUOUS_IMPROVEMENT, org_unit=org.sciences
    )
    calls = []
    original_first = type(ActionPlan.objects.all()).first

    def first_sees_nothing_the_first_time(queryset):
        calls.append(1)
        return None if len(calls) == 1 else original_first(queryset)

    monkeypatch.setattr(type(ActionPlan.objects.all()), "first", first_sees_nothing_the_first_time)
    assert services.continuous_improvement_plan_for(org_unit=org.sciences, by=quality_manager) == winner
    assert ActionPlan.objects.filter(kind=PlanKind.CONTINUOUS_IMPROVEMENT).count() == 1


def test_a_second_active_continuous_improvement_plan_is_refused_with_a_message(org, quality_manager):
    """The page would otherwise fail on the database's unique constraint."""
    first = services.continuous_improvement_plan_for(org_unit=org.sciences, by=quality_manager)
    with pytest.raises(ActionPlanError, match="already has an active continuous-improvement plan"):
        services.plan_create(
            title="Encore un", kind=PlanKind.CONTINUOUS_IMPROVEMENT, org_unit=org.sciences, by=quality_manager
        )
    services.plan_update(plan=first, by=quality_manager, status=PlanStatus.CLOSED)
    second = services.plan_create(
        title="Le suivant", kind=PlanKind.CONTINUOUS_IMPROVEMENT, org_unit=org.sciences, by=quality_manager
    )
    with pytest.raises(ActionPlanError, match="already has an active continuous-improvement plan"):
        services.plan_update(plan=first, by=quality_manager, status=PlanStatus.ACTIVE)
    first.refresh_from_db()
    assert first.status == PlanStatus.CLOSED and second.status == PlanStatus.ACTIVE
    # Another unit, and the institution, each have their own.
    services.plan_create(
        title="Lettres", kind=PlanKind.CONTINUOUS_IMPROVEMENT, org_unit=org.letters, by=quality_manager
    )
    services.plan_create(title="Institution", kind=PlanKind.CONTINUOUS_IMPROVEMENT, by=quality_manager)
    with pytest.raises(ActionPlanError):
        services.plan_create(title="Institution bis", kind=PlanKind.CONTINUOUS_IMPROVEMENT, by=quality_manager)


def test_the_continuous_improvement_plan_is_titled_in_the_institutions_language(org, settings):
    # The test thread speaks English; the institution's language (LANGUAGE_CODE) is French.
    settings.LANGUAGE_CODE = "fr"
    plan = services.continuous_improvement_plan_for(org_unit=org.sciences, by=None)
    assert plan.title == "Amélioration continue — UFR Sciences"


def test_the_action_plans_refusals_are_domain_errors_with_their_field(plan, quality_manager):
    from qms.core.domain import DomainError

    assert issubclass(services.ActionPlanError, DomainError)
    with pytest.raises(services.ActionPlanError) as error:
        services.plan_import_start(plan=plan, by=quality_manager, source=b"not a spreadsheet", filename="x.pdf")
    assert error.value.field == "file"


def test_a_source_is_told_once_an_action_answers_it_and_may_undo_the_whole(quality_manager, org):
    """``on_answered`` (qms.core.sources): called when an action is created for the source or first linked to it,
    in the same transaction; a refusal it raises leaves nothing."""
    from qms.core import sources
    from qms.core.domain import DomainError

    told = []

    def on_answered(unit, by):
        if unit.code == "refuse":
            raise DomainError("Ce service ne prend pas d'action.")
        told.append((unit.pk, by))

    sources.register(OrgUnit, reference=str, label=str, can_open=lambda user, unit: True, on_answered=on_answered)
    try:
        plan = services.plan_create(title="Plan", by=quality_manager)
        action = services.action_create_for_source(source=org.letters, title="Répondre", plan=plan, by=quality_manager)
        assert told == [(org.letters.pk, quality_manager)]
        other = services.action_create(plan=plan, title="Autre", by=quality_manager)
        assert services.action_link_to_source(source=org.sciences, actions=[action, other], by=quality_manager) == 2
        assert services.action_link_to_source(source=org.sciences, actions=[other], by=quality_manager) == 0
        assert told == [(org.letters.pk, quality_manager), (org.sciences.pk, quality_manager)]  # once per source
        refusing = OrgUnit.objects.create(code="refuse", name="Service qui refuse", kind="service")
        with pytest.raises(DomainError):
            services.action_create_for_source(source=refusing, title="Refusée", plan=plan, by=quality_manager)
        with pytest.raises(DomainError):
            services.action_link_to_source(source=refusing, actions=[other], by=quality_manager)
        assert not Action.objects.filter(title="Refusée").exists()
        assert actions_for_source(refusing).count() == 0
    finally:
        sources.unregister(OrgUnit)
