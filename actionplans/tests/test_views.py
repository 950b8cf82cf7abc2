"""The pages: lists and their filters, the plan tree, the action page, and the forms behind them."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionplans import services
from actionplans.choices import ActionKind, ActionStatus, EffectivenessResult, PlanStatus
from actionplans.models import Action, ActionPlan
from processes.choices import ProcessType
from processes.models import Process

TODAY = datetime.date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def _ids(response):
    return [int(pk) for pk in response.content.decode().split('data-action-id="')[1:] for pk in [pk.split('"')[0]]]


# --- Plans --------------------------------------------------------------------------------------------------


def test_the_plan_list_shows_progress_and_filters(client, plan, make_action, quality_manager, org):
    make_action(deadline=TODAY - datetime.timedelta(days=3))
    other = services.plan_create(
        title="Plan stratégique Lettres", org_unit=org.letters, by=quality_manager, status=PlanStatus.DRAFT
    )
    client.force_login(quality_manager)
    page = client.get(reverse("actionplans:plan-list")).content.decode()
    assert f'data-plan="{plan.pk}"' in page and f'data-plan="{other.pk}"' in page
    assert "0 / 1" in page
    filtered = client.get(reverse("actionplans:plan-list"), {"status": "draft"}).content.decode()
    assert f'data-plan="{other.pk}"' in filtered and f'data-plan="{plan.pk}"' not in filtered
    by_unit = client.get(reverse("actionplans:plan-list"), {"org_unit": org.sciences.pk}).content.decode()
    assert f'data-plan="{plan.pk}"' in by_unit and f'data-plan="{other.pk}"' not in by_unit


def test_the_plan_page_shows_the_tree_with_badges(client, plan, make_action, quality_manager):
    make_action(title="<script>alert(1)</script>", deadline=TODAY - datetime.timedelta(days=1))
    client.force_login(quality_manager)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Gouvernance" in page
    assert "Poursuivre la formalisation du système d&#x27;assurance qualité" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert 'data-late="1"' in page
    assert 'data-total="1" data-done="0" data-late="1"' in page


def test_titles_written_in_french_say_so_on_english_pages(client, plan, make_action, quality_manager):
    """RGAA 8.7: a plan's, an axis's, an objective's and an action's titles are written in the institution's
    language; on an English page they carry lang="fr", so that a screen reader reads them with a French voice."""
    from qms.core.tests.html import parse

    action = make_action(title="Former les référents")
    quality_manager.language = "en"
    quality_manager.save(update_fields=["language"])
    client.force_login(quality_manager)

    page = parse(client.get(plan.get_absolute_url()))
    assert page.one("html").get("lang") == "en"
    assert page.one("main h1").get("lang") == "fr"
    assert page.one("h1").text == plan.title
    assert {element.text for element in page.all("main [lang=fr]")} >= {
        plan.title,
        "Gouvernance",
        action.title,
        action.objective.title,
    }
    detail = parse(client.get(action.get_absolute_url()))
    assert detail.one("main h1 [lang=fr]").text == action.title
    listing = parse(client.get(reverse("actionplans:plan-list")))
    assert listing.one(f"tr[data-plan='{plan.pk}'] a[lang=fr]").text == plan.title

    # In French, nothing to say.
    quality_manager.language = "fr"
    quality_manager.save(update_fields=["language"])
    assert parse(client.get(plan.get_absolute_url())).all("main [lang]") == []


def test_titles_breadcrumbs_units_and_the_timeline_say_french_on_english_pages(
    client, plan, make_action, quality_manager, org
):
    """RGAA 8.7, the rest of the plans' pages: a <title> that is wholly a plan's or an action's title, the plan in
    the breadcrumbs, the unit of a plan or an action (in lists, on its page and in the unit filter) and the labels
    of the timeline carry lang="fr" on an English page, and nothing on a French one."""
    from qms.core.tests.html import parse

    action = make_action(
        title="Former les référents", org_unit=org.physics, deadline=TODAY - datetime.timedelta(days=2)
    )
    quality_manager.language = "en"
    quality_manager.save(update_fields=["language"])
    client.force_login(quality_manager)

    page = parse(client.get(plan.get_absolute_url()))
    assert page.one("head title").get("lang") == "fr"
    assert page.one("head title").text.startswith(f"{plan.title} · ")
    assert page.one(".breadcrumb-item.active").get("lang") == "fr"
    assert page.one("main h1 + p [lang=fr]").text == "UFR Sciences"

    detail = parse(client.get(action.get_absolute_url()))
    assert detail.one("head title").get("lang") == "fr"
    assert detail.one(f".breadcrumb a[href='{plan.get_absolute_url()}']").get("lang") == "fr"
    assert "Département de physique" in {element.text for element in detail.all("main dd[lang=fr]")}

    # A title mixing translated words with the plan's keeps the page's language.
    timeline = parse(client.get(reverse("actionplans:plan-timeline", args=[plan.pk])))
    assert timeline.one("head title").get("lang") is None
    assert timeline.one(f".breadcrumb a[href='{plan.get_absolute_url()}']").get("lang") == "fr"
    label = timeline.one("svg text.label")
    assert (label.get("lang"), label.text) == ("fr", f"{action.reference} Former les référents")

    listing = parse(client.get(reverse("actionplans:plan-list")))
    assert listing.one("head title").get("lang") is None
    # The title, then the unit in the line folded for narrow screens and in its column.
    assert [cell.text for cell in listing.all(f"tr[data-plan='{plan.pk}'] [lang=fr]")] == [
        plan.title,
        "UFR Sciences",
        "UFR Sciences",
    ]
    options = listing.all("select[name=org_unit] option")
    assert options[0].get("value") == "" and options[0].get("lang") is None
    assert {option.text for option in options if option.get("lang") == "fr"} >= {"UFR Sciences", "UFR Lettres"}

    # In French, nothing to say.
    quality_manager.language = "fr"
    quality_manager.save(update_fields=["language"])
    for url in (plan.get_absolute_url(), action.get_absolute_url(), reverse("actionplans:plan-list")):
        french = parse(client.get(url))
        assert french.one("head title").get("lang") is None
        assert french.all("main [lang]") == [], url
    french_timeline = parse(client.get(reverse("actionplans:plan-timeline", args=[plan.pk])))
    assert french_timeline.one("svg text.label").get("lang") is None


def test_the_home_pages_late_actions_say_french_on_an_english_page(client, plan, make_action, quality_manager):
    """The "My late actions" panel of the home page: each action and its plan carry lang="fr" in English."""
    from qms.core.tests.html import parse

    action = make_action(
        title="Former les référents", owner=quality_manager, deadline=TODAY - datetime.timedelta(days=2)
    )
    quality_manager.language = "en"
    quality_manager.save(update_fields=["language"])
    client.force_login(quality_manager)

    panel = parse(client.get(reverse("core:home"))).one("[data-panel='actionplans.my-work']")
    assert [element.text for element in panel.all("[data-my-late] [lang=fr]")] == [str(action), plan.title]

    quality_manager.language = "fr"
    quality_manager.save(update_fields=["language"])
    panel = parse(client.get(reverse("core:home"))).one("[data-panel='actionplans.my-work']")
    assert panel.all("[lang]") == []


def test_the_home_pages_actions_panel_joins_only_the_plan(client, plan, make_action, quality_manager):
    """The "My actions" panel reads its two lists with their plan alone: joining the seven tables of the action list
    costs PostgreSQL more to plan than the rest of the query, on every home page. Its queries do not grow with
    the rows either."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qms.core.tests.html import parse

    def home():
        with CaptureQueriesContext(connection) as queries:
            page = parse(client.get(reverse("core:home"))).one("[data-panel='actionplans.my-work']")
        panel_sql = [query["sql"] for query in queries.captured_queries if 'FROM "actionplans_action"' in query["sql"]]
        return page, len(queries.captured_queries), panel_sql

    late = make_action(title="Former les référents", owner=quality_manager, deadline=TODAY - datetime.timedelta(days=2))
    done = make_action(title="Mesurer la satisfaction", owner=quality_manager, deadline=TODAY)
    Action.objects.filter(pk=done.pk).update(
        status=ActionStatus.DONE, effectiveness_due=TODAY + datetime.timedelta(days=5)
    )
    client.force_login(quality_manager)
    client.get(reverse("core:home"))

    panel, count, panel_sql = home()
    assert [element.text for element in panel.all("[data-my-late] li > a")] == [str(late)]
    assert [element.text for element in panel.all("[data-my-checks] li > a")] == [str(done)]
    assert panel.text.count(plan.title) == 2
    assert len(panel_sql) == 2
    for sql in panel_sql:
        assert '"actionplans_actionplan"' in sql
        for table in ("actionplans_objective", "actionplans_axis", "core_orgunit", "processes_process"):
            assert f'JOIN "{table}"' not in sql, sql

    for number in range(3):
        make_action(title=f"Action {number}", owner=quality_manager, deadline=TODAY - datetime.timedelta(days=3))
    assert home()[1] == count


