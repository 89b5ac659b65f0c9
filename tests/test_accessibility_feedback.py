"""The accessibility statement and its feedback form (issue 13, item 8; Act 306/2019)."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from renewal.models import AccessibilityFeedback, AuditEntry

STATEMENT = "/accessibility/"
GOOD = {
    "name": "Aino Virtanen",
    "email": "aino@example.fi",
    "page_url": "/initiatives/",
    "message": "The portfolio chart cannot be read with my screen reader.",
    "website": "",
}


@pytest.fixture
def feedback_to(settings):
    settings.ACCESSIBILITY_FEEDBACK_EMAIL = ["accessibility@example.fi"]
    settings.ADMINS = []


def send(client, django_capture_on_commit_callbacks, **changes):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(STATEMENT, {**GOOD, **changes})


@pytest.mark.django_db
def test_statement_is_readable_without_signing_in(client, settings):
    settings.ACCESSIBILITY_ASSESSED_ON = datetime(2026, 11, 20).date()
    settings.ACCESSIBILITY_CONTACT_EMAIL = "saavutettavuus@example.fi"
    response = client.get(STATEMENT)
    assert response.status_code == 200
    page = response.content.decode()
    assert "partially conforms" in page
    assert "WCAG" in page and "2.1" in page
    assert "20 November 2026" in page
    assert "PDF reports are not fully tagged" in page
    assert "Regional State Administrative Agency for Southern Finland" in page
    assert "saavutettavuusvaatimukset.fi" in page
    assert 'href="mailto:saavutettavuus@example.fi"' in page
    assert 'name="message"' in page


@pytest.mark.django_db
def test_known_gaps_and_authority_come_from_settings(client, settings):
    settings.ACCESSIBILITY_KNOWN_GAPS = ["The map view has no text alternative."]
    settings.ACCESSIBILITY_AUTHORITY_NAME = "Valvova viranomainen"
    settings.ACCESSIBILITY_AUTHORITY_WEB = "valvonta.example.fi"
    page = client.get(STATEMENT).content.decode()
    assert "The map view has no text alternative." in page
    assert "PDF reports are not fully tagged" not in page
    assert "Valvova viranomainen" in page and "valvonta.example.fi" in page


@pytest.mark.django_db
def test_the_footer_links_to_the_statement_signed_in_or_not(client, leader_client):
    for response in (client.get(reverse("login")), leader_client.get(reverse("initiatives:list"))):
        assert response.status_code == 200
        assert 'href="/accessibility/?page=' in response.content.decode()


@pytest.mark.django_db
def test_the_footer_link_names_the_page_it_came_from(client):
    response = client.get(reverse("login"))
    assert 'href="/accessibility/?page=/accounts/login/"' in response.content.decode()
    form = client.get(STATEMENT, {"page": "/accounts/login/"}).context["form"]
    assert form["page_url"].value() == "/accounts/login/"


@pytest.mark.django_db
def test_feedback_is_stored_once_mailed_once_and_audited(
    client, feedback_to, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False):
        response = send(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("accessibility:thanks")
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.message == GOOD["message"]
    assert feedback.email == "aino@example.fi"
    assert feedback.sender is None
    assert feedback.answer_due == datetime(2026, 3, 16, 10, 0, tzinfo=UTC)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["accessibility@example.fi"]
    assert GOOD["message"] in mailoutbox[0].body
    assert "16 March 2026" in mailoutbox[0].body
    entry = AuditEntry.objects.get(object_id=str(feedback.pk), action="create")
    assert entry.changes["page_url"] == [None, "/initiatives/"]


@pytest.mark.django_db
def test_a_double_clicked_feedback_is_stored_and_mailed_once(
    client, feedback_to, mailoutbox, django_capture_on_commit_callbacks
):
    key = client.get(STATEMENT).context["form"]["submission"].value()
    first = send(client, django_capture_on_commit_callbacks, submission=key)
    second = send(client, django_capture_on_commit_callbacks, submission=key)
    assert first["Location"] == second["Location"] == reverse("accessibility:thanks")
    assert AccessibilityFeedback.objects.count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_feedback_without_a_dedicated_address_goes_to_the_admins(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.ACCESSIBILITY_FEEDBACK_EMAIL = []
    settings.ADMINS = ["admin@example.fi"]
    send(client, django_capture_on_commit_callbacks, name="", email="")
    assert AccessibilityFeedback.objects.get().name == ""
    assert [message.to for message in mailoutbox] == [["admin@example.fi"]]


@pytest.mark.django_db
def test_a_signed_in_sender_is_remembered(
    member_client, member, feedback_to, mailoutbox, django_capture_on_commit_callbacks
):
    send(member_client, django_capture_on_commit_callbacks)
    assert AccessibilityFeedback.objects.get().sender == member


@pytest.mark.django_db
def test_the_thanks_page_says_when_to_expect_an_answer(client):
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False):
        page = client.get(reverse("accessibility:thanks")).content.decode()
    assert "within 14 days, by 16 March 2026" in page


@pytest.mark.django_db
def test_bad_input_shows_field_errors_and_keeps_the_text(
    client, feedback_to, mailoutbox, django_capture_on_commit_callbacks
):
    response = send(client, django_capture_on_commit_callbacks, email="not-an-address", message="")
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"email", "message"}
    page = response.content.decode()
    assert 'id="id_email_error"' in page and 'id="id_message_error"' in page
    assert 'value="Aino Virtanen"' in page and 'value="not-an-address"' in page
    assert AccessibilityFeedback.objects.count() == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_too_long_message_is_refused_and_kept(
    client, feedback_to, django_capture_on_commit_callbacks
):
    long_message = "x" * 5001
    response = send(client, django_capture_on_commit_callbacks, message=long_message)
    assert response.status_code == 200
    assert "at most 5000 characters" in response.context["form"].errors["message"][0]
    assert long_message in response.content.decode()
    assert AccessibilityFeedback.objects.count() == 0


@pytest.mark.django_db
def test_a_filled_honeypot_is_thanked_but_neither_stored_nor_mailed(
    client, feedback_to, mailoutbox, django_capture_on_commit_callbacks
):
    response = send(client, django_capture_on_commit_callbacks, website="http://spam.example")
    assert response.status_code == 302
    assert AccessibilityFeedback.objects.count() == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_the_form_needs_a_csrf_token(feedback_to):
    response = Client(enforce_csrf_checks=True).post(STATEMENT, GOOD)
    assert response.status_code == 403
    assert AccessibilityFeedback.objects.count() == 0


@pytest.mark.django_db
def test_the_admin_lists_overdue_feedback(admin_client):
    def received(day, answered=None):
        return AccessibilityFeedback.objects.create(
            received_at=datetime(2026, 3, day, 9, 0, tzinfo=UTC),
            answered_at=answered,
            email=f"sender{day}@example.fi",
            message="Cannot read the chart.",
        )

    received(1)  # 15 days old, unanswered: overdue
    received(2, answered=datetime(2026, 3, 10, tzinfo=UTC))  # answered in time
    received(10)  # 6 days old: not yet due
    url = reverse("admin:renewal_accessibilityfeedback_changelist")
    with time_machine.travel(datetime(2026, 3, 16, 12, 0, tzinfo=UTC), tick=False):
        overdue = admin_client.get(url, {"answer": "overdue"})
        open_ = admin_client.get(url, {"answer": "open"})
    assert overdue.status_code == 200
    assert [row.email for row in overdue.context["cl"].result_list] == ["sender1@example.fi"]
    assert {row.email for row in open_.context["cl"].result_list} == {
        "sender1@example.fi",
        "sender10@example.fi",
    }
    page = overdue.content.decode()
    assert "Answer due" in page and "15 March 2026" in page


@pytest.mark.django_db
def test_answering_in_the_admin_is_audited(admin_client):
    feedback = AccessibilityFeedback.objects.create(message="Focus is lost.", email="a@example.fi")
    url = reverse("admin:renewal_accessibilityfeedback_change", args=[feedback.pk])
    response = admin_client.post(url, {"answered_at_0": "2026-03-05", "answered_at_1": "10:00"})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.answered_at is not None
    entry = AuditEntry.objects.get(object_id=str(feedback.pk), action="update")
    assert entry.changes["answered_at"][0] is None
