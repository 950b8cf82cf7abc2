"""``charts.heat_map``: a grid of counts with bands, links and words for screen readers."""

from __future__ import annotations

from xml.etree import ElementTree

from qms.core import charts

SVG = "{http://www.w3.org/2000/svg}"
ROWS = [(1, "Rare"), (2, "Likely")]
COLUMNS = [(1, "Minor"), (2, "Major")]


def _map(**kwargs):
    return charts.heat_map(
        {(2, 2): 3, (1, 2): 1},
        title="Threats <all>",
        rows=ROWS,
        columns=COLUMNS,
        row_title="Likelihood",
        column_title="Severity",
        **kwargs,
    )


def test_every_cell_writes_its_count_and_names_itself():
    root = ElementTree.fromstring(str(_map()))
    assert root.find(f"{SVG}title").text == "Threats <all>"
    counts = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "count"]
    assert sorted(counts) == ["1", "3", "·", "·"]
    tips = [t.text for t in root.iter(f"{SVG}title")][1:]
    assert "Likelihood: Likely — Severity: Major: 3" in tips
    assert root.find(f"{SVG}desc").text.startswith("4 in all.")


def test_the_first_row_is_drawn_at_the_bottom():
    root = ElementTree.fromstring(str(_map()))
    labels = {t.text: float(t.get("y")) for t in root.iter(f"{SVG}text") if t.get("class") == "row-label"}
    assert labels["Rare"] > labels["Likely"]


def test_bands_colour_the_cells_and_the_legend_names_them():
    svg = str(
        _map(
            band=lambda row, column: "high" if row * column >= 4 else "low",
            band_labels={"low": "Acceptable", "high": "Critical"},
        )
    )
    assert svg.count("cell-high") == 1 and svg.count("cell-low") == 3
    assert "Acceptable" in svg and "Critical" in svg
    assert "Likely — Severity: Major — Critical: 3" in svg


def test_cells_with_risks_link_to_them_and_empty_ones_do_not():
    root = ElementTree.fromstring(str(_map(link=lambda row, column: f"/risks/?l={row}&s={column}")))
    links = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert sorted(links) == ["/risks/?l=1&s=2", "/risks/?l=2&s=2"]
    # Links inside: a group of controls, not an image (an image may not hold focusable elements).
    assert root.get("role") == "group"
    assert ElementTree.fromstring(str(_map())).get("role") == "img"
