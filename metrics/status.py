"""KPI status: how a KPI's latest value compares with its planned trajectory.

The plan is a straight line from baseline to target, or a polyline through milestones. The gap
between the latest value and the plan on that date is measured as a share of the whole planned
change (|target − baseline|), counted in the KPI's better direction:

* on track  — behind the plan by at most ON_TRACK_TOLERANCE (10 %) of the planned change, or ahead,
              or the target already reached;
* at risk   — behind by at most AT_RISK_TOLERANCE (25 %);
* off track — further behind.

A KPI is also *overdue* when its latest measurement (or its baseline, before any measurement) is
older than its cadence allows: 7 + 3 days for weekly, 31 + 7 for monthly, 92 + 14 for quarterly.
The projected date of reaching the target extends the least-squares trend of the last
TREND_POINTS measurements; when the trend does not move toward the target there is none.

Wherever KPI status is shown (portfolio, exports, API, PDFs, the initiative page), the KPIs of a
stopped or completed initiative read as that state (`shown_status`, `KPIStatus.for_state`): it is
no longer measured against its plan, so *on track* or *overdue* would mislead.
"""

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    # For the type checker only: metrics.models builds on this module.
    from metrics.models import KPI, Measurement, Milestone


class Direction(models.TextChoices):
    """Which way a KPI improves (KPI.direction): the status counts the gap in that direction."""

    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Cadence(models.TextChoices):
    """How often a KPI is measured (KPI.cadence): how old its latest value may be."""

    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


ON_TRACK_TOLERANCE = Decimal("0.10")
AT_RISK_TOLERANCE = Decimal("0.25")
TREND_POINTS = 6
ALLOWED_AGE_DAYS: dict[str, int] = {Cadence.WEEKLY: 10, Cadence.MONTHLY: 38, Cadence.QUARTERLY: 106}


