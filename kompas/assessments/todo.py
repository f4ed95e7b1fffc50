"""The board home's items from the self-evaluations (kompas.boards.todo): norms assigned to the
person and still open, and evaluations waiting for the executive's approval."""

import datetime
from collections.abc import Iterable

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kompas.assessments.models import AssessmentStatus, NormScore, SelfAssessment
from kompas.boards.access import BoardAccess
from kompas.boards.roles import Action
from kompas.boards.todo import Task, Urgency

# A norm still needs its assignee while it has neither a level nor "not applicable", or its
# carried-over value is not yet confirmed (docs/scoring.md, "assessed").
STILL_OPEN = Q(level__isnull=True, not_applicable=False) | Q(to_confirm=True)


def evaluation_work(access: BoardAccess, now: datetime.datetime) -> Iterable[Task]:
    """Open norms assigned to the person per draft, and approvals owed (two queries)."""
    board_id = access.board.pk
    tasks = []
    if access.may(Action.EDIT):
        for assessment_id, period, version, count in (
            NormScore.objects.filter(
                STILL_OPEN,
                assessment__board_id=board_id,
                assessment__status=AssessmentStatus.DRAFT,
                assignee_id=access.membership.user_id,
            )
            .values_list("assessment", "assessment__period", "assessment__version")
            .annotate(count=Count("pk"))
            .order_by("assessment__period", "assessment__version")
        ):
            label = f"{period} (v{version})" if version > 1 else period
            tasks.append(
                Task(
                    urgency=Urgency.OPEN,
                    title=ngettext(
                        "%(count)d norm assigned to you is still open in self-evaluation "
                        "%(evaluation)s",
                        "%(count)d norms assigned to you are still open in self-evaluation "
                        "%(evaluation)s",
                        count,
                    )
                    % {"count": count, "evaluation": label},
                    url=reverse("assessments:overview", args=[board_id, assessment_id]),
                )
            )
    if access.may(Action.APPROVE):
        for assessment in SelfAssessment.objects.filter(
            board_id=board_id, status=AssessmentStatus.SUBMITTED
        ).order_by("submitted_at", "pk"):
            tasks.append(
                Task(
                    urgency=Urgency.WAITING,
                    title=_("Self-evaluation %(evaluation)s waits for your approval")
                    % {"evaluation": assessment.label},
                    url=reverse("assessments:overview", args=[board_id, assessment.pk]),
                    due=assessment.submitted_at,
                )
            )
    return tasks
