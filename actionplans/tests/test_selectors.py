"""Reads: the plan tree with its rolled-up progress, the lists, and their fixed query budgets."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans import services
from actionplans.choices import ActionStatus
from actionplans.filtersets import ActionFilterSet
from actionplans.models import Action
from actionplans.selectors import ACTIONS_PER_PAGE, my_actions, plan_tree, plans_visible_to, plans_with_counts
from actionplans.tests.factories import ObjectiveFactory
from processes.choices import ProcessType
from processes.models import Process
from qms.core.tests.budgets import SESSION_READ

TODAY = datetime.date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def _warm_up(client, url):
    """A first request creates the site settings row and fills the caches; the budgets are for the next ones."""
    assert client.get(url).status_code == 200


def _bulk_actions(plan, count, *, owner=None, org_unit=None, process=None):
    """``count`` actions spread over the plan's objectives, a quarter late, a quarter done, one cancelled."""
    objectives = list(plan.objectives.all())
    statuses = [ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.PLANNED]
    rows = []
    for n in range(count):
        status = statuses[n % 4] if n else ActionStatus.CANCELLED
        deadline = TODAY + datetime.timedelta(days=(-30 if n % 4 == 3 else 60) + n % 7)
        rows.append(
            Action(
                plan=plan,
                objective=objectives[n % len(objectives)] if objectives else None,
                reference=f"B-{n:04d}",
                position=n,
                title=f"Action {n}",
                status=status,
                deadline=deadline,
                progress=100 if status == ActionStatus.DONE else 40,
                completed_on=TODAY if status == ActionStatus.DONE else None,
                owner=owner,
                org_unit=org_unit,
                process=process,
            )
        )
    Action.objects.bulk_create(rows)


# --- The tree -----------------------------------------------------------------------------------------------


def test_the_tree_rolls_up_done_share_and_late_count_at_each_level(plan, make_action, quality_manager):
    governance = plan.axes.get()
    quality = services.axis_create(plan=plan, title="Qualité", by=quality_manager)
    first = plan.objectives.get()
    second = services.objective_create(plan=plan, axis=governance, title="Piloter par les données", by=quality_manager)
    third = services.objective_create(plan=plan, axis=quality, title="Culture qualité", by=quality_manager)
    late = make_action(objective=first, deadline=TODAY - datetime.timedelta(days=1))
    done = make_action(objective=first, title="b")
    services.action_transition(action=done, to=ActionStatus.DONE, by=quality_manager)
    make_action(objective=second, title="c")
    cancelled = make_action(objective=second, title="d", deadline=TODAY - datetime.timedelta(days=9))
    services.action_transition(action=cancelled, to=ActionStatus.CANCELLED, by=quality_manager, note="doublon")
    loose = make_action(objective=None, title="hors objectif", deadline=TODAY - datetime.timedelta(days=3))

    tree = plan_tree(plan)
    by_axis = {node.axis.title: node for node in tree.axes}
    first_node, second_node = by_axis["Gouvernance"].objectives
    assert [a.pk for a in first_node.actions] == [late.pk, done.pk]
    assert (first_node.rollup.total, first_node.rollup.done, first_node.rollup.late) == (2, 1, 1)
    assert first_node.rollup.done_share == 50
    assert (second_node.rollup.total, second_node.rollup.cancelled, second_node.rollup.late) == (1, 1, 0)
    assert second_node.rollup.done_share == 0
    governance_rollup = by_axis["Gouvernance"].rollup
    assert (governance_rollup.total, governance_rollup.done, governance_rollup.late) == (3, 1, 1)
    assert governance_rollup.done_share == 33
    assert governance_rollup.badge == "danger"
    assert by_axis["Qualité"].objectives[0].objective == third
    assert by_axis["Qualité"].rollup.total == 0 and by_axis["Qualité"].rollup.done_share is None
    assert [a.pk for a in tree.unfiled.actions] == [loose.pk]
    assert (tree.rollup.total, tree.rollup.done, tree.rollup.late) == (4, 1, 2)
    assert tree.rollup.done_share == 25


