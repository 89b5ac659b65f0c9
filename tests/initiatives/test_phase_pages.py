"""Phase pages filled with many items: the same few queries however many they list, every item
shown, and every htmx target on the page."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains

from initiatives.models import (
    Benefit,
    CommonPrinciple,
    Competence,
    Dataset,
    Reallocation,
    Responsibility,
    Review,
    ReviewKPISnapshot,
    ValueStreamStep,
)
from metrics.models import KPI, Measurement, Milestone
from tests.initiatives.conftest import make_benefit, make_realisation, make_step

TODAY = timezone.localdate
HTMX = {"HTTP_HX_REQUEST": "true"}


# Query ceiling ---------------------------------------------------------------------------------------

# 22: the value stream's versions are one query of their own, their steps still one in all;
# and eight aggregated queries for the paradox check (initiatives/radar.py).
QUERY_CEILING = 30


def fill(initiative, n: int, leader, member):
    """n items of every kind, n KPIs with measurements and milestones, n reviews with snapshots."""
    kpis = [
        KPI.objects.create(
            initiative=initiative,
            name=f"KPI {i}",
            unit="days",
            direction="lower",
            value_area="current_value",
            baseline_value=Decimal(120),
            baseline_date=TODAY() - timedelta(days=100),
            target_value=Decimal(60),
            target_date=TODAY() + timedelta(days=100),
            owner=member,
        )
        for i in range(n)
    ]
    for kpi in kpis:
        Milestone.objects.create(kpi=kpi, date=TODAY(), value=Decimal(90))
        for days in (60, 30, 5):
            Measurement.objects.create(
                kpi=kpi, date=TODAY() - timedelta(days=days), value=Decimal(100 - days / 10)
            )
    for i in range(n):
        Responsibility.objects.create(
            initiative=initiative, role="responsible", name=f"Person {i}", user=member
        )
        Competence.objects.create(
            initiative=initiative,
            name=f"Competence {i}",
            available="partly",
            gap_plan="Training",
            due_date=TODAY(),
        )
        Dataset.objects.create(initiative=initiative, name=f"Dataset {i}", owner="Unit")
        CommonPrinciple.objects.create(initiative=initiative, kind="standard", name=f"Std {i}")
        make_step(initiative, i + 1, f"Step {i}")
        benefit = make_benefit(
            initiative, kpi=kpis[i], owner=member, kind="time_freed", unit="fte", quantity=2
        )
        make_realisation(benefit, shows_in="staffing_plan", fte=1, from_unit="A", to_task="B")
        Reallocation.objects.create(
            initiative=initiative,
            benefit=benefit,
            capacity=1,
            capacity_unit="fte",
            task=f"Task {i}",
            unit="Unit",
            from_date=TODAY(),
        )
        review = Review.objects.create(
            initiative=initiative,
            date=TODAY() - timedelta(days=i),
            kind="monthly",
            participants="All",
            decision="continue",
            rationale="Fine.",
            recorded_by=leader,
        )
        ReviewKPISnapshot.objects.create(
            review=review, kpi=kpis[i], kpi_name=kpis[i].name, unit="days", status="on_track"
        )
    initiative.follow_ups.create(
        organisation=initiative.organisation, owner=leader, title=f"Follow-up {n}", problem="-"
    )


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("phase", [2, 3, 4, 5])
def test_a_phase_workspace_takes_the_same_few_queries_however_many_items_it_lists(
    leader, member, leader_client, make_initiative, agency_a, django_assert_max_num_queries, phase
):
    small = make_initiative(agency_a, leader, title="Small", phase=phase)
    large = make_initiative(agency_a, leader, title="Large", phase=phase)
    fill(small, 1, leader, member)
    fill(large, 6, leader, member)
    leader_client.get(small.get_phase_url(phase))  # sessions and content types warmed up

    with django_assert_max_num_queries(QUERY_CEILING):
        few = queries_for(leader_client, small.get_phase_url(phase))
    with django_assert_max_num_queries(QUERY_CEILING):
        many = queries_for(leader_client, large.get_phase_url(phase))

    assert few == many


def test_the_phase_pages_show_every_listed_item(leader, member, leader_client, initiative):
    fill(initiative, 3, leader, member)

    phase_2 = leader_client.get(initiative.get_phase_url(2))
    phase_3 = leader_client.get(initiative.get_phase_url(3))
    phase_4 = leader_client.get(initiative.get_phase_url(4))

    for i in range(3):
        assertContains(phase_2, f"Dataset {i}")
        assertContains(phase_3, f"<td>Step {i}</td>")
        assertContains(phase_3, f"Task {i}")
        assertContains(phase_4, f"KPI {i}")
    assert Benefit.objects.filter(initiative=initiative).count() == 3
    assert ValueStreamStep.objects.filter(initiative=initiative).count() == 3


@pytest.mark.parametrize("phase", [1, 2, 3, 4, 5])
def test_every_htmx_target_on_a_phase_page_is_on_that_page(
    leader, member, member_client, initiative, phase
):
    fill(initiative, 2, leader, member)

    html = member_client.get(initiative.get_phase_url(phase)).content.decode()

    targets = set(re.findall(r'hx-target="#([\w-]+)"', html))
    missing = {t for t in targets if f'id="{t}"' not in html}
    assert not missing, f"buttons on phase {phase} swap into elements it does not have: {missing}"
