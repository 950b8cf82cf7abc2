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
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from actionplans import services as plan_services
from actionplans.choices import ActionStatus, PlanKind
from complaints.services import (
    complaint_answer,
    complaint_ask_requester,
    complaint_submit,
    complaint_take_charge,
)
from qms.core.tests.personas import build_personas

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

    def check(self, name: str, url: str | None = None) -> None:
        """Audit the page at ``url`` (or the page as it stands when ``url`` is None)."""
        if url is not None:
            response = self.page.goto(self.base_url + url)
            assert response is not None and response.status == 200, f"{name}: {url} answered {response.status}"
        assert self.page.locator("html").get_attribute("lang") == "fr", f"{name} is not in French"
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


def test_the_back_office_pages_pass_the_automated_audit(page, live_server, transactional_db, quiet_setup):
    from playwright.sync_api import expect

    personas = build_personas()
    manager, org = personas.quality_manager, personas.org

    # Requests in several statuses, so that the inbox shows each badge.
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
        subject="Horaires de la bibliothèque",
        description="Ouvrir plus tard pendant les examens.",
        concerned_unit=org.letters,
    ).complaint
    complaint_take_charge(complaint=second, by=manager)
    complaint_submit(kind="complaint", subject="Inscription bloquée", description="Impossible de m'inscrire.")

    # A plan with actions in every state, one of them late.
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
    ]:
        actions.append(
            plan_services.action_create(
                plan=plan,
                objective=objective,
                title=title,
                by=manager,
                owner=personas.process_owner,
                org_unit=org.sciences,
                deadline=deadline,
                notify_owner=False,
            )
        )
    plan_services.action_add_update(action=actions[0], by=manager, comment="Premier atelier tenu.", progress=40)
    plan_services.action_transition(action=actions[2], to=ActionStatus.IN_PROGRESS, by=manager)
    plan_services.action_transition(action=actions[2], to=ActionStatus.DONE, by=manager)
    plan_services.action_transition(action=actions[3], to=ActionStatus.CANCELLED, by=manager, note="Abandonnée.")

    sign_in(page, live_server, manager)
    audit = Audit(page, live_server.url)
    audit.check("home", reverse("core:home"))
    audit.check("helpdesk inbox", reverse("complaints:inbox"))
    audit.check("request page", reverse("complaints:detail", kwargs={"reference": first.reference}))
    audit.check("request page, in progress", reverse("complaints:detail", kwargs={"reference": second.reference}))
    audit.check("statistics", reverse("complaints:stats"))
    audit.check("staff report form", reverse("complaints:staff-create"))
    audit.check("reply templates", reverse("complaints:replytemplate-list"))
    audit.check("plan list", reverse("actionplans:plan-list"))
    audit.check("plan page", reverse("actionplans:plan-detail", kwargs={"pk": plan.pk}))
    audit.check("plan timeline", reverse("actionplans:plan-timeline", kwargs={"pk": plan.pk}))
    audit.check("new plan form", reverse("actionplans:plan-create"))
    audit.check("new action form", reverse("actionplans:action-create", kwargs={"pk": plan.pk}))
    form = page.locator("main form[method=post]").last
    form.evaluate("(form) => { form.noValidate = true; }")
    form.locator("[type=submit]").last.click()
    expect(page.locator("main .invalid-feedback, main .alert-danger").first).to_be_visible()
    audit.check("new action form with errors")
    audit.check("action list", reverse("actionplans:action-list"))
    audit.check("my actions", reverse("actionplans:my-actions"))
    audit.check("action page", reverse("actionplans:action-detail", kwargs={"pk": actions[0].pk}))
    audit.check("action page, done", reverse("actionplans:action-detail", kwargs={"pk": actions[2].pk}))
    page.locator("#user-menu-button").click()
    audit.check("action page, user menu open")
    audit.assert_clean()
