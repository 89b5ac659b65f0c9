"""Every way of writing an audited row leaves exactly one audit entry per changed row: who, old, new."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from initiatives.models import Initiative, State
from metrics.models import KPI, Measurement
from renewal.audit import acting_as
from renewal.models import AuditEntry


def entries_for(model, **filters):
    content_type = ContentType.objects.get_for_model(model)
    return AuditEntry.objects.filter(content_type=content_type, **filters).order_by("id")


@pytest.fixture
def audit_from_now(db):
    """Returns a function giving the audit entries written after the fixture ran."""
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def new_entries(model=None):
        entries = AuditEntry.objects.filter(id__gt=last).order_by("id")
        if model is not None:
            entries = entries.filter(content_type=ContentType.objects.get_for_model(model))
        return list(entries)

    return new_entries


# Model save and delete ----------------------------------------------------------------------


def test_creating_a_row_records_who_and_its_values(agency_a, leader):
    with acting_as(leader):
        created = Initiative.objects.create(
            organisation=agency_a, owner=leader, title="Permit chatbot", problem="Calls."
        )

    [entry] = entries_for(Initiative, object_id=str(created.pk))
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.actor == leader
    assert entry.actor_name == "Liisa Laaksonen"
    assert entry.initiative_id == created.pk
    assert entry.changes["title"] == [None, "Permit chatbot"]
    assert entry.changes["owner_id"] == [None, leader.pk]


def test_saving_a_change_records_only_the_changed_fields(initiative, member, audit_from_now):
    initiative.title = "Digital permits"
    initiative.state = State.ON_HOLD
    with acting_as(member):
        initiative.save()

    [entry] = audit_from_now()
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.actor == member
    assert entry.changes == {
        "title": ["Digital environmental permit service", "Digital permits"],
        "state": ["active", "on_hold"],
    }


def test_saving_without_a_change_records_nothing(initiative, audit_from_now):
    initiative.save()
    Initiative.objects.get(pk=initiative.pk).save()

    assert audit_from_now() == []


def test_saving_a_just_created_measurement_again_records_nothing(kpi, audit_from_now):
    measurement = Measurement.objects.create(
        kpi=kpi, date=timezone.localdate(), value=Decimal("97.5"), note="weekly"
    )
    before = len(audit_from_now())

    measurement.save()
    Measurement.objects.get(pk=measurement.pk).save()

    assert len(audit_from_now()) == before


def test_a_write_outside_a_request_is_recorded_as_the_system(initiative, audit_from_now):
    initiative.title = "Renamed by a background job"
    initiative.save()

    [entry] = audit_from_now()
    assert entry.actor is None
    assert entry.actor_name == ""


def test_a_change_to_a_measurement_is_shown_on_its_initiative(measurements, audit_from_now):
    measurement = measurements[0]
    measurement.value = Decimal("111.5")
    measurement.save()

    [entry] = audit_from_now()
    assert entry.initiative_id == measurement.kpi.initiative_id
    assert entry.changes == {"value": ["112.0000", "111.5000"]}


def test_deleting_a_kpi_records_it_and_each_of_its_measurements(
    kpi, measurements, leader, audit_from_now
):
    with acting_as(leader):
        kpi.delete()

    entries = audit_from_now()
    assert sorted((e.content_type.model, e.action) for e in entries) == [
        ("kpi", "delete"),
        ("measurement", "delete"),
        ("measurement", "delete"),
        ("measurement", "delete"),
    ]
    assert {e.object_id for e in entries if e.content_type.model == "measurement"} == {
        str(m.pk) for m in measurements
    }
    assert all(e.actor == leader and e.initiative_id == kpi.initiative_id for e in entries)
    kpi_entry = next(e for e in entries if e.content_type.model == "kpi")
    assert kpi_entry.changes["name"] == ["Permit processing time", None]


# QuerySet operations -------------------------------------------------------------------------


def test_queryset_update_records_each_changed_row(
    make_initiative, agency_a, leader, initiative, audit_from_now
):
    paused = make_initiative(agency_a, leader, title="Already paused", state=State.ON_HOLD)
    before = len(audit_from_now())

    with acting_as(leader):
        count = Initiative.objects.filter(pk__in=[initiative.pk, paused.pk]).update(
            state=State.ON_HOLD
        )

    assert count == 2
    [entry] = audit_from_now()[before:]
    assert entry.object_id == str(initiative.pk)
    assert entry.actor == leader
    assert entry.changes == {"state": ["active", "on_hold"]}


def test_bulk_create_records_each_new_row(kpi, member, audit_from_now):
    today = timezone.localdate()
    with acting_as(member):
        created = Measurement.objects.bulk_create(
            [
                Measurement(kpi=kpi, date=today - timedelta(days=7 * n), value=Decimal(100 - n))
                for n in range(1, 4)
            ]
        )

    entries = audit_from_now()
    assert [e.action for e in entries] == ["create"] * 3
    assert {e.object_id for e in entries} == {str(m.pk) for m in created}
    assert all(e.actor == member and e.initiative_id == kpi.initiative_id for e in entries)
    assert sorted(e.changes["value"][1] for e in entries) == ["97.0000", "98.0000", "99.0000"]
    assert all(e.changes["value"][0] is None for e in entries)


def test_bulk_update_records_each_changed_row(measurements, member, audit_from_now):
    first, second, third = measurements
    first.value = Decimal("113")
    second.value = Decimal("104.5")
    # third keeps its value: nothing changes for it, so nothing is recorded.
    with acting_as(member):
        Measurement.objects.bulk_update([first, second, third], ["value"])

    entries = audit_from_now()
    assert {e.object_id: e.changes for e in entries} == {
        str(first.pk): {"value": ["112.0000", "113.0000"]},
        str(second.pk): {"value": ["105.0000", "104.5000"]},
    }
    assert all(e.actor == member for e in entries)


def test_queryset_delete_records_each_deleted_row(kpi, measurements, leader, audit_from_now):
    with acting_as(leader):
        Measurement.objects.filter(kpi=kpi, value__lt=110).delete()

    entries = audit_from_now()
    assert sorted(e.object_id for e in entries) == sorted(str(m.pk) for m in measurements[1:])
    assert all(e.action == "delete" and e.actor == leader for e in entries)
    assert all(e.initiative_id == kpi.initiative_id for e in entries)
    assert Measurement.objects.filter(kpi=kpi).count() == 1


def test_queryset_delete_of_kpis_records_their_measurements_too(kpi, measurements, audit_from_now):
    KPI.objects.filter(pk=kpi.pk).delete()

    entries = audit_from_now()
    assert sorted(e.content_type.model for e in entries) == ["kpi"] + ["measurement"] * 3


# Many-to-many --------------------------------------------------------------------------------


def test_adding_a_team_member_records_the_team_before_and_after(
    initiative, member, viewer, leader, audit_from_now
):
    with acting_as(leader):
        initiative.team.add(viewer)

    [entry] = audit_from_now()
    assert entry.object_id == str(initiative.pk)
    assert entry.actor == leader
    assert entry.changes == {"team": [[member.pk], sorted([member.pk, viewer.pk])]}


def test_removing_a_team_member_records_one_change(initiative, member, audit_from_now):
    initiative.team.remove(member)

    [entry] = audit_from_now()
    assert entry.changes == {"team": [[member.pk], []]}


def test_replacing_the_team_records_one_change_from_old_to_new(
    initiative, member, viewer, leader, audit_from_now
):
    with acting_as(leader):
        initiative.team.set([viewer, leader])

    [entry] = audit_from_now()
    assert entry.changes == {"team": [[member.pk], sorted([viewer.pk, leader.pk])]}


def test_clearing_and_refilling_the_team_records_one_change(
    initiative, member, viewer, audit_from_now
):
    initiative.team.set([viewer], clear=True)

    [entry] = audit_from_now()
    assert entry.changes == {"team": [[member.pk], [viewer.pk]]}


def test_setting_the_same_team_records_nothing(initiative, member, audit_from_now):
    initiative.team.set([member])

    assert audit_from_now() == []


# Through the web -----------------------------------------------------------------------------


def _admin_form_data(initiative, **changes) -> dict:
    data = {}
    for name, value in model_to_dict(initiative).items():
        if isinstance(value, list):
            data[name] = [obj.pk for obj in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data.update(changes)
    data["_save"] = "Save"
    return data


def test_admin_change_is_recorded_with_the_administrator_as_actor(
    superuser, superuser_client, initiative, audit_from_now
):
    url = reverse("admin:initiatives_initiative_change", args=[initiative.pk])

    response = superuser_client.post(url, _admin_form_data(initiative, title="Renamed in admin"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    [entry] = audit_from_now(Initiative)
    assert entry.actor == superuser
    assert entry.changes == {"title": ["Digital environmental permit service", "Renamed in admin"]}


def test_change_statement_form_is_recorded_with_the_signed_in_user(
    leader, leader_client, initiative, audit_from_now
):
    url = reverse("initiatives:section", args=[initiative.pk, "change-statement"])

    leader_client.post(
        url,
        {
            "change_for_citizens": "Companies get a decision in 45 days.",
            "change_in_cost_efficiency": initiative.change_in_cost_efficiency,
            "version": initiative.version,
        },
    )

    [entry] = audit_from_now()
    assert entry.actor == leader
    assert entry.changes == {
        "change_for_citizens": [
            "Companies get a permit decision in 60 days instead of 120.",
            "Companies get a decision in 45 days.",
        ]
    }


def test_changing_the_team_in_the_edit_form_records_one_change(
    leader, leader_client, initiative, member, viewer, form_data, audit_from_now
):
    url = reverse("initiatives:edit", args=[initiative.pk])
    form = leader_client.get(url).context["form"]

    response = leader_client.post(url, form_data(form, team=[viewer.pk]))

    assert response.status_code == 302
    [entry] = audit_from_now(Initiative)
    assert entry.actor == leader
    assert entry.changes == {"team": [[member.pk], [viewer.pk]]}


def test_htmx_measurement_is_recorded_with_the_signed_in_user(
    member, member_client, kpi, audit_from_now
):
    day = timezone.localdate() - timedelta(days=3)

    member_client.post(
        reverse("metrics:measurement_add", args=[kpi.pk]),
        {f"kpi{kpi.pk}-date": day.isoformat(), f"kpi{kpi.pk}-value": "98"},
        headers={"HX-Request": "true"},
    )

    [entry] = audit_from_now()
    assert entry.action == "create"
    assert entry.actor == member
    assert entry.initiative_id == kpi.initiative_id
    assert entry.changes["value"] == [None, "98.0000"]
    assert entry.changes["date"] == [None, day.isoformat()]


# What people see -----------------------------------------------------------------------------


def test_history_page_shows_who_changed_what_in_words(leader, leader_client, initiative, member):
    with acting_as(leader):
        initiative.state = State.ON_HOLD
        initiative.title = "Digital permits"
        initiative.save()

    response = leader_client.get(reverse("initiatives:history", args=[initiative.pk]))

    content = response.content.decode()
    assert "Liisa Laaksonen" in content
    assert "changed" in content
    # Labels and choices as people know them, not column names and stored codes.
    assert "State" in content and "On hold" in content and "on_hold" not in content
    assert "Digital environmental permit service" in content and "Digital permits" in content
    # The team set up by the fixture shows names, not ids.
    assert "Mikko Mäkinen" in content


def test_history_page_shows_figures_as_numbers_people_read(leader_client, initiative, measurements):
    measurement = measurements[-1]
    measurement.value = Decimal("99.5")
    measurement.save()

    response = leader_client.get(reverse("initiatives:history", args=[initiative.pk]))

    assertContains(response, "measurement")
    assertContains(
        response, '<tr><th scope="row">Value</th><td>101</td><td>99.5</td></tr>', html=True
    )


def test_history_page_shows_figures_in_the_readers_language(
    leader, leader_client, initiative, measurements
):
    leader.language = "fi"
    leader.save()
    measurement = measurements[-1]
    measurement.value = Decimal("99.5")
    measurement.save()

    response = leader_client.get(reverse("initiatives:history", args=[initiative.pk]))

    assertContains(response, "<td>99,5</td>", html=True)


def history(client, initiative, **params):
    return client.get(reverse("initiatives:history", args=[initiative.pk]), params)


def test_history_dates_read_in_the_readers_format(leader, leader_client, initiative):
    with acting_as(leader):
        initiative.start_date = date(2027, 11, 30)
        initiative.end_date = date(2028, 1, 6)
        initiative.save()
    leader.language = "fi"
    leader.save()

    content = history(leader_client, initiative).content.decode()

    assert "6.1.2028" in content
    assert "2028-01-06" not in content


def test_history_reads_as_a_finnish_sentence(leader, leader_client, initiative):
    with acting_as(leader):
        initiative.title = "Digital permits"
        initiative.save()
    leader.language = "fi"
    leader.save()

    content = history(leader_client, initiative).content.decode()

    assert "<strong>Liisa Laaksonen</strong> muutti kohdetta: hanke" in content


def test_a_granted_applications_frozen_rows_are_named_and_their_ids_hidden(leader_client, granted):
    content = history(leader_client, granted.initiative).content.decode()

    assert "created committed benefit <em>Lower handling cost per permit</em>" in content
    assert "Benefit id" not in content and "Kpi id" not in content


def test_a_long_history_comes_in_pages(leader, leader_client, initiative):
    with acting_as(leader):
        for n in range(60):
            initiative.title = f"Digital permits, version {n}"
            initiative.save()

    first = history(leader_client, initiative)
    older = history(leader_client, initiative, page=2)

    assertContains(first, "version 59")
    assertContains(first, "Page 1 of 2")
    assert "version 5</td>" not in first.content.decode()
    assertContains(older, "version 5")
    assertContains(older, "Newer")
