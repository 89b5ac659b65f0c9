"""Load the demo funding (`data.py`): a Sitra call and applications in every state, so `officer` has work on day one.

Called from seed_demo after the initiatives exist; safe to run twice (the call is the natural key).
"""

from datetime import timedelta
from decimal import Decimal

from funding.demo.data import APPLICATIONS, CALL
from funding.models import ApplicationState, FundingApplication, FundingCall
from initiatives.models import Benefit, BenefitKind, BenefitUnit, Initiative
from metrics.models import KPI, refresh_kpi_statuses
from renewal.audit import acting_as


def seed_funding(orgs, users, today) -> int:
    """Create the call and its applications; returns how many applications were created."""
    if FundingCall.objects.filter(name=CALL).exists():
        return 0
    call = FundingCall.objects.create(
        funder=orgs["funder"],
        name=CALL,
        description="Funding for initiatives that commit to measurable productivity benefits.",
        opens_on=today - timedelta(days=120),
        closes_on=today + timedelta(days=60),
        budget=Decimal(5_000_000),
    )
    officer = users["officer"]
    created = 0
    for title, state, amount, comment in APPLICATIONS:
        initiative = Initiative.objects.filter(title=title).first()
        if initiative is None:
            continue
        if title == "Online trade register notifications":
            _overdue_benefit(initiative, today)
        application = FundingApplication.objects.create(
            initiative=initiative,
            call=call,
            amount_requested=Decimal(amount),
            period_start=today - timedelta(days=91),
            period_end=today + timedelta(days=640),
            summary="Development work, user research and the roll-out to all case handlers.",
            created_by=initiative.owner,
        )
        _move(application, state, initiative.owner, officer, comment)
        created += 1
    _weaken_target("Digital environmental permit service", "Permit processing time")
    return created


def _move(application, state, applicant, officer, comment):
    """Take the application to `state` as its people would, each step in their name."""
    if state == ApplicationState.DRAFT:
        return
    with acting_as(applicant):
        application.submit(applicant)
        if state == ApplicationState.WITHDRAWN:
            application.withdraw(applicant)
    if state in (ApplicationState.SUBMITTED, ApplicationState.WITHDRAWN):
        return
    with acting_as(officer):
        application.start_review(officer)
        if state == ApplicationState.IN_REVIEW:
            application.comments.create(author=officer, body=comment)
        elif state == ApplicationState.GRANTED:
            application.grant(officer, comment)
        elif state == ApplicationState.REJECTED:
            application.reject(officer, comment)


def _overdue_benefit(initiative, today):
    """A committed saving that was due three months ago and has not shown in the budget."""
    Benefit.objects.create(
        initiative=initiative,
        description="Lower processing cost per register notification",
        kind=BenefitKind.CASHABLE,
        quantity=Decimal(90000),
        unit=BenefitUnit.EUR_PER_YEAR,
        expected_date=today - timedelta(days=90),
        owner=initiative.owner,
    )


def _weaken_target(title, kpi_name):
    """After the grant the team eased its target and moved its date: the officer should see it."""
    initiative = Initiative.objects.filter(title=title).first()
    kpi = initiative.kpis.filter(name=kpi_name).first() if initiative else None
    if kpi is None or kpi.target_value is None:
        return
    kpi.target_value += Decimal(15)
    if kpi.target_date:
        kpi.target_date += timedelta(days=182)
    with acting_as(initiative.owner):
        kpi.save()
    refresh_kpi_statuses(KPI.objects.filter(pk=kpi.pk))
