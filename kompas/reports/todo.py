"""The board home's item from the accountability reports (kompas.boards.todo): an annual-report
paragraph in draft, waiting for the executive's approval."""

import datetime
from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from kompas.boards.access import BoardAccess
from kompas.boards.roles import Action
from kompas.boards.todo import Task, Urgency
from kompas.reports.models import AnnualReport, AnnualReportStatus


def paragraphs_to_approve(access: BoardAccess, now: datetime.datetime) -> Iterable[Task]:
    """Draft annual-report paragraphs, for the executive (one query)."""
    if not access.may(Action.APPROVE):
        return []
    return [
        Task(
            urgency=Urgency.WAITING,
            title=_("The annual-report paragraph %(year)s waits for your approval")
            % {"year": report.year},
            url=reverse("reports:annual_report", args=[access.board.pk, report.pk]),
            due=report.updated_at or report.created_at,
        )
        for report in AnnualReport.objects.filter(
            board=access.board, status=AnnualReportStatus.DRAFT
        ).order_by("year", "version")
    ]
