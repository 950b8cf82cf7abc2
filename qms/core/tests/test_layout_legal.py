"""The three pages every footer links to are public and carry what the law asks of a French public body:
the accessibility statement (RGAA), the legal notice and the personal-data page (GDPR)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from qms.core.choices import AccessibilityCompliance
from qms.core.models import SiteSettings
from qms.core.tests.html import parse
from qms.core.views import ACCESSIBILITY_STATEMENT_DATE, DEFENSEUR_DES_DROITS

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def site():
    site = SiteSettings.load()
    site.institution_name = "Université de Lorraine-sur-Test"
    site.quality_office_email = "qualite@univ-test.fr"
    site.dpo_email = "dpo@univ-test.fr"
    site.dpo_name = "Camille Martin"
    site.address = "34 cours Léopold\n54000 Nancy"
    site.accessibility_compliance = AccessibilityCompliance.PARTIAL
    site.accessibility_contact_email = "accessibilite@univ-test.fr"
    site.save()
    return site


@pytest.mark.parametrize("url_name", ["core:accessibility", "core:legal", "core:privacy"])
def test_the_legal_pages_are_public(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert "base.html" in [template.name for template in response.templates]


def test_the_accessibility_statement_gives_the_compliance_level(english, site):
    page = parse(english.get(reverse("core:accessibility")))

    compliance = page.one("[data-compliance]")
    assert compliance.get("data-compliance") == "partial"
    assert "partially compliant" in compliance.text
    assert "RGAA" in compliance.text


def test_the_accessibility_statement_follows_the_level_the_quality_manager_sets(english, site):
    site.accessibility_compliance = AccessibilityCompliance.NONE
    site.save()

    page = parse(english.get(reverse("core:accessibility")))

    assert "not compliant" in page.text_of("[data-compliance]")
    assert page.one("footer a[data-footer=accessibility]").text == "Accessibility: not compliant"


def test_the_accessibility_statement_is_dated(english, site):
    page = parse(english.get(reverse("core:accessibility")))

    statement = page.one("[data-statement-date]")
    assert statement.get("data-statement-date") == ACCESSIBILITY_STATEMENT_DATE.isoformat()
    assert str(ACCESSIBILITY_STATEMENT_DATE.year) in statement.text


def test_the_accessibility_statement_reports_the_audit_when_there_is_one(english, site):
    assert "No complete audit" in parse(english.get(reverse("core:accessibility"))).text_of("[data-audit]")

    site.accessibility_audit_date = datetime.date(2026, 6, 15)
    site.accessibility_audit_rate = 72.5
    site.save()

    audit = parse(english.get(reverse("core:accessibility"))).text_of("[data-audit]")
    assert "2026" in audit
    assert "72.5%" in audit


def test_the_accessibility_statement_gives_a_contact(english, site):
    page = parse(english.get(reverse("core:accessibility")))

    contact = page.one("a[data-contact]")
    assert contact.get("href") == "mailto:accessibilite@univ-test.fr"
    assert "54000 Nancy" in page.text_of("#main")


def test_the_accessibility_statement_gives_the_right_to_refer_to_the_defenseur_des_droits(english, site):
    page = parse(english.get(reverse("core:accessibility")))

    remedies = page.one("ul[data-defenseur]")
    hrefs = [link.get("href") for link in remedies.all("a")]
    assert DEFENSEUR_DES_DROITS["form_url"] in hrefs
    assert DEFENSEUR_DES_DROITS["delegates_url"] in hrefs
    assert "tel:+33969390000" in hrefs
    assert "09 69 39 00 00" in remedies.text
    assert "Libre réponse 71120" in remedies.text
    assert "75342 Paris CEDEX 07" in remedies.text
    assert "Défenseur des droits" in page.text_of("#remedies + p")


def test_the_legal_notice_names_the_publisher_and_a_contact(english, site):
    page = parse(english.get(reverse("core:legal")))

    assert "Université de Lorraine-sur-Test" in page.text_of("[data-publisher]")
    assert "director of publication" in page.text_of("[data-publisher]")
    assert page.one("a[data-contact]").get("href") == "mailto:qualite@univ-test.fr"
    hrefs = [link.get("href") for link in page.all("main a")]
    assert reverse("core:privacy") in hrefs
    assert reverse("core:accessibility") in hrefs


def test_the_legal_notice_uses_the_text_the_institution_wrote(english, site):
    site.legal_notice = "Éditeur : Université de Test.\nHébergeur : DNUM."
    site.save()

    page = parse(english.get(reverse("core:legal")))

    assert "Hébergeur : DNUM." in page.text_of("[data-legal-notice]")
    assert page.all("[data-publisher]") == []


def test_the_personal_data_page_names_the_controller_and_the_dpo(english, site):
    page = parse(english.get(reverse("core:privacy")))

    assert "Université de Lorraine-sur-Test" in page.text_of("[data-controller]")
    assert page.one("a[data-dpo]").get("href") == "mailto:dpo@univ-test.fr"
    assert "Camille Martin" in page.text_of("#main")


def test_the_personal_data_page_falls_back_to_the_dpo_of_the_environment(english, settings):
    settings.DPO_EMAIL = "dpo-env@example.edu"

    page = parse(english.get(reverse("core:privacy")))

    assert page.one("a[data-dpo]").get("href") == "mailto:dpo-env@example.edu"


def test_the_personal_data_page_gives_legal_basis_retention_and_rights(english, site):
    page = parse(english.get(reverse("core:privacy")))

    assert "public interest" in page.text_of("[data-legal-basis]")
    assert "6(1)(e)" in page.text_of("[data-legal-basis]")
    # One line per app that keeps personal data (the helpdesk's, the course evaluations' …).
    retention = " ".join(line.text for line in page.all("[data-retention]"))
    assert "24 months" in retention
    assert "30 days" in retention
    main = page.text_of("#main")
    assert "CNIL" in main
    assert "15 to 21" in main
