"""A person's notifications: the list, opening one (marks it read), and their settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kompas.accounts.http import AuthenticatedHttpRequest
from kompas.notifications import services
from kompas.notifications.forms import PreferencesForm
from kompas.notifications.models import Notification

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
