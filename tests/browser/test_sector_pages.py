"""Issue 7: the sector pages pass axe for each sector role, on the demo's synthetic sector, and
the benchmark for the demo board."""

import pytest
from playwright.sync_api import expect

from kompas.boards.models import Board, Group

pytestmark = pytest.mark.browser


def test_the_sector_pages_are_accessible_for_every_sector_role(
    signed_in, live_server, demo, assert_accessible
):
    analyst = signed_in("analyst@dvo.demo")
    analyst.goto(f"{live_server.url}/monitoring/")
    expect(analyst.get_by_role("heading", level=1)).to_be_visible()
    expect(analyst.locator("figure.chart svg[role=img]")).to_be_visible()
    assert_accessible(analyst)
    # Another predefined group, chosen with the form as a person would.
    analyst.locator("#cell").select_option("sector:PO")
    analyst.locator("form.filters button[type=submit]").click()
    expect(analyst).to_have_url(
        f"{live_server.url}/monitoring/?round="
        + analyst.locator("#round").input_value()
        + "&cell=sector%3APO"
    )
    assert_accessible(analyst)
    analyst.goto(f"{live_server.url}/monitoring/support/")
    assert_accessible(analyst)

    coordinator = signed_in("regional@dvo.demo")
    group = Group.objects.get(coordinators__user__email="regional@dvo.demo")
    coordinator.goto(f"{live_server.url}/monitoring/groups/{group.pk}/")
    expect(coordinator.get_by_text("Stichting Voorbeeldscholen").first).to_be_visible()
    assert_accessible(coordinator)

    inspector = signed_in("inspector@inspectie.demo")
    inspector.goto(f"{live_server.url}/monitoring/inspectorate/")
    assert_accessible(inspector)
    board = Board.objects.get(name="Stichting Voorbeeldscholen")
    inspector.goto(f"{live_server.url}/monitoring/inspectorate/boards/{board.pk}/")
    assert_accessible(inspector)


def test_the_demo_board_compares_itself_with_the_sector(
    signed_in, live_server, demo, assert_accessible
):
    board = Board.objects.get(name="Stichting Voorbeeldscholen")
    executive = signed_in("executive@voorbeeldscholen.demo")

    executive.goto(f"{live_server.url}/boards/{board.pk}/monitoring/benchmark/")

    expect(executive.locator("figure.chart svg[role=img]").first).to_be_visible()
    assert_accessible(executive)
