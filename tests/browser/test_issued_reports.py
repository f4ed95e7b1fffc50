"""Issue 15: the coordinator issues the supervisory-board report for a meeting in the browser;
the list passes axe and fits a 320 px screen, for the coordinator and for the supervisor, who
downloads the issued PDF as it was stored."""

import hashlib

import pytest
from playwright.sync_api import expect

from kompas.boards.models import Board
from kompas.reports.models import IssuedReport
from kompas.testing import clock

pytestmark = [pytest.mark.browser, clock.pinned_ticking]


def test_the_coordinator_issues_and_the_supervisor_downloads_at_320_px(
    signed_in, live_server, demo, assert_accessible, assert_fits
):
    board = Board.objects.get(name="Stichting Voorbeeldscholen")
    page_url = f"{live_server.url}/boards/{board.pk}/supervisory-reports/"

    coordinator = signed_in("coordinator@voorbeeldscholen.demo")
    coordinator.goto(f"{live_server.url}/boards/{board.pk}/dashboard/")
    coordinator.get_by_role("link", name="Uitgegeven rapportages aan de Raad van Toezicht").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(
        "Uitgegeven rapportages aan de Raad van Toezicht"
    )
    assert_fits(coordinator)
    coordinator.get_by_role("button", name="Rapportage uitgeven").click()
    expect(coordinator.get_by_text("Vul de datum van de vergadering in.")).to_be_visible()
    expect(coordinator.get_by_text("Vul de naam van de vergadering in.").first).to_be_visible()
    assert_accessible(coordinator)
    coordinator.get_by_label("Datum van de vergadering").fill("2026-12-03")
    coordinator.get_by_label("Vergadering", exact=True).fill("Vergadering raad van toezicht")
    coordinator.get_by_role("button", name="Rapportage uitgeven").click()
    expect(coordinator.get_by_text("Uitgegeven voor Vergadering raad van toezicht")).to_be_visible()
    assert_fits(coordinator)
    assert_accessible(coordinator)

    issued = IssuedReport.objects.get(board=board)
    supervisor = signed_in("supervisor@voorbeeldscholen.demo")
    supervisor.goto(page_url)
    expect(supervisor.get_by_role("row", name="Vergadering raad van toezicht")).to_be_visible()
    expect(supervisor.get_by_role("button", name="Rapportage uitgeven")).to_have_count(0)
    assert_fits(supervisor)
    assert_accessible(supervisor)
    with supervisor.expect_download() as download:
        supervisor.get_by_role(
            "link", name="Vergadering raad van toezicht, 3 december 2026"
        ).click()
    content = download.value.path().read_bytes()
    assert hashlib.sha256(content).hexdigest() == issued.sha256
