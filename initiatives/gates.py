"""The gates between phases: each criterion is a small function that says in plain words what is
missing. One mechanism for every phase; a phase's gate is the list registered for it.

The initiative's own methods (`Initiative.gate()`, `pass_gate()`) call these rules, so this module
never imports initiatives.models: a criterion reads the choices from the objects it is given
(`review.Kind.MONTHLY`), never as copied strings. It names `Initiative` for the type checker only.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrics.models import ValueArea

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from initiatives.models import Initiative


@dataclass(frozen=True)
class CriterionResult:
    requirement: str
    met: bool
    missing: str = ""


@dataclass(frozen=True)
class GateResult:
    from_phase: int
    to_phase: int
    criteria: list[CriterionResult]

    @property
    def passed(self) -> bool:
        return all(c.met for c in self.criteria)

    @property
    def completes(self) -> bool:
        return self.from_phase == 5

    @property
    def missing(self) -> list[str]:
        return [c.missing for c in self.criteria if not c.met]


Criterion = Callable[["Initiative"], CriterionResult]
GATES: dict[int, list[Criterion]] = {}


def criterion(phase: int) -> Callable[[Criterion], Criterion]:
    """Register a criterion of the gate that leads out of `phase`."""

    def register(check: Criterion) -> Criterion:
        GATES.setdefault(phase, []).append(check)
        return check

    return register


def evaluate_gate(initiative: "Initiative") -> GateResult | None:
    """The gate out of the initiative's current phase; out of phase 5 it leads to completion."""
    if initiative.phase not in GATES:
        return None
    return GateResult(
        from_phase=initiative.phase,
        to_phase=min(initiative.phase + 1, 5),
        criteria=[check(initiative) for check in GATES[initiative.phase]],
    )


def _result(requirement: "str | _StrPromise", missing: str | None) -> CriterionResult:
    return CriterionResult(str(requirement), missing is None, missing or "")


# Gate 1 → 2: goals and metrics --------------------------------------------------------------


@criterion(phase=1)
def change_statement(initiative: "Initiative") -> CriterionResult:
    parts = []
    if not initiative.change_for_citizens.strip():
        parts.append(_("the change sought for citizens and customers"))
    if not initiative.change_in_cost_efficiency.strip():
        parts.append(_("the cost-efficiency sought"))
    missing = (
        _("The change statement is missing %(parts)s.") % {"parts": _(" and ").join(parts)}
        if parts
        else None
    )
    return _result(gettext_lazy("A change statement"), missing)


@criterion(phase=1)
def kpi_with_baseline_and_target(initiative: "Initiative") -> CriterionResult:
    kpis = list(initiative.kpis.all())
    if any(k.has_baseline_and_target for k in kpis):
        missing = None
    elif not kpis:
        missing = _("No KPI has been added yet.")
    else:
        missing = _("No KPI has a baseline value and date, a target value and a target date yet.")
    return _result(
        gettext_lazy("At least one KPI with a baseline, a target and a target date"), missing
    )


@criterion(phase=1)
def kpi_in_core_value_area(initiative: "Initiative") -> CriterionResult:
    core = {ValueArea.CURRENT_VALUE, ValueArea.COST_EFFICIENCY}
    found = any(k.value_area in core for k in initiative.kpis.all())
    missing = (
        None
        if found
        else _("No KPI measures current value or cost-efficiency; add one in either value area.")
    )
    return _result(
        gettext_lazy("At least one KPI in the value area current value or cost-efficiency"), missing
    )


# Gate 2 → 3: prerequisites -------------------------------------------------------------------


@criterion(phase=2)
def one_accountable(initiative: "Initiative") -> CriterionResult:
    count = sum(1 for r in initiative.responsibilities.all() if r.role == r.Role.ACCOUNTABLE)
    if count == 1:
        missing = None
    elif count == 0:
        missing = _("Name the one person who is accountable (has the final say).")
    else:
        missing = _("%(count)s people are accountable; exactly one must have the final say.") % {
            "count": count
        }
    return _result(gettext_lazy("Exactly one accountable person"), missing)


@criterion(phase=2)
def someone_responsible(initiative: "Initiative") -> CriterionResult:
    found = any(r.role == r.Role.RESPONSIBLE for r in initiative.responsibilities.all())
    missing = None if found else _("Name at least one person responsible for doing the work.")
    return _result(gettext_lazy("At least one responsible person"), missing)


@criterion(phase=2)
def competence_gaps_planned(initiative: "Initiative") -> CriterionResult:
    unplanned = [
        c.name
        for c in initiative.competences.all()
        if c.has_gap and (not c.gap_plan.strip() or c.due_date is None)
    ]
    missing = (
        _("These competence gaps have no plan and due date: %(names)s.")
        % {"names": ", ".join(unplanned)}
        if unplanned
        else None
    )
    return _result(gettext_lazy("Every competence gap has a plan"), missing)


@criterion(phase=2)
def datasets_assessed(initiative: "Initiative") -> CriterionResult:
    datasets = list(initiative.datasets.all())
    unassessed = [d.name for d in datasets if not d.is_assessed]
    if not datasets:
        missing = _("List the datasets the initiative depends on.")
    elif unassessed:
        missing = _("Assess the quality of these datasets: %(names)s.") % {
            "names": ", ".join(unassessed)
        }
    else:
        missing = None
    return _result(gettext_lazy("Every dataset has a quality assessment"), missing)


