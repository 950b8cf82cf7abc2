"""Automated accessibility audit (RGAA, i.e. WCAG 2.1 AA) of the main pages, in real headless Chromium.

Each page is opened in French (the default language), axe-core is injected into it and run with the WCAG 2.0 and
2.1 level A and AA rules; any violation of impact "serious" or "critical" fails the test, with the rule, its help
text and the offending elements. Violations of lesser impact, what axe could not decide (to review by hand) and
axe's best practices not followed (landmarks, heading order…) are printed: run with ``-s`` to see them.

axe-core (MPL-2.0, https://github.com/dequelabs/axe-core) is vendored for the tests only, in ``vendor/``; it is
never served to users. An automated audit finds only part of what RGAA asks (roughly a third of the criteria):
it complements, and does not replace, a manual audit.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from actionplans import services as plan_services
from actionplans.choices import ActionStatus, PlanKind
from actionplans.reports import PLAN_PDF
from complaints.services import (
    complaint_answer,
    complaint_ask_requester,
    complaint_submit,
    complaint_take_charge,
)
from qms.core import reports
from qms.core.models import SiteSettings
from qms.core.tests.personas import Personas, build_personas

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}

pytestmark = [pytest.mark.browser]


def run_axe(page) -> dict:
    """Inject axe-core into the page and run the WCAG 2.1 A and AA rules: returns the violations, the results
    axe could not decide ("incomplete": to review by hand), the number of rules passed, and the violations of
    axe's best practices ("advice")."""
    page.wait_for_load_state("load")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            const summary = (list) => list.map((v) => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
            }));
            // Best practices (landmarks, heading order…) are not WCAG criteria: reported, never failing.
            const advice = await axe.run(document, {runOnly: {type: "tag", values: ["best-practice"]}});
            return {violations: summary(results.violations), incomplete: summary(results.incomplete),
                    advice: summary(advice.violations), passes: results.passes.length};
        }""",
        WCAG_TAGS,
    )


def describe(found: list[tuple[str, dict]]) -> str:
    """One paragraph per rule and page: the rule, its impact and help, then each offending element."""
    lines = []
    for name, violation in found:
        lines.append(f"[{name}] {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"    {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    - {node['target']}")
            summary = " ".join((node["summary"] or "").split())
            if summary:
                lines.append(f"      {summary[:400]}")
    return "\n".join(lines)


class Audit:
    """Collects the results of every page, so that one run reports every violation at once."""

    def __init__(self, page, base_url: str):
        # No transitions (the house style honours this preference): colours are measured once they are final.
        page.emulate_media(reduced_motion="reduce")
        self.page = page
        self.base_url = base_url
        self.violations: list[tuple[str, dict]] = []
        self.incomplete: list[tuple[str, dict]] = []
        self.advice: list[tuple[str, dict]] = []
        self.audited: list[str] = []

    def check(self, name: str, url: str | None = None, *, lang: str = "fr") -> None:
        """Audit the page at ``url`` (or the page as it stands when ``url`` is None), in the language ``lang``."""
        if url is not None:
            response = self.page.goto(self.base_url + url)
            assert response is not None and response.status == 200, f"{name}: {url} answered {response.status}"
        assert self.page.locator("html").get_attribute("lang") == lang, f"{name} is not in {lang}"
        results = run_axe(self.page)
        assert results["passes"] > 0, f"axe-core checked nothing on {name}"
        self.audited.append(name)
        self.violations += [(name, violation) for violation in results["violations"]]
        self.incomplete += [(name, result) for result in results["incomplete"]]
        self.advice += [(name, result) for result in results["advice"]]

    def assert_clean(self) -> None:
        lesser = [(name, v) for name, v in self.violations if v["impact"] not in BLOCKING]
        if lesser:
            print(f"\nAccessibility, lesser violations:\n{describe(lesser)}")
        if self.incomplete:
            print(f"\nAccessibility, to review by hand:\n{describe(self.incomplete)}")
        if self.advice:
            print(f"\nAccessibility, best practices not followed:\n{describe(self.advice)}")
        blocking = [(name, v) for name, v in self.violations if v["impact"] in BLOCKING]
        assert not blocking, f"Serious or critical accessibility violations:\n{describe(blocking)}"


def sign_in(page, live_server, user) -> None:
    """Give the browser the session of ``user``, opened by Django's test client on the same database."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


