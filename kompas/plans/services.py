"""Writes to the improvement plan: measures, progress, risk acceptances, deadline, approval.

Every write checks the role through the board access, validates before it saves, runs in one
transaction and leaves an event in the board's audit trail.
"""

import datetime
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kompas.accounts.models import User
from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record, diff
from kompas.boards.access import BoardAccess
from kompas.boards.models import Board, Membership
from kompas.boards.roles import Action
from kompas.core.text import check_text
from kompas.frameworks.models import ExampleMeasure, GrowthPhase, Norm
from kompas.plans.models import (
    Measure,
    MeasureNorm,
    MeasureStatus,
    MeasureUpdate,
    Plan,
    PlanVersion,
    Priority,
    RiskAcceptance,
)
from kompas.plans.selectors import current_assessment, plan_check, suggested_due_date


class MeasureConflict(Exception):
    """A colleague saved the measure after this form was opened; nothing was overwritten."""

    def __init__(self, current: Measure) -> None:
        super().__init__("The measure was changed by someone else.")
        self.current = current


@dataclass(frozen=True)
class MeasureData:
    title: str
    description: str
    owner_id: int | None
    start_date: datetime.date | None
    due_date: datetime.date
    status: str
    effort_days: Decimal | None
    cost_euros: Decimal | None
    priority: str


MEASURE_FIELDS = tuple(MeasureData.__dataclass_fields__)


def _require(access: BoardAccess, action: Action) -> None:
    if not access.may(action):
        raise PermissionDenied(f"Your role may not {action}.")


def _require_own(access: BoardAccess, owner_id: int | None) -> None:
    if not access.may_edit_item(owner_id):
        raise PermissionDenied("This board's contributors edit only the measures they own.")


def _validate(access: BoardAccess, data: MeasureData, links: dict[int, int]) -> None:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _("Give the measure a title.")
    if data.start_date and data.start_date > data.due_date:
        errors["start_date"] = _("The start lies after the due date.")
    if data.status not in MeasureStatus.values:
        errors["status"] = _("Choose a status.")
    if (
        data.owner_id is not None
        and not Membership.objects.filter(board=access.board, user_id=data.owner_id, is_active=True)
        .exclude(ends_on__lt=timezone.localdate())
        .exists()
    ):
        errors["owner"] = _("The owner must be a member of this board.")
    if not links:
        errors["norms"] = _("Link the measure to at least one norm.")
    elif any(not 1 <= level <= 5 for level in links.values()):
        errors["norms"] = _("A measure brings a norm to a level from 1 to 5.")
    else:
        assessment = current_assessment(board=access.board)
        known = set(
            Norm.objects.filter(
                pk__in=links,
                framework_version_id=assessment.framework_version_id if assessment else None,
            ).values_list("pk", flat=True)
        )
        if known != set(links):
            errors["norms"] = _("Link only norms of the framework this board evaluates against.")
    if errors:
        raise ValidationError(errors)


def _record(access: BoardAccess, actor: User, action: str, obj: Any, changes: Any) -> None:
    audit_record(action=action, actor=actor, board_id=access.board.pk, obj=obj, changes=changes)


def _link_changes(measure: Measure, links: dict[int, int]) -> dict[str, list[Any]]:
    before = {link.norm.code: link.target_level for link in measure.links.select_related("norm")}
    codes = dict(Norm.objects.filter(pk__in=links).values_list("pk", "code"))
    after = {codes[norm_id]: level for norm_id, level in links.items()}
    return {"norms": [before, after]} if before != after else {}


def _set_links(measure: Measure, links: dict[int, int]) -> None:
    measure.links.all().delete()
    MeasureNorm.objects.bulk_create(
        MeasureNorm(measure=measure, norm_id=norm_id, target_level=level)
        for norm_id, level in links.items()
    )


def measure_create(
    *, access: BoardAccess, actor: User, data: MeasureData, links: dict[int, int]
) -> Measure:
    """A new measure in the plan, linked to norms with the level it brings each to."""
    _require(access, Action.EDIT)
    _validate(access, data, links)
    if access.limited_to_own and data.owner_id != access.membership.user_id:
        raise ValidationError(
            {"owner": _("Contributors of this board own the measures they make: choose yourself.")}
        )
    with transaction.atomic():
        measure = Measure.objects.create(
            board=access.board,
            created_by=actor,
            updated_by=actor,
            updated_at=timezone.now(),
            completed_at=timezone.localdate() if data.status == MeasureStatus.DONE else None,
            **asdict(data),
        )
        changes = _link_changes(measure, links)
        _set_links(measure, links)
        _record(
            access,
            actor,
            AuditAction.CREATE,
            measure,
            {**diff({}, _jsonable(asdict(data))), **changes},
        )
    return measure


