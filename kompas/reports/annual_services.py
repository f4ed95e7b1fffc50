"""Writes to annual-report paragraphs: draft (or regenerate), edit, approve, new version.

An approved paragraph never changes: the services refuse, and the model refuses whatever else
tries. A change after approval is a new version, which the executive approves again.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kompas.accounts.models import User
from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record
from kompas.boards.access import BoardAccess
from kompas.boards.models import Board
from kompas.boards.roles import Action
from kompas.reports.annual import annual_text, printable
from kompas.reports.models import AnnualReport, AnnualReportStatus, ApprovedError

# Boards report on information security and privacy since reporting year 2024 (BRIEF 1).
FIRST_YEAR = 2024
TEXT_MAX_LENGTH = 20_000


class AnnualReportConflict(Exception):
    """A colleague saved the paragraph after this form was opened; nothing was overwritten."""

    def __init__(self, current: AnnualReport) -> None:
        super().__init__("The paragraph was changed by someone else.")
        self.current = current


def _require(access: BoardAccess, action: Action) -> None:
    if not access.may(action):
        raise PermissionDenied(f"Your role may not {action}.")


def _refuse_approved(report: AnnualReport) -> None:
    if report.is_approved:
        raise ApprovedError(
            _("The paragraph for %(year)d is approved and never changes; make a new version.")
            % {"year": report.year}
        )


def _record(
    access: BoardAccess, actor: User, action: str, report: AnnualReport, changes: Any
) -> None:
    audit_record(action=action, actor=actor, board_id=access.board.pk, obj=report, changes=changes)


def annual_report_draft(
    *, access: BoardAccess, actor: User, year: int, today: datetime.date | None = None
) -> AnnualReport:
    """The year's draft with a text freshly generated from the data: new, or regenerated.

    Regenerating replaces `generated_text`; the person's text is kept, unless it is still
    exactly the text generated before, in which case it follows the new one.
    """
    _require(access, Action.EDIT)
    today = today or timezone.localdate()
    if not FIRST_YEAR <= year <= today.year:
        raise ValidationError(
            {
                "year": _("Choose a year from %(first)d to %(last)d.")
                % {"first": FIRST_YEAR, "last": today.year}
            }
        )
    with transaction.atomic():
        # One board's drafts are made one at a time, so two clicks never make two version 1s.
        Board.objects.select_for_update().get(pk=access.board.pk)
        latest = (
            AnnualReport.objects.select_for_update()
            .filter(board=access.board, year=year)
            .order_by("-version")
            .first()
        )
        if latest is not None:
            _refuse_approved(latest)
        generated = annual_text(board=access.board, year=year, today=today)
        if latest is None:
            report = AnnualReport.objects.create(
                board=access.board,
                year=year,
                text=generated,
                generated_text=generated,
                created_by=actor,
            )
            _record(access, actor, AuditAction.CREATE, report, {"year": [None, year]})
            return report
        changes = {}
        if latest.generated_text != generated:
            changes["generated_text"] = [latest.generated_text, generated]
            if latest.text == latest.generated_text:
                changes["text"] = [latest.text, generated]
                latest.text = generated
            latest.generated_text = generated
            _save(latest, actor, ["text", "generated_text"])
            _record(access, actor, AuditAction.UPDATE, latest, changes)
    return latest


def _save(report: AnnualReport, actor: User, fields: list[str]) -> None:
    report.revision += 1
    report.updated_by = actor
    report.updated_at = timezone.now()
    report.save(update_fields=[*fields, "revision", "updated_by", "updated_at"])


def annual_report_update(
    *, access: BoardAccess, actor: User, report: AnnualReport, revision: int, text: str
) -> AnnualReport:
    """Save the edited text if nobody saved since `revision`; else raise AnnualReportConflict."""
    _require(access, Action.EDIT)
    text = printable(text).strip()
    if not text:
        raise ValidationError({"text": _("The paragraph cannot be empty.")})
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError(
            {"text": _("Keep the paragraph under %(max)d characters.") % {"max": TEXT_MAX_LENGTH}}
        )
    with transaction.atomic():
        current = AnnualReport.objects.select_for_update().get(pk=report.pk, board=access.board)
        _refuse_approved(current)
        if current.revision != revision:
            raise AnnualReportConflict(current)
        if current.text != text:
            changes = {"text": [current.text, text]}
            current.text = text
            _save(current, actor, ["text"])
            _record(access, actor, AuditAction.UPDATE, current, changes)
    return current


def annual_report_approve(
    *, access: BoardAccess, actor: User, report: AnnualReport
) -> AnnualReport:
    """The executive approves the paragraph as it stands; from now on it never changes."""
    _require(access, Action.APPROVE)
    with transaction.atomic():
        current = AnnualReport.objects.select_for_update().get(pk=report.pk, board=access.board)
        _refuse_approved(current)
        current.status = AnnualReportStatus.APPROVED
        current.approved_by = actor
        current.approved_at = timezone.now()
        current.save(update_fields=["status", "approved_by", "approved_at"])
        _record(
            access,
            actor,
            AuditAction.APPROVE,
            current,
            {"status": [AnnualReportStatus.DRAFT, AnnualReportStatus.APPROVED]},
        )
    return current


def annual_report_new_version(
    *, access: BoardAccess, actor: User, report: AnnualReport
) -> AnnualReport:
    """A draft version+1 with the approved text, to change it; the approved one is kept."""
    _require(access, Action.EDIT)
    with transaction.atomic():
        Board.objects.select_for_update().get(pk=access.board.pk)
        current = AnnualReport.objects.get(pk=report.pk, board=access.board)
        if not current.is_approved:
            raise ValidationError(
                _("A draft is edited as it is; only an approved one gets a new version.")
            )
        latest = (
            AnnualReport.objects.filter(board=access.board, year=current.year)
            .order_by("-version")
            .first()
        )
        assert latest is not None  # `current` itself is one
        if latest.pk != current.pk:
            raise ValidationError(
                _("There is already a version %(version)d for %(year)d.")
                % {"version": latest.version, "year": current.year}
            )
        created = AnnualReport.objects.create(
            board=access.board,
            year=current.year,
            version=current.version + 1,
            text=current.text,
            generated_text=current.generated_text,
            created_by=actor,
        )
        _record(
            access,
            actor,
            AuditAction.CREATE,
            created,
            {"version": [current.version, created.version]},
        )
    return created
