"""The value stream measured again: the as-is baseline of phase 3, the to-be design and dated
re-measurements once the changes are in use, compared in a table and a chart."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.figures import value_stream_comparison
from initiatives.models import State, ValueStreamStep, ValueStreamVersion
from tests.initiatives.conftest import make_step, put_in_phase

Kind = ValueStreamVersion.Kind
MEASURED_ON = date(2026, 11, 2)


@pytest.fixture
def baseline(initiative):
    """Two steps of today's process: 5 h of work and 95 h of waiting per case."""
    make_step(initiative, 1, "Completeness check", processing_hours=Decimal(1), waiting_hours=40)
    make_step(initiative, 2, "Substantive review", processing_hours=Decimal(4), waiting_hours=55)
    return ValueStreamVersion.objects.get(initiative=initiative, kind=Kind.AS_IS)


@pytest.fixture
def in_execution(initiative, baseline):
    return put_in_phase(initiative, 4)


def start_url(initiative, kind):
    return reverse("initiatives:value_stream_start", args=[initiative.pk, kind])


def remeasure(client, initiative, on="2026-11-02", note="After the online form"):
    return client.post(start_url(initiative, "remeasure"), {"measured_on": on, "note": note})


def names_and_waits(version):
    return list(version.steps.values_list("name", "waiting_hours"))


# The figures ------------------------------------------------------------------------------------


class Version:
    """A stand-in for a version with its steps prefetched: the function reads nothing else."""

    def __init__(self, kind, steps, measured_on=None, pk=1):
        self.kind, self.measured_on, self.pk, self._steps = kind, measured_on, pk, steps

    @property
    def steps(self):
        return self

    def all(self):
        return self._steps


def step(processing, waiting, volume=100, manual=True):
    return ValueStreamStep(
        processing_hours=Decimal(processing),
        waiting_hours=Decimal(waiting),
        volume_per_month=volume,
        manual=manual,
    )


def test_the_comparison_reads_baseline_design_then_re_measurements_by_date():
    later = Version(Kind.REMEASURE, [step(2, 20)], date(2027, 3, 1), pk=4)
    earlier = Version(Kind.REMEASURE, [step(3, 50)], date(2026, 11, 1), pk=5)
    points = value_stream_comparison(
        [
            later,
            Version(Kind.TO_BE, [step(2, 10)], pk=3),
            earlier,
            Version(Kind.AS_IS, [step(4, 96)]),
        ]
    )

    assert [(p.kind, p.measured_on) for p in points] == [
        (Kind.AS_IS, None),
        (Kind.TO_BE, None),
        (Kind.REMEASURE, date(2026, 11, 1)),
        (Kind.REMEASURE, date(2027, 3, 1)),
    ]
    last = points[-1]
    assert (last.lead_time_hours, last.processing_hours, last.waiting_hours) == (22, 2, 20)
    assert last.flow_efficiency == Decimal(2) / 22
    assert last.manual_hours_per_month == 200
    assert last.change.lead_time == Decimal(22 - 100) / 100
    assert last.change.processing == Decimal("-0.5")
    assert last.change.flow_efficiency_points == Decimal(2) / 22 - Decimal("0.04")
    assert last.change.manual_hours == Decimal("-0.5")


def test_one_version_only_is_the_baseline_without_a_change():
    (point,) = value_stream_comparison([Version(Kind.AS_IS, [step(1, 9)])])

    assert point.lead_time_hours == 10
    assert point.change is None


def test_a_version_without_steps_has_zero_times_and_no_flow_efficiency():
    points = value_stream_comparison(
        [Version(Kind.AS_IS, [step(1, 9)]), Version(Kind.TO_BE, [], pk=2)]
    )

    empty = points[1]
    assert (empty.lead_time_hours, empty.flow_efficiency) == (0, None)
    assert empty.change.lead_time == -1
    assert empty.change.flow_efficiency_points is None


