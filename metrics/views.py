from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from initiatives.forms import people_in
from initiatives.models import Phase
from metrics.charts import kpi_figure
from metrics.forms import KPIForm, MeasurementForm
from metrics.status import kpi_status
from organisations.models import Organisation
from renewal import policy
from renewal.forms import save_or_show_conflict
from renewal.policy import Action

RECENT_MEASUREMENTS = 5


def kpi_card_context(kpi, can_edit: bool, form=None, today=None) -> dict:
    """Everything one KPI card shows; `kpi.measurements` should be prefetched newest first."""
    measurements = list(kpi.measurements.all())
    milestones = list(kpi.milestones.all())
    latest = measurements[0] if measurements else None
    status = kpi_status(kpi, measurements, on=today or timezone.localdate(), milestones=milestones)
    return {
        "kpi": kpi,
        "latest": latest,
        "status": status,
        "planned_now": status.planned_value,
        "recent": measurements[:RECENT_MEASUREMENTS],
        "measurement_count": len(measurements),
        "figure": kpi_figure(kpi, measurements, milestones),
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
    initiative = policy.get_initiative(request.user, initiative_pk, Action.EDIT)
    form = KPIForm(request.POST or None, people=_kpi_people(initiative))
    form.instance.initiative = initiative
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("KPI added."))
        return redirect(initiative.get_phase_url(Phase.GOALS))
    return render(request, "metrics/kpi_form.html", {"form": form, "initiative": initiative})


def kpi_edit(request: HttpRequest, pk: int) -> HttpResponse:
    kpi = policy.get_kpi(request.user, pk, Action.EDIT)
    initiative = kpi.initiative
    form = KPIForm(request.POST or None, instance=kpi, people=_kpi_people(initiative))
    if request.method == "POST" and form.is_valid() and save_or_show_conflict(form, kpi):
        messages.success(request, _("KPI saved."))
        return redirect(initiative.get_phase_url(Phase.GOALS))
    return render(
        request, "metrics/kpi_form.html", {"form": form, "initiative": initiative, "kpi": kpi}
    )


def measurement_add(request: HttpRequest, kpi_pk: int) -> HttpResponse:
    """Add a measurement; htmx gets the KPI card back (chart included), others a redirect."""
    kpi = policy.get_kpi(request.user, kpi_pk, Action.EDIT)
    if request.method != "POST":
        return redirect(kpi.initiative.get_phase_url(Phase.GOALS))
    form = measurement_form(kpi, request.POST)
    saved = False
    if form.is_valid():
        form.instance.entered_by = request.user
        try:
            with transaction.atomic():
                form.save()
            saved = True
        except IntegrityError:
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
        return redirect(kpi.initiative.get_phase_url(Phase.GOALS))
    card = kpi_card_context(kpi, can_edit=True, form=None if saved else form)
    card["just_saved"] = saved
    return render(request, "metrics/kpi_card.html", {"card": card})
