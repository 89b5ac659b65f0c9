"""The kinds of reminder: for each, who is due one at a moment, and how it reads.

A kind answers two questions. `due(now, people)` reads the database and yields a `Due` for every
reminder that should exist at `now`; it never looks at what was already sent (the sweep does, by
the unique key). `message(params)` turns the facts stored with the reminder into text in the
active language. A new kind is one more class here and one more `Kind` choice; the sweep,
delivery, preferences and pages take it as it comes.

Every window is wide enough to survive a missed sweep: a review reminder is due from
REMINDERS_REVIEW_LEAD_DAYS before the review until the end of the review day, an overdue
measurement until a measurement arrives, the digest for the whole month, a committed benefit
from REMINDERS_COMMITMENT_LEAD_DAYS before its date until it is realised.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from funding.compare import POSTPONED, WEAKENED, compare_commitments, realised_by_benefit
from funding.models import (
    OPEN_STATES,
    ApplicationState,
    CommittedBenefit,
    FundingApplication,
    ProgressReport,
)
from funding.progress import reporters
from initiatives.figures import benefit_amount, next_reviews
from initiatives.models import (
    GateDecision,
    GateRequest,
    Initiative,
    Phase,
    Review,
    ReviewAction,
    ReviewDecision,
    State,
)
from initiatives.portfolio import build_portfolio, overdue_condition
from initiatives.signals import LABELS, NEEDS_FIXING, READY_TO_SCALE, STOP_CANDIDATE, VERDICT_LABELS
from metrics.models import KPI, Cadence
from metrics.status import ALLOWED_AGE_DAYS, ShownStatus, Status
from notifications.models import Kind, Notification
from organisations.models import AccessRequest, Membership
from renewal import policy
from renewal.formatting import eur, long_date, number, weekday_date
from renewal.svg import bar_chart, scatter_chart

# While a measurement stays overdue, it is reminded again once per cadence interval.
REPEAT_DAYS = {Cadence.WEEKLY: 7, Cadence.MONTHLY: 30, Cadence.QUARTERLY: 91}
DIGEST_ATTENTION_ROWS = 10
DIGEST_RADAR_ROWS = 5  # of each verdict; the portfolio page has them all
DIGEST_DECISIONS = 10  # of each, gate and review
DIGEST_DECISION_DAYS = 31  # the same month as the monthly PDF's decisions
DIGEST_CHART_POINTS = 20  # initiatives on the spent-vs-realised chart, most spent first


@dataclass
class Chart:
    """A server-drawn chart for an e-mail: the SVG (sent as an inline related part, shown by
    `cid:`), its alt text, and the same figures as a table for clients that show no image."""

    name: str
    title: str
    svg: str
    headers: list[str]
    rows: list[list[str]]

    @property
    def lines(self) -> list[str]:
        """Each row as text, its figures named: "Needs fixing: Initiatives 2"."""
        return [
            f"{row[0]}: "
            + ", ".join(f"{h} {c}" for h, c in zip(self.headers[1:], row[1:], strict=True))
            for row in self.rows
        ]

    @property
    def alt(self) -> str:
        return f"{self.title}. " + "; ".join(self.lines)


@dataclass(frozen=True)
class Due:
    """A reminder that should exist: its key (recipient, kind, subject, period) and its facts."""

    recipient: object
    kind: str
    subject: str
    period: str
    params: dict
    url: str
    time_zone: str


@dataclass(frozen=True)
class Message:
    title: str
    lines: list[str]
    action: str
    rows: list[dict] = field(default_factory=list)


class People:
    """The users met during one sweep, one object each, so each one's memberships load once."""

    def __init__(self):
        self._users = {}

    def __call__(self, user):
        return self._users.setdefault(user.pk, user)

    def may_see(self, user, initiative) -> bool:
        return user.is_active and policy.can(user, policy.Action.VIEW, initiative)

    def may_read_application(self, user, application) -> bool:
        """The applicant's organisation, or an officer of its funder once past draft."""
        return user.is_active and policy.can_on_application(user, policy.Action.VIEW, application)


def local_now(now: datetime, time_zone: str) -> datetime:
    return now.astimezone(ZoneInfo(time_zone))


class ReminderKind:
    code: str
    email_template = "notifications/email/reminder"

    def due(self, now: datetime, people: People) -> Iterator[Due]:
        raise NotImplementedError

    def message(self, params: dict) -> Message:
        raise NotImplementedError

    def outdated(self, notification: Notification, now: datetime) -> bool:
        """Whether an e-mail not yet sent (delivery was down, or is being retried) would now
        come too late to help. A newer reminder of the same subject always supersedes it: the
        sweep checks that for every kind."""
        return False

    def charts(self, notification: Notification) -> list["Chart"]:
        """The charts its e-mail carries, in the active language (none but the digest's)."""
        return []

    def period_key(self, period: str) -> tuple:
        """Orders this kind's periods, oldest first, for "a newer reminder supersedes it".

        Periods are ISO dates or months (which sort as text), optionally followed by `+N`, an
        episode counted as a number (`2026-10-01+10` after `2026-10-01+9`).
        """
        head, _, tail = period.partition("+")
        return (head, int(tail) if tail.isdigit() else -1)


