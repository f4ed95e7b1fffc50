"""Writes to monitoring: open a round, submit a board's snapshot, grant and withdraw consent,
and the board's record of the sector services it uses."""

import datetime
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import BaseExpression
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kompas.accounts.models import User
from kompas.assessments.carry import translated_scores
from kompas.assessments.models import AssessmentStatus, SelfAssessment
from kompas.assessments.selectors import approval_order, period_year
from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record, diff
from kompas.boards.access import BoardAccess, has_sector_role
from kompas.boards.models import Board, BoardSector
from kompas.boards.roles import Action, SectorRole
from kompas.core.text import find_forbidden
from kompas.frameworks.mappings import mapping_between
from kompas.frameworks.models import FrameworkVersion, Norm
from kompas.incidents.models import Incident, IncidentKind
from kompas.monitoring.models import (
    Audience,
    Consent,
    MonitoringRound,
    Release,
    ReleaseStatus,
    RoundStatus,
    SectorService,
    ServiceUse,
    SizeClass,
    Submission,
    SubmissionCell,
    SubmittedDomain,
    SubmittedScore,
    SubmittedService,
    UptakeStatus,
)
from kompas.monitoring.snapshots import ScoreFacts, summarise
from kompas.plans.models import OPEN_STATUSES, PlanVersion
from kompas.plans.roadmap import projection
from kompas.plans.selectors import plan_check

SECTOR_CODES = ("PO", "VO", "SO", "VSO")
# A submission counts the personal-data breaches of the year before it (the sector's counts).
BREACH_WINDOW = datetime.timedelta(days=365)
# Pupils at the upper bound of the small and medium classes.
SMALL_UP_TO, MEDIUM_UP_TO = 1_000, 5_000


def size_class(pupils: int) -> str:
    if pupils <= SMALL_UP_TO:
        return SizeClass.SMALL
    return SizeClass.MEDIUM if pupils <= MEDIUM_UP_TO else SizeClass.LARGE


def round_open(
    *,
    actor: User,
    name: str,
    framework_version: FrameworkVersion,
    period: str,
    sectors: list[str],
    closes_on: datetime.date | None = None,
) -> MonitoringRound:
    """The programme analyst opens a round for some sectors."""
    if not has_sector_role(actor, SectorRole.PROGRAMME_ANALYST):
        raise PermissionDenied("Only the programme analyst opens monitoring rounds.")
    errors = {}
    if not name.strip():
        errors["name"] = _("Give the round a name.")
    if not period.strip():
        errors["period"] = _("Give the period, e.g. 2026 or 2025-2026.")
    if not sectors or set(sectors) - set(SECTOR_CODES):
        errors["sectors"] = _("Choose one or more of the sectors PO, VO, SO and VSO.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        round_ = MonitoringRound.objects.create(
            name=name.strip(),
            framework_version=framework_version,
            period=period.strip(),
            sectors=sorted(set(sectors)),
            opened_by=actor,
            closes_on=closes_on,
        )
        audit_record(action=AuditAction.CREATE, actor=actor, obj=round_)
    return round_


def release_request(*, actor: User, round_: MonitoringRound, final: bool = False) -> Release:
    """The analyst asks for a release of a round's figures as of now; the worker computes it.

    Interim releases are for open rounds, at most MONITORING_INTERIM_RELEASES of them; the final
    one is made when the round closes (`round_close`). One release is computed at a time.
    """
    if not has_sector_role(actor, SectorRole.PROGRAMME_ANALYST):
        raise PermissionDenied("Only the programme analyst makes releases.")
    with transaction.atomic():
        current = MonitoringRound.objects.select_for_update().get(pk=round_.pk)
        releases = Release.objects.filter(round=current)
        if not final and current.status != RoundStatus.OPEN:
            raise ValidationError(_("This round is closed: its final release has been made."))
        if releases.filter(status=ReleaseStatus.PENDING).exists():
            raise ValidationError(_("A release of this round is still being computed."))
        interim = releases.filter(final=False, status=ReleaseStatus.PUBLISHED).count()
        if not final and interim >= settings.MONITORING_INTERIM_RELEASES:
            raise ValidationError(
                ngettext(
                    "A round has at most %(count)d interim release; the next is the final one.",
                    "A round has at most %(count)d interim releases; the next is the final one.",
                    settings.MONITORING_INTERIM_RELEASES,
                )
                % {"count": settings.MONITORING_INTERIM_RELEASES}
            )
        release = Release.objects.create(
            round=current,
            number=current.next_release_number(),
            final=final,
            requested_by=actor,
            as_of=timezone.now(),
        )
        audit_record(action=AuditAction.CREATE, actor=actor, obj=release)
    return release