def measure_update(
    *,
    access: BoardAccess,
    actor: User,
    measure: Measure,
    revision: int,
    data: MeasureData,
    links: dict[int, int],
) -> Measure:
    """Save a measure if nobody saved it since `revision`; else raise MeasureConflict."""
    _require(access, Action.EDIT)
    _validate(access, data, links)
    with transaction.atomic():
        current = Measure.objects.select_for_update().get(pk=measure.pk, board=access.board)
        _require_own(access, current.owner_id)
        if current.revision != revision:
            raise MeasureConflict(current)
        before = {name: getattr(current, name) for name in MEASURE_FIELDS}
        changes = diff(_jsonable(before), _jsonable(asdict(data)))
        changes |= _link_changes(current, links)
        if not changes:
            return current
        for name, value in asdict(data).items():
            setattr(current, name, value)
        _track_completion(current, before["status"])
        current.revision += 1
        current.updated_by = actor
        current.updated_at = timezone.now()
        current.save()
        _set_links(current, links)
        _record(access, actor, AuditAction.UPDATE, current, changes)
    return current


def _track_completion(measure: Measure, previous_status: str) -> None:
    """Remember when a measure was done: the projection measures the pace with it."""
    if measure.status == MeasureStatus.DONE and previous_status != MeasureStatus.DONE:
        measure.completed_at = timezone.localdate()
    elif measure.status != MeasureStatus.DONE:
        measure.completed_at = None


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: str(value) if isinstance(value, (datetime.date, Decimal)) else value
        for name, value in values.items()
    }


