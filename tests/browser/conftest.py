"""Browser tests: Playwright drives Debian's Chromium against Django's live server.

Locally they are skipped when Chromium is not installed; in CI (CI=true) a missing browser is
an error, so these tests can never be skipped silently there.
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import BrowserContext, Page, expect

from kompas.demo.seed import DEFAULT_DEMO_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Playwright's sync API runs an event loop in this thread; Django's ORM is used next to it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(
            f"Chromium not found at {CHROMIUM}; CI must install it (apt-get install chromium)."
        )
    skip = pytest.mark.skip(
        reason=f"Chromium not installed at {CHROMIUM} (apt-get install chromium)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Fail with the rule ids and elements when axe finds a WCAG 2.1 A/AA violation."""

    def check(page):
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        violations = results.response["violations"]
        details = [
            f"{violation['id']}: {[node['target'] for node in violation['nodes']]}"
            for violation in violations
        ]
        assert not violations, f"{page.url}: " + "; ".join(details)

    return check


# The elements that stick out past the right edge, to name in a failure.
STICKING_OUT = """(width) => [...document.querySelectorAll('body *')]
  .filter(element => element.getBoundingClientRect().right > width + 1)
  .slice(0, 8)
  .map(e => e.tagName.toLowerCase() + ': ' + (e.textContent || '').slice(0, 30))"""


@pytest.fixture
def assert_fits():
    """Fail, naming what sticks out, when the page is wider than a phone's `width` px.

    After a click the heading can be there before the style sheet is: the page is measured
    as it is shown, once everything it loads has arrived. KOMPAS_SCREENSHOTS=folder keeps
    each measured page as a PNG there, to look at.
    """
    shots = os.environ.get("KOMPAS_SCREENSHOTS")

    def check(page: Page, width: int = 320) -> None:
        page.wait_for_load_state("load")
        page.set_viewport_size({"width": width, "height": 720})
        if shots:
            name = "-".join(page.url.rstrip("/").split("/")[3:]) or "home"
            page.screenshot(path=str(Path(shots) / f"{name}-{width}.png"), full_page=True)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, (
            f"{page.url} is {scroll_width} px wide: {page.evaluate(STICKING_OUT, width)}"
        )

    return check


@pytest.fixture(autouse=True)
def _finish_server_requests():
    """Let the live server's request threads finish (and close their database connections).

    They are daemon threads that nobody joins; one still closing its connection when the test
    database is dropped makes PostgreSQL refuse the drop.
    """
    yield
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(timeout=10)


@pytest.fixture
def demo(transactional_db, settings):
    """The demo boards, people and evaluations, as `make setup` loads them (no second factor)."""
    settings.DEBUG = True
    settings.DEMO_PASSWORD = ""
    settings.REQUIRE_MFA = False
    with open(os.devnull, "w", encoding="utf-8") as quiet:  # noqa: PTH123
        call_command("seed_demo", stdout=quiet)


@pytest.fixture
def contexts(browser):
    """Separate browser sessions, closed after the test so no connection stays open."""
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


@pytest.fixture
def signed_in(browser, contexts, live_server):
    """Opens a page in a browser session of its own, signed in with a demo login."""

    def open_page(email: str) -> Page:
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("E-mailadres").fill(email)
        page.get_by_label("Wachtwoord").fill(DEFAULT_DEMO_PASSWORD)
        page.get_by_role("button", name="Inloggen", exact=True).click()
        # The header names whoever is signed in.
        expect(page.get_by_role("link", name=email, exact=True)).to_be_visible()
        return page

    return open_page
