"""Keyboard journeys, in real headless Chromium: what a person who uses no mouse does, with Tab, Shift+Tab, typing,
Space, the arrow keys and Enter only (WCAG 2.1.1, 2.4.3, 2.4.7, 4.1.3).

Every control reached on the way shows where the focus is: a visible outline or ring (computed, not assumed
from the style sheet).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from complaints.models import Complaint
from complaints.services import complaint_submit
from qms.core.tests.personas import build_personas
from qms.core.tests.test_accessibility import quiet_setup, sign_in  # noqa: F401 - quiet_setup is a fixture

pytestmark = [pytest.mark.browser]

# The focused element, whether it matches ``selector``, and whether its focus can be seen: an outline of 2 px or
# more that is not transparent, or a box-shadow ring.
FOCUS = """(selector) => {
    const element = document.activeElement;
    if (!element || element === document.body) {
        return {matches: false, visible: false, describe: "body"};
    }
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
        && !/rgba\\(\\d+, \\d+, \\d+, 0\\)|transparent/.test(style.outlineColor);
    const ring = style.boxShadow !== "none" && style.boxShadow !== "";
    const name = element.getAttribute("name") || element.id || element.getAttribute("href") || "";
    const text = (element.innerText || element.value || "").trim().replace(/\\s+/g, " ").slice(0, 50);
    return {
        matches: element.matches(selector),
        visible: outline || ring,
        describe: `<${element.tagName.toLowerCase()} ${name}> ${text}`,
    };
}"""


def focus_state(page, selector: str = "*") -> dict:
    return page.evaluate(FOCUS, selector)


def tab_to(page, selector: str, *, limit: int = 60, key: str = "Tab") -> list[dict]:
    """Press Tab until the focused element matches ``selector``; the stops on the way, the last one included.
    Fails when it is not reached in ``limit`` presses."""
    stops = []
    for _ in range(limit):
        page.keyboard.press(key)
        stops.append(focus_state(page, selector))
        if stops[-1]["matches"]:
            return stops
    pytest.fail(f"{selector} not reached in {limit} presses of {key}: {[stop['describe'] for stop in stops]}")


def without_visible_focus(stops: list[dict]) -> list[str]:
    return [stop["describe"] for stop in stops if not stop["visible"]]


def test_a_person_files_a_request_with_the_keyboard_alone(page, live_server, transactional_db, quiet_setup, settings):  # noqa: F811
    from playwright.sync_api import expect

    settings.PUBLIC_FORM_MIN_FILL_SECONDS = 0
    build_personas()
    page.goto(live_server.url + reverse("complaints:public-create"))
    stops = []

    # The kind: a radio group, one Tab stop; the arrow keys choose.
    stops += tab_to(page, "input[name=kind]")
    page.keyboard.press("ArrowDown")
    expect(page.locator("input[name=kind]:checked")).to_have_value("suggestion")
    stops.append(focus_state(page))

    # Not a sensitive case: Space ticks the focused "No".
    stops += tab_to(page, "input[name=sensitive_nature]")
    page.keyboard.press("Space")
    expect(page.locator("input[name=sensitive_nature]:checked")).to_have_value("")

    stops += tab_to(page, "input[name=subject]")
    page.keyboard.type("Horaires de la bibliothèque")
    stops += tab_to(page, "textarea[name=description]")
    page.keyboard.type("Ouvrir plus tard pendant les examens.")

    # "You are": a list, chosen with the arrow keys without opening it.
    stops += tab_to(page, "select[name=requester_category]")
    page.keyboard.press("ArrowDown")
    assert page.locator("select[name=requester_category]").input_value() != ""

    stops += tab_to(page, "input[name=email]")
    page.keyboard.type("camille@example.org")
    stops += tab_to(page, "button[data-action=submit-request]")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/confirmation/$"))
    complaint = Complaint.objects.get()
    expect(page.locator("main")).to_contain_text(complaint.reference)
    assert (complaint.kind, complaint.email, complaint.subject) == (
        "suggestion",
        "camille@example.org",
        "Horaires de la bibliothèque",
    )
    assert without_visible_focus(stops) == []


def test_staff_open_a_request_from_the_inbox_and_take_it_in_charge_with_the_keyboard_alone(
    page,
    live_server,
    transactional_db,
    quiet_setup,  # noqa: F811
):
    from playwright.sync_api import expect

    personas = build_personas()
    for number in range(3):
        complaint_submit(kind="complaint", subject=f"Demande {number}", description="Texte.", language="fr")
    newest = Complaint.objects.order_by("-received_at", "-pk").first()
    sign_in(page, live_server, personas.quality_manager)
    page.goto(live_server.url + reverse("complaints:inbox"))

    # The second stop of the page is "Skip to results", shown while it has focus.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    skip = page.locator("a[data-skip=results]")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["width"] > 1 and box["height"] > 1, "the skip link is not shown on focus"
    stops = [focus_state(page)]
    page.keyboard.press("Enter")
    expect(page.locator("#results")).to_be_focused()

    # From the results, the next Tab is the newest request.
    stops += tab_to(page, "#results a", limit=1)
    expect(page.locator("#results a").first).to_be_focused()
    expect(page.locator("#results a").first).to_have_text(newest.reference)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(newest.get_absolute_url()) + "$"))

    # The first step offered, a button: Enter opens its form, whose button Enter sends.
    stops += tab_to(page, "[data-step=take-charge]")
    page.keyboard.press("Enter")
    expect(page.locator("[data-action-form=take-charge]")).to_be_visible()
    stops += tab_to(page, "[data-action-form=take-charge] button[type=submit]")
    page.keyboard.press("Enter")

    # Back on the request: the confirmation is in a live region and has focus, so that it is heard.
    message = page.locator("#messages [data-message]").first
    expect(message).to_be_focused()
    expect(message).to_have_text(re.compile("prise en charge"))
    assert message.get_attribute("role") == "status"
    assert message.get_attribute("aria-live") == "polite"
    newest.refresh_from_db()
    assert newest.status == "in_progress"
    assert without_visible_focus(stops) == []


CALENDAR_BUTTON_FOCUSED = """(input) => input.matches(":focus-within") && !input.matches(":focus")"""
FOCUS_RING = """(input) => {
    const field = getComputedStyle(input);
    return {outline: field.outlineStyle, width: parseFloat(field.outlineWidth), color: field.outlineColor,
            ring: field.boxShadow};
}"""
ACCENT = (255, 191, 71)  # --qms-accent, the focus colour


def accent_pixels(page, box: dict) -> int:
    """Pixels of the focus colour in ``box`` of the page as drawn (the calendar button lives in the browser's
    own shadow tree, whose computed style a page cannot read)."""
    import io

    from PIL import Image

    data = Image.open(io.BytesIO(page.screenshot(clip=box))).convert("RGB").tobytes()
    pixels = (data[index : index + 3] for index in range(0, len(data), 3))
    return sum(1 for pixel in pixels if all(abs(a - b) <= 12 for a, b in zip(pixel, ACCENT, strict=True)))


def test_the_date_filters_calendar_button_shows_the_house_focus_ring(page, live_server, transactional_db, quiet_setup):  # noqa: F811
    """The inbox's "received from" filter: Tab through the day, month and year to the calendar button; the field
    keeps a 3 px ring and the button is filled with the focus colour (it had only the browser's thin ring)."""
    personas = build_personas()
    sign_in(page, live_server, personas.quality_manager)
    page.goto(live_server.url + reverse("complaints:inbox"))
    date = page.locator("input[type=date]").first
    tab_to(page, "input[type=date]")
    for _ in range(6):
        if date.evaluate(CALENDAR_BUTTON_FOCUSED):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("the calendar button of the date field was not reached with Tab")
    page.wait_for_timeout(300)  # past any transition
    style = date.evaluate(FOCUS_RING)
    assert style["outline"] == "solid" and style["width"] >= 3, style
    assert style["color"] == "rgb(255, 191, 71)", style
    assert "5px" in style["ring"], style
    # The button itself is filled with the focus colour: the right end of the field, inside its border.
    field = date.bounding_box()
    button = {"x": field["x"] + field["width"] - 34, "y": field["y"] + 4, "width": 28, "height": field["height"] - 8}
    assert accent_pixels(page, button) > 40
    # … which it is not while the day, month and year have focus.
    page.keyboard.press("Shift+Tab")
    assert not date.evaluate(CALENDAR_BUTTON_FOCUSED)
    page.wait_for_timeout(300)
    assert accent_pixels(page, button) == 0
