"""Charts as SVG made on the server, so that the same chart serves a page and a WeasyPrint PDF.

Each helper returns a standalone SVG document as a safe string: the SVG namespace, ``role="img"``, a
``<title>`` (its accessible name) and a ``<desc>`` listing the figures (its accessible description, so that a
screen reader reads them once), a ``viewBox``, no script, no external resource. A chart whose figures the page
also shows in a data table (``in_table=True``) is hidden from assistive technologies (``aria-hidden``): the
table is where they read the figures, once. Every label is escaped. Colours keep a contrast of at least 4.5:1
against white, and no chart says something with colour alone: bars and points carry their value in a tooltip
title, a legend names the series, and the traffic light writes its state beside the light.

    {{ chart }}                                   in a template, where chart = bar_chart(...)

Values may be None (no data for that label): no bar or point is drawn there.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

Number = float | int | Decimal

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
TEXT_COLOUR = "#1f2937"
MUTED_COLOUR = "#4b5563"
GRID_COLOUR = "#d1d5db"
# Dark enough for 4.5:1 against white, and told apart by people with the common colour-vision deficiencies.
PALETTE = ("#1d4ed8", "#b45309", "#047857", "#7e22ce", "#be123c", "#0e7490", "#4d7c0f", "#374151")
TRAFFIC_COLOURS = {"green": "#15803d", "amber": "#b45309", "red": "#b91c1c", "grey": "#6b7280"}

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: object) -> str:
    """Escaped text for XML content or attributes; characters XML cannot hold are dropped."""
    return escape(_CONTROL_CHARS.sub("", str(value)))


def _num(value: float) -> str:
    """A coordinate, short and locale-free."""
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))


def format_value(value: Number | None, unit: str = "") -> str:
    """A figure as people read it in the active language ("12,5 %" in French)."""
    if value is None:
        return _("no data")
    number = float(value)
    decimals = 0 if number == int(number) else 1
    text = number_format(round(number, decimals), decimal_pos=decimals)
    if not unit:
        return text
    return f"{text}\u00a0{unit}" if unit != "%" else f"{text}\u00a0%"


def _truncate(label: str, length: int) -> str:
    return label if len(label) <= length else label[: max(1, length - 1)] + "…"


def _svg(
    *, width: int, height: int, title: str, desc: str, body: list[str], role: str = "img", in_table: bool = False
) -> SafeString:
    # A chart with links inside is a group of controls, not an image: an image may not hold focusable elements.
    uid = "c" + uuid.uuid4().hex[:10]
    # Named by its title, described by its figures: each is read once (a name made of both read the figures
    # twice, once in the name and again as the description). In a table's company, hidden: the table reads them.
    accessibility = (
        'aria-hidden="true" focusable="false"'
        if in_table
        else f'role="{role}" aria-labelledby="{uid}-t" aria-describedby="{uid}-d"'
    )
    parts = [
        f'<svg xmlns="{SVG_NS}" {accessibility} viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'class="qms-chart" font-family="{FONT}" font-size="12" '
        f'style="max-width:100%;height:auto">',
        f'<title id="{uid}-t">{_text(title)}</title>',
        f'<desc id="{uid}-d">{_text(desc)}</desc>',
        *body,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above went through _text()


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / max(ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _axis_range(values: Sequence[float], *, extra: Sequence[float] = ()) -> tuple[float, float, float]:
    """(low, high, step) of a value axis that starts at zero and ends on a round tick above the data."""
    data = [*values, *extra]
    low, high = min([0.0, *data]), max([0.0, *data])
    if high == low:
        high = low + 1
    step = _nice_step(high - low)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _normalise(labels: Sequence[str], series: Sequence[tuple[str, Sequence[Number | None]]]):
    labels = [str(label) for label in labels]
    cleaned = []
    for name, values in series:
        row = [None if v is None else float(v) for v in list(values)[: len(labels)]]
        row += [None] * (len(labels) - len(row))
        cleaned.append((str(name), row))
    return labels, cleaned


def _legend(names: list[str], *, x: float, y: float, width: float, kind: str = "rect") -> tuple[list[str], float]:
    """The legend as SVG pieces, wrapped on lines inside ``width``; returns (pieces, height used)."""
    pieces = ['<g class="legend">']
    cursor_x, cursor_y, line = x, y, 18
    for index, name in enumerate(names):
        label = _truncate(name, 40)
        item_width = 22 + 7 * len(label) + 16
        if cursor_x + item_width > x + width and cursor_x > x:
            cursor_x, cursor_y = x, cursor_y + line
        colour = PALETTE[index % len(PALETTE)]
        if kind == "line":
            pieces.append(
                f'<line x1="{_num(cursor_x)}" y1="{_num(cursor_y - 4)}" x2="{_num(cursor_x + 16)}" '
                f'y2="{_num(cursor_y - 4)}" stroke="{colour}" stroke-width="3"/>'
            )
        else:
            pieces.append(
                f'<rect x="{_num(cursor_x)}" y="{_num(cursor_y - 11)}" width="14" height="14" fill="{colour}"/>'
            )
        pieces.append(
            f'<text class="legend-label" x="{_num(cursor_x + 20)}" y="{_num(cursor_y)}" fill="{TEXT_COLOUR}">'
            f"{_text(label)}</text>"
        )
        cursor_x += item_width
    pieces.append("</g>")
    return pieces, cursor_y - y + line


def _empty(title: str, width: int, height: int, *, in_table: bool = False) -> SafeString:
    message = _("No data to show.")
    return _svg(
        width=width,
        height=height,
        title=title,
        desc=message,
        in_table=in_table,
        body=[
            f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="none" stroke="{GRID_COLOUR}"/>',
            f'<text class="empty" x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" '
            f'fill="{MUTED_COLOUR}">{_text(message)}</text>',
        ],
    )


def _describe(labels: list[str], series: list[tuple[str, list[float | None]]], unit: str) -> str:
    """The figures in words, for the <desc> read by screen readers."""
    parts = []
    for name, values in series:
        figures = ", ".join(f"{label}: {format_value(v, unit)}" for label, v in zip(labels, values, strict=True))
        parts.append(f"{name} — {figures}" if name else figures)
    return "; ".join(parts)


class _Frame:
    """The plotting area of a chart with a value axis (left) and a category axis (bottom)."""

    def __init__(self, *, width: int, height: int, labels: list[str], legend_height: float, low: float, high: float):
        self.width, self.height = width, height
        longest = max((len(label) for label in labels), default=0)
        self.right = width - 16
        self.top = 16
        self.rotate = longest * 6.5 > (self.right - 56) / max(len(labels), 1)
        # Rotated labels lean to the left of their bar: leave them room so that the first is not cut off.
        self.left = max(56, int(min(longest, 16) * 5.2)) if self.rotate else 56
        slot = (self.right - self.left) / max(len(labels), 1)
        label_room = min(90, 10 + 5 * min(longest, 18)) if self.rotate else 22
        self.bottom = height - label_room - legend_height - 8
        self.slot = slot
        self.low, self.high = low, high

    def y(self, value: float) -> float:
        span = self.high - self.low or 1
        return self.bottom - (value - self.low) / span * (self.bottom - self.top)

    def x_centre(self, index: int) -> float:
        return self.left + self.slot * (index + 0.5)

    def axes(self, *, step: float, unit: str, labels: list[str]) -> list[str]:
        pieces = ['<g class="axis y-axis">']
        tick = self.low
        while tick <= self.high + step / 1000:
            y = self.y(tick)
            pieces.append(
                f'<line x1="{self.left}" y1="{_num(y)}" x2="{self.right}" y2="{_num(y)}" stroke="{GRID_COLOUR}" '
                f'stroke-width="{1 if tick else 1.5}"/>'
            )
            pieces.append(
                f'<text x="{self.left - 6}" y="{_num(y + 4)}" text-anchor="end" fill="{MUTED_COLOUR}" '
                f'font-size="11">{_text(format_value(tick, unit))}</text>'
            )
            tick += step
        pieces.append("</g>")
        pieces.append('<g class="axis x-axis">')
        max_chars = 16 if self.rotate else max(3, int(self.slot / 6.5))
        for index, label in enumerate(labels):
            x = self.x_centre(index)
            y = self.bottom + 16
            shown = _truncate(label, max_chars)
            rotation = f' transform="rotate(-40 {_num(x)} {_num(y)})"' if self.rotate else ""
            text = (
                f'<text class="x-label" x="{_num(x)}" y="{_num(y)}" text-anchor="{"end" if self.rotate else "middle"}" '
                f'fill="{TEXT_COLOUR}" font-size="11"{rotation}>{_text(shown)}</text>'
            )
            if shown != label:
                # A shortened label keeps its full text in a tooltip.
                text = f'<g class="x-label-full"><title>{_text(label)}</title>{text}</g>'
            pieces.append(text)
        pieces.append("</g>")
        return pieces


def bar_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number | None]]],
    *,
    title: str,
    unit: str = "",
    stacked: bool = False,
    width: int = 640,
    height: int = 320,
    in_table: bool = False,
) -> SafeString:
    """Vertical bars: one group per label, one bar per series (or one stacked bar per label). ``in_table``: the
    page shows the same figures in a data table, so the chart is hidden from screen readers."""
    labels, series = _normalise(labels, series)
    if not labels or not series or all(v is None for _name, values in series for v in values):
        return _empty(title, width, height, in_table=in_table)
    names = [name for name, _values in series]
    legend, legend_height = _legend(names, x=56, y=0, width=width - 72)
    if stacked:
        positives = [sum(v for _n, vs in series if (v := vs[i]) is not None and v > 0) for i in range(len(labels))]
        negatives = [sum(v for _n, vs in series if (v := vs[i]) is not None and v < 0) for i in range(len(labels))]
        low, high, step = _axis_range([*positives, *negatives])
    else:
        low, high, step = _axis_range([v for _n, vs in series for v in vs if v is not None])
    frame = _Frame(width=width, height=height, labels=labels, legend_height=legend_height, low=low, high=high)
    body = frame.axes(step=step, unit=unit, labels=labels)
    group_width = frame.slot * 0.72
    bar_width = group_width if stacked else group_width / len(series)
    body.append('<g class="bars">')
    for index, label in enumerate(labels):
        start_x = frame.x_centre(index) - group_width / 2
        up, down = 0.0, 0.0
        for s_index, (name, values) in enumerate(series):
            value = values[index]
            if value is None:
                continue
            if stacked:
                base = up if value >= 0 else down
                top_value = base + value
                if value >= 0:
                    up = top_value
                else:
                    down = top_value
                x = start_x
            else:
                base, top_value = 0.0, value
                x = start_x + s_index * bar_width
            y1, y2 = frame.y(max(base, top_value)), frame.y(min(base, top_value))
            tip = f"{label} — {name}: {format_value(value, unit)}" if name else f"{label}: {format_value(value, unit)}"
            body.append(
                f'<rect class="bar" x="{_num(x + 1)}" y="{_num(y1)}" width="{_num(max(bar_width - 2, 1))}" '
                f'height="{_num(max(y2 - y1, 0))}" fill="{PALETTE[s_index % len(PALETTE)]}">'
                f"<title>{_text(tip)}</title></rect>"
            )
    body.append("</g>")
    body.append(f'<g transform="translate(0 {_num(height - legend_height + 8)})">')
    body.extend(legend)
    body.append("</g>")
    return _svg(
        width=width, height=height, title=title, desc=_describe(labels, series, unit), body=body, in_table=in_table
    )


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number | None]]],
    *,
    title: str,
    unit: str = "",
    target: Number | None = None,
    width: int = 640,
    height: int = 320,
    in_table: bool = False,
) -> SafeString:
    """Lines over labels (months, years …), with an optional dashed target line. A None value breaks the line.
    ``in_table``: as for ``bar_chart``."""
    labels, series = _normalise(labels, series)
    if not labels or not series or all(v is None for _name, values in series for v in values):
        return _empty(title, width, height, in_table=in_table)
    names = [name for name, _values in series]
    legend, legend_height = _legend(names, x=56, y=0, width=width - 72, kind="line")
    values = [v for _n, vs in series for v in vs if v is not None]
    low, high, step = _axis_range(values, extra=[float(target)] if target is not None else [])
    frame = _Frame(width=width, height=height, labels=labels, legend_height=legend_height, low=low, high=high)
    body = frame.axes(step=step, unit=unit, labels=labels)
    if target is not None:
        y = frame.y(float(target))
        target_text = _("Target: %(value)s") % {"value": format_value(target, unit)}
        body.append(
            f'<g class="target"><line x1="{frame.left}" y1="{_num(y)}" x2="{frame.right}" y2="{_num(y)}" '
            f'stroke="{TEXT_COLOUR}" stroke-width="1.5" stroke-dasharray="6 4"><title>{_text(target_text)}</title>'
            f'</line><text x="{frame.right}" y="{_num(y - 5)}" text-anchor="end" fill="{TEXT_COLOUR}" '
            f'font-size="11">{_text(target_text)}</text></g>'
        )
    for s_index, (name, row) in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        body.append(f'<g class="series" fill="{colour}" stroke="{colour}">')
        segment: list[str] = []
        segments: list[list[str]] = []
        for index, value in enumerate(row):
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{_num(frame.x_centre(index))},{_num(frame.y(value))}")
        if segment:
            segments.append(segment)
        for points in segments:
            if len(points) > 1:
                body.append(f'<polyline class="line" points="{" ".join(points)}" fill="none" stroke-width="2.5"/>')
        for index, value in enumerate(row):
            if value is None:
                continue
            label = labels[index]
            tip = f"{label} — {name}: {format_value(value, unit)}" if name else f"{label}: {format_value(value, unit)}"
            body.append(
                f'<circle class="point" cx="{_num(frame.x_centre(index))}" cy="{_num(frame.y(value))}" r="4" '
                f'stroke="#ffffff" stroke-width="1.5"><title>{_text(tip)}</title></circle>'
            )
        body.append("</g>")
    body.append(f'<g transform="translate(0 {_num(height - legend_height + 8)})">')
    body.extend(legend)
    body.append("</g>")
    desc = _describe(labels, series, unit)
    if target is not None:
        desc += ". " + _("Target: %(value)s") % {"value": format_value(target, unit)}
    return _svg(width=width, height=height, title=title, desc=desc, body=body, in_table=in_table)


TRAFFIC_STATES = ("green", "amber", "red", "grey")


def traffic_light_label(state: str) -> str:
    """The words for a traffic-light state, so that colour is never the only carrier."""
    return {
        "green": _("On target"),
        "amber": _("Under watch"),
        "red": _("Off target"),
        "grey": _("No data"),
    }.get(state, _("No data"))


def traffic_light(
    state: str, *, title: str, label: str | None = None, width: int = 150, height: int = 36
) -> SafeString:
    """A light with its state written beside it: "green", "amber", "red" or "grey" (no data)."""
    state = state if state in TRAFFIC_STATES else "grey"
    words = label if label is not None else traffic_light_label(state)
    radius = height / 2 - 4
    body = [
        f'<circle class="light light-{state}" cx="{_num(height / 2)}" cy="{_num(height / 2)}" r="{_num(radius)}" '
        f'fill="{TRAFFIC_COLOURS[state]}" stroke="{TEXT_COLOUR}" stroke-width="1"/>',
        f'<text x="{_num(height + 4)}" y="{_num(height / 2 + 4)}" fill="{TEXT_COLOUR}">{_text(words)}</text>',
    ]
    return _svg(width=width, height=height, title=title, desc=words, body=body)


def progress_bar(
    percent: Number | None,
    *,
    title: str,
    width: int = 240,
    height: int = 24,
    colour: str = PALETTE[0],
    in_table: bool = False,
) -> SafeString:
    """A horizontal bar filled to ``percent`` (clamped to 0–100), with the figure written beside it. ``in_table``:
    the figure is written in the page's table too (hidden from screen readers, as for ``bar_chart``)."""
    if percent is None:
        value = None
        words = _("No data")
    else:
        value = max(0.0, min(100.0, float(percent)))
        words = format_value(value, "%")
    track_width = width - 56
    fill_width = 0 if value is None else track_width * value / 100
    body = [
        f'<rect class="track" x="0.5" y="4.5" width="{_num(track_width)}" height="{height - 9}" rx="3" '
        f'fill="#f3f4f6" stroke="{MUTED_COLOUR}"/>',
        f'<rect class="fill" x="0.5" y="4.5" width="{_num(fill_width)}" height="{height - 9}" rx="3" fill="{colour}"/>',
        f'<text x="{_num(track_width + 6)}" y="{_num(height / 2 + 4)}" fill="{TEXT_COLOUR}">{_text(words)}</text>',
    ]
    return _svg(width=width, height=height, title=title, desc=words, body=body, in_table=in_table)


