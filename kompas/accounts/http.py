from django.http import HttpRequest

from kompas.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request in views behind login_required: the user is a signed-in account."""

    user: User
