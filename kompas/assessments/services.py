"""Writes to self-evaluations: start, score a norm, submit, approve, reopen."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kompas.accounts.models import User
from kompas.assessments.carry import create_scores
from kompas.assessments.models import (
    AssessmentStatus,
    FrozenError,
    NormScore,
    SelfAssessment,
)
from kompas.assessments.signals import assessment_started
from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record, diff
from kompas.boards.access import BoardAccess
from kompas.boards.models import Board
from kompas.boards.roles import Action
from kompas.boards.selectors import board_editors
from kompas.core.text import check_text
from kompas.frameworks.mappings import mapping_between
from kompas.frameworks.models import FrameworkVersion

SCORE_FIELDS = (
    "level",
    "target_level",
    "not_applicable",
    "not_applicable_reason",
    "explanation",
    "assignee_id",
)


class ScoreConflict(Exception):
    """A colleague saved the norm after this form was opened; nothing was overwritten."""

    def __init__(self, current: NormScore) -> None:
        super().__init__("The norm was changed by someone else.")
        self.current = current


# A contributor whose board limits them to their own norms (BoardAccess.may_edit_item).
ONLY_ASSIGNED = "This board's contributors edit only the norms assigned to them."


def _require(access: BoardAccess, action: Action) -> None:
    if not access.may(action):
        raise PermissionDenied(f"Your role may not {action}.")


def assessment_start(
    *,
    access: BoardAccess,
    actor: User,
    framework_version: FrameworkVersion,
    period: str,
    previous: SelfAssessment | None = None,
    start_empty: bool = False,
) -> SelfAssessment:
    """A new draft for a period, one score per norm; from `previous`, its work to confirm.

    From an evaluation on another framework version the work carries over through the mapping
    between the two versions (kompas.assessments.carry). Without one nothing can carry over,
    and the draft starts empty only when the caller confirms that with `start_empty`.
    """
    _require(access, Action.MANAGE_BOARD)
    period = period.strip()
    if not period:
        raise ValidationError({"period": _("Give the period, e.g. 2026 or 2025-2026.")})
    if previous is not None and previous.board_id != access.board.pk:
        raise PermissionDenied("That evaluation belongs to another board.")
    if SelfAssessment.objects.filter(
        board=access.board, framework_version=framework_version, period=period
    ).exists():
        raise ValidationError({"period": _("There is already an evaluation for this period.")})
    mapping = None
    if previous is not None and previous.framework_version_id != framework_version.pk:
        mapping = mapping_between(source=previous.framework_version, target=framework_version)
        if mapping is None and not start_empty:
            raise ValidationError({"start_empty": nothing_carries(previous, framework_version)})
        if mapping is None:
            previous = None
    with transaction.atomic():
        assessment = SelfAssessment.objects.create(
            board=access.board,
            framework_version=framework_version,
            period=period,
            started_from=previous,
            mapping=mapping,
            created_by=actor,
        )
        create_scores(assessment, previous, mapping=mapping, to_confirm=True)
        changes: dict[str, Any] = {
            "period": [None, period],
            "framework_version": [None, str(framework_version)],
            "started_from": [None, str(previous or "")],
        }
        if mapping is not None:
            changes["mapping"] = [None, str(mapping)]
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            board_id=access.board.pk,
            obj=assessment,
            changes=changes,
        )
        assessment_started.send(sender=SelfAssessment, assessment=assessment, actor=actor)
    return assessment


def nothing_carries(previous: SelfAssessment, version: FrameworkVersion) -> str:
    """Why nothing of `previous` can be taken into a period on `version`, and what to do."""
    return _(
        "There is no mapping from %(source)s to %(target)s, so nothing of %(period)s (levels, "
        "explanations, evidence) carries over. Tick “start empty” to begin without it, or ask "
        "the platform administrator to import a mapping first."
    ) % {
        "source": previous.framework_version,
        "target": version,
        "period": previous.period,
    }


@dataclass(frozen=True)
class ScoreChange:
    level: int | None
    target_level: int
    not_applicable: bool
    not_applicable_reason: str
    explanation: str
    assignee_id: int | None


def score_update(
    *, access: BoardAccess, actor: User, score: NormScore, revision: int, change: ScoreChange
) -> NormScore:
    """Save one norm's score if nobody saved it since `revision`; else raise ScoreConflict."""
    _require(access, Action.EDIT)
    errors = score_change_errors(change, minimum=score.assessment.framework_version.target_level)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The evaluation's row is locked too, so a save and a submit never interleave.
        current = (
            NormScore.objects.select_for_update(of=("self", "assessment"))
            .select_related("assessment__board", "norm")
            .get(pk=score.pk)
        )
        if not current.assessment.is_editable:
            raise FrozenError(_("This self-evaluation is submitted or approved."))
        if not access.may_edit_item(current.assignee_id):
            raise PermissionDenied(
                "This board's contributors edit only the norms assigned to them."
            )
        if current.revision != revision:
            raise ScoreConflict(current)
        if change.assignee_id not in (None, current.assignee_id) and not _is_member(
            access, change.assignee_id
        ):
            raise ValidationError(
                {"assignee": _("Assign the norm to a member of this board who may edit it.")}
            )
        _apply(current, change, actor=actor, board_id=access.board.pk)
    return current


