"""The pages: query counts that do not grow with the rows, the PDFs read back, and the forms' round trips."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from processes import services
from processes.choices import DocumentOrigin, ProcessType, VersionStatus
from processes.models import Process
from processes.tests.factories import (
    DecisionFactory,
    DocumentFactory,
    DocumentVersionFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    MeasurementFactory,
    ProcessFactory,
    ReviewFactory,
    RiskFactory,
)
from qms.core.choices import MembershipRole
from qms.core.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _fill(process, start: int, count: int, org) -> None:
    """``count`` more of everything: processes, indicators with measurements, risks, documents, reviews, referents."""
    for n in range(start, start + count):
        other = ProcessFactory(code=f"X{n}", org_unit=org.sciences, type=[*ProcessType.values][n % 3])
        other.deputies.add(UserFactory(username=f"deputy{n}"))
        indicator = IndicatorFactory(process=process, name=f"Indicateur {n}")
        IndicatorTargetFactory(indicator=indicator)
        for year in (2023, 2024):
            MeasurementFactory(
                indicator=indicator,
                period_start=datetime.date(year, 1, 1),
                period_end=datetime.date(year, 12, 31),
                value=Decimal(50 + n),
            )
        RiskFactory(process=process, reference=f"R2-R{n:02d}", likelihood=1 + n % 4, severity=1 + (n // 4) % 4)
        RiskFactory(process=process, reference=f"R2-O{n:02d}", kind="opportunity")
        document = DocumentFactory(process=process, reference=f"PR-{n:03d}")
        DocumentVersionFactory(document=document, number="1", status=VersionStatus.APPROVED)
        external = DocumentFactory(
            process=other, reference=f"EXT-{n:03d}", origin=DocumentOrigin.EXTERNAL, issuer="Ministère"
        )
        DocumentVersionFactory(document=external, number="2024", status=VersionStatus.APPROVED)
        review = ReviewFactory(
            process=process, held_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=n), status="held"
        )
        DecisionFactory(review=review)
        unit = other.org_unit if n % 2 else org.letters
        MembershipFactory(
            user=UserFactory(username=f"referent{n}"), org_unit=unit, role=MembershipRole.QUALITY_REFERENT
        )


PAGES = [
    ("processes:process-list", False),
    ("processes:map", False),
    ("processes:process-detail", True),
    ("processes:indicator-list", False),
    ("processes:risk-list", False),
    ("processes:opportunity-list", False),
    ("processes:heat-map", False),
    ("processes:review-list", False),
    ("processes:document-list", False),
    ("processes:library", False),
    ("processes:referents", False),
    ("processes:measurements-due", False),
]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(("name", "with_process"), PAGES, ids=[name for name, _ in PAGES])
@pytest.mark.parametrize("persona", ["quality_manager", "referent_sciences"])
def test_the_query_count_does_not_grow_with_the_rows(client, request, process, org, name, with_process, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    url = reverse(name, args=[process.pk] if with_process else [])
    _fill(process, 0, 10, org)
    client.get(url)  # warm the caches (settings, content types)
    ten = _count(client, url)
    _fill(process, 10, 25, org)
    assert _count(client, url) == ten


def test_the_document_page_does_not_grow_and_the_review_page_grows_only_by_its_panels(
    client, quality_manager, process, org
):
    """A review renders the panels of each of its decisions (each applies its own app's rights to the viewer): its
    count grows by those panels' queries alone, never by the decisions' own rows."""
    client.force_login(quality_manager)
    review = services.review_draft(process=process, by=quality_manager, held_on=datetime.date(2025, 6, 1))
    document = DocumentFactory(process=process)
    version = DocumentVersionFactory(document=document, number="1", status=VersionStatus.APPROVED)

    def grow(start, count):
        for n in range(start, start + count):
            services.decision_add(review=review, by=quality_manager, text=f"Décision {n}")
            DocumentVersionFactory(document=document, number=f"0.{n}", status=VersionStatus.OBSOLETE)
            reader = UserFactory(username=f"lecteur{n}")
            version.read_confirmations.create(
                user=reader, distribution=version.distributions.get_or_create(sent_by=quality_manager)[0]
            )

    from qms.core import panels

    urls = [review.get_absolute_url(), document.get_absolute_url()]
    grow(0, 10)
    for url in urls:
        client.get(url)
    counts = [_count(client, url) for url in urls]
    grow(10, 25)
    assert _count(client, urls[1]) == counts[1]
    # Without other apps' panels, the review page does not grow either.
    registered = {panel.key: panel for panel in panels._REGISTRY.values()}
    for key in registered:
        panels.unregister(key)
    try:
        client.get(urls[0])
        before = _count(client, urls[0])
        grow(35, 5)
        assert _count(client, urls[0]) == before
    finally:
        for panel in registered.values():
            panels.register(panel)


# --- PDFs ---------------------------------------------------------------------------------------------------------


def _pdf_text(response) -> tuple[PdfReader, str]:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_the_process_sheet_pdf_holds_every_section(client, quality_manager, process, org):
    client.force_login(quality_manager)
    client.cookies["django_language"] = "en"
    process.purpose = "Accueillir et inscrire chaque étudiant"
    process.resources_information_systems = "Apogée, Parcoursup"
    process.save()
    _fill(process, 0, 3, org)
    response = client.get(reverse("processes:process-pdf", args=[process.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="fiche-processus-R2.pdf"'
    reader, text = _pdf_text(response)
    assert len(reader.pages) >= 1
    for expected in (
        "Process sheet",
        "R2",
        "Accueillir et inscrire",
        "Apogée, Parcoursup",
        "Indicateur 0",
        "R2-R00",
        "PR-000",
        "Last review",
    ):
        assert expected in text, expected


def test_the_map_pdf_has_the_three_bands_and_the_two_arrows(client, quality_manager, process, other_process):
    ProcessFactory(code="S3", name="Gérer le système d'information", type=ProcessType.SUPPORT)
    client.force_login(quality_manager)
    client.cookies["django_language"] = "en"
    reader, text = _pdf_text(client.get(reverse("processes:map-pdf")))
    assert len(reader.pages) == 1
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    for expected in ("Management processes", "Operational processes", "Support processes", "M1", "R2", "S3"):
        assert expected in text, expected
    assert "Needs of the interested parties" in text and "Satisfaction of the interested parties" in text


def test_the_map_page_puts_each_process_in_its_band(client, quality_manager, process, other_process):
    support = ProcessFactory(code="S3", name="Gérer le système d'information", type=ProcessType.SUPPORT)
    inactive = ProcessFactory(code="S8", type=ProcessType.SUPPORT, is_active=False)
    client.force_login(quality_manager)
    html = client.get(reverse("processes:map")).content.decode()
    management = html.index('class="map-band map-band-management"')
    operational = html.index('class="map-band map-band-operational"')
    support_band = html.index('class="map-band map-band-support"')
    assert management < html.index('data-code="M1"') < operational < html.index('data-code="R2"') < support_band
    assert html.index('data-code="S3"') > support_band
    assert f'href="{support.get_absolute_url()}"' in html
    assert 'data-code="S8"' not in html and inactive.pk


# --- Round trips --------------------------------------------------------------------------------------------------


def test_a_quality_manager_creates_a_process_then_an_indicator_then_a_risk(client, quality_manager, org, process_owner):
    client.force_login(quality_manager)
    response = client.post(
        reverse("processes:process-create"),
        {
            "code": "R7",
            "name": "Relations internationales",
            "type": "operational",
            "org_unit": org.sciences.pk,
            "owner": process_owner.pk,
            "version": "1",
        },
    )
    assert response.status_code == 302
    created = Process.objects.get(code="R7")
    response = client.post(
        reverse("processes:indicator-create", args=[created.pk]),
        {
            "name": "Mobilités sortantes",
            "source": "manual",
            "unit": "count",
            "direction": "higher",
            "frequency": "academic_year",
            "target": "120",
            "alert_threshold": "90",
        },
    )
    assert response.status_code == 302
    indicator = created.indicators.get()
    assert indicator.targets.get().target == Decimal(120)
    response = client.post(
        reverse("processes:risk-create", args=[created.pk]),
        {"kind": "risk", "description": "Baisse des accords", "likelihood": 3, "severity": 2, "treatment": "reduce"},
    )
    assert response.status_code == 302
    assert created.risks.get().reference == "R7-R01"


def test_a_refusal_of_a_service_shows_on_the_form_with_what_was_typed(client, quality_manager, process):
    client.force_login(quality_manager)
    response = client.post(
        reverse("processes:process-create"),
        {"code": "r2", "name": "Doublon tapé", "type": "operational", "version": "1"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Doublon tapé" in html and "is-invalid" in html


def test_an_owner_drafts_a_review_adds_a_decision_and_holds_it(client, process_owner, process):
    client.force_login(process_owner)
    response = client.post(
        reverse("processes:review-create", args=[process.pk]),
        {"held_on": "2025-05-20", "participants": "Pilote, qualité"},
    )
    assert response.status_code == 302
    review = process.reviews.get()
    client.post(reverse("processes:decision-add", args=[review.pk]), {"text": "Réécrire la procédure d'accueil"})
    client.post(
        reverse("processes:review-edit", args=[review.pk]),
        {"held_on": "2025-05-20", "participants": "Pilote", "assessment": "Satisfaisant"},
    )
    response = client.post(reverse("processes:review-hold", args=[review.pk]), {})
    assert response.status_code == 302
    process.refresh_from_db()
    assert process.next_review_on == datetime.date(2026, 5, 20)
    html = client.get(review.get_absolute_url()).content.decode()
    assert "Réécrire la procédure" in html and 'data-status="held"' in html
    assert client.get(reverse("processes:review-edit", args=[review.pk])).status_code == 403


def test_names_written_in_french_say_so_on_english_pages(client, quality_manager, process, org, referent_sciences):
    """RGAA 8.7: a process's and an indicator's <title> (wholly their names), the indicator in the breadcrumbs and
    the unit of a process (list, page, filter) and of the referents network carry lang="fr" on an English page, and
    nothing on a French one."""
    from qms.core.tests.html import parse

    indicator = IndicatorFactory(process=process, name="Taux de réponse aux réclamations")
    quality_manager.language = "en"
    quality_manager.save(update_fields=["language"])
    client.force_login(quality_manager)

    detail = parse(client.get(process.get_absolute_url()))
    assert detail.one("head title").get("lang") == "fr"
    assert detail.one("head title").text.startswith("R2 · Recruter et inscrire les étudiants · ")
    assert [element.text for element in detail.all("main dl [lang=fr]")] == ["UFR Sciences"]
    indicator_page = parse(client.get(indicator.get_absolute_url()))
    assert indicator_page.one("head title").get("lang") == "fr"
    assert indicator_page.one(".breadcrumb-item.active").get("lang") == "fr"
    listing = parse(client.get(reverse("processes:process-list")))
    assert listing.one("head title").get("lang") is None
    assert listing.one("tr[data-process=R2] [lang=fr]").text == "UFR Sciences"
    options = listing.all("select[name=org_unit] option")
    assert options[0].get("lang") is None
    assert {option.text for option in options if option.get("lang") == "fr"} >= {"UFR Sciences", "UFR Lettres"}
    referents = parse(client.get(reverse("processes:referents")))
    assert referents.one("tr[data-unit=ufr-sciences] td [lang=fr]").text == "UFR Sciences"

    quality_manager.language = "fr"
    quality_manager.save(update_fields=["language"])
    for url in (
        process.get_absolute_url(),
        indicator.get_absolute_url(),
        reverse("processes:process-list"),
        reverse("processes:referents"),
    ):
        page = parse(client.get(url))
        assert page.one("head title").get("lang") is None
        assert page.all("main [lang]") == [] and page.all(".breadcrumb [lang]") == [], url
