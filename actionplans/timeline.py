"""The timeline of a plan: an SVG made on the server, one line per action on a time axis by deadline.

Each action is a bar from its start (its start date, else its creation) to its deadline, ending in a marker:
a circle when it is open and on time, a check-mark diamond when done (placed at its completion date), and a
red triangle with the overdue stretch up to today when it is late. Shapes as well as colours tell the states
apart, a legend names them, and each line carries a tooltip; today is a dashed line. With links, the SVG is a
group (its links stay reachable), without them an image; either way its title and description name it.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence

from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actionplans.choices import ActionStatus
from actionplans.models import Action
from qms.core.charts import FONT, GRID_COLOUR, MUTED_COLOUR, PALETTE, SVG_NS, TEXT_COLOUR, TRAFFIC_COLOURS

ROW_HEIGHT = 18
LABEL_WIDTH = 210
TOP = 46
BOTTOM = 24
COLOURS = {
    "open": PALETTE[0],
    "done": TRAFFIC_COLOURS["green"],
    "late": TRAFFIC_COLOURS["red"],
    "cancelled": TRAFFIC_COLOURS["grey"],
}


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


def _ticks(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """First days of months (or of quarters, or of years, for long spans) between ``start`` and ``end``."""
    months = (end.year - start.year) * 12 + end.month - start.month
    step = 1 if months <= 18 else 3 if months <= 48 else 12
    day = datetime.date(start.year, start.month, 1)
    ticks = []
    while day <= end:
        if day >= start and (day.month - 1) % step == 0:
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
        plot_left, plot_right = LABEL_WIDTH + 8, width - 16

        def x(day: datetime.date) -> float:
            return plot_left + (plot_right - plot_left) * (day - first).days / span

        bottom = TOP + len(dated) * ROW_HEIGHT
        for tick in _ticks(first, last):
            tx = x(tick)
            label = formats.date_format(tick, "M Y")
            body.append(
                f'<line x1="{tx:.1f}" y1="{TOP - 4}" x2="{tx:.1f}" y2="{bottom}" stroke="{GRID_COLOUR}" '
                f'stroke-width="1"/><text x="{tx + 2:.1f}" y="{TOP - 8}" fill="{MUTED_COLOUR}" font-size="10">'
                f"{_esc(label)}</text>"
            )
        tx = x(today)
        today_label = _esc(_("Today"))
        body.append(
            f'<line class="today" x1="{tx:.1f}" y1="{TOP - 20}" x2="{tx:.1f}" y2="{bottom}" stroke="{TEXT_COLOUR}" '
            f'stroke-width="1.5" stroke-dasharray="4 3"/><text x="{tx + 3:.1f}" y="{TOP - 22}" '
            f'fill="{TEXT_COLOUR}" font-size="10" font-weight="bold">{today_label}</text>'
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
    label = action.reference + " " + action.title
    label = label if len(label) <= 34 else label[:33] + "…"
    status = _("late") if state == "late" else action.get_status_display()
    tooltip = _("%(reference)s — %(title)s. Deadline %(deadline)s. %(status)s.") % {
        "reference": action.reference,
        "title": action.title,
        "deadline": _date(action.deadline),
        "status": status,
    }
    parts = [f'<g class="action action-{state}"><title>{_esc(tooltip)}</title>']
    text = f'<text x="{LABEL_WIDTH}" y="{middle + 4:.1f}" text-anchor="end" fill="{TEXT_COLOUR}">{_esc(label)}</text>'
    if link and action.pk:
        # Named in full: the label drawn may be cut short.
        name = _esc(action.reference + " " + action.title)
        text = f'<a href="{_esc(action.get_absolute_url())}" aria-label="{name}">{text}</a>'
    parts.append(text)
    x1, x2 = x(start), x(action.deadline)
    opacity = "0.35" if state == "cancelled" else "0.55"
    parts.append(
        f'<rect x="{x1:.1f}" y="{middle - 3:.1f}" width="{max(x2 - x1, 1):.1f}" height="6" rx="2" '
        f'fill="{colour}" fill-opacity="{opacity}"/>'
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
        cursor += 24 + 7 * len(str(label))
    parts.append("</g>")
    return "".join(parts)