# The loops {% my_work_items %} replaces in actionplans/_my_work_panel.html.
MY_LATE_ITEM = """{% load i18n qms_layout %}{% for action in late %}
        <li class="mb-1"><a href="{{ action.get_absolute_url }}"{% content_lang %}>{{ action }}</a>
          <span class="small text-body-secondary">— <span{% content_lang %}>{{ action.plan }}</span> · {% blocktranslate trimmed with date=action.deadline|date:"SHORT_DATE_FORMAT" %}due {{ date }}{% endblocktranslate %}</span></li>
      {% endfor %}"""  # noqa: E501
MY_CHECK_ITEM = """{% load i18n qms_layout %}{% for action in checks %}
        <li class="mb-1"><a href="{% url 'actionplans:action-effectiveness' action.pk %}"{% content_lang %}>{{ action }}</a>
          <span class="small text-body-secondary">— <span{% content_lang %}>{{ action.plan }}</span> · {% blocktranslate trimmed with date=action.effectiveness_due|date:"SHORT_DATE_FORMAT" %}check by {{ date }}{% endblocktranslate %}</span>{% if action.effectiveness_due < today %} <span class="badge text-bg-danger">{% translate "overdue" %}</span>{% endif %}</li>
      {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_home_panels_items_written_in_python_are_the_template_markup_they_replace(
    plan, make_action, quality_manager, language
):
    from django.template import engines
    from django.utils import translation

    from actionplans.selectors import my_checks_due, my_late_actions
    from qms.core.tests.html import same_markup

    make_action(title="Former <les> référents & co", owner=quality_manager, deadline=TODAY - datetime.timedelta(days=2))
    make_action(title="Réviser la charte", owner=quality_manager, deadline=TODAY - datetime.timedelta(days=9))
    for days, title in ((-3, "Mesurer la satisfaction"), (5, "Suivre les abandons")):
        done = make_action(title=title, owner=quality_manager, deadline=TODAY)
        Action.objects.filter(pk=done.pk).update(
            status=ActionStatus.DONE, effectiveness_due=TODAY + datetime.timedelta(days=days)
        )
    engine = engines["django"]
    with translation.override(language):
        late, checks = list(my_late_actions(quality_manager, TODAY)), list(my_checks_due(quality_manager, TODAY))
        assert len(late) == 2 and len(checks) == 2
        context = {"late": late, "checks": checks, "today": TODAY}
        pairs = [
            (MY_LATE_ITEM, "{% load action_tables %}{% my_work_items late %}"),
            (MY_CHECK_ITEM, "{% load action_tables %}{% my_work_items checks checks=True today=today %}"),
        ]
        for reference, fast in pairs:
            expected = engine.from_string(reference).render(context)
            written = engine.from_string(fast).render(context)
            assert same_markup(written) == same_markup(expected)
            assert written.count("<li ") == 2
    assert "Former &lt;les&gt; référents &amp; co" in same_markup(engine.from_string(pairs[0][1]).render(context))


def test_the_home_pages_panel_of_my_actions_reads_only_what_it_lists(client, plan, make_action, quality_manager):
    """The panel is on every visit of the home page: its late actions and checks are read without the long texts,
    the unit and the process that a table of actions joins."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qms.core.tests.html import parse

    late = make_action(title="Former les référents", owner=quality_manager, deadline=TODAY - datetime.timedelta(days=2))
    done = make_action(title="Réviser la charte", owner=quality_manager, description="Long " * 500)
    Action.objects.filter(pk=done.pk).update(status=ActionStatus.DONE, effectiveness_due=TODAY)
    client.force_login(quality_manager)
    client.get(reverse("core:home"))
    with CaptureQueriesContext(connection) as queries:
        panel = parse(client.get(reverse("core:home"))).one("[data-panel='actionplans.my-work']")

    assert [element.text for element in panel.all("[data-my-late] a")] == [str(late)]
    assert [element.text for element in panel.all("[data-my-checks] a")] == [str(done)]
    listed = [
        q["sql"] for q in queries if q["sql"].startswith('SELECT "actionplans_action"."id"') and "LIMIT" in q["sql"]
    ]
    assert len(listed) == 2
    for sql in listed:
        selected = set(re.findall(r'"(\w+)"\."(\w+)"', sql.split(" FROM ")[0]))
        assert {table for table, _column in selected} == {"actionplans_action", "actionplans_actionplan"}
        assert not {column for _table, column in selected} & {"description", "expected_result", "indicator"}


