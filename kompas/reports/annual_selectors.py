"""Reads of the annual-report paragraphs: who sees which."""

from django.db.models import QuerySet

from kompas.boards.access import BoardAccess, access_board_object
from kompas.boards.roles import Action
from kompas.reports.models import AnnualReport, AnnualReportStatus


def annual_reports_of(*, access: BoardAccess) -> QuerySet[AnnualReport]:
    """The board's paragraphs; a role that may read only reports sees the approved ones only."""
    reports = AnnualReport.objects.filter(board=access.board).select_related(
        "approved_by", "updated_by", "created_by"
    )
    if not access.may(Action.VIEW):
        reports = reports.filter(status=AnnualReportStatus.APPROVED)
    return reports


def get_annual_report(*, access: BoardAccess, report_id: int) -> AnnualReport:
    """A paragraph the person may see; another board's, or a draft for a supervisor, is 404."""
    return access_board_object(
        access=access, queryset=annual_reports_of(access=access), pk=report_id
    )


def versions_of_year(*, report: AnnualReport) -> QuerySet[AnnualReport]:
    """Every version of the report's year, newest first, drafts included (for the page)."""
    return AnnualReport.objects.filter(board_id=report.board_id, year=report.year).select_related(
        "approved_by"
    )
