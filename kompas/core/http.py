from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """The request as views see it once django-htmx's middleware has run."""

    htmx: HtmxDetails
