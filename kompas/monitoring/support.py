"""The programme's support list: boards that share with the support team, ranked by need.

Only boards whose latest submission shares with the support team appear (kompas.monitoring.named).
The ranking, most need first (docs/monitoring.md, "Support list"):

0. first, boards that lag (1 to 4 below) and used none of the sector's services when they
   submitted: they are the ones no one helps yet;
1. no current evaluation: the board did not submit to the latest round opened for one of its
   sectors (its latest submission is from an older round);
2. no approved improvement plan;
3. plan projection off track, then at risk;
4. lowest mean level (nothing assessed counts as lowest);
5. most gaps without a measure or accepted risk;
6. then by name.

The whole ordering is done by the database, so a page of the list costs the same few queries
for 30 boards or 3,000.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kompas.accounts.models import User
from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record
from kompas.boards.access import has_sector_role
from kompas.boards.models import Board, BoardSector
from kompas.boards.roles import SectorRole
from kompas.core.text import check_text
from kompas.monitoring.models import (
    Audience,
    MonitoringRound,
    Submission,
    SubmittedService,
    SupportNote,
    UptakeStatus,
)
from kompas.monitoring.named import (
    DomainColumn,
    NamedResult,
    active_consent,
    named_results,
    shared_with,
)
from kompas.plans.roadmap import Verdict

PAGE_SIZE = 50
# Below Herhaalbaar (2) on average: the board is still mostly at Ad hoc.
LOW_MEAN_LEVEL = Decimal("2.00")
NOTE_MAX_LENGTH = 5_000


def _missed_round() -> Case:
    """The name of the latest round for the board's sectors that it did not submit to, or NULL.

    Rounds are few (one a year), so the latest round per sector is found here and becomes one
    WHEN per round; the board's sectors are its current ones.
    """
    latest: dict[str, tuple[Any, int, str]] = {}
    for pk, name, opened_at, sectors in MonitoringRound.objects.values_list(
        "pk", "name", "opened_at", "sectors"
    ):
        for sector in sectors:
            if sector not in latest or (opened_at, pk) > latest[sector][:2]:
                latest[sector] = (opened_at, pk, name)
    by_round: dict[tuple[Any, int, str], list[str]] = {}
    for sector, key in latest.items():
        by_round.setdefault(key, []).append(sector)
    whens = [
        When(
            Q(
                Exists(
                    BoardSector.objects.filter(board=OuterRef("board"), sector__in=sorted(sectors))
                )
            )
            & (Q(round__opened_at__lt=opened_at) | Q(round__opened_at=opened_at, round_id__lt=pk)),
            then=Value(name),
        )
        # Newest first: a board that missed several rounds is named with the latest.
        for (opened_at, pk, name), sectors in sorted(by_round.items(), reverse=True)
    ]
    return Case(*whens, default=Value(None), output_field=CharField())


def _lags() -> Q:
    """The board lags: it missed the latest round, has no approved plan, is off track or at
    risk, or its mean level is low or nothing is assessed (for a queue annotated as below)."""
    return (
        Q(missed_round__isnull=False)
        | Q(has_approved_plan=False)
        | Q(projection__in=(Verdict.OFF_TRACK, Verdict.AT_RISK))
        | Q(mean_level__isnull=True)
        | Q(mean_level__lt=LOW_MEAN_LEVEL)
    )


def support_queue() -> QuerySet[Submission]:
    """The latest submission of each board that shares with the support team, most need first."""
    latest_note = (
        SupportNote.objects.filter(board=OuterRef("board"))
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    return (
        shared_with(Audience.SUPPORT)
        .select_related("board", "round")
        .annotate(
            missed_round=_missed_round(),
            current_rank=Case(
                When(missed_round__isnull=False, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            projection_rank=Case(
                When(projection=Verdict.OFF_TRACK, then=Value(0)),
                When(projection=Verdict.AT_RISK, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            latest_note_at=Subquery(latest_note),
            uses_services=Exists(
                SubmittedService.objects.filter(
                    submission=OuterRef("pk"), status=UptakeStatus.IN_USE
                )
            ),
        )
        .annotate(
            alone_rank=Case(
                When(Q(_lags()) & Q(uses_services=False), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by(
            "alone_rank",
            "current_rank",
            "has_approved_plan",
            "projection_rank",
            F("mean_level").asc(nulls_first=True),
            "-open_gaps",
            "board__name",
            "board_id",
        )
    )


def need_reasons(submission: Submission) -> list[str]:
    """Why a board on the support list may need help, in the order of the ranking."""
    reasons = []
    missed = getattr(submission, "missed_round", None)
    if missed:
        reasons.append(_("Did not submit to %(round)s") % {"round": missed})
    if not submission.has_approved_plan:
        reasons.append(_("No approved improvement plan"))
    if submission.projection == Verdict.OFF_TRACK:
        reasons.append(_("Plan off track for the deadline"))
    elif submission.projection == Verdict.AT_RISK:
        reasons.append(_("Plan at risk for the deadline"))
    if submission.mean_level is None:
        reasons.append(_("No norm assessed"))
    elif submission.mean_level < LOW_MEAN_LEVEL:
        reasons.append(_("Low mean level (%(level)s)") % {"level": submission.mean_level})
    if getattr(submission, "alone_rank", None) == 0:
        reasons.append(_("Used none of the sector's services"))
    if submission.open_gaps:
        reasons.append(
            ngettext(
                "%(count)d gap without measure or accepted risk",
                "%(count)d gaps without measure or accepted risk",
                submission.open_gaps,
            )
            % {"count": submission.open_gaps}
        )
    return reasons


def support_board(*, board_id: int) -> Board | None:
    """The board if its latest submission shares with the support team; None otherwise."""
    latest = shared_with(Audience.SUPPORT).filter(board_id=board_id).select_related("board").first()
    return None if latest is None else latest.board


@dataclass(frozen=True)
class SupportBoard:
    board: Board
    domains: list[DomainColumn]
    submissions: list[NamedResult]
    notes: list[SupportNote]


def support_board_detail(*, board: Board) -> SupportBoard:
    """A consenting board's submissions that share with the support team, and the notes on it."""
    submissions = list(
        Submission.objects.filter(board=board)
        .current()
        .filter(active_consent(Audience.SUPPORT))
        .select_related("round")
        .prefetch_related("domain_levels")
        .order_by("-round__opened_at", "-round_id")
    )
    domains, results = named_results(submissions)
    notes = list(board.support_notes.select_related("author").order_by("-created_at", "-pk"))
    return SupportBoard(board=board, domains=domains, submissions=results, notes=notes)


