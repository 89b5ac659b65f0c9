"""The JSON API, version 1: the portfolio, KPIs and their measurements for other systems.

Every endpoint asks renewal.policy, exactly as the pages do: what is outside the token user's
organisations is 404, what their role does not allow is 403. Writes are audited with the token's
user as the actor, and go through metrics.measurements like the form and the file import.
"""

from dataclasses import replace
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.urls import re_path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import NinjaAPI, Path, Query, Status, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

from api.auth import RateLimited, TokenAuth, require_write
from api.funding import router as funding_router
from api.paging import page as _page
from api.schemas import (
    ERRORS,
    BatchIn,
    BatchOut,
    Id,
    InitiativeDetailOut,
    InitiativeFilters,
    InitiativePage,
    KPIDetailOut,
    KPIFilters,
    KPIPage,
    MeasurementFilters,
    MeasurementIn,
    MeasurementOut,
    MeasurementPage,
    MeOut,
    SpendIn,
    SpendOut,
    SpendWriteOut,
)
from initiatives.models import Initiative
from initiatives.portfolio import PortfolioFilterForm, build_portfolio, portfolio_rows
from initiatives.spend import spend_item, spend_summary, write_spend
from metrics.imports import REASONS
from metrics.measurements import (
    Item,
    MeasurementError,
    check_date,
    check_value,
    describe,
    implausibility,
    recent_values,
    write_measurements,
)
from metrics.models import KPI, Measurement
from metrics.status import CLOSED_STATES, ShownStatus, is_overdue, kpi_status, shown_status
from organisations.models import Membership
from renewal import policy
from renewal.policy import Action

DESCRIPTION = """
Read the portfolio, KPIs and their status, and feed KPI measurements in from other systems.

**Authentication.** Create a personal token on the *API tokens* page (or an operator runs
`python manage.py create_api_token USERNAME --scope write`) and send it as
`Authorization: Bearer <token>`. A *read* token can only read. The token acts as its person:
it sees exactly the initiatives they see in the browser, and what it writes is recorded in the
initiative's history under their name.

**Pagination.** Lists take `page` (from 1) and `page_size` (at most 200) and answer with
`count`, `pages`, `next` and `previous` beside `results`.

**Errors.** Every error has the same body: `{"detail": "...", "errors": [{"loc": [...],
"message": "...", "code": "..."}]}`. 401: no valid token. 403: the token or your role does not
allow it. 404: no such object among those you can see. 422: the input is not valid; nothing was
stored. 429: too many requests with this token in a minute; `Retry-After` says how many seconds
to wait.

**Tokens expire.** A token works for the days chosen when it was created (90 by default, at most
a year); the *API tokens* page shows when each expires and when it was last used.

**Idempotency.** A KPI has at most one measurement per date. Posting a measurement for a date
that already has one *replaces* its value and note (like PUT): sending the same data twice
leaves one measurement. The batch endpoint stores all its measurements or none.
"""