def test_an_all_done_branch_is_green(plan, make_action, quality_manager):
    action = make_action()
    services.action_transition(action=action, to=ActionStatus.DONE, by=quality_manager)
    assert plan_tree(plan).axes[0].rollup.badge == "success"


def test_the_tree_is_read_in_three_queries_whatever_its_size(plan, django_assert_num_queries):
    ObjectiveFactory.create_batch(3, axis=plan.axes.get())
    _bulk_actions(plan, 200)
    with django_assert_num_queries(3):
        tree = plan_tree(plan)
        assert tree.rollup.total == 199
        for axis in tree.axes:
            for node in axis.objectives:
                for action in node.actions:
                    str(action.owner_display), action.is_late, action.plan.title


def test_the_plan_list_counts_actions_in_the_same_query(plan, make_action, quality_manager, django_assert_num_queries):
    _bulk_actions(plan, 20)
    plans_visible_to(quality_manager)  # reads the user's roles once
    with django_assert_num_queries(1):
        row = plans_with_counts(plans_visible_to(quality_manager)).get(pk=plan.pk)
    assert (row.action_count, row.done_count, row.late_count) == (19, 5, 5)


def test_my_actions_lists_open_ones_first_by_deadline(plan, make_action, teacher, quality_manager):
    done = make_action(owner=teacher, title="fait", deadline=TODAY - datetime.timedelta(days=100))
    services.action_transition(action=done, to=ActionStatus.DONE, by=teacher)
    later = make_action(owner=teacher, title="plus tard", deadline=TODAY + datetime.timedelta(days=30))
    sooner = make_action(owner=teacher, title="bientôt", deadline=TODAY + datetime.timedelta(days=3))
    undated = make_action(owner=teacher, title="sans date", deadline=None)
    make_action(owner=quality_manager, title="pas à moi")
    assert list(my_actions(teacher)) == [sooner, later, undated, done]


# --- Query budgets ------------------------------------------------------------------------------------------

# The plan page: its roll-ups counted by the database, and the link to the last PDF built.
PLAN_PAGE_QUERIES = 10 + SESSION_READ
# A grant on a source (a request) opens the actions answering it; each row says what it answers.
ACTION_LIST_QUERIES = 17
PLAN_LIST_QUERIES = 8
MY_ACTIONS_QUERIES = 7


@pytest.mark.parametrize("count", [10, 500])
def test_the_plan_page_runs_the_same_number_of_queries_at_10_and_500_actions(
    client, plan, referent_sciences, teacher, org, count, django_assert_num_queries
):
    ObjectiveFactory.create_batch(4, axis=plan.axes.get())
    process = Process.objects.create(code="M2", name="Qualité", type=ProcessType.MANAGEMENT)
    _bulk_actions(plan, count, owner=teacher, org_unit=org.physics, process=process)
    client.force_login(referent_sciences)
    # The axis open: at 10 actions every action is shown anyway, at 500 the axis's first page.
    url = reverse("actionplans:plan-detail", args=[plan.pk]) + f"?axis={plan.axes.get().pk}"
    _warm_up(client, url)
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.count(b'data-action-id="') == min(count, ACTIONS_PER_PAGE)


@pytest.mark.parametrize("count", [10, 500])
def test_the_action_list_runs_a_fixed_number_of_queries(
    client, plan, referent_sciences, teacher, org, count, django_assert_max_num_queries
):
    process = Process.objects.create(code="M2", name="Qualité", type=ProcessType.MANAGEMENT)
    _bulk_actions(plan, count, owner=teacher, org_unit=org.physics, process=process)
    client.force_login(referent_sciences)
    url = reverse("actionplans:action-list")
    _warm_up(client, url)
    with django_assert_max_num_queries(ACTION_LIST_QUERIES):
        response = client.get(url, {"status": "planned", "late": "yes", "q": "Action", "ordering": "deadline"})
    assert response.status_code == 200
    with django_assert_max_num_queries(ACTION_LIST_QUERIES):
        response = client.get(url)
    assert response.content.count(b'data-action-id="') == min(count, 50)