def round_close(*, actor: User, round_: MonitoringRound) -> Release:
    """Close the round to submissions and ask for its final release."""
    if not has_sector_role(actor, SectorRole.PROGRAMME_ANALYST):
        raise PermissionDenied("Only the programme analyst closes monitoring rounds.")
    with transaction.atomic():
        current = MonitoringRound.objects.select_for_update().get(pk=round_.pk)
        if current.status != RoundStatus.OPEN:
            raise ValidationError(_("This round is already closed."))
        if Release.objects.filter(round=current, status=ReleaseStatus.PENDING).exists():
            raise ValidationError(_("A release of this round is still being computed."))
        current.status = RoundStatus.CLOSED
        current.closed_at = timezone.now()
        current.save(update_fields=["status", "closed_at"])
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            obj=current,
            changes={"status": [RoundStatus.OPEN, RoundStatus.CLOSED]},
        )
        return release_request(actor=actor, round_=current, final=True)


def _size_band() -> Case:
    """The lowest pupil count of a board's size class: the class, computed in the database."""
    return Case(
        When(pupil_count__lte=SMALL_UP_TO, then=Value(0)),
        When(pupil_count__lte=MEDIUM_UP_TO, then=Value(SMALL_UP_TO + 1)),
        default=Value(MEDIUM_UP_TO + 1),
        output_field=IntegerField(),
    )


def boards_by_cells(
    boards: QuerySet[Board], **answers: BaseExpression
) -> Iterator[tuple[list[tuple[str, str]], dict[str, Any]]]:
    """Boards grouped by what decides their cells (sectors, size class, region) and `answers`.

    One grouped query, a row per combination, never a row per board: each row's cells (as
    `board_cells` gives them), with its `answers` and its count of boards under "boards".
    """
    flags = {
        f"in_{code}": Exists(BoardSector.objects.filter(board=OuterRef("pk"), sector=code))
        for code in SECTOR_CODES
    }
    for row in (
        boards.annotate(band=_size_band(), **answers, **flags)
        .values("band", "region", *answers, *flags)
        .annotate(boards=Count("pk"))
        .order_by()
    ):
        stand_in = Board(pupil_count=row["band"], region=row["region"])
        yield board_cells(stand_in, [code for code in SECTOR_CODES if row[f"in_{code}"]]), row


def invited_per_cell(sectors: list[str]) -> dict[tuple[str, str], int]:
    """Per predefined cell, the active boards a round for `sectors` invites (public facts)."""
    invited: dict[tuple[str, str], int] = {}
    for cells, row in boards_by_cells(
        Board.objects.filter(is_active=True).filter(
            Exists(BoardSector.objects.filter(board=OuterRef("pk"), sector__in=sectors))
        )
    ):
        for cell in cells:
            invited[cell] = invited.get(cell, 0) + row["boards"]
    return invited


def board_cells(board: Board, sectors: list[str]) -> list[tuple[str, str]]:
    """The predefined cells a board falls in, as (cut, value), sorted: its signature."""
    cells = [("all", ""), ("size", size_class(board.pupil_count))]
    cells += [("sector", sector) for sector in sectors]
    if board.region:
        cells.append(("region", board.region))
    return sorted(cells)