@pytest.fixture
def quiet_setup(settings, tmp_path):
    """Files in a temporary directory; the quality manager's pages open without a second factor."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TWO_FACTOR_REQUIRED_FOR_QUALITY_MANAGERS = False


def test_the_public_pages_pass_the_automated_audit(page, live_server, transactional_db, quiet_setup, settings):
    from playwright.sync_api import expect

    settings.PUBLIC_FORM_MIN_FILL_SECONDS = 0
    personas = build_personas()
    submission = complaint_submit(
        kind="complaint",
        requester_category="student",
        subject="Salle de TP sans chauffage",
        description="La salle B204 n'est pas chauffée depuis lundi.",
        name="Camille Martin",
        email="camille@example.org",
        language="fr",
        concerned_unit=personas.org.sciences,
    )
    complaint_take_charge(complaint=submission.complaint, by=personas.quality_manager)
    complaint_ask_requester(complaint=submission.complaint, by=personas.quality_manager, question="Quel jour ?")
    token = submission.token
    answered = complaint_submit(kind="suggestion", subject="Horaires", description="Ouvrir plus tard.", language="fr")
    complaint_take_charge(complaint=answered.complaint, by=personas.quality_manager)
    complaint_answer(complaint=answered.complaint, by=personas.quality_manager, answer="Ce sera fait en mars.")

    audit = Audit(page, live_server.url)
    audit.check("landing", reverse("core:landing"))
    audit.check("public form", reverse("complaints:public-create"))

    # The same form, sent empty (the browser's own checks switched off): it comes back with its errors.
    form = page.locator("form[data-form=public-complaint]")
    form.evaluate("(form) => { form.noValidate = true; }")
    form.locator("button[data-action=submit-request]").click()
    expect(page.locator(".invalid-feedback, .errorlist, .alert-danger").first).to_be_visible()
    audit.check("public form with errors")

    audit.check("confirmation", reverse("complaints:public-confirmation", kwargs={"token": token}))
    audit.check("tracking page", reverse("complaints:public-track", kwargs={"token": token}))
    audit.check("tracking page, answered", reverse("complaints:public-track", kwargs={"token": answered.token}))
    audit.check("tracking-code lookup", reverse("complaints:public-lookup"))
    audit.check("lost tracking link", reverse("complaints:public-lost-link"))
    audit.check("login", reverse("two_factor:login"))

    # A wrong password: the login form comes back with its error.
    page.locator("input[name='auth-username']").fill(personas.teacher.username)
    page.locator("input[name='auth-password']").fill("not the password")
    page.locator("main button[type=submit]").click()
    expect(page.locator("main .alert-danger, main .errorlist, main .invalid-feedback").first).to_be_visible()
    audit.check("login with errors")
    audit.check("accessibility statement", reverse("core:accessibility"))
    audit.check("legal notice", reverse("core:legal"))
    audit.check("personal data", reverse("core:privacy"))

    # On a phone: the menu folds behind its button.
    page.set_viewport_size({"width": 390, "height": 844})
    audit.check("landing, phone", reverse("core:landing"))
    page.locator("button.navbar-toggler").click()
    expect(page.locator("#main-menu")).to_be_visible()
    audit.check("landing, phone, menu open")
    audit.check("public form, phone", reverse("complaints:public-create"))
    audit.assert_clean()


# --- The back office ---------------------------------------------------------------------------------------------

# A long name, as real institutions have: the header must wrap it, never push the page sideways.
LONG_INSTITUTION = "Université Paris-Est Créteil Val-de-Marne – Sciences, Lettres et Techniques"
LONG_TITLE = (
    "Mettre en œuvre une démarche d'amélioration continue de la qualité des formations et de la vie étudiante "
    "dans chaque composante"
)


@dataclass
class BackOffice:
    personas: Personas
    first: object  # a request waiting for the requester
    second: object  # a request in progress
    plan: object
    actions: list
    plan_import: object
    report: object


def build_back_office() -> BackOffice:
    """Requests in several statuses, a plan with actions in every state (long titles among them), an import
    waiting for its confirmation and a PDF report of the plan."""
    personas = build_personas()
    manager, org = personas.quality_manager, personas.org
    site = SiteSettings.load()
    site.institution_name = LONG_INSTITUTION
    site.save()

    first = complaint_submit(
        kind="complaint",
        requester_category="student",
        subject="Salle de TP sans chauffage",
        description="La salle B204 n'est pas chauffée depuis lundi.",
        name="Camille Martin",
        email="camille@example.org",
        language="fr",
        concerned_unit=org.sciences,
    ).complaint
    complaint_take_charge(complaint=first, by=manager)
    complaint_ask_requester(complaint=first, by=manager, question="Quel jour ?")
    second = complaint_submit(
        kind="suggestion",
        requester_category="staff",
        subject="Horaires de la bibliothèque universitaire pendant la période des examens du second semestre",
        description="Ouvrir plus tard pendant les examens.",
        concerned_unit=org.letters,
    ).complaint
    complaint_take_charge(complaint=second, by=manager)
    complaint_submit(kind="complaint", subject="Inscription bloquée", description="Impossible de m'inscrire.")

    plan = plan_services.plan_create(
        title="Plan AEQES Sciences",
        kind=PlanKind.INSTITUTIONAL_EVALUATION,
        org_unit=org.sciences,
        owner=manager,
        by=manager,
        period_start=datetime.date(2024, 9, 1),
        period_end=datetime.date(2030, 8, 31),
    )
    axis = plan_services.axis_create(plan=plan, title="Gouvernance", by=manager)
    objective = plan_services.objective_create(plan=plan, axis=axis, title="Formaliser le système", by=manager)
    actions = []
    for title, deadline in [
        ("Cartographier les processus", datetime.date(2030, 10, 22)),
        ("Rédiger la politique qualité", datetime.date(2020, 1, 15)),
        ("Former les référents", datetime.date(2030, 6, 30)),
        ("Réviser le règlement", datetime.date(2030, 3, 1)),
        (LONG_TITLE, datetime.date(2028, 1, 31)),
        (LONG_TITLE + " (suite)", datetime.date(2021, 5, 31)),
    ]:
        actions.append(
            plan_services.action_create(
                plan=plan,
                objective=objective,
                title=title,
                by=manager,
                owner=personas.staff_member if title == "Former les référents" else personas.process_owner,
                org_unit=org.sciences,
                deadline=deadline,
                notify_owner=False,
            )
        )
    plan_services.action_add_update(action=actions[0], by=manager, comment="Premier atelier tenu.", progress=40)
    plan_services.action_transition(action=actions[2], to=ActionStatus.IN_PROGRESS, by=manager)
    plan_services.action_transition(action=actions[2], to=ActionStatus.DONE, by=manager)
    plan_services.action_transition(action=actions[3], to=ActionStatus.CANCELLED, by=manager, note="Abandonnée.")

    csv = (
        "Axe;Objectif stratégique;Objectif spécifique;Échéance;Responsable\r\n"
        "Gouvernance;Formaliser le système;Cartographier les processus;22/10/2030;Service qualité\r\n"
        f"Gouvernance;Formaliser le système;{LONG_TITLE} (bilan);15/12/2031;{manager.email}\r\n"
        "Pilotage;Piloter par les données;Publier les indicateurs;01/02/2031;Service qualité\r\n"
    )
    plan_import = plan_services.plan_import_start(
        plan=plan, by=manager, source=io.BytesIO(csv.encode("utf-8")), filename="plan-aeqes.csv"
    )
    report = reports.request_report(kind=PLAN_PDF, obj=plan, by=manager)
    reports.build_report(report.pk)
    return BackOffice(personas, first, second, plan, actions, plan_import, report)


def back_office_pages(data: BackOffice) -> list[tuple[str, str]]:
    """The quality manager's pages: (name, address)."""
    plan, first, second = data.plan, data.first, data.second
    return [
        ("home", reverse("core:home")),
        ("helpdesk inbox", reverse("complaints:inbox")),
        ("helpdesk inbox, filtered", reverse("complaints:inbox") + "?status=in_progress&q=biblioth%C3%A8que"),
        ("request page", reverse("complaints:detail", kwargs={"reference": first.reference})),
        ("request page, in progress", reverse("complaints:detail", kwargs={"reference": second.reference})),
        ("statistics", reverse("complaints:stats")),
        ("staff report form", reverse("complaints:staff-create")),
        ("reply templates", reverse("complaints:replytemplate-list")),
        ("plan list", reverse("actionplans:plan-list")),
        ("plan page", reverse("actionplans:plan-detail", kwargs={"pk": plan.pk})),
        ("plan timeline, long titles", reverse("actionplans:plan-timeline", kwargs={"pk": plan.pk})),
        ("plan import", reverse("actionplans:plan-import", kwargs={"pk": plan.pk})),
        ("plan import preview", reverse("actionplans:plan-import-preview", kwargs={"pk": data.plan_import.pk})),
        ("plan PDF report", reverse("core:report", kwargs={"pk": data.report.pk})),
        ("new plan form", reverse("actionplans:plan-create")),
        ("action list", reverse("actionplans:action-list")),
        ("action list, filtered", reverse("actionplans:action-list") + "?late=yes&ordering=deadline"),
        ("my actions", reverse("actionplans:my-actions")),
        ("action page", reverse("actionplans:action-detail", kwargs={"pk": data.actions[0].pk})),
        ("action page, done", reverse("actionplans:action-detail", kwargs={"pk": data.actions[2].pk})),
        ("settings", reverse("core:site-settings")),
        ("closure days", reverse("core:closure-list")),
    ]


