"""The paradox radar: small rules that say, with their evidence, where the productivity paradox
shows in an initiative while there is still time to act.

Each signal is a pure function of an initiative's `Facts` (plain data, gathered elsewhere in a
fixed number of queries) and the day; it returns a `Signal` with its evidence as one sentence a
leader understands, and what to do about it, or None. Missing data never fires a signal (a
signal that cannot say why is not one), and a stopped or completed initiative is never flagged:
stopping is the model working. Thresholds live in settings (RADAR_*, see README).

The ranking (`verdict`) is transparent: an initiative is a *stop candidate* when a stop signal
fires, *needs fixing* when any other does, and *ready to scale* when it is in phase 5 with no
signal, every KPI on track and most of its planned benefit realised.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from renewal.formatting import eur, number

STOP, FIX = "stop", "fix"
OPEN_STATES = ("active", "on_hold")


@dataclass(frozen=True)
class KPIFacts:
    name: str
    direction: str  # "higher" or "lower"
    baseline: Decimal | None
    latest: Decimal | None
    status: str  # metrics.status.Status value
    has_owner: bool

    @property
    def moved_towards_target(self) -> bool:
        if self.baseline is None or self.latest is None:
            return False
        change = self.latest - self.baseline
        return change > 0 if self.direction == "higher" else change < 0


@dataclass(frozen=True)
class BenefitFacts:
    description: str
    is_disbenefit: bool
    is_time_freed: bool
    has_owner: bool
    expected_date: date | None
    booked: bool  # a realisation shows in a budget line or the staffing plan
    realised_hours: Decimal = Decimal(0)  # time freed realised, in hours a year
    first_realised_on: date | None = None


@dataclass(frozen=True)
class ReviewFacts:
    date: date
    decision: str  # ReviewDecision value
    off_track_share: Decimal | None  # share of the snapshot's KPIs that were off track


@dataclass(frozen=True)
class StreamFacts:
    """One measured version of the value stream: its kind and figures."""

    kind: str  # "as_is", "to_be" or "remeasure"
    measured_on: date | None
    processing_hours: Decimal
    lead_time_hours: Decimal
    flow_efficiency: Decimal | None


@dataclass
class Facts:
    """What the radar knows about one initiative."""

    state: str
    phase: int
    phase_since: date | None
    kpis: list[KPIFacts] = field(default_factory=list)
    benefits: list[BenefitFacts] = field(default_factory=list)
    confirmed_reallocated_hours: Decimal = Decimal(0)
    accountable_count: int = 0
    monthly_reviews: list[ReviewFacts] = field(default_factory=list)  # newest first
    overdue_measurements: int = 0
    review_overdue: bool = False
    spend_by_month: list[tuple[date, Decimal]] = field(default_factory=list)  # oldest first
    value_stream: list[StreamFacts] = field(default_factory=list)


@dataclass(frozen=True)
class Signal:
    code: str
    severity: str  # STOP or FIX
    evidence: str
    advice: str

    @property
    def label(self) -> str:
        return str(LABELS[self.code])


LABELS = {
    "money_no_change": gettext_lazy("Money in, no change"),
    "digitised_not_renewed": gettext_lazy("Digitised, not renewed"),
    "freed_time_not_moved": gettext_lazy("Freed time not moved"),
    "not_in_budget": gettext_lazy("Not in the budget"),
    "nobody_owns_it": gettext_lazy("Nobody owns it"),
    "continuing_despite_failing": gettext_lazy("Continuing despite failing"),
    "stuck": gettext_lazy("Stuck"),
}

Rule = Callable[[Facts, date], Signal | None]
RULES: list[Rule] = []


def rule(check: Rule) -> Rule:
    RULES.append(check)
    return check


def _month(value: date) -> str:
    return formats.date_format(value, "YEAR_MONTH_FORMAT")


def _short(value: date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


# The signals -----------------------------------------------------------------------------------


@rule
def money_in_no_change(facts: Facts, today: date) -> Signal | None:
    months = settings.RADAR_SPEND_MONTHS
    recent = [(m, a) for m, a in facts.spend_by_month if a > 0][-months:]
    if len(recent) < months or not facts.kpis:
        return None
    if recent[-1][0] < _first_of_month(today) - timedelta(days=62):
        return None  # spending has stopped: the money is no longer going in
    if any(k.moved_towards_target for k in facts.kpis):
        return None
    if not any(k.latest is not None for k in facts.kpis):
        return None
    spent = sum((a for _m, a in facts.spend_by_month), Decimal(0))
    since = next(m for m, a in facts.spend_by_month if a > 0)
    count = len(facts.kpis)
    evidence = ngettext(
        "%(spent)s spent since %(since)s; the KPI has not moved towards its target.",
        "%(spent)s spent since %(since)s; none of the %(count)s KPIs has moved towards its target.",
        count,
    ) % {"spent": eur(spent), "since": _month(since), "count": count}
    return Signal(
        "money_no_change",
        STOP,
        evidence,
        _("Decide at the next monthly review whether to change course or stop."),
    )


@rule
def digitised_not_renewed(facts: Facts, today: date) -> Signal | None:
    if facts.phase < 4:
        return None
    baseline = next((v for v in facts.value_stream if v.kind == "as_is"), None)
    # (date, facts) of each re-measurement: the date set, for the type checker too.
    measured = [
        (v.measured_on, v)
        for v in facts.value_stream
        if v.kind == "remeasure" and v.measured_on is not None
    ]
    if not measured:
        months = settings.RADAR_REMEASURE_MONTHS
        if facts.phase_since and (today - facts.phase_since).days > months * 30:
            return Signal(
                "digitised_not_renewed",
                FIX,
                _(
                    "%(days)s days into execution and the process has not been measured again, "
                    "so nobody knows whether it changed."
                )
                % {"days": (today - facts.phase_since).days},
                _("Re-measure the real process against its as-is baseline."),
            )
        return None
    if baseline is None or not baseline.lead_time_hours:
        return None
    measured_on, latest = max(measured, key=lambda pair: pair[0])
    processing_fell = latest.processing_hours < baseline.processing_hours
    lead_time_better = latest.lead_time_hours < baseline.lead_time_hours * (
        1 - Decimal(str(settings.RADAR_LEAD_TIME_GAIN))
    )
    flow_better = (
        latest.flow_efficiency is not None
        and baseline.flow_efficiency is not None
        and latest.flow_efficiency > baseline.flow_efficiency
    )
    if not processing_fell or lead_time_better or flow_better:
        return None
    return Signal(
        "digitised_not_renewed",
        FIX,
        _(
            "Processing time fell from %(before)s h to %(after)s h, but the lead time stayed at "
            "%(lead)s h (measured %(date)s): the work is faster, the wait is not."
        )
        % {
            "before": number(baseline.processing_hours),
            "after": number(latest.processing_hours),
            "lead": number(latest.lead_time_hours),
            "date": _short(measured_on),
        },
        _("Look at the waiting between the steps, not at the steps themselves."),
    )


@rule
def freed_time_not_moved(facts: Facts, today: date) -> Signal | None:
    realised = [b for b in facts.benefits if b.is_time_freed and b.realised_hours > 0]
    if not realised:
        return None
    freed = sum((b.realised_hours for b in realised), Decimal(0))
    moved = facts.confirmed_reallocated_hours
    first = min((b.first_realised_on for b in realised if b.first_realised_on), default=None)
    if freed <= moved or first is None:
        return None
    if (today - first).days <= settings.RADAR_REALLOCATION_DELAY_DAYS:
        return None
    fte = Decimal(settings.HOURS_PER_FTE_YEAR)
    return Signal(
        "freed_time_not_moved",
        FIX,
        _(
            "%(freed)s FTE of time has been freed since %(since)s, but only %(moved)s FTE is "
            "confirmed as moved to other work."
        )
        % {
            "freed": number((freed / fte).quantize(Decimal("0.1"))),
            "moved": number((moved / fte).quantize(Decimal("0.1"))),
            "since": _short(first),
        },
        _("Confirm where the freed time went, or it is not a benefit."),
    )


@rule
def not_in_budget(facts: Facts, today: date) -> Signal | None:
    grace = timedelta(days=settings.RADAR_BUDGET_GRACE_DAYS)
    # (expected date, facts) of each late benefit.
    late = [
        (b.expected_date, b)
        for b in facts.benefits
        if not b.is_disbenefit
        and b.expected_date
        and b.expected_date + grace < today
        and not b.booked
    ]
    if not late:
        return None
    expected, first = min(late, key=lambda pair: pair[0])
    evidence = ngettext(
        "“%(benefit)s” was expected by %(date)s and nothing shows in a budget line or the "
        "staffing plan.",
        "%(count)s benefits are past their date with nothing in a budget line or the staffing "
        "plan, the first “%(benefit)s” since %(date)s.",
        len(late),
    ) % {"benefit": first.description, "date": _short(expected), "count": len(late)}
    return Signal(
        "not_in_budget",
        FIX,
        evidence,
        _("Book the benefit in the budget or the staffing plan, or move its date honestly."),
    )


@rule
def nobody_owns_it(facts: Facts, today: date) -> Signal | None:
    kpis = [k.name for k in facts.kpis if not k.has_owner]
    benefits = [b.description for b in facts.benefits if not b.is_disbenefit and not b.has_owner]
    parts = []
    if kpis:
        parts.append(
            ngettext(
                "the KPI %(names)s has no owner", "the KPIs %(names)s have no owner", len(kpis)
            )
            % {"names": ", ".join(f"“{n}”" for n in kpis)}
        )
    if benefits:
        parts.append(
            ngettext(
                "the benefit %(names)s has no owner",
                "the benefits %(names)s have no owner",
                len(benefits),
            )
            % {"names": ", ".join(f"“{n}”" for n in benefits)}
        )
    if facts.phase > 2 and facts.accountable_count != 1:
        parts.append(_("nobody is named accountable"))
    if not parts:
        return None
    sentence = "; ".join(parts)
    return Signal(
        "nobody_owns_it",
        FIX,
        sentence[0].upper() + sentence[1:] + ".",
        _("Name an owner: a benefit nobody answers for is not realised."),
    )


@rule
def continuing_despite_failing(facts: Facts, today: date) -> Signal | None:
    last_two = facts.monthly_reviews[:2]
    if len(last_two) < 2:
        return None
    share = Decimal(str(settings.RADAR_FAILING_SHARE))
    failing = all(
        r.decision in ("continue", "adjust")
        and r.off_track_share is not None
        and r.off_track_share > share
        for r in last_two
    )
    if not failing:
        return None
    return Signal(
        "continuing_despite_failing",
        STOP,
        _(
            "The monthly reviews of %(first)s and %(second)s decided to go on while most KPIs "
            "were off track."
        )
        % {"first": _short(last_two[1].date), "second": _short(last_two[0].date)},
        _("Make the next monthly review decide: scale down, change course or stop."),
    )


@rule
def stuck(facts: Facts, today: date) -> Signal | None:
    norm = settings.RADAR_PHASE_NORM_DAYS.get(facts.phase)
    days = (today - facts.phase_since).days if facts.phase_since else None
    reasons = []
    if norm and days is not None and days > norm:
        reasons.append(
            _("%(days)s days in phase %(phase)s, where %(norm)s is the norm")
            % {"days": days, "phase": facts.phase, "norm": norm}
        )
    if facts.overdue_measurements:
        reasons.append(
            ngettext(
                "%(count)s KPI measurement is overdue",
                "%(count)s KPI measurements are overdue",
                facts.overdue_measurements,
            )
            % {"count": facts.overdue_measurements}
        )
    if facts.review_overdue:
        reasons.append(_("the monthly review is overdue"))
    if not reasons:
        return None
    sentence = "; ".join(reasons)
    return Signal(
        "stuck",
        FIX,
        sentence[0].upper() + sentence[1:] + ".",
        _("Ask the team what blocks it, and decide at the gate or stop."),
    )


# Putting them together -------------------------------------------------------------------------


def signals(facts: Facts, today: date) -> list[Signal]:
    """Every signal that fires for the initiative; none for a stopped or completed one."""
    if facts.state not in OPEN_STATES:
        return []
    return [s for check in RULES if (s := check(facts, today)) is not None]


STOP_CANDIDATE, NEEDS_FIXING, READY_TO_SCALE = "stop", "fix", "scale"
VERDICT_LABELS = {
    STOP_CANDIDATE: gettext_lazy("Stop candidate"),
    NEEDS_FIXING: gettext_lazy("Needs fixing"),
    READY_TO_SCALE: gettext_lazy("Ready to scale"),
}


def verdict(facts: Facts, fired: list[Signal], realisation_rate: Decimal | None) -> str | None:
    """Stop, fix or scale, or None when there is nothing to say."""
    if facts.state not in OPEN_STATES:
        return None
    if any(s.severity == STOP for s in fired):
        return STOP_CANDIDATE
    if fired:
        return NEEDS_FIXING
    share = Decimal(str(settings.RADAR_SCALE_REALISED_SHARE))
    on_track = facts.kpis and all(k.status == "on_track" for k in facts.kpis)
    if facts.phase == 5 and on_track and realisation_rate is not None and realisation_rate >= share:
        return READY_TO_SCALE
    return None


def _first_of_month(value: date) -> date:
    return value.replace(day=1)
