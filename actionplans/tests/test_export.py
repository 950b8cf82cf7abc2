"""Exports: XLSX and CSV in the import's format (a lossless round trip), the AEQES PDF, the timeline SVG."""

import datetime
import io
from xml.etree import ElementTree

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from actionplans import exports, services
from actionplans.choices import ActionStatus
from actionplans.imports import COLUMN_KEYS, analyse, read_import_file
from actionplans.reports import PLAN_PDF
from actionplans.timeline import LABEL_WIDTH, text_width, timeline_svg
from qms.core.choices import ReportState
from qms.core.models import StoredReport
from qms.core.reports import request_report

TODAY = datetime.date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def rich_plan(plan, objective, quality_manager, teacher, staff_member):
    """A plan with every kind of row: axes, an objective outside any axis, actions outside any objective,
    owners as users and as labels, every status, text that looks like a formula, and multi-line text."""
    by = quality_manager
    quality = services.axis_create(plan=plan, title="Qualité", by=by)
    culture = services.objective_create(plan=plan, axis=quality, title="Déployer la culture qualité", by=by)
    loose = services.objective_create(plan=plan, title="Objectif transversal", by=by)

    def add(**kwargs):
        kwargs.setdefault("notify_owner", False)
        return services.action_create(plan=plan, by=by, **kwargs)

    add(
        objective=objective,
        title="Elaborer la cartographie des processus institutionnels",
        deadline=datetime.date(2021, 10, 22),
        owner=teacher,
        owner_label="avec la DSI",
        reference="1.1.1",
        description="=SOMME(A1:A3) n'est pas une formule\n- et une liste",
        expected_result="Carte publiée",
        indicator="Oui/non",
    )
    in_progress = add(
        objective=objective,
        title="Rédiger les fiches processus",
        owner_label="Service qualité",
        deadline=datetime.date(2026, 1, 31),
    )
    services.action_add_update(action=in_progress, by=by, progress=60)
    done = add(
        objective=culture,
        title="Séminaire annuel de la qualité",
        owner=staff_member,
        deadline=datetime.date(2025, 11, 30),
    )
    services.action_transition(action=done, to=ActionStatus.DONE, by=by, completed_on=datetime.date(2025, 12, 2))
    cancelled = add(objective=loose, title="Créer un espace intranet", deadline=None)
    services.action_add_update(action=cancelled, by=by, progress=10)
    services.action_transition(action=cancelled, to=ActionStatus.CANCELLED, by=by, note="Remplacé")
    add(title="Action hors objectif", deadline=datetime.date(2027, 6, 30), priority="high")
    return plan


def _snapshot(plan):
    """Every column the import recognises, for each action, by reference."""
    rows = {}
    for action in plan.actions.select_related("objective__axis", "owner"):
        objective = action.objective
        rows[action.reference] = (
            objective.axis.title if objective and objective.axis else "",
            objective.title if objective else "",
            action.title,
            action.description,
            action.owner_id,
            action.owner_label if not action.owner_id else "",
            action.deadline,
            action.status,
            action.progress,
            action.completed_on,
            action.expected_result,
            action.indicator,
        )
    return rows


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_into_the_same_plan_changes_nothing(rich_plan, quality_manager, fmt):
    content = exports.export_xlsx(rich_plan) if fmt == "xlsx" else exports.export_csv(rich_plan)
    payload = read_import_file(content)
    assert payload["columns"] == list(COLUMN_KEYS)
    preview = analyse(rich_plan, payload)
    assert not preview.errors and not preview.warnings
    assert (len(preview.creates), len(preview.updates), preview.missing) == (0, 0, [])
    before = _snapshot(rich_plan)
    services.plan_import_apply(plan=rich_plan, payload=payload, by=quality_manager)
    assert _snapshot(rich_plan) == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_owner_who_has_left_stays_the_owner_on_the_round_trip(rich_plan, quality_manager, teacher, fmt):
    teacher.is_active = False
    teacher.save(update_fields=["is_active"])
    content = exports.export_xlsx(rich_plan) if fmt == "xlsx" else exports.export_csv(rich_plan)
    preview = analyse(rich_plan, read_import_file(content))
    assert not preview.errors and not preview.warnings
    assert len(preview.updates) == 0
    before = _snapshot(rich_plan)
    services.plan_import_apply(plan=rich_plan, payload=read_import_file(content), by=quality_manager)
    assert _snapshot(rich_plan) == before
    assert rich_plan.actions.filter(owner=teacher).exists()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_into_a_new_plan_rebuilds_it(rich_plan, quality_manager, fmt):
    content = exports.export_xlsx(rich_plan) if fmt == "xlsx" else exports.export_csv(rich_plan)
    copy = services.plan_create(title="Copie", by=quality_manager)
    result = services.plan_import_apply(plan=copy, payload=read_import_file(content), by=quality_manager)
    assert result.created == 5
    assert _snapshot(copy) == _snapshot(rich_plan)
    assert list(copy.axes.values_list("title", flat=True)) == ["Gouvernance", "Qualité"]