# What each drop-down of the action list's filters may read: its label (and a unit's path, which filtering by it
# reads), never the joins and long texts of the selectors' querysets. They are read on every page of the list.
FILTER_CHOICE_COLUMNS = {
    "plan": {("actionplans_actionplan", "id"), ("actionplans_actionplan", "title")},
    "owner": {("core_user", name) for name in ("id", "username", "first_name", "last_name")},
    "org_unit": {("core_orgunit", name) for name in ("id", "name", "path")},
    "process": {("processes_process", name) for name in ("id", "code", "name")},
}


def test_the_action_filters_options_read_only_what_they_show(
    plan, quality_manager, referent_sciences, teacher, org, make_action
):
    process = Process.objects.create(code="M2", name="Qualité", type=ProcessType.MANAGEMENT)
    make_action(owner=teacher, org_unit=org.physics, process=process)
    for user in (quality_manager, referent_sciences):
        request = RequestFactory().get("/")
        request.user = user
        form = ActionFilterSet(None, queryset=Action.objects.all(), request=request).form
        for name, allowed in FILTER_CHOICE_COLUMNS.items():
            with CaptureQueriesContext(connection) as queries:
                labels = [str(label) for value, label in form.fields[name].choices if value]
            assert labels, name
            (sql,) = [query["sql"] for query in queries]
            selected = set(re.findall(r'"(\w+)"\."(\w+)"', sql.split(" FROM ")[0]))
            assert selected <= allowed, (name, selected - allowed)


