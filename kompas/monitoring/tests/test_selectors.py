import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompas.assessments.models import AssessmentStatus
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


def test_the_latest_approved_evaluation_of_the_version_is_the_one_to_submit(sector):
    board = sector.board()
    coordinator = board.board.memberships.get(role=BoardRole.COORDINATOR).user
    later = assessment_start(
        access=access_board(user=coordinator, board_id=board.board.pk),
        actor=coordinator,
        framework_version=sector.version,
        period="2027",
    )

    assert (
        selectors.approved_assessment(board_id=board.board.pk, version_id=sector.version.pk)
        == board.assessment
    )
    later.status = AssessmentStatus.APPROVED
    later.save()
    assert (
        selectors.approved_assessment(board_id=board.board.pk, version_id=sector.version.pk)
        == later
    )


def test_another_board_s_consent_is_not_found(sector):
    mine, other = sector.board(), sector.board()
    consent = sector.submit(other, share_with={"support"}).consents.get()

    assert selectors.board_consent(board=mine.board, consent_id=consent.pk) is None
    assert selectors.board_consent(board=other.board, consent_id=consent.pk) == consent


def test_the_programme_version_is_the_latest_import_of_the_normenkader(sector):
    # The sector's own framework is another one: no programme version yet.
    assert selectors.programme_version() is None
    import_document(framework_doc(slug=NORMENKADER_SLUG, version="2026.1"))
    latest = import_document(framework_doc(slug=NORMENKADER_SLUG, version="2027.1"))

    assert selectors.programme_version() == latest


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