# --- Heat map ----------------------------------------------------------------------------------------------------

# Cell fills by band, light enough for dark text (at least 4.5:1) and told apart by their printed count too.
HEAT_COLOURS = {"low": "#bbf7d0", "medium": "#fde68a", "high": "#fecaca", "empty": "#f9fafb"}


def heat_map(
    counts: dict[tuple[int, int], int],
    *,
    title: str,
    rows: Sequence[tuple[int, str]],
    columns: Sequence[tuple[int, str]],
    row_title: str,
    column_title: str,
    band: Callable[[int, int], str] | None = None,
    link: Callable[[int, int], str | None] | None = None,
    band_labels: dict[str, str] | None = None,
    cell_size: int = 84,
) -> SafeString:
    """A grid of counts: ``rows`` up the side (the first at the bottom, as a risk matrix reads), ``columns`` along
    the bottom, each cell showing ``counts[(row, column)]``.

    ``band(row, column)`` names a cell's band ("low", "medium", "high") for its colour; ``link(row, column)`` gives
    the address a cell opens (or None); ``band_labels`` names the bands in the legend. Every cell writes its count,
    and its tooltip names its row, column, band and count, so that colour is never the only carrier.
    """
    label_width, top, gap = 132, 12, 4
    grid_width, grid_height = cell_size * len(columns), cell_size * len(rows)
    legend_items = list((band_labels or {}).items())
    legend_height = 28 if legend_items else 0
    width = label_width + grid_width + 16
    height = top + grid_height + 56 + legend_height
    body = ['<g class="heat-map">']
    described = []
    for row_index, (row_value, row_label) in enumerate(rows):
        y = top + grid_height - (row_index + 1) * cell_size
        body.append(
            f'<text class="row-label" x="{label_width - 8}" y="{_num(y + cell_size / 2 + 4)}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}" font-size="11">{_text(_truncate(row_label, 20))}</text>'
        )
        for column_index, (column_value, column_label) in enumerate(columns):
            x = label_width + column_index * cell_size
            count = int(counts.get((row_value, column_value), 0))
            cell_band = band(row_value, column_value) if band else "empty"
            fill = HEAT_COLOURS.get(cell_band, HEAT_COLOURS["empty"])
            band_label = (band_labels or {}).get(cell_band, "")
            tip = f"{row_title}: {row_label} — {column_title}: {column_label}"
            tip += f" — {band_label}: {count}" if band_label else f": {count}"
            described.append(f"{row_label} × {column_label}: {count}")
            weight = ' font-weight="bold"' if count else ""
            cell = (
                f'<rect class="cell cell-{_text(cell_band)}" x="{x + gap / 2}" y="{_num(y + gap / 2)}" '
                f'width="{cell_size - gap}" height="{cell_size - gap}" rx="4" fill="{fill}" stroke="{GRID_COLOUR}"/>'
                f'<text class="count" x="{_num(x + cell_size / 2)}" y="{_num(y + cell_size / 2 + 7)}" '
                f'text-anchor="middle" fill="{TEXT_COLOUR}" font-size="{20 if count else 14}"{weight}>'
                f"{count if count else '·'}</text>"
            )
            target = link(row_value, column_value) if (link and count) else None
            if target:
                body.append(f'<a href="{_text(target)}" class="cell-link"><title>{_text(tip)}</title>{cell}</a>')
            else:
                body.append(f"<g><title>{_text(tip)}</title>{cell}</g>")
    axis_y = top + grid_height
    for column_index, (_value, column_label) in enumerate(columns):
        x = label_width + column_index * cell_size + cell_size / 2
        body.append(
            f'<text class="column-label" x="{_num(x)}" y="{axis_y + 16}" text-anchor="middle" fill="{TEXT_COLOUR}" '
            f'font-size="11">{_text(_truncate(column_label, max(4, cell_size // 7)))}</text>'
        )
    body.append(
        f'<text class="axis-title" x="{_num(label_width + grid_width / 2)}" y="{axis_y + 38}" text-anchor="middle" '
        f'fill="{TEXT_COLOUR}" font-weight="bold">{_text(column_title)}</text>'
    )
    body.append(
        f'<text class="axis-title" x="14" y="{_num(top + grid_height / 2)}" text-anchor="middle" fill="{TEXT_COLOUR}" '
        f'font-weight="bold" transform="rotate(-90 14 {_num(top + grid_height / 2)})">{_text(row_title)}</text>'
    )
    if legend_items:
        cursor_x, legend_y = label_width, axis_y + 62
        body.append('<g class="legend">')
        for key, label in legend_items:
            body.append(
                f'<rect x="{cursor_x}" y="{legend_y - 11}" width="14" height="14" '
                f'fill="{HEAT_COLOURS.get(key, "#fff")}" stroke="{MUTED_COLOUR}"/>'
                f'<text class="legend-label" x="{cursor_x + 20}" y="{legend_y}" '
                f'fill="{TEXT_COLOUR}">{_text(label)}</text>'
            )
            cursor_x += 34 + 7 * len(str(label))
        body.append("</g>")
    body.append("</g>")
    total = sum(int(value) for value in counts.values())
    desc = _("%(total)s in all. ") % {"total": total} + "; ".join(described)
    role = "group" if link is not None else "img"
    return _svg(width=width, height=height, title=title, desc=desc, body=body, role=role)
