from django.http import HttpRequest

from kompas.accounts.models import User
from kompas.core.http import HtmxHttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    """The request in views behind login_required: the user is a signed-in account."""

    user: User


class AuthenticatedHtmxHttpRequest(AuthenticatedHttpRequest, HtmxHttpRequest):
    """A signed-in request once django-htmx's middleware has run."""
