"""Charts as inline SVG drawn on the server, so a PDF needs no browser and stays vector."""

import math
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import formats
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 480, 180
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 56, 12, 14, 28
MAX_MARKERS = 24
COLOURS = {"actual": "#1f4e8c", "plan": "#8a4b08", "target": "#0b6e4f"}
# Far beyond any figure a KPI can hold (16 digits), yet small enough that spans and margins
# between such values stay finite floats.
LIMIT = 1e15
FIRST_DAY, LAST_DAY = date.min.toordinal(), date.max.toordinal()


def _finite(value) -> float | None:
    """A value to plot, clamped into a range the axis arithmetic survives; None when it is not
    a number at all (NaN)."""
    value = float(value)
    if math.isnan(value):
        return None
    return max(-LIMIT, min(LIMIT, value))


def _number(value) -> str:
    value = Decimal(str(value)).normalize()
    if value == value.to_integral():
        value = value.quantize(Decimal(1))
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def line_chart(series, *, title: str, unit: str = "", target=None, target_label: str = ""):
    """An SVG line chart of dated series: [(label, kind, [(date, value), ...]), ...].

    `kind` picks the style: "actual" (solid, with points), "plan" (dashed). A horizontal line marks
    `target`. The chart has a <title> for screen readers; the report prints the numbers beside it.
    """
    series = [
        (label, kind, [(d, _finite(v)) for d, v in data if v is not None])
        for label, kind, data in series
    ]
    series = [
        (label, kind, [(d, v) for d, v in data if v is not None]) for label, kind, data in series
    ]
    target = None if target is None else _finite(target)
    points = [point for _, _, data in series for point in data]
    if target is not None:
        points.append((points[0][0] if points else date.today(), target))
    if not points:
        return ""
    days = [d.toordinal() for d, _ in points]
    values = [v for _, v in points]
    x0, x1 = min(days), max(days)
    y0, y1 = min(values), max(values)
    if x0 == x1:
        # One day on the axis: a day either side, within the calendar (0001-01-01 has no eve).
        x0, x1 = max(FIRST_DAY, x0 - 1), min(LAST_DAY, x1 + 1)
    margin = (y1 - y0) * 0.08 or abs(y1) * 0.1 or 1
    y0, y1 = y0 - margin, y1 + margin
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM

    def x(d: date) -> float:
        return PAD_LEFT + (d.toordinal() - x0) / (x1 - x0) * plot_w

    def y(v: float) -> float:
        return PAD_TOP + (1 - (v - y0) / (y1 - y0)) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{PAD_LEFT}" y="{PAD_TOP}" width="{plot_w}" height="{plot_h}" '
        'fill="#fff" stroke="#c9d0d8"/>',
    ]
    for value in (y0 + margin, (y0 + y1) / 2, y1 - margin):
        parts.append(
            f'<line x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{y(value):.1f}" '
            f'y2="{y(value):.1f}" stroke="#e4e9f0"/>'
            f'<text x="{PAD_LEFT - 4}" y="{y(value) + 3:.1f}" text-anchor="end" '
            f'font-size="9">{escape(_number(round(value, 2)))}</text>'
        )
    for ordinal, anchor in ((x0, "start"), (x1, "end")):
        when = date.fromordinal(ordinal)
        parts.append(
            f'<text x="{x(when):.1f}" y="{HEIGHT - 10}" text-anchor="{anchor}" font-size="9">'
            f"{escape(formats.date_format(when, 'SHORT_DATE_FORMAT'))}</text>"
        )
    if unit:
        parts.append(f'<text x="4" y="{PAD_TOP + 8}" font-size="9">{escape(unit)}</text>')
    if target is not None:
        ty = y(float(target))
        parts.append(
            f'<line x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="{COLOURS["target"]}" stroke-width="1.5" stroke-dasharray="2 3"/>'
            f'<text x="{WIDTH - PAD_RIGHT - 2}" y="{ty - 3:.1f}" text-anchor="end" font-size="9" '
            f'fill="{COLOURS["target"]}">{escape(target_label)}</text>'
        )
    for _, kind, data in series:
        if not data:
            continue
        coords = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in data)
        dash = ' stroke-dasharray="6 4"' if kind == "plan" else ""
        parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{COLOURS[kind]}" '
            f'stroke-width="2"{dash}/>'
        )
        if kind == "actual":
            # Points mark each measurement while they are few; on a long series only the latest.
            marked = data if len(data) <= MAX_MARKERS else data[-1:]
            parts.extend(
                f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="2.2" fill="{COLOURS[kind]}"/>'
                for d, v in marked
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def bar_chart(bars, *, title: str) -> str:
    """A horizontal SVG bar chart: [(label, count), ...], one bar a row, its count beside it.

    Labels are text, escaped: an initiative's or phase's name never becomes markup.
    """
    if not bars:
        return ""
    row, label_w, count_w = 22, 200, 40
    height = PAD_TOP + row * len(bars) + 6
    longest = max((count for _, count in bars), default=0) or 1
    plot_w = WIDTH - label_w - count_w - PAD_RIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, count) in enumerate(bars):
        top = PAD_TOP + index * row
        width = plot_w * count / longest
        parts.append(
            f'<text x="{label_w - 6}" y="{top + 14}" text-anchor="end" font-size="10">'
            f"{escape(str(label))}</text>"
            f'<rect x="{label_w}" y="{top + 3}" width="{width:.1f}" height="{row - 8}" '
            f'fill="{COLOURS["actual"]}"/>'
            f'<text x="{label_w + width + 4:.1f}" y="{top + 14}" font-size="10">'
            f"{escape(_number(count))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def scatter_chart(points, *, title: str, x_label: str, y_label: str) -> str:
    """An SVG scatter of labelled points: [(label, x, y), ...], e.g. spent against realised.

    Each point carries its label as text beside it, escaped, never as markup or a link.
    """
    if not points:
        return ""
    height = 260
    points = [(label, _finite(px), _finite(py)) for label, px, py in points]
    points = [(label, px, py) for label, px, py in points if px is not None and py is not None]
    if not points:
        return ""
    xs = [px for _, px, _ in points]
    ys = [py for _, _, py in points]
    # Both axes start at zero: an axis whose values are all zero or below still needs a length.
    x1, y1 = max(max(xs), 0) or 1, max(max(ys), 0) or 1
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = height - PAD_TOP - PAD_BOTTOM

    def x(value: float) -> float:
        return PAD_LEFT + value / (x1 * 1.08) * plot_w

    def y(value: float) -> float:
        return PAD_TOP + (1 - value / (y1 * 1.08)) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{PAD_LEFT}" y="{PAD_TOP}" width="{plot_w}" height="{plot_h}" '
        'fill="#fff" stroke="#c9d0d8"/>',
        # Both axes start at zero; the largest value marks each axis' end.
        f'<text x="{PAD_LEFT - 4}" y="{PAD_TOP + 8}" text-anchor="end" font-size="9">'
        f"{escape(_number(round(y1)))}</text>",
        f'<text x="{PAD_LEFT - 4}" y="{height - PAD_BOTTOM}" text-anchor="end" font-size="9">0</text>',
        f'<text x="{x(x1):.1f}" y="{height - 16}" text-anchor="end" font-size="9">'
        f"{escape(_number(round(x1)))}</text>",
        f'<text x="{WIDTH - PAD_RIGHT}" y="{height - 4}" text-anchor="end" font-size="9">'
        f"{escape(x_label)}</text>",
        f'<text x="4" y="{PAD_TOP - 4}" font-size="9">{escape(y_label)}</text>',
    ]
    for label, px, py in points:
        cx, cy = x(px), y(py)
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="{COLOURS["actual"]}"/>'
            f'<text x="{cx + 5:.1f}" y="{cy - 4:.1f}" font-size="8">{escape(str(label))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
