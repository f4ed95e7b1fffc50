import re

import pytest
from playwright.sync_api import expect

from kompas.assessments.models import NormScore, SelfAssessment

pytestmark = pytest.mark.browser


def test_a_second_save_of_the_same_norm_shows_the_conflict_and_overwrites_nothing(
    signed_in, live_server, demo, assert_accessible
):
    draft = SelfAssessment.objects.get(board__name="Stichting Voorbeeldscholen", period="2026-2027")
    url = f"{live_server.url}/boards/{draft.board_id}/evaluations/{draft.pk}/norms/SM.02/"
    first = signed_in("coordinator@voorbeeldscholen.demo")
    second = signed_in("contributor@voorbeeldscholen.demo")
    current = NormScore.objects.get(assessment=draft, norm__code="SM.02").level
    theirs, mine = [level for level in (1, 2, 4, 5) if level != current][:2]
    first.goto(url)
    second.goto(url)

    first.get_by_label(re.compile(rf"^{theirs} · ")).check()
    expect(first.locator("#save-state")).to_contain_text("Opgeslagen om")
    second.get_by_label(re.compile(rf"^{mine} · ")).check()

    expect(second.locator(".conflict")).to_contain_text("Een collega heeft deze norm gewijzigd")
    assert_accessible(second)
    score = NormScore.objects.get(assessment=draft, norm__code="SM.02")
    assert score.level == theirs
    second.get_by_role("button", name="Mijn versie bewaren").click()
    expect(second.get_by_text("SM.02 opgeslagen.")).to_be_visible()
    score.refresh_from_db()
    assert score.level == mine


def test_the_level_is_chosen_with_the_keyboard_alone(signed_in, live_server, demo):
    draft = SelfAssessment.objects.get(board__name="Stichting Voorbeeldscholen", period="2026-2027")
    page = signed_in("coordinator@voorbeeldscholen.demo")
    page.goto(f"{live_server.url}/boards/{draft.board_id}/evaluations/{draft.pk}/norms/GO.01/")

    # Tab to the level choices, then arrow keys move the choice, as in any radio group.
    page.get_by_label(re.compile(r"^Nog niet beoordeeld")).focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")

    expect(page.locator("#save-state")).to_contain_text("Opgeslagen om")
    score = NormScore.objects.get(assessment=draft, norm__code="GO.01")
    assert score.level == 3
