import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.safestring import SafeString

from qms.core.charts import bar_chart, format_value, line_chart, progress_bar, traffic_light

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """Parse as a standalone XML document and check what every chart must carry."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox", "").startswith("0 0 ")
    title = root.find("svg:title", NS)
    assert title is not None and title.text
    # Named by its title alone, described by its figures: each read once.
    assert root.get("aria-labelledby") == title.get("id")
    desc = root.find("svg:desc", NS)
    assert desc is not None and root.get("aria-describedby") == desc.get("id")
    # Nothing that runs or fetches: no script, no foreign object, no external reference.
    assert not root.findall(".//svg:script", NS)
    assert not root.findall(".//svg:foreignObject", NS)
    assert not root.findall(".//svg:image", NS)
    assert "href" not in svg and "url(" not in svg and "javascript:" not in svg
    for element in root.iter():
        assert not any(name.lower().startswith("on") for name in element.attrib)
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def bars(root: ET.Element) -> list[ET.Element]:
    return [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "bar"]


def test_a_bar_chart_draws_one_bar_per_value_and_a_legend():
    svg = bar_chart(
        ["Jan", "Fév", "Mar"],
        [("Réclamations", [3, 5, 2]), ("Suggestions", [1, 0, 4])],
        title="Demandes reçues",
    )
    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.find("svg:title", NS).text == "Demandes reçues"
    assert len(bars(root)) == 6
    legend = root.find(".//svg:g[@class='legend']", NS)
    assert [t.text for t in legend.iter(f"{SVG}text")] == ["Réclamations", "Suggestions"]
    assert {"Jan", "Fév", "Mar"} <= set(texts(root))


def test_bars_are_as_tall_as_their_values():
    root = parse(bar_chart(["a", "b"], [("s", [10, 5])], title="t"))
    first, second = (float(bar.get("height")) for bar in bars(root))
    assert first == pytest.approx(2 * second)


def test_a_missing_value_draws_no_bar():
    root = parse(bar_chart(["a", "b", "c"], [("s", [1, None, 3])], title="t"))
    assert len(bars(root)) == 2


def test_shorter_series_are_padded_and_longer_ones_cut():
    root = parse(bar_chart(["a", "b", "c"], [("s", [1]), ("u", [1, 2, 3, 4, 5])], title="t"))
    assert len(bars(root)) == 4


def test_stacked_bars_pile_up():
    root = parse(bar_chart(["a", "b"], [("x", [2, 1]), ("y", [3, 1])], title="t", stacked=True))
    drawn = bars(root)
    assert len(drawn) == 4
    # In a stack, the bars of one label share their x and the second sits on top of the first.
    a_x, a_y = drawn[0], drawn[1]
    assert a_x.get("x") == a_y.get("x")
    assert float(a_y.get("y")) + float(a_y.get("height")) == pytest.approx(float(a_x.get("y")))


def test_values_and_units_are_in_the_tooltips_and_the_description():
    with translation.override("fr"):
        root = parse(bar_chart(["2025"], [("Taux", [Decimal("97.9")])], title="t", unit="%"))
    tip = bars(root)[0].find("svg:title", NS).text
    assert tip == "2025 — Taux: 97,9\u00a0%"
    assert "97,9" in root.find("svg:desc", NS).text


def test_labels_are_escaped_and_stay_text():
    evil = '<script>alert("x")</script>'
    svg = bar_chart([evil, "B&B"], [(evil, [1, 2])], title=f"Titre {evil}", unit="<b>")
    root = parse(svg)
    assert "<script>" not in svg
    assert root.find("svg:title", NS).text == f"Titre {evil}"
    x_labels = [element.text for element in root.iter(f"{SVG}text") if element.get("class") == "x-label"]
    assert x_labels == [evil, "B&B"]
    assert evil in texts(root.find(".//svg:g[@class='legend']", NS))


def test_characters_that_xml_cannot_hold_are_dropped():
    parse(bar_chart(["a\x00b\x1f"], [("s\x07", [1])], title="t\x0b"))


def test_an_empty_chart_says_there_is_no_data():
    for svg in (
        bar_chart([], [], title="Vide"),
        bar_chart(["a"], [("s", [None])], title="Vide"),
        line_chart([], [("s", [])], title="Vide"),
        line_chart(["a", "b"], [], title="Vide"),
    ):
        root = parse(svg)
        assert not bars(root)
        assert not root.findall(".//svg:circle", NS)
        assert any("No data" in text for text in texts(root))


def test_all_zero_values_still_draw_an_axis():
    root = parse(bar_chart(["a", "b"], [("s", [0, 0])], title="t"))
    assert len(bars(root)) == 2


def test_negative_values_go_below_the_axis():
    root = parse(bar_chart(["a", "b"], [("s", [-2, 4])], title="t"))
    assert len(bars(root)) == 2
    assert all(float(bar.get("height")) > 0 for bar in bars(root))


def test_many_long_labels_are_rotated_and_shortened():
    labels = [f"Licence professionnelle métiers numéro {i}" for i in range(12)]
    root = parse(bar_chart(labels, [("s", list(range(12)))], title="t"))
    x_labels = [element for element in root.iter(f"{SVG}text") if element.get("class") == "x-label"]
    assert len(x_labels) == 12
    assert all("rotate(" in element.get("transform", "") for element in x_labels)
    assert all(element.text.endswith("…") for element in x_labels)
    full = [group.find("svg:title", NS).text for group in root.iter(f"{SVG}g") if group.get("class") == "x-label-full"]
    assert full == labels


def test_a_line_chart_draws_points_lines_and_a_target():
    root = parse(
        line_chart(
            ["2022", "2023", "2024", "2025"],
            [("Taux de satisfaction", [70, 74, None, 81]), ("Taux de réponse", [40, 45, 50, 52])],
            title="Évolution",
            unit="%",
            target=80,
        )
    )
    points = [circle for circle in root.iter(f"{SVG}circle") if circle.get("class") == "point"]
    assert len(points) == 7
    lines = root.findall(".//svg:polyline", NS)
    # The missing 2024 value breaks the first series into a two-point line and a lone point.
    assert len(lines) == 2
    target = root.find(".//svg:g[@class='target']", NS)
    assert target is not None
    assert "80" in "".join(target.itertext())


def test_a_line_chart_without_target_has_no_target_line():
    root = parse(line_chart(["a", "b"], [("s", [1, 2])], title="t"))
    assert root.find(".//svg:g[@class='target']", NS) is None


@pytest.mark.parametrize("state", ["green", "amber", "red", "grey"])
def test_a_traffic_light_writes_its_state_beside_the_colour(state):
    root = parse(traffic_light(state, title="Taux de prise en charge"))
    light = root.find(".//svg:circle", NS)
    assert light.get("class") == f"light light-{state}"
    assert texts(root)[0]  # the state in words, never colour alone


def test_an_unknown_traffic_light_state_is_grey():
    root = parse(traffic_light("purple", title="t"))
    assert root.find(".//svg:circle", NS).get("class") == "light light-grey"


def test_a_progress_bar_is_clamped_and_shows_its_figure():
    with translation.override("en"):
        half = parse(progress_bar(50, title="Avancement", width=256))
        over = parse(progress_bar(150, title="Avancement", width=256))
        none = parse(progress_bar(None, title="Avancement"))
    track_width = float(half.find(".//svg:rect[@class='track']", NS).get("width"))
    assert float(half.find(".//svg:rect[@class='fill']", NS).get("width")) == pytest.approx(track_width / 2)
    assert float(over.find(".//svg:rect[@class='fill']", NS).get("width")) == pytest.approx(track_width)
    assert texts(half) == ["50\u00a0%"]
    assert texts(none) == ["No data"]


def test_each_chart_has_its_own_ids_so_several_fit_in_one_page():
    first = parse(traffic_light("green", title="a")).find("svg:title", NS).get("id")
    second = parse(traffic_light("green", title="a")).find("svg:title", NS).get("id")
    assert first != second


def test_values_are_formatted_in_the_active_language():
    with translation.override("fr"):
        assert format_value(1234.5, "%") == "1234,5\u00a0%"
    with translation.override("en"):
        assert format_value(12, "days") == "12\u00a0days"
        assert format_value(None) == "no data"


@pytest.mark.parametrize(
    "chart",
    [
        lambda: bar_chart(["Jan", "Feb"], [("Complaints", [3, 5])], title="Received", in_table=True),
        lambda: bar_chart([], [], title="Received", in_table=True),
        lambda: line_chart(["2024", "2025"], [("Rate", [80, 90])], title="Rate", unit="%", in_table=True),
        lambda: progress_bar(45, title="Taken in charge", in_table=True),
    ],
)
def test_a_chart_whose_figures_a_table_shows_is_hidden_from_screen_readers(chart):
    """Read once, from the table: the chart is neither an image nor named, and takes no focus."""
    root = ET.fromstring(chart())
    assert root.get("aria-hidden") == "true"
    assert root.get("focusable") == "false"
    assert root.get("role") is None
    assert root.get("aria-labelledby") is None and root.get("aria-describedby") is None
    # Its tooltips still serve the eye.
    assert root.find("svg:title", NS) is not None
