"""Boards whose supervisory-board report is long: the demo board with its plan approved, and a
board with every norm of the shipped framework below target and sixty measures.

Built with the services (and the demo's own seeding), so the report sees what a real board
would; the page-count tests and the issued-report tests use them.
"""

import datetime
import random

from django.utils import timezone

from kompas.assessments.models import NormScore, SelfAssessment
from kompas.assessments.services import assessment_approve, assessment_start, assessment_submit
from kompas.boards.access import access_board
from kompas.boards.models import Board, Membership
from kompas.boards.roles import Action, BoardRole
from kompas.demo.seed import DEMO_BOARDS, seed_demo
from kompas.frameworks.normenkader import SHIPPED_FRAMEWORK
from kompas.frameworks.services import framework_import
from kompas.plans.selectors import plan_check
from kompas.plans.services import MeasureData, measure_create, plan_approve, risk_accept
from kompas.testing.world import board_with_people

COORD, EXEC = BoardRole.COORDINATOR, BoardRole.EXECUTIVE
MEASURES = 60
ACCEPTED_RISKS = 8


def demo_board_with_plan() -> Board:
    """The first demo board, its last open gap accepted as a risk and its plan approved."""
    seed_demo(with_accounts=True)
    board = Board.objects.get(bg_number=DEMO_BOARDS[0].bg_number)
    executive = Membership.objects.get(board=board, role=EXEC).user
    access = access_board(user=executive, board_id=board.pk, action=Action.VIEW)
    for gap in plan_check(board=board).open:
        risk_accept(
            access=access,
            actor=executive,
            norm=gap.score.norm,
            reason="Pas na de aanbesteding van het nieuwe leerlingvolgsysteem.",
            review_date=timezone.localdate() + datetime.timedelta(days=60),
        )
    plan_approve(access=access, actor=executive)
    return board


def _approved(board: Board, people: dict, period: str, levels, previous=None) -> SelfAssessment:
    coordinator = access_board(user=people[COORD], board_id=board.pk)
    executive = access_board(user=people[EXEC], board_id=board.pk)
    assessment = assessment_start(
        access=coordinator,
        actor=people[COORD],
        framework_version=framework_import(path=SHIPPED_FRAMEWORK).version,
        period=period,
        previous=previous,
    )
    for score in assessment.scores.select_related("norm"):
        NormScore.objects.filter(pk=score.pk).update(level=levels(score.norm), to_confirm=False)
    assessment_submit(access=coordinator, actor=people[COORD], assessment=assessment)
    assessment_approve(access=executive, actor=people[EXEC], assessment=assessment)
    assessment.refresh_from_db()
    return assessment


def board_with_every_norm_below_target(*, name: str = "Stichting Veel Werk") -> Board:
    """Every one of the 94 norms below target in an approved 2026 evaluation, many of them down
    from 2025; sixty measures with long titles and eight accepted risks in an approved plan."""
    rng = random.Random(94)  # noqa: S311 - test data, not security
    board, people = board_with_people(name=name, bg_number="49094")
    earlier = _approved(board, people, "2025", lambda norm: rng.choice((1, 2, 3, 3)))
    before = {score.norm_id: score.level for score in earlier.scores.all()}
    _approved(
        board,
        people,
        "2026",
        lambda norm: 1 if before[norm.pk] == 3 else rng.choice((1, 2)),
        previous=earlier,
    )
    coordinator = access_board(user=people[COORD], board_id=board.pk)
    executive = access_board(user=people[EXEC], board_id=board.pk)
    gaps = plan_check(board=board).gaps
    accepted, planned = gaps[:ACCEPTED_RISKS], gaps[ACCEPTED_RISKS:]
    today = timezone.localdate()
    for index in range(MEASURES):
        covered = planned[index::MEASURES]
        due = today + datetime.timedelta(days=-60 + 25 * index)
        measure_create(
            access=coordinator,
            actor=people[COORD],
            data=MeasureData(
                title=(
                    f"Maatregel {index + 1}: {covered[0].score.norm.title} vastleggen, "
                    "invoeren op alle scholen en jaarlijks toetsen"
                ),
                description="",
                owner_id=people[COORD].pk,
                start_date=None,
                due_date=min(due, datetime.date(2030, 6, 30)),
                status="in_progress" if index % 3 else "planned",
                effort_days=None,
                cost_euros=None,
                priority="high" if index < 10 else "medium",
            ),
            links={gap.score.norm.pk: 3 for gap in covered},
        )
    for index, gap in enumerate(accepted):
        risk_accept(
            access=executive,
            actor=people[EXEC],
            norm=gap.score.norm,
            reason=(
                "Het bestuur aanvaardt dit risico tot de nieuwe leverancier is gekozen; de "
                "gevolgen zijn beperkt omdat de gegevens ook elders zijn vastgelegd. De "
                "aanbesteding loopt tot het voorjaar, daarna volgt een overgangsjaar waarin "
                "de oude en de nieuwe omgeving naast elkaar draaien en de ICT-coördinatoren "
                "van alle scholen worden opgeleid."
            ),
            review_date=today + datetime.timedelta(days=30 + 30 * index),
        )
    plan_approve(access=executive, actor=people[EXEC])
    return board