def submission_create(
    *,
    access: BoardAccess,
    actor: User,
    round_: MonitoringRound,
    assessment: SelfAssessment,
    share_with: set[str],
) -> Submission:
    """Submit the board's approved evaluation and plan status to an open round, as a snapshot.

    When the board has submitted to the round already, `assessment` must be an approval newer
    than the one its current snapshot holds: the new snapshot then replaces that one in the
    round's next release, and both are kept (docs/monitoring.md, "Resubmitting"). `share_with`
    holds for the new snapshot; the earlier one's consents stay as they were.
    """
    if not access.may(Action.APPROVE):
        raise PermissionDenied("Only the executive submits to a monitoring round.")
    board = access.board
    sectors = sorted(board.sectors.values_list("sector", flat=True))
    if round_.status != RoundStatus.OPEN:
        raise ValidationError(_("This round is closed."))
    if assessment.board_id != board.pk:
        raise PermissionDenied("That evaluation belongs to another board.")
    if assessment.status != AssessmentStatus.APPROVED:
        raise ValidationError(_("Only an approved self-evaluation can be submitted."))
    mapping = None
    if assessment.framework_version_id != round_.framework_version_id:
        mapping = mapping_between(
            source=assessment.framework_version, target=round_.framework_version
        )
        if mapping is None:
            raise ValidationError(
                _(
                    "The round asks for %(asked)s and your evaluation uses %(used)s; there is "
                    "no mapping between the two to translate it through."
                )
                % {"asked": round_.framework_version, "used": assessment.framework_version}
            )
    if period_year(assessment.period) != period_year(round_.period):
        raise ValidationError(
            _("The round asks for a self-evaluation of %(period)s.") % {"period": round_.period}
        )
    if not set(sectors) & set(round_.sectors):
        raise ValidationError(_("This round is not for your board's sectors."))
    if set(share_with) - set(Audience.values):
        raise ValidationError(_("Choose whom to share with from the list."))
    # The open gaps of the evaluation submitted, not of a newer draft: one answer.
    check = plan_check(board=board, assessment=assessment)
    today = timezone.localdate()
    now = timezone.now()
    cells = board_cells(board, sectors)
    scores = [
        SubmittedScore(
            norm_id=score.norm_id,
            level=None if score.not_applicable else score.level,
            not_applicable=score.not_applicable and bool(score.not_applicable_reason.strip()),
            target_level=score.target_level,
            at_target=(
                not score.not_applicable
                and score.level is not None
                and score.level >= score.target_level
            ),
        )
        for score in (
            assessment.scores.all()
            if mapping is None
            else translated_scores(assessment, mapping=mapping)
        )
    ]
    domain_of = dict(
        Norm.objects.filter(framework_version=round_.framework_version_id).values_list(
            "pk", "domain__code"
        )
    )
    summary = summarise(
        ScoreFacts(domain_of[s.norm_id], s.level, s.not_applicable, s.at_target) for s in scores
    )
    with transaction.atomic():
        # The round's row is the lock a close takes too: no submission slips in after it.
        locked = MonitoringRound.objects.select_for_update().get(pk=round_.pk)
        if locked.status != RoundStatus.OPEN:
            raise ValidationError(_("This round is closed."))
        current = (
            Submission.objects.current()
            .filter(round=round_, board=board)
            .select_related("assessment")
            .first()
        )
        if current is not None:
            _check_resubmission(current, assessment)
        submission = Submission.objects.create(
            round=round_,
            board=board,
            replaces=current,
            mapping=mapping,
            assessment=assessment,
            submitted_by=actor,
            sectors=sectors,
            size_class=size_class(board.pupil_count),
            region=board.region,
            signature="|".join(f"{cut}={value}" for cut, value in cells),
            has_approved_plan=PlanVersion.objects.filter(board=board).exists(),
            open_gaps=len(check.open),
            overdue_measures=board.measures.filter(
                status__in=OPEN_STATUSES, due_date__lt=today
            ).count(),
            projection=projection(board=board, today=today).verdict.value,
            mean_level=summary.mean_level,
            norms_at_target=summary.norms_at_target,
            policy_level=summary.policy_level,
            practice_level=summary.practice_level,
            quadrant=summary.quadrant,
            breaches=Incident.objects.filter(
                board=board,
                kind=IncidentKind.BREACH,
                became_aware_at__gt=now - BREACH_WINDOW,
                became_aware_at__lte=now,
            ).count(),
        )
        SubmissionCell.objects.bulk_create(
            SubmissionCell(submission=submission, cut=cut, value=value) for cut, value in cells
        )
        for score in scores:
            score.submission = submission
        SubmittedScore.objects.bulk_create(scores)
        SubmittedDomain.objects.bulk_create(
            SubmittedDomain(submission=submission, code=code, mean=mean)
            for code, mean in summary.domain_levels.items()
        )
        SubmittedService.objects.bulk_create(
            SubmittedService(
                submission=submission,
                service=use.service,
                status=use.status,
                started_on=use.started_on,
            )
            for use in ServiceUse.objects.filter(board=board).order_by("service")
        )
        Consent.objects.bulk_create(
            Consent(submission=submission, audience=audience, granted_by=actor)
            for audience in sorted(share_with)
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            board_id=board.pk,
            obj=submission,
            changes={
                "shared_with": [None, sorted(share_with)],
                **({"replaces": [None, current.pk]} if current is not None else {}),
                **({"translated_through": [None, str(mapping)]} if mapping is not None else {}),
            },
        )
    return submission


def _check_resubmission(current: Submission, assessment: SelfAssessment) -> None:
    """A board resubmits only an evaluation approved after the one its snapshot holds."""
    held = current.assessment
    if assessment.pk == held.pk:
        raise ValidationError(_("Your board has already submitted to this round."))
    if approval_order(assessment) <= approval_order(held):
        raise ValidationError(
            _(
                "Your board submitted its self-evaluation %(submitted)s to this round, which was "
                "approved later than %(evaluation)s; only a newer approval can replace it."
            )
            % {"submitted": held.label, "evaluation": assessment.label}
        )


