"""The demo's sector: a small synthetic sector with three rounds, and the demo board taking part.

So that the analyst, the regional coordinator and the inspector of the demo have something to
look at: figures (with suppressed cells, as a sector this small has), a benchmark for the demo
board, a support list, a region with named results and the inspectorate's signals.
"""

import datetime

from kompas.boards.access import access_board
from kompas.boards.models import Board, Group, GroupMembership
from kompas.boards.roles import Action, BoardRole
from kompas.demo.synthetic import FIRST_BG_NUMBER, sector_seed
from kompas.monitoring.aggregates import release_now
from kompas.monitoring.models import (
    Audience,
    MonitoringRound,
    RoundStatus,
    SectorService,
    Submission,
    UptakeStatus,
)
from kompas.monitoring.selectors import round_evaluation
from kompas.monitoring.services import service_use_save, submission_create

DEMO_SECTOR_BOARDS, DEMO_SECTOR_ROUNDS, DEMO_SECTOR_SEED = 80, 3, 2026
# Synthetic boards that join the demo's region and share their results with it by name.
REGION_MEMBERS = 4


def seed_sector_demo(*, board: Board, group: Group) -> str:
    """Seed the small sector once; the demo board submits its approved evaluation to it."""
    if Board.objects.filter(bg_number__gte=str(FIRST_BG_NUMBER)).exists():
        return "Demo sector: already present."
    rounds = sector_seed(
        boards=DEMO_SECTOR_BOARDS, rounds=DEMO_SECTOR_ROUNDS, seed=DEMO_SECTOR_SEED
    )
    open_round = next(found for found in rounds.rounds if found.status == RoundStatus.OPEN)
    sharing = (
        Submission.objects.filter(round=open_round, consents__audience=Audience.REGION)
        .select_related("board")
        .order_by("board__name")[:REGION_MEMBERS]
    )
    for submission in sharing:
        GroupMembership.objects.get_or_create(
            group=group, board=submission.board, defaults={"shares_named_results": True}
        )
    _record_services(board)
    _submit(board, open_round)
    for round_ in MonitoringRound.objects.filter(pk__in=[found.pk for found in rounds.rounds]):
        release_now(round_=round_)
    return (
        f"Demo sector: {rounds.boards} synthetic boards, {len(rounds.rounds)} rounds, "
        f"{rounds.submissions} submissions; {board.name} submitted to {open_round.name}."
    )


# The demo board's use of the sector's services: (service, status, since, note).
DEMO_SERVICES = (
    (SectorService.SCHOOL_CERT, UptakeStatus.IN_USE, datetime.date(2024, 9, 2), ""),
    (SectorService.PROCESSOR_AGREEMENTS, UptakeStatus.IN_USE, datetime.date(2023, 3, 1), ""),
    (
        SectorService.VEILIG_INTERNET,
        UptakeStatus.PLANNED,
        None,
        "Aanmelding besproken in het IBP-overleg; eerst de lijst met systemen bijwerken.",
    ),
)


def _record_services(board: Board) -> None:
    coordinator = board.memberships.filter(role=BoardRole.COORDINATOR).first()
    if coordinator is None:
        return
    access = access_board(user=coordinator.user, board_id=board.pk, action=Action.MANAGE_BOARD)
    for service, status, since, note in DEMO_SERVICES:
        service_use_save(
            access=access,
            actor=coordinator.user,
            service=service,
            status=status,
            started_on=since,
            ended_on=None,
            note=note,
            revision=0,
        )


def _submit(board: Board, round_: MonitoringRound) -> None:
    assessment = round_evaluation(board=board, round_=round_).assessment
    executive = board.memberships.filter(role=BoardRole.EXECUTIVE).first()
    if assessment is None or executive is None:
        return
    submission_create(
        access=access_board(user=executive.user, board_id=board.pk, action=Action.APPROVE),
        actor=executive.user,
        round_=round_,
        assessment=assessment,
        share_with={Audience.SUPPORT, Audience.REGION, Audience.INSPECTORATE},
    )
