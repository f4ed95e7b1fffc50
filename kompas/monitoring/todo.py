"""The board home's item from monitoring (kompas.boards.todo): an open round the executive can
submit to, or submit to again after a newer approval."""

import datetime
from collections.abc import Iterable

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kompas.assessments.selectors import approval_order
from kompas.boards.access import BoardAccess
from kompas.boards.roles import Action
from kompas.boards.todo import Task, Urgency
from kompas.monitoring import selectors
from kompas.monitoring.models import Submission


def rounds_to_submit(access: BoardAccess, now: datetime.datetime) -> Iterable[Task]:
    """Open rounds with an evaluation that fits and is not submitted yet (five queries)."""
    if not access.may(Action.APPROVE):
        return []
    board = access.board
    rounds = selectors.open_rounds_for(board=board)
    if not rounds:
        return []
    held = {
        s.round_id: s
        for s in Submission.objects.filter(board=board, round__in=rounds)
        .current()
        .select_related("assessment")
    }
    fitting = selectors.round_evaluations(board=board, rounds=rounds)
    url = reverse("monitoring:board_rounds", args=[board.pk])
    tasks = []
    for round_ in rounds:
        fits = fitting[round_.pk].assessment
        current = held.get(round_.pk)
        if fits is None or (
            current is not None and approval_order(fits) <= approval_order(current.assessment)
        ):
            continue
        closes = (
            _("closes on %(date)s") % {"date": date_format(round_.closes_on, "j F Y")}
            if round_.closes_on
            else ""
        )
        tasks.append(
            Task(
                urgency=Urgency.WAITING,
                title=(
                    _("Submit self-evaluation %(evaluation)s to %(round)s")
                    if current is None
                    else _("Submit the newer approval %(evaluation)s to %(round)s again")
                )
                % {"evaluation": fits.label, "round": round_.name},
                detail=closes,
                url=url,
            )
        )
    return tasks
