"""The timeline of a plan: an SVG made on the server, one line per action on a time axis by deadline.

Each action is a bar from its start (its start date, else its creation) to its deadline, ending in a marker:
a circle when it is open and on time, a check-mark diamond when done (placed at its completion date), and a
red triangle with the overdue stretch up to today when it is late. Shapes as well as colours tell the states
apart, a legend names them, and each line carries a tooltip; today is a dashed line. With links, the SVG is a
group (its links stay reachable), without them an image; either way its title and description name it.

Accessibility: bars and markers are solid colours of at least 3:1 against white (WCAG 1.4.11); an action's label
is cut to fit its column, measured with the widths of the font, and a link's name is the text it shows (2.5.3),
the full title being in the line's tooltip; months are written in the interface language ("janv. 2022"), and a
label, written in the institution's language, says so on a page in another one (``lang="fr"``, RGAA 8.7).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence

from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from actionplans.choices import ActionStatus
from actionplans.models import Action
from qms.core.charts import FONT, GRID_COLOUR, MUTED_COLOUR, PALETTE, SVG_NS, TEXT_COLOUR, TRAFFIC_COLOURS
from qms.core.languages import content_language

ROW_HEIGHT = 18
LABEL_WIDTH = 240
LABEL_X = 4
FONT_SIZE = 11
AXIS_FONT_SIZE = 10
TOP = 46
BOTTOM = 24
# Solid colours, each at least 3:1 against the white background (WCAG 1.4.11): no transparency.
COLOURS = {
    "open": PALETTE[0],
    "done": TRAFFIC_COLOURS["green"],
    "late": TRAFFIC_COLOURS["red"],
    "cancelled": TRAFFIC_COLOURS["grey"],
}
MONTHS = (
    pgettext_lazy("month abbreviation", "Jan"),
    pgettext_lazy("month abbreviation", "Feb"),
    pgettext_lazy("month abbreviation", "Mar"),
    pgettext_lazy("month abbreviation", "Apr"),
    pgettext_lazy("month abbreviation", "May"),
    pgettext_lazy("month abbreviation", "Jun"),
    pgettext_lazy("month abbreviation", "Jul"),
    pgettext_lazy("month abbreviation", "Aug"),
    pgettext_lazy("month abbreviation", "Sep"),
    pgettext_lazy("month abbreviation", "Oct"),
    pgettext_lazy("month abbreviation", "Nov"),
    pgettext_lazy("month abbreviation", "Dec"),
)
# Advance widths in em of DejaVu Sans, the chart's first font and the widest of its list, rounded up: enough to
# know that a label fits its column without measuring it in a browser.
_NARROW = dict.fromkeys("ijlI.,;:!'|", 0.32)
_SEMI = dict.fromkeys("ftr()[]-/ ", 0.42)
_WIDE = dict.fromkeys("mwMW%@", 1.0)


def _esc(value: object) -> str:
    return escape(str(value))


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _state(action: Action, today: datetime.date) -> str:
    if action.status == ActionStatus.DONE:
        return "done"
    if action.status == ActionStatus.CANCELLED:
        return "cancelled"
    return "late" if action.deadline < today else "open"


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """The width of ``text`` in pixels at ``size``, a little more than the font draws it."""
    em = 0.0
    for char in text:
        if char in _NARROW or char in _SEMI or char in _WIDE:
            em += _NARROW.get(char) or _SEMI.get(char) or _WIDE[char]
        elif char.isupper():
            em += 0.78
        else:
            em += 0.64
    return em * size


def fit(text: str, width: float, size: float = FONT_SIZE) -> str:
    """``text``, cut short with "…" so that it is at most ``width`` pixels wide."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text.rstrip() + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def month_label(day: datetime.date) -> str:
    """The month and year as the interface language writes them: "janv. 2022" in French, "Jan 2022" in English."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def _ticks(start: datetime.date, end: datetime.date, pixels_per_day: float) -> list[datetime.date]:
    """First days of months between ``start`` and ``end``, every month, or every 2, 3, 6, 12 … months when the
    labels would otherwise run into each other."""
    room = text_width("sept. 2022", AXIS_FONT_SIZE) + 8
    step = next((n for n in (1, 2, 3, 6, 12, 24, 60) if n * 30.4 * pixels_per_day >= room), 120)
    day = datetime.date(start.year, start.month, 1)
    ticks = []
    while day <= end:
        index = day.year * 12 + day.month - 1
        if day >= start and index % step == 0:
            ticks.append(day)
        year, month = divmod(day.month, 12)
        day = datetime.date(day.year + year, month + 1, 1)
    return ticks


def timeline_svg(
    actions: Sequence[Action],
    *,
    title: str,
    today: datetime.date | None = None,
    width: int = 960,
    link: bool = True,
) -> SafeString:
    """The timeline of ``actions`` (those without a deadline are counted in the description, not drawn)."""
    today = today or timezone.localdate()
    dated = sorted((a for a in actions if a.deadline), key=lambda a: (a.deadline, a.reference, a.pk))
    undated = len(actions) - len(dated)
    late = sum(1 for a in dated if _state(a, today) == "late")
    desc = ngettext(
        "%(count)s action by deadline, %(late)s late.", "%(count)s actions by deadline, %(late)s late.", len(dated)
    ) % {"count": len(dated), "late": late}
    if undated:
        desc += " " + ngettext(
            "%(count)s action without a deadline is not shown.",
            "%(count)s actions without a deadline are not shown.",
            undated,
        ) % {"count": undated}
    uid = "t" + uuid.uuid4().hex[:10]
    height = TOP + max(1, len(dated)) * ROW_HEIGHT + BOTTOM
    body: list[str] = []
    if not dated:
        # Translated outside the f-string: xgettext does not see calls inside f-strings.
        no_deadline = _esc(_("No action has a deadline yet."))
        body.append(
            f'<text x="{width / 2:.0f}" y="{TOP + 12}" text-anchor="middle" fill="{MUTED_COLOUR}">{no_deadline}</text>'
        )
    else:
        starts = [_start(a) for a in dated]
        ends = [max(a.deadline, a.completed_on or a.deadline) for a in dated]
        first = min([*starts, today]) - datetime.timedelta(days=7)
        last = max([*ends, today]) + datetime.timedelta(days=14)
        span = max((last - first).days, 1)
        plot_left, plot_right = LABEL_WIDTH + 12, width - 16

        def x(day: datetime.date) -> float:
            return plot_left + (plot_right - plot_left) * (day - first).days / span

        bottom = TOP + len(dated) * ROW_HEIGHT
        for tick in _ticks(first, last, (plot_right - plot_left) / span):
            tx = x(tick)
            label = month_label(tick)
            # A label that would run past the right edge is written to the left of its line.
            anchor = ' text-anchor="end"' if tx + 2 + text_width(label, AXIS_FONT_SIZE) > width else ""
            lx = tx - 2 if anchor else tx + 2
            body.append(
                f'<line x1="{tx:.1f}" y1="{TOP - 4}" x2="{tx:.1f}" y2="{bottom}" stroke="{GRID_COLOUR}" '
                f'stroke-width="1"/><text class="tick" x="{lx:.1f}" y="{TOP - 8}" fill="{MUTED_COLOUR}" '
                f'font-size="{AXIS_FONT_SIZE}"{anchor}>{_esc(label)}</text>'
            )
        tx = x(today)
        today_text = str(_("Today"))
        # Bold text is wider: measured with a margin; written to the left of the line near the right edge.
        today_anchor = ' text-anchor="end"' if tx + 3 + 1.1 * text_width(today_text, AXIS_FONT_SIZE) > width else ""
        today_x = tx - 3 if today_anchor else tx + 3
        body.append(
            f'<line class="today" x1="{tx:.1f}" y1="{TOP - 20}" x2="{tx:.1f}" y2="{bottom}" stroke="{TEXT_COLOUR}" '
            f'stroke-width="1.5" stroke-dasharray="4 3"/><text class="today-label" x="{today_x:.1f}" '
            f'y="{TOP - 22}" fill="{TEXT_COLOUR}" font-size="{AXIS_FONT_SIZE}" font-weight="bold"{today_anchor}>'
            f"{_esc(today_text)}</text>"
        )
        for index, (action, start) in enumerate(zip(dated, starts, strict=True)):
            body.append(_row(action, start, TOP + index * ROW_HEIGHT, x, today, link))
    body.append(_legend(width, height))
    # With links to its actions the chart is a group that a keyboard and a screen reader can enter; an image
    # (role="img") hides its content from assistive technologies, and must not hold links (RGAA 7.1, 6.1).
    role = "group" if link and any(a.pk for a in dated) else "img"
    parts = [
        f'<svg xmlns="{SVG_NS}" role="{role}" viewBox="0 0 {width} {height + 20}" width="{width}" '
        f'height="{height + 20}" aria-labelledby="{uid}-t {uid}-d" class="qms-chart qms-timeline" '
        f'font-family="{FONT}" font-size="11" style="max-width:100%;height:auto">',
        f'<title id="{uid}-t">{_esc(title)}</title><desc id="{uid}-d">{_esc(desc)}</desc>',
        *body,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text went through _esc()


def _start(action: Action) -> datetime.date:
    created = timezone.localdate(action.created_at) if action.created_at else action.deadline
    start = action.start_date or created
    return min(start, action.deadline)


def _row(action: Action, start: datetime.date, top: int, x, today: datetime.date, link: bool) -> str:
    state = _state(action, today)
    colour = COLOURS[state]
    middle = top + ROW_HEIGHT / 2
    label = fit(f"{action.reference} {action.title}".strip(), LABEL_WIDTH - LABEL_X)
    status = _("late") if state == "late" else action.get_status_display()
    tooltip = _("%(reference)s — %(title)s. Deadline %(deadline)s. %(status)s.") % {
        "reference": action.reference,
        "title": action.title,
        "deadline": _date(action.deadline),
        "status": status,
    }
    parts = [f'<g class="action action-{state}"><title>{_esc(tooltip)}</title>']
    # Written from the left edge and cut to fit its column, so that no label runs off the image. Actions are titled
    # in the institution's language: on a page in another one, the label says so (RGAA 8.7).
    language = content_language()
    lang = f' lang="{_esc(language)}"' if language else ""
    text = f'<text class="label" x="{LABEL_X}" y="{middle + 4:.1f}" fill="{TEXT_COLOUR}"{lang}>{_esc(label)}</text>'
    if link and action.pk:
        # The link's name is the text it shows (WCAG 2.5.3); the full title is in the line's tooltip above.
        text = f'<a href="{_esc(action.get_absolute_url())}">{text}</a>'
    parts.append(text)
    x1, x2 = x(start), x(action.deadline)
    # A cancelled action's bar is thinner; its colour stays solid (WCAG 1.4.11).
    thickness = 4 if state == "cancelled" else 6
    parts.append(
        f'<rect class="bar" x="{x1:.1f}" y="{middle - thickness / 2:.1f}" width="{max(x2 - x1, 1):.1f}" '
        f'height="{thickness}" rx="2" fill="{colour}"/>'
    )
    if state == "late":
        # The overdue stretch, from the deadline to today.
        parts.append(
            f'<line x1="{x2:.1f}" y1="{middle:.1f}" x2="{x(today):.1f}" y2="{middle:.1f}" stroke="{colour}" '
            f'stroke-width="2" stroke-dasharray="3 2"/>'
            f'<path d="M{x2:.1f},{middle - 6:.1f} L{x2 + 6:.1f},{middle + 5:.1f} L{x2 - 6:.1f},{middle + 5:.1f} Z" '
            f'fill="{colour}"/>'
        )
    elif state == "done":
        at = x(action.completed_on or action.deadline)
        parts.append(
            f'<path d="M{at:.1f},{middle - 6:.1f} L{at + 6:.1f},{middle:.1f} L{at:.1f},{middle + 6:.1f} '
            f'L{at - 6:.1f},{middle:.1f} Z" fill="{colour}"/>'
        )
    elif state == "cancelled":
        parts.append(
            f'<path d="M{x2 - 4:.1f},{middle - 4:.1f} L{x2 + 4:.1f},{middle + 4:.1f} M{x2 + 4:.1f},{middle - 4:.1f} '
            f'L{x2 - 4:.1f},{middle + 4:.1f}" stroke="{colour}" stroke-width="2"/>'
        )
    else:
        parts.append(f'<circle cx="{x2:.1f}" cy="{middle:.1f}" r="5" fill="{colour}"/>')
    parts.append("</g>")
    return "".join(parts)


def _legend(width: int, height: int) -> str:
    y = height + 4
    items = [
        ("open", _("Open, on time"), "circle"),
        ("late", _("Late"), "triangle"),
        ("done", _("Done"), "diamond"),
        ("cancelled", _("Cancelled"), "cross"),
    ]
    parts = ['<g class="legend">']
    cursor = LABEL_WIDTH + 8
    for state, label, shape in items:
        colour = COLOURS[state]
        cx, cy = cursor + 6, y + 6
        if shape == "circle":
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="5" fill="{colour}"/>')
        elif shape == "triangle":
            parts.append(f'<path d="M{cx},{cy - 6} L{cx + 6},{cy + 5} L{cx - 6},{cy + 5} Z" fill="{colour}"/>')
        elif shape == "diamond":
            parts.append(f'<path d="M{cx},{cy - 6} L{cx + 6},{cy} L{cx},{cy + 6} L{cx - 6},{cy} Z" fill="{colour}"/>')
        else:
            parts.append(
                f'<path d="M{cx - 4},{cy - 4} L{cx + 4},{cy + 4} M{cx + 4},{cy - 4} L{cx - 4},{cy + 4}" '
                f'stroke="{colour}" stroke-width="2"/>'
            )
        parts.append(f'<text x="{cursor + 16}" y="{cy + 4}" fill="{TEXT_COLOUR}">{_esc(label)}</text>')
        cursor += 24 + round(text_width(str(label)))
    parts.append("</g>")
    return "".join(parts)
