from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from kompas.notifications.models import Notification


def unread(request: HttpRequest) -> dict[str, Any]:
    """The signed-in person's unread notifications, for the header (one query, lazily)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        )
    }
