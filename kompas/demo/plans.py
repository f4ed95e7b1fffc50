"""The demo board's improvement plan: most gaps covered, one accepted risk, one gap left open.

Dates are relative to the day the demo is loaded, so that "done" and "overdue" stay true.
"""

import datetime
from collections import defaultdict

from django.utils import timezone

from kompas.accounts.models import User
from kompas.boards.models import Board
from kompas.plans.models import Measure, MeasureNorm, MeasureStatus, Priority, RiskAcceptance
from kompas.plans.selectors import Gap, plan_check

# Growth phase -> the year its measures are due: foundations first (BRIEF 1's growth path).
DUE_YEAR_BY_PHASE = {1: 2027, 2: 2028, 3: 2029, 4: 2030}


def seed_plan(*, board: Board, coordinator: User, executive: User) -> str:
    if Measure.objects.filter(board=board).exists():
        return f"Improvement plan of {board.name}: already present."
    check = plan_check(board=board)
    if len(check.gaps) < 3:
        return f"Improvement plan of {board.name}: no gaps to plan for."
    today = timezone.localdate()
    *planned, accepted, left_open = check.gaps  # the two lowest priorities
    RiskAcceptance.objects.create(
        board=board,
        norm=accepted.score.norm,
        reason=(
            "Het bestuur kiest ervoor deze norm pas aan te pakken na de vervanging van het "
            "leerlingvolgsysteem in 2028; tot die tijd zijn de risico's beperkt en bekend."
        ),
        review_date=today + datetime.timedelta(days=180),
        accepted_by=executive,
        accepted_at=timezone.now(),
    )
    by_domain: dict[str, list[Gap]] = defaultdict(list)
    for gap in planned:
        by_domain[gap.score.norm.domain.code].append(gap)
    for index, gaps in enumerate(by_domain.values()):
        _measure(index, gaps, board=board, today=today, owner=coordinator)
    return (
        f"Improvement plan of {board.name}: {len(by_domain)} measures, one accepted risk "
        f"({accepted.code}), one gap open ({left_open.code})."
    )


def _measure(
    index: int, gaps: list[Gap], *, board: Board, today: datetime.date, owner: User
) -> None:
    first = gaps[0].score.norm
    phase = first.growth_phase.number if first.growth_phase else 3
    example = first.example_measures.first()
    title = example.text if example else f"{first.domain.name} op orde"
    status, due, completed = (
        MeasureStatus.PLANNED,
        datetime.date(DUE_YEAR_BY_PHASE.get(phase, 2030), 6, 30),
        None,
    )
    if index % 7 == 0:  # some are done already
        status, completed = MeasureStatus.DONE, today - datetime.timedelta(days=40 + index)
        due = today - datetime.timedelta(days=30)
    elif index % 7 == 3:  # some are late
        status, due = MeasureStatus.IN_PROGRESS, today - datetime.timedelta(days=20 + index)
    elif index % 3 == 1:
        status = MeasureStatus.IN_PROGRESS
    measure = Measure.objects.create(
        board=board,
        title=title[:300],
        description=(
            f"Samen oppakken voor {first.domain.name}: " + ", ".join(gap.code for gap in gaps) + "."
        ),
        owner=owner,
        start_date=min(today, due) - datetime.timedelta(days=90),
        due_date=due,
        status=status,
        completed_at=completed,
        effort_days=2 + len(gaps) * 3,
        cost_euros=500 * len(gaps),
        priority=Priority.HIGH if index < 3 else Priority.MEDIUM,  # gaps come by priority
        created_by=owner,
        updated_by=owner,
        updated_at=timezone.now(),
    )
    MeasureNorm.objects.bulk_create(
        MeasureNorm(measure=measure, norm=gap.score.norm, target_level=gap.score.target_level)
        for gap in gaps
    )
