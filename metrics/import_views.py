"""Data in and out of an initiative: measurement import (upload, preview, confirm), its template,
and CSV/XLSX exports of the KPIs and measurements."""

from datetime import date
from decimal import Decimal
from functools import partial

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from metrics import imports, tasks
from metrics.forms import ImportForm
from metrics.models import KPI, Measurement, MeasurementImport, initiatives
from metrics.status import ShownStatus, shown_status
from renewal.exports import table_response
from renewal.formatting import number, short_date
from renewal.policy import Action

# Files up to this size are checked while the person waits; larger ones by a Celery worker.
SYNC_BYTES = 200_000
# Up to this many rows are stored while the person waits.
SYNC_ROWS = 5_000
PREVIEW_PAGE_SIZE = 100
FORMATS = ("csv", "xlsx")


def import_upload(request: HttpRequest, initiative_pk: int) -> HttpResponse:
    initiative = initiatives().get_for(request.user, initiative_pk, Action.EDIT)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        imp = imports.import_create(request.user, initiative, form.cleaned_data["file"])
        if len(imp.data) <= SYNC_BYTES:
            imports.import_check(imp)
            if imp.status == MeasurementImport.Status.FAILED:
                # A file-level problem is the file field's error; the import is not kept.
                form.add_error("file", imports.describe(*imp.error, table=imports.FILE_ERRORS))
                imp.delete()
                return _upload_page(request, initiative, form)
        else:
            transaction.on_commit(partial(tasks.check_import.delay, imp.pk))
        return redirect("metrics:import_detail", imp.pk)
    return _upload_page(request, initiative, form)


def _upload_page(request, initiative, form):
    context = {
        "initiative": initiative,
        "form": form,
        "kpis": KPI.objects.filter(initiative=initiative),
    }
    return render(request, "metrics/import_upload.html", context)


def _get_import(request, pk) -> MeasurementImport:
    """The user's own import, of an initiative they may still edit."""
    imp = get_object_or_404(
        MeasurementImport.objects.defer("data").select_related("initiative"),
        pk=pk,
        user=request.user,
    )
    initiatives().get_for(request.user, imp.initiative_id, Action.EDIT)
    return imp


