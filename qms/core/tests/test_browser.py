"""In real headless Chromium: the landing page, the language switcher and signing in."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from qms.core.factories import DEMO_PASSWORD, UserFactory


@pytest.mark.browser
def test_a_visitor_switches_to_english_and_signs_in(page, live_server, transactional_db):
    from playwright.sync_api import expect

    user = UserFactory(username="navigatrice", first_name="Louise", last_name="Bernard")

    page.goto(live_server.url + reverse("core:landing"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    login_link = page.locator("header a[data-action=login]")
    expect(login_link).to_have_text("Connexion")

    page.locator("button[data-language=en]").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(login_link).to_have_text("Log in")
    expect(page).to_have_url(live_server.url + reverse("core:landing"))

    login_link.click()
    expect(page).to_have_url(re.compile(re.escape(reverse("two_factor:login")) + "$"))
    page.get_by_label(re.compile("username", re.IGNORECASE)).fill(user.username)
    page.get_by_label(re.compile("password", re.IGNORECASE)).fill(DEMO_PASSWORD)
    page.locator("button[data-action=login-submit]").click()

    expect(page).to_have_url(live_server.url + reverse("core:home"))
    expect(page.locator("main h1")).to_have_text("Welcome, Louise")
    expect(page.locator("#user-menu-button")).to_contain_text("Louise Bernard")
    expect(page.locator("html")).to_have_attribute("lang", "en")
