from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from kompas.accounts.models import User


class HtmxHttpRequest(HttpRequest):
    """The request as views see it once django-htmx's middleware has run."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HttpRequest):
    """The request in views behind login_required: the user is a signed-in account."""

    user: User
