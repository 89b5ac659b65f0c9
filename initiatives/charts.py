"""Plotly figure JSON for the portfolio charts. Every point carries the URL it drills down to."""

from decimal import Decimal
from itertools import accumulate
from math import ceil

from django.urls import reverse
from django.utils.translation import gettext as _

from initiatives.portfolio import SHOWN_STATUS_ORDER
from metrics.charts import OKABE_ITO, date_axis, plotly_text
from metrics.status import ShownStatus

# Colour-blind-safe colours (Okabe–Ito), and for each status a marker shape and a bar pattern as
# well, so the charts read in greyscale, on a projector and for colour-blind viewers.
STATUS_COLOURS = {
    ShownStatus.ON_TRACK: OKABE_ITO["green"],
    ShownStatus.AT_RISK: OKABE_ITO["orange"],
    ShownStatus.OFF_TRACK: OKABE_ITO["vermillion"],
    ShownStatus.NO_DATA: "#bbbbbb",
    ShownStatus.NO_PLAN: "#e4e4e4",
    ShownStatus.STOPPED: OKABE_ITO["black"],
    ShownStatus.COMPLETED: OKABE_ITO["blue"],
}
STATUS_SYMBOLS = {
    ShownStatus.ON_TRACK: "circle",
    ShownStatus.AT_RISK: "triangle-up",
    ShownStatus.OFF_TRACK: "x",
    ShownStatus.NO_DATA: "circle-open",
    ShownStatus.NO_PLAN: "square-open",
    ShownStatus.STOPPED: "square",
    ShownStatus.COMPLETED: "diamond",
}
STATUS_PATTERNS = {
    ShownStatus.ON_TRACK: "",
    ShownStatus.AT_RISK: "/",
    ShownStatus.OFF_TRACK: "x",
    ShownStatus.NO_DATA: ".",
    ShownStatus.NO_PLAN: "",
    ShownStatus.STOPPED: "-",
    ShownStatus.COMPLETED: "+",
}
LAYOUT = {
    "margin": {"l": 60, "r": 16, "t": 16, "b": 48},
    "font": {"family": "system-ui, sans-serif", "size": 13, "color": "#1b1f24"},
    "paper_bgcolor": "#ffffff",
    "plot_bgcolor": "#ffffff",
    "legend": {"orientation": "h", "y": -0.25},
}


def for_screen(figure: dict) -> dict:
    """A copy of a figure for a meeting-room screen: larger type, taller, thicker marks."""
    layout = figure["layout"]
    font = {**layout.get("font", {}), "size": 18}
    margin = layout.get("margin", {})
    # Larger tick labels need room: the left margin grows with them, the legend sits on top.
    margin = {**margin, "l": round(margin.get("l", 60) * 1.35), "t": 24}
    data = [
        {**trace, "textfont": {**trace.get("textfont", {}), "size": 15}}
        if "textfont" in trace
        else trace
        for trace in figure["data"]
    ]
    return {
        "data": data,
        "layout": {
            **layout,
            "font": font,
            "margin": margin,
            "height": round(layout.get("height", 300) * 1.35),
            "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
            "xaxis": {**layout.get("xaxis", {}), "automargin": True},
            "yaxis": {**layout.get("yaxis", {}), "automargin": True},
        },
    }


def count_axis(counts) -> dict:
    """An axis of whole numbers of initiatives: never 0.5 of one."""
    return {"tickformat": "d", "dtick": max(1, ceil(max(counts, default=0) / 6)), "tick0": 0}


def phase_funnel(portfolio, url) -> dict:
    counts = portfolio.phase_counts()
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": [plotly_text(f"{n}. {label}") for n, label, _c in counts],
                "x": [c for _n, _l, c in counts],
                "customdata": [url(phase=n, page=None) for n, _l, _c in counts],
                "marker": {"color": OKABE_ITO["blue"]},
                "hovertemplate": "%{y}: %{x}<extra></extra>",
            }
        ],
        "layout": {
            **LAYOUT,
            "height": 260,
            "margin": {**LAYOUT["margin"], "l": 230},
            "yaxis": {"autorange": "reversed"},
            "xaxis": count_axis([c for _n, _l, c in counts]),
            "showlegend": False,
        },
    }