class ReviewReminder(ReminderKind):
    """Before each weekly (or monthly) review: to the initiative's owner and team."""

    cadence_key: str  # "weekly" or "monthly", as next_reviews() names them

    def initiatives(self):
        field_name = (
            "weekly_review_weekday" if self.cadence_key == "weekly" else "monthly_review_day"
        )
        return (
            Initiative.objects.filter(state=State.ACTIVE, phase__gte=Phase.EXECUTION)
            .filter(**{f"{field_name}__isnull": False})
            .select_related("organisation", "owner")
            .prefetch_related("team")
        )

    def due(self, now, people):
        lead = settings.REMINDERS_REVIEW_LEAD_DAYS
        for initiative in self.initiatives():
            today = local_now(now, initiative.review_time_zone).date()
            review_on = next_reviews(initiative, today)[self.cadence_key]
            if review_on is None or (review_on - today).days > lead:
                continue
            recipients = {u.pk: people(u) for u in [initiative.owner, *initiative.team.all()]}
            for user in recipients.values():
                if not people.may_see(user, initiative):
                    continue
                yield Due(
                    recipient=user,
                    kind=self.code,
                    subject=f"initiative:{initiative.pk}",
                    period=review_on.isoformat(),
                    params={
                        "initiative": initiative.title,
                        "organisation": initiative.organisation.name,
                        "date": review_on.isoformat(),
                    },
                    url=initiative.get_phase_url(Phase.EXECUTION),
                    time_zone=initiative.review_time_zone,
                )


def _review_outdated(notification, now) -> bool:
    return date.fromisoformat(notification.period) < local_now(now, notification.time_zone).date()


class WeeklyReview(ReviewReminder):
    code = Kind.WEEKLY_REVIEW
    cadence_key = "weekly"
    outdated = staticmethod(_review_outdated)

    def message(self, params):
        when = weekday_date(params["date"])
        return Message(
            title=_("Weekly team review on %(date)s: %(initiative)s")
            % {"date": when, "initiative": params["initiative"]},
            lines=[
                _("The weekly team review of %(initiative)s (%(organisation)s) is on %(date)s.")
                % {**params, "date": when},
                _(
                    "Record the latest KPI measurements before it, so the review sees current figures."
                ),
            ],
            action=_("Prepare the review"),
        )


class MonthlyReview(ReviewReminder):
    code = Kind.MONTHLY_REVIEW
    cadence_key = "monthly"
    outdated = staticmethod(_review_outdated)

    def message(self, params):
        when = weekday_date(params["date"])
        return Message(
            title=_("Monthly leadership review on %(date)s: %(initiative)s")
            % {"date": when, "initiative": params["initiative"]},
            lines=[
                _(
                    "The monthly leadership review of %(initiative)s (%(organisation)s) is on "
                    "%(date)s. It decides whether to continue, adjust, scale up, pause or stop."
                )
                % {**params, "date": when},
                _(
                    "Record the latest KPI measurements before it, so the review sees current figures."
                ),
            ],
            action=_("Prepare the review"),
        )


class MeasurementOverdue(ReminderKind):
    """A KPI whose latest measurement is older than its cadence allows: to the KPI owner.

    One reminder when it becomes overdue, and one more each cadence interval while it stays so; a
    new measurement starts a new episode (the period is the date of the latest value).
    """

    code = Kind.MEASUREMENT_OVERDUE

    def due(self, now, people):
        zones = (
            Initiative.objects.filter(state=State.ACTIVE)
            .values_list("organisation__time_zone", flat=True)
            .distinct()
        )
        for time_zone in sorted(set(zones)):
            today = local_now(now, time_zone).date()
            kpis = KPI.objects.filter(
                overdue_condition(today),
                initiative__state=State.ACTIVE,
                initiative__organisation__time_zone=time_zone,
            ).select_related("initiative__organisation", "initiative__owner", "owner")
            for kpi in kpis:
                recipient = people(kpi.owner or kpi.initiative.owner)
                if not people.may_see(recipient, kpi.initiative):
                    continue
                reference = kpi.latest_date or kpi.baseline_date
                late = (today - reference).days - ALLOWED_AGE_DAYS[kpi.cadence]
                episode = (late - 1) // REPEAT_DAYS[kpi.cadence]
                yield Due(
                    recipient=recipient,
                    kind=self.code,
                    subject=f"kpi:{kpi.pk}",
                    period=f"{reference.isoformat()}+{episode}",
                    params={
                        "kpi": kpi.name,
                        "initiative": kpi.initiative.title,
                        "cadence": kpi.cadence,
                        "since": reference.isoformat(),
                        "measured": kpi.latest_date is not None,
                    },
                    url=f"{kpi.initiative.get_phase_url(Phase.GOALS)}#kpi-{kpi.pk}",
                    time_zone=time_zone,
                )

    def message(self, params):
        values = {
            **params,
            "cadence": Cadence(params["cadence"]).label.lower(),
            "since": long_date(params["since"]),
        }
        if params["measured"]:
            first = _(
                "The measurement of %(kpi)s (%(initiative)s) is overdue: it is measured "
                "%(cadence)s, and the latest value is from %(since)s."
            )
        else:
            first = _(
                "The measurement of %(kpi)s (%(initiative)s) is overdue: it is measured "
                "%(cadence)s, and nothing has been recorded since the baseline of %(since)s."
            )
        return Message(
            title=_("Measurement overdue: %(kpi)s") % values,
            lines=[first % values, _("Record a measurement so the KPI's status is current.")],
            action=_("Record a measurement"),
        )


