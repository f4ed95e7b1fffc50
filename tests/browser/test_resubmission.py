"""Issue 15: the executive submits a newer approval to a round again, on a phone, and sees both
snapshots listed; the page passes axe before and after."""

import pytest
from playwright.sync_api import expect

from kompas.demo.seed import DEFAULT_DEMO_PASSWORD
from kompas.monitoring.models import Submission
from kompas.testing.sector import Sector

pytestmark = pytest.mark.browser


@pytest.fixture
def resubmitting(transactional_db, settings):
    settings.REQUIRE_MFA = False
    sector = Sector()
    participant = sector.board()
    sector.submit(participant, share_with={"support"})
    newer = sector.approve_again(participant, levels=(3, 3, 3, 3))
    participant.executive.set_password(DEFAULT_DEMO_PASSWORD)
    participant.executive.save()
    return sector, newer


def test_the_executive_submits_again_with_the_choices_carried_over(
    signed_in, live_server, resubmitting, assert_accessible, assert_fits
):
    sector, newer = resubmitting
    page = signed_in(newer.executive.email)
    page.goto(f"{live_server.url}/boards/{newer.board.pk}/monitoring/")

    button = page.get_by_role("button", name=f"Opnieuw inzenden voor {sector.round.name}")
    expect(button).to_be_visible()
    expect(
        page.get_by_role("checkbox", name="Het ondersteuningsteam van het programma")
    ).to_be_checked()
    assert_fits(page)
    assert_accessible(page)

    button.click()

    expect(page.get_by_text("is opnieuw ingezonden voor")).to_be_visible()
    expect(page.get_by_text("vervangen op").first).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
    current = Submission.objects.filter(board=newer.board).current().get()
    assert current.assessment == newer.assessment
    assert list(current.consents.values_list("audience", flat=True)) == ["support"]
