"""The monthly digest opens with stop, fix or scale and lists the month's decisions, gate and
review, in the recipient's language, in the app and by e-mail."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from initiatives.models import GateDecision, MonthlySpend, Review
from notifications.kinds import message_for
from notifications.models import Kind, Notification
from notifications.services import sweep
from tests.conftest import client_for
from tests.notifications.conftest import at

pytestmark = pytest.mark.django_db

DIGEST_DAY = "2026-12-01 09:00"


@pytest.fixture
def burning(reviewed, kpi, leader):
    """Spend in September to November 2026, its only KPI where it started, and a review and a
    gate decision in November."""
    type(kpi).objects.filter(pk=kpi.pk).update(latest_value=kpi.baseline_value, status="off_track")
    for month, amount in ((9, 150000), (10, 140000), (11, 120000)):
        MonthlySpend.objects.create(
            initiative=reviewed, month=date(2026, month, 1), amount_eur=Decimal(amount)
        )
    Review.objects.create(
        initiative=reviewed,
        date=date(2026, 11, 16),
        kind=Review.Kind.MONTHLY,
        participants="Liisa, Mikko",
        decision=Review.Decision.ADJUST,
        rationale="Narrow the pilot to two teams.",
        recorded_by=leader,
    )
    GateDecision.objects.create(
        initiative=reviewed,
        outcome=GateDecision.Outcome.APPROVED,
        from_phase=3,
        to_phase=4,
        rationale="The plan holds.",
        decided_by=leader,
        decided_at=timezone.make_aware(timezone.datetime(2026, 11, 10, 12, 0)),
    )
    return reviewed


def digest_for(user):
    return Notification.objects.get(kind=Kind.PORTFOLIO_DIGEST, recipient=user)


def test_the_digest_opens_with_the_stop_candidates_and_their_evidence(burning, leader, outbox):
    sweep(at(DIGEST_DAY))

    notification = digest_for(leader)
    [entry] = notification.params["radar"]["stop"]
    assert entry["signals"][0]["code"] == "money_no_change"
    message = message_for(notification)
    assert message.lines[0] == "Stop candidate: 1."
    assert message.lines[1].startswith(f"{burning.title} (")
    assert "Money in, no change: 410,000\u00a0€ spent since September 2026" in message.lines[1]
    [email] = [m for m in outbox.to(leader) if m.subject.startswith("Portfolio digest")]
    body = email.body.split("\n\n", 1)[1]
    assert body.startswith("Stop candidate: 1.\n")
    assert "Money in, no change: 410,000\u00a0€ spent since September 2026" in body
    html = email.alternatives[0][0]
    assert html.index("Stop candidate: 1.") < html.index("Your portfolio has 1 initiative.")


def test_the_digest_lists_review_decisions_as_well_as_gate_decisions(burning, leader, outbox):
    sweep(at(DIGEST_DAY))

    lines = message_for(digest_for(leader)).lines
    assert "Review decisions in the last month:" in lines
    assert (
        f"16 November 2026, {burning.title}: Adjust (Monthly leadership review). "
        "Narrow the pilot to two teams." in lines
    )
    assert "Gate decisions in the last month:" in lines
    assert any("Gate approved (phase 3 → 4). The plan holds." in line for line in lines)
    [email] = [m for m in outbox.to(leader) if m.subject.startswith("Portfolio digest")]
    assert "Narrow the pilot to two teams." in email.body
    assert "Narrow the pilot to two teams." in email.alternatives[0][0]


def test_a_finnish_leader_gets_the_evidence_in_finnish(burning, leader, outbox):
    leader.language = "fi"
    leader.save()

    sweep(at(DIGEST_DAY))

    [email] = [m for m in outbox.to(leader) if m.subject.startswith("Salkun kooste")]
    # The evidence was written under Finnish: Finnish grouping and the Finnish month name.
    assert "410\u00a0000\u00a0€" in email.body
    assert "syyskuu 2026" in email.body
    assert "16. marraskuuta 2026" in email.body


def test_the_in_app_digest_shows_the_evidence(burning, leader, outbox):
    sweep(at(DIGEST_DAY))

    page = client_for(leader).get(reverse("notifications:list")).content.decode()

    assert "Stop candidate: 1." in page
    assert "Money in, no change: 410,000\u00a0€ spent since September 2026" in page
    assert "Narrow the pilot to two teams." in page