def consent_withdraw(*, access: BoardAccess, actor: User, consent: Consent) -> None:
    """Stop sharing by name from now on; what was seen before cannot be unseen (nothing erased)."""
    if not access.may(Action.APPROVE):
        raise PermissionDenied("Only the executive withdraws consent.")
    with transaction.atomic():
        current = Consent.objects.select_for_update().get(
            pk=consent.pk, submission__board=access.board
        )
        if current.withdrawn_at is not None:
            return
        current.withdrawn_at = timezone.now()
        current.withdrawn_by = actor
        current.save(update_fields=["withdrawn_at", "withdrawn_by"])
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            board_id=access.board.pk,
            obj=current,
            changes={"withdrawn": [False, True]},
        )


class ServiceUseConflict(Exception):
    """Someone saved the board's record of this service since the form was opened."""

    def __init__(self, current: ServiceUse | None):
        super().__init__("The record of this service changed meanwhile.")
        self.current = current


NOTE_MAX = 500


def service_use_save(
    *,
    access: BoardAccess,
    actor: User,
    service: str,
    status: str,
    started_on: datetime.date | None,
    ended_on: datetime.date | None,
    note: str,
    revision: int,
) -> ServiceUse:
    """Record whether and since when the board uses a sector service (docs/monitoring.md).

    `revision` is the record's revision the form showed (0 when there was none yet): if somebody
    saved it since, ServiceUseConflict is raised and nothing changes.
    """
    if not access.may(Action.MANAGE_BOARD):
        raise PermissionDenied("Only the IBP coordinator records the board's use of services.")
    if service not in SectorService.values:
        raise ValidationError(_("Choose one of the sector's services."))
    note = note.strip()
    errors = _service_use_errors(status, started_on, ended_on, note, timezone.localdate())
    if errors:
        raise ValidationError(errors)
    if status in (UptakeStatus.PLANNED, UptakeStatus.NOT_USED):
        ended_on = None
    if status == UptakeStatus.NOT_USED:
        started_on = None
    wanted = {
        "status": status,
        "started_on": started_on,
        "ended_on": ended_on,
        "note": note,
    }
    with transaction.atomic():
        current = (
            ServiceUse.objects.select_for_update()
            .filter(board=access.board, service=service)
            .first()
        )
        if (current.revision if current else 0) != revision:
            raise ServiceUseConflict(current)
        before = (
            {name: getattr(current, name) for name in wanted} if current else dict.fromkeys(wanted)
        )
        changes = diff(before, wanted)
        if current is not None and not changes:
            return current
        if current is None:
            current = ServiceUse(board=access.board, service=service)
        for name, value in wanted.items():
            setattr(current, name, value)
        current.updated_by = actor
        current.revision += 1
        current.save()
        audit_record(
            action=AuditAction.UPDATE if current.revision > 1 else AuditAction.CREATE,
            actor=actor,
            board_id=access.board.pk,
            obj=current,
            changes=changes,
        )
    return current


def _service_use_errors(
    status: str,
    started_on: datetime.date | None,
    ended_on: datetime.date | None,
    note: str,
    today: datetime.date,
) -> dict[str, str]:
    """What is wrong with a record of a service's use, per field; nothing when it holds."""
    errors: dict[str, str] = {}
    if status not in UptakeStatus.values:
        errors["status"] = _("Choose whether the board uses the service.")
        return errors
    in_use = status in (UptakeStatus.IN_USE, UptakeStatus.STOPPED)
    if in_use and started_on is None:
        errors["started_on"] = _("Give the date since when the board has used the service.")
    elif in_use and started_on is not None and started_on > today:
        errors["started_on"] = _(
            "A use that has begun cannot start in the future; choose 'Planned' for that."
        )
    if status == UptakeStatus.STOPPED:
        if ended_on is None:
            errors["ended_on"] = _("Give the date on which the board stopped using the service.")
        elif ended_on > today:
            errors["ended_on"] = _("The end date lies in the future; the service is still in use.")
        elif started_on is not None and ended_on < started_on:
            errors["ended_on"] = _("The end date lies before the start date.")
    elif status == UptakeStatus.IN_USE and ended_on is not None:
        errors["ended_on"] = _("A service in use has no end date; choose 'Stopped' to give one.")
    if len(note) > NOTE_MAX:
        errors["note"] = _("A note is at most %(max)d characters; this one has %(count)d.") % {
            "max": NOTE_MAX,
            "count": len(note),
        }
    elif problem := find_forbidden(note, unstorable_only=True):
        errors["note"] = problem.message()
    return errors
