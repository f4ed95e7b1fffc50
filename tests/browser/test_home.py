"""Issue 17: on a phone the coordinator's home puts the AP decision first, as a warning with its
countdown, then what else waits; it passes axe."""

import pytest
from playwright.sync_api import expect

from kompas.demo.seed import DEFAULT_DEMO_PASSWORD
from kompas.testing import clock
from kompas.testing.home import COORD, HomeWorld

pytestmark = [pytest.mark.browser, clock.pinned_ticking]


@pytest.fixture
def world(transactional_db, settings):
    settings.REQUIRE_MFA = False
    world = HomeWorld()
    person = world.people[COORD]
    person.set_password(DEFAULT_DEMO_PASSWORD)
    person.save()
    return world


def test_the_coordinator_s_home_on_a_phone(
    signed_in, live_server, world, assert_accessible, assert_fits
):
    person = world.people[COORD]

    page = signed_in(person.email)
    page.goto(f"{live_server.url}/boards/{world.board.pk}/")

    warning = page.get_by_role("region", name="Beslissingen met een wettelijke termijn")
    expect(warning.get_by_role("link").first).to_have_text(
        "Beslis of datalek 1 bij de AP wordt gemeld: USB-stick kwijt"
    )
    tasks = page.get_by_role("region", name="Wat nu van u vraagt")
    expect(
        tasks.get_by_role("link", name="Uw maatregel \u2018Back-up testen\u2019")
    ).to_be_visible()
    assert_fits(page)
    assert_accessible(page)

    warning.get_by_role("link").first.click()
    expect(page).to_have_url(
        f"{live_server.url}/boards/{world.board.pk}/incidents/{world.overdue.pk}/"
    )