def _is_member(access: BoardAccess, user_id: int) -> bool:
    """Whether the person is an active member who may edit: only they can take a norm on."""
    return board_editors(board=access.board).filter(user_id=user_id).exists()


def score_change_errors(change: ScoreChange, *, minimum: int) -> dict[str, str]:
    """What is wrong with a change, per field; the same rules for the form and the workbook."""
    errors: dict[str, str] = {}
    if change.level is not None and not 1 <= change.level <= 5:
        errors["level"] = _("Choose a level from 1 to 5.")
    if not minimum <= change.target_level <= 5:
        errors["target_level"] = _("The target level is at least %(minimum)s.") % {
            "minimum": minimum
        }
    if change.not_applicable and not change.not_applicable_reason.strip():
        errors["not_applicable_reason"] = _("Explain why this norm does not apply.")
    if change.not_applicable and change.level is not None:
        errors["level"] = _("A norm that does not apply has no level.")
    return errors


def _apply(current: NormScore, change: ScoreChange, *, actor: User, board_id: int) -> None:
    """Write a validated change to a locked score, with a new revision and an audit event."""
    before = {field: getattr(current, field) for field in SCORE_FIELDS}
    for field, value in vars(change).items():
        setattr(current, field, value)
    after = {field: getattr(current, field) for field in SCORE_FIELDS}
    changes = diff(before, after)
    if not changes and not current.to_confirm:
        return
    current.to_confirm = False
    current.revision += 1
    current.updated_by = actor
    current.updated_at = timezone.now()
    current.save()
    audit_record(
        action=AuditAction.UPDATE,
        actor=actor,
        board_id=board_id,
        obj=current,
        object_repr=f"{current.assessment} · {current.norm.code}",
        changes=changes,
    )


@dataclass(frozen=True)
class Confirmed:
    """What a bulk confirmation did: norms confirmed, and carried-over norms left (no level)."""

    confirmed: list[str]
    left: list[str]


