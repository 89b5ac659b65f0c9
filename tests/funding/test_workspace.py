"""The funding officer's workspace: the funded portfolio they land on."""

from django.urls import reverse


def test_officer_sees_applications_to_their_funder(officer_client, submitted):
    response = officer_client.get(reverse("funding:workspace"))
    assert response.status_code == 200
    assert submitted.initiative.title in response.content.decode()


def test_a_non_officer_is_refused(leader_client, submitted):
    assert leader_client.get(reverse("funding:workspace")).status_code == 403