class PortfolioDigest(ReminderKind):
    """Once a month, from REMINDERS_DIGEST_DAY: to each leader, their organisations' portfolio."""

    code = Kind.PORTFOLIO_DIGEST
    email_template = "notifications/email/digest"

    def outdated(self, notification, now):
        """Last month's figures are history once the month is over."""
        return notification.period != local_now(now, notification.time_zone).strftime("%Y-%m")

    def due(self, now, people):
        leaders = (
            Membership.objects.filter(role=Membership.Role.LEADER, user__is_active=True)
            .select_related("user", "organisation")
            .order_by("user_id", "organisation__path")
        )
        # The digest is the one costly kind to compute, so leaders who have this month's are
        # passed over here rather than only by the sweep's key check.
        already = set(
            Notification.objects.filter(
                kind=self.code, created_at__gte=now - timedelta(days=32)
            ).values_list("recipient_id", "period")
        )
        seen = set()
        for membership in leaders:
            if membership.user_id in seen:
                continue
            seen.add(membership.user_id)
            time_zone = membership.organisation.time_zone
            today = local_now(now, time_zone).date()
            period = today.strftime("%Y-%m")
            if today.day < settings.REMINDERS_DIGEST_DAY or (membership.user_id, period) in already:
                continue
            user = people(membership.user)
            params = self.figures(user, today)
            if params is None:
                continue
            yield Due(
                recipient=user,
                kind=self.code,
                subject="portfolio",
                period=period,
                params=params,
                url=reverse("initiatives:portfolio"),
                time_zone=time_zone,
            )

    def figures(self, user, today) -> dict | None:
        """The leader's portfolio as it stands today, from the portfolio page's own builder.

        The radar's evidence is a sentence the rules write in the active language, with its
        amounts and months formatted for it; it is stored as written, so it is built in the
        recipient's language (as the e-mail is rendered). Everything else is stored as codes and
        raw figures and put into words by `message()` in the reader's language.
        """
        with translation.override(user.language or settings.LANGUAGE_CODE):
            portfolio = build_portfolio(user, {}, today=today)
            if not portfolio.rows:
                return None
            groups = portfolio.stop_fix_scale()
            radar = {
                verdict: [
                    {
                        "initiative": r.initiative.title,
                        "organisation": r.initiative.organisation.name,
                        "url": r.initiative.get_absolute_url(),
                        "signals": [{"code": s.code, "evidence": s.evidence} for s in r.signals],
                        "realised_eur": str(r.realised_eur),
                    }
                    for r in rows[:DIGEST_RADAR_ROWS]
                ]
                for verdict, rows in groups.items()
            }
        gates, reviews = portfolio.decisions_since(today - timedelta(days=DIGEST_DECISION_DAYS))
        totals = portfolio.totals
        statuses = {s.value: 0 for s in ShownStatus}
        for row in portfolio.rows:
            statuses[row.kpi_status] += 1
        order = {Status.OFF_TRACK: 0, Status.AT_RISK: 1}
        attention = sorted(
            (r for r in portfolio.rows if r.overdue or r.kpi_status in order),
            key=lambda r: (order.get(r.kpi_status, 2), r.initiative.title.lower()),
        )
        return {
            "month": today.replace(day=1).isoformat(),
            "count": totals["count"],
            "planned_eur": str(totals["planned_eur"]),
            "realised_eur": str(totals["realised_eur"]),
            "overdue": totals["overdue"],
            "statuses": statuses,
            "radar": radar,
            "radar_counts": {verdict: len(rows) for verdict, rows in groups.items()},
            "phases": [[number, count] for number, _label, count in portfolio.phase_counts()],
            "gate_decisions": [
                {
                    "date": timezone.localdate(d.decided_at).isoformat(),
                    "initiative": d.initiative.title,
                    "outcome": d.outcome,
                    "phases": d.phases,
                    "rationale": d.rationale,
                }
                for d in gates[:DIGEST_DECISIONS]
            ],
            "review_decisions": [
                {
                    "date": r.date.isoformat(),
                    "initiative": r.initiative.title,
                    "kind": r.kind,
                    "decision": r.decision,
                    "rationale": r.rationale,
                }
                for r in reviews[:DIGEST_DECISIONS]
            ],
            "attention": [
                {
                    "initiative": r.initiative.title,
                    "organisation": r.initiative.organisation.name,
                    "url": r.initiative.get_absolute_url(),
                    "status": r.kpi_status,
                    "overdue_measurements": r.overdue_measurements,
                    "review_overdue": r.review_overdue,
                }
                for r in attention[:DIGEST_ATTENTION_ROWS]
            ],
            "more": max(0, len(attention) - DIGEST_ATTENTION_ROWS),
            "spend": [
                [r.initiative.title, str(r.spent_eur), str(r.realised_eur)]
                for r in sorted(
                    (r for r in portfolio.rows if r.spent_eur), key=lambda r: -r.spent_eur
                )[:DIGEST_CHART_POINTS]
            ],
        }

    def charts(self, notification):
        """Stop, fix or scale counts and spent against realised benefit, as the portfolio PDF
        draws them (a digest recorded before it stored spend has only the first)."""
        params = notification.params
        counts = params.get("radar_counts") or {}
        verdicts = [v for v in (STOP_CANDIDATE, NEEDS_FIXING, READY_TO_SCALE) if v in counts]
        charts = []
        if verdicts:
            title = _("Stop, fix or scale: initiatives in each group")
            bars = [(str(VERDICT_LABELS[v]), counts[v]) for v in verdicts]
            charts.append(
                Chart(
                    name="stop-fix-scale",
                    title=title,
                    svg=bar_chart(bars, title=title),
                    headers=[_("Group"), _("Initiatives")],
                    rows=[[label, str(count)] for label, count in bars],
                )
            )
        spend = params.get("spend") or []
        if spend:
            title = _("Spent against realised benefit, by initiative")
            charts.append(
                Chart(
                    name="spent-realised",
                    title=title,
                    svg=scatter_chart(
                        [
                            (name, Decimal(spent), Decimal(realised))
                            for name, spent, realised in spend
                        ],
                        title=title,
                        x_label=_("Spent (EUR)"),
                        y_label=_("Realised (EUR)"),
                    ),
                    headers=[_("Initiative"), _("Spent"), _("Realised")],
                    rows=[
                        [name, eur(Decimal(spent)), eur(Decimal(realised))]
                        for name, spent, realised in spend
                    ],
                )
            )
        return [chart for chart in charts if chart.svg]

    def message(self, params):
        month = formats.date_format(date.fromisoformat(params["month"]), "YEAR_MONTH_FORMAT")
        statuses = params["statuses"]
        # It opens with stop, fix or scale, as the portfolio page does.
        lines = [*self.radar_lines(params)]
        lines += [
            ngettext(
                "Your portfolio has %(count)s initiative.",
                "Your portfolio has %(count)s initiatives.",
                params["count"],
            )
            % params,
            _("KPI status: %(off)s off track, %(risk)s at risk, %(on)s on track.")
            % {
                "off": statuses.get(Status.OFF_TRACK, 0),
                "risk": statuses.get(Status.AT_RISK, 0),
                "on": statuses.get(Status.ON_TRACK, 0),
            },
        ]
        lines.append(
            _("Benefits: %(planned)s a year planned, %(realised)s realised so far.")
            % {"planned": eur(params["planned_eur"]), "realised": eur(params["realised_eur"])}
        )
        if params["overdue"]:
            lines.append(
                ngettext(
                    "%(overdue)s initiative has an overdue review or measurement.",
                    "%(overdue)s initiatives have an overdue review or measurement.",
                    params["overdue"],
                )
                % params
            )
        lines += self.decision_lines(params)
        rows = [
            {**row, "status_label": ShownStatus(row["status"]).label} for row in params["attention"]
        ]
        return Message(
            title=_("Portfolio digest, %(month)s") % {"month": month},
            lines=lines,
            action=_("Open the portfolio"),
            rows=rows,
        )

    @staticmethod
    def radar_lines(params) -> Iterator[str]:
        """Stop candidates with their evidence, then those that need fixing, then those ready to
        scale. Digests recorded before the radar have no "radar" and start with the figures."""
        radar, counts = params.get("radar") or {}, params.get("radar_counts") or {}
        for verdict in (STOP_CANDIDATE, NEEDS_FIXING, READY_TO_SCALE):
            if verdict not in radar:
                continue
            yield _("%(verdict)s: %(count)s.") % {
                "verdict": VERDICT_LABELS[verdict],
                "count": counts.get(verdict, len(radar[verdict])),
            }
            for entry in radar[verdict]:
                reasons = "; ".join(
                    _("%(signal)s: %(evidence)s")
                    % {"signal": LABELS[s["code"]], "evidence": s["evidence"]}
                    for s in entry["signals"]
                    if s["code"] in LABELS
                )
                if not reasons:
                    reasons = _("every KPI on track; %(realised)s realised") % {
                        "realised": eur(entry["realised_eur"])
                    }
                yield _("%(initiative)s (%(organisation)s) — %(reasons)s") % {
                    **entry,
                    "reasons": reasons,
                }

    @staticmethod
    def decision_lines(params) -> list[str]:
        """The month's gate decisions and review decisions, each with its rationale."""
        lines = []
        gates, reviews = params.get("gate_decisions"), params.get("review_decisions")
        if gates:
            lines.append(_("Gate decisions in the last month:"))
            lines += [
                _("%(date)s, %(initiative)s: %(outcome)s (phase %(phases)s). %(rationale)s")
                % {
                    **d,
                    "date": long_date(d["date"]),
                    "outcome": GateDecision.Outcome(d["outcome"]).label,
                }
                for d in gates
            ]
        if reviews:
            lines.append(_("Review decisions in the last month:"))
            lines += [
                _("%(date)s, %(initiative)s: %(decision)s (%(kind)s). %(rationale)s")
                % {
                    **r,
                    "date": long_date(r["date"]),
                    "decision": ReviewDecision(r["decision"]).label,
                    "kind": Review.Kind(r["kind"]).label,
                }
                for r in reviews
            ]
        return lines


