"""The shared pieces of list pages (templates/includes/ and qms_lists): one frame for every data table, with the
caption RGAA 5.4 asks for; one pagination that keeps the filters; one status badge."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.paginator import Paginator
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.utils import translation

from qms.core.lists import query_string
from qms.core.tests.html import parse

ROOT = Path(__file__).resolve().parents[3]
# PDFs and emails are not pages: their tables are read on paper or in a mail client.
NOT_PAGES = ("/pdf/", "/emails/", "templates/includes/table.html")


def page_templates() -> list[Path]:
    found = []
    for path in ROOT.rglob("*.html"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "staticfiles/", "node_modules/", "media/")) or "/tests/" in relative:
            continue
        if "/templates/" not in f"/{relative}" or any(part in f"/{relative}" for part in NOT_PAGES):
            continue
        found.append(path)
    return found


def test_every_table_of_a_page_goes_through_the_data_table_frame():
    """A table written by hand would miss its caption or its scrolling wrapper: every one uses {% data_table %}."""
    templates = page_templates()
    assert len(templates) > 40
    offenders = [
        str(path.relative_to(ROOT))
        for path in templates
        if re.search(r"<table[\s>]", path.read_text(encoding="utf-8"))
        and not str(path.relative_to(ROOT)).startswith(NOT_YET_FRAMED)
        and str(path.relative_to(ROOT)) not in NOT_DATA_TABLES
    ]
    assert offenders == []


# Every app's tables go through the frame. An app that still wrote some by hand (each with its caption, checked
# below) would be named here until it moves onto {% data_table %}. The list shrinks; it never grows.
NOT_YET_FRAMED: tuple[str, ...] = ()
# Layout tables (the map's drawing).
NOT_DATA_TABLES = ("processes/templates/processes/_map_drawing.html",)


def test_every_table_written_by_hand_still_has_its_caption():
    """RGAA 5.4 holds where the frame is not used yet: each data table has a caption."""
    missing = []
    for path in page_templates():
        relative = str(path.relative_to(ROOT))
        if relative in NOT_DATA_TABLES:
            continue
        text = path.read_text(encoding="utf-8")
        if len(re.findall(r"<table[\s>]", text)) > len(re.findall(r"<caption", text)):
            missing.append(relative)
    assert missing == []


def render(source: str, **context) -> str:
    return Template("{% load qms_lists %}" + source).render(Context(context))


def test_a_data_table_has_its_caption_its_class_and_its_attributes():
    html = render(
        '{% data_table caption=title class="table-sm" data_inbox="" id="t1" %}<tbody><tr><td>1</td></tr></tbody>'
        "{% end_data_table %}",
        title="Requests <newest first>",
    )
    table = parse(html).one("div.table-responsive > table")
    assert table.get("class") == "table table-sm"
    assert table.get("data-inbox") == "" and table.get("id") == "t1"
    caption = table.one("caption")
    assert caption.text == "Requests <newest first>"  # escaped, read as text
    assert caption.get("class") == "visually-hidden"
    assert table.one("tbody td").text == "1"


def test_a_caption_may_be_shown():
    html = render('{% data_table caption="Rates" caption_visible=True %}{% end_data_table %}')
    assert "visually-hidden" not in parse(html).one("caption").get("class")


def test_a_data_table_without_a_caption_is_refused():
    with pytest.raises(TemplateSyntaxError, match="caption"):
        render('{% data_table class="table-sm" %}{% end_data_table %}')
    with pytest.raises(TemplateSyntaxError, match="caption"):
        render("{% data_table caption=missing %}{% end_data_table %}")


def test_the_pagination_keeps_the_filters_and_names_the_page():
    request = RequestFactory().get("/x/", {"status": "new", "q": "salle B", "page": "2"})
    page_obj = Paginator(range(120), 50).get_page(2)
    with translation.override("en"):
        html = Template('{% include "includes/pagination.html" %}').render(
            Context({"page_obj": page_obj, "query_string": query_string(request)})
        )
    page = parse(html)
    assert page.one("nav").get("aria-label") == "Pages"
    assert page.one("a[rel=prev]").get("href") == "?status=new&q=salle+B&page=1"
    assert page.one("a[rel=next]").get("href") == "?status=new&q=salle+B&page=3"
    assert page.one("[aria-current=page]").text == "Page 2 of 3"


def test_a_single_page_shows_no_pagination():
    html = Template('{% include "includes/pagination.html" %}').render(
        Context({"page_obj": Paginator(range(3), 50).get_page(1), "query_string": ""})
    )
    assert html.strip() == ""


def test_the_status_badge_says_the_status_in_words():
    html = Template(
        '{% include "includes/status_badge.html" with status="late" label="En retard" badge="danger" %}'
    ).render(Context({}))
    badge = parse(html).one("span.badge")
    assert (badge.text, badge.get("class"), badge.get("data-status")) == ("En retard", "badge text-bg-danger", "late")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_choice_labels_of_a_table_say_what_get_display_says(language):
    """``choice_labels`` reads each label once for a whole table; each value must read as the model says it."""
    from complaints.models import Complaint
    from qms.core.templatetags.qms_lists import choice_labels

    field = Complaint._meta.get_field("status")
    with translation.override(language):
        label = choice_labels(Complaint, "status")
        for value, _label in field.flatchoices:
            assert label(value) == Complaint(status=value).get_status_display()
        # An unknown value reads as itself, as get_<field>_display() has it.
        assert label("gone") == Complaint(status="gone").get_status_display() == "gone"
    with translation.override("fr"):
        french = choice_labels(Complaint, "status")("closed")
    with translation.override("en"):
        assert choice_labels(Complaint, "status")("closed") != french
