"""Issue 16: a coordinator starts a period on a revised framework and sees what came along."""

import pytest
from playwright.sync_api import expect

from kompas.accounts.models import User
from kompas.assessments.models import SelfAssessment
from kompas.demo.seed import DEFAULT_DEMO_PASSWORD
from kompas.testing.revision import COORD, RevisionWorld

pytestmark = pytest.mark.browser


@pytest.fixture
def revision(transactional_db, settings):
    settings.REQUIRE_MFA = False
    world = RevisionWorld()
    world.import_mapping()
    user = world.people[COORD]
    user.set_password(DEFAULT_DEMO_PASSWORD)
    user.save()
    return world


def test_the_coordinator_starts_on_the_revision_and_reads_what_came_along(
    signed_in, live_server, revision, assert_accessible, assert_fits
):
    board = revision.board
    coordinator = signed_in(User.objects.get(pk=revision.people[COORD].pk).email)
    coordinator.goto(f"{live_server.url}/boards/{board.pk}/evaluations/")
    coordinator.get_by_label("Periode").fill("2028")
    coordinator.get_by_label("Kader").select_option(label=str(revision.new))
    coordinator.get_by_label("Beginnen vanuit").select_option(value=str(revision.earlier.pk))
    coordinator.get_by_role("button", name="Starten").click()

    expect(coordinator.get_by_role("heading", name="Overgenomen van")).to_be_visible()
    later = SelfAssessment.objects.get(board=board, period="2028")
    assert later.mapping is not None
    assert_fits(coordinator)
    assert_accessible(coordinator)

    coordinator.get_by_role("link", name="BV.03").first.click()
    expect(coordinator.get_by_text("Deze norm is nieuw in deze versie")).to_be_visible()
    coordinator.goto(f"{live_server.url}/boards/{board.pk}/evaluations/{later.pk}/norms/GO.02/")
    expect(coordinator.get_by_text("vroeg een deel van wat deze norm vraagt").first).to_be_visible()
    assert_fits(coordinator)
    assert_accessible(coordinator)

    coordinator.goto(f"{live_server.url}/boards/{board.pk}/plan/")
    expect(coordinator.get_by_role("heading", name="Maatregelen om na te lopen")).to_be_visible()
    assert_fits(coordinator)
    assert_accessible(coordinator)

    coordinator.goto(f"{live_server.url}/boards/{board.pk}/evaluations/{later.pk}/compare/")
    expect(coordinator.get_by_role("heading", name="Niet vergeleken")).to_be_visible()
    assert_fits(coordinator)
    assert_accessible(coordinator)
