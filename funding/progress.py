"""Progress reports: the figures a report carries, who fills it in, and its one context builder.

The figures are taken from the initiative as it stands (KPIs with their latest values, the
committed benefits beside what was realised, spend and the paradox signals). While a report is
requested they are shown live; submitting stores them, with the narrative, in a frozen
`ProgressSnapshot`. They are stored as codes and raw figures (decimals as text) so the page, the
PDF and the API put them into words in the reader's language; only a signal's evidence is a
sentence, stored as written, as the digest stores it.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from funding.compare import FLAG_LABELS, compare_commitment
from funding.forms import ProgressRequestForm
from funding.models import ProgressReport, ProgressState
from initiatives.figures import benefit_amount
from initiatives.radar import radar_for
from initiatives.signals import LABELS
from initiatives.spend import spend_summary
from metrics.status import ShownStatus, Trend, shown_status
from organisations.models import Membership
from renewal import policy
from renewal.policy import Action


def _text(value) -> str | None:
    return None if value is None else format(Decimal(value).normalize(), "f")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def progress_figures(application, today: date) -> dict:
    """The initiative's figures for a progress report of `application`, as of `today`."""
    initiative = application.initiative
    comparison = compare_commitment(application.commitment, today, live=True)
    kpis, committed_ids = [], set()
    for c in comparison.kpis:
        committed, current = c.committed, c.current
        committed_ids.add(committed.kpi_id)
        kpis.append(
            {
                "name": current.name if current else committed.name,
                "unit": committed.unit,
                "committed_target_value": _text(committed.target_value),
                "committed_target_date": _iso(committed.target_date),
                "target_value": _text(current.target_value) if current else None,
                "target_date": _iso(current.target_date) if current else None,
                "latest_value": _text(current.latest_value) if current else None,
                "latest_date": _iso(current.latest_date) if current else None,
                "status": shown_status(current.status, initiative.state) if current else None,
                "trend": str(c.trend) if c.trend else None,
                "projected_date": _iso(c.projected_committed),
                "flags": c.flags,
            }
        )
    for kpi in initiative.kpis.exclude(pk__in=committed_ids).order_by("id"):
        kpis.append(
            {
                "name": kpi.name,
                "unit": kpi.unit,
                "committed_target_value": None,
                "committed_target_date": None,
                "target_value": _text(kpi.target_value),
                "target_date": _iso(kpi.target_date),
                "latest_value": _text(kpi.latest_value),
                "latest_date": _iso(kpi.latest_date),
                "status": shown_status(kpi.status, initiative.state),
                "trend": None,
                "projected_date": None,
                "flags": [],
            }
        )
    benefits = [
        {
            "description": b.committed.description,
            "unit": b.committed.unit,
            "committed": _text(b.committed.quantity),
            "expected_date": _iso(b.committed.expected_date),
            "realised": _text(b.realised) or "0",
            "overdue": b.overdue,
            "flags": b.flags,
        }
        for b in comparison.benefits
    ]
    spend = spend_summary(initiative, today)
    radar = radar_for([initiative], today)[initiative.pk]
    return {
        "as_of": today.isoformat(),
        "amount_granted": _text(application.amount_requested),
        "kpis": kpis,
        "benefits": benefits,
        "spend": {
            "planned_eur": _text(spend.planned),
            "spent_eur": _text(spend.spent) or "0",
            "spent_this_year_eur": _text(spend.spent_this_year) or "0",
        },
        "signals": [
            {"code": s.code, "severity": s.severity, "evidence": s.evidence} for s in radar.signals
        ],
    }


def may_fill(user, report: ProgressReport) -> bool:
    """Whoever keeps the initiative current writes the narrative (a member with write rights,
    the owner, a leader); while the initiative is closed, those who speak for it to the funder."""
    application = report.application
    return report.is_open and (
        policy.can_on_application(user, Action.EDIT, application)
        or policy.can_on_application(user, Action.APPLY, application)
    )


def may_submit(user, report: ProgressReport) -> bool:
    """Sending it to the funder is the owner's or a leader's, as submitting the application."""
    return report.is_open and policy.can_on_application(user, Action.APPLY, report.application)


