"""The notification list, mark read, the header count and the e-mail choices: each person sees
and changes only their own."""

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from notifications.models import EmailPreference, Kind, Notification
from notifications.views import PAGE_SIZE

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_notification(initiative):
    def make(user, period="2026-11-24", **fields) -> Notification:
        values = {
            "recipient": user,
            "kind": Kind.WEEKLY_REVIEW,
            "subject": f"initiative:{initiative.pk}",
            "period": period,
            "params": {
                "initiative": initiative.title,
                "organisation": initiative.organisation.name,
                "date": period,
            },
            "url": initiative.get_phase_url(4),
            "created_at": timezone.now(),
        }
        values.update(fields)
        return Notification.objects.create(**values)

    return make


def test_the_list_shows_my_notifications_and_not_others(
    member_client, member, leader, make_notification, initiative
):
    make_notification(member)
    make_notification(leader, period="2026-12-01")
    response = member_client.get(reverse("notifications:list"))
    assertContains(response, "Weekly team review on Tuesday 24 November 2026")
    assertNotContains(response, "1 December 2026")
    assertContains(response, "Unread")


def test_the_header_count_shows_unread_notifications(member_client, member, make_notification):
    make_notification(member)
    make_notification(member, period="2026-12-01", read_at=timezone.now())
    response = member_client.get(reverse("notifications:count"))
    assertContains(response, '<span class="count-badge">1<span class="visually-hidden"> unread')
    assertContains(response, 'hx-trigger="every 60s"')


def test_every_page_loads_the_count_with_htmx(member_client):
    response = member_client.get(reverse("initiatives:list"))
    assertContains(response, 'id="notification-count"')
    assertContains(response, 'hx-trigger="load, every 60s"')


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(
    member_client, member, make_notification, initiative
):
    notification = make_notification(member)
    response = member_client.post(reverse("notifications:open", args=[notification.pk]))
    assertRedirects(response, initiative.get_phase_url(4), fetch_redirect_response=False)
    notification.refresh_from_db()
    assert notification.is_read


def test_a_get_follows_a_notification_without_marking_it_read(
    member_client, member, make_notification, initiative
):
    notification = make_notification(member)
    response = member_client.get(reverse("notifications:open", args=[notification.pk]))
    assertRedirects(response, initiative.get_phase_url(4), fetch_redirect_response=False)
    notification.refresh_from_db()
    assert not notification.is_read


def test_the_list_opens_a_notification_with_a_post_button(member_client, member, make_notification):
    notification = make_notification(member)
    response = member_client.get(reverse("notifications:list"))
    open_url = reverse("notifications:open", args=[notification.pk])
    assertContains(response, f'<form method="post" action="{open_url}">')
    assertNotContains(response, f'href="{open_url}"')
    assertContains(
        response,
        '<button type="submit" class="link-button">Weekly team review on Tuesday 24 November 2026',
    )


def test_a_notification_link_to_another_site_goes_to_the_list(
    member_client, member, make_notification
):
    notification = make_notification(member, url="https://evil.example/")
    response = member_client.post(reverse("notifications:open", args=[notification.pk]))
    assertRedirects(response, reverse("notifications:list"), fetch_redirect_response=False)


def test_mark_read_with_htmx_returns_the_item_and_the_new_count(
    member_client, member, make_notification
):
    first = make_notification(member)
    make_notification(member, period="2026-12-01")
    response = member_client.post(
        reverse("notifications:read", args=[first.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="notification-{first.pk}"' in html
    assert "notification--unread" not in html.split('id="notification-count"')[0]
    assert 'hx-swap-oob="true"' in html
    assert '<span class="count-badge">1<' in html
    first.refresh_from_db()
    assert first.is_read


def test_mark_read_without_javascript_redirects_to_the_list(
    member_client, member, make_notification
):
    notification = make_notification(member)
    response = member_client.post(reverse("notifications:read", args=[notification.pk]))
    assertRedirects(response, reverse("notifications:list"))


def test_mark_all_read(member_client, member, leader, make_notification):
    make_notification(member)
    make_notification(member, period="2026-12-01")
    others = make_notification(leader)
    response = member_client.post(reverse("notifications:read_all"), follow=True)
    assertContains(response, "All notifications are marked read.")
    assert not member.notifications.unread().exists()
    others.refresh_from_db()
    assert not others.is_read


@pytest.mark.parametrize("name", ["open", "read"])
def test_another_persons_notification_does_not_exist_for_me(
    outsider_client, leader, make_notification, name
):
    notification = make_notification(leader)
    url = reverse(f"notifications:{name}", args=[notification.pk])
    assert outsider_client.post(url).status_code == 404
    if name == "open":
        assert outsider_client.get(url).status_code == 404
    notification.refresh_from_db()
    assert not notification.is_read


def test_mark_read_needs_post(member_client, member, make_notification):
    notification = make_notification(member)
    response = member_client.get(reverse("notifications:read", args=[notification.pk]))
    assert response.status_code == 405


@pytest.mark.parametrize("name", ["list", "count", "preferences"])
def test_signed_out_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(f"notifications:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_email_choices_are_saved_per_kind(member_client, member):
    response = member_client.get(reverse("notifications:preferences"))
    assertContains(response, "Weekly team review coming up")
    assertContains(response, "member@example.org")

    response = member_client.post(
        reverse("notifications:preferences"),
        {Kind.MONTHLY_REVIEW: "on", Kind.PORTFOLIO_DIGEST: "on"},
        follow=True,
    )
    assertContains(response, "Your e-mail choices are saved.")
    saved = dict(EmailPreference.objects.filter(user=member).values_list("kind", "email"))
    assert saved == {kind: kind in (Kind.MONTHLY_REVIEW, Kind.PORTFOLIO_DIGEST) for kind in Kind}
    assert saved[Kind.WEEKLY_REVIEW] is False


def test_unticking_every_choice_turns_all_email_off(member_client, member):
    member_client.post(reverse("notifications:preferences"), {})
    assert set(EmailPreference.objects.filter(user=member).values_list("email", flat=True)) == {
        False
    }


def test_the_list_reads_in_my_language(member_client, member, make_notification):
    make_notification(member)
    member_client.post(reverse("set_language"), {"language": "fi", "next": "/"})
    response = member_client.get(reverse("notifications:list"))
    assertContains(response, "Ilmoitukset")


def test_the_list_has_a_query_ceiling(
    member_client, member, make_notification, django_assert_max_num_queries
):
    for day in range(1, 30):
        make_notification(member, period=f"2026-11-{day:02d}")
    with django_assert_max_num_queries(8):
        response = member_client.get(reverse("notifications:list"))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(29, PAGE_SIZE)


def test_the_header_link_is_current_only_on_the_notification_pages(member_client):
    on_list = member_client.get(
        reverse("notifications:count"),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/notifications/"},
    )
    elsewhere = member_client.get(
        reverse("notifications:count"),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/initiatives/"},
    )
    assertContains(on_list, 'aria-current="page"')
    assertNotContains(elsewhere, "aria-current")