class FundingCommitment(ReminderKind):
    """A benefit committed in a granted funding application, not yet realised in full: to the
    initiative's owner, once before its expected date and, while it stays short, once a month
    after it. The officer's overdue list shows the same benefits; this makes sure the owner
    hears of them first. Each of the funder's officers hears once that its date passed unmet
    (period `overdue`).
    """

    code = Kind.FUNDING_COMMITMENT
    REPEAT_DAYS = 30

    def period_key(self, period):
        """`upcoming` comes before every `overdue+N` episode."""
        head, _, tail = period.partition("+")
        return (head == "overdue", int(tail) if tail.isdigit() else -1)

    def due(self, now, people):
        lead = settings.REMINDERS_COMMITMENT_LEAD_DAYS
        committed = list(
            CommittedBenefit.objects.filter(
                commitment__application__state=ApplicationState.GRANTED,
                commitment__application__initiative__state=State.ACTIVE,
                is_disbenefit=False,
                quantity__gt=0,
                expected_date__isnull=False,
            ).select_related(
                "commitment__application__initiative__organisation",
                "commitment__application__initiative__owner",
                "commitment__application__call",
            )
        )
        realised = realised_by_benefit([c.benefit_id for c in committed])
        officers = officers_by_application(people, {c.commitment.application_id for c in committed})
        for benefit in committed:
            application = benefit.commitment.application
            initiative = application.initiative
            time_zone = initiative.organisation.time_zone
            today = local_now(now, time_zone).date()
            days_to_go = (benefit.expected_date - today).days
            so_far = realised.get(benefit.benefit_id) or 0
            if days_to_go > lead or so_far >= benefit.quantity:
                continue
            if days_to_go >= 0:
                period = "upcoming"
            else:
                period = f"overdue+{(-days_to_go - 1) // self.REPEAT_DAYS}"
            params = {
                "benefit": benefit.description,
                "initiative": initiative.title,
                "call": application.call.name,
                "date": benefit.expected_date.isoformat(),
                "quantity": str(benefit.quantity),
                "realised": str(so_far),
                "unit": benefit.unit,
                "overdue": days_to_go < 0,
            }
            recipients = [(people(initiative.owner), period, False)]
            if days_to_go < 0:
                recipients += [(o, "overdue", True) for o in officers[application.pk]]
            for recipient, when, officer in recipients:
                if officer or people.may_read_application(recipient, application):
                    yield Due(
                        recipient=recipient,
                        kind=self.code,
                        subject=f"committed_benefit:{benefit.pk}",
                        period=when,
                        params={**params, "officer": officer},
                        url=application.get_absolute_url(),
                        time_zone=time_zone,
                    )

    def message(self, params):
        values = {
            **params,
            "date": long_date(params["date"]),
            "quantity": benefit_amount(params["quantity"], params["unit"]),
            "realised": benefit_amount(params["realised"], params["unit"]),
        }
        if params["overdue"]:
            title = _("Committed benefit overdue: %(benefit)s")
            first = _(
                "%(initiative)s committed to %(quantity)s of “%(benefit)s” by %(date)s in its "
                "funding application. %(realised)s has been recorded as realised."
            )
        else:
            title = _("Committed benefit due on %(date)s: %(benefit)s")
            first = _(
                "%(initiative)s committed to %(quantity)s of “%(benefit)s” by %(date)s in its "
                "funding application. So far %(realised)s has been recorded as realised."
            )
        advice = _(
            "Record what has been realised, or explain the delay in the next review: "
            "the funder's officer sees the same comparison."
        )
        if params.get("officer"):
            title = _("Committed benefit not realised by its date: %(benefit)s")
            advice = _("Ask the owner about the delay, or request a progress report.")
        return Message(
            title=title % values,
            lines=[first % values, advice],
            action=_("Open the funding application"),
        )


