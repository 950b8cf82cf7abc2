"""The progress page of a report in real Chromium: with scripts it updates itself in place and announces the change;
without them it reloads itself until the report is ready."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qms.core import reports
from qms.core.choices import ReportState
from qms.core.factories import OrgUnitFactory, UserFactory
from qms.core.tests.test_accessibility import Audit, sign_in
from qms.core.tests.test_reports import KIND, Sheet

pytestmark = [pytest.mark.browser]


@pytest.fixture
def waiting_report(settings, tmp_path, transactional_db, monkeypatch):
    """A report asked for and still queued: no worker takes it until the test builds it."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.TWO_FACTOR_REQUIRED_FOR_QUALITY_MANAGERS = False
    sheet = Sheet()
    reports.register(KIND, builder=sheet.build, can_view=sheet.can_view, label="Fiche d'unité")
    monkeypatch.setattr(reports, "enqueue", lambda pk: None)
    user = UserFactory(language="fr")
    sheet.allowed.add(user.pk)
    report = reports.request_report(kind=KIND, obj=OrgUnitFactory(name="UFR Lettres"), by=user)
    assert report.state == ReportState.QUEUED
    yield user, report
    reports.unregister(KIND)


def test_the_page_follows_the_report_in_place_and_announces_it(page, live_server, waiting_report):
    from playwright.sync_api import expect

    user, report = waiting_report
    sign_in(page, live_server, user)
    page.goto(live_server.url + reverse("core:report", args=[report.pk]))
    status = page.locator("#report-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_attribute("data-report-status", "queued")
    expect(page.locator("#report-download")).to_be_hidden()
    audit = Audit(page, live_server.url)
    audit.check("report on its way")
    page.evaluate("() => { window.loadedOnce = true; }")

    reports.build_report(report.pk)
    expect(status).to_have_attribute("data-report-status", "ready", timeout=10_000)
    expect(status).to_contain_text("Le rapport est prêt.")
    download = page.locator("#report-download")
    expect(download).to_be_visible()
    expect(download).to_have_attribute("href", reverse("core:report-download", args=[report.pk]))
    # Updated in place: the page was not reloaded, so focus and reading position stay where they were.
    assert page.evaluate("() => window.loadedOnce === true")
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename.endswith(".pdf")
    audit.check("report ready")
    audit.assert_clean()


def test_without_scripts_the_page_reloads_itself_until_the_report_is_ready(browser, live_server, waiting_report):
    user, report = waiting_report
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, live_server, user)
        page.goto(live_server.url + reverse("core:report", args=[report.pk]))
        assert page.locator("#report-status").get_attribute("data-report-status") == "queued"
        reports.build_report(report.pk)
        # The <noscript> refresh brings the new state within a few seconds.
        page.wait_for_selector("#report-status[data-report-status=ready]", timeout=10_000)
        assert page.locator("#report-download").is_visible()
    finally:
        context.close()
