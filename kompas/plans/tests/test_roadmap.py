"""The roadmap and the projection, on hand-built plans with hand-computed numbers.

The rules are in docs/plan.md, "Roadmap and projection". Unless a test says otherwise, today is
31 December 2026 and the deadline 31 December 2030: exactly 4.0 years left.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from kompas.assessments.services import assessment_start
from kompas.boards.models import Board
from kompas.boards.roles import BoardRole
from kompas.frameworks.models import Norm
from kompas.plans.models import Measure, MeasureNorm, MeasureStatus, Plan, RiskAcceptance
from kompas.plans.roadmap import Verdict, projection, roadmap, years_left
from kompas.testing.frameworks import framework_doc, import_document, norm_doc
from kompas.testing.world import World

TODAY = datetime.date(2026, 12, 31)
LONG_AGO = datetime.date(2025, 1, 1)
D = datetime.date


@pytest.fixture
def world(db):
    return World()


def set_levels(assessment, **levels):
    """Levels by code, with "_" for "."; "na" makes the norm not applicable with a reason."""
    for key, level in levels.items():
        scores = assessment.scores.filter(norm__code=key.replace("_", "."))
        if level == "na":
            scores.update(not_applicable=True, not_applicable_reason="Geen eigen systemen")
        else:
            scores.update(level=level)


def add_measure(
    world,
    *links,
    due,
    status=MeasureStatus.PLANNED,
    completed_at=None,
    version=None,
    recorded=LONG_AGO,
):
    measure = Measure.objects.create(
        board=world.board,
        title=f"Maatregel {Measure.objects.count() + 1}",
        # An owner who may edit the plan: without one a measure covers nothing.
        owner=world.people[BoardRole.COORDINATOR],
        due_date=due,
        status=status,
        completed_at=completed_at,
    )
    # The plan's age decides the window of the measure pace; recorded long ago unless said.
    created_at = datetime.datetime.combine(recorded, datetime.time(12), tzinfo=datetime.UTC)
    Measure.objects.filter(pk=measure.pk).update(created_at=created_at)
    for code, level in links:
        norm = Norm.objects.get(framework_version=version or world.version, code=code)
        MeasureNorm.objects.create(measure=measure, norm=norm, target_level=level)
    return measure


def start(world, period, version=None):
    coordinator = world.people[BoardRole.COORDINATOR]
    return assessment_start(
        access=world.access(BoardRole.COORDINATOR),
        actor=coordinator,
        framework_version=version or world.version,
        period=period,
    )


def by_code(result):
    return {norm.code: norm for norm in result.norms}


# --- Roadmap ---------------------------------------------------------------------------------


def test_the_expected_level_per_year_follows_the_due_dates(world):
    set_levels(world.assessment, GO_01=1, GO_02=2, BV_01="na")
    add_measure(world, ("GO.01", 2), due=D(2026, 6, 30))
    add_measure(world, ("GO.01", 3), due=D(2028, 1, 15), status=MeasureStatus.IN_PROGRESS)
    add_measure(world, ("GO.02", 3), ("BC.03", 3), due=D(2027, 12, 31))
    # Done early: counts from its completion in 2026, not from its due date in 2029.
    add_measure(
        world,
        ("BC.03", 2),
        due=D(2029, 5, 1),
        status=MeasureStatus.DONE,
        completed_at=D(2026, 2, 10),
    )
    add_measure(world, ("GO.02", 5), due=D(2026, 5, 1), status=MeasureStatus.DROPPED)
    add_measure(world, ("GO.01", 5), due=D(2031, 3, 1))  # after the deadline

    result = roadmap(board=world.board, today=D(2026, 3, 1))

    assert result.years == [2026, 2027, 2028, 2029, 2030]
    norms = by_code(result)
    assert list(norms) == ["GO.01", "GO.02", "BC.03"]  # BV.01 is not applicable
    assert norms["GO.01"].expected == [2, 2, 3, 3, 3]
    assert norms["GO.02"].expected == [2, 3, 3, 3, 3]
    assert norms["BC.03"].expected == [2, 3, 3, 3, 3]
    assert [norms[code].reached_in for code in norms] == [2028, 2027, 2027]
    assert [cell.reaches_target for cell in norms["GO.01"].cells] == [
        False,
        False,
        True,
        False,
        False,
    ]
    assert [(y.applicable, y.at_or_above_target, y.mean) for y in result.totals] == [
        (3, 0, Decimal("2.0")),
        (3, 2, Decimal("2.7")),  # (2 + 3 + 3) / 3 = 2.67
        (3, 3, Decimal("3.0")),
        (3, 3, Decimal("3.0")),
        (3, 3, Decimal("3.0")),
    ]
    domains = {domain.code: domain for domain in result.domains}
    assert list(domains) == ["GO", "BC"]
    assert [(y.at_or_above_target, y.mean) for y in domains["GO"].figures[:3]] == [
        (0, Decimal("2.0")),
        (1, Decimal("2.5")),
        (2, Decimal("3.0")),
    ]


def test_dropped_measures_are_ignored(world):
    set_levels(world.assessment, GO_01=1)
    add_measure(world, ("GO.01", 4), due=D(2027, 1, 1), status=MeasureStatus.DROPPED)

    result = roadmap(board=world.board, today=TODAY)

    assert by_code(result)["GO.01"].expected == [1, 1, 1, 1, 1]
    assert by_code(result)["GO.01"].reached_in is None


def test_measures_due_after_the_deadline_are_ignored(world):
    Plan.objects.create(board=world.board, deadline=D(2029, 6, 30))
    set_levels(world.assessment, GO_02=4)
    add_measure(world, ("GO.01", 3), due=D(2029, 9, 1))
    # Due after the deadline but done before it: it counts from its completion.
    add_measure(
        world,
        ("BC.03", 3),
        due=D(2029, 12, 1),
        status=MeasureStatus.DONE,
        completed_at=D(2029, 3, 1),
    )

    result = roadmap(board=world.board, today=TODAY)

    assert result.years == [2026, 2027, 2028, 2029]
    norms = by_code(result)
    assert norms["GO.01"].expected == [None, None, None, None]
    assert norms["BC.03"].expected == [None, None, None, 3]
    # Norms without a level yet are not in the mean (docs/scoring.md).
    assert [(y.at_or_above_target, y.mean) for y in result.totals] == [
        (1, Decimal("4.0")),
        (1, Decimal("4.0")),
        (1, Decimal("4.0")),
        (2, Decimal("3.5")),
    ]


def test_a_measure_never_lowers_a_level(world):
    set_levels(world.assessment, GO_01=4)
    add_measure(world, ("GO.01", 3), due=D(2027, 6, 1))

    assert by_code(roadmap(board=world.board, today=TODAY))["GO.01"].expected[-1] == 4


def test_without_an_evaluation_the_roadmap_is_empty(db):
    board = Board.objects.create(name="Stichting Leeg", bg_number="49999")

    result = roadmap(board=board, today=TODAY)

    assert result.assessment is None
    assert result.norms == []
    assert result.years == [2026, 2027, 2028, 2029, 2030]


# --- Projection ------------------------------------------------------------------------------


def test_years_left_count_days_in_years_of_365_25_days():
    assert years_left(deadline=D(2030, 12, 31), today=D(2026, 12, 31)) == Decimal("4.0")
    assert years_left(deadline=D(2030, 12, 31), today=D(2026, 6, 30)) == Decimal("4.5")
    assert years_left(deadline=D(2030, 12, 31), today=D(2030, 6, 1)) == Decimal("1")
    assert years_left(deadline=D(2030, 12, 31), today=D(2032, 1, 1)) == Decimal("1")


def test_without_an_evaluation_the_board_is_off_track(db):
    board = Board.objects.create(name="Stichting Leeg", bg_number="49999")

    result = projection(board=board, today=TODAY)

    assert result.verdict == Verdict.OFF_TRACK
    assert len(result.reasons) == 1


def test_an_open_gap_puts_the_board_off_track(world):
    set_levels(world.assessment, GO_01=3, GO_02=3, BC_03=3, BV_01=2)

    result = projection(board=world.board, today=TODAY)

    assert result.verdict == Verdict.OFF_TRACK
    assert result.open_gaps == 1
    with translation.override("en"):
        reasons = projection(board=world.board, today=TODAY).reasons
    assert reasons == ["1 norm below target has no measure and no accepted risk."]


def test_an_accepted_risk_closes_a_gap_and_needs_no_pace(world):
    set_levels(world.assessment, GO_01=3, GO_02=3, BC_03=3, BV_01=2)
    RiskAcceptance.objects.create(
        board=world.board,
        norm=Norm.objects.get(framework_version=world.version, code="BV.01"),
        reason="Past bij ons risicoprofiel",
        review_date=D(2027, 12, 31),
        accepted_by=world.people[BoardRole.EXECUTIVE],
        accepted_at=timezone.now(),
    )

    result = projection(board=world.board, today=TODAY)

    assert result.verdict == Verdict.ON_TRACK
    assert result.remaining_gap == 0
    assert result.ratios == []


def on_schedule(world):
    """GO.01 at 2, the rest at target; one measure done this year, one open for GO.01."""
    set_levels(world.assessment, GO_01=2, GO_02=3, BC_03=3, BV_01=3)
    add_measure(world, due=D(2026, 9, 1), status=MeasureStatus.DONE, completed_at=D(2026, 6, 1))
    add_measure(world, ("GO.01", 3), due=D(2028, 6, 1))


def test_a_covered_plan_at_pace_is_on_track(world):
    on_schedule(world)

    result = projection(board=world.board, today=TODAY)

    assert result.verdict == Verdict.ON_TRACK
    assert result.years_left == Decimal("4.0")
    assert (result.open_measures, result.completed_in_window) == (1, 1)
    assert result.measure_pace is not None
    # 1 open measure / 4.0 years = 0.25 a year needed; 1 done in the last 365 days.
    assert result.measure_pace.required == Decimal("0.3")
    assert result.measure_pace.ratio_display == Decimal("4.00")
    assert result.overdue == 0


def test_an_overdue_measure_puts_the_board_at_risk(world):
    on_schedule(world)
    add_measure(world, ("GO.01", 3), due=D(2026, 11, 30))

    result = projection(board=world.board, today=TODAY)

    assert result.verdict == Verdict.AT_RISK
    assert result.overdue == 1
    assert result.measure_pace is not None
    assert result.measure_pace.ratio_display == Decimal("2.00")  # 1 / (2 / 4.0)


@pytest.mark.parametrize(
    ("open_measures", "verdict"),
    [
        (4, Verdict.ON_TRACK),  # 1 done / (4 / 4.0) = 1.0
        (6, Verdict.AT_RISK),  # 1 / 1.5 = 0.67
        (8, Verdict.AT_RISK),  # 1 / 2.0 = 0.5, the boundary
        (9, Verdict.OFF_TRACK),  # 1 / 2.25 = 0.44
    ],
)
def test_the_measure_pace_decides_between_the_verdicts(world, open_measures, verdict):
    on_schedule(world)
    for month in range(1, open_measures):
        add_measure(world, ("GO.01", 3), due=D(2029, month, 1))

    result = projection(board=world.board, today=TODAY)

    assert result.open_measures == open_measures
    assert result.verdict == verdict


def test_completions_longer_than_a_year_ago_do_not_count(world):
    on_schedule(world)
    Measure.objects.filter(status=MeasureStatus.DONE).update(completed_at=D(2025, 12, 31))

    result = projection(board=world.board, today=TODAY)

    assert result.completed_in_window == 0
    assert result.verdict == Verdict.OFF_TRACK


def test_a_young_plan_is_measured_since_its_first_measure(world):
    on_schedule(world)
    # First measure recorded on 1 July: a window of 184 days, 1 completion in it.
    Measure.objects.filter(board=world.board).update(
        created_at=datetime.datetime(2026, 7, 1, 12, tzinfo=datetime.UTC)
    )
    Measure.objects.filter(status=MeasureStatus.DONE).update(completed_at=D(2026, 9, 1))
    for month in range(1, 4):
        add_measure(world, ("GO.01", 3), due=D(2029, month, 1), recorded=D(2026, 8, 1))

    result = projection(board=world.board, today=TODAY)

    assert result.window_days == 184
    assert result.measure_pace is not None
    # 1 * 365 / 184 = 1.98 a year achieved; 4 open / 4.0 years = 1.0 needed.
    assert result.measure_pace.achieved == Decimal("2.0")
    assert result.measure_pace.ratio_display == Decimal("1.98")
    assert result.verdict == Verdict.ON_TRACK


def test_a_plan_younger_than_90_days_has_no_measure_pace_yet(world):
    set_levels(world.assessment, GO_01=2, GO_02=3, BC_03=3, BV_01=3)
    add_measure(world, ("GO.01", 3), due=D(2028, 6, 1), recorded=D(2026, 10, 3))

    result = projection(board=world.board, today=TODAY)

    assert result.window_days == 90
    assert result.measure_pace is not None
    assert result.verdict == Verdict.OFF_TRACK  # 0 done in 90 days
    Measure.objects.update(created_at=datetime.datetime(2026, 10, 4, 12, tzinfo=datetime.UTC))
    result = projection(board=world.board, today=TODAY)
    assert result.window_days == 89
    assert result.measure_pace is None
    assert result.verdict == Verdict.ON_TRACK


@pytest.mark.parametrize(
    ("first_levels", "gain", "verdict"),
    [
        # 2024 sums to 4, 2026 to 8: +2.0 a year against 4 levels / 4.0 years = 1.0 needed.
        ({"GO_01": 1, "GO_02": 1, "BC_03": 1, "BV_01": 1}, Decimal("2.0"), Verdict.ON_TRACK),
        # 7 to 8: +0.5 a year, half of what is needed.
        ({"GO_01": 1, "GO_02": 2, "BC_03": 1, "BV_01": 3}, Decimal("0.5"), Verdict.AT_RISK),
        # 8 to 8: no progress at all.
        ({"GO_01": 1, "GO_02": 3, "BC_03": 1, "BV_01": 3}, Decimal("0.0"), Verdict.OFF_TRACK),
    ],
)
def test_the_score_pace_compares_the_first_and_the_latest_period(
    world, first_levels, gain, verdict
):
    first = start(world, "2024")
    set_levels(first, **first_levels)
    between = start(world, "2025")  # only the first and the latest period count
    set_levels(between, GO_01=5, GO_02=5, BC_03=5, BV_01=5)
    set_levels(world.assessment, GO_01=1, GO_02=3, BC_03=1, BV_01=3)
    add_measure(world, due=D(2026, 9, 1), status=MeasureStatus.DONE, completed_at=D(2026, 6, 1))
    add_measure(world, ("GO.01", 3), ("BC.03", 3), due=D(2029, 6, 1))

    result = projection(board=world.board, today=TODAY)

    assert result.history is not None
    assert (result.history.first_period, result.history.last_period) == ("2024", "2026")
    assert result.history.years == 2
    assert result.remaining_gap == 4
    assert result.score_pace is not None
    assert result.score_pace.achieved == gain
    assert result.score_pace.required == Decimal("1.0")
    assert result.verdict == verdict


def test_the_score_pace_leaves_out_norms_not_applicable_now(world):
    first = start(world, "2024")
    set_levels(first, GO_01=1, GO_02=1, BC_03=1, BV_01=5)
    set_levels(world.assessment, GO_01=2, GO_02=2, BC_03=2, BV_01="na")

    history = projection(board=world.board, today=TODAY).history

    assert history is not None
    assert (history.first_sum, history.last_sum) == (3, 6)


def test_one_period_gives_no_score_pace(world):
    on_schedule(world)

    result = projection(board=world.board, today=TODAY)

    assert result.history is None
    assert result.score_pace is None


def test_the_reasons_name_the_numbers(world):
    on_schedule(world)
    add_measure(world, ("GO.01", 3), due=D(2026, 11, 30))

    with translation.override("en"):
        reasons = projection(board=world.board, today=TODAY).reasons

    assert reasons == [
        "Every norm below target is covered by a measure or an accepted risk.",
        "1 measure is overdue.",
        (
            "1.0 measures a year were completed (over the last 365 days); 0.5 a year are needed "
            "to finish the 2 open measures by Dec. 31, 2030."
        ),
    ]


# --- Query counts ----------------------------------------------------------------------------


def count_queries(function, board):
    with CaptureQueriesContext(connection) as queries:
        function(board=board, today=TODAY)
    return len(queries)


@pytest.mark.parametrize("function", [roadmap, projection])
def test_query_counts_do_not_grow_with_the_number_of_norms(world, function):
    start(world, "2025")
    set_levels(world.assessment, GO_01=2)
    add_measure(world, ("GO.01", 3), due=D(2028, 6, 1))
    small = count_queries(function, world.board)

    document = framework_doc(slug="groot")
    document["norms"] += [norm_doc(f"GO.{n:02d}", "GO") for n in range(3, 90)]
    version = import_document(document)
    start(world, "2027", version)
    start(world, "2028", version)
    codes = [f"GO.{n:02d}" for n in range(1, 90)]
    for code in codes[:40]:
        add_measure(world, (code, 3), due=D(2028, 6, 1), version=version)
    add_measure(world, *((code, 4) for code in codes[40:]), due=D(2029, 6, 1), version=version)
    large = count_queries(function, world.board)

    assert small == large