def scores_confirm(
    *,
    access: BoardAccess,
    actor: User,
    assessment: SelfAssessment,
    domain_code: str | None = None,
) -> Confirmed:
    """Confirm every carried-over value still waiting, unchanged: of one domain, or all.

    Each norm gets its own audit event, as a save on the norm form would give. A value with
    nothing to confirm (no level, or not applicable without a reason) is left waiting: it needs
    the norm form; so is a value carried through a mapping from a norm that changed in scope
    (`NormScore.needs_review`). Values a colleague saved meanwhile are no longer waiting and
    are skipped.
    """
    _require(access, Action.EDIT)
    with transaction.atomic():
        locked = SelfAssessment.objects.select_for_update(of=("self",)).get(pk=assessment.pk)
        if not locked.is_editable:
            raise FrozenError(_("This self-evaluation is submitted or approved."))
        waiting = NormScore.objects.select_for_update(of=("self",)).filter(
            assessment=locked, to_confirm=True
        )
        if access.limited_to_own:
            waiting = waiting.filter(assignee_id=access.membership.user_id)
        if domain_code is not None:
            if not locked.framework_version.domains.filter(code=domain_code).exists():
                raise ValidationError(_("Unknown domain: %(code)s.") % {"code": domain_code})
            waiting = waiting.filter(norm__domain__code=domain_code)
        confirmed, left = [], []
        now = timezone.now()
        for score in waiting.select_related("norm").order_by("norm__position"):
            if not score.is_assessed or score.needs_review:
                left.append(score.norm.code)
                continue
            score.to_confirm = False
            score.revision += 1
            score.updated_by = actor
            score.updated_at = now
            score.save(update_fields=["to_confirm", "revision", "updated_by", "updated_at"])
            audit_record(
                action=AuditAction.UPDATE,
                actor=actor,
                board_id=access.board.pk,
                obj=score,
                object_repr=f"{locked} · {score.norm.code}",
                changes={"to_confirm": [True, False]},
            )
            confirmed.append(score.norm.code)
    return Confirmed(confirmed=confirmed, left=left)


class ImportConflict(Exception):
    """Norms changed between the preview of a workbook and its confirmation."""

    def __init__(self, codes: list[str]) -> None:
        super().__init__(f"Changed since the preview: {', '.join(codes)}")
        self.codes = codes


@dataclass(frozen=True)
class PlannedChange:
    """One norm's new values from a workbook, and the revision the preview compared against."""

    code: str
    revision: int
    change: ScoreChange