def test_the_action_list_reads_only_what_its_rows_show(client, plan, quality_manager, teacher, org, make_action):
    process = Process.objects.create(code="M2", name="Qualité", type=ProcessType.MANAGEMENT)
    make_action(owner=teacher, org_unit=org.physics, process=process, description="Long text " * 200)
    client.force_login(quality_manager)
    url = reverse("actionplans:action-list")
    _warm_up(client, url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.content.count(b'data-action-id="') == 1
    (page,) = [
        q["sql"] for q in queries if q["sql"].startswith('SELECT "actionplans_action"."id"') and "LIMIT" in q["sql"]
    ]
    selected = set(re.findall(r'"(\w+)"\."(\w+)"', page.split(" FROM ")[0]))
    tables = {table for table, _column in selected}
    assert tables == {
        "actionplans_action",
        "actionplans_actionplan",
        "actionplans_objective",
        "actionplans_axis",
        "core_user",
    }
    assert not {column for _table, column in selected} & {"description", "expected_result", "indicator", "password"}


@pytest.mark.parametrize("count", [10, 500])
def test_the_plan_list_runs_a_fixed_number_of_queries(
    client, org, quality_manager, count, django_assert_max_num_queries
):
    for n in range(count // 10):
        plan = services.plan_create(title=f"Plan {n}", org_unit=org.sciences, by=quality_manager)
        _bulk_actions(plan, 10)
    client.force_login(quality_manager)
    url = reverse("actionplans:plan-list")
    _warm_up(client, url)
    with django_assert_max_num_queries(PLAN_LIST_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.count(b'data-plan="') == count // 10
    # Each plan's counts are shown (cancelled actions left out), from the list's own query.
    assert response.content.count(b"2 / 9") == count // 10


@pytest.mark.parametrize("count", [10, 500])
def test_my_actions_runs_a_fixed_number_of_queries(client, plan, teacher, count, django_assert_max_num_queries):
    _bulk_actions(plan, count, owner=teacher)
    client.force_login(teacher)
    url = reverse("actionplans:my-actions")
    _warm_up(client, url)
    with django_assert_max_num_queries(MY_ACTIONS_QUERIES):
        response = client.get(url)
    assert response.content.count(b'data-action-id="') == min(count, 100)


def _answering_every_kind_of_source(plan, count, *, org, teacher, tag: str) -> None:
    """``count`` actions answering each kind of source that reads relations to be described (a council decision,
    an audit finding, a risk, a campaign, another action), each source of its own council, audit or process."""
    from django.contrib.contenttypes.models import ContentType

    from actionplans.models import ActionSource
    from certifications.models import Finding
    from certifications.tests.factories import AuditFactory, GradeFactory
    from processes.tests.factories import RiskFactory
    from qms.core.factories import AcademicYearFactory, ProgrammeFactory
    from surveys.models import Council, CouncilDecision
    from surveys.tests.factories import CampaignFactory

    year = AcademicYearFactory(
        name=f"2025-2026 {tag}", start_date=datetime.date(2025, 9, 1), end_date=datetime.date(2026, 8, 31)
    )
    first = Action.objects.create(plan=plan, reference=f"A-{tag}", title="Première action", owner=teacher)
    made = []
    for n in range(count):
        programme = ProgrammeFactory(code=f"L-{tag}{n}", name=f"Licence {n}", org_unit=org.physics)
        council = Council.objects.create(academic_year=year)
        council.programmes.add(programme)
        decision = CouncilDecision.objects.create(council=council, programme=programme, number=1, text="Revoir")
        audit = AuditFactory()
        grade = GradeFactory(framework=audit.framework, code=f"NC{tag}{n}", label="Non-conformité")
        finding = Finding.objects.create(audit=audit, reference=f"NC{n}", grade=grade, description="Écart")
        campaign = CampaignFactory(academic_year=year, org_unit=org.physics)
        made += [decision, finding, RiskFactory(process__org_unit=org.physics), campaign, first]
    for n, source in enumerate(made):
        action = Action.objects.create(
            plan=plan, reference=f"S-{tag}{n:03d}", title=f"Réponse {n}", owner=teacher, org_unit=org.physics
        )
        ActionSource.objects.create(
            action=action, content_type=ContentType.objects.get_for_model(source), object_id=source.pk
        )


@pytest.mark.parametrize("viewer", ["quality_manager", "referent_sciences"])
def test_the_action_list_describes_its_sources_in_a_fixed_number_of_queries(
    client, plan, org, teacher, viewer, request, django_assert_num_queries
):
    """Each source is described with what it reads (its council's year, its audit …) and checked once per kind:
    the query count does not grow with the rows (it did: four queries per council decision)."""
    user = request.getfixturevalue(viewer)
    client.force_login(user)
    url = reverse("actionplans:action-list")
    _answering_every_kind_of_source(plan, 1, org=org, teacher=teacher, tag="a")
    _warm_up(client, url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    shown = response.content.count(b'data-action-id="')
    _answering_every_kind_of_source(plan, 4, org=org, teacher=teacher, tag="b")
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    assert response.content.count(b'data-action-id="') > shown


@pytest.mark.parametrize("viewer", ["quality_manager", "referent_sciences", "teacher"])
def test_a_page_of_sources_is_described_as_each_one_alone_would_be(plan, org, teacher, viewer, request):
    """``visible`` (one query for a page) agrees with ``can_open`` (one object): the same text and link for all."""
    from actionplans.models import ActionSource
    from qms.core import sources

    user = request.getfixturevalue(viewer)
    _answering_every_kind_of_source(plan, 2, org=org, teacher=teacher, tag="c")
    objs = [link.source for link in ActionSource.objects.all()]
    assert len({sources.key(obj) for obj in objs}) == 5
    alone = {(sources.key(obj), obj.pk): sources.describe(obj, user) for obj in objs}
    assert sources.describe_many(objs, user) == alone
    if viewer == "quality_manager":
        assert all(description.url for description in alone.values())
