"""The 72-hour clock's warnings: 24 hours left, and overdue (docs/notifications.md).

No event on the audit trail marks the moment a clock passes a mark, so the periodic job
(`send_notifications`, run every quarter of an hour) looks at every breach still undecided and
makes each warning once per person, keyed by the incident and the mark. Whoever keeps the
register hears of it: the coordinator, the executive and the privacy officer.
"""

import datetime

from django.urls import reverse
from django.utils import timezone

from kompas.boards.roles import Action, BoardRole, may
from kompas.incidents.clock import decision_deadline
from kompas.incidents.models import Incident, IncidentKind, NotifyDecision
from kompas.notifications.models import Delivery, Kind, Notification
from kompas.notifications.rules import members

DAY = datetime.timedelta(hours=24)
KEEPERS = tuple(role for role in BoardRole.values if may(role, Action.VIEW_INCIDENTS))


def clock_warnings(*, now: datetime.datetime | None = None) -> int:
    """Make the warnings owed now that were not made before; the number made."""
    now = now or timezone.now()
    pending = list(
        Incident.objects.filter(
            kind=IncidentKind.BREACH,
            notify_decision=NotifyDecision.UNDECIDED,
            became_aware_at__gt=now - datetime.timedelta(days=30),  # a month late is old news
            became_aware_at__lte=now - (datetime.timedelta(hours=72) - DAY),
            board__is_active=True,
        ).select_related("board")
    )
    if not pending:
        return 0
    keepers: dict[int, list] = {}
    for membership in members([incident.board for incident in pending], KEEPERS):
        keepers.setdefault(membership.board_id, []).append(membership)
    made = []
    for incident in pending:
        deadline = decision_deadline(incident.became_aware_at)
        kind, mark = (
            (Kind.BREACH_OVERDUE, "overdue") if now >= deadline else (Kind.BREACH_DAY_LEFT, "24h")
        )
        for membership in keepers.get(incident.board_id, []):
            made.append(
                Notification(
                    recipient_id=membership.user_id,
                    board_id=incident.board_id,
                    key=f"incident:{incident.pk}:{mark}",
                    kind=kind,
                    params={"board": incident.board.name, "number": incident.number},
                    url=reverse("incidents:incident", args=[incident.board_id, incident.pk]),
                    created_at=now,
                    delivery=Delivery.IMMEDIATE,  # the 72 hours cannot wait for a digest
                )
            )
    before = Notification.objects.filter(key__startswith="incident:").count()
    Notification.objects.bulk_create(made, ignore_conflicts=True)
    return Notification.objects.filter(key__startswith="incident:").count() - before