class Status(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    NO_DATA = "no_data", _("No data")
    NO_PLAN = "no_plan", _("No plan")


class ShownStatus(models.TextChoices):
    """What "KPI status" reads: a KPI's `Status`, or the state of a closed initiative."""

    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    NO_DATA = "no_data", _("No data")
    NO_PLAN = "no_plan", _("No plan")
    # The values of initiatives.models.State for the two states an initiative does not leave.
    STOPPED = "stopped", _("Stopped")
    COMPLETED = "completed", _("Completed")


CLOSED_STATES = (ShownStatus.STOPPED, ShownStatus.COMPLETED)


def shown_status(status: str, state: str) -> str:
    """The KPI status as it reads for an initiative in `state` (an Initiative.state value)."""
    return ShownStatus(state) if state in CLOSED_STATES else ShownStatus(status)


@dataclass(frozen=True)
class KPIStatus:
    status: str
    latest_value: Decimal | None = None
    latest_date: date | None = None
    planned_value: Decimal | None = None
    projected_date: date | None = None
    overdue: bool = False
    target_reached: bool = False

    @property
    def label(self) -> str:
        return str(ShownStatus(self.status).label)

    def for_state(self, state: str) -> "KPIStatus":
        """As shown for an initiative in `state`: a closed one's state, and nothing overdue."""
        if state not in CLOSED_STATES:
            return self
        return replace(self, status=shown_status(self.status, state), overdue=False)


def trajectory(kpi: "KPI", milestones: Iterable["Milestone"] = ()) -> list[tuple[date, Decimal]]:
    """The planned path as dated points: baseline, milestones in date order, target."""
    start, end = kpi.baseline_date, kpi.target_date
    baseline, target = kpi.baseline_value, kpi.target_value
    # `kpi.has_baseline_and_target`, spelled out so that the type checker sees all four set.
    if start is None or end is None or baseline is None or target is None:
        return []
    inner = sorted((m.date, m.value) for m in milestones if start < m.date < end)
    return [(start, baseline), *inner, (end, target)]


def planned_value(path: list[tuple[date, Decimal]], on: date) -> Decimal | None:
    """Linear interpolation along the path; flat before the start and after the end."""
    if not path:
        return None
    if on <= path[0][0]:
        return path[0][1]
    for (d0, v0), (d1, v1) in itertools.pairwise(path):
        if on <= d1:
            return v0 + (v1 - v0) * Decimal((on - d0).days) / Decimal((d1 - d0).days)
    return path[-1][1]


def is_overdue(kpi: "KPI", latest_date: date | None, today: date) -> bool:
    reference = latest_date or kpi.baseline_date
    if reference is None:
        return False
    return (today - reference).days > ALLOWED_AGE_DAYS.get(kpi.cadence, 38)


def kpi_status(
    kpi: "KPI",
    measurements: Iterable["Measurement"],
    on: date,
    milestones: Iterable["Milestone"] = (),
) -> KPIStatus:
    """The KPI's status on a date, from its measurements up to that date (any order)."""
    points = sorted((m for m in measurements if m.date <= on), key=lambda m: m.date)
    latest = points[-1] if points else None
    status = status_from_latest(
        kpi, latest.value if latest else None, latest.date if latest else None, on, milestones
    )
    if status.planned_value is None or status.target_reached:
        return status
    return replace(status, projected_date=projected_date(kpi, points))


def status_from_latest(
    kpi: "KPI",
    latest_value: Decimal | None,
    latest_date: date | None,
    on: date,
    milestones: Iterable["Milestone"] = (),
) -> KPIStatus:
    """The status from the latest value alone (no projection): cheap enough for a portfolio."""
    overdue = is_overdue(kpi, latest_date, on)
    # A measurement's date and value come together: neither is there before the first one.
    if latest_date is None or latest_value is None:
        return KPIStatus(Status.NO_DATA, overdue=overdue)
    path = trajectory(kpi, milestones)
    if not path:
        return KPIStatus(Status.NO_PLAN, latest_value, latest_date, overdue=overdue)
    (_, baseline), (_, target) = path[0], path[-1]
    sign = 1 if kpi.direction == Direction.HIGHER else -1
    plan = planned_value(path, latest_date)
    assert plan is not None  # a path that is not empty has a value on every date
    span = abs(target - baseline) or Decimal(1)
    reached = sign * (latest_value - target) >= 0
    behind = sign * (plan - latest_value) / span  # > 0 when behind the plan
    if reached or behind <= ON_TRACK_TOLERANCE:
        status = Status.ON_TRACK
    elif behind <= AT_RISK_TOLERANCE:
        status = Status.AT_RISK
    else:
        status = Status.OFF_TRACK
    return KPIStatus(
        status, latest_value, latest_date, plan, overdue=overdue, target_reached=reached
    )


def trend_slope(points: Sequence["Measurement"]) -> float | None:
    """The least-squares slope (units per day) of the last TREND_POINTS measurements, in date
    order; None with fewer than two dates to draw it from."""
    recent = points[-TREND_POINTS:]
    if len(recent) < 2:
        return None
    origin = recent[0].date
    xs = [(m.date - origin).days for m in recent]
    ys = [float(m.value) for m in recent]
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    var = sum((x - mean_x) ** 2 for x in xs)
    if var == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / var


class Trend(models.TextChoices):
    """Where the recent measurements head, counted in the KPI's better direction."""

    IMPROVING = "improving", _("improving")
    FLAT = "flat", _("flat")
    WORSENING = "worsening", _("worsening")


def trend(direction: str, points: Sequence["Measurement"]) -> Trend | None:
    """The recent trend of measurements in date order (`trend_slope`), or None without one."""
    slope = trend_slope(points)
    if slope is None:
        return None
    if abs(slope) < 1e-9:
        return Trend.FLAT
    better = slope > 0 if direction == Direction.HIGHER else slope < 0
    return Trend.IMPROVING if better else Trend.WORSENING


def projected_date(kpi: "KPI", points: Sequence["Measurement"]) -> date | None:
    """When the recent trend reaches the target, or None if it does not head there.

    `kpi` is anything with a `target_value`: a KPI, or a committed KPI for the committed target."""
    slope = trend_slope(points)
    if slope is None or kpi.target_value is None:
        return None
    recent = points[-TREND_POINTS:]
    remaining = float(kpi.target_value) - float(recent[-1].value)
    if slope == 0 or remaining / slope < 0:
        return None
    days = remaining / slope
    if days > 365 * 50:
        return None
    return recent[-1].date + timedelta(days=round(days))