def test_a_baseline_with_zero_lead_time_has_nothing_to_compare_with():
    points = value_stream_comparison(
        [Version(Kind.AS_IS, [step(0, 0)]), Version(Kind.REMEASURE, [step(1, 1)], MEASURED_ON)]
    )

    change = points[1].change
    assert (change.lead_time, change.processing, change.waiting) == (None, None, None)
    assert change.flow_efficiency_points is None


def test_without_a_baseline_no_version_has_a_change():
    (point,) = value_stream_comparison([Version(Kind.TO_BE, [step(1, 1)])])

    assert point.change is None


def test_no_versions_compare_to_nothing():
    assert value_stream_comparison([]) == []


# Starting a version -----------------------------------------------------------------------------


def test_describing_the_to_be_process_starts_as_a_copy_of_the_as_is_steps(
    member_client, initiative, baseline
):
    response = member_client.post(start_url(initiative, "to-be"))

    to_be = ValueStreamVersion.objects.get(initiative=initiative, kind=Kind.TO_BE)
    assert response.status_code == 302
    assert response["Location"] == f"{initiative.get_phase_url(3)}#value-stream-{to_be.pk}"
    assert names_and_waits(to_be) == names_and_waits(baseline)
    assert to_be.steps.count() == 2 and baseline.steps.count() == 2


def test_the_to_be_process_is_described_once(member_client, initiative, baseline):
    member_client.post(start_url(initiative, "to-be"))
    response = member_client.post(start_url(initiative, "to-be"), follow=True)

    assert ValueStreamVersion.objects.filter(initiative=initiative, kind=Kind.TO_BE).count() == 1
    assertContains(response, "The to-be process is already described.")


def test_re_measuring_is_refused_before_phase_4(member_client, initiative, baseline):
    put_in_phase(initiative, 3)

    response = remeasure(member_client, initiative)

    assert not ValueStreamVersion.objects.filter(kind=Kind.REMEASURE).exists()
    assert response.status_code == 302
    with pytest.raises(ValidationError, match="from phase 4 on"):
        ValueStreamVersion.start(initiative, Kind.REMEASURE, measured_on=MEASURED_ON)


def test_a_re_measurement_needs_its_date(member_client, in_execution):
    response = remeasure(member_client, in_execution, on="")

    assert not ValueStreamVersion.objects.filter(kind=Kind.REMEASURE).exists()
    assert response.status_code == 302


def test_re_measuring_copies_the_latest_measured_version(member_client, in_execution, baseline):
    first = ValueStreamVersion.start(in_execution, Kind.REMEASURE, measured_on=date(2026, 10, 1))
    first.steps.filter(name="Substantive review").update(waiting_hours=30)
    ValueStreamVersion.start(in_execution, Kind.TO_BE)  # a design is never a measurement

    response = remeasure(member_client, in_execution, on="2026-12-01", note="Second round")

    latest = ValueStreamVersion.objects.get(measured_on=date(2026, 12, 1))
    assert response["Location"] == f"{in_execution.get_phase_url(4)}#value-stream-{latest.pk}"
    assert latest.note == "Second round"
    assert names_and_waits(latest) == [("Completeness check", 40), ("Substantive review", 30)]


def test_editing_a_re_measurement_does_not_touch_the_baseline(
    member_client, in_execution, baseline, item_data
):
    measured = ValueStreamVersion.start(in_execution, Kind.REMEASURE, measured_on=MEASURED_ON)
    copied = measured.steps.get(name="Substantive review")
    data = {
        **item_data["steps"],
        "name": "Substantive review",
        "waiting_hours": "15",
        "version": copied.version,
    }

    response = member_client.post(
        reverse("initiatives:item_edit", args=[in_execution.pk, "steps", copied.pk]), data
    )

    assert response["Location"] == f"{in_execution.get_phase_url(4)}#value-stream"
    assert measured.steps.get(name="Substantive review").waiting_hours == 15
    assert baseline.steps.get(name="Substantive review").waiting_hours == 55