class GateRequested(ReminderKind):
    """A team asked for a gate decision: to the leaders who decide it, once per request."""

    code = Kind.GATE_REQUEST

    def outdated(self, notification, now):
        """Once the request is decided or withdrawn, nobody needs to be asked any more."""
        request_id = int(notification.subject.split(":", 1)[1])
        return not GateRequest.objects.filter(
            pk=request_id, status=GateRequest.Status.OPEN
        ).exists()

    def due(self, now, people):
        requests = GateRequest.objects.filter(
            status=GateRequest.Status.OPEN, initiative__state__in=(State.ACTIVE, State.ON_HOLD)
        ).select_related("initiative__organisation", "requested_by")
        for request in requests:
            initiative = request.initiative
            for leader in request.deciders():
                recipient = people(leader)
                if not people.may_see(recipient, initiative):
                    continue
                yield Due(
                    recipient=recipient,
                    kind=self.code,
                    subject=f"gate_request:{request.pk}",
                    period="open",
                    params={
                        "initiative": initiative.title,
                        "organisation": initiative.organisation.name,
                        "requested_by": str(request.requested_by),
                        "from_phase": request.from_phase,
                        "note": request.note,
                    },
                    url=initiative.get_absolute_url(),
                    time_zone=initiative.organisation.time_zone,
                )

    def message(self, params):
        values = {**params, "to_phase": min(params["from_phase"] + 1, Phase.REALISATION)}
        if params["from_phase"] == Phase.REALISATION:
            title = _("Decision requested: completing %(initiative)s") % values
            first = _(
                "%(requested_by)s asks you to decide whether %(initiative)s (%(organisation)s) "
                "is completed."
            )
        else:
            title = _("Decision requested: %(initiative)s to phase %(to_phase)s") % values
            first = _(
                "%(requested_by)s asks you to decide at the gate of %(initiative)s "
                "(%(organisation)s) to phase %(to_phase)s."
            )
        lines = [first % values]
        if params["note"]:
            lines.append(_("Note from %(requested_by)s: %(note)s") % values)
        lines.append(
            _("Every criterion of the gate is met. Approve it, or return it with a reason.")
        )
        return Message(title=title, lines=lines, action=_("Decide at the gate"))


