"""Risks: the heat map counts (gross and residual, opportunities left out), the register's filters, the XLSX
export read back with openpyxl, and the opportunities' own list."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from processes import heatmap
from processes.choices import RiskKind, RiskScore
from processes.models import ProcessMapSettings, Risk
from processes.tests.factories import RiskFactory
from qms.core import panels

pytestmark = pytest.mark.django_db


@pytest.fixture
def risks(process, other_process):
    """Gross: (4,3) twice, (2,2) once, (1,1) once; residual: (2,3), (1,1), (2,2) and (1,1) kept gross."""
    return [
        RiskFactory(
            process=process, reference="R2-R01", likelihood=4, severity=3, residual_likelihood=2, residual_severity=3
        ),
        RiskFactory(
            process=process, reference="R2-R02", likelihood=4, severity=3, residual_likelihood=1, residual_severity=1
        ),
        RiskFactory(process=other_process, reference="M1-R01", likelihood=2, severity=2),
        RiskFactory(process=other_process, reference="M1-R02", likelihood=1, severity=1),
        # Left out of every map: an opportunity and an archived threat.
        RiskFactory(process=process, reference="R2-O01", kind=RiskKind.OPPORTUNITY, likelihood=4, severity=4),
        RiskFactory(process=process, reference="R2-R03", likelihood=4, severity=4, is_archived=True),
    ]


def test_the_gross_map_counts_current_threats_only(risks):
    assert heatmap.heat_counts(Risk.objects.all(), RiskScore.GROSS) == {(4, 3): 2, (2, 2): 1, (1, 1): 1}


def test_the_residual_map_moves_treated_threats_and_keeps_the_others_in_place(risks):
    assert heatmap.heat_counts(Risk.objects.all(), RiskScore.RESIDUAL) == {(2, 3): 1, (1, 1): 2, (2, 2): 1}


def test_a_process_map_counts_that_process_only(risks, process):
    assert heatmap.heat_counts(Risk.objects.filter(process=process)) == {(4, 3): 2}


def test_the_heat_map_page_draws_the_counts_with_links_to_the_risks(client, quality_manager, risks):
    client.force_login(quality_manager)
    html = client.get(reverse("processes:heat-map"), {"score": "residual"}).content.decode()
    svg = html[html.index('<div class="chart" id="heat-map">') :]
    cells = re.findall(r'<text class="count"[^>]*>([^<]*)</text>', svg)
    assert sorted(int(c) for c in cells if c.isdigit()) == [1, 1, 2]
    link = re.search(r'href="([^"]*likelihood=1[^"]*severity=1[^"]*)"', svg).group(1).replace("&amp;", "&")
    register = client.get(link).content.decode()
    assert 'data-risk="M1-R02"' in register and 'data-risk="R2-R02"' in register
    assert 'data-risk="R2-R01"' not in register


def test_the_cells_take_the_band_colours_of_the_settings(risks):
    settings = ProcessMapSettings.get()
    svg = str(heatmap.heat_map_svg(heatmap.heat_counts(Risk.objects.all()), title="T", settings=settings))
    # 9 and more is critical (4 cells), 5 to 8 to watch (4 cells), below 5 acceptable (8 cells).
    assert (svg.count("cell-high"), svg.count("cell-medium"), svg.count("cell-low")) == (4, 4, 8)


def test_the_register_filters_by_band_on_the_chosen_scores(client, quality_manager, risks):
    client.force_login(quality_manager)
    gross = client.get(reverse("processes:risk-list"), {"band": "critical", "kind": "risk"}).content.decode()
    assert 'data-risk="R2-R01"' in gross and 'data-risk="R2-R02"' in gross
    residual = client.get(
        reverse("processes:risk-list"), {"band": "critical", "score": "residual", "kind": "risk"}
    ).content.decode()
    assert 'data-risk="R2-R01"' not in residual and 'data-risk="R2-R02"' not in residual
    watched = client.get(reverse("processes:risk-list"), {"band": "watch", "score": "residual"}).content.decode()
    assert 'data-risk="R2-R01"' in watched


def test_archived_risks_stay_out_of_the_register_unless_asked(client, quality_manager, risks):
    client.force_login(quality_manager)
    assert 'data-risk="R2-R03"' not in client.get(reverse("processes:risk-list")).content.decode()
    assert 'data-risk="R2-R03"' in client.get(reverse("processes:risk-list"), {"archived": "yes"}).content.decode()


def test_opportunities_have_their_own_list(client, quality_manager, risks):
    client.force_login(quality_manager)
    html = client.get(reverse("processes:opportunity-list")).content.decode()
    assert 'data-risk="R2-O01"' in html
    assert 'data-risk="R2-R01"' not in html


@pytest.fixture
def treatment_panel():
    """A panel like action plans' "Actions", which gives the treatment actions of risks."""

    def summary(objects):
        return {
            obj.pk: [
                {
                    "reference": "A-0007",
                    "title": "Sauvegarder les dossiers",
                    "status_label": "In progress",
                    "due": "2025-09-30",
                }
            ]
            for obj in objects
            if obj.reference == "R2-R01"
        }

    panels.register(
        panels.ObjectPanel(
            key="tests.treatment",
            applies_to=lambda obj: obj._meta.label_lower == "processes.risk",
            render=lambda request, obj: "",
            summary=summary,
        )
    )
    yield
    panels.unregister("tests.treatment")


def test_the_register_exports_to_xlsx_with_the_filters_applied(client, quality_manager, risks, treatment_panel):
    client.force_login(quality_manager)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("processes:risk-export"), {"process": risks[0].process.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("Process", "Reference", "Kind", "Description")
    assert "Treatment actions" in header and "Residual band" in header
    by_reference = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_reference) == {"R2-R01", "R2-R02", "R2-O01"}  # M1's risks filtered out, the archived one too
    first = by_reference["R2-R01"]
    assert (first["Gross criticality"], first["Gross band"], first["Residual criticality"], first["Residual band"]) == (
        12,
        "Critical",
        6,
        "To watch",
    )
    assert first["Treatment actions"] == "A-0007 Sauvegarder les dossiers (In progress, due 2025-09-30)"
    assert by_reference["R2-O01"]["Kind"] == "Opportunity"


def test_a_formula_in_a_description_is_written_as_text(client, quality_manager, process):
    RiskFactory(process=process, reference="R2-R09", description='=HYPERLINK("http://x")')
    client.force_login(quality_manager)
    response = client.get(reverse("processes:risk-export"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["D2"].data_type == "s"
    assert not str(sheet["D2"].value).startswith("=")


def test_the_process_sheet_shows_its_own_heat_map(client, quality_manager, process, risks):
    client.force_login(quality_manager)
    html = client.get(process.get_absolute_url()).content.decode()
    assert "R2-R01" in html and "M1-R01" not in html
    assert f"process={process.pk}" in html.replace("&amp;", "&")