def test_the_csv_opens_in_french_excel(rich_plan):
    content = exports.export_csv(rich_plan)
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    header = text.splitlines()[0].split(";")
    assert len(header) == len(COLUMN_KEYS)
    assert "'=SOMME" in text  # never a live formula


def test_the_export_pages_download_files(client, rich_plan, referent_sciences):
    client.force_login(referent_sciences)
    response = client.get(reverse("actionplans:plan-export", args=[rich_plan.pk, "xlsx"]))
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert 'filename="plan-aeqes-sciences-2026-03-16.xlsx"' in response["Content-Disposition"]
    assert len(read_import_file(response.content)["rows"]) == 5
    response = client.get(reverse("actionplans:plan-export", args=[rich_plan.pk, "csv"]))
    assert response["Content-Type"].startswith("text/csv")
    assert client.get(f"/plans/{rich_plan.pk}/export.pdf").status_code == 404


def test_the_pdf_is_the_aeqes_synthetic_table(client, rich_plan, director, django_capture_on_commit_callbacks):
    client.force_login(director)
    # The PDF button asks for the report; eager Celery builds it once the request commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("actionplans:plan-pdf", args=[rich_plan.pk]))
    report = StoredReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:report", args=[report.pk])
    assert (report.kind, report.target, report.requested_by, report.state) == (
        PLAN_PDF,
        rich_plan,
        director,
        ReportState.READY,
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert reverse("core:report-download", args=[report.pk]).encode() in page.content
    response = client.get(reverse("core:report-download", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="plan-aeqes-sciences-2026-03-16.pdf"' in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert len(reader.pages) >= 1
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for expected in (
        "Plan AEQES Sciences",
        "Gouvernance",
        "Poursuivre la formalisation du système d'assurance qualité",
        "Elaborer la cartographie des processus institutionnels",
        "22/10/2021",
        "Service qualité",
        "Séminaire annuel de la qualité",
    ):
        assert expected in text, expected


def test_an_old_link_to_the_pdf_builds_nothing_and_leads_to_the_last_one(
    client, rich_plan, director, django_capture_on_commit_callbacks
):
    client.force_login(director)
    url = reverse("actionplans:plan-pdf", args=[rich_plan.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == rich_plan.get_absolute_url()
    assert not StoredReport.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        report = request_report(kind=PLAN_PDF, obj=rich_plan, by=director)
    response = client.get(url)
    assert response["Location"] == reverse("core:report", args=[report.pk])
    assert StoredReport.objects.count() == 1


def test_the_plan_pdf_is_refused_to_those_who_do_not_see_the_plan(
    client, rich_plan, director, referent_letters, django_capture_on_commit_callbacks
):
    client.force_login(referent_letters)
    assert client.post(reverse("actionplans:plan-pdf", args=[rich_plan.pk])).status_code == 404
    assert not StoredReport.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        report = request_report(kind=PLAN_PDF, obj=rich_plan, by=director)
    for name in ("core:report", "core:report-download"):
        assert client.get(reverse(name, args=[report.pk])).status_code == 404, name


def test_the_plan_page_offers_the_last_pdf_built(client, rich_plan, director, django_capture_on_commit_callbacks):
    client.force_login(director)
    url = reverse("actionplans:plan-detail", args=[rich_plan.pk])
    assert b"data-last-pdf" not in client.get(url).content
    with django_capture_on_commit_callbacks(execute=True):
        report = request_report(kind=PLAN_PDF, obj=rich_plan, by=director)
    html = client.get(url).content.decode()
    assert f'action="{reverse("actionplans:plan-pdf", args=[rich_plan.pk])}"' in html
    assert f'href="{reverse("core:report-download", args=[report.pk])}" data-last-pdf' in html


def test_the_pdf_holds_a_plan_of_ninety_actions_over_several_pages(plan, objective, quality_manager):
    for n in range(90):
        services.action_create(
            plan=plan,
            objective=objective,
            title=f"Objectif spécifique numéro {n}",
            deadline=datetime.date(2027, 1, 1),
            by=quality_manager,
        )
    _filename, content_type, content = exports.PlanPdfReport(plan).render()
    reader = PdfReader(io.BytesIO(content))
    assert content_type == "application/pdf"
    assert len(reader.pages) > 1
    assert "Objectif spécifique numéro 89" in reader.pages[-1].extract_text()


# --- Timeline -----------------------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def test_the_timeline_is_an_svg_of_actions_by_deadline_with_late_ones_marked(rich_plan):
    with translation.override("en"):
        svg = timeline_svg(list(rich_plan.actions.all()), title="Chronologie <du plan>")
    root = ElementTree.fromstring(str(svg))
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == "Chronologie <du plan>"
    groups = [g for g in root.iter(f"{SVG}g") if "action" in g.get("class", "").split()]
    assert len(groups) == 4  # the cancelled action has no deadline
    classes = [g.get("class") for g in groups]
    assert classes.count("action action-late") == 2  # 2021 and January 2026 deadlines, still open
    assert classes.count("action action-done") == 1
    titles = [g.find(f"{SVG}title").text for g in groups]
    assert titles[0].startswith("1.1.1")  # the earliest deadline comes first
    assert root.find(f"{SVG}desc").text == ("4 actions by deadline, 2 late. 1 action without a deadline is not shown.")


def test_an_empty_timeline_says_so(plan):
    root = ElementTree.fromstring(str(timeline_svg([], title="Vide")))
    assert root.find(f"{SVG}title").text == "Vide"


def test_the_timeline_page_and_image(client, rich_plan, quality_manager):
    client.force_login(quality_manager)
    url = reverse("actionplans:plan-timeline", args=[rich_plan.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"<svg" in page.content
    image = client.get(url, {"format": "svg"})
    assert image["Content-Type"].startswith("image/svg+xml")
    ElementTree.fromstring(image.content)


def _timeline(actions, language="fr", **kwargs):
    with translation.override(language):
        return ElementTree.fromstring(str(timeline_svg(actions, title="Chronologie", **kwargs)))


def _texts(root, css_class):
    return [t.text for t in root.iter(f"{SVG}text") if t.get("class") == css_class]


def test_the_months_are_written_in_the_interface_language(plan, make_action):
    with time_machine.travel(datetime.datetime(2022, 3, 1, 10, 0, tzinfo=datetime.UTC), tick=False):
        actions = [make_action(deadline=datetime.date(2022, 6, 30))]
    actions[0].start_date = datetime.date(2021, 11, 15)
    french = _texts(_timeline(actions, "fr", today=datetime.date(2022, 3, 1)), "tick")
    assert "janv. 2022" in french and "févr. 2022" in french
    assert not any(month.startswith(("Jan", "Feb")) for month in french)
    english = _texts(_timeline(actions, "en", today=datetime.date(2022, 3, 1)), "tick")
    assert "Jan 2022" in english and "Feb 2022" in english


def test_long_titles_fit_their_column_and_links_are_named_by_what_they_show(plan, make_action):
    title = "Mettre en œuvre une démarche d'amélioration continue de la qualité des formations WWW MMM"
    actions = [make_action(title=title, reference="1.1.1"), make_action(title="Court", reference="1.1.2")]
    root = _timeline(actions)
    links = list(root.iter(f"{SVG}a"))
    assert len(links) == 2
    shown = []
    for link in links:
        # No aria-label holding another text than the one shown (WCAG 2.5.3).
        assert link.get("aria-label") is None
        label = link.find(f"{SVG}text")
        assert label.get("text-anchor") is None and float(label.get("x")) >= 0
        assert text_width(label.text) <= LABEL_WIDTH - float(label.get("x"))
        shown.append(label.text)
    assert shown[0].startswith("1.1.1 Mettre en œuvre") and shown[0].endswith("…")
    assert len(shown[0]) < len(title)
    assert shown[1] == "1.1.2 Court"
    # The whole title stays in the line's tooltip.
    tooltips = [g.find(f"{SVG}title").text for g in root.iter(f"{SVG}g") if "action" in g.get("class", "")]
    assert any(title in tooltip for tooltip in tooltips)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_bars_and_marks_stand_out_3_to_1_against_white(rich_plan):
    root = _timeline(list(rich_plan.actions.all()))
    marks = [
        element
        for group in root.iter(f"{SVG}g")
        if "action" in group.get("class", "").split() or group.get("class") == "legend"
        for element in group.iter()
        if element.tag in (f"{SVG}rect", f"{SVG}path", f"{SVG}circle", f"{SVG}line")
    ]
    assert len(marks) > 8
    for mark in marks:
        assert mark.get("fill-opacity") is None and mark.get("opacity") is None and mark.get("stroke-opacity") is None
        for colour in filter(None, (mark.get("fill"), mark.get("stroke"))):
            if colour == "none":
                continue
            contrast = (1.05) / (_luminance(colour) + 0.05)
            assert contrast >= 3, (mark.tag, colour, contrast)


def test_today_is_written_inside_the_image_even_at_its_right_edge(plan, make_action):
    actions = [make_action(deadline=datetime.date(2016, 1, 1), title="Ancienne")]
    actions[0].start_date = datetime.date(2015, 1, 1)
    root = _timeline(actions, "fr", width=960)
    (today,) = [t for t in root.iter(f"{SVG}text") if t.get("class") == "today-label"]
    assert today.text.startswith("Aujourd")
    x = float(today.get("x"))
    if today.get("text-anchor") == "end":
        assert x - 1.1 * text_width(today.text, 10) >= 0
    else:
        assert x + 1.1 * text_width(today.text, 10) <= 960
    assert today.get("text-anchor") == "end"  # today sits 14 days from the right edge of a ten-year span
    for tick in (t for t in root.iter(f"{SVG}text") if t.get("class") == "tick"):
        end = float(tick.get("x")) + (0 if tick.get("text-anchor") == "end" else text_width(tick.text, 10))
        assert end <= 960
