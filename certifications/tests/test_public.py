"""The public page: no login, read-only, the current certifications with scope and validity; Qualiopi's
certified categories."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from certifications import services
from certifications.choices import CertificationStatus

pytestmark = pytest.mark.django_db
D = datetime.date


def test_it_lists_current_certifications_with_the_qualiopi_categories(
    client, qualiopi_certification, iso, org, quality_manager
):
    services.certification_update(
        certification=qualiopi_certification, scope="Actions de formation continue et VAE", by=quality_manager
    )
    expired = services.certification_create(name="Label expiré", framework=iso, holder=org.letters, by=quality_manager)
    services.certificate_add(
        certification=expired, issued_on=D(2020, 1, 1), valid_until=D(2022, 12, 31), by=quality_manager
    )
    hidden = services.certification_create(
        name="Label interne", framework=iso, holder=org.letters, show_on_public_page=False, by=quality_manager
    )
    services.certificate_add(
        certification=hidden, issued_on=D(2025, 1, 1), valid_until=D(2028, 1, 1), by=quality_manager
    )
    with time_machine.travel(D(2025, 6, 1)):
        response = client.get(reverse("certifications:public-list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Qualiopi — Université" in page
    assert "Actions de formation continue et VAE" in page
    assert (
        "Actions de formation" in page and "Actions permettant de faire valider les acquis de l&#x27;expérience" in page
    )
    assert "14/01/2027" in page or "14 janvier 2027" in page
    assert "Label expiré" not in page
    assert "Label interne" not in page
    assert "<form" not in page.split('id="main"')[1].split("</main>")[0]  # read-only


def test_a_suspended_certification_leaves_the_public_page(client, qualiopi_certification, quality_manager):
    services.certification_transition(
        certification=qualiopi_certification, to=CertificationStatus.SUSPENDED, note="NC majeure", by=quality_manager
    )
    with time_machine.travel(D(2025, 6, 1)):
        page = client.get(reverse("certifications:public-list")).content.decode()
    assert "Qualiopi — Université" not in page


def test_a_label_shows_its_level_as_the_framework_names_it(client, org, quality_manager):
    from certifications.reference_data import DATA_DIR, load_file
    from qms.core.tests.html import parse

    framework = load_file(DATA_DIR / "bienvenue_en_france.yaml").framework
    label = services.certification_create(
        name="Bienvenue en France", framework=framework, holder=org.institution, level="2", by=quality_manager
    )
    services.certificate_add(certification=label, issued_on=D(2024, 9, 3), by=quality_manager)
    with time_machine.travel(D(2025, 6, 1)):
        page = parse(client.get(reverse("certifications:public-list")))
    assert page.one(f'[data-certification="{label.pk}"] [data-level]').text == "2 étoiles"
