from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kompas.assessments.models import AssessmentStatus
from kompas.boards.access import access_board
from kompas.boards.models import Membership
from kompas.boards.roles import BoardRole
from kompas.monitoring.aggregates import release_now
from kompas.monitoring.models import (
    Consent,
    ImmutableError,
    MonitoringRound,
    RoundFigure,
    Submission,
)
from kompas.monitoring.services import consent_withdraw, round_open, submission_create

pytestmark = pytest.mark.django_db


def figure(round_, cut, value, code, subject="norm"):
    """A figure of the round's latest published release."""
    release = MonitoringRound.objects.get(pk=round_.pk).published_release_id
    return RoundFigure.objects.get(
        release=release, cut=cut, value=value, subject=subject, code=code
    )


def test_a_submission_is_a_snapshot_of_the_evaluation_the_cells_and_the_plan(sector):
    board = sector.board(sector="VO", pupils=6_000, region="GE", levels=(3, 2, 4, 1))

    submission = sector.submit(board, share_with={"support"})

    assert submission.signature == "all=|region=GE|sector=VO|size=large"
    assert sorted(submission.scores.values_list("norm__code", "level", "at_target")) == [
        ("BC.03", 4, True),
        ("BV.01", 1, False),
        ("GO.01", 3, True),
        ("GO.02", 2, False),
    ]
    assert (submission.has_approved_plan, submission.open_gaps) == (False, 2)
    assert list(submission.consents.values_list("audience", flat=True)) == ["support"]
    board.board.pupil_count = 200
    board.board.save()
    submission.refresh_from_db()
    assert submission.size_class == "large"
    with pytest.raises(ImmutableError):
        submission.save()


def test_only_an_approved_evaluation_of_the_round_s_framework_is_submitted_once(sector):
    board = sector.board()
    board.assessment.status = AssessmentStatus.SUBMITTED
    board.assessment.save()
    with pytest.raises(ValidationError, match="goedgekeurde"):
        sector.submit(board)
    board.assessment.status = AssessmentStatus.APPROVED
    board.assessment.save()
    sector.submit(board)
    with pytest.raises(ValidationError, match="al ingezonden"):
        sector.submit(board)
    assert Submission.objects.count() == 1


def test_only_the_executive_submits_and_only_the_analyst_opens_rounds(sector):
    board = sector.board()
    coordinator = Membership.objects.get(board=board.board, role=BoardRole.COORDINATOR).user

    with pytest.raises(PermissionDenied):
        submission_create(
            access=access_board(user=coordinator, board_id=board.board.pk),
            actor=coordinator,
            round_=sector.round,
            assessment=board.assessment,
            share_with=set(),
        )
    with pytest.raises(PermissionDenied):
        round_open(
            actor=coordinator,
            name="Eigen ronde",
            framework_version=sector.version,
            period="2026",
            sectors=["PO"],
        )


def test_a_withdrawn_consent_is_kept_and_the_board_still_counts_as_named(sector, settings):
    settings.MONITORING_MIN_BOARDS = 2
    named = sector.board()
    submission = sector.submit(named, share_with={"support", "region"})
    consent = submission.consents.get(audience="region")

    consent_withdraw(
        access=access_board(user=named.executive, board_id=named.board.pk),
        actor=named.executive,
        consent=consent,
    )

    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert Consent.objects.count() == 2
    for level in (2, 3):
        sector.submit(sector.board(levels=(level, 3, 3, 3)))
    release_now(round_=sector.round)
    # Three boards, one named: two unknown ones, just enough for k = 2.
    assert not figure(sector.round, "all", "", "GO.01").suppressed


def test_the_figures_are_counted_in_the_database_and_protected(sector, settings):
    settings.MONITORING_MIN_BOARDS = 3
    for levels in ((1, 2, 3, 4), (2, 2, 3, 5), (3, 2, 4, 5), (3, 3, 1, 4)):
        sector.submit(sector.board(sector="PO", region="UT", levels=levels))
    sector.submit(sector.board(sector="VO", region="UT", levels=(5, 5, 5, 5)))

    release_now(round_=sector.round)

    whole = figure(sector.round, "all", "", "GO.01")
    assert (whole.suppressed, whole.boards) == (False, 5)
    assert whole.counts == {"1": 1, "2": 1, "3": 2, "5": 1}
    assert whole.share_at_target == Decimal("60.0")  # 3, 3 and 5 of five
    # One VO board: below k, and with it its complement PO (the round minus VO).
    assert figure(sector.round, "sector", "VO", "GO.01").suppressed
    assert figure(sector.round, "sector", "PO", "GO.01").suppressed
    assert figure(sector.round, "sector", "PO", "GO.01").counts is None
    # GO.02 has two values among the five (2 and 3, and VO's 5): shown for the round.
    assert not figure(sector.round, "all", "", "GO.02").suppressed
    domain = figure(sector.round, "all", "", "GO", subject="domain")
    # GO levels of all five boards: 1,2 2,2 3,2 3,3 5,5 -> mean 2.8, median 2.5.
    assert (domain.mean, domain.median) == (Decimal("2.8"), Decimal("2.5"))


def test_recomputing_a_round_takes_the_same_queries_for_more_boards(sector, settings):
    settings.MONITORING_MIN_BOARDS = 2

    def queries():
        with CaptureQueriesContext(connection) as captured:
            release_now(round_=sector.round)
        return len(captured)

    for _ in range(3):
        sector.submit(sector.board())
    few = queries()
    for index in range(6):
        sector.submit(sector.board(sector="VO", region="GE", levels=(index % 5 + 1, 2, 3, 4)))

    assert queries() == few
