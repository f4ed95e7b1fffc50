"""Issuing the supervisory-board report for a meeting, and opening an issued one.

The PDF is rendered once, when it is issued, and stored beside the evidence files, pinned by its
SHA-256 and size: what the supervisory board was shown can be downloaded later byte for byte,
whatever happened to the board's data since. One report per meeting (board, date and name): a
double submit or two coordinators at once get a clear refusal, not a second report.
"""

import datetime
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kompas.accounts.models import User
from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record
from kompas.boards.access import BoardAccess
from kompas.boards.roles import Action
from kompas.core.text import find_forbidden
from kompas.reports.models import MEETING_NAME_MAX, IssuedReport

# The report is drawn up from today's data, so the meeting it is for lies near today.
MEETING_WITHIN_DAYS = 366


class IssuedReportDamaged(Exception):
    """The stored file of an issued report no longer matches its size and SHA-256."""


def _require(access: BoardAccess, action: Action) -> None:
    if not access.may(action):
        raise PermissionDenied(f"Your role may not {action}.")


def _clean_name(raw: str) -> str:
    """The meeting's name on one line: runs of spaces, tabs and line breaks become one space."""
    return " ".join(raw.split())


def _checked_meeting(
    *, meeting_date: datetime.date | None, meeting_name: str, today: datetime.date
) -> datetime.date:
    """The meeting's date once date and name are acceptable; else every problem at once."""
    errors: dict[str, str] = {}
    if meeting_date is None:
        errors["meeting_date"] = _("Give the date of the meeting.")
    elif abs((meeting_date - today).days) > MEETING_WITHIN_DAYS:
        errors["meeting_date"] = _(
            "Give a meeting date within a year of today: the report is drawn up from today's data."
        )
    if not meeting_name:
        errors["meeting_name"] = _("Give the name of the meeting.")
    elif len(meeting_name) > MEETING_NAME_MAX:
        errors["meeting_name"] = _(
            "Keep the name of the meeting to %(count)d characters; this one has %(length)d."
        ) % {"count": MEETING_NAME_MAX, "length": len(meeting_name)}
    elif problem := find_forbidden(meeting_name):
        errors["meeting_name"] = problem.message()
    if errors or meeting_date is None:
        raise ValidationError(errors)
    return meeting_date


def _already_issued(meeting_date: datetime.date, meeting_name: str) -> ValidationError:
    return ValidationError(
        {
            "meeting_name": _(
                "A report was already issued for %(meeting)s on %(date)s. It is kept as it "
                "was; to issue another for the same meeting, give it a name of its own."
            )
            % {"meeting": meeting_name, "date": date_format(meeting_date)}
        }
    )


def report_issue(
    *,
    access: BoardAccess,
    actor: User,
    meeting_date: datetime.date | None,
    meeting_name: str,
    today: datetime.date | None = None,
) -> IssuedReport:
    """Render the supervisory-board report once for a meeting and keep it as it was issued."""
    # The PDF machinery takes half a second to import: only processes that render pay it.
    from kompas.reports.pdf import Meeting, render_pdf_pages, supervisory_report  # noqa: PLC0415

    _require(access, Action.ISSUE_REPORTS)
    today = today or timezone.localdate()
    name = _clean_name(meeting_name)
    meeting_date = _checked_meeting(meeting_date=meeting_date, meeting_name=name, today=today)
    if IssuedReport.objects.filter(
        board=access.board, meeting_date=meeting_date, meeting_name__iexact=name
    ).exists():
        raise _already_issued(meeting_date, name)
    report = supervisory_report(board=access.board, today=today)
    if report is None:
        raise ValidationError(
            _(
                "There is no approved self-evaluation yet, so there is no report to issue. "
                "Once the executive has approved one, the report can be issued."
            )
        )
    report.meeting = Meeting(date=meeting_date, name=name, issued_by=str(actor), issued_on=today)
    content, pages = render_pdf_pages(report=report)
    row = IssuedReport(
        board=access.board,
        meeting_date=meeting_date,
        meeting_name=name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        pages=pages,
        assessment=report.assessment,
        plan_version=report.plan_version,
        drawn_up_on=today,
        issued_by=actor,
    )
    row.file.save("report.pdf", ContentFile(content), save=False)  # a random name, see the model
    try:
        with transaction.atomic():
            row.save()
            audit_record(
                action=AuditAction.CREATE,
                actor=actor,
                board_id=access.board.pk,
                obj=row,
                changes={
                    "meeting_date": [None, str(meeting_date)],
                    "meeting_name": [None, name],
                    "assessment": [None, str(report.assessment)],
                    "plan_version": [
                        None,
                        report.plan_version.number if report.plan_version else None,
                    ],
                    "pages": [None, pages],
                    "size": [None, row.size],
                    "sha256": [None, row.sha256],
                },
            )
    except IntegrityError:
        # Someone issued the same meeting's report a moment earlier: theirs stands.
        row.file.storage.delete(str(row.file.name))
        raise _already_issued(meeting_date, name) from None
    except BaseException:
        row.file.storage.delete(str(row.file.name))
        raise
    return row


def issued_report_content(*, access: BoardAccess, actor: User, issued: IssuedReport) -> bytes:
    """The issued PDF exactly as stored, checked against its size and SHA-256; recorded."""
    _require(access, Action.VIEW_REPORTS)
    if issued.board_id != access.board.pk:
        raise PermissionDenied("Not a report of this board.")
    try:
        with issued.file.storage.open(str(issued.file.name), "rb") as handle:
            content = handle.read()
    except FileNotFoundError as missing:
        raise IssuedReportDamaged(
            f"The stored file of issued report {issued.pk} ({issued.file.name}) is missing."
        ) from missing
    if len(content) != issued.size or hashlib.sha256(content).hexdigest() != issued.sha256:
        raise IssuedReportDamaged(
            f"The stored file of issued report {issued.pk} ({issued.file.name}) no longer "
            "matches its SHA-256."
        )
    audit_record(
        action=AuditAction.EXPORT,
        actor=actor,
        board_id=access.board.pk,
        obj=issued,
        object_repr=f"{issued} (issued supervisory-board report, pdf)",
    )
    return content