def status_by_organisation(portfolio, url) -> dict:
    table = portfolio.status_by_organisation()
    names = table["organisations"]
    data = [
        {
            "type": "bar",
            "name": plotly_text(ShownStatus(status).label),
            # Organisation names are people's text: shown as text, never as markup.
            "x": [plotly_text(n) for n in names],
            "y": [table["counts"][n][status] for n in names],
            "customdata": [
                url(organisation=table["ids"][n], kpi_status=status, page=None) for n in names
            ],
            "marker": {
                "color": STATUS_COLOURS[status],
                "line": {"color": "#1b1f24", "width": 0.5},
                "pattern": {"shape": STATUS_PATTERNS[status], "fgcolor": "#1b1f24", "size": 7},
            },
        }
        for status in SHOWN_STATUS_ORDER
    ]
    layout = {
        **LAYOUT,
        "height": 360,
        "barmode": "stack",
        "legend": {"orientation": "h", "y": 1.12},
    }
    totals = [sum(table["counts"][n].values()) for n in names]
    return {
        "data": data,
        "layout": {
            **layout,
            "xaxis": {"automargin": True, "tickangle": -25},
            "yaxis": count_axis(totals),
        },
    }


def benefits_over_time(planned: dict, realised: dict, url) -> dict:
    months = sorted(set(planned) | set(realised))
    planned_cum = list(accumulate(planned.get(m, Decimal(0)) for m in months))
    realised_cum = list(accumulate(realised.get(m, Decimal(0)) for m in months))
    links = [url(benefit_month=m, page=None) for m in months]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": plotly_text(_("Planned, cumulative (EUR)")),
                "x": months,
                "y": [float(v) for v in planned_cum],
                "customdata": links,
                "line": {"color": OKABE_ITO["grey"], "dash": "dash"},
                "marker": {"symbol": "circle-open", "size": 8},
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": plotly_text(_("Realised, cumulative (EUR)")),
                "x": months,
                "y": [float(v) for v in realised_cum],
                "customdata": links,
                "line": {"color": OKABE_ITO["green"], "width": 3},
                "marker": {"symbol": "circle", "size": 8},
            },
        ],
        # A time axis: months far apart sit far apart, so the slopes tell the truth.
        "layout": {**LAYOUT, "height": 300, "xaxis": date_axis(months=True)},
    }


LABELLED_POINTS = 40


def _short_title(title: str, length: int = 28) -> str:
    # Shortened first, escaped after, so an entity is never cut in half.
    title = title if len(title) <= length else title[: length - 1].rstrip() + "…"
    return plotly_text(title)


def invested_rows(portfolio) -> list:
    """The portfolio rows the spent-and-realised chart plots, in its order."""
    return [r for r in portfolio.rows if r.spent_eur or r.budget_eur]


def investment_vs_realised(portfolio, numbered: bool = False) -> dict:
    """Each initiative by what it has spent and what it has realised; the hover adds the plan.

    `numbered` labels the points 1, 2, 3… for the numbered list beside the chart: names of
    initiatives close together overlap, numbers hardly do."""
    rows = invested_rows(portfolio)
    detail = reverse("initiatives:detail", args=[0]).replace("/0/", "/{}/")
    # Each point says which initiative it is; in a crowded chart, those the radar names.
    labelled = len(rows) <= LABELLED_POINTS
    labels = [_short_title(r.initiative.title) if labelled or r.verdict else "" for r in rows]
    if numbered:
        labels = [str(n) for n in range(1, len(rows) + 1)]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "markers+text",
                "textposition": "middle right" if numbered else "top center",
                "textfont": {"size": 11},
                "texttemplate": labels,
                "x": [float(r.spent_eur) for r in rows],
                "y": [float(r.realised_eur) for r in rows],
                "text": [plotly_text(r.initiative.title) for r in rows],
                "meta": [float(r.budget_eur) for r in rows],
                "customdata": [detail.format(r.initiative.pk) for r in rows],
                "marker": {
                    "color": [STATUS_COLOURS[r.kpi_status] for r in rows],
                    "symbol": [STATUS_SYMBOLS[r.kpi_status] for r in rows],
                    "line": {"color": "#1b1f24", "width": 1},
                    "size": 12,
                },
                "hovertemplate": "%{text}<br>"
                + _("spent %{x:,.0f} € of %{meta:,.0f} € planned → realised %{y:,.0f} €")
                + "<extra></extra>",
            }
        ],
        "layout": {
            **LAYOUT,
            "height": 320,
            "showlegend": False,
            "xaxis": {"title": {"text": _("Spent (EUR)")}},
            "yaxis": {"title": {"text": _("Realised benefit (EUR)")}},
        },
    }