def support_board_viewed(*, actor: User, board: Board) -> None:
    """Record on the board's own trail that the support team read its named page."""
    audit_record(
        action=AuditAction.VIEW,
        actor=actor,
        board_id=board.pk,
        obj=board,
        object_repr=f"support page of {board}"[:300],
    )


def support_note_add(*, actor: User, board: Board, text: str) -> SupportNote:
    """The support team records what it did or agreed with a board that shares with it."""
    if not has_sector_role(actor, SectorRole.PROGRAMME_ANALYST):
        raise PermissionDenied("Only the programme's support team writes support notes.")
    text = text.strip()
    if not text:
        raise ValidationError(
            {"text": _("Write what was done or agreed with the board; an empty note is not saved.")}
        )
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {
                "text": _("A note is at most %(max)d characters; this one has %(count)d.")
                % {"max": NOTE_MAX_LENGTH, "count": len(text)}
            }
        )
    check_text(text, field="text", unstorable_only=True)
    with transaction.atomic():
        if support_board(board_id=board.pk) is None:
            raise PermissionDenied("This board does not share its results with the support team.")
        note = SupportNote.objects.create(board=board, author=actor, text=text)
        # The text stays out of the trail: the board can read its trail, the note is the team's.
        audit_record(action=AuditAction.CREATE, actor=actor, board_id=board.pk, obj=note)
    return note
