"""Reads of the issued supervisory-board reports: every reader of the board's reports sees all.

Issued reports are drawn up from approved data only, so the supervisory board sees every one.
"""

from django.db.models import QuerySet

from kompas.boards.access import BoardAccess, access_board_object
from kompas.reports.models import IssuedReport


def issued_reports_of(*, access: BoardAccess) -> QuerySet[IssuedReport]:
    """The board's issued reports, latest meeting first; one query, whatever their number."""
    return IssuedReport.objects.filter(board=access.board).select_related(
        "issued_by", "assessment", "plan_version"
    )


def get_issued_report(*, access: BoardAccess, issued_id: int) -> IssuedReport:
    """One of the board's issued reports; another board's answers 404."""
    return access_board_object(
        access=access, queryset=issued_reports_of(access=access), pk=issued_id
    )