api = NinjaAPI(
    title="Renewal API",
    version="1",
    description=DESCRIPTION,
    auth=TokenAuth(),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # Served from our own static files, under the site's strict Content-Security-Policy.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)


class APIError(Exception):
    def __init__(self, status: int, detail: str, errors: list | None = None):
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors or []


def _error(request, status: int, detail, errors=(), headers=None):
    response = api.create_response(
        request, {"detail": str(detail), "errors": list(errors)}, status=status
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _item(loc, message, code) -> dict:
    return {"loc": list(loc), "message": str(message), "code": code}


def _location(loc) -> list:
    """["body", "payload", "date"] → ["body", "date"]: the body's parameter name is ours alone."""
    loc = list(loc)
    return [loc[0], *loc[2:]] if loc[:2] == ["body", "payload"] else loc


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors = [
        _item(_location(e.get("loc", ())), e.get("msg", ""), e.get("type", "invalid"))
        for e in exc.errors
    ]
    return _error(request, 422, _("The request is not valid. Nothing was stored."), errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(
        request,
        401,
        _("Send a valid API token: Authorization: Bearer <token>."),
        headers={"WWW-Authenticate": 'Bearer realm="api"'},
    )


@api.exception_handler(RateLimited)
def _rate_limited(request, exc):
    return _error(
        request,
        429,
        _("Too many requests with this token. Wait %(seconds)d seconds and try again.")
        % {"seconds": exc.retry_after},
        headers={"Retry-After": str(exc.retry_after)},
    )


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return _error(request, exc.status_code, exc.message)


@api.exception_handler(APIError)
def _api_error(request, exc):
    return _error(request, exc.status, exc.detail, exc.errors)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, _("Not found among the objects you can see."))


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, _("Your role does not allow this."))


def _no_such_endpoint(request, rest=""):
    return JsonResponse(
        {"detail": _("There is no such API endpoint. See /api/v1/docs."), "errors": []},
        status=404,
    )


def urls():
    """The API's URL patterns. Its views answer with 401, never a redirect to the login page,
    and an unknown address under /api/v1/ gets the API's JSON 404 rather than an HTML page.
    The interactive docs are the exception: a page for people, it asks them to sign in (the
    schema stays public for the tools that read it)."""
    patterns, app_name, namespace = api.urls
    patterns = [*patterns, re_path(r"^(?P<rest>.+)$", _no_such_endpoint)]
    for pattern in patterns:
        callback = getattr(pattern, "callback", None)
        if callback is None:
            continue
        view = _method_not_allowed_as_json(callback)
        if pattern.name == "openapi-view":
            view = login_required(view)
        else:
            view.login_required = False
        pattern.callback = view
    return patterns, app_name, namespace


def _method_not_allowed_as_json(view):
    """django-ninja answers a method an endpoint lacks with a plain-text 405: give it the API's
    error body, keeping the Allow header."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        allowed = response.get("Allow", "")
        detail = _("This endpoint does not take %(method)s. It takes: %(allowed)s.") % {
            "method": request.method,
            "allowed": allowed,
        }
        return _error(request, 405, detail, headers={"Allow": allowed})

    return wrapped


# Helpers ---------------------------------------------------------------------------------------


def _number(value):
    return float(value) if value is not None else None


def _initiative(request, row) -> dict:
    i = row.initiative
    return {
        "id": i.pk,
        "title": i.title,
        "organisation": {"id": i.organisation_id, "name": i.organisation.name},
        "owner": str(i.owner) if i.owner_id else None,
        "phase": i.phase,
        "phase_label": str(i.get_phase_display()),
        "state": i.state,
        "state_label": str(i.get_state_display()),
        "tags": i.tag_list,
        "uses_ai": i.uses_ai,
        "start_date": i.start_date,
        "end_date": i.end_date,
        "kpi_status": row.kpi_status,
        "kpi_status_counts": {s: row.statuses.get(s, 0) for s in ShownStatus.values},
        "planned_benefit_eur_per_year": float(row.planned_eur),
        "realised_benefit_eur": float(row.realised_eur),
        "planned_fte": float(row.planned_fte),
        "realised_fte": float(row.realised_fte),
        "investment_eur": _number(i.investment_budget),
        "planned_eur": float(row.budget_eur),
        "spent_eur": float(row.spent_eur),
        "next_review": row.next_review,
        "overdue": row.overdue,
        "verdict": row.verdict,
        "signals": [
            {
                "code": s.code,
                "label": s.label,
                "severity": s.severity,
                "evidence": s.evidence,
                "advice": s.advice,
            }
            for s in row.signals
        ],
        "days_in_phase": row.days_in_phase,
        "url": request.build_absolute_uri(i.get_absolute_url()),
    }


def _kpi(kpi, today) -> dict:
    # A stopped or completed initiative's KPIs read as its state, as on the pages.
    state = kpi.initiative.state
    status = shown_status(kpi.status, state)
    return {
        "id": kpi.pk,
        "initiative_id": kpi.initiative_id,
        "name": kpi.name,
        "description": kpi.description,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "value_area": kpi.value_area,
        "cadence": kpi.cadence,
        "baseline_value": _number(kpi.baseline_value),
        "baseline_date": kpi.baseline_date,
        "baseline_source": kpi.baseline_source,
        "target_value": _number(kpi.target_value),
        "target_date": kpi.target_date,
        "data_source": kpi.data_source,
        "owner": str(kpi.owner) if kpi.owner_id else None,
        "status": status,
        "status_label": str(ShownStatus(status).label),
        "latest_value": _number(kpi.latest_value),
        "latest_date": kpi.latest_date,
        "overdue": state not in CLOSED_STATES and is_overdue(kpi, kpi.latest_date, today),
    }


def _measurement(m, unusual: dict | None = None) -> dict:
    return {
        "id": m.pk,
        "kpi_id": m.kpi_id,
        "date": m.date,
        "value": float(m.value),
        "note": m.note,
        "entered_by": str(m.entered_by) if m.entered_by_id else None,
        "entered_at": m.created_at,
        "implausible": unusual is not None,
        "warning": describe("implausible", unusual) if unusual else None,
    }


def _portfolio_params(filters) -> dict:
    return {
        name: str(value)
        for name, value in filters.dict(exclude={"page", "page_size"}).items()
        if value is not None
    }


# Endpoints -------------------------------------------------------------------------------------


@api.get("/me", response={200: MeOut, **ERRORS}, tags=["account"], summary="Who the token is")
def me(request):
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    return {
        "username": request.user.username,
        "name": str(request.user),
        "token": {
            "name": request.auth.name,
            "prefix": request.auth.prefix,
            "scope": request.auth.scope,
        },
        "memberships": [
            {"organisation": {"id": m.organisation_id, "name": m.organisation.name}, "role": m.role}
            for m in memberships
        ],
    }


@api.get(
    "/initiatives",
    response={200: InitiativePage, **ERRORS},
    tags=["portfolio"],
    summary="List initiatives, filtered as on the portfolio page",
)
def initiative_list(request, filters: Query[InitiativeFilters]):
    params = _portfolio_params(filters)
    form = PortfolioFilterForm(params, user=request.user)
    if not form.is_valid():
        errors = [
            _item(["query", name], message, "invalid")
            for name, messages in form.errors.items()
            for message in messages
        ]
        raise APIError(422, _("The filters are not valid."), errors)
    portfolio = build_portfolio(request.user, params)
    page = _page(request, portfolio.rows, filters)
    # The portfolio loads only what its page shows; the rest, for this page of rows only.
    full = Initiative.objects.select_related("organisation", "owner").in_bulk(
        [row.initiative.pk for row in page["results"]]
    )
    page["results"] = [
        _initiative(request, replace(row, initiative=full[row.initiative.pk]))
        for row in page["results"]
    ]
    return page


@api.get(
    "/initiatives/{initiative_id}",
    response={200: InitiativeDetailOut, **ERRORS},
    tags=["portfolio"],
    summary="Read an initiative with its figures and KPIs",
)
def initiative_detail(request, initiative_id: Path[Id]):
    initiative = Initiative.objects.get_for(request.user, initiative_id)
    today = timezone.localdate()
    initiatives = Initiative.objects.filter(pk=initiative.pk).select_related(
        "organisation", "owner"
    )
    [row] = portfolio_rows(initiatives, today)
    data = _initiative(request, row)
    data.update(
        problem=initiative.problem,
        change_for_citizens=initiative.change_for_citizens,
        change_in_cost_efficiency=initiative.change_in_cost_efficiency,
        kpis=[_kpi(k, today) for k in initiative.kpis.select_related("owner")],
    )
    return data


@api.get(
    "/kpis",
    response={200: KPIPage, **ERRORS},
    tags=["kpis"],
    summary="List the KPIs you can see, with their status",
)
def kpi_list(request, filters: Query[KPIFilters]):
    kpis = (
        KPI.objects.visible_to(request.user)
        .select_related("owner", "initiative")
        .order_by("initiative_id", "id")
    )
    if filters.initiative:
        kpis = kpis.filter(initiative_id=filters.initiative)
    if filters.status in CLOSED_STATES:
        kpis = kpis.filter(initiative__state=filters.status)
    elif filters.status:
        kpis = kpis.filter(status=filters.status).exclude(initiative__state__in=CLOSED_STATES)
    page = _page(request, kpis, filters)
    today = timezone.localdate()
    page["results"] = [_kpi(k, today) for k in page["results"]]
    return page


@api.get(
    "/kpis/{kpi_id}",
    response={200: KPIDetailOut, **ERRORS},
    tags=["kpis"],
    summary="Read a KPI with its status, plan and projection",
)
def kpi_detail(request, kpi_id: Path[Id]):
    kpi = KPI.objects.get_for(request.user, kpi_id)
    today = timezone.localdate()
    milestones = list(kpi.milestones.all())
    status = kpi_status(kpi, list(kpi.measurements.all()), on=today, milestones=milestones)
    status = status.for_state(kpi.initiative.state)
    data = _kpi(kpi, today)
    data.update(
        status=status.status,
        status_label=status.label,
        latest_value=_number(status.latest_value),
        latest_date=status.latest_date,
        overdue=status.overdue,
        planned_value_today=_number(kpi.planned_value(today)),
        projected_date=status.projected_date,
        target_reached=status.target_reached,
        milestones=[{"date": m.date, "value": float(m.value)} for m in milestones],
    )
    return data


@api.get(
    "/kpis/{kpi_id}/measurements",
    response={200: MeasurementPage, **ERRORS},
    tags=["measurements"],
    summary="List a KPI's measurements, newest first",
)
def measurement_list(request, kpi_id: Path[Id], filters: Query[MeasurementFilters]):
    kpi = KPI.objects.get_for(request.user, kpi_id)
    measurements = kpi.measurements.select_related("entered_by").order_by("-date")
    if filters.date_from:
        measurements = measurements.filter(date__gte=filters.date_from)
    if filters.date_to:
        measurements = measurements.filter(date__lte=filters.date_to)
    page = _page(request, measurements, filters)
    page["results"] = [_measurement(m) for m in page["results"]]
    return page


def _measurement_errors(loc, kpi, entry, today) -> list[dict]:
    """The measurement rules' refusals (metrics.measurements), located in the request."""
    errors = []
    try:
        check_date(entry.date, today)
    except MeasurementError as error:
        errors.append(_item([*loc, "date"], error.message, error.code))
    if kpi is not None:
        try:
            check_value(kpi, entry.value)
        except MeasurementError as error:
            errors.append(_item([*loc, "value"], error.message, error.code))
    return errors


def _unusual(items: list[Item]) -> dict:
    """(KPI, date) → the figures of an implausible value, judged against what was stored."""
    recent = {}
    flagged = {}
    for item in items:
        if item.kpi.pk not in recent:
            recent[item.kpi.pk] = recent_values(item.kpi)
        if params := implausibility(item.kpi, item.value, recent[item.kpi.pk]):
            flagged[(item.kpi.pk, item.date)] = params
    return flagged


@api.post(
    "/kpis/{kpi_id}/measurements",
    response={200: MeasurementOut, 201: MeasurementOut, **ERRORS},
    tags=["measurements"],
    summary="Record a measurement (creates it, or replaces the one on that date)",
    description=(
        "201 when the measurement is new. When the KPI already has a measurement on that date "
        "its value and note are replaced and the answer is 200: sending the same measurement "
        "twice is safe and never creates a duplicate. Needs a read and write token."
    ),
)
def measurement_record(request, kpi_id: Path[Id], payload: MeasurementIn):
    require_write(request)
    kpi = KPI.objects.get_for(request.user, kpi_id, Action.EDIT)
    if errors := _measurement_errors(["body"], kpi, payload, timezone.localdate()):
        raise APIError(422, _("The request is not valid. Nothing was stored."), errors)
    item = Item(kpi, payload.date, payload.value, payload.note)
    unusual = _unusual([item])
    created, _updated = write_measurements(request.user, [item], update_existing=True)
    measurement = Measurement.objects.select_related("entered_by").get(kpi=kpi, date=payload.date)
    flagged = unusual.get((kpi.pk, payload.date))
    return Status(201 if created else 200, _measurement(measurement, flagged))


@api.post(
    "/measurements",
    response={200: BatchOut, **ERRORS},
    tags=["measurements"],
    summary="Record up to 1,000 measurements of any of your KPIs, all or nothing",
    description=(
        "Each item names its KPI. Every item is checked first; if any has an error, nothing is "
        "stored and the answer is 422 with one entry per problem, located by the item's index "
        "(`body.measurements.<index>.<field>`). Items for a KPI and date that already has a "
        "measurement replace it. Two items for the same KPI and date are an error."
    ),
)
def measurement_batch(request, payload: BatchIn):
    require_write(request)
    user, today = request.user, timezone.localdate()
    ids = sorted({item.kpi for item in payload.measurements})
    kpis = KPI.objects.visible_to(user).select_related("initiative__organisation").in_bulk(ids)
    errors, items, first = [], [], {}
    for index, entry in enumerate(payload.measurements):
        loc = ["body", "measurements", index]
        kpi = kpis.get(entry.kpi)
        if kpi is None:
            errors.append(
                _item([*loc, "kpi"], REASONS["unknown_kpi"] % {"kpi": entry.kpi}, "not_found")
            )
        elif not policy.can(user, Action.EDIT, kpi.initiative):
            errors.append(_item([*loc, "kpi"], REASONS["no_permission"], "permission_denied"))
        errors.extend(_measurement_errors(loc, kpi, entry, today))
        key = (entry.kpi, entry.date)
        if key in first:
            message = _("The same KPI and date as item %(index)s.") % {"index": first[key]}
            errors.append(_item([*loc, "date"], message, "duplicate"))
        first.setdefault(key, index)
        if kpi is not None:
            items.append(Item(kpi, entry.date, entry.value, entry.note))
    if errors:
        detail = ngettext(
            "Nothing was stored: %(count)s problem in %(total)s measurements.",
            "Nothing was stored: %(count)s problems in %(total)s measurements.",
            len(errors),
        ) % {"count": len(errors), "total": len(payload.measurements)}
        raise APIError(422, detail, errors)
    unusual = _unusual(items)
    created, updated = write_measurements(user, items, update_existing=True)
    keys = {(i.kpi.pk, i.date) for i in items}
    stored = Measurement.objects.filter(
        kpi_id__in=ids, date__range=(min(k[1] for k in keys), max(k[1] for k in keys))
    ).select_related("entered_by")
    by_key = {(m.kpi_id, m.date): m for m in stored if (m.kpi_id, m.date) in keys}
    return {
        "created": created,
        "updated": updated,
        "measurements": [
            _measurement(by_key[(i.kpi.pk, i.date)], unusual.get((i.kpi.pk, i.date))) for i in items
        ],
    }


# Spend -----------------------------------------------------------------------------------------


def _spend(initiative) -> dict:
    summary = spend_summary(initiative, timezone.localdate())
    return {
        "initiative_id": initiative.pk,
        "planned_eur": float(summary.planned),
        "spent_eur": float(summary.spent),
        "budget": [{"year": y.year, "amount_eur": float(y.amount_eur)} for y in summary.years],
        "months": [
            {
                "month": m.month.strftime("%Y-%m"),
                "amount_eur": float(m.amount_eur),
                "person_months": _number(m.person_months),
                "note": m.note,
            }
            for m in summary.months
        ],
    }


@api.get(
    "/initiatives/{initiative_id}/spend",
    response={200: SpendOut, **ERRORS},
    tags=["spend"],
    summary="Read an initiative's budget by year and spend by month",
)
def spend_read(request, initiative_id: Path[Id]):
    return _spend(Initiative.objects.get_for(request.user, initiative_id))


@api.post(
    "/initiatives/{initiative_id}/spend",
    response={200: SpendWriteOut, 201: SpendWriteOut, **ERRORS},
    tags=["spend"],
    summary="Record up to 1,000 months of spend, all or nothing",
    description=(
        "Every month is checked first; if any has an error, nothing is stored and the answer is "
        "422 with one entry per problem (`body.months.<index>.<field>`). A month already "
        "recorded is replaced. 201 when at least one month is new, 200 when every month "
        "replaced one already there. Two items for the same month are an error. Needs a read "
        "and write token."
    ),
)
def spend_record(request, initiative_id: Path[Id], payload: SpendIn):
    require_write(request)
    initiative = Initiative.objects.get_for(request.user, initiative_id, Action.EDIT)
    today, errors, items, first = timezone.localdate(), [], [], {}
    for index, entry in enumerate(payload.months):
        loc = ["body", "months", index]
        item, problems = spend_item(entry.dict(), today)
        errors.extend(_item([*loc, name], e.message, e.code) for name, e in problems.items())
        if item is not None and item.month in first:
            message = _("The same month as item %(index)s.") % {"index": first[item.month]}
            errors.append(_item([*loc, "month"], message, "duplicate"))
        elif item is not None:
            first[item.month] = index
            items.append(item)
    if errors:
        detail = ngettext(
            "Nothing was stored: %(count)s problem in %(total)s months.",
            "Nothing was stored: %(count)s problems in %(total)s months.",
            len(errors),
        ) % {"count": len(errors), "total": len(payload.months)}
        raise APIError(422, detail, errors)
    created, updated = write_spend(request.user, initiative, items, replace=True)
    data = {**_spend(initiative), "created": created, "updated": updated}
    return Status(201 if created else 200, data)


# Funding: applications, commitments and progress reports (api/funding.py).
api.add_router("/funding", funding_router)