def scores_import(
    *,
    access: BoardAccess,
    actor: User,
    assessment: SelfAssessment,
    planned: list[PlannedChange],
) -> int:
    """Apply a previewed workbook in one transaction: all of it, or nothing.

    Every norm must still be at the revision the preview showed; if a colleague saved one in
    between, ImportConflict names it and nothing is written.
    """
    _require(access, Action.EDIT)
    if access.limited_to_own:
        raise PermissionDenied(ONLY_ASSIGNED)
    minimum = assessment.framework_version.target_level
    with transaction.atomic():
        locked = (
            SelfAssessment.objects.select_for_update(of=("self",))
            .select_related("board")
            .get(pk=assessment.pk)
        )
        if not locked.is_editable:
            raise FrozenError(_("This self-evaluation is submitted or approved."))
        current = {
            score.norm.code: score
            for score in NormScore.objects.select_for_update(of=("self",))
            .filter(assessment=locked, norm__code__in=[item.code for item in planned])
            .select_related("norm")
        }
        unknown = [item.code for item in planned if item.code not in current]
        if unknown:
            raise ValidationError(
                _("Unknown norm codes: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        stale = [item.code for item in planned if current[item.code].revision != item.revision]
        if stale:
            raise ImportConflict(stale)
        for item in planned:
            errors = score_change_errors(item.change, minimum=minimum)
            if errors:
                raise ValidationError(f"{item.code}: {' '.join(errors.values())}")
            score = current[item.code]
            score.assessment = locked
            _apply(score, item.change, actor=actor, board_id=access.board.pk)
    return len(planned)


def assessment_submit(*, access: BoardAccess, actor: User, assessment: SelfAssessment) -> None:
    """Send the evaluation to the executive; every norm must be assessed or not applicable."""
    _require(access, Action.MANAGE_BOARD)
    with transaction.atomic():
        assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
        if assessment.status != AssessmentStatus.DRAFT:
            raise FrozenError(_("Only a draft can be submitted."))
        open_codes = [
            score.norm.code
            for score in assessment.scores.select_related("norm")
            if not score.is_assessed or score.to_confirm
        ]
        if open_codes:
            raise ValidationError(
                _("Not yet assessed or confirmed: %(codes)s.") % {"codes": ", ".join(open_codes)}
            )
        _set_status(assessment, AssessmentStatus.SUBMITTED, actor, access)


def assessment_approve(*, access: BoardAccess, actor: User, assessment: SelfAssessment) -> None:
    """The executive approves a submitted evaluation; from now on it is frozen."""
    _require(access, Action.APPROVE)
    with transaction.atomic():
        assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
        if assessment.status != AssessmentStatus.SUBMITTED:
            raise FrozenError(_("Only a submitted evaluation can be approved."))
        _set_status(assessment, AssessmentStatus.APPROVED, actor, access)


def assessment_send_back(
    *, access: BoardAccess, actor: User, assessment: SelfAssessment, reason: str
) -> None:
    """Instead of approving, the executive sends the evaluation back to the coordinator."""
    _require(access, Action.APPROVE)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you send it back.")})
    check_text(reason, field="reason", unstorable_only=True)
    with transaction.atomic():
        assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
        if assessment.status != AssessmentStatus.SUBMITTED:
            raise FrozenError(_("Only a submitted evaluation can be sent back."))
        assessment.sent_back_reason = reason.strip()
        assessment.save(update_fields=["sent_back_reason"])
        _set_status(
            assessment,
            AssessmentStatus.DRAFT,
            actor,
            access,
            reason=assessment.sent_back_reason,
        )


def assessment_reopen(
    *, access: BoardAccess, actor: User, assessment: SelfAssessment, reason: str
) -> SelfAssessment:
    """A new draft version of an approved evaluation; the approved one stays as it was."""
    _require(access, Action.APPROVE)
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for reopening.")})
    check_text(reason, field="reason", unstorable_only=True)
    with transaction.atomic():
        # One reopening of the board's evaluations at a time: two at once (a double click, two
        # people) would otherwise both find no open version and both make one.
        Board.objects.select_for_update().only("pk").get(pk=access.board.pk)
        assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
        if assessment.status != AssessmentStatus.APPROVED:
            raise FrozenError(_("Only an approved evaluation is reopened; a draft can be edited."))
        versions = SelfAssessment.objects.filter(
            board=assessment.board,
            framework_version=assessment.framework_version,
            period=assessment.period,
        )
        still_open = versions.exclude(status=AssessmentStatus.APPROVED).order_by("-version").first()
        if still_open is not None:
            raise ValidationError(
                _(
                    "Version %(version)d of this evaluation is still open: continue there, or "
                    "have it approved before reopening again."
                )
                % {"version": still_open.version}
            )
        latest = versions.order_by("-version").first()
        reopened = SelfAssessment.objects.create(
            board=assessment.board,
            framework_version=assessment.framework_version,
            period=assessment.period,
            version=(latest.version if latest else assessment.version) + 1,
            started_from=assessment,
            reopen_reason=reason.strip(),
            created_by=actor,
        )
        create_scores(reopened, assessment, to_confirm=False)
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            board_id=access.board.pk,
            obj=reopened,
            changes={"reopened_from": [None, str(assessment)], "reason": [None, reason.strip()]},
        )
    return reopened


def _set_status(
    assessment: SelfAssessment,
    status: str,
    actor: User,
    access: BoardAccess,
    *,
    reason: str = "",
) -> None:
    before = assessment.status
    assessment.status = status
    now = timezone.now()
    fields = ["status"]
    if status == AssessmentStatus.SUBMITTED:
        assessment.submitted_at, assessment.submitted_by = now, actor
        assessment.sent_back_reason = ""
        fields += ["submitted_at", "submitted_by", "sent_back_reason"]
    if status == AssessmentStatus.APPROVED:
        assessment.approved_at, assessment.approved_by = now, actor
        fields += ["approved_at", "approved_by"]
    assessment.save(update_fields=fields)
    audit_record(
        action=AuditAction.APPROVE if status == AssessmentStatus.APPROVED else AuditAction.UPDATE,
        actor=actor,
        board_id=access.board.pk,
        obj=assessment,
        changes={"status": [before, status], **({"reason": ["", reason]} if reason else {})},
    )
