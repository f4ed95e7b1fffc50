"""A crawler signs in as every demo person of one board, collects every page it can reach, and
requests all of it as the people of the other board and the sector: nothing of the first board
may show."""

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command

from kompas.accounts.models import User
from kompas.boards.models import Board, Membership
from kompas.boards.roles import BoardRole
from kompas.demo.seed import DEFAULT_DEMO_PASSWORD

HREF = re.compile(r'<(?:a|form)\b[^>]*?(?:href|action)="([^"#]+)"', re.IGNORECASE)
SKIP = ("/static/", "/accounts/logout/", "/i18n/", "/frameworks/", "/admin/")
MAX_PAGES = 150


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = ""
    settings.REQUIRE_MFA = False
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    settings.DEBUG = False


def crawl(client):
    seen: set[str] = set()
    queue = deque(["/", "/boards/"])
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen or path.startswith(SKIP):
            continue
        seen.add(path)
        response = client.get(path, follow=True)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for link in HREF.findall(response.content.decode()):
            target = urlsplit(urljoin(path, link.replace("&amp;", "&")))
            if not target.netloc:
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return seen


def secrets_of(board):
    """Text that only people with access to the board should ever see."""
    emails = list(Membership.objects.filter(board=board).values_list("user__email", flat=True))
    return [board.name, *board.schools.values_list("name", flat=True), *emails]


def test_nothing_of_one_board_is_visible_to_the_other_board_or_the_sector(client, demo):
    scholen = Board.objects.get(name="Stichting Voorbeeldscholen")
    college = Board.objects.get(name="Voorbeeld College")
    reached = set()
    for role in BoardRole.values:
        client.force_login(User.objects.get(email=f"{role}@voorbeeldscholen.demo"))
        reached |= crawl(client)
    board_pages = {path for path in reached if path.startswith(f"/boards/{scholen.pk}/")}
    assert board_pages, "the crawler should reach the board's own pages"

    outsiders = [f"{role}@voorbeeldcollege.demo" for role in BoardRole.values] + [
        "analyst@dvo.demo",
        "regional@dvo.demo",
        "inspector@inspectie.demo",
        "admin@ibpkompas.demo",
    ]
    secrets = [text for text in secrets_of(scholen) if text not in secrets_of(college)]
    for email in outsiders:
        assert client.login(email=email, password=DEFAULT_DEMO_PASSWORD)
        for path in sorted(reached):
            response = client.get(path)
            if path in board_pages:
                assert response.status_code == 404, (email, path, response.status_code)
            body = response.content.decode(errors="replace")
            leaked = [text for text in secrets if text in body]
            if email == "admin@ibpkompas.demo" and path.startswith("/platform/"):
                # The platform admin registers boards and their coordinators, not their content.
                continue
            assert leaked == [], (email, path, leaked)
            if path in board_pages:
                assert client.post(path).status_code == 404, (email, path)
        client.logout()