def reporters(initiative) -> list:
    """Who is told of a progress report: the initiative's owner and the leaders over it."""
    leaders = Membership.objects.filter(
        organisation_id__in=initiative.organisation.ancestor_ids(),
        role=Membership.Role.LEADER,
        user__is_active=True,
    ).select_related("user")
    people = {initiative.owner_id: initiative.owner} if initiative.owner_id else {}
    for membership in leaders.order_by("user_id"):
        people.setdefault(membership.user_id, membership.user)
    return list(people.values())


def _typed(row: dict) -> dict:
    """A stored row with its figures as decimals and its dates as dates, for the templates."""
    typed = {}
    for name, value in row.items():
        if isinstance(value, str) and name.endswith("_date"):
            value = date.fromisoformat(value)
        elif isinstance(value, str) and name in DECIMALS:
            value = Decimal(value)
        typed[name] = value
    return typed


DECIMALS = {
    "committed_target_value",
    "target_value",
    "latest_value",
    "committed",
    "realised",
    "planned_eur",
    "spent_eur",
    "spent_this_year_eur",
    "amount_granted",
}


@dataclass
class ProgressView:
    """What the page, the PDF and the API show of one report."""

    report: ProgressReport
    application: object
    initiative: object
    figures: dict
    narrative: str
    snapshot: object | None
    comments: list
    kpi_rows: list
    benefit_rows: list
    signal_rows: list

    @property
    def is_frozen(self) -> bool:
        return self.snapshot is not None

    @property
    def spend(self) -> dict:
        return _typed(self.figures.get("spend", {}))

    @property
    def amount_granted(self):
        return _typed(self.figures).get("amount_granted")

    @property
    def as_of(self):
        value = self.figures.get("as_of")
        return date.fromisoformat(value) if value else None

    @property
    def overdue(self) -> bool:
        return self.report.is_open and self.report.due_on < timezone.localdate()


def progress_view(report: ProgressReport, reader, today: date | None = None) -> ProgressView:
    """The submitted snapshot as frozen or, while requested, the live figures. Whoever reads the
    report as the funder's officer sees no narrative before it is submitted."""
    today = today or timezone.localdate()
    snapshot = (
        getattr(report, "snapshot", None) if report.state != ProgressState.REQUESTED else None
    )
    if snapshot is not None:
        figures, narrative = snapshot.figures, snapshot.narrative
    else:
        figures = progress_figures(report.application, today)
        in_organisation = policy.role_in(reader, report.application.initiative.organisation)
        narrative = report.narrative if in_organisation else ""
    kpi_rows = [
        {
            **_typed(k),
            "status_label": ShownStatus(k["status"]).label if k["status"] else "",
            "trend_label": Trend(k["trend"]).label if k.get("trend") else "",
            "flag_labels": [FLAG_LABELS[f] for f in k["flags"] if f in FLAG_LABELS],
        }
        for k in figures.get("kpis", [])
    ]
    benefit_rows = [
        {
            **_typed(b),
            "committed_text": benefit_amount(b["committed"], b["unit"]) if b["committed"] else "—",
            "realised_text": benefit_amount(b["realised"], b["unit"]),
            "flag_labels": [FLAG_LABELS[f] for f in b["flags"] if f in FLAG_LABELS],
        }
        for b in figures.get("benefits", [])
    ]
    signal_rows = [
        {**s, "label": LABELS.get(s["code"], s["code"])} for s in figures.get("signals", [])
    ]
    return ProgressView(
        report=report,
        application=report.application,
        initiative=report.application.initiative,
        figures=figures,
        narrative=narrative,
        snapshot=snapshot,
        comments=list(report.comments.select_related("author")),
        kpi_rows=kpi_rows,
        benefit_rows=benefit_rows,
        signal_rows=signal_rows,
    )


def progress_panel(user, application, request_form=None) -> dict:
    """The application page's progress reports: the list, and the officer's request form."""
    may_request = application.state == application.State.GRANTED and policy.can_review(
        user, application
    )
    if may_request and request_form is None:
        request_form = ProgressRequestForm()
    return {
        "progress_reports": list(application.progress_reports.all()),
        "progress_request_form": request_form if may_request else None,
    }
