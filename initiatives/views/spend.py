"""The budget and spend page: yearly budgets, monthly spend, their totals and the import."""

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from initiatives import charts
from initiatives.models import BudgetYear, Initiative, MonthlySpend
from initiatives.spend import (
    DuplicateSpend,
    SpendError,
    SpendItem,
    budget_delete,
    spend_delete,
    spend_summary,
    write_spend,
)
from initiatives.spend_forms import BudgetYearForm, MonthlySpendForm
from initiatives.spend_imports import (
    SpendImportForm,
    check_spend_rows,
    import_rows_from_payload,
    payload_for,
)
from renewal import policy
from renewal.formatting import month_year
from renewal.forms import earlier_result, save_or_show_conflict, submitted_once
from renewal.policy import Action

KINDS = {"months": (MonthlySpend, MonthlySpendForm), "years": (BudgetYear, BudgetYearForm)}


def _kind(kind: str):
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


def _page(request, initiative, status=200, **forms):
    today = timezone.localdate()
    summary = spend_summary(initiative, today)
    can_edit = policy.can(request.user, Action.EDIT, initiative)
    if can_edit:
        forms.setdefault("month_form", MonthlySpendForm(initiative=initiative))
        forms.setdefault("year_form", BudgetYearForm(initiative=initiative))
    context = {
        "initiative": initiative,
        "summary": summary,
        "can_edit": can_edit,
        "figure": charts.spend_figure(summary),
        **forms,
    }
    return render(request, "initiatives/spend.html", context, status=status)


def spend(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the page. POST: add a month's spend (form=month) or a year's budget (form=year)."""
    needs = Action.EDIT if request.method == "POST" else Action.VIEW
    initiative = Initiative.objects.get_for(request.user, pk, needs=needs)
    if request.method != "POST":
        return _page(request, initiative)
    if request.POST.get("form") == "year":
        form = BudgetYearForm(request.POST, initiative=initiative)
        if replayed := earlier_result(request, form):
            return redirect(replayed)
        if not form.is_valid():
            return _page(request, initiative, status=400, year_form=form)
        with submitted_once(request, form) as once:
            if not once.replayed:  # a double click or a replay saves the budget once
                form.save()
                messages.success(
                    request, _("Budget for %(year)s saved.") % {"year": form.instance.year}
                )
                once.url = reverse("initiatives:spend", args=[initiative.pk])
        return redirect("initiatives:spend", initiative.pk)
    form = MonthlySpendForm(request.POST, initiative=initiative)
    if replayed := earlier_result(request, form):
        return redirect(replayed)
    if form.is_valid():
        item = SpendItem(
            **{k: v for k, v in form.cleaned_data.items() if k not in ("version", "submission")}
        )
        try:
            with submitted_once(request, form) as once:
                if not once.replayed:  # a double click or a replay records the month once
                    write_spend(request.user, initiative, [item], replace=False)
                    once.url = reverse("initiatives:spend", args=[initiative.pk])
        except DuplicateSpend:
            form.add_error("month", _("Spend for this month was recorded meanwhile. Edit it."))
        else:
            messages.success(
                request, _("Spend for %(month)s saved.") % {"month": month_year(item.month)}
            )
            return redirect("initiatives:spend", initiative.pk)
    return _page(request, initiative, status=400, month_form=form)


def spend_edit(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    initiative = Initiative.objects.get_for(request.user, pk, needs=Action.EDIT)
    model, form_class = _kind(kind)
    row = policy.get_or_404(model.objects.filter(initiative=initiative), item_pk)
    form = form_class(request.POST or None, instance=row, initiative=initiative)
    if request.method == "POST" and form.is_valid() and save_or_show_conflict(form, row):
        messages.success(request, _("Saved."))
        return redirect("initiatives:spend", initiative.pk)
    context = {"initiative": initiative, "form": form, "kind": kind, "row": row}
    status = 400 if request.method == "POST" else 200
    return render(request, "initiatives/spend_form.html", context, status=status)


@require_POST
def spend_remove(request: HttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    initiative = Initiative.objects.get_for(request.user, pk, needs=Action.EDIT)
    model, _form = _kind(kind)
    row = policy.get_or_404(model.objects.filter(initiative=initiative), item_pk)
    (spend_delete if kind == "months" else budget_delete)(request.user, row)
    messages.success(request, _("Removed."))
    return redirect("initiatives:spend", initiative.pk)


def spend_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload → preview (every row checked, nothing stored) → confirm (all rows or none)."""
    initiative = Initiative.objects.get_for(request.user, pk, needs=Action.EDIT)
    form = SpendImportForm(request.POST or None, request.FILES or None)
    context = {"initiative": initiative, "form": form}
    if request.method == "POST" and form.is_valid():
        today = timezone.localdate()
        preview = check_spend_rows(initiative, form.rows, today)
        context.update(preview=preview, payload=payload_for(initiative, preview))
    return render(request, "initiatives/spend_import.html", context)


@require_POST
def spend_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Store every row of the preview, or none. Months already stored are replaced or kept
    (left out) as the person chose; the choice is required when there are any."""
    initiative = Initiative.objects.get_for(request.user, pk, needs=Action.EDIT)
    choice = request.POST.get("existing")
    try:
        items = import_rows_from_payload(
            initiative, request.POST.get("payload", ""), timezone.localdate()
        )
    except (signing.BadSignature, SpendError):
        messages.error(request, _("The preview has expired. Upload the file again."))
        return redirect("initiatives:spend_import", initiative.pk)
    stored = set(
        MonthlySpend.objects.filter(
            initiative=initiative, month__in=[i.month for i in items]
        ).values_list("month", flat=True)
    )
    if stored and choice not in ("replace", "keep"):
        messages.error(request, _("Choose whether to replace or keep the months already recorded."))
        return redirect("initiatives:spend_import", initiative.pk)
    if choice == "keep":
        items = [i for i in items if i.month not in stored]
    try:
        created, updated = write_spend(request.user, initiative, items, replace=choice == "replace")
    except DuplicateSpend as duplicate:
        messages.error(
            request,
            _(
                "Spend for %(month)s was recorded by someone else meanwhile. Nothing was "
                "imported: upload the file again to see it in the preview."
            )
            % {"month": month_year(duplicate.item.month)},
        )
        return redirect("initiatives:spend_import", initiative.pk)
    messages.success(
        request,
        _("Imported: %(created)s months added, %(updated)s replaced.")
        % {"created": created, "updated": updated},
    )
    return redirect("initiatives:spend", initiative.pk)