def test_a_step_added_to_a_version_goes_to_its_end(member_client, in_execution, item_data):
    measured = ValueStreamVersion.start(in_execution, Kind.REMEASURE, measured_on=MEASURED_ON)

    member_client.post(
        reverse("initiatives:version_step_create", args=[in_execution.pk, measured.pk]),
        {**item_data["steps"], "name": "Automatic pre-check"},
    )

    added = measured.steps.get(name="Automatic pre-check")
    assert added.position == 3
    assert ValueStreamVersion.as_is_for(in_execution).steps.count() == 2


def test_moving_a_step_reorders_only_its_own_version(in_execution, baseline):
    measured = ValueStreamVersion.start(in_execution, Kind.REMEASURE, measured_on=MEASURED_ON)

    measured.steps.get(name="Substantive review").move("up")

    assert list(measured.steps.values_list("name", flat=True)) == [
        "Substantive review",
        "Completeness check",
    ]
    assert list(baseline.steps.values_list("name", flat=True)) == [
        "Completeness check",
        "Substantive review",
    ]


def test_the_gate_counts_only_the_baseline_steps(initiative, baseline):
    to_be = ValueStreamVersion.start(initiative, Kind.TO_BE)
    baseline.steps.filter(position=2).delete()
    put_in_phase(initiative, 3)

    missing = [c.missing for c in initiative.gate().criteria if not c.met]

    assert to_be.steps.count() == 2
    assert "Map today's process as a value stream of at least two steps (now 1)." in missing


# Who may ----------------------------------------------------------------------------------------


def test_a_viewer_reads_the_versions_but_cannot_start_or_edit_one(
    viewer_client, in_execution, item_data
):
    measured = ValueStreamVersion.start(in_execution, Kind.REMEASURE, measured_on=MEASURED_ON)

    page = viewer_client.get(in_execution.get_phase_url(4))
    started = remeasure(viewer_client, in_execution)
    added = viewer_client.post(
        reverse("initiatives:version_step_create", args=[in_execution.pk, measured.pk]),
        item_data["steps"],
    )

    assertContains(page, "Re-measured on")
    assertNotContains(page, start_url(in_execution, "remeasure"))
    assert (started.status_code, added.status_code) == (403, 403)
    assert ValueStreamVersion.objects.filter(kind=Kind.REMEASURE).count() == 1


def test_an_outsider_finds_no_value_stream(outsider_client, in_execution, item_data):
    measured = ValueStreamVersion.start(in_execution, Kind.REMEASURE, measured_on=MEASURED_ON)

    assert remeasure(outsider_client, in_execution).status_code == 404
    url = reverse("initiatives:version_step_create", args=[in_execution.pk, measured.pk])
    assert outsider_client.post(url, item_data["steps"]).status_code == 404


def test_another_initiatives_version_is_not_found(
    member_client, in_execution, make_initiative, agency_a, leader, item_data
):
    other = make_initiative(agency_a, leader, title="Other")
    foreign = ValueStreamVersion.as_is_for(other)

    url = reverse("initiatives:version_step_create", args=[in_execution.pk, foreign.pk])

    assert member_client.post(url, item_data["steps"]).status_code == 404
    assert not foreign.steps.exists()


def test_a_stopped_initiative_is_re_measured_by_nobody(leader_client, in_execution):
    in_execution.state = State.STOPPED
    in_execution.save()

    assert remeasure(leader_client, in_execution).status_code == 403
    page = leader_client.get(in_execution.get_phase_url(4))
    assertNotContains(page, "Re-measure the process")


# The comparison ---------------------------------------------------------------------------------


