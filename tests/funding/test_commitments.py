"""A submitted commitment never changes: not through the model, a form, the admin or a bulk update.
And the officer sees what the initiative changed since it committed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from funding.compare import compare_commitment, weakened_target
from funding.models import (
    Commitment,
    CommittedBenefit,
    CommittedKPI,
    ImmutableError,
)
from metrics.models import Direction
from renewal.models import AuditEntry


def test_creating_the_commitment_is_audited(submitted):
    commitment = submitted.commitment
    kinds = set(
        AuditEntry.objects.filter(
            initiative_id=submitted.initiative_id, action="create"
        ).values_list("content_type__model", flat=True)
    )
    assert {"commitment", "committedkpi", "committedbenefit"} <= kinds
    assert commitment.kpis.count() == 1


def test_the_model_refuses_to_save_or_delete_a_frozen_row(submitted):
    committed = submitted.commitment.kpis.get()
    committed.target_value = Decimal(90)
    with pytest.raises(ImmutableError):
        committed.save()
    with pytest.raises(ImmutableError):
        committed.delete()
    with pytest.raises(ImmutableError):
        submitted.commitment.save()
    assert CommittedKPI.objects.get(pk=committed.pk).target_value == Decimal(60)


@pytest.mark.parametrize("model", [Commitment, CommittedKPI, CommittedBenefit])
def test_the_queryset_refuses_update_delete_and_bulk_update(submitted, model):
    rows = model.objects.all()
    with pytest.raises(ImmutableError):
        rows.update(pk=1)
    with pytest.raises(ImmutableError):
        rows.delete()
    with pytest.raises(ImmutableError):
        model.objects.bulk_update(list(rows), ["pk"])
    assert rows.count() >= 1


def test_a_form_cannot_change_a_commitment(submitted):
    class CommittedKPIForm(forms.ModelForm):
        class Meta:
            model = CommittedKPI
            fields = ["target_value"]

    committed = submitted.commitment.kpis.get()
    form = CommittedKPIForm({"target_value": "99"}, instance=committed)
    assert form.is_valid()
    with pytest.raises(ImmutableError):
        form.save()
    assert CommittedKPI.objects.get(pk=committed.pk).target_value == Decimal(60)


def test_the_application_form_refuses_edits_once_submitted(leader_client, submitted):
    response = leader_client.post(
        reverse("funding:edit", args=[submitted.pk]),
        {
            "call": submitted.call_id,
            "amount_requested": "1",
            "period_start": "2027-01-01",
            "period_end": "2027-02-01",
        },
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.amount_requested == Decimal(250000)
    assert submitted.commitment.amount_requested == Decimal(250000)


def test_the_admin_shows_a_commitment_but_refuses_changes(superuser_client, submitted):
    committed = submitted.commitment.kpis.get()
    url = reverse("admin:funding_committedkpi_change", args=[committed.pk])
    assert superuser_client.get(url).status_code == 200
    response = superuser_client.post(url, {"name": "Changed", "target_value": "99"})
    assert response.status_code == 403
    assert CommittedKPI.objects.get(pk=committed.pk).name == "Permit processing time"
    delete = reverse("admin:funding_commitment_delete", args=[submitted.commitment.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    assert Commitment.objects.filter(pk=submitted.commitment.pk).exists()


def test_deleting_a_kpi_leaves_the_commitment_intact(submitted, kpi):
    kpi.delete()
    comparison = compare_commitment(submitted.commitment, timezone.localdate())
    assert comparison.kpis[0].flags == ["removed"]


@pytest.mark.parametrize(
    ("direction", "committed", "current", "weakened"),
    [
        (Direction.LOWER, 60, 75, True),
        (Direction.LOWER, 60, 50, False),
        (Direction.LOWER, 60, 60, False),
        (Direction.HIGHER, 85, 80, True),
        (Direction.HIGHER, 85, 90, False),
        (Direction.HIGHER, 85, None, True),
        (Direction.HIGHER, None, 10, False),
    ],
)
def test_weakened_target_depends_on_the_kpis_direction(direction, committed, current, weakened):
    assert weakened_target(direction, committed, current) is weakened


def test_a_target_eased_and_postponed_after_the_grant_is_flagged(granted, kpi, benefit):
    kpi.target_value = Decimal(75)  # lower is better: 75 days asks for less than 60
    kpi.target_date += timedelta(days=90)
    kpi.save()
    benefit.expected_date += timedelta(days=30)
    benefit.quantity = Decimal(100000)
    benefit.save()

    comparison = compare_commitment(granted.commitment, timezone.localdate())

    assert comparison.kpis[0].flags == ["weakened", "postponed"]
    assert comparison.benefits[0].flags == ["reduced", "postponed"]
    assert comparison.flagged == 2


def test_a_committed_benefit_past_its_date_and_short_is_overdue(
    make_application, initiative, leader, benefit
):
    benefit.expected_date = timezone.localdate() - timedelta(days=10)
    benefit.save()
    application = make_application(initiative)
    application.submit(leader)

    comparison = compare_commitment(application.commitment, timezone.localdate())

    assert comparison.overdue == 1
