from typing import Any

from django.http import HttpRequest

from kompas.boards.access import active_memberships


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The boards a signed-in person can switch between, for the header (one query, lazily)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_memberships": active_memberships(user).order_by("board__name"),
        "nav_current_board_id": request.session.get("current_board_id"),
    }
