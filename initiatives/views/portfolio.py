"""The leadership portfolio page and its CSV/XLSX exports."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from initiatives import charts
from initiatives.portfolio import SHOWN_STATUS_ORDER, build_portfolio
from initiatives.signals import NEEDS_FIXING, READY_TO_SCALE, STOP_CANDIDATE, VERDICT_LABELS
from metrics.status import ShownStatus
from renewal import policy
from renewal.exports import table_response
from renewal.formatting import month_year


def _url_builder(request, view: str = "initiatives:portfolio"):
    """The portfolio URL (or another filtered page's, `view`) with the current filters, some of
    them changed: drill-down links. The funding officer's workspace builds its links with it too.

    Charts and tables call it hundreds of times per page, so it works on plain pairs.
    """
    base = reverse(view)
    current = [(key, value) for key, values in request.GET.lists() for value in values]

    def url(**changes):
        pairs = [(key, value) for key, value in current if key not in changes]
        pairs += [(key, value) for key, value in changes.items() if value not in (None, "")]
        return f"{base}?{urlencode(pairs)}"

    return url


def portfolio(request: HttpRequest) -> HttpResponse:
    """Which renewals produce value, which are stuck, and what to stop — for the user's subtree."""
    if not policy.may_view_portfolio(request.user):
        # A funding officer with no organisation role has the funded portfolio instead.
        if policy.is_funding_officer(request.user):
            return redirect("funding:workspace")
        raise PermissionDenied
    data = build_portfolio(request.user, request.GET, since_last_month=True)
    rows, page, pages = data.page(
        data.filters.cleaned_data.get("page") if data.filters.is_valid() else 1
    )
    url = _url_builder(request)
    planned, realised = data.benefits_by_month()
    trend = data.verdict_trend()
    trend_labels = {v: VERDICT_LABELS[v] for v in (STOP_CANDIDATE, NEEDS_FIXING, READY_TO_SCALE)}
    context = {
        "portfolio": data,
        "form": data.filters,
        "rows": rows,
        "page": page,
        "pages": pages,
        "previous_url": url(page=page - 1) if page > 1 else None,
        "next_url": url(page=page + 1) if page < pages else None,
        "totals": data.totals,
        "phase_counts": [
            (n, label, count, url(phase=n, page=None)) for n, label, count in data.phase_counts()
        ],
        "status_rows": _status_rows(data, url),
        "statuses": [ShownStatus(s).label for s in SHOWN_STATUS_ORDER],
        "benefit_months": [
            (m, planned.get(m, 0), realised.get(m, 0)) for m in sorted(set(planned) | set(realised))
        ],
        "figures": {
            "funnel": charts.phase_funnel(data, url),
            "status": charts.status_by_organisation(data, url),
            "benefits": charts.benefits_over_time(planned, realised, url),
            "investment": charts.investment_vs_realised(data),
            "trend": charts.verdict_trend(trend, trend_labels, url),
        },
        "investment_rows": charts.invested_rows(data),
        "trend_rows": [(month, [counts[v] for v in trend_labels]) for month, counts in trend],
        "trend_labels": trend_labels,
        "stop_fix_scale": _stop_fix_scale(data, url),
        "export_query": request.GET.urlencode(),
        "presentation_url": _presentation_url(request),
        "filtered": _filtered(request),
        "sort_url": url,
    }
    template = (
        "initiatives/portfolio.html#results" if request.htmx else "initiatives/portfolio.html"
    )
    return render(request, template, context)


def portfolio_presentation(request: HttpRequest) -> HttpResponse:
    """The portfolio for a meeting-room screen: the stop/fix/scale list and the four charts in
    large type, no filters panel, for the filters in the URL (the portfolio links here with its
    own)."""
    if not policy.may_view_portfolio(request.user):
        raise PermissionDenied
    data = build_portfolio(request.user, request.GET)
    url = _url_builder(request)
    planned, realised = data.benefits_by_month()
    figures = {
        "funnel": charts.phase_funnel(data, url),
        "status": charts.status_by_organisation(data, url),
        "benefits": charts.benefits_over_time(planned, realised, url),
        "investment": charts.investment_vs_realised(data, numbered=True),
    }
    context = {
        "portfolio": data,
        "totals": data.totals,
        "stop_fix_scale": _stop_fix_scale(data, url),
        "figures": {name: charts.for_screen(figure) for name, figure in figures.items()},
        "investment_rows": charts.invested_rows(data),
        "numbered": True,
        "filters": _filter_summary(data),
        "filtered": _filtered(request),
        "portfolio_url": f"{reverse('initiatives:portfolio')}?{request.GET.urlencode()}",
    }
    return render(request, "initiatives/portfolio_presentation.html", context)


def _filtered(request) -> bool:
    return any(value for key, value in request.GET.items() if key not in ("page", "sort"))


def _presentation_url(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return f"{reverse('initiatives:portfolio_presentation')}?{query.urlencode()}"


def _filter_summary(data) -> list[tuple[str, str]]:
    """The filters in force as (label, value) pairs: the screen says what it shows."""
    form = data.filters
    if not form.is_valid():
        return []
    shown = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name in ("page", "sort") or value in (None, "", [], ()):
            continue
        bound = form[name]
        choices = dict(getattr(field, "choices", ()) or ())
        if name == "benefit_month":
            text = month_year(value)
        elif hasattr(value, "pk"):
            text = str(value)
        elif isinstance(value, list | tuple):
            text = ", ".join(str(choices.get(v, v)) for v in value)
        else:
            text = str(choices.get(value, value))
        shown.append((str(bound.label), text))
    return shown


RADAR_SHOWN = 5


def _stop_fix_scale(data, url) -> list[dict]:
    """The ranked panel the portfolio opens with: a few of each, the rest one click away."""
    groups = data.stop_fix_scale()
    return [
        {
            "verdict": verdict,
            "label": VERDICT_LABELS[verdict],
            "rows": groups[verdict][:RADAR_SHOWN],
            "more": max(0, len(groups[verdict]) - RADAR_SHOWN),
            "count": len(groups[verdict]),
            "all_url": url(verdict=verdict, page=None),
        }
        for verdict in (STOP_CANDIDATE, NEEDS_FIXING, READY_TO_SCALE)
    ]


def _status_rows(data, url):
    table = data.status_by_organisation()
    return [
        (
            name,
            [
                (
                    table["counts"][name][s],
                    url(organisation=table["ids"][name], kpi_status=s, page=None),
                )
                for s in SHOWN_STATUS_ORDER
            ],
        )
        for name in table["organisations"]
    ]


def _export_rows(data):
    header = [
        _("Initiative"),
        _("Organisation"),
        _("Phase"),
        _("State"),
        _("KPI status"),
        _("Planned benefit (EUR/year)"),
        _("Realised benefit (EUR)"),
        _("Planned FTE"),
        _("Realised FTE"),
        _("Planned budget (EUR)"),
        _("Spent (EUR)"),
        _("Next review"),
        _("Overdue"),
        _("Stop, fix or scale"),
        _("Days in phase"),
        _("Signals"),
    ]
    body = [
        [
            r.initiative.title,
            r.initiative.organisation.name,
            f"{r.initiative.phase}. {r.initiative.get_phase_display()}",
            r.initiative.get_state_display(),
            str(r.kpi_status_label),
            r.planned_eur,
            r.realised_eur,
            r.planned_fte,
            r.realised_fte,
            r.budget_eur,
            r.spent_eur,
            r.next_review,
            _("yes") if r.overdue else _("no"),
            r.radar.verdict_label if r.radar else "",
            r.days_in_phase,
            " ".join(f"{s.label}: {s.evidence}" for s in r.signals),
        ]
        for r in data.rows
    ]
    return header, body


def portfolio_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    data = build_portfolio(request.user, request.GET)
    header, body = _export_rows(data)
    stamp = timezone.localdate().isoformat()
    return table_response(
        header, body, fmt=fmt, filename=f"portfolio-{stamp}", sheet=_("Portfolio")
    )
