"""The plan page at a large university's size: a plan of 1,600 actions opens folded by axis, its roll-ups still
exact at every level, in a page under 200 KB and a fixed number of queries; an axis opens a page at a time."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from actionplans import services
from actionplans.choices import ActionStatus
from actionplans.models import Action
from actionplans.selectors import (
    ACTIONS_PER_PAGE,
    LOOSE_KEY,
    UNFILED_KEY,
    UNFOLDED_MAX,
    plan_outline,
    plan_tree,
)
from actionplans.tests.factories import ActionPlanFactory, AxisFactory, ObjectiveFactory
from qms.core.tests.html import parse

TODAY = datetime.date(2026, 3, 16)
HTML_BUDGET = 200_000
STATUSES = [
    ActionStatus.PLANNED,
    ActionStatus.IN_PROGRESS,
    ActionStatus.DONE,
    ActionStatus.PLANNED,
    ActionStatus.CANCELLED,
]


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def build(plan, count: int, *, axes: int = 5, objectives: int = 4, loose: int = 0, unfiled: int = 0) -> None:
    """``count`` actions over ``axes`` × ``objectives`` objectives (every status, some late, some undated), plus
    ``loose`` of them in an objective outside any axis and ``unfiled`` outside any objective."""
    nodes = []
    for a in range(axes):
        axis = AxisFactory(plan=plan, code=str(a + 1), title=f"Axe {a + 1}", order=a + 1)
        nodes += [
            ObjectiveFactory(plan=plan, axis=axis, title=f"Objectif {a + 1}.{o + 1}", order=o + 1)
            for o in range(objectives)
        ]
    outside = ObjectiveFactory(plan=plan, axis=None, title="Objectif transversal") if loose else None
    rows = []
    for n in range(count):
        if n < loose:
            objective = outside
        elif n < loose + unfiled:
            objective = None
        else:
            objective = nodes[n % len(nodes)]
        status = STATUSES[n % len(STATUSES)]
        deadline = None if n % 11 == 0 else TODAY + datetime.timedelta(days=(-20 if n % 3 == 0 else 40) + n % 5)
        rows.append(
            Action(
                plan=plan,
                objective=objective,
                reference=f"A-{n:04d}",
                position=n,
                title=f"Action numéro {n} du plan d'amélioration",
                status=status,
                deadline=deadline,
                progress=100 if status == ActionStatus.DONE else (n * 7) % 100,
                completed_on=TODAY if status == ActionStatus.DONE else None,
            )
        )
    Action.objects.bulk_create(rows)


def figures(rollup) -> tuple:
    return (rollup.total, rollup.done, rollup.in_progress, rollup.late, rollup.cancelled)


@pytest.fixture
def quality_manager(quality_manager):
    """The quality manager, reading the pages in English as the assertions are written."""
    quality_manager.language = "en"
    quality_manager.save(update_fields=["language"])
    return quality_manager


@pytest.fixture
def big_plan(quality_manager):
    plan = ActionPlanFactory(title="Plan de 1 600 actions", owner=quality_manager)
    build(plan, 1600, loose=30, unfiled=20)
    return plan


def test_the_outline_counts_what_the_tree_counts_at_every_level(big_plan):
    tree, outline = plan_tree(big_plan), plan_outline(big_plan)
    assert figures(outline.rollup) == figures(tree.rollup)
    assert outline.count == 1600 and tree.rollup.cancelled > 0 and tree.rollup.late > 0
    assert len(outline.axes) == len(tree.axes) == 6  # five axes and the objectives outside any axis
    for mine, theirs in zip(outline.axes, tree.axes, strict=True):
        assert figures(mine.rollup) == figures(theirs.rollup)
        for node, other in zip(mine.objectives, theirs.objectives, strict=True):
            assert node.objective == other.objective
            assert figures(node.rollup) == figures(other.rollup)
    assert figures(outline.unfiled.rollup) == figures(tree.unfiled.rollup)
    assert (outline.axes[-1].key, outline.unfiled.key) == (LOOSE_KEY, UNFILED_KEY)


def test_a_plan_of_1600_actions_opens_folded_with_its_figures_in_a_small_page(
    client, big_plan, quality_manager, django_assert_max_num_queries
):
    client.force_login(quality_manager)
    url = reverse("actionplans:plan-detail", args=[big_plan.pk])
    client.get(url)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.content) < HTML_BUDGET, len(response.content)
    page = parse(response)
    assert page.all("tr[data-action-id]") == []
    assert page.all("[data-plan-folded]")
    tree = plan_tree(big_plan)
    # The plan's, each axis's and each objective's figures count all 1,600 actions.
    plan_figures = page.one("[aria-label] > .qms-rollup")
    assert (plan_figures.get("data-total"), plan_figures.get("data-done"), plan_figures.get("data-late")) == (
        str(tree.rollup.total),
        str(tree.rollup.done),
        str(tree.rollup.late),
    )
    for node in tree.axes:
        key = str(node.axis.pk) if node.axis else LOOSE_KEY
        section = page.one(f"section[data-section='{key}']")
        assert section.get("data-folded") == ""
        rollup = section.one(".card-header .qms-rollup")
        assert (rollup.get("data-total"), rollup.get("data-late")) == (str(node.rollup.total), str(node.rollup.late))
        count = node.rollup.total + node.rollup.cancelled
        link = section.one(f"a[data-unfold='{key}']")
        assert link.get("href") == f"?axis={key}#axis-{key}"
        assert f"Show its {count} actions" in link.text
        for objective_node in node.objectives:
            objective = section.one(f"section[data-objective='{objective_node.objective.pk}'] .qms-rollup")
            assert objective.get("data-total") == str(objective_node.rollup.total)
    unfiled = page.one(f"section[data-section='{UNFILED_KEY}']")
    assert unfiled.one(".qms-rollup").get("data-total") == str(tree.unfiled.rollup.total)


def test_an_axis_opens_a_page_of_actions_at_a_time(client, big_plan, quality_manager):
    client.force_login(quality_manager)
    axis = big_plan.axes.order_by("order").first()
    url = reverse("actionplans:plan-detail", args=[big_plan.pk])
    in_axis = list(
        big_plan.actions.filter(objective__axis=axis).order_by("objective__order", "objective_id", "position", "pk")
    )
    assert len(in_axis) > 2 * ACTIONS_PER_PAGE

    response = client.get(url, {"axis": axis.pk})
    assert len(response.content) < HTML_BUDGET, len(response.content)
    page = parse(response)
    shown = [int(row.get("data-action-id")) for row in page.all("tr[data-action-id]")]
    assert shown == [action.pk for action in in_axis[:ACTIONS_PER_PAGE]]
    section = page.one(f"section[data-section='{axis.pk}']")
    assert section.get("data-folded") is None
    assert section.one(f"a[data-fold='{axis.pk}']").get("href") == f"{url}#axis-{axis.pk}"
    # Every other section stays folded.
    assert len(page.all("section[data-folded]")) == len(page.all("section[data-section]")) - 1
    # Every table of actions says what it lists.
    for table in page.all("table"):
        assert table.one("caption").text.startswith("Actions of the objective")
    next_link = section.one("nav a[rel=next]")
    assert next_link.get("href") == f"?axis={axis.pk}&page=2#axis-{axis.pk}"

    last = (len(in_axis) - 1) // ACTIONS_PER_PAGE + 1
    page = parse(client.get(url, {"axis": axis.pk, "page": last}))
    shown = [int(row.get("data-action-id")) for row in page.all("tr[data-action-id]")]
    assert shown == [action.pk for action in in_axis[(last - 1) * ACTIONS_PER_PAGE :]]
    assert page.all("nav a[rel=next]") == []


def test_the_actions_outside_any_objective_open_as_a_section(client, big_plan, quality_manager):
    client.force_login(quality_manager)
    page = parse(client.get(reverse("actionplans:plan-detail", args=[big_plan.pk]), {"axis": UNFILED_KEY}))
    expected = list(big_plan.actions.filter(objective__isnull=True).order_by("position", "pk"))
    assert [int(row.get("data-action-id")) for row in page.all("tr[data-action-id]")] == [a.pk for a in expected]


def test_an_unknown_section_or_page_opens_the_plan_folded(client, big_plan, quality_manager):
    client.force_login(quality_manager)
    url = reverse("actionplans:plan-detail", args=[big_plan.pk])
    for query in ({"axis": "999999"}, {"axis": "x"}, {"page": "zz"}):
        response = client.get(url, query)
        assert response.status_code == 200
        assert b'data-action-id="' not in response.content
    axis = big_plan.axes.first()
    response = client.get(url, {"axis": axis.pk, "page": "9999"})  # past the end: the last page
    assert response.status_code == 200 and b'data-action-id="' in response.content


def test_a_plan_within_the_limit_shows_every_action(client, quality_manager):
    plan = ActionPlanFactory(owner=quality_manager)
    build(plan, UNFOLDED_MAX, axes=2, objectives=2, unfiled=3)
    client.force_login(quality_manager)
    page = parse(client.get(reverse("actionplans:plan-detail", args=[plan.pk])))
    assert len(page.all("tr[data-action-id]")) == UNFOLDED_MAX
    assert page.all("[data-folded]") == [] and page.all("[data-unfold]") == []
    assert page.all("[data-plan-folded]") == []


def test_the_progress_of_a_new_action_counts_in_its_objective_on_the_page(client, plan, make_action, quality_manager):
    action = make_action()
    services.action_add_update(action=action, by=quality_manager, progress=40)
    client.force_login(quality_manager)
    page = parse(client.get(reverse("actionplans:plan-detail", args=[plan.pk])))
    row = page.one(f"tr[data-action-id='{action.pk}']")
    assert row.one("[role=progressbar]").get("aria-valuenow") == "40"
    assert row.one(".qms-progress-label").text == "40 %"


def test_the_plan_page_reads_only_what_its_rows_show(client, plan, make_action, quality_manager, teacher, org):
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from processes.choices import ProcessType
    from processes.models import Process

    process = Process.objects.create(code="M2", name="Qualité", type=ProcessType.MANAGEMENT)
    action = make_action(owner=teacher, org_unit=org.physics, process=process, description="Long " * 500)
    client.force_login(quality_manager)
    url = reverse("actionplans:plan-detail", args=[plan.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = parse(client.get(url))
    row = page.one(f"tr[data-action-id='{action.pk}']")
    assert action.title in row.text and str(teacher) in row.text
    (rows,) = [q["sql"] for q in queries if q["sql"].startswith('SELECT "actionplans_action"."id"')]
    selected = set(re.findall(r'"(\w+)"\."(\w+)"', rows.split(" FROM ")[0]))
    assert {table for table, _column in selected} == {"actionplans_action", "core_user"}
    assert not {column for _table, column in selected} & {"description", "expected_result", "indicator", "password"}


# --- Every list page speaks the same names to the shared includes ------------------------------------------------


@pytest.mark.parametrize("name", ["actionplans:plan-list", "actionplans:action-list", "actionplans:my-actions"])
def test_list_pages_give_the_includes_their_usual_names(client, quality_manager, name):
    ActionPlanFactory(owner=quality_manager)
    client.force_login(quality_manager)
    response = client.get(reverse(name), {"page": "1", "status": ""})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1
    assert response.context["query_string"] == "status="  # the filters, never the page
    if name != "actionplans:my-actions":
        assert response.context["filterset"].form is not None
    page = parse(response)
    for table in page.all("table"):
        assert table.one("caption").text