def test_a_quality_manager_creates_a_plan_for_any_unit(client, quality_manager, org):
    client.force_login(quality_manager)
    response = client.post(
        reverse("actionplans:plan-create"),
        {
            "title": "Plan qualité Lettres",
            "kind": "quality",
            "status": "active",
            "org_unit": org.letters.pk,
            "owner": quality_manager.pk,
            "source": "Audit 2025",
        },
    )
    plan = ActionPlan.objects.get(title="Plan qualité Lettres")
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert (plan.org_unit, plan.created_by) == (org.letters, quality_manager)


def test_a_second_active_continuous_improvement_plan_is_refused_on_the_form(client, quality_manager, org):
    services.continuous_improvement_plan_for(org_unit=org.letters, by=quality_manager)
    client.force_login(quality_manager)
    response = client.post(
        reverse("actionplans:plan-create"),
        {
            "title": "Amélioration continue bis",
            "kind": "continuous_improvement",
            "status": "active",
            "org_unit": org.letters.pk,
            "owner": quality_manager.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not ActionPlan.objects.filter(title="Amélioration continue bis").exists()


def test_a_referent_creates_plans_only_for_their_units(client, referent_sciences, org):
    client.force_login(referent_sciences)
    data = {"title": "Plan Lettres", "kind": "programme", "status": "active", "org_unit": org.letters.pk}
    response = client.post(reverse("actionplans:plan-create"), data)
    assert response.status_code == 200 and not ActionPlan.objects.exists()
    response = client.post(reverse("actionplans:plan-create"), {**data, "org_unit": org.physics.pk, "title": "P"})
    plan = ActionPlan.objects.get()
    assert (plan.org_unit, plan.owner) == (org.physics, referent_sciences)
    assert client.get(plan.get_absolute_url()).status_code == 200
    assert client.get(reverse("actionplans:plan-edit", args=[plan.pk])).status_code == 200


def test_a_refused_plan_edit_leaves_the_page_showing_the_plan_as_saved(client, plan, quality_manager):
    client.force_login(quality_manager)
    data = {
        "title": "Nouveau titre",
        "kind": plan.kind,
        "status": "active",
        "org_unit": plan.org_unit_id,
        "period_start": "2026-01-01",
        "period_end": "2025-01-01",
    }
    response = client.post(reverse("actionplans:plan-edit", args=[plan.pk]), data)
    assert response.status_code == 200 and response.context["form"].errors
    assert response.context["plan"].title == "Plan AEQES Sciences"  # the breadcrumb's, not the input's


def test_editing_a_plan(client, plan, quality_manager, director):
    client.force_login(quality_manager)
    response = client.post(
        reverse("actionplans:plan-edit", args=[plan.pk]),
        {
            "title": "Plan AEQES Sciences 2026",
            "kind": plan.kind,
            "status": "closed",
            "org_unit": plan.org_unit_id,
            "owner": director.pk,
            "period_start": "2026-01-01",
            "period_end": "2025-01-01",
        },
    )
    assert response.status_code == 200  # the period ends before it starts
    response = client.post(
        reverse("actionplans:plan-edit", args=[plan.pk]),
        {
            "title": "Plan AEQES Sciences 2026",
            "kind": plan.kind,
            "status": "closed",
            "org_unit": plan.org_unit_id,
            "owner": director.pk,
        },
    )
    plan.refresh_from_db()
    assert (plan.title, plan.status, plan.owner) == ("Plan AEQES Sciences 2026", PlanStatus.CLOSED, director)


def test_the_tree_is_edited_from_its_pages(client, plan, quality_manager):
    client.force_login(quality_manager)
    client.post(reverse("actionplans:axis-create", args=[plan.pk]), {"code": "Q", "title": "Qualité"})
    axis = plan.axes.get(title="Qualité")
    client.post(
        reverse("actionplans:axis-edit", args=[plan.pk, axis.pk]), {"code": "2", "title": "Qualité ", "order": 5}
    )
    axis.refresh_from_db()
    assert (axis.code, axis.order) == ("2", 5)
    client.post(reverse("actionplans:objective-create", args=[plan.pk]), {"axis": axis.pk, "title": "Culture"})
    objective = plan.objectives.get(title="Culture")
    assert objective.axis == axis
    client.post(
        reverse("actionplans:objective-edit", args=[plan.pk, objective.pk]), {"axis": "", "title": "Culture qualité"}
    )
    objective.refresh_from_db()
    assert (objective.axis, objective.title) == (None, "Culture qualité")
    response = client.post(reverse("actionplans:axis-create", args=[plan.pk]), {"title": "gouvernance"})
    assert response.status_code == 200 and plan.axes.count() == 2


def test_an_objective_of_another_plan_is_not_found(client, plan, quality_manager):
    other = services.plan_create(title="Autre", by=quality_manager)
    client.force_login(quality_manager)
    objective = plan.objectives.get()
    url = reverse("actionplans:objective-edit", args=[other.pk, objective.pk])
    assert client.get(url).status_code == 404


# --- Actions ------------------------------------------------------------------------------------------------


def test_creating_an_action_from_its_plan(client, plan, objective, quality_manager, teacher):
    client.force_login(quality_manager)
    url = reverse("actionplans:action-create", args=[plan.pk])
    assert f'value="{objective.pk}" selected' in client.get(url, {"objective": objective.pk}).content.decode()
    response = client.post(
        url,
        {
            "objective": objective.pk,
            "title": "Former les pilotes",
            "kind": "improvement",
            "priority": "high",
            "owner": teacher.pk,
            "deadline": "2026-06-30",
            "org_unit": plan.org_unit_id,
        },
    )
    action = Action.objects.get()
    assert response["Location"] == action.get_absolute_url()
    assert (action.reference, action.objective, action.owner, action.kind) == (
        "A-001",
        objective,
        teacher,
        ActionKind.IMPROVEMENT,
    )


def test_the_action_form_refuses_a_deadline_before_the_start(client, plan, quality_manager):
    client.force_login(quality_manager)
    response = client.post(
        reverse("actionplans:action-create", args=[plan.pk]),
        {
            "title": "X",
            "kind": "improvement",
            "priority": "normal",
            "start_date": "2026-06-30",
            "deadline": "2026-01-01",
        },
    )
    assert response.status_code == 200 and not Action.objects.exists()


def test_editing_an_action(client, make_action, quality_manager):
    action = make_action()
    client.force_login(quality_manager)
    response = client.post(
        reverse("actionplans:action-edit", args=[action.pk]),
        {
            "objective": action.objective_id,
            "reference": "1.1.1",
            "title": "Nouveau titre",
            "kind": "corrective",
            "priority": "normal",
            "deadline": "2026-12-31",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.reference, action.title, action.deadline) == ("1.1.1", "Nouveau titre", datetime.date(2026, 12, 31))


def test_a_referent_cannot_move_an_action_out_of_the_plans_units(client, make_action, referent_sciences, org):
    action = make_action(org_unit=org.physics)
    client.force_login(referent_sciences)
    data = {
        "objective": action.objective_id,
        "reference": action.reference,
        "title": action.title,
        "kind": "corrective",
        "priority": "normal",
        "deadline": "2026-12-31",
    }
    refused = client.post(reverse("actionplans:action-edit", args=[action.pk]), {**data, "org_unit": org.letters.pk})
    assert refused.status_code == 200
    assert "org_unit" in refused.context["form"].errors
    action.refresh_from_db()
    assert action.org_unit == org.physics
    # Within the plan's unit (UFR Sciences and its departments) the move is allowed.
    moved = client.post(reverse("actionplans:action-edit", args=[action.pk]), {**data, "org_unit": org.sciences.pk})
    assert moved.status_code == 302
    action.refresh_from_db()
    assert action.org_unit == org.sciences


def test_the_owner_reports_progress_with_evidence(client, make_action, teacher):
    action = make_action(owner=teacher)
    client.force_login(teacher)
    pdf = SimpleUploadedFile("compte-rendu.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    response = client.post(
        reverse("actionplans:action-update-add", args=[action.pk]),
        {
            "comment": "Réunion tenue",
            "progress": 40,
            "files": [pdf],
            "links": "https://intranet.example.edu/cr Compte rendu\nhttps://example.edu/annexe",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.IN_PROGRESS, 40)
    evidence = list(action.updates.get().evidence.all())
    assert [e.label for e in evidence] == ["compte-rendu.pdf", "Compte rendu", ""]
    page = client.get(action.get_absolute_url()).content.decode()
    assert reverse("actionplans:evidence-download", args=[evidence[0].pk]) in page
    assert 'href="https://intranet.example.edu/cr"' in page


def test_a_file_whose_content_is_not_a_document_is_refused(client, make_action, teacher):
    action = make_action(owner=teacher)
    client.force_login(teacher)
    fake = SimpleUploadedFile("rapport.pdf", b"MZ\x90\x00\x03 this is an executable", content_type="application/pdf")
    response = client.post(reverse("actionplans:action-update-add", args=[action.pk]), {"files": [fake]})
    assert response.status_code == 200
    assert not action.updates.exists()


def test_a_link_must_be_a_web_address(client, make_action, teacher):
    action = make_action(owner=teacher)
    client.force_login(teacher)
    response = client.post(reverse("actionplans:action-update-add", args=[action.pk]), {"links": "javascript:alert(1)"})
    assert response.status_code == 200 and not action.updates.exists()


def test_moving_the_status_from_the_action_page(client, make_action, quality_manager):
    action = make_action()
    client.force_login(quality_manager)
    url = reverse("actionplans:action-transition", args=[action.pk])
    response = client.post(url, {"to": "cancelled"})
    assert response.status_code == 200  # a reason is required
    response = client.post(url, {"to": "done", "completed_on": "2026-03-10"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.completed_on) == (ActionStatus.DONE, datetime.date(2026, 3, 10))
    response = client.post(url, {"to": "planned"})
    assert response.status_code == 200  # not offered from "done"


def test_a_not_effective_check_starts_a_follow_up_from_its_page(client, make_action, quality_manager, teacher):
    action = make_action(owner=teacher)
    services.action_transition(action=action, to=ActionStatus.DONE, by=teacher)
    client.force_login(quality_manager)
    response = client.post(
        reverse("actionplans:action-effectiveness", args=[action.pk]),
        {
            "result": EffectivenessResult.NOT_EFFECTIVE,
            "comment": "Pas d'effet",
            "start_follow_up": "on",
            "follow_up_deadline": "2026-09-30",
        },
    )
    follow_up = Action.objects.exclude(pk=action.pk).get()
    assert response["Location"] == follow_up.get_absolute_url()
    page = client.get(follow_up.get_absolute_url()).content.decode()
    assert f'<a href="{action.get_absolute_url()}">{action}</a>' in page  # the origin, linked


def test_the_effectiveness_page_is_only_for_done_actions(client, make_action, quality_manager):
    client.force_login(quality_manager)
    assert client.get(reverse("actionplans:action-effectiveness", args=[make_action().pk])).status_code == 403


def test_the_action_page_shows_its_timeline_and_its_origin(client, make_action, quality_manager, teacher, org):
    def at(day):
        return time_machine.travel(datetime.datetime(2026, 3, day, 10, 0, tzinfo=datetime.UTC), tick=False)

    with at(1):
        action = make_action(owner=teacher, sources=[org.letters])
    with at(2):
        services.action_add_update(action=action, by=teacher, comment="Premier jet", progress=20)
    with at(3):
        services.action_transition(action=action, to=ActionStatus.DONE, by=teacher)
    with at(4):
        services.action_check_effectiveness(action=action, by=quality_manager, result=EffectivenessResult.EFFECTIVE)
    client.force_login(quality_manager)
    page = client.get(action.get_absolute_url()).content.decode()
    timeline = page.split('id="timeline"')[1]
    assert [part.split('"')[0] for part in timeline.split('data-kind="')[1:]] == [
        "status",  # created, planned
        "update",
        "status",  # moved in progress by the update
        "status",  # done
        "check",
    ]
    assert "Premier jet" in timeline
    origin = page.split('id="origin"')[1].split("</dd>")[0]
    assert "UFR Lettres" in origin and "<a " not in origin  # an org unit has no page: shown as text


def test_the_action_list_filters(client, plan, make_action, quality_manager, teacher, org):
    process = Process.objects.create(code="M2", name="Qualité", type=ProcessType.MANAGEMENT)
    late = make_action(title="En retard", deadline=TODAY - datetime.timedelta(days=2), owner=teacher)
    soon = make_action(title="Bientôt due", deadline=TODAY + datetime.timedelta(days=5), org_unit=org.physics)
    later = make_action(
        title="Plus tard", deadline=TODAY + datetime.timedelta(days=60), process=process, kind=ActionKind.PREVENTIVE
    )
    done = make_action(title="Terminée", deadline=TODAY - datetime.timedelta(days=20))
    services.action_transition(action=done, to=ActionStatus.DONE, by=quality_manager)
    other_plan = services.plan_create(title="Autre", org_unit=org.letters, by=quality_manager)
    elsewhere = make_action(plan=other_plan, title="Ailleurs", deadline=None)
    client.force_login(quality_manager)
    url = reverse("actionplans:action-list")

    def ids(**params):
        return set(_ids(client.get(url, params)))

    assert ids() == {late.pk, soon.pk, later.pk, done.pk, elsewhere.pk}
    assert ids(plan=other_plan.pk) == {elsewhere.pk}
    assert ids(status="done") == {done.pk}
    assert ids(owner=teacher.pk) == {late.pk}
    assert ids(org_unit=org.sciences.pk) == {late.pk, soon.pk, later.pk, done.pk}  # sub-units and plan's unit
    assert ids(org_unit=org.physics.pk) == {soon.pk}
    assert ids(process=process.pk) == {later.pk}
    assert ids(kind="preventive") == {later.pk}
    assert ids(late="yes") == {late.pk}
    assert ids(late="no") == {soon.pk, later.pk, done.pk, elsewhere.pk}
    assert ids(due_within=7) == {soon.pk}
    assert ids(q="retard") == {late.pk}
    # Whatever the accents and the case, every word, in any order.
    assert ids(q="BIENTOT") == {soon.pk}
    assert ids(q="tard plus") == {later.pk}
    assert ids(q="plus bientôt") == set()
    assert ids(q=later.reference) == {later.pk}
    assert _ids(client.get(url)) == [done.pk, late.pk, soon.pk, later.pk, elsewhere.pk]  # by deadline


def test_my_actions_shows_only_mine(client, make_action, teacher, quality_manager):
    mine = make_action(owner=teacher)
    make_action(owner=quality_manager, title="pas à moi")
    client.force_login(teacher)
    assert _ids(client.get(reverse("actionplans:my-actions"))) == [mine.pk]


def test_the_admin_pages_open(client, make_action, quality_manager, org):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from qms.core.factories import UserFactory

    admin = UserFactory(username="admin-test", is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=admin, name="default", confirmed=True)
    client.force_login(admin)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # signed in with the second factor
    session.save()
    action = make_action(sources=[org.letters])
    upload = SimpleUploadedFile("preuve.pdf", b"%PDF-1.4 preuve", content_type="application/pdf")
    update = services.action_add_update(action=action, by=quality_manager, files=[upload], links=["https://x.org"])
    services.plan_import_start(
        plan=action.plan, by=quality_manager, source=b"Axe;Objectif strategique;Action;Echeance\nA;B;C;\n"
    )
    for url in (
        reverse("admin:actionplans_actionplan_changelist"),
        reverse("admin:actionplans_actionplan_change", args=[action.plan_id]),
        reverse("admin:actionplans_action_changelist"),
        reverse("admin:actionplans_action_change", args=[action.pk]),
        reverse("admin:actionplans_actionupdate_change", args=[update.pk]),
        reverse("admin:actionplans_planimport_changelist"),
    ):
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("admin:actionplans_actionupdate_change", args=[update.pk])).content.decode()
    assert reverse("actionplans:evidence-download", args=[update.evidence.first().pk]) in page


# --- The action page (issue 10) -------------------------------------------------------------------------------


def test_an_action_gets_its_start_date_when_it_starts(make_action, quality_manager):
    """Issue 10: "Date de début" stayed empty after an action started."""
    action = make_action()
    assert action.start_date is None
    services.action_add_update(action=action, by=quality_manager, progress=20, comment="Lancée.")
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS and action.start_date == TODAY
    planned = make_action(start_date=datetime.date(2026, 1, 2))
    services.action_transition(action=planned, to=ActionStatus.IN_PROGRESS, by=quality_manager)
    planned.refresh_from_db()
    assert planned.start_date == datetime.date(2026, 1, 2)  # a planned start date is kept


def test_a_late_start_leaves_the_action_editable(client, make_action, quality_manager):
    action = make_action(deadline=TODAY - datetime.timedelta(days=10))
    services.action_transition(action=action, to=ActionStatus.IN_PROGRESS, by=quality_manager)
    services.action_update(action=action, by=quality_manager, title="Nouveau titre")
    action.refresh_from_db()
    assert action.title == "Nouveau titre" and action.start_date > action.deadline


def test_the_verification_due_date_is_hidden_once_checked(client, make_action, quality_manager):
    """Issue 10: the verification due date still showed after the check."""
    action = services.action_transition(
        action=make_action(), to=ActionStatus.DONE, by=quality_manager, completed_on=TODAY - datetime.timedelta(days=90)
    )
    client.force_login(quality_manager)
    assert 'id="effectiveness-due"' in client.get(action.get_absolute_url()).content.decode()
    services.action_check_effectiveness(action=action, by=quality_manager, result=EffectivenessResult.EFFECTIVE)
    assert 'id="effectiveness-due"' not in client.get(action.get_absolute_url()).content.decode()


def test_an_effectiveness_check_needs_a_date_after_completion_or_a_reason(client, make_action, quality_manager):
    """Issue 10: an effectiveness check could be recorded the day the action was done."""
    action = services.action_transition(action=make_action(), to=ActionStatus.DONE, by=quality_manager)
    with pytest.raises(services.ActionPlanError, match="measures an effect") as error:
        services.action_check_effectiveness(action=action, by=quality_manager, result=EffectivenessResult.EFFECTIVE)
    assert error.value.field == "checked_on"
    quality_manager.language = "en"
    quality_manager.save(update_fields=["language"])
    client.force_login(quality_manager)
    url = reverse("actionplans:action-effectiveness", args=[action.pk])
    response = client.post(url, {"result": EffectivenessResult.EFFECTIVE})
    assert response.status_code == 200 and "measures an effect" in response.content.decode()
    assert not action.effectiveness_checks.exists()
    response = client.post(url, {"result": EffectivenessResult.EFFECTIVE, "comment": "Aucune réclamation depuis."})
    assert response.status_code == 302 and action.effectiveness_checks.count() == 1


def test_an_effectiveness_check_the_day_after_completion_needs_no_reason(make_action, quality_manager):
    action = services.action_transition(
        action=make_action(), to=ActionStatus.DONE, by=quality_manager, completed_on=TODAY - datetime.timedelta(days=1)
    )
    check = services.action_check_effectiveness(action=action, by=quality_manager, result=EffectivenessResult.EFFECTIVE)
    assert check.checked_on == TODAY


def test_the_action_list_filters_name_only_units_and_processes_in_scope(
    client, make_action, referent_sciences, quality_manager, org
):
    """Issue 10: a referent saw every unit in the filters."""
    other = Process.objects.create(code="Z9", name="Processus d'ailleurs", type=ProcessType.SUPPORT)
    ours = Process.objects.create(code="S1", name="Processus d'ici", type=ProcessType.SUPPORT)
    make_action(org_unit=org.physics, process=ours)
    letters_plan = services.plan_create(title="Plan Lettres", org_unit=org.letters, by=quality_manager)
    make_action(plan=letters_plan, org_unit=org.letters, process=other)
    client.force_login(referent_sciences)
    form = client.get(reverse("actionplans:action-list")).context["filterset"].form
    assert set(form.fields["org_unit"].queryset) == {org.sciences, org.physics}
    assert list(form.fields["process"].queryset) == [ours]


# The template markup of a row that ``{% action_rows %}`` writes in Python (actionplans.templatetags.action_tables).
ACTION_ROW = """{% load i18n qms_layout qms_lists %}{% for action in actions %}
<tr data-action-id="{{ action.pk }}"{% if action.is_late %} class="table-danger"{% endif %}>
  <td class="text-nowrap d-none d-md-table-cell">{{ action.reference }}</td>
  <td class="qms-cell-main">
    {% if action.reference %}<span class="small text-body-secondary d-md-none">{{ action.reference }} </span>{% endif %}
    <a href="{{ action.get_absolute_url }}"{% content_lang %}>{{ action.title }}</a>
    {% if show_plan and action.objective %}
      <div class="small text-body-secondary"{% content_lang %}>
        {% if action.objective.axis %}{{ action.objective.axis.title }} › {% endif %}{{ action.objective.title }}
      </div>
    {% endif %}
    {% with origin=action.described_origin %}{% if origin %}
      <div class="small text-body-secondary" data-origin>{% translate "Answers:" %}
        {% if origin.url %}<a href="{{ origin.url }}">{{ origin.text }}</a>{% else %}{{ origin.text }}{% endif %}
      </div>
    {% endif %}{% endwith %}
    <div class="small text-body-secondary d-lg-none">
      {% if show_plan %}<span{% content_lang %}>{{ action.plan.title }}</span> · {% endif %}
      {{ action.owner_display|default:"—" }}
    </div>
    {% if show_plan %}
      <div class="small text-body-secondary d-none d-lg-block d-xl-none"{% content_lang %}>{{ action.plan.title }}</div>
    {% endif %}
  </td>
  {% if show_plan %}<td class="small d-none d-xl-table-cell"{% content_lang %}>{{ action.plan.title }}</td>{% endif %}
  <td class="small d-none d-lg-table-cell">{{ action.owner_display|default:"—" }}</td>
  <td class="text-nowrap d-none d-sm-table-cell">{{ action.deadline|date:"SHORT_DATE_FORMAT"|default:"—" }}</td>
  <td>
    {% status_badge action.status action.get_status_display action.status_badge %}
    {% if action.is_late %} <span class="badge text-bg-danger" data-late="1">{% translate "Late" %}</span>{% endif %}
    {% if action.deadline %}
      <div class="small text-nowrap d-sm-none">{{ action.deadline|date:"SHORT_DATE_FORMAT" }}</div>
    {% endif %}
  </td>
  <td class="d-none d-sm-table-cell">{% progress_bar action.progress %}</td>
</tr>{% endfor %}"""


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("show_plan", [True, False])
def test_the_action_rows_written_in_python_are_the_template_markup_they_replace(
    plan, make_action, quality_manager, teacher, language, show_plan
):
    from django.template import engines
    from django.utils import translation

    from actionplans.selectors import actions_visible_to
    from qms.core.sources import SourceDescription
    from qms.core.tests.html import same_markup

    make_action(title="Former <les> équipes & « tuteurs »", owner=teacher)
    make_action(title="Sans échéance", deadline=None, owner_label="Service des études", objective=None)
    with time_machine.travel(datetime.datetime(2031, 1, 5, 10, 0, tzinfo=datetime.UTC), tick=False):
        actions = list(actions_visible_to(quality_manager).order_by("pk"))
        actions[0].described_origin = SourceDescription(
            text="REC-2026-00001 — Salle", url="/demandes/x/", sensitive=False, kind=""
        )
        actions[1].described_origin = SourceDescription(text="REC-2026-00002", url=None, sensitive=False, kind="")
        assert actions[0].is_late and not actions[1].is_late
        with translation.override(language):
            context = {"actions": actions, "show_plan": show_plan}
            expected = engines["django"].from_string(ACTION_ROW).render(context)
            written = engines["django"].from_string("{% load action_tables %}{% action_rows actions show_plan %}")
            written = written.render(context)

    assert same_markup(written) == same_markup(expected)
    assert written.count("<tr ") == 2 and "&lt;les&gt;" in written


# The template {% rollup_badges %} replaces (actionplans/_rollup.html, included for the plan, each axis and each
# objective of a plan page).
ROLLUP = """{% load i18n %}{% spaceless %}
<span class="qms-rollup d-inline-flex flex-wrap align-items-center gap-1" data-total="{{ rollup.total }}" data-done="{{ rollup.done }}" data-late="{{ rollup.late }}">
  {% if rollup.total %}
    <span class="badge text-bg-{{ rollup.badge }}">{% blocktranslate trimmed with share=rollup.done_share %}{{ share }} % done{% endblocktranslate %}</span>
    <span class="badge text-bg-light border">{% blocktranslate trimmed count counter=rollup.total with done=rollup.done %}{{ done }} of {{ counter }} action{% plural %}{{ done }} of {{ counter }} actions{% endblocktranslate %}</span>
    {% if rollup.late %}<span class="badge text-bg-danger">{% blocktranslate trimmed count counter=rollup.late %}{{ counter }} late{% plural %}{{ counter }} late{% endblocktranslate %}</span>{% endif %}
  {% else %}
    <span class="badge text-bg-secondary">{% translate "No action" %}</span>
  {% endif %}
</span>{% endspaceless %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    "figures",
    [
        {},
        {"total": 1, "done": 1},
        {"total": 1, "late": 1},
        {"total": 1600, "done": 0, "late": 2},
        {"total": 7, "done": 3},
    ],
)
def test_the_rollup_written_in_python_is_the_template_markup_it_replaces(language, figures):
    from django.template import engines
    from django.utils import translation

    from actionplans.selectors import Rollup
    from qms.core.tests.html import same_markup

    rollup = Rollup(**figures)
    engine = engines["django"]
    with translation.override(language):
        expected = engine.from_string(ROLLUP).render({"rollup": rollup})
        written = engine.from_string("{% load action_tables %}{% rollup_badges rollup %}").render({"rollup": rollup})
    assert same_markup(written) == same_markup(expected)
    assert written.count('class="badge') == (3 if figures.get("late") else 2 if figures else 1)


def test_a_plan_page_shows_the_rollups_of_the_plan_its_axes_and_objectives(client, plan, make_action, quality_manager):
    from qms.core.tests.html import parse

    make_action(deadline=TODAY - datetime.timedelta(days=3))
    client.force_login(quality_manager)
    page = parse(client.get(reverse("actionplans:plan-detail", args=[plan.pk])))
    rollups = page.all(".qms-rollup")
    assert len(rollups) >= 2
    assert rollups[0].get("data-total") == "1" and rollups[0].get("data-late") == "1"