class ApplicationInitiativeStopped(ReminderKind):
    """An application still open at the funder whose initiative was stopped, or a granted one
    whose initiative was stopped or put on hold: to each of the funder's officers, once per
    application and state, so that nobody grants money to it unaware and the funder hears
    when what it funds stops."""

    code = Kind.APPLICATION_INITIATIVE_STOPPED

    def outdated(self, notification, now):
        """Once an open application is decided or withdrawn, the warning has done its work."""
        application_id = int(notification.subject.split(":", 1)[1])
        states = (ApplicationState.GRANTED,) if notification.params.get("granted") else OPEN_STATES
        return not FundingApplication.objects.filter(pk=application_id, state__in=states).exists()

    def due(self, now, people):
        applications = list(
            FundingApplication.objects.filter(
                Q(state__in=OPEN_STATES, initiative__state=State.STOPPED)
                | Q(
                    state=ApplicationState.GRANTED,
                    initiative__state__in=(State.STOPPED, State.ON_HOLD),
                )
            ).select_related("initiative__organisation", "call")
        )
        if not applications:
            return
        stops = {}
        for decision in GateDecision.objects.filter(
            initiative__in={a.initiative_id for a in applications},
            outcome=GateDecision.Outcome.STOPPED,
        ).order_by("initiative_id", "decided_at"):
            stops[decision.initiative_id] = decision  # the latest wins
        officers = officers_by_application(people, [a.pk for a in applications])
        for application in applications:
            for officer in officers[application.pk]:
                yield self._due(officer, application, stops.get(application.initiative_id))

    def _due(self, officer, application, stop) -> Due:
        initiative = application.initiative
        time_zone = initiative.organisation.time_zone
        stopped_on = (
            timezone.localtime(stop.decided_at, ZoneInfo(time_zone)).date().isoformat()
            if stop
            else None
        )
        return Due(
            recipient=officer,
            kind=self.code,
            subject=f"funding_application:{application.pk}",
            # An application stopped while open and granted since keeps its one "stopped".
            period="on_hold" if initiative.state == State.ON_HOLD else "stopped",
            params={
                "initiative": initiative.title,
                "organisation": initiative.organisation.name,
                "call": application.call.name,
                "amount": str(application.amount_requested),
                "stopped_on": stopped_on if initiative.state == State.STOPPED else None,
                "rationale": stop.rationale if stop and initiative.state == State.STOPPED else "",
                "granted": application.state == ApplicationState.GRANTED,
                "on_hold": initiative.state == State.ON_HOLD,
            },
            url=application.get_absolute_url(),
            time_zone=time_zone,
        )

    def message(self, params):
        values = {**params, "amount": eur(params["amount"])}
        if params.get("granted"):
            return self.funded_message(params, values)
        if params["stopped_on"]:
            values["date"] = long_date(params["stopped_on"])
            first = _(
                "%(organisation)s stopped %(initiative)s on %(date)s. Its application to "
                "%(call)s for %(amount)s is still open."
            )
        else:
            first = _(
                "%(organisation)s stopped %(initiative)s. Its application to %(call)s for "
                "%(amount)s is still open."
            )
        lines = [first % values]
        if params["rationale"]:
            lines.append(_("The reason given: %(rationale)s") % values)
        lines.append(
            _(
                "Granting the application now needs your explicit acknowledgement that the "
                "initiative was stopped."
            )
        )
        return Message(
            title=_("Initiative stopped while its funding application is open: %(initiative)s")
            % values,
            lines=lines,
            action=_("Open the funding application"),
        )

    @staticmethod
    def funded_message(params, values) -> Message:
        """A granted application whose initiative was stopped or put on hold."""
        if params.get("on_hold"):
            title = _("Funded initiative put on hold: %(initiative)s")
            first = _(
                "%(organisation)s put %(initiative)s on hold. It was granted %(amount)s "
                "from %(call)s."
            )
        elif params["stopped_on"]:
            values["date"] = long_date(params["stopped_on"])
            title = _("Funded initiative stopped: %(initiative)s")
            first = _(
                "%(organisation)s stopped %(initiative)s on %(date)s. It was granted "
                "%(amount)s from %(call)s."
            )
        else:
            title = _("Funded initiative stopped: %(initiative)s")
            first = _(
                "%(organisation)s stopped %(initiative)s. It was granted %(amount)s from %(call)s."
            )
        lines = [first % values]
        if params["rationale"]:
            lines.append(_("The reason given: %(rationale)s") % values)
        lines.append(_("Ask the owner about the funding, or request a progress report."))
        return Message(title=title % values, lines=lines, action=_("Open the funding application"))