def spend_figure(summary) -> dict:
    """An initiative's spend accumulated month by month, against the plan accumulated by year."""
    months = [p["month"].isoformat() for p in summary.cumulative]
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": plotly_text(_("Spent, cumulative (EUR)")),
            "x": months,
            "y": [float(p["spent"]) for p in summary.cumulative],
            "line": {"color": OKABE_ITO["blue"]},
            "marker": {"symbol": "circle"},
            "hovertemplate": "%{x}: %{y:,.0f} €<extra></extra>",
        }
    ]
    if summary.years:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": plotly_text(_("Planned to the end of the year, cumulative (EUR)")),
                "x": months,
                "y": [float(p["planned"]) for p in summary.cumulative],
                "line": {"color": OKABE_ITO["grey"], "dash": "dash", "shape": "hv"},
                "hovertemplate": "%{x|%Y}: %{y:,.0f} €<extra></extra>",
            }
        )
    return {
        "data": data,
        "layout": {
            **LAYOUT,
            "height": 300,
            "xaxis": date_axis(months=True),
            "yaxis": {"title": {"text": _("EUR")}, "rangemode": "tozero", "automargin": True},
        },
    }


def value_stream_chart(points) -> dict:
    """Lead time per case of each version of the value stream (baseline, to-be design,
    re-measurements), stacked as processing and waiting, so a faster step and a shorter wait
    read apart."""
    labels = [plotly_text(p.version) for p in points]
    return {
        "data": [
            {
                "type": "bar",
                "name": plotly_text(_("Processing (h)")),
                "x": labels,
                "y": [float(p.processing_hours) for p in points],
                "marker": {"color": OKABE_ITO["blue"]},
                "hovertemplate": "%{x}: %{y} h<extra></extra>",
            },
            {
                "type": "bar",
                "name": plotly_text(_("Waiting (h)")),
                "x": labels,
                "y": [float(p.waiting_hours) for p in points],
                "marker": {"color": OKABE_ITO["orange"], "pattern": {"shape": "/"}},
                "hovertemplate": "%{x}: %{y} h<extra></extra>",
            },
        ],
        "layout": {
            **LAYOUT,
            "height": 300,
            "barmode": "stack",
            "legend": {"orientation": "h", "y": 1.15},
            "yaxis": {"title": {"text": _("Lead time per case (h)")}},
        },
    }


VERDICT_COLOURS = {
    "stop": OKABE_ITO["vermillion"],
    "fix": OKABE_ITO["orange"],
    "scale": OKABE_ITO["blue"],
}
VERDICT_LINES = {
    "stop": {"dash": "solid", "symbol": "x"},
    "fix": {"dash": "dash", "symbol": "triangle-up"},
    "scale": {"dash": "dot", "symbol": "circle"},
}


def verdict_trend(trend, labels, url) -> dict:
    """Stop candidates, needing fixing and ready to scale per month, from the monthly snapshots;
    a point drills down to today's initiatives with that verdict."""
    months = [month.isoformat() for month, _counts in trend]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": plotly_text(label),
                "x": months,
                "y": [counts[verdict] for _month, counts in trend],
                "customdata": [url(verdict=verdict, page=None)] * len(months),
                "line": {"color": VERDICT_COLOURS[verdict], "dash": VERDICT_LINES[verdict]["dash"]},
                "marker": {"symbol": VERDICT_LINES[verdict]["symbol"], "size": 9},
                "hovertemplate": "%{x}: %{y}<extra>" + plotly_text(str(label)) + "</extra>",
            }
            for verdict, label in labels.items()
        ],
        "layout": {
            **LAYOUT,
            "height": 300,
            "xaxis": {**date_axis(months=True), "dtick": "M1"},
            "yaxis": count_axis(max(c.values(), default=0) for _m, c in trend),
        },
    }
