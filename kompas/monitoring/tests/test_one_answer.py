"""One answer everywhere: the dashboard, the supervisory-board report, the annual paragraph, the
monitoring submission and the benchmark show the figures of the same evaluation on the same day.

The board has an approved 2026 evaluation, a reopened 2026 version with other levels and a 2027
draft: only the approved 2026 one stands (docs/scoring.md, "Which evaluation counts").
"""

import pytest

from kompas.assessments.models import AssessmentStatus, NormScore
from kompas.assessments.selectors import scores_of, standing_evaluation, summary
from kompas.assessments.services import assessment_start
from kompas.boards.access import access_board
from kompas.boards.roles import BoardRole
from kompas.monitoring.aggregates import release_now
from kompas.monitoring.dashboard import board_benchmark
from kompas.reports.annual import annual_text
from kompas.reports.dashboard import board_dashboard
from kompas.reports.pdf import supervisory_report
from kompas.testing import clock

pytestmark = [pytest.mark.django_db, clock.pinned]

TODAY = clock.TODAY


def newer_versions(sector, participant):
    """A 2026 version 2 and a 2027 draft, both with every norm at 5: neither is approved."""
    coordinator = participant.board.memberships.get(role=BoardRole.COORDINATOR).user
    access = access_board(user=coordinator, board_id=participant.board.pk)
    reopened = assessment_start(
        access=access, actor=coordinator, framework_version=sector.version, period="2026-2"
    )
    draft = assessment_start(
        access=access, actor=coordinator, framework_version=sector.version, period="2027"
    )
    NormScore.objects.filter(assessment__in=[reopened, draft]).update(level=5, to_confirm=False)
    return reopened, draft


def test_every_page_and_export_gives_the_figures_of_the_standing_evaluation(sector, settings):
    settings.MONITORING_MIN_BOARDS = 2
    mine = sector.board(levels=(1, 3, 2, 4))
    newer_versions(sector, mine)
    board = mine.board
    assert standing_evaluation(board=board) == mine.assessment
    expected = summary(scores=scores_of(assessment=mine.assessment))
    assert expected.at_or_above_target == 2

    dashboard = board_dashboard(board=board, approved_only=False, today=TODAY)
    readers = board_dashboard(board=board, approved_only=True, today=TODAY)
    report = supervisory_report(board=board, today=TODAY)
    text = annual_text(board=board, year=2026, today=TODAY)
    submission = sector.submit(mine)
    sector.submit(sector.board(levels=(2, 2, 2, 2)))
    release_now(round_=sector.round)
    benchmark = board_benchmark(board_id=board.pk)

    assert dashboard.assessment == readers.assessment == mine.assessment
    assert dashboard.in_progress is not None  # the newer draft is named, not shown
    assert report is not None
    assert report.assessment == mine.assessment
    assert submission.assessment == mine.assessment
    assert benchmark is not None
    assert benchmark.submission == submission
    for figures in (dashboard.summary, readers.summary, report.dashboard.summary):
        assert figures is not None
        assert figures.at_or_above_target == expected.at_or_above_target
        assert figures.assessed == expected.assessed
    assert submission.norms_at_target == expected.at_or_above_target
    assert (
        f"{expected.at_or_above_target} van de {expected.applicable} toepasselijke normen" in text
    ), text
    means = {group.code: group.mean for group in expected.domains}
    shown = dict(submission.domain_levels.values_list("code", "mean"))
    assert shown == {code: mean for code, mean in means.items() if mean is not None}
    for group in benchmark.groups:
        assert {row.code: row.own for row in group.rows if row.own is not None} == shown


def test_without_an_approved_one_the_annual_paragraph_says_it_uses_a_draft(sector):
    mine = sector.board()
    mine.assessment.status = AssessmentStatus.DRAFT
    mine.assessment.save()

    text = annual_text(board=mine.board, year=2026, today=TODAY)

    assert standing_evaluation(board=mine.board) is None
    assert "nog een concept" in text, text
    assert board_dashboard(board=mine.board, approved_only=True, today=TODAY).assessment is None
