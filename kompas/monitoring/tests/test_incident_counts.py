"""Sector counts of boards with a breach: counted in the database, through disclosure control."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompas.boards.models import Board, BoardSector, SectorAssignment
from kompas.boards.roles import SectorRole
from kompas.incidents.models import Incident
from kompas.monitoring.disclosure import Cell
from kompas.monitoring.incident_counts import sector_incident_counts
from kompas.testing.people import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

CET = datetime.timezone(datetime.timedelta(hours=1))
IN_2026 = datetime.datetime(2026, 5, 4, 10, 0, tzinfo=CET)
K = 10


@pytest.fixture
def reporter(db):
    return UserFactory.create(email="melder@example.nl")


def boards(count, *, sector, breaches, reporter, pupils=400, region="", start=0, **incident):
    """`count` boards of one sector, the first `breaches` of them with a breach in 2026."""
    made = Board.objects.bulk_create(
        Board(
            name=f"Bestuur {sector} {n}",
            bg_number=f"{50000 + start + n}",
            pupil_count=pupils,
            region=region,
        )
        for n in range(count)
    )
    BoardSector.objects.bulk_create(BoardSector(board=board, sector=sector) for board in made)
    Incident.objects.bulk_create(
        Incident(
            board=board,
            number=1,
            kind=incident.get("kind", "breach"),
            title="Datalek",
            became_aware_at=incident.get("aware", IN_2026),
            description="Wat er gebeurde.",
            reported_by=reporter,
        )
        for board in made[:breaches]
    )
    return made


def by_cell(counts):
    return {row.cell: (row.boards, row.with_breach) for row in counts.cells}


def test_small_cells_are_suppressed_and_so_is_their_complement(reporter):
    boards(25, sector="PO", breaches=5, reporter=reporter)
    boards(3, sector="VO", breaches=1, reporter=reporter, start=100)

    counts = sector_incident_counts(year=2026, k=K)

    assert by_cell(counts) == {
        Cell("all"): (28, 6),
        Cell("sector", "PO"): (None, None),  # else all minus PO would give VO away
        Cell("sector", "VO"): (None, None),  # 3 boards: fewer than k
        Cell("size", "small"): (28, 6),
    }
    assert [row.cell.cut for row in counts.cells] == ["all", "sector", "sector", "size"]


def test_cells_big_enough_on_both_sides_are_published(reporter):
    boards(14, sector="PO", breaches=3, reporter=reporter, region="UT")
    boards(12, sector="VO", breaches=2, reporter=reporter, region="NH", pupils=2000, start=100)

    found = by_cell(sector_incident_counts(year=2026, k=K))

    assert found[Cell("all")] == (26, 5)
    assert found[Cell("sector", "PO")] == (14, 3)
    assert found[Cell("region", "NH")] == (12, 2)
    assert found[Cell("size", "medium")] == (12, 2)


def test_a_group_where_every_board_had_a_breach_is_not_published(reporter):
    # Counting 12 of 12 would tell about each of them that it had a breach.
    boards(12, sector="PO", breaches=12, reporter=reporter)

    found = by_cell(sector_incident_counts(year=2026, k=K))

    assert found[Cell("all")] == (12, None)


def test_only_breaches_of_the_year_count_and_only_active_boards(reporter):
    boards(11, sector="PO", breaches=2, reporter=reporter)
    boards(3, sector="PO", breaches=3, reporter=reporter, start=100, kind="security")
    boards(
        3,
        sector="PO",
        breaches=3,
        reporter=reporter,
        start=200,
        aware=datetime.datetime(2025, 12, 31, 23, 30, tzinfo=CET),  # 2025 in the Netherlands
    )
    inactive = boards(2, sector="PO", breaches=2, reporter=reporter, start=300)
    Board.objects.filter(pk__in=[board.pk for board in inactive]).update(is_active=False)

    found = by_cell(sector_incident_counts(year=2026, k=K))

    assert found[Cell("all")] == (17, 2)


def test_counting_takes_one_query_however_many_boards(reporter):
    boards(12, sector="PO", breaches=3, reporter=reporter)
    with CaptureQueriesContext(connection) as few:
        sector_incident_counts(year=2026, k=K)
    boards(60, sector="VO", breaches=9, reporter=reporter, start=100, region="GE")
    boards(30, sector="SO", breaches=4, reporter=reporter, start=200, pupils=9000)

    with CaptureQueriesContext(connection) as many:
        counts = sector_incident_counts(year=2026, k=K)

    assert len(few) == len(many) == 1
    assert by_cell(counts)[Cell("all")] == (102, 16)


def test_the_analyst_sees_the_counts_with_suppressed_cells_labelled(client, reporter):
    boards(25, sector="PO", breaches=5, reporter=reporter)
    boards(3, sector="VO", breaches=1, reporter=reporter, start=100)
    analyst = UserFactory.create(email="analist@example.nl")
    SectorAssignment.objects.create(user=analyst, role=SectorRole.PROGRAMME_ANALYST)
    client.force_login(analyst)

    response = client.get(reverse("monitoring:incident_counts"), {"year": "2026"})

    assert response.status_code == 200
    assert "Boards with a personal-data breach in 2026" in response.text
    assert response.text.count('<span class="tag suppressed">suppressed</span>') == 4
    assert "Bestuur" not in response.text
    row = response.text.split("All boards</th>")[1].split("</tr>")[0]
    assert '<td class="numeric">28</td>' in row
    assert '<td class="numeric">6</td>' in row
