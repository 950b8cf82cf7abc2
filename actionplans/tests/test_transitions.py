"""The action workflow: planned → in progress → done, cancelled; progress updates; the effectiveness check."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from actionplans import services
from actionplans.choices import ActionKind, ActionStatus, EffectivenessResult
from actionplans.models import Action
from actionplans.services import ActionPlanError
from actionplans.workflows import ACTION_WORKFLOW
from qms.core.workflow import status_at, status_history

TODAY = datetime.date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def _moves(action):
    return [(c.from_status, c.to_status) for c in status_history(action)]


@pytest.mark.parametrize(
    ("path", "final"),
    [
        ([ActionStatus.IN_PROGRESS], ActionStatus.IN_PROGRESS),
        ([ActionStatus.DONE], ActionStatus.DONE),
        ([ActionStatus.IN_PROGRESS, ActionStatus.DONE], ActionStatus.DONE),
        ([ActionStatus.CANCELLED], ActionStatus.CANCELLED),
        ([ActionStatus.IN_PROGRESS, ActionStatus.CANCELLED], ActionStatus.CANCELLED),
        ([ActionStatus.DONE, ActionStatus.IN_PROGRESS], ActionStatus.IN_PROGRESS),
    ],
)
def test_every_move_of_the_table_is_allowed_and_recorded(make_action, quality_manager, path, final):
    action = make_action()
    for to in path:
        action = services.action_transition(action=action, to=to, by=quality_manager, note="pour la trace")
    assert action.status == final
    assert len(_moves(action)) == len(path) + 1


@pytest.mark.parametrize(
    ("path", "forbidden"),
    [
        ([], ActionStatus.PLANNED),
        ([ActionStatus.IN_PROGRESS], ActionStatus.PLANNED),
        ([ActionStatus.IN_PROGRESS], ActionStatus.IN_PROGRESS),
        ([ActionStatus.DONE], ActionStatus.PLANNED),
        ([ActionStatus.DONE], ActionStatus.CANCELLED),
        ([ActionStatus.CANCELLED], ActionStatus.PLANNED),
        ([ActionStatus.CANCELLED], ActionStatus.IN_PROGRESS),
        ([ActionStatus.CANCELLED], ActionStatus.DONE),
    ],
)
def test_any_other_move_is_refused_with_a_clear_message(make_action, quality_manager, path, forbidden):
    action = make_action()
    for to in path:
        action = services.action_transition(action=action, to=to, by=quality_manager, note="x")
    before = len(_moves(action))
    with pytest.raises(ActionPlanError, match="not allowed"):
        services.action_transition(action=action, to=forbidden, by=quality_manager, note="x")
    action.refresh_from_db()
    assert len(_moves(action)) == before


def test_an_unknown_status_is_refused(make_action, quality_manager):
    with pytest.raises(ActionPlanError, match="not a known status"):
        services.action_transition(action=make_action(), to="late", by=quality_manager)


def test_done_sets_the_completion_date_full_progress_and_the_effectiveness_date(make_action, quality_manager):
    action = make_action()
    action = services.action_transition(action=action, to=ActionStatus.DONE, by=quality_manager)
    assert (action.completed_on, action.progress) == (TODAY, 100)
    assert action.effectiveness_due == TODAY + services.EFFECTIVENESS_CHECK_DELAY
    stored = Action.objects.get(pk=action.pk)
    assert (stored.status, stored.completed_on, stored.progress) == (ActionStatus.DONE, TODAY, 100)


def test_done_keeps_an_effectiveness_date_already_set_and_accepts_a_past_completion(make_action, quality_manager):
    action = make_action(effectiveness_due=datetime.date(2026, 12, 1))
    action = services.action_transition(
        action=action, to=ActionStatus.DONE, by=quality_manager, completed_on=datetime.date(2026, 3, 1)
    )
    assert action.completed_on == datetime.date(2026, 3, 1)
    assert action.effectiveness_due == datetime.date(2026, 12, 1)


def test_a_completion_date_in_the_future_is_refused(make_action, quality_manager):
    action = make_action()
    with pytest.raises(ActionPlanError):
        services.action_transition(
            action=action, to=ActionStatus.DONE, by=quality_manager, completed_on=TODAY + datetime.timedelta(days=1)
        )
    assert Action.objects.get(pk=action.pk).status == ActionStatus.PLANNED


def test_cancelling_needs_a_reason(make_action, quality_manager):
    action = make_action()
    with pytest.raises(ActionPlanError, match="reason"):
        services.action_transition(action=action, to=ActionStatus.CANCELLED, by=quality_manager)
    action = services.action_transition(action=action, to=ActionStatus.CANCELLED, by=quality_manager, note="Doublon")
    assert list(status_history(action))[-1].note == "Doublon"


def test_reopening_clears_the_completion_date_and_needs_a_reason(make_action, quality_manager):
    action = services.action_transition(action=make_action(), to=ActionStatus.DONE, by=quality_manager)
    with pytest.raises(ActionPlanError, match="reason"):
        services.action_transition(action=action, to=ActionStatus.IN_PROGRESS, by=quality_manager)
    action = services.action_transition(
        action=action, to=ActionStatus.IN_PROGRESS, by=quality_manager, note="Livrable incomplet"
    )
    assert action.completed_on is None


def test_an_action_whose_effectiveness_was_checked_cannot_be_reopened(make_action, quality_manager):
    action = services.action_transition(action=make_action(), to=ActionStatus.DONE, by=quality_manager)
    services.action_check_effectiveness(
        action=action, by=quality_manager, result=EffectivenessResult.EFFECTIVE, comment="Vérifié sur pièces."
    )
    with pytest.raises(ActionPlanError, match="follow-up"):
        services.action_transition(action=action, to=ActionStatus.IN_PROGRESS, by=quality_manager, note="x")


def test_late_is_derived_from_the_deadline_never_stored(make_action, quality_manager):
    action = make_action(deadline=TODAY - datetime.timedelta(days=1))
    assert action.is_late and action.status == ActionStatus.PLANNED
    assert "late" not in ActionStatus.values
    assert list(Action.objects.late()) == [action]
    assert not make_action(title="x", deadline=TODAY).is_late
    done = services.action_transition(action=action, to=ActionStatus.DONE, by=quality_manager)
    assert not done.is_late
    assert not Action.objects.late().exists()


def test_the_status_can_be_read_back_at_a_past_date(make_action, quality_manager):
    with time_machine.travel(datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC), tick=False):
        action = make_action()
    with time_machine.travel(datetime.datetime(2026, 2, 5, 9, 0, tzinfo=datetime.UTC), tick=False):
        services.action_transition(action=action, to=ActionStatus.IN_PROGRESS, by=quality_manager)
    services.action_transition(action=action, to=ActionStatus.DONE, by=quality_manager)
    assert status_at(action, timezone.make_aware(datetime.datetime(2026, 1, 20))) == ActionStatus.PLANNED
    assert status_at(action, timezone.make_aware(datetime.datetime(2026, 3, 1))) == ActionStatus.IN_PROGRESS
    assert status_at(action, timezone.now()) == ActionStatus.DONE


def test_the_table_offers_only_the_moves_from_the_current_status(make_action):
    action = make_action()
    assert ACTION_WORKFLOW.allowed_targets(action, note="x") == [
        ActionStatus.IN_PROGRESS,
        ActionStatus.DONE,
        ActionStatus.CANCELLED,
    ]


# --- Progress updates ---------------------------------------------------------------------------------------


def test_a_progress_update_moves_a_planned_action_in_progress(make_action, teacher):
    action = make_action(owner=teacher)
    update = services.action_add_update(action=action, by=teacher, comment="Groupe de travail réuni", progress=30)
    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.IN_PROGRESS, 30)
    assert (update.author, update.progress) == (teacher, 30)
    assert _moves(action)[-1] == (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


def test_a_comment_alone_leaves_status_and_progress(make_action, teacher):
    action = make_action(owner=teacher)
    services.action_add_update(action=action, by=teacher, comment="Réunion reportée")
    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.PLANNED, 0)


def test_an_empty_update_is_refused(make_action, teacher):
    with pytest.raises(ActionPlanError):
        services.action_add_update(action=make_action(), by=teacher, comment="  ")


def test_progress_is_a_percentage(make_action, teacher):
    with pytest.raises(ActionPlanError):
        services.action_add_update(action=make_action(), by=teacher, progress=120)


def test_evidence_files_and_links_are_attached_to_the_update(make_action, teacher):
    action = make_action(owner=teacher)
    upload = SimpleUploadedFile("compte-rendu.pdf", b"%PDF-1.4 minimal", content_type="application/pdf")
    update = services.action_add_update(
        action=action,
        by=teacher,
        comment="Compte rendu joint",
        files=[upload],
        links=["https://intranet.example.edu/cr", ("https://example.edu/charte", "Charte")],
    )
    evidence = list(update.evidence.all())
    assert len(evidence) == 3
    assert evidence[0].filename == "compte-rendu.pdf"
    assert evidence[0].file.read() == b"%PDF-1.4 minimal"
    assert [(e.url, e.label) for e in evidence[1:]] == [
        ("https://intranet.example.edu/cr", ""),
        ("https://example.edu/charte", "Charte"),
    ]


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>", "ftp://example.edu/x", "pas une url"]
)
def test_an_evidence_link_is_a_web_address(make_action, teacher, url):
    with pytest.raises(ActionPlanError):
        services.action_add_update(action=make_action(owner=teacher), by=teacher, links=[url])


def test_a_done_action_keeps_its_progress_but_takes_evidence(make_action, quality_manager):
    action = services.action_transition(action=make_action(), to=ActionStatus.DONE, by=quality_manager)
    with pytest.raises(ActionPlanError, match="reopen"):
        services.action_add_update(action=action, by=quality_manager, progress=50)
    services.action_add_update(action=action, by=quality_manager, links=["https://example.edu/bilan"])
    assert action.updates.count() == 1


def test_a_cancelled_action_takes_no_update(make_action, quality_manager):
    action = services.action_transition(
        action=make_action(), to=ActionStatus.CANCELLED, by=quality_manager, note="Abandon"
    )
    with pytest.raises(ActionPlanError, match="cancelled"):
        services.action_add_update(action=action, by=quality_manager, comment="x")


# --- Effectiveness ------------------------------------------------------------------------------------------


def test_only_a_done_action_has_its_effectiveness_checked(make_action, quality_manager):
    with pytest.raises(ActionPlanError, match="done"):
        services.action_check_effectiveness(
            action=make_action(), by=quality_manager, result=EffectivenessResult.EFFECTIVE
        )


def test_an_effective_check_is_recorded_with_who_and_when(make_action, quality_manager):
    action = services.action_transition(action=make_action(), to=ActionStatus.DONE, by=quality_manager)
    check = services.action_check_effectiveness(
        action=action, by=quality_manager, result=EffectivenessResult.EFFECTIVE, comment="Objectif atteint"
    )
    assert (check.result, check.checked_on, check.checked_by, check.follow_up) == (
        EffectivenessResult.EFFECTIVE,
        TODAY,
        quality_manager,
        None,
    )


def test_a_not_effective_check_starts_a_follow_up_whose_origin_is_the_action(make_action, quality_manager, teacher):
    action = make_action(owner=teacher, title="Former les tuteurs")
    action = services.action_transition(action=action, to=ActionStatus.DONE, by=quality_manager)
    check = services.action_check_effectiveness(
        action=action,
        by=quality_manager,
        result=EffectivenessResult.NOT_EFFECTIVE,
        comment="Taux d'abandon inchangé",
        start_follow_up=True,
        follow_up_deadline=datetime.date(2026, 9, 1),
    )
    follow_up = check.follow_up
    assert follow_up.origin == action
    assert (follow_up.plan, follow_up.objective, follow_up.owner, follow_up.kind) == (
        action.plan,
        action.objective,
        teacher,
        ActionKind.CORRECTIVE,
    )
    assert "Former les tuteurs" in follow_up.title
    assert follow_up.status == ActionStatus.PLANNED
    assert Action.objects.get(pk=action.pk).status == ActionStatus.DONE


def test_an_effective_check_does_not_start_a_follow_up(make_action, quality_manager):
    action = services.action_transition(action=make_action(), to=ActionStatus.DONE, by=quality_manager)
    with pytest.raises(ActionPlanError):
        services.action_check_effectiveness(
            action=action, by=quality_manager, result=EffectivenessResult.EFFECTIVE, start_follow_up=True
        )


def test_the_check_date_is_neither_in_the_future_nor_before_completion(make_action, quality_manager):
    action = services.action_transition(
        action=make_action(), to=ActionStatus.DONE, by=quality_manager, completed_on=datetime.date(2026, 3, 10)
    )
    for day in (datetime.date(2026, 3, 9), TODAY + datetime.timedelta(days=1)):
        with pytest.raises(ActionPlanError):
            services.action_check_effectiveness(
                action=action, by=quality_manager, result=EffectivenessResult.EFFECTIVE, checked_on=day
            )