class ReviewActionDue(ReminderKind):
    """An open action a review gave someone: to its owner, once as its due date comes (from
    LEAD_DAYS before it) and once more when it is overdue. Marking it done ends both."""

    code = Kind.REVIEW_ACTION
    LEAD_DAYS = 1

    def period_key(self, period):
        """`due` comes before `overdue`."""
        return (period == "overdue",)

    def outdated(self, notification, now):
        """Once the action is done, nobody needs reminding of it."""
        action_id = int(notification.subject.split(":", 1)[1])
        return not ReviewAction.objects.filter(pk=action_id, done=False).exists()

    def due(self, now, people):
        # A day's margin: the local date may be ahead of UTC's; each action checks its own below.
        latest = now.date() + timedelta(days=self.LEAD_DAYS + 1)
        actions = ReviewAction.objects.filter(
            done=False,
            owner__isnull=False,
            due_date__lte=latest,
            review__initiative__state=State.ACTIVE,
        ).select_related("owner", "review__initiative__organisation")
        for action in actions:
            review, initiative = action.review, action.review.initiative
            time_zone = initiative.review_time_zone
            days_to_go = (action.due_date - local_now(now, time_zone).date()).days
            if days_to_go > self.LEAD_DAYS:
                continue
            recipient = people(action.owner)
            if not people.may_see(recipient, initiative):
                continue
            yield Due(
                recipient=recipient,
                kind=self.code,
                subject=f"review_action:{action.pk}",
                period="due" if days_to_go >= 0 else "overdue",
                params={
                    "action": action.description,
                    "initiative": initiative.title,
                    "date": action.due_date.isoformat(),
                    "review_date": review.date.isoformat(),
                    "overdue": days_to_go < 0,
                },
                url=f"{review.get_absolute_url()}#action-{action.pk}",
                time_zone=time_zone,
            )

    def message(self, params):
        values = {
            **params,
            "date": long_date(params["date"]),
            "review_date": long_date(params["review_date"]),
        }
        if params["overdue"]:
            title = _("Review action overdue: %(action)s")
            first = _(
                "The review of %(initiative)s on %(review_date)s gave you an action due on "
                "%(date)s, and it is not marked done: %(action)s"
            )
        else:
            title = _("Review action due on %(date)s: %(action)s")
            first = _(
                "The review of %(initiative)s on %(review_date)s gave you an action due on "
                "%(date)s: %(action)s"
            )
        return Message(
            title=title % values,
            lines=[
                first % values,
                _("Mark it done with a note on what was done, so the next review sees it."),
            ],
            action=_("Open the action"),
        )


def officers_by_application(people, application_ids) -> dict[int, list]:
    """Each application's funding officers (the policy's officer rule, as on the pages), the
    people objects of this sweep: every alert to officers goes to each officer of the funder."""
    result: dict[int, list] = {pk: [] for pk in application_ids}
    if not result:
        return result
    officers = Membership.objects.filter(
        role=Membership.Role.FUNDING_OFFICER, user__is_active=True
    ).select_related("user")
    seen = set()
    for membership in officers.order_by("user_id"):
        if membership.user_id in seen:
            continue
        seen.add(membership.user_id)
        officer = people(membership.user)
        theirs = FundingApplication.objects.reviewable_by(officer).filter(pk__in=list(result))
        for pk in theirs.values_list("pk", flat=True):
            result[pk].append(officer)
    return result


class CommitmentWeakened(ReminderKind):
    """A KPI committed in a granted application whose target was since made weaker or its date
    moved later: to each of the funder's officers, once per KPI and kind of change."""

    code = Kind.COMMITMENT_WEAKENED
    FLAGS = (WEAKENED, POSTPONED)

    def due(self, now, people):
        applications = {
            a.pk: a
            for a in FundingApplication.objects.filter(
                state=ApplicationState.GRANTED, commitment__isnull=False
            ).select_related("initiative__organisation", "call", "commitment")
        }
        if not applications:
            return
        by_commitment = {a.commitment.pk: a for a in applications.values()}
        officers = officers_by_application(people, list(applications))
        comparisons = compare_commitments(list(by_commitment), now.date())
        for commitment_id, comparison in comparisons.items():
            application = by_commitment[commitment_id]
            for c in comparison.kpis:
                for flag in (f for f in c.flags if f in self.FLAGS):
                    for officer in officers[application.pk]:
                        yield self._due(officer, application, c, flag)

    def _due(self, officer, application, comparison, flag) -> Due:
        committed, current = comparison.committed, comparison.current
        initiative = application.initiative
        return Due(
            recipient=officer,
            kind=self.code,
            subject=f"committed_kpi:{committed.pk}",
            period=flag,
            params={
                "kpi": committed.name,
                "unit": committed.unit,
                "initiative": initiative.title,
                "organisation": initiative.organisation.name,
                "call": application.call.name,
                "change": flag,
                "committed_value": _decimal_text(committed.target_value),
                "committed_date": _iso(committed.target_date),
                "current_value": _decimal_text(current.target_value),
                "current_date": _iso(current.target_date),
            },
            url=application.get_absolute_url(),
            time_zone=initiative.organisation.time_zone,
        )

    def period_key(self, period):
        """A weakened target and a postponed date are two facts: neither supersedes the other."""
        return ()

    def message(self, params):
        values = {
            **params,
            "committed_value": _figure(params["committed_value"], params["unit"]),
            "current_value": _figure(params["current_value"], params["unit"]),
            "committed_date": long_date(params["committed_date"])
            if params["committed_date"]
            else "—",
            "current_date": long_date(params["current_date"]) if params["current_date"] else "—",
        }
        if params["change"] == WEAKENED:
            title = _("Committed target weakened: %(kpi)s")
            first = _(
                "%(organisation)s committed %(initiative)s to a target of %(committed_value)s "
                "for %(kpi)s in its application to %(call)s. The target is now %(current_value)s."
            )
        else:
            title = _("Committed target date postponed: %(kpi)s")
            first = _(
                "%(organisation)s committed %(initiative)s to reach the target of %(kpi)s by "
                "%(committed_date)s in its application to %(call)s. The date is now %(current_date)s."
            )
        return Message(
            title=title % values,
            lines=[
                first % values,
                _("Ask the owner why, or request a progress report."),
            ],
            action=_("Open the funding application"),
        )


def _decimal_text(value) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _figure(value, unit) -> str:
    return "—" if value is None else f"{number(Decimal(value))} {unit}".strip()


