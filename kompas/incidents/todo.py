"""The board home's warnings: AP decisions owed, with their countdown (kompas.boards.todo)."""

import datetime
from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from kompas.boards.access import BoardAccess
from kompas.boards.roles import Action
from kompas.boards.todo import Task, Urgency
from kompas.incidents.clock import ClockState
from kompas.incidents.selectors import pending_decisions


def decisions_owed(access: BoardAccess, now: datetime.datetime) -> Iterable[Task]:
    """Every breach still waiting for the decision on notifying the AP (one query)."""
    if not access.may(Action.VIEW_INCIDENTS):
        return []
    tasks = []
    for incident in pending_decisions(board=access.board):
        clock = incident.clock(now)
        countdown = {"hours": clock.hours, "minutes": clock.minutes}
        tasks.append(
            Task(
                urgency=Urgency.DEADLINE,
                title=_("Decide whether to notify the AP of breach %(number)s: %(title)s")
                % {"number": incident.number, "title": incident.title},
                detail=(
                    _("overdue by %(hours)s h %(minutes)s min")
                    if clock.state == ClockState.OVERDUE
                    else _("%(hours)s h %(minutes)s min left")
                )
                % countdown,
                url=reverse("incidents:incident", args=[access.board.pk, incident.pk]),
                due=clock.deadline,
                late=clock.state == ClockState.OVERDUE,
            )
        )
    return tasks
