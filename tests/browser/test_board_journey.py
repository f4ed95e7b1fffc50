import re

import pytest
from playwright.sync_api import expect

from kompas.demo.seed import DEFAULT_DEMO_PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(re.compile("E-mail", re.IGNORECASE)).fill(email)
    page.get_by_label(re.compile("Wachtwoord", re.IGNORECASE)).fill(DEFAULT_DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()


def test_a_coordinator_signs_in_and_reaches_members_and_audit_trail(
    page, live_server, demo, assert_accessible
):
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)

    sign_in(page, live_server, "coordinator@voorbeeldscholen.demo")

    expect(page.get_by_role("heading", level=1)).to_have_text("Stichting Voorbeeldscholen")
    expect(page.get_by_text("OBS De Regenboog")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Leden").click()
    expect(
        page.get_by_role("cell", name="auditor@voorbeeldscholen.demo", exact=True)
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_label("E-mailadres").fill("nieuwe.collega@voorbeeldscholen.demo")
    page.get_by_label("Rol").select_option("contributor")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(page.get_by_text("Uitnodiging verstuurd")).to_be_visible()

    page.get_by_role("link", name="Audittrail").click()
    expect(page.get_by_role("cell", name="uitgenodigd", exact=True)).to_be_visible()
    assert_accessible(page)


def test_a_supervisor_sees_the_board_but_not_its_members(page, live_server, demo):
    sign_in(page, live_server, "supervisor@voorbeeldcollege.demo")

    expect(page.get_by_role("heading", level=1)).to_have_text("Voorbeeld College")
    expect(page.get_by_role("link", name="Leden")).to_have_count(0)
    board_url = page.url
    response = page.goto(board_url + "members/")
    assert response.status == 403