@criterion(phase=2)
def ai_checklist_complete(initiative: "Initiative") -> CriterionResult:
    if not initiative.uses_ai:
        return _result(
            gettext_lazy("AI checklist (not needed: the initiative does not use AI)"), None
        )
    open_items = [
        # The checklist names boolean fields of the initiative, never a relation.
        str(initiative._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
        for name in AI_CHECKLIST
        if not getattr(initiative, name)
    ]
    missing = (
        _("The AI checklist is not complete: %(items)s.") % {"items": "; ".join(open_items)}
        if open_items
        else None
    )
    return _result(gettext_lazy("The AI checklist is complete"), missing)


AI_CHECKLIST = (
    "ai_problem_defined",
    "ai_data_quality_adequate",
    "ai_ethics_assessed",
    "ai_human_oversight",
)


# Gate 3 → 4: how the benefit arises -----------------------------------------------------------


@criterion(phase=3)
def value_stream_mapped(initiative: "Initiative") -> CriterionResult:
    # The baseline only: a to-be design or a re-measurement is not today's process.
    count = len(initiative.as_is_steps())
    missing = (
        None
        if count >= 2
        else _("Map today's process as a value stream of at least two steps (now %(count)s).")
        % {"count": count}
    )
    return _result(gettext_lazy("A value stream of at least two steps"), missing)


@criterion(phase=3)
def benefit_fully_planned(initiative: "Initiative") -> CriterionResult:
    benefits = [b for b in initiative.benefits.all() if not b.is_disbenefit]
    complete = [
        b
        for b in benefits
        if b.owner_id and b.quantity is not None and b.expected_date and b.kpis.all()
    ]
    if complete:
        missing = None
    elif not benefits:
        missing = _("Add a benefit to the benefits register.")
    else:
        missing = _(
            "No benefit has all of an owner, a quantity, an expected date and a linked KPI yet."
        )
    return _result(
        gettext_lazy("At least one benefit with an owner, quantity, date and linked KPI"), missing
    )


@criterion(phase=3)
def freed_time_reallocated(initiative: "Initiative") -> CriterionResult:
    # A reallocation of nothing places none of the freed time.
    targets = {r.benefit_id for r in initiative.reallocations.all() if r.capacity}
    unplaced = [
        b.description for b in initiative.benefits.all() if b.is_time_freed and b.pk not in targets
    ]
    missing = (
        _("Say where the time freed by these benefits goes: %(names)s.")
        % {"names": ", ".join(unplaced)}
        if unplaced
        else None
    )
    return _result(gettext_lazy("Every time-freed benefit has a reallocation target"), missing)


# Gate 4 → 5: execution -------------------------------------------------------------------------


@criterion(phase=4)
def monthly_review_to_continue(initiative: "Initiative") -> CriterionResult:
    # Only the latest monthly review counts: a later adjust, pause or stop voids an earlier
    # continue. Weekly team reviews are not leadership's decision and never void it.
    monthly = [r for r in initiative.reviews.all() if r.kind == r.Kind.MONTHLY]
    latest = max(monthly, key=lambda r: (r.date, r.id), default=None)
    going_on = (latest.Decision.CONTINUE, latest.Decision.SCALE_UP) if latest else ()
    if latest is not None and latest.decision in going_on:
        missing = None
    elif latest is None:
        missing = _("Hold a monthly leadership review that decides to continue or to scale up.")
    else:
        missing = _(
            "The latest monthly review, on %(date)s, decided: %(decision)s. Hold a monthly "
            "leadership review that decides to continue or to scale up."
        ) % {
            "date": formats.date_format(latest.date, "SHORT_DATE_FORMAT"),
            "decision": latest.get_decision_display(),
        }
    return _result(
        gettext_lazy("The latest monthly review decided to continue or scale up"), missing
    )


@criterion(phase=4)
def realisation_started(initiative: "Initiative") -> CriterionResult:
    # A start date still ahead is a plan, not a benefit that has begun to show.
    today = timezone.localdate()
    dates = [
        b.realisation_started_on
        for b in initiative.benefits.all()
        if b.realisation_started_on and not b.is_disbenefit
    ]
    if any(d <= today for d in dates):
        missing = None
    elif dates:
        missing = _(
            "The recorded realisation start is in the future (%(date)s); a benefit counts once it "
            "has begun to show."
        ) % {"date": formats.date_format(min(dates), "SHORT_DATE_FORMAT")}
    else:
        missing = _("Record the date on which a benefit began to show.")
    return _result(gettext_lazy("At least one benefit has started to be realised"), missing)


# Phase 5 → completed ---------------------------------------------------------------------------


@criterion(phase=5)
def benefit_realised(initiative: "Initiative") -> CriterionResult:
    found = any(b.realisations.all() for b in initiative.benefits.all() if not b.is_disbenefit)
    missing = (
        None
        if found
        else _("Record a realised benefit that shows in the budget or the staffing plan.")
    )
    return _result(gettext_lazy("At least one realised benefit is recorded"), missing)


@criterion(phase=5)
def lessons_written(initiative: "Initiative") -> CriterionResult:
    missing = None if initiative.lessons_learned.strip() else _("Write down the lessons learned.")
    return _result(gettext_lazy("Lessons learned are written down"), missing)
