"""In real headless Chromium: a visitor files a complaint with a file, then follows it through its tracking link,
answers the question staff asked, and rates the answer."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from complaints.models import Complaint
from complaints.services import complaint_answer, complaint_ask_requester, complaint_take_charge
from complaints.tests.conftest import PDF_BYTES
from qms.core.choices import Role
from qms.core.factories import OrgUnitFactory, UserFactory


@pytest.mark.browser
def test_a_visitor_files_a_complaint_and_follows_it(
    page, live_server, transactional_db, monkeypatch, settings, tmp_path
):
    from playwright.sync_api import expect

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.PUBLIC_FORM_MIN_FILL_SECONDS = 1
    OrgUnitFactory(code="bu", name="Bibliothèque universitaire")
    manager = UserFactory(username="qualite", roles=[Role.QUALITY_MANAGER])

    page.goto(live_server.url + reverse("core:landing"))
    page.locator("a[data-action=file-request]").first.click()
    expect(page).to_have_url(live_server.url + reverse("complaints:public-create"))

    form = page.locator("form[data-form=public-complaint]")
    form.locator("input[name=kind][value=complaint]").check()
    form.locator("select[name=requester_category]").select_option("student")
    page.locator("#concerned-search").fill("biblio")
    form.locator("select[name=concerned]").select_option(label="Bibliothèque universitaire")
    form.locator("input[name=subject]").fill("Horaires de la bibliothèque")
    form.locator("textarea[name=description]").fill("La bibliothèque ferme à 17 h pendant les examens.")
    form.locator("input[name=email]").fill("lea@example.org")
    form.locator("input[name=attachments]").set_input_files(
        [{"name": "affiche.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.wait_for_timeout(1100)  # a person takes longer than the minimum fill time
    form.locator("button[data-action=submit-request]").click()

    expect(page).to_have_url(re.compile(r"/suivi/[A-Za-z0-9_-]{43}/confirmation/$"))
    complaint = Complaint.objects.get()
    expect(page.locator("[data-reference]")).to_have_text(complaint.reference)
    code = page.locator("[data-tracking-code]").inner_text()
    assert complaint.org_unit.code == "bu" and complaint.attachments.count() == 1

    # Staff take it in charge and ask a question.
    complaint_take_charge(complaint=complaint, by=manager)
    complaint_ask_requester(complaint=complaint, by=manager, question="Quels jours exactement ?")

    with page.expect_response(re.compile(r"/suivi/[A-Za-z0-9_-]{43}/$")) as tracking:
        page.locator("a[data-action=track]").click()
    assert tracking.value.headers["referrer-policy"] == "no-referrer"
    assert code in page.url
    expect(page.locator("h1 [data-status]")).to_have_attribute("data-status", "waiting")
    expect(page.locator("[data-message=question]")).to_contain_text("Quels jours exactement ?")

    reply = page.locator("form[data-form=requester-message]")
    reply.locator("textarea[name=body]").fill("Du 2 au 20 janvier.")
    reply.locator("button[data-action=send-message]").click()
    expect(page.locator("h1 [data-status]")).to_have_attribute("data-status", "in_progress")
    expect(page.locator("[data-message=requester]")).to_contain_text("Du 2 au 20 janvier.")

    # Answered: the requester reads the answer and rates it.
    complaint_answer(complaint=complaint, by=manager, answer="La bibliothèque ouvrira jusqu'à 20 h.")
    page.reload()
    expect(page.locator("[data-final-answer]")).to_contain_text("jusqu'à 20 h")
    rating = page.locator("form[data-form=rating]")
    rating.locator("input[name=rating][value='5']").check()
    rating.locator("button[data-action=rate]").click()
    expect(page.locator("[data-rating]")).to_be_visible()
    complaint.refresh_from_db()
    assert complaint.rating == 5

    # The language switcher works on the tracking page too, despite its "no-referrer" policy.
    page.locator("button[data-language=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("[data-final-answer]")).to_be_visible()

    # A wrong link shows nothing.
    response = page.goto(live_server.url + reverse("complaints:public-track", kwargs={"token": "x" * 43}))
    assert response.status == 404


@pytest.mark.browser
def test_the_form_announces_the_programmes_left_and_its_summary_links_the_fields(page, live_server, transactional_db):
    from playwright.sync_api import expect

    from qms.core.factories import ProgrammeFactory

    ProgrammeFactory(name="Licence Cœur de métier")
    ProgrammeFactory(name="Master Chimie")
    ProgrammeFactory(name="Master Chimie verte")
    page.goto(live_server.url + reverse("complaints:public-create"))
    count = page.locator("#concerned-count")
    page.locator("#concerned-search").fill("chimie")
    expect(count).to_have_text("2 formations ou services correspondent.")
    page.locator("#concerned-search").fill("coeur")  # the ligature folds as on the server
    expect(count).to_have_text("1 formation ou service correspond.")
    page.locator("#concerned-search").fill("zzz")
    expect(count).to_have_text("Aucune formation ni aucun service ne correspond.")

    # Sent empty: the title says so, the summary takes the focus, and its links lead to the fields.
    page.locator("form[data-form=public-complaint] button[data-action=submit-request]").click()
    expect(page).to_have_title(re.compile(r"^Erreur\s:"))
    expect(page.locator("#form-errors")).to_be_focused()
    page.locator("[data-error-list] a[href='#id_subject']").click()
    expect(page.locator("#id_subject")).to_be_focused()
