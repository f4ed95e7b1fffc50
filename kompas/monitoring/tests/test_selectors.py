import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kompas.assessments.models import AssessmentStatus, SelfAssessment
from kompas.assessments.services import assessment_start
from kompas.boards.access import access_board
from kompas.boards.roles import BoardRole
from kompas.frameworks.normenkader import NORMENKADER_SLUG
from kompas.monitoring import selectors
from kompas.monitoring.models import MonitoringRound, RoundStatus
from kompas.monitoring.services import round_open
from kompas.testing.frameworks import framework_doc, import_document

pytestmark = pytest.mark.django_db


def open_round(sector, name, sectors=("PO",)):
    return round_open(
        actor=sector.analyst,
        name=name,
        framework_version=sector.version,
        period="2026",
        sectors=list(sectors),
    )


def test_a_board_is_offered_the_open_rounds_of_its_sectors_only(sector):
    board = sector.board(sector="PO")
    open_round(sector, "Alleen SO", sectors=("SO",))
    closed = open_round(sector, "Gesloten")
    MonitoringRound.objects.filter(pk=closed.pk).update(status=RoundStatus.CLOSED)
    also = open_round(sector, "Ook PO", sectors=("PO", "SO"))

    found = selectors.open_rounds_for(board=board.board)

    assert {round_.pk for round_ in found} == {sector.round.pk, also.pk}


def test_a_board_s_submissions_are_its_own_newest_first_with_their_consents(sector):
    mine, other = sector.board(), sector.board()
    first = sector.submit(mine, share_with={"support"})
    sector.round = open_round(sector, "Tweede")
    second = sector.submit(mine, share_with={"region", "inspectorate"})
    sector.submit(other, share_with={"support"})

    found = selectors.board_submissions(board=mine.board)

    assert found == [second, first]
    assert sorted(c.audience for c in found[0].consents.all()) == ["inspectorate", "region"]


def start(board, sector, period, version=None):
    coordinator = board.board.memberships.get(role=BoardRole.COORDINATOR).user
    return assessment_start(
        access=access_board(user=coordinator, board_id=board.board.pk),
        actor=coordinator,
        framework_version=version or sector.version,
        period=period,
    )


def approve(assessment):
    assessment.status = AssessmentStatus.APPROVED
    assessment.approved_at = timezone.now()
    assessment.save()
    return assessment


def fits(board, sector):
    return selectors.round_evaluation(board=board.board, round_=sector.round)


def test_the_round_takes_the_evaluation_that_stands_for_its_year(sector):
    board = sector.board()  # approved, 2026: the round's year
    later = start(board, sector, "2027")

    assert fits(board, sector).assessment == board.assessment
    approve(later)
    # A 2027 evaluation does not stand for the 2026 round, approved or not.
    assert fits(board, sector).assessment == board.assessment
    school_year = approve(start(board, sector, "2025-2026"))
    # Of the same year the latest approval wins: the school year ending in 2026.
    assert fits(board, sector).assessment == school_year


@pytest.mark.usefixtures("english")
def test_without_a_fitting_evaluation_the_reason_names_what_the_board_has(sector):
    board = sector.board()
    board.assessment.status = AssessmentStatus.SUBMITTED
    board.assessment.save()
    assert fits(board, sector).why_not.startswith("Your self-evaluation 2026 is not approved yet")

    board.assessment.period = "2025"
    board.assessment.status = AssessmentStatus.APPROVED
    board.assessment.save()
    found = fits(board, sector)
    assert found.assessment is None
    assert found.why_not.startswith(
        "This round asks for a self-evaluation of 2026; your latest approved one is of 2025."
    )

    other = import_document(framework_doc(slug=NORMENKADER_SLUG, version="2026.1"))
    approve(start(board, sector, "2026", version=other))
    assert "uses" in fits(board, sector).why_not
    assert "this round asks for" in fits(board, sector).why_not


@pytest.mark.usefixtures("english")
def test_a_board_with_only_an_old_draft_is_told_to_have_one_approved(sector):
    board = sector.board()
    SelfAssessment.objects.filter(pk=board.assessment.pk).update(
        period="2024", status=AssessmentStatus.DRAFT
    )

    found = fits(board, sector)

    assert found.assessment is None
    assert found.why_not.startswith("There is no approved self-evaluation for 2026 yet")


def test_another_board_s_consent_is_not_found(sector):
    mine, other = sector.board(), sector.board()
    consent = sector.submit(other, share_with={"support"}).consents.get()

    assert selectors.board_consent(board=mine.board, consent_id=consent.pk) is None
    assert selectors.board_consent(board=other.board, consent_id=consent.pk) == consent


def test_the_board_s_rounds_page_takes_the_same_queries_for_more_rounds_and_submissions(
    client, sector
):
    board = sector.board()
    client.force_login(board.executive)
    client.cookies["django_language"] = "en"
    url = reverse("monitoring:board_rounds", args=[board.board.pk])

    def queries():
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    sector.submit(board, share_with={"support"})
    open_round(sector, "Nog open")
    few = queries()
    for name in ("Derde", "Vierde", "Vijfde"):
        sector.round = open_round(sector, name)
        sector.submit(board, share_with={"support", "region", "inspectorate"})
    open_round(sector, "Ook nog open")

    assert queries() == few
