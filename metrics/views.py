from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from metrics.charts import kpi_figure
from metrics.forms import (
    KPIForm,
    MeasurementCorrectionForm,
    MeasurementForm,
    MeasurementWithdrawForm,
)
from metrics.measurements import (
    DuplicateMeasurement,
    Item,
    measurement_correct,
    measurement_withdraw,
    write_measurements,
)
from metrics.models import KPI, Measurement, initiatives
from metrics.status import kpi_status
from organisations.models import Organisation, people_in
from renewal import policy
from renewal.forms import earlier_result, save_or_show_conflict, submitted_once
from renewal.history import object_history
from renewal.models import AuditEntry
from renewal.policy import Action

RECENT_MEASUREMENTS = 5


def kpi_card_context(kpi, can_edit: bool, form=None, today=None) -> dict:
    """Everything one KPI card shows; `kpi.measurements` should be prefetched newest first."""
    measurements = list(kpi.measurements.all())
    milestones = list(kpi.milestones.all())
    latest = measurements[0] if measurements else None
    status = kpi_status(kpi, measurements, on=today or timezone.localdate(), milestones=milestones)
    figure = kpi_figure(kpi, measurements, milestones)
    return {
        "kpi": kpi,
        "latest": latest,
        "status": status,
        "planned_now": status.planned_value,
        "recent": measurements[:RECENT_MEASUREMENTS],
        "measurement_count": len(measurements),
        "figure": figure,
        "chart_shown": len(figure["data"][-1]["x"]),  # the measured trace, maybe thinned
        "figure_id": f"kpi-{kpi.pk}-figure",
        "form": form or (measurement_form(kpi, taken=latest and latest.date) if can_edit else None),
        "can_edit": can_edit,
    }


def measurement_form(kpi, data=None, taken=None) -> MeasurementForm:
    # A prefix per KPI keeps field ids unique when many KPI cards share a page.
    form = MeasurementForm(data, kpi=kpi, prefix=f"kpi{kpi.pk}")
    if taken == timezone.localdate():
        form.fields["date"].initial = None  # today is recorded already: let the user pick the date
    return form


def _kpi_people(initiative):
    organisation = initiative.organisation
    return people_in(Organisation.objects.filter(pk__in=organisation.ancestor_ids()))


def kpi_create(request: HttpRequest, initiative_pk: int) -> HttpResponse:
    initiative = initiatives().get_for(request.user, initiative_pk, Action.EDIT)
    form = KPIForm(request.POST or None, people=_kpi_people(initiative))
    form.instance.initiative = initiative
    if request.method == "POST" and form.is_valid():
        with submitted_once(request, form) as once:
            if not once.replayed:  # a double click or a replay lands where the first one did
                form.save()
                messages.success(request, _("KPI added."))
                once.url = initiative.get_goals_url()
        return redirect(once.url or initiative.get_goals_url())
    return render(request, "metrics/kpi_form.html", {"form": form, "initiative": initiative})


def kpi_edit(request: HttpRequest, pk: int) -> HttpResponse:
    kpi = KPI.objects.get_for(request.user, pk, Action.EDIT)
    initiative = kpi.initiative
    form = KPIForm(request.POST or None, instance=kpi, people=_kpi_people(initiative))
    if request.method == "POST" and form.is_valid() and save_or_show_conflict(form, kpi):
        messages.success(request, _("KPI saved."))
        return redirect(initiative.get_goals_url())
    return render(
        request, "metrics/kpi_form.html", {"form": form, "initiative": initiative, "kpi": kpi}
    )


MEASUREMENTS_PAGE = 50