def use_language(user, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def test_the_back_office_pages_pass_the_automated_audit(page, live_server, transactional_db, quiet_setup):
    from playwright.sync_api import expect

    data = build_back_office()
    sign_in(page, live_server, data.personas.quality_manager)
    audit = Audit(page, live_server.url)
    for name, url in back_office_pages(data):
        audit.check(name, url)
    audit.check("new action form", reverse("actionplans:action-create", kwargs={"pk": data.plan.pk}))
    form = page.locator("main form[method=post]").last
    form.evaluate("(form) => { form.noValidate = true; }")
    form.locator("[type=submit]").last.click()
    expect(page.locator("main .invalid-feedback, main .alert-danger").first).to_be_visible()
    audit.check("new action form with errors")
    audit.check("action page, again", reverse("actionplans:action-detail", kwargs={"pk": data.actions[0].pk}))
    page.locator("#user-menu-button").click()
    audit.check("action page, user menu open")
    audit.assert_clean()


def test_the_back_office_pages_pass_the_automated_audit_in_english(page, live_server, transactional_db, quiet_setup):
    data = build_back_office()
    use_language(data.personas.quality_manager, "en")
    sign_in(page, live_server, data.personas.quality_manager)
    audit = Audit(page, live_server.url)
    for name, url in back_office_pages(data):
        audit.check(name, url, lang="en")
    audit.assert_clean()


def test_the_public_pages_pass_the_automated_audit_in_english(page, live_server, transactional_db, quiet_setup):
    submission = complaint_submit(kind="suggestion", subject="Horaires", description="Ouvrir plus tard.", language="en")
    # The language switch of the page, as a visitor uses it.
    page.goto(live_server.url + reverse("core:landing"))
    page.locator("button[data-language=en]").click()
    page.wait_for_load_state("load")
    audit = Audit(page, live_server.url)
    audit.check("landing, English", reverse("core:landing"), lang="en")
    audit.check("public form, English", reverse("complaints:public-create"), lang="en")
    audit.check(
        "tracking page, English", reverse("complaints:public-track", kwargs={"token": submission.token}), lang="en"
    )
    audit.check("accessibility statement, English", reverse("core:accessibility"), lang="en")
    audit.assert_clean()


def test_the_referents_and_the_agents_views_pass_the_automated_audit(page, live_server, transactional_db, quiet_setup):
    data = build_back_office()
    referent, agent = data.personas.referent_sciences, data.personas.staff_member
    audit = Audit(page, live_server.url)
    sign_in(page, live_server, referent)
    for name, url in [
        ("referent: home", reverse("core:home")),
        ("referent: plan list", reverse("actionplans:plan-list")),
        ("referent: plan page", reverse("actionplans:plan-detail", kwargs={"pk": data.plan.pk})),
        ("referent: action list", reverse("actionplans:action-list")),
        ("referent: statistics", reverse("complaints:stats")),
        ("referent: my actions", reverse("actionplans:my-actions")),
    ]:
        audit.check(name, url)
    page.context.clear_cookies()
    sign_in(page, live_server, agent)
    for name, url in [
        ("agent: home", reverse("core:home")),
        ("agent: my actions", reverse("actionplans:my-actions")),
        ("agent: action page", reverse("actionplans:action-detail", kwargs={"pk": data.actions[2].pk})),
        ("agent: report form", reverse("complaints:staff-create")),
    ]:
        audit.check(name, url)
    audit.assert_clean()


# --- Reflow and layout (WCAG 1.4.10, 1.4.12) --------------------------------------------------------------------------


def sideways_overflow(page) -> int:
    """How far the page scrolls sideways, in CSS pixels (0 when it does not)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def overflowing_tables(page) -> list[str]:
    """The tables wider than their column (their wrapper scrolls them sideways)."""
    return page.evaluate(
        """() => [...document.querySelectorAll(".table-responsive")]
            .filter((wrapper) => wrapper.scrollWidth > wrapper.clientWidth + 1)
            .map((wrapper) => `${wrapper.querySelector("caption")?.textContent.trim()}: ${wrapper.scrollWidth} px `
                + `in ${wrapper.clientWidth} px`)"""
    )


def test_every_page_reflows_at_320_css_pixels(page, live_server, transactional_db, quiet_setup):
    """A 640 px window at 200 %: no page scrolls sideways, and the pages still pass the audit."""
    from playwright.sync_api import expect

    data = build_back_office()
    page.set_viewport_size({"width": 320, "height": 640})
    audit = Audit(page, live_server.url)
    too_wide = []

    def visit(name: str, url: str) -> None:
        audit.check(name, url)
        overflow = sideways_overflow(page)
        if overflow > 0:
            too_wide.append(f"{name} ({url}): {overflow} px too wide")

    visit("landing", reverse("core:landing"))
    visit("public form", reverse("complaints:public-create"))
    visit("login", reverse("two_factor:login"))
    sign_in(page, live_server, data.personas.quality_manager)
    for name, url in back_office_pages(data):
        visit(name, url)
    page.locator("button.navbar-toggler").click()
    expect(page.locator("#main-menu")).to_be_visible()
    if sideways_overflow(page) > 0:
        too_wide.append("menu open")
    # The inbox and the action list fold their columns rather than scroll.
    for url in (
        reverse("complaints:inbox"),
        reverse("actionplans:action-list"),
        reverse("actionplans:my-actions"),
        reverse("actionplans:plan-list"),
        reverse("actionplans:plan-detail", kwargs={"pk": data.plan.pk}),
    ):
        page.goto(live_server.url + url)
        too_wide += overflowing_tables(page)
    assert too_wide == [], "\n".join(too_wide)
    audit.assert_clean()


@pytest.mark.parametrize("width", [992, 1100, 1280, 1366, 1920])
def test_staff_pages_fit_wide_windows_without_sideways_scrolling(
    page, live_server, transactional_db, quiet_setup, width
):
    """From the width where the menu bar unfolds to a wide screen: the menu, the language switch and the user menu
    stay on screen, and the inbox and the action list fit their column."""
    data = build_back_office()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, data.personas.quality_manager)
    problems = []
    for name, url in back_office_pages(data):
        page.goto(live_server.url + url)
        if sideways_overflow(page) > 0:
            problems.append(f"{name}: the page scrolls sideways")
        for selector in ("#user-menu-button", "button[data-language=en]", ".navbar-brand"):
            box = page.locator(selector).bounding_box()
            if box is None or box["x"] < 0 or box["x"] + box["width"] > width:
                problems.append(f"{name}: {selector} is off screen ({box})")
        if width >= 1280 and name in ("helpdesk inbox", "helpdesk inbox, filtered", "action list", "my actions"):
            problems += [f"{name}: {table}" for table in overflowing_tables(page)]
    assert problems == [], "\n".join(problems)


TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""


def clipped(page, selector: str) -> list[str]:
    """The elements matching ``selector`` whose text does not fit their box, or sits in an ancestor that cuts it."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].filter((element) => {
            if (element.scrollWidth > element.clientWidth + 1 || element.scrollHeight > element.clientHeight + 1) {
                return true;
            }
            const box = element.getBoundingClientRect();
            for (let parent = element.parentElement; parent; parent = parent.parentElement) {
                const style = getComputedStyle(parent);
                if (style.overflowX === "visible" && style.overflowY === "visible") continue;
                const frame = parent.getBoundingClientRect();
                if (box.left < frame.left - 1 || box.right > frame.right + 1
                    || box.top < frame.top - 1 || box.bottom > frame.bottom + 1) return true;
                break;
            }
            return false;
        }).map((element) => element.outerHTML.slice(0, 160))""",
        selector,
    )


def test_text_spacing_does_not_clip_the_plan_pages_progress_labels(page, live_server, transactional_db, quiet_setup):
    """WCAG 1.4.12: with the text spaced out as a reader's style sheet may, every figure stays whole."""
    data = build_back_office()
    sign_in(page, live_server, data.personas.quality_manager)
    for url in (
        reverse("actionplans:plan-detail", kwargs={"pk": data.plan.pk}),
        reverse("actionplans:action-list"),
        reverse("actionplans:action-detail", kwargs={"pk": data.actions[0].pk}),
    ):
        page.goto(live_server.url + url)
        page.add_style_tag(content=TEXT_SPACING)
        # The progress figures are written somewhere, whether beside the bar or in it …
        figures = ".qms-progress-label, .progress-bar:not(:empty)"
        assert page.locator(figures).filter(has_text="%").count() > 0, url
        # … and none of them, nor the roll-ups and the statuses, is cut.
        assert clipped(page, f"{figures}, .qms-rollup .badge, [data-status]") == [], url


