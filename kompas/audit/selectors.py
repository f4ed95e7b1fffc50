from django.db.models import QuerySet

from kompas.audit.models import PLATFORM_CHAIN, AuditAction, AuditEvent, board_chain

AUTH_ACTIONS = [AuditAction.LOGIN, AuditAction.LOGIN_FAILED, AuditAction.LOGOUT]
PAGE_SIZE = 50


def board_trail(
    *, board_id: int, action: str = "", actor: str = "", object_type: str = ""
) -> QuerySet[AuditEvent]:
    """A board's events, newest first, filtered by action, actor e-mail and object type."""
    events = AuditEvent.objects.filter(chain=board_chain(board_id))
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(actor_email__icontains=actor.strip())
    if object_type:
        events = events.filter(object_type=object_type)
    return events.order_by("-sequence")


def authentication_events(*, actor: str = "") -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(chain=PLATFORM_CHAIN, action__in=AUTH_ACTIONS)
    if actor:
        events = events.filter(actor_email__icontains=actor.strip())
    return events.order_by("-sequence")


def object_types(*, board_id: int) -> list[str]:
    return sorted(
        AuditEvent.objects.filter(chain=board_chain(board_id))
        .values_list("object_type", flat=True)
        .distinct()
    )
