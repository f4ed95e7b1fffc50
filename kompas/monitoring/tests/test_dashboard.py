from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompas.audit.models import AuditAction, AuditEvent
from kompas.boards.models import SectorAssignment
from kompas.boards.roles import SectorRole
from kompas.monitoring.aggregates import QUADRANT, release_now
from kompas.monitoring.dashboard import aggregated_rounds, sector_dashboard
from kompas.monitoring.disclosure import Cell
from kompas.monitoring.models import MonitoringRound, RoundFigure
from kompas.monitoring.services import round_open
from kompas.testing.frameworks import (
    framework_doc,
    import_document,
    import_mapping_document,
    mapping_doc,
    norm_doc,
)
from kompas.testing.people import UserFactory
from kompas.testing.sector import Sector

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("monitoring:dashboard")
# Levels for GO.01, GO.02 (policy), BC.03, BV.01 (practice) that vary within every domain.
SPREAD = ((1, 2, 3, 4), (2, 2, 3, 5), (3, 2, 4, 5), (3, 3, 1, 4), (2, 3, 2, 3), (4, 4, 2, 2))


@pytest.fixture
def sector(settings):
    settings.MONITORING_MIN_BOARDS = 3
    return Sector()


def sign_in(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"


def inspector():
    user = UserFactory.create(email="inspecteur@inspectie.example.nl")
    SectorAssignment.objects.create(user=user, role=SectorRole.INSPECTOR)
    return user


def submit_all(sector, levels=SPREAD, release=True, **board):
    for found in levels:
        sector.submit(sector.board(levels=found, **board))
    if release:
        release_now(round_=sector.round)


def figure(round_, subject, code, cut="all", value=""):
    """A figure of the round's latest published release."""
    release = MonitoringRound.objects.get(pk=round_.pk).published_release_id
    return RoundFigure.objects.get(
        release=release, cut=cut, value=value, subject=subject, code=code
    )


def test_the_quadrant_is_counted_per_cell(sector):
    submit_all(sector)

    # Policy GO.01/GO.02 and practice BC.03/BV.01 means, split at 2.5:
    # 1.5/3.5 doer, 2/4 doer, 2.5/4.5 leader, 3/2.5 leader, 2.5/2.5 leader, 4/2 thinker.
    quadrants = figure(sector.round, QUADRANT, QUADRANT)
    assert not quadrants.suppressed
    assert quadrants.counts == {"doer": 2, "leader": 3, "thinker": 1}


def test_domain_quartiles_are_of_the_boards_means(sector):
    submit_all(sector)

    go = figure(sector.round, "domain", "GO")
    # Board means on GO: 1.5, 2.0, 2.5, 3.0, 2.5, 4.0 -> sorted 1.5 2.0 2.5 2.5 3.0 4.0.
    assert (go.lower_quartile, go.board_median, go.upper_quartile) == (
        Decimal("2.1"),
        Decimal("2.5"),
        Decimal("2.9"),
    )


def test_quartiles_are_held_back_when_the_middle_half_of_the_boards_share_one_mean(sector):
    # GO means 3, 3, 3, 3, 1.5: both quartiles are 3, which would say most boards have 3.
    submit_all(
        sector, levels=((3, 3, 1, 4), (3, 3, 2, 5), (3, 3, 3, 4), (3, 3, 4, 4), (1, 2, 4, 5))
    )

    go = figure(sector.round, "domain", "GO")
    assert not go.suppressed  # GO.01 and GO.02 each have two values
    assert go.mean is not None
    assert (go.lower_quartile, go.board_median, go.upper_quartile) == (None, None, None)


def test_the_dashboard_shows_a_cell_and_its_trend_and_labels_what_is_suppressed(client, sector):
    submit_all(sector)
    sign_in(client, sector.analyst)

    page = client.get(DASHBOARD)

    assert page.status_code == 200
    assert "Whole round" in page.text
    assert "Boards per type" in page.text
    assert "Leaders: policy and practice in order" in page.text
    assert '<option value="sector:PO"' in page.text
    # Every board is PO in region UT: the cut by sector holds the whole round and is shown.
    by_sector = client.get(DASHBOARD, {"cell": "sector:PO"})
    assert by_sector.status_code == 200
    assert "Sector PO" in by_sector.text


def test_a_group_that_is_not_a_cell_of_the_round_is_refused(client, sector):
    submit_all(sector)
    sign_in(client, sector.analyst)

    response = client.get(DASHBOARD, {"cell": "region:ZZ"})

    assert response.status_code == 400
    assert "This round has no figures for that group" in response.text
    assert client.get(DASHBOARD, {"round": "999999"}).status_code == 404


def test_without_figures_the_dashboard_says_so(client, sector):
    sign_in(client, sector.analyst)

    page = client.get(DASHBOARD)

    assert page.status_code == 200
    assert "There are no sector figures yet" in page.text


def test_small_groups_are_shown_as_suppressed(client, sector):
    submit_all(sector, release=False)
    sector.submit(sector.board(sector="VO", levels=(1, 1, 1, 1)))
    release_now(round_=sector.round)
    sign_in(client, sector.analyst)

    page = client.get(DASHBOARD, {"cell": "sector:VO"})

    assert page.status_code == 200
    assert 'class="tag suppressed"' in page.text
    assert figure(sector.round, "domain", "GO", cut="sector", value="VO").mean is None


def test_an_inspector_s_look_at_the_figures_is_recorded(client, sector):
    submit_all(sector)
    user = inspector()
    sign_in(client, user)

    client.get(DASHBOARD)
    client.get(reverse("monitoring:round", args=[sector.round.pk]))

    events = AuditEvent.objects.filter(action=AuditAction.VIEW, actor_id=user.pk)
    assert events.count() == 2
    assert not AuditEvent.objects.filter(
        action=AuditAction.VIEW, actor_id=sector.analyst.pk
    ).exists()


def test_the_dashboard_takes_the_same_queries_for_more_boards_and_rounds(client, sector):
    sign_in(client, sector.analyst)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(DASHBOARD).status_code == 200
        return len(captured)

    submit_all(sector)
    few = queries()
    later = round_open(
        actor=sector.analyst,
        name="Meetronde 2027",
        framework_version=sector.version,
        period="2027",
        sectors=["PO"],
    )
    sector.round = later
    submit_all(sector, levels=SPREAD * 2)

    assert MonitoringRound.objects.filter(published_release__isnull=False).count() == 2
    assert queries() == few


# --- A board's benchmark ---------------------------------------------------------------------


def benchmark_url(participant):
    return reverse("monitoring:benchmark", args=[participant.board.pk])


def test_a_board_sees_where_it_stands_against_the_quartiles(client, sector):
    boards = [sector.board(levels=levels) for levels in SPREAD]
    for board in boards:
        sector.submit(board)
    release_now(round_=sector.round, final=True)
    sign_in(client, boards[0].executive)

    page = client.get(benchmark_url(boards[0]))

    assert page.status_code == 200
    assert "Whole round" in page.text
    # GO: the board's mean 1.5 is below the lower quartile 2.1.
    assert "in the lowest quarter" in page.text
    assert "The diamond is your board." in page.text


def test_a_board_that_has_not_submitted_is_told_how_to_compare(client, sector):
    board = sector.board()
    sign_in(client, board.executive)

    page = client.get(benchmark_url(board))

    assert page.status_code == 200
    assert "Once your board has submitted" in page.text


def test_a_group_too_small_to_compare_with_says_so(client, sector, settings):
    settings.MONITORING_MIN_BOARDS = 10
    boards = [sector.board(levels=levels) for levels in SPREAD]
    for board in boards:
        sector.submit(board)
    release_now(round_=sector.round, final=True)
    sign_in(client, boards[0].executive)

    page = client.get(benchmark_url(boards[0]))

    assert page.status_code == 200
    assert "too small (or too uniform) to compare with" in page.text
    assert "in the lowest quarter" not in page.text


def test_the_programme_s_goals_are_shown_per_round_and_none_gives_a_board_away(
    client, sector, english
):
    submit_all(sector)
    sign_in(client, sector.analyst)

    page = client.get(DASHBOARD).text

    goals = page.split('id="goals-heading"')[1].split("</section>")[0]
    assert "Plan covers every norm (2027)" in goals
    assert "Meets the normenkader (2030)" in goals
    # No board of this sector has an approved plan: a share of 0% would tell that of each.
    plan = figure(sector.round, "goal", "plan")
    assert plan.suppressed
    assert plan.share_at_target is None
    row = goals.split("Approved plan</th>")[1].split("</tr>")[0]
    assert "suppressed" in row
    assert "%" not in row


def test_taking_part_is_the_share_of_the_invited_boards_per_round(client, sector, english):
    # Five boards submit; one more PO board is invited but does not.
    sector.board()
    submit_all(sector)
    sign_in(client, sector.analyst)

    taking_part = figure(sector.round, "turnout", "turnout")

    assert (taking_part.boards, taking_part.counts) == (len(SPREAD), {"invited": len(SPREAD) + 1})
    goals = client.get(DASHBOARD).text.split('id="goals-heading"')[1].split("</section>")[0]
    row = goals.split("Took part (share of the boards invited)</th>")[1].split("</tr>")[0]
    assert f"{100 * len(SPREAD) / (len(SPREAD) + 1):.1f}%" in row


# --- Rounds on different framework versions --------------------------------------------------


def revised_rounds(sector, *, with_mapping=True):
    """Round 1 on 1.0; round 2 on 2.0, where BC.03 is split into BC.03 and BC.04.

    GO and BV keep their norms (equal pairs), so the mapping compares them; BC it does not,
    nor the part holding BC (security), nor the quadrant, which is over every domain.
    """
    submit_all(sector)
    new = framework_doc(version="2.0")
    new["norms"].insert(3, norm_doc("BC.04", "BC", title="Hersteltest van back-ups"))
    sector.version = import_document(new)
    if with_mapping:
        import_mapping_document(
            mapping_doc(
                pairs=[
                    ("GO.01", "GO.01", "equal"),
                    ("GO.02", "GO.02", "equal"),
                    ("BC.03", "BC.03", "superset"),
                    ("BC.03", "BC.04", "superset"),
                    ("BV.01", "BV.01", "equal"),
                ]
            )
        )
    sector.round = round_open(
        actor=sector.analyst,
        name="Meetronde 2027",
        framework_version=sector.version,
        period="2027",
        sectors=["PO"],
    )
    submit_all(sector)
    return sector.round


def test_across_versions_the_trend_compares_the_domains_the_mapping_keeps(sector):
    revised_rounds(sector)
    rounds = aggregated_rounds()

    shown = sector_dashboard(rounds=rounds, round_=rounds[-1], cell=Cell("all"))

    def compared(rows):
        return {row.code: row.compared for row in rows}

    assert compared(shown.domains) == {"GO": [True, True], "BC": [False, True], "BV": [True, True]}
    assert compared(shown.parts) == {"security": [False, True], "privacy": [True, True]}
    assert [figures.compared for figures in shown.quadrants] == [False, True]
    assert [(other.round.name, other.domains) for other in shown.other_versions] == [
        ("Meetronde 2026", frozenset({"GO", "BV"}))
    ]
    # Goals and services do not depend on the norms: every round counts.
    assert all(all(row.compared) for row in shown.goals)


def test_the_dashboard_says_what_it_compares_across_versions(client, sector):
    later = revised_rounds(sector)
    sign_in(client, sector.analyst)

    html = client.get(DASHBOARD, {"round": later.pk}).text

    assert (
        "Meetronde 2026 used Testkader voor scholen 1.0. Through the mapping to Testkader voor "
        "scholen 2.0 its figures are compared on the 2 domains whose norms the mapping pairs as "
        "equal" in html
    )
    assert html.count("not compared") >= 3  # BC, security and the quadrant of 2026


def test_without_a_mapping_no_domain_of_the_other_version_is_compared(client, sector):
    later = revised_rounds(sector, with_mapping=False)
    sign_in(client, sector.analyst)

    rounds = aggregated_rounds()
    shown = sector_dashboard(rounds=rounds, round_=rounds[-1], cell=Cell("all"))
    html = client.get(DASHBOARD, {"round": later.pk}).text

    assert all(row.compared == [False, True] for row in shown.domains + shown.parts)
    assert "there is no mapping from it to Testkader voor scholen 2.0" in html