def test_the_timeline_draws_every_label_inside_the_image(page, live_server, transactional_db, quiet_setup):
    data = build_back_office()
    sign_in(page, live_server, data.personas.quality_manager)
    for language in ("fr", "en"):
        use_language(data.personas.quality_manager, language)
        page.goto(live_server.url + reverse("actionplans:plan-timeline", kwargs={"pk": data.plan.pk}))
        outside = page.evaluate(
            """() => {
                const svg = document.querySelector("svg.qms-timeline");
                const [, , width] = svg.getAttribute("viewBox").split(" ").map(Number);
                const labelColumn = 240 + 8;
                return [...svg.querySelectorAll("text")].filter((text) => {
                    const box = text.getBBox();
                    const isLabel = text.classList.contains("label");
                    return box.x < 0 || box.x + box.width > (isLabel ? labelColumn : width);
                }).map((text) => `${text.textContent} (${JSON.stringify(text.getBBox())})`);
            }"""
        )
        assert outside == [], language
        links = page.locator("svg.qms-timeline a")
        assert links.count() == len(data.actions)
        for index in range(links.count()):
            link = links.nth(index)
            assert link.get_attribute("aria-label") is None
        today = page.locator("svg.qms-timeline text.today-label").text_content()
        assert today.startswith("Aujourd") if language == "fr" else today == "Today"