def kpi_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One KPI: its chart and facts, every measurement (correctable), and its history."""
    kpi = KPI.objects.get_for(request.user, pk)
    can_edit = policy.can(request.user, Action.EDIT, kpi.initiative)
    prefetch_related_objects(
        [kpi],
        Prefetch("measurements", queryset=Measurement.objects.order_by("-date")),
        "milestones",
    )
    measurements = Paginator(
        kpi.measurements.select_related("entered_by").order_by("-date"), MEASUREMENTS_PAGE
    ).get_page(request.GET.get("page"))
    history = object_history(
        [(KPI, [kpi.pk]), (Measurement, measurement_ids_ever(kpi))],
        request.GET.get("history"),
        page_size=25,
    )
    return render(
        request,
        "metrics/kpi_detail.html",
        {
            "kpi": kpi,
            "initiative": kpi.initiative,
            "card": kpi_card_context(kpi, can_edit),
            "measurements": measurements,
            "history": history,
            "can_edit": can_edit,
        },
    )


def measurement_ids_ever(kpi) -> list[int]:
    """Every measurement the KPI has had, withdrawn ones too, from the audit trail."""
    created = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Measurement), action="create"
    ).filter(changes__kpi_id__1=kpi.pk)
    return list({int(pk) for pk in created.values_list("object_id", flat=True)})


def _get_measurement(request, pk) -> Measurement:
    measurement = (
        Measurement.objects.select_related("kpi__initiative__organisation", "kpi__owner")
        .filter(pk=pk)
        .first()
    )
    if measurement is None:
        raise Http404
    policy.authorize(request.user, measurement.kpi.initiative, Action.EDIT)
    return measurement


def measurement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a stored measurement's date, value or note, saying why."""
    measurement = _get_measurement(request, pk)
    kpi = measurement.kpi
    form = MeasurementCorrectionForm(request.POST or None, instance=measurement, kpi=kpi)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        measurement_correct(
            request.user,
            measurement,
            when=data["date"],
            value=data["value"],
            note=data["note"],
            reason=data["reason"],
        )
        messages.success(request, _("Measurement corrected. The change is in the KPI's history."))
        return redirect("metrics:kpi_detail", kpi.pk)
    return render(
        request,
        "metrics/measurement_form.html",
        {"form": form, "kpi": kpi, "initiative": kpi.initiative, "measurement": measurement},
    )


def measurement_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a wrong measurement, saying why; the history keeps what it was."""
    measurement = _get_measurement(request, pk)
    kpi = measurement.kpi
    form = MeasurementWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        measurement_withdraw(request.user, measurement, reason=form.cleaned_data["reason"])
        messages.success(request, _("Measurement withdrawn. The change is in the KPI's history."))
        return redirect("metrics:kpi_detail", kpi.pk)
    return render(
        request,
        "metrics/measurement_withdraw.html",
        {"form": form, "kpi": kpi, "initiative": kpi.initiative, "measurement": measurement},
    )


def measurement_add(request: HttpRequest, kpi_pk: int) -> HttpResponse:
    """Add a measurement; htmx gets the KPI card back (chart included), others a redirect."""
    kpi = KPI.objects.get_for(request.user, kpi_pk, Action.EDIT)
    if request.method != "POST":
        return redirect(kpi.initiative.get_goals_url())
    form = measurement_form(kpi, request.POST)
    saved = False
    if earlier_result(request, form):  # a double click: the first one added the measurement
        saved = True
    elif form.is_valid():
        data = form.cleaned_data
        item = Item(kpi, data["date"], data["value"], data["note"])
        try:
            with submitted_once(request, form) as once:
                if not once.replayed:  # a double click or a replay adds one measurement
                    write_measurements(request.user, [item], update_existing=False)
                    once.url = kpi.initiative.get_goals_url()
            saved = True
        except DuplicateMeasurement:
            form.add_error(
                "date", _("There is already a measurement for this date. Pick another date.")
            )
    if not request.htmx:
        if saved:
            messages.success(request, _("Measurement added."))
        else:
            messages.error(
                request,
                _("The measurement was not saved: %(errors)s")
                % {"errors": " ".join(e for errors in form.errors.values() for e in errors)},
            )
        return redirect(kpi.initiative.get_goals_url())
    card = kpi_card_context(kpi, can_edit=True, form=None if saved else form)
    card["just_saved"] = saved
    return render(request, "metrics/kpi_card.html", {"card": card})
