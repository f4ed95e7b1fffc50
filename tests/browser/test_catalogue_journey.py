import re

import pytest
from playwright.sync_api import expect

from kompas.frameworks.normenkader import SHIPPED_FRAMEWORK
from kompas.frameworks.services import framework_import

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue(transactional_db):
    return framework_import(path=SHIPPED_FRAMEWORK).version


def test_a_visitor_finds_a_norm_by_search_and_reads_it(
    page, live_server, catalogue, assert_accessible
):
    page.goto(f"{live_server.url}/frameworks/")
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("Normenkader Informatiebeveiliging")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Normenkader")
    expect(page.get_by_text("69 normen", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Zoek normen op code of woorden").fill("offsite back-up")
    page.get_by_role("button", name="Zoeken").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=offsite"))
    result = page.get_by_role("link", name=re.compile("BC.03"))
    expect(result).to_be_visible()
    assert_accessible(page)

    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("BC.03 Offsite back-upopslag")
    expect(page.locator(".level--target")).to_contain_text("Niveau 3")
    expect(page.locator(".levels > li")).to_have_count(5)
    assert_accessible(page)


def test_search_updates_results_while_typing(page, live_server, catalogue):
    page.goto(f"{live_server.url}/frameworks/normenkader-ibp-fo/2024.1/search/")

    page.get_by_label("Zoek normen op code of woorden").press_sequentially("SM.02", delay=20)

    expect(page.locator("#search-results")).to_contain_text("Authenticatiemechanismes")
    expect(page).to_have_url(re.compile(r"q=SM.02"))


def test_the_keyboard_reaches_the_skip_link_first_and_the_language_switch(
    page, live_server, catalogue, assert_accessible
):
    page.goto(f"{live_server.url}/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Direct naar de inhoud")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_attached()
    assert_accessible(page)