def test_the_comparison_table_shows_each_version_and_its_change_in_the_readers_language(
    member, member_client, in_execution, baseline
):
    member.language = "fi"
    member.save()
    measured = ValueStreamVersion.start(in_execution, Kind.REMEASURE, measured_on=MEASURED_ON)
    measured.steps.filter(name="Substantive review").update(
        processing_hours=Decimal("2.5"), waiting_hours=Decimal("12.25")
    )

    response = member_client.get(in_execution.get_phase_url(4))

    table = response.content.decode().split('id="value-stream-comparison-table"')[1]
    # Baseline 5 + 95 = 100 h; re-measured 3,5 + 52,25 = 55,8 h: 44 % shorter.
    assert "100,0" in table and "55,8" in table
    assert "\u221244\u00a0%" in table  # lead time
    assert "\u221230\u00a0%" in table  # processing
    assertContains(response, 'data-figure="figure-value-stream"')
    assertContains(response, 'id="figure-value-stream"')


def test_the_phase_page_takes_the_same_queries_however_many_versions(
    member_client, in_execution, make_initiative, agency_a, leader, member
):
    def queries(initiative):
        member_client.get(initiative.get_phase_url(4))  # warm the session and the caches
        with CaptureQueriesContext(connection) as context:
            assert member_client.get(initiative.get_phase_url(4)).status_code == 200
        return len(context)

    other = put_in_phase(make_initiative(agency_a, leader, team=[member], title="Other"), 4)
    for i in range(1, 4):
        make_step(other, i, f"Step {i}")
    ValueStreamVersion.start(other, Kind.TO_BE)
    for month in (9, 10, 11):
        ValueStreamVersion.start(other, Kind.REMEASURE, measured_on=date(2026, month, 1))
    ValueStreamVersion.as_is_for(in_execution)

    assert queries(in_execution) == queries(other)


# The data migration -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_puts_every_existing_step_in_its_initiatives_as_is_version():
    executor = MigrationExecutor(connection)
    before, after = (
        ("initiatives", "0005_budget_and_spend"),
        ("initiatives", "0006_value_stream_versions"),
    )
    executor.migrate([before])
    apps = executor.loader.project_state([before]).apps
    Organisation = apps.get_model("organisations", "Organisation")
    Initiative = apps.get_model("initiatives", "Initiative")
    Step = apps.get_model("initiatives", "ValueStreamStep")
    User = apps.get_model("organisations", "User")
    owner = User.objects.create(username="owner")
    organisation = Organisation.objects.create(name="Agency", path="0001.")
    mapped, _empty = (
        Initiative.objects.create(organisation=organisation, owner=owner, title=title)
        for title in "AB"
    )
    for position in (1, 2):
        Step.objects.create(
            initiative=mapped, position=position, name=f"Step {position}", processing_hours=1
        )

    executor = MigrationExecutor(connection)
    executor.migrate([after])
    apps = executor.loader.project_state([after]).apps
    Version = apps.get_model("initiatives", "ValueStreamVersion")
    Step = apps.get_model("initiatives", "ValueStreamStep")

    (version,) = Version.objects.all()
    assert (version.initiative_id, version.kind) == (mapped.pk, "as_is")
    assert list(Step.objects.values_list("stream_version_id", flat=True)) == [version.pk] * 2
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_a_double_clicked_re_measurement_starts_one_version(member_client, in_execution):
    page = member_client.get(in_execution.get_phase_url(4))
    key = page.context["remeasure_form"]["submission"].value()
    data = {"measured_on": "2026-11-02", "note": "After the online form", "submission": key}

    first = member_client.post(start_url(in_execution, "remeasure"), data)
    second = member_client.post(start_url(in_execution, "remeasure"), data)

    versions = ValueStreamVersion.objects.filter(initiative=in_execution, kind=Kind.REMEASURE)
    assert versions.count() == 1
    assert (
        first.url
        == second.url
        == f"{in_execution.get_phase_url(4)}#value-stream-{versions.get().pk}"
    )
