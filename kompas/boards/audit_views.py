"""The audit trail's pages: a board's own trail and the platform's sign-in events.

They live with the access layer they go through; the trail itself is kompas.audit.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from kompas.audit import selectors
from kompas.audit.models import AuditAction
from kompas.boards.access import BoardAccess, board_view, sector_view
from kompas.boards.roles import Action, SectorRole


@login_required
@board_view(Action.VIEW_AUDIT)
@require_safe
def board_trail(request: HttpRequest, access: BoardAccess) -> HttpResponse:
    filters = {
        "action": request.GET.get("action", "")[:24],
        "actor": request.GET.get("actor", "")[:254],
        "object_type": request.GET.get("object_type", "")[:100],
    }
    events = selectors.board_trail(board_id=access.board.pk, **filters)
    page = Paginator(events, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/board_trail.html",
        {
            "access": access,
            "board": access.board,
            "page": page,
            "filters": filters,
            "actions": AuditAction.choices,
            "object_types": selectors.object_types(board_id=access.board.pk),
        },
    )


@login_required
@sector_view(SectorRole.PLATFORM_ADMIN)
@require_safe
def authentication_events(request: HttpRequest) -> HttpResponse:
    actor = request.GET.get("actor", "")[:254]
    events = selectors.authentication_events(actor=actor)
    page = Paginator(events, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/authentication_events.html", {"page": page, "actor": actor})
