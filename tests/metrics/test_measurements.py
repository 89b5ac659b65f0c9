"""Recording KPI measurements on the KPI card, and defining KPIs that make sense."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from metrics.models import KPI, Direction, Measurement, ValueArea

HTMX = {"HX-Request": "true"}


def add_url(kpi):
    return reverse("metrics:measurement_add", args=[kpi.pk])


def measurement_data(kpi, date=None, value="", note="", **more):
    date = date if date is not None else timezone.localdate() - timedelta(days=1)
    prefix = f"kpi{kpi.pk}"
    return {
        f"{prefix}-date": date.isoformat() if hasattr(date, "isoformat") else date,
        f"{prefix}-value": value,
        f"{prefix}-note": note,
        **{f"{prefix}-{name}": value for name, value in more.items()},
    }


def chart_of(response, kpi) -> dict:
    """The Plotly figure the KPI card hands to the chart script (its json_script element)."""
    match = re.search(
        rf'<script id="kpi-{kpi.pk}-figure" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the KPI card has no chart data"
    return json.loads(match.group(1))


def measured_trace(figure) -> dict:
    return next(trace for trace in figure["data"] if trace["name"] == "Measured")


def field_error(response, kpi, field) -> str:
    """The error shown next to a field of the measurement form ("" when there is none)."""
    match = re.search(
        rf'<p class="field__error" id="id_kpi{kpi.pk}-{field}_error">(.*?)</p>',
        response.content.decode(),
        re.S,
    )
    return match.group(1).strip() if match else ""


def input_value(response, kpi, field) -> str | None:
    """What the re-rendered input for a field holds."""
    tag = re.search(rf'<input[^>]*name="kpi{kpi.pk}-{field}"[^>]*>', response.content.decode())
    assert tag, f"no input for {field}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else None


# Adding a measurement with htmx ---------------------------------------------------------------


def test_htmx_measurement_returns_the_kpi_card_with_the_new_value_and_chart(
    member_client, member, kpi, measurements
):
    day = timezone.localdate() - timedelta(days=2)

    response = member_client.post(
        add_url(kpi),
        measurement_data(kpi, day, "97,5", "After the new form went live"),
        headers=HTMX,
    )

    assert response.status_code == 200
    content = response.content.decode()
    # Only the card comes back, to be swapped in place of the old one.
    assert content.startswith(f'<article class="kpi-card" id="kpi-{kpi.pk}"')
    assert "<html" not in content
    assertContains(response, "Measurement added.")
    assertContains(response, "Latest measurements (4 of 4)")
    assertContains(response, "97.5 days")
    assertContains(response, "After the new form went live")
    measured = measured_trace(chart_of(response, kpi))
    assert measured["x"][-1] == day.isoformat()
    assert measured["y"] == [112.0, 105.0, 101.0, 97.5]
    saved = Measurement.objects.get(kpi=kpi, date=day)
    assert saved.value == Decimal("97.5")
    assert saved.entered_by == member
    # A fresh, empty form to record the next one.
    assert input_value(response, kpi, "value") is None


def test_htmx_responses_vary_on_the_htmx_header(member_client, kpi):
    response = member_client.post(add_url(kpi), measurement_data(kpi, value="99"), headers=HTMX)

    assert "HX-Request" in response["Vary"]


def test_finnish_decimal_comma_is_accepted(member_client, kpi):
    member_client.post(add_url(kpi), measurement_data(kpi, value="12,5"), headers=HTMX)

    assert kpi.measurements.get().value == Decimal("12.5")


def test_spaces_between_thousands_are_accepted(member_client, kpi):
    # Far above this KPI's usual 60–120 days, so the person confirms it is right.
    data = measurement_data(kpi, value="1 234,5", confirm_unusual="on")
    member_client.post(add_url(kpi), data, headers=HTMX)

    assert kpi.measurements.get().value == Decimal("1234.5")


# Bad input --------------------------------------------------------------------------------------


def test_a_value_that_is_not_a_number_is_explained_next_to_the_field(member_client, kpi):
    response = member_client.post(
        add_url(kpi), measurement_data(kpi, value="about twelve", note="rough guess"), headers=HTMX
    )

    assert field_error(response, kpi, "value") == (
        "“about twelve” is not a number. Write it as 12.5 or 12,5."
    )
    assertContains(response, "The measurement was not saved.")
    assert input_value(response, kpi, "value") == "about twelve"
    assert input_value(response, kpi, "note") == "rough guess"
    assert not kpi.measurements.exists()


def test_a_future_date_is_explained_next_to_the_field(member_client, kpi):
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = member_client.post(add_url(kpi), measurement_data(kpi, tomorrow, "99"), headers=HTMX)

    assert field_error(response, kpi, "date") == "The date cannot be in the future."
    assert input_value(response, kpi, "date") == tomorrow.isoformat()
    assert input_value(response, kpi, "value") == "99"
    assert not kpi.measurements.exists()


def test_an_empty_value_is_explained_next_to_the_field(member_client, kpi):
    day = timezone.localdate() - timedelta(days=4)

    response = member_client.post(
        add_url(kpi), measurement_data(kpi, day, "", "no figure yet"), headers=HTMX
    )

    assert field_error(response, kpi, "value") == "Enter a value."
    assert input_value(response, kpi, "date") == day.isoformat()
    assert input_value(response, kpi, "note") == "no figure yet"
    assert not kpi.measurements.exists()


def test_a_missing_date_is_explained_next_to_the_field(member_client, kpi):
    response = member_client.post(add_url(kpi), measurement_data(kpi, "", "99"), headers=HTMX)

    assert field_error(response, kpi, "date") == "Enter the date the value applies to."
    assert input_value(response, kpi, "value") == "99"


def test_a_second_value_for_the_same_date_is_refused_and_the_first_kept(
    member_client, kpi, measurements
):
    taken = measurements[-1].date

    response = member_client.post(add_url(kpi), measurement_data(kpi, taken, "88"), headers=HTMX)

    assert field_error(response, kpi, "date") == (
        f"There is already a measurement for {date_format(taken, 'SHORT_DATE_FORMAT')}. "
        "Pick another date."
    )
    assert input_value(response, kpi, "value") == "88"
    assert kpi.measurements.get(date=taken).value == Decimal(101)
    assert kpi.measurements.count() == 3
    # The card still shows what was stored before.
    assert measured_trace(chart_of(response, kpi))["y"] == [112.0, 105.0, 101.0]


# Without JavaScript -------------------------------------------------------------------------------


def test_plain_post_redirects_back_to_the_goals_workspace(member_client, kpi):
    response = member_client.post(add_url(kpi), measurement_data(kpi, value="99"), follow=True)

    assertRedirects(response, kpi.initiative.get_phase_url(1))
    assertContains(response, "Measurement added.")
    assert kpi.measurements.get().value == Decimal(99)


def test_plain_post_with_bad_input_says_why_after_the_redirect(member_client, kpi):
    response = member_client.post(add_url(kpi), measurement_data(kpi, value="abc"), follow=True)

    assertRedirects(response, kpi.initiative.get_phase_url(1))
    assertContains(response, "The measurement was not saved: “abc” is not a number.")
    assert not kpi.measurements.exists()


def test_get_on_the_measurement_address_leads_to_the_workspace(member_client, kpi):
    assertRedirects(
        member_client.get(add_url(kpi)),
        kpi.initiative.get_phase_url(1),
        fetch_redirect_response=False,
    )


# Who may record -----------------------------------------------------------------------------------


def test_viewer_cannot_record_a_measurement(viewer_client, kpi):
    response = viewer_client.post(add_url(kpi), measurement_data(kpi, value="99"), headers=HTMX)

    assert response.status_code == 403
    assert not kpi.measurements.exists()


def test_outsider_cannot_find_the_kpi(outsider_client, kpi):
    response = outsider_client.post(add_url(kpi), measurement_data(kpi, value="99"), headers=HTMX)

    assert response.status_code == 404
    assert not kpi.measurements.exists()


def test_anonymous_visitor_is_sent_to_sign_in(client, kpi):
    response = client.post(add_url(kpi), measurement_data(kpi, value="99"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not kpi.measurements.exists()


# Defining a KPI -----------------------------------------------------------------------------------


@pytest.fixture
def kpi_fields(leader):
    today = timezone.localdate()
    return {
        "name": "Share of applications filed digitally",
        "description": "Applications through the e-service, of all applications.",
        "value_area": ValueArea.CURRENT_VALUE,
        "unit": "%",
        "direction": Direction.HIGHER,
        "baseline_value": "45",
        "baseline_date": (today - timedelta(days=30)).isoformat(),
        "baseline_source": "Case management report",
        "target_value": "85,5",
        "target_date": (today + timedelta(days=365)).isoformat(),
        "cadence": "monthly",
        "data_source": "Monthly statistics extract",
        "owner": leader.pk,
    }


def create_url(initiative):
    return reverse("metrics:kpi_create", args=[initiative.pk])


def test_member_adds_a_kpi_and_sees_it_on_the_goals_workspace(
    member_client, initiative, kpi_fields, leader
):
    response = member_client.post(create_url(initiative), kpi_fields, follow=True)

    created = KPI.objects.get(initiative=initiative)
    assert created.name == "Share of applications filed digitally"
    assert created.target_value == Decimal("85.5")
    assert created.owner == leader
    assertRedirects(response, initiative.get_phase_url(1))
    assertContains(response, "KPI added.")
    assertContains(response, "Share of applications filed digitally")


def test_target_date_must_be_after_the_baseline_date(member_client, initiative, kpi_fields):
    kpi_fields["target_date"] = kpi_fields["baseline_date"]

    response = member_client.post(create_url(initiative), kpi_fields)

    assert response.context["form"].errors["target_date"] == [
        "The target date must be after the baseline date."
    ]
    assertContains(response, "The target date must be after the baseline date.")
    assertContains(response, 'value="Share of applications filed digitally"')
    assert not KPI.objects.exists()


@pytest.mark.parametrize(
    ("direction", "target", "message"),
    [
        (Direction.HIGHER, "40", "Higher is better, so the target must be above the baseline."),
        (Direction.LOWER, "50", "Lower is better, so the target must be below the baseline."),
        (Direction.HIGHER, "45,0", "The target must differ from the baseline."),
    ],
)
def test_target_must_lie_in_the_better_direction(
    member_client, initiative, kpi_fields, direction, target, message
):
    kpi_fields.update(direction=direction, target_value=target)

    response = member_client.post(create_url(initiative), kpi_fields)

    assert response.context["form"].errors["target_value"] == [message]
    assertContains(response, message)
    assertContains(response, f'value="{target}"')
    assert not KPI.objects.exists()


def test_lower_is_better_accepts_a_target_below_the_baseline(member_client, initiative, kpi_fields):
    kpi_fields.update(direction=Direction.LOWER, target_value="20")

    member_client.post(create_url(initiative), kpi_fields)

    assert KPI.objects.get().target_value == Decimal(20)


def test_baseline_date_cannot_be_in_the_future(member_client, initiative, kpi_fields):
    kpi_fields["baseline_date"] = (timezone.localdate() + timedelta(days=3)).isoformat()

    response = member_client.post(create_url(initiative), kpi_fields)

    assertContains(response, "The baseline date cannot be in the future.")
    assert not KPI.objects.exists()


def test_viewer_cannot_add_a_kpi(viewer_client, initiative, kpi_fields):
    assert viewer_client.post(create_url(initiative), kpi_fields).status_code == 403
    assert not KPI.objects.exists()


def test_member_edits_a_kpi_target(member_client, kpi, form_data):
    edit_url = reverse("metrics:kpi_edit", args=[kpi.pk])
    form = member_client.get(edit_url).context["form"]

    response = member_client.post(edit_url, form_data(form, target_value="55"), follow=True)

    kpi.refresh_from_db()
    assert kpi.target_value == Decimal(55)
    assert kpi.version == 2
    assertContains(response, "KPI saved.")


def test_editing_a_kpi_into_a_wrong_direction_is_refused(member_client, kpi, form_data):
    edit_url = reverse("metrics:kpi_edit", args=[kpi.pk])
    form = member_client.get(edit_url).context["form"]

    response = member_client.post(edit_url, form_data(form, target_value="130"))

    assertContains(response, "Lower is better, so the target must be below the baseline.")
    kpi.refresh_from_db()
    assert kpi.target_value == Decimal(60)


def test_two_people_editing_a_kpi_do_not_overwrite_each_other(
    leader_client, member_client, kpi, form_data
):
    edit_url = reverse("metrics:kpi_edit", args=[kpi.pk])
    leaders_form = leader_client.get(edit_url).context["form"]
    members_form = member_client.get(edit_url).context["form"]
    member_client.post(edit_url, form_data(members_form, target_value="50"))

    response = leader_client.post(edit_url, form_data(leaders_form, target_value="70"))

    assertContains(response, "Mikko Mäkinen saved a change while you were editing.")
    assertContains(
        response,
        "<tr><th scope='row'>Target value</th><td>50</td><td>70</td></tr>",
        html=True,
    )
    assertNotContains(response, "KPI saved.")
    kpi.refresh_from_db()
    assert kpi.target_value == Decimal(50)
