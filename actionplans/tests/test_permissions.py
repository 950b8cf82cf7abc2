"""Who sees and does what (shared/DESIGN.md): the selectors, then the pages, persona by persona."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionplans import services
from actionplans.choices import ActionStatus
from actionplans.models import ActionPlan
from actionplans.selectors import (
    actions_visible_to,
    can_add_action,
    can_check_effectiveness,
    can_edit_action,
    can_edit_plan,
    can_update_action,
    plans_user_can_add_actions_to,
    plans_visible_to,
)
from processes.choices import ProcessType
from processes.models import Process
from qms.core.models import AccessGrant


@pytest.fixture
def letters_plan(org, quality_manager):
    return services.plan_create(title="Plan Lettres", org_unit=org.letters, by=quality_manager)


@pytest.fixture
def teachers_action(make_action, teacher):
    """An action of the Sciences plan owned by the teacher."""
    return make_action(owner=teacher, title="Refondre le livret d'accueil")


@pytest.fixture
def process_action(make_action, process_owner):
    process = Process.objects.create(code="R3", name="Formations", type=ProcessType.OPERATIONAL, owner=process_owner)
    return make_action(process=process, title="Harmoniser les modalités de contrôle")


def test_quality_managers_and_directors_see_every_plan(plan, letters_plan, quality_manager, director):
    for user in (quality_manager, director):
        assert set(plans_visible_to(user)) == {plan, letters_plan}


def test_a_referent_sees_the_plans_of_their_units_and_sub_units_only(
    plan, letters_plan, org, quality_manager, referent_sciences, referent_letters
):
    physics_plan = services.plan_create(title="Physique", org_unit=org.physics, by=quality_manager)
    assert set(plans_visible_to(referent_sciences)) == {plan, physics_plan}
    assert set(plans_visible_to(referent_letters)) == {letters_plan}


def test_a_member_without_a_referent_role_sees_no_plan(plan, staff_member, teacher):
    """The staff member belongs to the institution, the teacher to Physics: membership alone is no scope."""
    assert not plans_visible_to(staff_member).exists()
    assert not plans_visible_to(teacher).exists()


def test_a_plan_owner_sees_and_edits_their_plan_even_without_a_group(org, quality_manager, staff_member):
    own = services.plan_create(title="Plan BU", org_unit=org.institution, owner=staff_member, by=quality_manager)
    assert list(plans_visible_to(staff_member)) == [own]
    assert can_edit_plan(staff_member, own)
    assert can_add_action(staff_member, own)


def test_only_the_plan_owner_and_quality_managers_edit_a_plan(plan, quality_manager, director, referent_sciences):
    assert can_edit_plan(quality_manager, plan)
    assert not can_edit_plan(director, plan)
    assert not can_edit_plan(referent_sciences, plan)


def test_an_auditor_sees_a_plan_and_its_actions_only_while_granted(plan, teachers_action, auditor, quality_manager):
    assert not plans_visible_to(auditor).exists()
    AccessGrant.objects.create(
        user=auditor, content_type=ContentType.objects.get_for_model(ActionPlan), object_id=plan.pk
    )
    auditor.__dict__.pop("_qms_scope_cache", None)
    assert list(plans_visible_to(auditor)) == [plan]
    assert list(actions_visible_to(auditor)) == [teachers_action]
    assert not can_update_action(auditor, teachers_action)


def test_an_action_owner_sees_and_updates_their_action_but_does_not_edit_it(teachers_action, make_action, teacher):
    other = make_action(title="Autre action")
    assert list(actions_visible_to(teacher)) == [teachers_action]
    assert other not in actions_visible_to(teacher)
    assert can_update_action(teacher, teachers_action)
    assert not can_edit_action(teacher, teachers_action)


def test_a_process_owner_sees_and_updates_the_actions_of_their_processes(
    process_action, teachers_action, process_owner
):
    assert list(actions_visible_to(process_owner)) == [process_action]
    assert can_update_action(process_owner, process_action)
    assert not can_update_action(process_owner, teachers_action)


def test_a_referent_sees_edits_and_adds_actions_in_their_units(
    plan, letters_plan, teachers_action, make_action, referent_sciences, referent_letters, org
):
    letters_action = make_action(plan=letters_plan, title="Lettres")
    assert set(actions_visible_to(referent_sciences)) == {teachers_action}
    assert set(actions_visible_to(referent_letters)) == {letters_action}
    assert can_edit_action(referent_sciences, teachers_action)
    assert not can_edit_action(referent_letters, teachers_action)
    assert can_add_action(referent_sciences, plan)
    assert not can_add_action(referent_sciences, letters_plan)
    assert set(plans_user_can_add_actions_to(referent_sciences)) == {plan}


def test_an_action_of_a_referents_unit_is_theirs_even_in_another_units_plan(
    letters_plan, make_action, org, referent_sciences
):
    action = make_action(plan=letters_plan, org_unit=org.physics, title="Partagée")
    assert action in actions_visible_to(referent_sciences)
    assert can_edit_action(referent_sciences, action)


def test_directors_read_but_do_not_change_actions(teachers_action, director):
    assert teachers_action in actions_visible_to(director)
    assert not can_update_action(director, teachers_action)
    assert not can_edit_action(director, teachers_action)


def test_a_closed_plan_takes_no_action_from_anyone(plan, quality_manager):
    services.plan_update(plan=plan, by=quality_manager, status="closed")
    assert not can_add_action(quality_manager, plan)
    assert plan not in plans_user_can_add_actions_to(quality_manager)


def test_effectiveness_is_checked_by_the_plans_editors_not_the_owner(teachers_action, quality_manager, teacher):
    done = services.action_transition(action=teachers_action, to=ActionStatus.DONE, by=teacher)
    assert can_check_effectiveness(quality_manager, done)
    assert not can_check_effectiveness(teacher, done)


def test_anonymous_people_see_nothing(plan, teachers_action):
    from django.contrib.auth.models import AnonymousUser

    assert not plans_visible_to(AnonymousUser()).exists()
    assert not actions_visible_to(AnonymousUser()).exists()


# --- Pages --------------------------------------------------------------------------------------------------


def _status(client, user, url, method="get", **data):
    client.force_login(user)
    return getattr(client, method)(url, data).status_code


def test_every_page_asks_anonymous_people_to_sign_in(client, plan, teachers_action):
    urls = [
        reverse("actionplans:plan-list"),
        reverse("actionplans:plan-detail", args=[plan.pk]),
        reverse("actionplans:action-list"),
        reverse("actionplans:my-actions"),
        reverse("actionplans:action-detail", args=[teachers_action.pk]),
        reverse("actionplans:plan-export", args=[plan.pk, "csv"]),
        reverse("actionplans:plan-pdf", args=[plan.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_a_plan_outside_the_scope_is_not_found(client, plan, referent_letters):
    for name in ("plan-detail", "plan-edit", "plan-import", "plan-pdf", "plan-timeline", "action-create"):
        assert _status(client, referent_letters, reverse(f"actionplans:{name}", args=[plan.pk])) == 404, name
    assert _status(client, referent_letters, reverse("actionplans:plan-export", args=[plan.pk, "xlsx"])) == 404


def test_a_plan_in_scope_is_read_but_not_edited_by_a_referent(client, plan, referent_sciences):
    assert _status(client, referent_sciences, reverse("actionplans:plan-detail", args=[plan.pk])) == 200
    for name in ("plan-edit", "plan-import", "axis-create", "objective-create"):
        assert _status(client, referent_sciences, reverse(f"actionplans:{name}", args=[plan.pk])) == 403, name
    assert _status(client, referent_sciences, reverse("actionplans:action-create", args=[plan.pk])) == 200


def test_a_director_reads_everything_and_edits_nothing(client, plan, teachers_action, director):
    assert _status(client, director, reverse("actionplans:plan-detail", args=[plan.pk])) == 200
    assert _status(client, director, reverse("actionplans:action-detail", args=[teachers_action.pk])) == 200
    assert _status(client, director, reverse("actionplans:plan-edit", args=[plan.pk])) == 403
    assert _status(client, director, reverse("actionplans:action-edit", args=[teachers_action.pk])) == 403
    assert _status(client, director, reverse("actionplans:action-update-add", args=[teachers_action.pk])) == 403
    assert _status(client, director, reverse("actionplans:plan-create")) == 403


def test_the_lists_need_their_permission(client, plan, teacher, staff_member):
    assert _status(client, teacher, reverse("actionplans:plan-list")) == 403
    assert _status(client, staff_member, reverse("actionplans:action-list")) == 403
    assert _status(client, staff_member, reverse("actionplans:my-actions")) == 200


def test_an_action_owner_updates_but_does_not_edit_from_the_pages(client, plan, teachers_action, teacher):
    assert _status(client, teacher, reverse("actionplans:action-detail", args=[teachers_action.pk])) == 200
    assert _status(client, teacher, reverse("actionplans:plan-detail", args=[plan.pk])) == 404
    assert _status(client, teacher, reverse("actionplans:action-edit", args=[teachers_action.pk])) == 403
    url = reverse("actionplans:action-transition", args=[teachers_action.pk])
    assert _status(client, teacher, url, "post", to=ActionStatus.IN_PROGRESS) == 302
    teachers_action.refresh_from_db()
    assert teachers_action.status == ActionStatus.IN_PROGRESS


def test_an_action_outside_the_scope_is_not_found(client, teachers_action, referent_letters, staff_member):
    for user in (referent_letters, staff_member):
        for name in ("action-detail", "action-edit", "action-transition", "action-update-add", "action-effectiveness"):
            assert _status(client, user, reverse(f"actionplans:{name}", args=[teachers_action.pk])) == 404, name


def test_evidence_is_served_only_to_those_who_see_its_action(client, teachers_action, teacher, referent_letters):
    upload = SimpleUploadedFile("preuve.pdf", b"%PDF-1.4 preuve", content_type="application/pdf")
    update = services.action_add_update(action=teachers_action, by=teacher, files=[upload])
    evidence = update.evidence.get()
    url = reverse("actionplans:evidence-download", args=[evidence.pk])
    client.force_login(teacher)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 preuve"
    assert "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    # Sandboxed as the helpdesk's attachments are: a file a browser renders anyway runs nothing.
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert _status(client, referent_letters, url) == 404


def test_an_import_belongs_to_its_sender(client, plan, quality_manager, director):
    plan_import = services.plan_import_start(
        plan=plan, by=quality_manager, source=b"Axe;Objectif strategique;Action;Echeance\nA;B;C;2030-01-01\n"
    )
    url = reverse("actionplans:plan-import-preview", args=[plan_import.pk])
    assert _status(client, quality_manager, url) == 200
    assert _status(client, director, url) == 404
    assert _status(client, director, url, "post") == 404
    assert not plan.actions.exists()


def test_a_deadline_in_the_past_does_not_hide_an_action(make_action, teacher):
    action = make_action(owner=teacher, deadline=datetime.date(2000, 1, 1))
    assert action in actions_visible_to(teacher)


def test_the_action_list_of_a_referent_holds_only_their_units_actions(
    client, teachers_action, letters_plan, make_action, referent_letters
):
    letters_action = make_action(plan=letters_plan, title="Lettres")
    client.force_login(referent_letters)
    page = client.get(reverse("actionplans:action-list")).content.decode()
    assert f'data-action-id="{letters_action.pk}"' in page
    assert f'data-action-id="{teachers_action.pk}"' not in page
    # A filter cannot reach past the scope either.
    page = client.get(reverse("actionplans:action-list"), {"plan": teachers_action.plan_id}).content.decode()
    assert f'data-action-id="{teachers_action.pk}"' not in page


def test_bad_filter_values_do_not_break_the_lists(client, teachers_action, quality_manager):
    client.force_login(quality_manager)
    for params in ({"org_unit": "abc"}, {"due_within": "-3"}, {"status": "late"}, {"plan": "999999"}):
        assert client.get(reverse("actionplans:action-list"), params).status_code == 200
        assert client.get(reverse("actionplans:plan-list"), {"org_unit": "abc", "kind": "x"}).status_code == 200


# --- One helper, one place (issue 9) -------------------------------------------------------------------------------


def test_plans_and_actions_are_scoped_by_the_one_helper(referent_sciences, monkeypatch):
    from actionplans import selectors
    from qms.core import selectors as core_selectors

    calls = []

    def spy(user, model, **kwargs):
        calls.append(model)
        return core_selectors.scope_q(user, model, **kwargs)

    monkeypatch.setattr(selectors, "scope_q", spy)
    list(selectors.plans_visible_to(referent_sciences))
    list(selectors.actions_visible_to(referent_sciences))
    assert calls == [ActionPlan, selectors.Action]


def test_a_follow_up_answers_whatever_the_action_it_follows_answered(make_action, quality_manager, org):
    action = make_action()
    services.action_add_source(action=action, source=org.letters, by=quality_manager)
    services.action_add_source(action=action, source=org.physics, by=quality_manager)
    action = services.action_transition(
        action=action, to=ActionStatus.DONE, by=quality_manager, completed_on=datetime.date(2026, 1, 5)
    )
    check = services.action_check_effectiveness(
        action=action,
        by=quality_manager,
        result="not_effective",
        comment="Toujours des retards.",
        start_follow_up=True,
    )
    follow_up = check.follow_up
    assert [link.source for link in follow_up.sources.order_by("created_at", "pk")] == [
        action,
        org.letters,
        org.physics,
    ]
    assert follow_up.origin == action


def test_the_action_panel_of_a_process_lists_its_actions_as_each_viewer_may_see_them(
    make_action, process_owner, referent_letters, rf
):
    from qms.core.panels import render_panels

    process = Process.objects.create(code="P-9", name="Piloter", type=ProcessType.MANAGEMENT, owner=process_owner)
    make_action(title="Action du processus", process=process)
    make_action(title="Autre action")
    request = rf.get("/")
    request.user = process_owner
    html = render_panels(request, process)
    assert 'data-panel="actionplans.actions"' in html
    assert "Action du processus" in html and "Autre action" not in html
    request.user = referent_letters
    assert "Action du processus" not in render_panels(request, process)


def test_action_create_keeps_the_forms_signature_and_the_import_has_its_own(plan, quality_manager):
    with pytest.raises(TypeError):
        services.action_create(plan=plan, title="Déjà faite", by=quality_manager, status=ActionStatus.DONE)
    done = services.action_import_create(
        plan=plan,
        title="Déjà faite",
        by=quality_manager,
        status=ActionStatus.DONE,
        completed_on=datetime.date(2026, 1, 5),
    )
    assert done.status == ActionStatus.DONE and done.progress == 100 and done.start_date == datetime.date(2026, 1, 5)
