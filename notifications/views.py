"""The signed-in person's notifications, their unread count in the header, and e-mail choices.

A notification belongs to its recipient alone: every lookup goes through `_own`, so another
person's notification does not exist for you (404).
"""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notifications.forms import EmailPreferencesForm
from notifications.models import Notification

PAGE_SIZE = 25


def _own(request, pk) -> Notification:
    return get_object_or_404(Notification.objects.for_recipient(request.user), pk=pk)


def _count_html(request, oob: bool = False) -> str:
    unread = Notification.objects.for_recipient(request.user).unread().count()
    # Fetched by htmx, this view is not the page the link sits on: ask htmx which page that is.
    page = urlsplit(request.htmx.current_url or "").path if request.htmx else request.path
    current = page.startswith(reverse("notifications:list"))
    context = {"unread": unread, "loaded": True, "oob": oob, "current": current}
    return render_to_string("notifications/count.html", context, request=request)


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Notification.objects.for_recipient(request.user).all(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": Notification.objects.for_recipient(request.user).unread().count()},
    )


@require_GET
def unread_count(request: HttpRequest) -> HttpResponse:
    """The header's link with the unread count; htmx loads it after the page and every minute."""
    return HttpResponse(_count_html(request))


@require_http_methods(["GET", "POST"])
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link: the list's button POSTs, marking it read on the way. A GET
    (an old bookmark, a link opened elsewhere) only follows it, since a GET never changes state:
    a prefetching browser or a crawler must not mark anything read."""
    notification = _own(request, pk)
    if request.method == "POST":
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect("notifications:list")
    return redirect(notification.url)


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = _own(request, pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    if not request.htmx:
        return redirect("notifications:list")
    item = render_to_string(
        "notifications/list.html#item",
        {"notification": notification, "just_read": True},
        request=request,
    )
    return HttpResponse(item + _count_html(request, oob=True))


@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    marked = (
        Notification.objects.for_recipient(request.user).unread().update(read_at=timezone.now())
    )
    if marked:
        messages.success(request, _("All notifications are marked read."))
    return redirect("notifications:list")


def preferences(request: HttpRequest) -> HttpResponse:
    # Unticking every box posts no field at all, so bind on the method, not on the data.
    data = request.POST if request.method == "POST" else None
    form = EmailPreferencesForm(data, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your e-mail choices are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
