"""People whose role requires a second factor set one up before they can do anything else.

The rule follows the roles (boards.roles), so it lives with them rather than with the user model.
"""

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from kompas.accounts.models import User
from kompas.boards.roles import MFA_BOARD_ROLES

# Paths a person without a second factor may still reach: setting one up, leaving, the basics.
_ALLOWED_PREFIXES = ("/accounts/", "/healthz", "/i18n/", "/static/")
_CHECKED = "kompas_mfa_checked_for"


def requires_mfa(user: User) -> bool:
    """Executives, coordinators, privacy officers, every sector role and staff need a 2nd factor."""
    if user.is_staff or user.is_superuser:
        return True
    if user.sector_assignments.exists():
        return True
    return bool(user.memberships.filter(is_active=True, role__in=list(MFA_BOARD_ROLES)).exists())


class RequireMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.REQUIRE_MFA
            and user.is_authenticated
            and request.session.get(_CHECKED) != user.pk
            and not request.path.startswith(_ALLOWED_PREFIXES)
        ):
            if requires_mfa(user) and not _has_second_factor(user):
                return redirect(reverse("mfa_activate_totp") + "?next=" + request.path)
            # Remember the answer for this session: two queries saved on every request.
            request.session[_CHECKED] = user.pk
        return self.get_response(request)


def _has_second_factor(user: object) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
