"""Plotly figure JSON for KPI charts, built as plain dicts: plotly.js draws them from a static
script, so the page needs no inline code and the server needs no plotting library."""

from django.conf import settings
from django.utils.translation import gettext as _

from metrics.status import trajectory
from renewal.formatting import d3_date_format

# Okabe–Ito colours, which colour-blind readers tell apart; a shape or dash tells them apart in
# greyscale too, so colour is never the only cue.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#7f7f7f",
}
COLOURS = {
    "measured": OKABE_ITO["blue"],
    "plan": OKABE_ITO["grey"],
    "target": OKABE_ITO["green"],
    "baseline": OKABE_ITO["vermillion"],
}


def date_axis(months: bool = False) -> dict:
    """A time axis that writes dates as the tables do in the reader's language ("12 Aug 2026",
    "12.8.2026"), never Plotly's American "Aug 12"; `months` for monthly figures."""
    tick = "%b %Y" if months else d3_date_format("SHORT_DATE_FORMAT")
    hover = d3_date_format("YEAR_MONTH_FORMAT") if months else tick
    return {"type": "date", "tickformat": tick, "hoverformat": hover}


def plotly_text(text: object) -> str:
    """A label as Plotly text: it reads <a>, <b>, <br> and the like in labels, titles and tick
    labels as markup, so < > & go as entities, which it shows as the characters themselves."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _f(value):
    return float(value) if value is not None else None


def chart_max_points() -> int:
    """How many measurements a KPI chart draws at most (CHART_MAX_POINTS, 500 unless set)."""
    return max(4, int(getattr(settings, "CHART_MAX_POINTS", 500)))


def thin(points, cap, x, y):
    """At most `cap` of `points` (sorted by `x`, a date), the first, last, minimum and maximum always
    among them: the time range is cut into cap // 4 buckets and each keeps its first, last, lowest
    and highest point (an M4 reduction), in date order. Under the cap the points come back as they
    are, sorted. `x` and `y` read a point's date and value."""
    ordered = sorted(points, key=x)
    if len(ordered) <= cap:
        return ordered
    buckets = max(1, cap // 4)
    start, end = x(ordered[0]).toordinal(), x(ordered[-1]).toordinal()
    span = end - start + 1
    groups: list[list] = [[] for _i in range(buckets)]
    for point in ordered:
        groups[(x(point).toordinal() - start) * buckets // span].append(point)
    kept = []
    for group in groups:
        if not group:
            continue
        valued = [p for p in group if y(p) is not None] or group
        chosen = {id(group[0]), id(group[-1])}
        chosen.add(id(min(valued, key=lambda p: (y(p) is None, y(p) or 0))))
        chosen.add(id(max(valued, key=lambda p: (y(p) is not None, y(p) or 0))))
        kept.extend(p for p in group if id(p) in chosen)
    return kept


def kpi_figure(kpi, measurements, milestones=()) -> dict:
    """Baseline, target, the planned trajectory between them (through milestones), measurements
    (thinned to chart_max_points(); the measured trace is always the last one)."""
    points = thin(measurements, chart_max_points(), x=lambda m: m.date, y=lambda m: m.value)
    data = []
    path = trajectory(kpi, milestones)
    if path:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": plotly_text(_("Planned trajectory")),
                "x": [d.isoformat() for d, _v in path],
                "y": [_f(v) for _d, v in path],
                "line": {"color": COLOURS["plan"], "dash": "dash", "width": 2},
                "hoverinfo": "skip",
            }
        )
    if kpi.baseline_value is not None and kpi.baseline_date:
        data.append(
            _marker(_("Baseline"), kpi.baseline_date, kpi.baseline_value, "baseline", "square")
        )
    if kpi.target_value is not None and kpi.target_date:
        data.append(_marker(_("Target"), kpi.target_date, kpi.target_value, "target", "star"))
    data.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": plotly_text(_("Measured")),
            "x": [m.date.isoformat() for m in points],
            "y": [_f(m.value) for m in points],
            "line": {"color": COLOURS["measured"], "width": 2},
            "marker": {"size": 7, "symbol": "circle"},
        }
    )
    return {
        "data": data,
        "layout": {
            "height": 260,
            "margin": {"l": 56, "r": 16, "t": 16, "b": 40},
            "showlegend": True,
            "legend": {"orientation": "h", "y": -0.22},
            # The unit alone: the card says which direction is better, and a longer title would
            # not fit the chart's height.
            "yaxis": {
                "title": {"text": plotly_text(kpi.unit)},
                "zeroline": False,
                "automargin": True,
            },
            "xaxis": date_axis(),
            "font": {"family": "system-ui, sans-serif", "size": 13, "color": "#1b1f24"},
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
        },
    }


def _marker(name, date, value, colour, symbol):
    return {
        "type": "scatter",
        "mode": "markers",
        "name": plotly_text(name),
        "x": [date.isoformat()],
        "y": [_f(value)],
        "marker": {"color": COLOURS[colour], "size": 11, "symbol": symbol},
    }
