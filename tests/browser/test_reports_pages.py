"""Issue 6: the dashboard and the annual-report paragraph pass axe, for the coordinator and the
supervisor, and the supervisor sees approved data only."""

import pytest
from playwright.sync_api import expect

from kompas.boards.models import Board
from kompas.testing import clock

pytestmark = [pytest.mark.browser, clock.pinned_ticking]


def test_the_dashboard_and_the_annual_report_pages_are_accessible(
    signed_in, live_server, demo, assert_accessible
):
    board = Board.objects.get(name="Stichting Voorbeeldscholen")
    dashboard = f"{live_server.url}/boards/{board.pk}/dashboard/"

    coordinator = signed_in("coordinator@voorbeeldscholen.demo")
    coordinator.goto(dashboard)
    expect(coordinator.get_by_role("img").first).to_be_visible()
    assert_accessible(coordinator)
    coordinator.goto(f"{live_server.url}/boards/{board.pk}/annual-report/")
    assert_accessible(coordinator)
    coordinator.get_by_role("button", name="Concept maken").click()
    expect(coordinator.get_by_role("heading", level=1)).to_contain_text("2026")
    assert_accessible(coordinator)

    supervisor = signed_in("supervisor@voorbeeldscholen.demo")
    supervisor.goto(dashboard)
    expect(supervisor.get_by_text("U ziet alleen goedgekeurde gegevens")).to_be_visible()
    assert_accessible(supervisor)
