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


def test_the_coordinator_records_a_sector_service_on_a_phone(
    signed_in, live_server, demo, assert_accessible
):
    board = Board.objects.get(name="Stichting Voorbeeldscholen")
    coordinator = signed_in("coordinator@voorbeeldscholen.demo")
    coordinator.set_viewport_size({"width": 320, "height": 720})
    coordinator.goto(f"{live_server.url}/boards/{board.pk}/monitoring/services/")
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Sectordiensten")
    assert_accessible(coordinator)

    section = coordinator.locator("#service-joint_procurement")
    section.get_by_text("Vastleggen").click()
    section.get_by_label("In gebruik", exact=True).check()
    section.get_by_label("Sinds").fill("2025-02-03")
    section.get_by_role("button", name="Opslaan").click()

    expect(
        coordinator.get_by_text("Opgeslagen: Gezamenlijke inkoop via een regio.")
    ).to_be_visible()
    expect(coordinator.locator("#service-joint_procurement dd").first).to_have_text("In gebruik")
    expect(coordinator.locator("#service-joint_procurement")).to_contain_text("3 februari 2025")
    assert coordinator.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(coordinator)


def test_the_analyst_downloads_a_release_and_reads_the_breach_counts(
    signed_in, live_server, demo, assert_accessible
):
    analyst = signed_in("analyst@dvo.demo")
    analyst.goto(f"{live_server.url}/monitoring/rounds/")
    analyst.get_by_role("link", name="Synthetische meetronde 2026").first.click()
    assert_accessible(analyst)
    with analyst.expect_download() as download:
        analyst.get_by_role("link", name="Staat van de sector (pdf)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:  # noqa: PTH123
        assert pdf.read(5) == b"%PDF-"

    analyst.goto(f"{live_server.url}/monitoring/incidents/")
    expect(analyst.get_by_role("heading", level=1)).to_have_text("Besturen met een datalek")
    expect(analyst.locator("table caption")).to_contain_text("Synthetische meetronde 2026")
    assert_accessible(analyst)
