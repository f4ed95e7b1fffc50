"""Issue 17: the privacy officer sees a new breach in the header's count, opens it from the list
on a phone and lands on the incident; the settings and the calendar pages pass axe at 320 px."""

import pytest
from playwright.sync_api import expect

from kompas.boards.roles import BoardRole
from kompas.demo.seed import DEFAULT_DEMO_PASSWORD
from kompas.testing import clock
from kompas.testing.home import breach
from kompas.testing.world import PlanWorld

pytestmark = [pytest.mark.browser, clock.pinned_ticking]

PRIVACY = BoardRole.PRIVACY_OFFICER


@pytest.fixture
def world(transactional_db, settings):
    settings.REQUIRE_MFA = False
    world = PlanWorld()
    person = world.people[PRIVACY]
    person.set_password(DEFAULT_DEMO_PASSWORD)
    person.save()
    return world, breach(world, hours_ago=3, title="USB-stick kwijt")


def test_the_privacy_officer_opens_the_breach_from_the_notifications(
    signed_in, live_server, world, assert_accessible, assert_fits
):
    world, incident = world
    page = signed_in(world.people[PRIVACY].email)
    page.goto(f"{live_server.url}/notifications/")

    expect(page.locator(".notification-link .badge")).to_contain_text("1")
    link = page.get_by_role("link", name="datalek 1 is geregistreerd", exact=False)
    expect(link).to_be_visible()
    assert_fits(page)
    assert_accessible(page)

    link.click()
    expect(page).to_have_url(f"{live_server.url}/boards/{world.board.pk}/incidents/{incident.pk}/")
    expect(page.locator(".notification-link .badge")).to_have_count(0)

    page.goto(f"{live_server.url}/account/notifications/")
    expect(page.get_by_role("heading", name="Instellingen voor meldingen")).to_be_visible()
    assert_fits(page)
    assert_accessible(page)

    page.goto(f"{live_server.url}/account/calendar/")
    page.get_by_role("button", name="Maak mijn agenda-adres").click()
    expect(page.get_by_text("Uw agenda-adres (alleen nu te zien):")).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
