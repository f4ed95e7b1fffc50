"""A person's notifications: the list, opening one (marks it read), and their settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kompas.accounts.http import AuthenticatedHttpRequest
from kompas.notifications import calendar, services
from kompas.notifications.forms import PreferencesForm
from kompas.notifications.models import CalendarFeed, Notification

PAGE_SIZE = 50


@login_required
@require_safe
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    found = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-pk")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_safe
def notification_open(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    notification = services.notification_open(user=request.user, notification_id=notification_id)
    if notification is None:
        raise Http404("No such notification of yours.")
    return redirect(notification.url)


@login_required
@require_POST
def read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.notifications_read_all(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, initial=services.preferences_of(user=request.user))
    if request.method == "POST" and form.is_valid():
        services.preferences_save(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def calendar_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The address of one's deadlines as a calendar: made or renewed here, shown once."""
    token = ""
    if request.method == "POST":
        token = calendar.feed_renew(user=request.user)
    feed = CalendarFeed.objects.filter(user=request.user).first()
    address = (
        request.build_absolute_uri(reverse("notifications:calendar_feed", args=[token]))
        if token
        else ""
    )
    return render(request, "notifications/calendar.html", {"feed": feed, "address": address})


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself, for calendar programs: the secret address is the only credential."""
    feed = calendar.feed_for_token(token)
    if feed is None:
        raise Http404("No calendar at this address.")
    response = HttpResponse(
        calendar.calendar_bytes(user=feed.user), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    return response