def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress while a worker checks or stores the file, then the preview or the outcome."""
    imp = _get_import(request, pk)
    if imp.in_progress and tasks.recover(MeasurementImport.objects.filter(pk=imp.pk)):
        # Its worker died: it was queued again or failed, and the page says which.
        imp = _get_import(request, pk)
    if request.htmx and request.GET.get("poll"):
        if not imp.in_progress:
            return HttpResponseClientRefresh()
        return render(request, "metrics/import_detail.html#progress", {"imp": imp})
    show_rejected = request.GET.get("show") == "rejected"
    rows = [r for r in imp.rows if r["errors"]] if show_rejected else imp.rows
    page = Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    replacing = (
        imports.replacements(imp.rows) if imp.status == MeasurementImport.Status.READY else []
    )
    context = {
        "imp": imp,
        "initiative": imp.initiative,
        "replacing": len(replacing),
        "unusual": sum(1 for r in imp.rows if r.get("warnings") and not r["errors"]),
        "page": page,
        "rows": _shown_rows(page.object_list),
        "show_rejected": show_rejected,
        "problem": imports.describe(*imp.error, table=imports.FILE_ERRORS) if imp.error else "",
    }
    return render(request, "metrics/import_detail.html", context)


def _shown_rows(rows: list[dict]) -> list[dict]:
    names = KPI.objects.in_bulk({r["kpi_id"] for r in rows if r["kpi_id"]})
    return [
        dict(
            row,
            kpi_label=str(names[row["kpi_id"]]) if row["kpi_id"] in names else row["kpi"],
            reasons=[imports.describe(code, params) for code, params in row["errors"]],
            cautions=[imports.describe(code, params) for code, params in row.get("warnings", [])],
            replaced=Decimal(row["replaces"]["value"]) if row.get("replaces") else None,
            shown_date=row.get("typed", {}).get("date") or _readable(row["date"], date),
            shown_value=row.get("typed", {}).get("value") or _readable(row["value"], Decimal),
        )
        for row in rows
    ]


def _readable(stored: str, kind: type) -> str:
    """A spreadsheet's own date or number in the reader's format; anything else as it is."""
    try:
        return short_date(date.fromisoformat(stored)) if kind is date else number(Decimal(stored))
    except (ValueError, ArithmeticError, TypeError):
        return stored


@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    imp = _get_import(request, pk)
    only_valid = request.POST.get("only_valid") == "1"
    replace = {"replace": True, "keep": False}.get(request.POST.get("existing", ""))
    if not imports.import_confirm(imp, only_valid, replace):
        if imp.status != MeasurementImport.Status.READY:
            pass  # a double click: the first one is already storing
        elif imp.rejected_rows and not only_valid:
            messages.error(
                request,
                _(
                    "Nothing was imported: some rows are rejected. Correct the file, or import "
                    "only the valid rows."
                ),
            )
        elif replace is None:
            messages.error(
                request,
                _(
                    "Nothing was imported: some rows would replace stored values. Choose "
                    "whether to replace them or keep the stored ones."
                ),
            )
        else:
            messages.error(
                request,
                _(
                    "Nothing was imported: you chose to keep the stored values, and every "
                    "row would replace one."
                ),
            )
        return redirect("metrics:import_detail", imp.pk)
    if imp.accepted_rows > SYNC_ROWS:
        transaction.on_commit(partial(tasks.store_import.delay, imp.pk))
        return redirect("metrics:import_detail", imp.pk)
    imports.import_store(imp)
    if imp.status != MeasurementImport.Status.DONE:
        return redirect("metrics:import_detail", imp.pk)
    messages.success(request, _imported_message(imp))
    return redirect(imp.initiative.get_goals_url())


def _imported_message(imp) -> str:
    return ngettext(
        "%(count)s measurement imported.", "%(count)s measurements imported.", imp.imported_rows
    ) % {"count": imp.imported_rows}


def import_template(request: HttpRequest, initiative_pk: int, fmt: str) -> HttpResponse:
    """An empty file in the layout the import reads, with one row per KPI to fill in."""
    if fmt not in FORMATS:
        raise Http404
    initiative = initiatives().get_for(request.user, initiative_pk)
    header, body = imports.template_rows(initiative)
    return table_response(
        header,
        body,
        fmt=fmt,
        filename=f"measurements-template-{initiative.pk}",
        sheet=_("Measurements"),
    )


def initiative_export(request: HttpRequest, initiative_pk: int, what: str, fmt: str):
    """The initiative's KPIs, or all their measurements (in the layout the import reads)."""
    if fmt not in FORMATS or what not in ("kpis", "measurements"):
        raise Http404
    initiative = initiatives().get_for(request.user, initiative_pk)
    stamp = timezone.localdate().isoformat()
    if what == "kpis":
        header, body = _kpi_table(initiative)
        sheet = _("KPIs")
    else:
        header, body = _measurement_table(initiative)
        sheet = _("Measurements")
    return table_response(
        header, body, fmt=fmt, filename=f"{what}-{initiative.pk}-{stamp}", sheet=sheet
    )


def _kpi_table(initiative):
    header = [
        _("KPI id"),
        _("Name"),
        _("Description"),
        _("Unit"),
        _("Direction"),
        _("Value area"),
        _("Baseline value"),
        _("Baseline date"),
        _("Baseline source"),
        _("Target value"),
        _("Target date"),
        _("Measurement cadence"),
        _("Data source"),
        _("KPI owner"),
        _("Status"),
        _("Latest value"),
        _("Latest date"),
    ]
    body = [
        [
            k.pk,
            k.name,
            k.description,
            k.unit,
            str(k.get_direction_display()),
            str(k.get_value_area_display()),
            k.baseline_value,
            k.baseline_date,
            k.baseline_source,
            k.target_value,
            k.target_date,
            str(k.get_cadence_display()),
            k.data_source,
            str(k.owner) if k.owner_id else "",
            str(ShownStatus(shown_status(k.status, initiative.state)).label),
            k.latest_value,
            k.latest_date,
        ]
        for k in KPI.objects.filter(initiative=initiative).select_related("owner")
    ]
    return header, body


def _measurement_table(initiative):
    # The first five columns are the import's, so an export can be edited and imported again.
    header = ["kpi", "kpi_name", "date", "value", "note", "entered_by", "entered_at"]
    body = [
        [
            m.kpi_id,
            m.kpi.name,
            m.date,
            m.value,
            m.note,
            str(m.entered_by) if m.entered_by_id else "",
            timezone.localtime(m.created_at).replace(tzinfo=None, microsecond=0),
        ]
        for m in Measurement.objects.filter(kpi__initiative=initiative)
        .select_related("kpi", "entered_by")
        .order_by("kpi_id", "date")
    ]
    return header, body
