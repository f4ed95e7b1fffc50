"""Warnings that a clock makes, not an event (docs/notifications.md).

No event on the audit trail marks the moment a clock passes a mark, so the periodic job
(`send_notifications`, run every quarter of an hour) looks for them and makes each warning once
per person, keyed by what it is about and the mark:

- the 72-hour clock of a breach: 24 hours left, and overdue. Whoever keeps the register hears
  of it (the coordinator, the executive and the privacy officer), whatever they chose;
- a monitoring round's closing date: a week before it, the executives of the boards the round
  is for that have not submitted to it yet, as each of them chose for that kind.
"""

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from kompas.boards.models import Board, BoardSector
from kompas.boards.roles import Action, BoardRole, may
from kompas.incidents.clock import decision_deadline
from kompas.incidents.models import Incident, IncidentKind, NotifyDecision
from kompas.monitoring.models import MonitoringRound, RoundStatus, Submission
from kompas.notifications.models import Delivery, Kind, Notification, Preference
from kompas.notifications.rules import members

DAY = datetime.timedelta(hours=24)
ROUND_WARNING = datetime.timedelta(days=7)
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


def round_warnings(*, now: datetime.datetime | None = None) -> int:
    """Warn the executives of boards that have not submitted to a round closing within a week;
    once per person and round. The number made; two queries per open round that closes soon,
    whatever the number of boards."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    closing = MonitoringRound.objects.filter(
        status=RoundStatus.OPEN, closes_on__gte=today, closes_on__lte=today + ROUND_WARNING
    )
    made = []
    for round_ in closing:
        closes_on = round_.closes_on
        assert closes_on is not None  # the filter above asked for a closing date
        for_round = BoardSector.objects.filter(board=OuterRef("pk"), sector__in=round_.sectors)
        submitted = Submission.objects.filter(board=OuterRef("pk"), round=round_)
        boards = list(
            Board.objects.filter(is_active=True).filter(Exists(for_round), ~Exists(submitted))
        )
        found = members(boards, (BoardRole.EXECUTIVE,))
        chosen = dict(
            Preference.objects.filter(
                user__in={m.user_id for m in found}, kind=Kind.ROUND_CLOSING
            ).values_list("user_id", "delivery")
        )
        for membership in found:
            made.append(
                Notification(
                    recipient_id=membership.user_id,
                    board_id=membership.board_id,
                    key=f"round:{round_.pk}:{membership.board_id}:closing",
                    kind=Kind.ROUND_CLOSING,
                    params={
                        "board": membership.board.name,
                        "round": round_.name,
                        "closes": date_format(closes_on, "j F Y"),
                    },
                    url=reverse("monitoring:board_rounds", args=[membership.board_id]),
                    created_at=now,
                    delivery=chosen.get(membership.user_id, Delivery.IMMEDIATE),
                )
            )
    if not made:
        return 0
    before = Notification.objects.filter(key__startswith="round:").count()
    Notification.objects.bulk_create(made, ignore_conflicts=True)
    return Notification.objects.filter(key__startswith="round:").count() - before
