"""Sector counts of boards with a breach: counted at submission, published through releases."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompas.incidents.models import Incident
from kompas.monitoring.aggregates import release_now
from kompas.monitoring.disclosure import ROUND, Cell
from kompas.monitoring.incident_counts import sector_incident_counts
from kompas.monitoring.models import MonitoringRound, RoundFigure
from kompas.testing.clock import NOW, pinned
from kompas.testing.sector import Sector

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english"), pinned]

PAGE = reverse("monitoring:incident_counts")


@pytest.fixture
def sector(settings):
    settings.MONITORING_MIN_BOARDS = 3
    return Sector()


def breach(board, *, days_ago=30, kind="breach", number=1):
    return Incident.objects.create(
        board=board,
        number=number,
        kind=kind,
        title="Datalek",
        became_aware_at=NOW - datetime.timedelta(days=days_ago),
        description="Wat er gebeurde.",
        reported_by=sector_reporter(board),
    )


def sector_reporter(board):
    return board.memberships.first().user


def boards(sector, count, *, breaches, sector_code="PO", region="UT"):
    """`count` boards submit; the first `breaches` of them had a breach a month before."""
    made = []
    for n in range(count):
        participant = sector.board(sector=sector_code, region=region)
        if n < breaches:
            breach(participant.board)
        sector.submit(participant)
        made.append(participant)
    return made


def main(html):
    """The page's content, without what differs per response (the script nonce)."""
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def counts_by_cell(round_):
    round_ = MonitoringRound.objects.select_related("published_release").get(pk=round_.pk)
    return {
        row.cell: (row.boards, row.with_breach)
        for row in sector_incident_counts(round_=round_).cells
    }


def test_a_submission_counts_the_breaches_of_the_year_before_it(sector):
    participant = sector.board()
    breach(participant.board, days_ago=10)
    breach(participant.board, days_ago=364, number=2)
    breach(participant.board, days_ago=366, number=3)  # more than a year ago
    breach(participant.board, days_ago=20, kind="security", number=4)  # no personal data
    breach(participant.board, days_ago=-2, number=5)  # registered with a date still to come

    submission = sector.submit(participant)

    assert submission.breaches == 2


def test_a_release_counts_boards_with_a_breach_per_group(sector):
    boards(sector, 6, breaches=2)
    boards(sector, 5, breaches=3, sector_code="VO", region="GR")
    release_now(round_=sector.round)

    found = counts_by_cell(sector.round)

    assert found[ROUND] == (11, 5)
    assert found[Cell("sector", "PO")] == (6, 2)
    assert found[Cell("region", "GR")] == (5, 3)


def test_a_group_where_every_board_had_a_breach_is_not_published(sector):
    boards(sector, 6, breaches=1)
    boards(sector, 4, breaches=4, sector_code="VO", region="GR")
    release_now(round_=sector.round)

    found = counts_by_cell(sector.round)

    # All four VO boards had a breach: the count would say so of each of them.
    assert found[Cell("sector", "VO")] == (4, None)
    # And the whole round would give it away by difference with PO: held back as well.
    assert found[ROUND][1] is None or found[Cell("sector", "PO")][1] is None


def test_the_page_reads_the_release_and_not_the_register(client, sector):
    made = boards(sector, 6, breaches=2)
    release_now(round_=sector.round)
    client.force_login(sector.analyst)
    before = client.get(PAGE).text

    # A breach registered after the release changes nothing on the page.
    breach(made[-1].board, days_ago=1, number=7)
    after = client.get(PAGE).text

    assert main(before) == main(after)
    row = after.split("Whole round</th>")[1].split("</tr>")[0]
    assert '<td class="numeric">6</td>' in row
    assert '<td class="numeric">2</td>' in row
    assert "As published in release 1 of Meetronde 2026" in after


def test_a_release_from_before_breaches_were_counted_says_so(client, sector):
    boards(sector, 4, breaches=1)
    release = release_now(round_=sector.round)
    RoundFigure.objects.filter(release=release, subject="incident").delete()
    client.force_login(sector.analyst)

    page = client.get(PAGE).text

    assert "This release was made before submissions counted breaches" in page


def test_without_a_published_release_there_is_nothing_to_show(client, sector):
    boards(sector, 4, breaches=1)
    client.force_login(sector.analyst)

    page = client.get(PAGE)

    assert page.status_code == 200
    assert "No round has a published release yet." in page.text


def test_the_page_takes_the_same_queries_for_few_and_many_boards(client, sector):
    boards(sector, 4, breaches=1)
    release_now(round_=sector.round)
    client.force_login(sector.analyst)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGE).status_code == 200
        return len(captured)

    few = queries()
    boards(sector, 8, breaches=3, sector_code="VO", region="NH")
    sector.round.refresh_from_db()
    release_now(round_=sector.round, final=True)

    assert queries() == few