def measure_progress(
    *,
    access: BoardAccess,
    actor: User,
    measure: Measure,
    status: str,
    remark: str,
    progress: int | None = None,
    evidence_url: str = "",
) -> MeasureUpdate:
    """A progress note; it also moves the measure to the status it reports."""
    _require(access, Action.EDIT)
    _require_own(access, measure.owner_id)
    errors = {}
    if not remark.strip():
        errors["remark"] = _("Say what happened.")
    if status not in MeasureStatus.values:
        errors["status"] = _("Choose a status.")
    if progress is not None and not 0 <= progress <= 100:
        errors["progress"] = _("Progress is a percentage from 0 to 100.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Measure.objects.select_for_update().get(pk=measure.pk, board=access.board)
        update = MeasureUpdate.objects.create(
            measure=current,
            author=actor,
            status=status,
            progress=progress,
            remark=remark.strip(),
            evidence_url=evidence_url,
        )
        previous = current.status
        if status != previous:
            current.status = status
            _track_completion(current, previous)
            current.revision += 1
            current.updated_by = actor
            current.updated_at = timezone.now()
            current.save(
                update_fields=["status", "completed_at", "revision", "updated_by", "updated_at"]
            )
        _record(
            access,
            actor,
            AuditAction.UPDATE,
            current,
            {"progress": [None, remark.strip()], **diff({"status": previous}, {"status": status})},
        )
    return update


def measure_from_suggestion(
    *, access: BoardAccess, actor: User, example: ExampleMeasure
) -> Measure:
    """One click on a suggestion: an editable measure for that norm, up to its target level."""
    _require(access, Action.EDIT)
    check = plan_check(board=access.board)
    gap = next((gap for gap in check.gaps if gap.score.norm_id == example.norm_id), None)
    if gap is None:
        raise ValidationError(_("This norm has no gap to close."))
    title = example.text if len(example.text) <= 300 else example.text[:299] + "…"
    phase = example.norm.growth_phase
    return measure_create(
        access=access,
        actor=actor,
        data=MeasureData(
            title=title,
            description=example.text,
            owner_id=actor.pk,
            start_date=None,
            due_date=suggested_due_date(
                phase=phase.number if phase else None,
                phases=GrowthPhase.objects.filter(
                    framework_version_id=example.norm.framework_version_id
                ).count(),
                deadline=check.deadline,
                today=timezone.localdate(),
            ),
            status=MeasureStatus.PLANNED,
            effort_days=None,
            cost_euros=None,
            priority=Priority.MEDIUM,
        ),
        links={example.norm_id: gap.score.target_level},
    )


def plan_set_deadline(*, access: BoardAccess, actor: User, deadline: datetime.date) -> Plan:
    """The date every gap must be covered by; 31 December 2030 unless the board sets another."""
    _require(access, Action.MANAGE_BOARD)
    with transaction.atomic():
        plan, _created = Plan.objects.select_for_update().get_or_create(board=access.board)
        if plan.deadline == deadline:
            return plan
        before = plan.deadline
        plan.deadline = deadline
        plan.save(update_fields=["deadline", "updated_at"])
        _record(access, actor, AuditAction.UPDATE, plan, {"deadline": [str(before), str(deadline)]})
    return plan


def _check_risk(access: BoardAccess, norm: Norm, reason: str, review_date: datetime.date) -> None:
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Explain why this risk is accepted.")
    if review_date <= timezone.localdate():
        errors["review_date"] = _("The review date must lie in the future.")
    if not any(gap.score.norm_id == norm.pk for gap in plan_check(board=access.board).gaps):
        errors["norm"] = _("This norm has no gap: there is no risk to accept.")
    if errors:
        raise ValidationError(errors)


def risk_propose(
    *,
    access: BoardAccess,
    actor: User,
    norm: Norm,
    reason: str,
    review_date: datetime.date,
) -> RiskAcceptance:
    """The coordinator asks the executive to accept a gap; until then it covers nothing."""
    _require(access, Action.PROPOSE_RISK)
    _check_risk(access, norm, reason, review_date)
    with transaction.atomic():
        _lock_norm(access, norm)
        acceptance = RiskAcceptance.objects.create(
            board=access.board,
            norm=norm,
            reason=reason.strip(),
            review_date=review_date,
            proposed_by=actor,
            proposed_at=timezone.now(),
        )
        _record(
            access,
            actor,
            AuditAction.CREATE,
            acceptance,
            {
                "status": [None, "proposed"],
                "reason": [None, acceptance.reason],
                "review_date": [None, str(review_date)],
            },
        )
    return acceptance


def risk_accept(
    *,
    access: BoardAccess,
    actor: User,
    norm: Norm,
    reason: str,
    review_date: datetime.date,
) -> RiskAcceptance:
    """The executive leaves a gap open on purpose, with a reason and a date to look again.

    A proposal for the norm is accepted as the executive words it; otherwise a new acceptance
    is made.
    """
    _require(access, Action.ACCEPT_RISK)
    _check_risk(access, norm, reason, review_date)
    with transaction.atomic():
        current = _lock_norm(access, norm, proposal_allowed=True)
        if current is None:
            acceptance = RiskAcceptance.objects.create(
                board=access.board,
                norm=norm,
                reason=reason.strip(),
                review_date=review_date,
                accepted_by=actor,
                accepted_at=timezone.now(),
            )
            changes: dict[str, list[Any]] = {
                "reason": [None, acceptance.reason],
                "review_date": [None, str(review_date)],
            }
        else:
            acceptance = current
            before = {"reason": acceptance.reason, "review_date": str(acceptance.review_date)}
            acceptance.reason = reason.strip()
            acceptance.review_date = review_date
            acceptance.accepted_by = actor
            acceptance.accepted_at = timezone.now()
            acceptance.save(update_fields=["reason", "review_date", "accepted_by", "accepted_at"])
            changes = {
                "status": ["proposed", "accepted"],
                **diff(before, {"reason": acceptance.reason, "review_date": str(review_date)}),
            }
        _record(access, actor, AuditAction.APPROVE, acceptance, changes)
    return acceptance


def _lock_norm(
    access: BoardAccess, norm: Norm, *, proposal_allowed: bool = False
) -> RiskAcceptance | None:
    """The open proposal for the norm, locked; refused when the risk is already taken care of."""
    # The board's row serialises decisions on its risks: without it two first proposals could
    # both find nothing and the second would fail on the unique constraint.
    Board.objects.select_for_update().filter(pk=access.board.pk).first()
    current = (
        RiskAcceptance.objects.select_for_update()
        .filter(board=access.board, norm=norm, withdrawn_at__isnull=True)
        .first()
    )
    if current is None:
        return None
    if current.accepted_at is not None:
        raise ValidationError(_("This risk is already accepted."))
    if not proposal_allowed:
        raise ValidationError(_("This risk is already proposed; the executive decides on it."))
    return current


def risk_withdraw(*, access: BoardAccess, actor: User, acceptance: RiskAcceptance) -> None:
    """End an acceptance or decline a proposal; the gap is open again. Nothing is erased.

    The executive ends either; the coordinator may take back a proposal not yet decided.
    """
    with transaction.atomic():
        current = RiskAcceptance.objects.select_for_update().get(
            pk=acceptance.pk, board=access.board
        )
        if not (
            access.may(Action.ACCEPT_RISK)
            or (current.is_proposal and access.may(Action.PROPOSE_RISK))
        ):
            raise PermissionDenied("Your role may not withdraw this risk acceptance.")
        if current.withdrawn_at is not None:
            return
        was = "proposed" if current.is_proposal else "accepted"
        current.withdrawn_at = timezone.now()
        current.withdrawn_by = actor
        current.save(update_fields=["withdrawn_at", "withdrawn_by"])
        _record(
            access,
            actor,
            AuditAction.UPDATE,
            current,
            {"status": [was, "declined" if was == "proposed" else "withdrawn"]},
        )


def _approvable(board: Any) -> Any:
    """The plan's check, refused while there is nothing to approve or a gap is open."""
    check = plan_check(board=board)
    if check.assessment is None:
        raise ValidationError(_("There is no self-evaluation to base the plan on."))
    if check.open:
        raise ValidationError(
            _("Not every gap is covered: %(codes)s.")
            % {"codes": ", ".join(gap.code for gap in check.open)}
        )
    return check


def plan_submit(*, access: BoardAccess, actor: User) -> Plan:
    """The coordinator asks the executive to approve the plan; it must cover every gap."""
    _require(access, Action.MANAGE_BOARD)
    with transaction.atomic():
        plan, _created = Plan.objects.select_for_update().get_or_create(board=access.board)
        if plan.is_submitted:
            raise ValidationError(_("The plan is already waiting for approval."))
        _approvable(access.board)
        plan.submitted_at, plan.submitted_by = timezone.now(), actor
        plan.sent_back_reason = ""
        plan.save(update_fields=["submitted_at", "submitted_by", "sent_back_reason"])
        _record(access, actor, AuditAction.UPDATE, plan, {"status": ["draft", "submitted"]})
    return plan


def plan_send_back(*, access: BoardAccess, actor: User, reason: str) -> Plan:
    """Instead of approving, the executive sends the submitted plan back with a reason."""
    _require(access, Action.APPROVE)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you send the plan back.")})
    check_text(reason, field="reason", unstorable_only=True)
    with transaction.atomic():
        plan, _created = Plan.objects.select_for_update().get_or_create(board=access.board)
        if not plan.is_submitted:
            raise ValidationError(_("Only a plan that waits for approval can be sent back."))
        plan.submitted_at, plan.submitted_by = None, None
        plan.sent_back_reason = reason.strip()
        plan.save(update_fields=["submitted_at", "submitted_by", "sent_back_reason"])
        _record(
            access,
            actor,
            AuditAction.UPDATE,
            plan,
            {"status": ["submitted", "draft"], "reason": ["", plan.sent_back_reason]},
        )
    return plan


def plan_approve(*, access: BoardAccess, actor: User, note: str = "") -> PlanVersion:
    """The executive approves the plan as it stands; refused while a gap is open.

    A plan need not have been submitted: the executive may approve it directly. Approving ends
    a pending request for approval.
    """
    _require(access, Action.APPROVE)
    check_text(note, field="note", unstorable_only=True)
    with transaction.atomic():
        plan, _created = Plan.objects.select_for_update().get_or_create(board=access.board)
        check = _approvable(access.board)
        if plan.is_submitted:
            plan.submitted_at, plan.submitted_by = None, None
            plan.save(update_fields=["submitted_at", "submitted_by"])
        latest = PlanVersion.objects.filter(board=access.board).order_by("-number").first()
        version = PlanVersion.objects.create(
            board=access.board,
            number=(latest.number if latest else 0) + 1,
            assessment=check.assessment,
            deadline=plan.deadline,
            approved_by=actor,
            note=note.strip(),
            snapshot=snapshot(check=check, board_id=access.board.pk),
        )
        _record(
            access,
            actor,
            AuditAction.APPROVE,
            version,
            {"version": [None, version.number], "assessment": [None, str(check.assessment)]},
        )
    return version


SNAPSHOT_SCHEMA = 1


def snapshot(*, check: Any, board_id: int) -> dict[str, Any]:
    """The plan as approved: its measures with their norms, the accepted risks and the gaps."""
    measures = (
        Measure.objects.filter(board_id=board_id)
        .select_related("owner")
        .prefetch_related("links__norm")
        .order_by("due_date", "pk")
    )
    return {
        "schema": SNAPSHOT_SCHEMA,
        "deadline": str(check.deadline),
        "assessment": str(check.assessment),
        "measures": [
            {
                "id": measure.pk,
                "title": measure.title,
                "owner": str(measure.owner) if measure.owner else "",
                "start_date": str(measure.start_date or ""),
                "due_date": str(measure.due_date),
                "status": measure.status,
                "effort_days": str(measure.effort_days or ""),
                "cost_euros": str(measure.cost_euros or ""),
                "priority": measure.priority,
                "norms": {link.norm.code: link.target_level for link in measure.links.all()},
            }
            for measure in measures
        ],
        "accepted_risks": [
            {
                "norm": gap.code,
                "reason": gap.acceptance.reason,
                "review_date": str(gap.acceptance.review_date),
            }
            for gap in check.accepted
        ],
        "gaps": [
            {
                "norm": gap.code,
                "level": gap.score.level,
                "target": gap.score.target_level,
                "priority": gap.priority,
                "covered_by": [measure.pk for measure in gap.measures],
            }
            for gap in check.gaps
        ],
    }