class ProgressReportDue(ReminderKind):
    """A progress report the funder asked for: to the initiative's owner and leaders when it is
    requested, again from LEAD_DAYS before its due date and once it is overdue; to each of the
    funder's officers once it is overdue. Submitting it ends them all."""

    code = Kind.PROGRESS_REPORT
    LEAD_DAYS = 7
    PERIODS = ("requested", "upcoming", "overdue")

    def period_key(self, period):
        return (self.PERIODS.index(period) if period in self.PERIODS else -1,)

    def outdated(self, notification, now):
        """Once submitted, nobody needs reminding of it."""
        report_id = int(notification.subject.split(":", 1)[1])
        return not ProgressReport.objects.filter(
            pk=report_id, state=ProgressReport.State.REQUESTED
        ).exists()

    def due(self, now, people):
        reports = list(
            ProgressReport.objects.filter(state=ProgressReport.State.REQUESTED).select_related(
                "application__initiative__organisation",
                "application__initiative__owner",
                "application__call",
                "requested_by",
            )
        )
        officers = officers_by_application(people, {r.application_id for r in reports})
        for report in reports:
            application, initiative = report.application, report.application.initiative
            today = local_now(now, initiative.organisation.time_zone).date()
            days_to_go = (report.due_on - today).days
            if days_to_go < 0:
                period = "overdue"
            elif days_to_go <= self.LEAD_DAYS:
                period = "upcoming"
            else:
                period = "requested"
            for person in reporters(initiative):
                recipient = people(person)
                if people.may_read_application(recipient, application):
                    yield self._due(recipient, report, period, officer=False)
            if period == "overdue":
                for officer in officers[application.pk]:
                    yield self._due(officer, report, period, officer=True)

    def _due(self, recipient, report, period, *, officer) -> Due:
        application, initiative = report.application, report.application.initiative
        return Due(
            recipient=recipient,
            kind=self.code,
            subject=f"progress_report:{report.pk}",
            period=period,
            params={
                "initiative": initiative.title,
                "organisation": initiative.organisation.name,
                "call": application.call.name,
                "date": report.due_on.isoformat(),
                "requested_by": str(report.requested_by) if report.requested_by_id else "",
                "note": report.request_note,
                "officer": officer,
                "period": period,
            },
            url=report.get_absolute_url(),
            time_zone=initiative.organisation.time_zone,
        )

    def message(self, params):
        values = {**params, "date": long_date(params["date"])}
        if params["officer"]:
            return Message(
                title=_("Progress report overdue: %(initiative)s") % values,
                lines=[
                    _(
                        "The progress report of %(initiative)s (%(organisation)s) on its "
                        "funding from %(call)s was due on %(date)s and is not submitted."
                    )
                    % values
                ],
                action=_("Open the progress report"),
            )
        titles = {
            "requested": _("Progress report requested: %(initiative)s"),
            "upcoming": _("Progress report due on %(date)s: %(initiative)s"),
            "overdue": _("Progress report overdue: %(initiative)s"),
        }
        lines = [
            _(
                "The funder asks for a progress report of %(initiative)s on its funding from "
                "%(call)s by %(date)s."
            )
            % values
        ]
        if params["note"]:
            lines.append(_("What the funder asks: %(note)s") % values)
        lines.append(
            _("Write the narrative and submit it: the figures are taken from the initiative.")
        )
        return Message(
            title=titles[params.get("period", "requested")] % values,
            lines=lines,
            action=_("Write the progress report"),
        )


class AccessRequested(ReminderKind):
    """Someone without a membership asked to join an organisation: to the leaders who decide it
    (accounts.access), once per request."""

    code = Kind.ACCESS_REQUEST

    def outdated(self, notification, now):
        request_id = int(notification.subject.split(":", 1)[1])
        return not AccessRequest.objects.filter(
            pk=request_id, state=AccessRequest.State.PENDING
        ).exists()

    def due(self, now, people):
        pending = AccessRequest.objects.filter(state=AccessRequest.State.PENDING).select_related(
            "organisation", "user"
        )
        for access in pending:
            for leader in access.deciders():
                recipient = people(leader)
                if not policy.may_decide_access_request(recipient, access):
                    continue
                yield Due(
                    recipient=recipient,
                    kind=self.code,
                    subject=f"access_request:{access.pk}",
                    period="open",
                    params={
                        "person": access.user.get_full_name() or access.user.get_username(),
                        "email": access.user.email,
                        "organisation": access.organisation.name,
                        "message": access.message,
                    },
                    url=reverse("accounts:access_requests"),
                    time_zone=access.organisation.time_zone,
                )

    def message(self, params):
        lines = [
            _("%(person)s (%(email)s) signed in to Renewal and asks to join %(organisation)s.")
            % params
        ]
        if params["message"]:
            lines.append(_("Their message: %(message)s") % params)
        lines.append(_("Give them a role, or decline the request."))
        return Message(
            title=_("%(person)s asks to join %(organisation)s") % params,
            lines=lines,
            action=_("Decide on the request"),
        )


KINDS: dict[str, ReminderKind] = {
    kind.code: kind
    for kind in (
        WeeklyReview(),
        MonthlyReview(),
        MeasurementOverdue(),
        PortfolioDigest(),
        FundingCommitment(),
        GateRequested(),
        ApplicationInitiativeStopped(),
        CommitmentWeakened(),
        ProgressReportDue(),
        ReviewActionDue(),
        AccessRequested(),
    )
}


def message_for(notification: Notification) -> Message:
    """Title, lines and link label in the active language, from the kind that made it."""
    return KINDS[notification.kind].message(notification.params)
