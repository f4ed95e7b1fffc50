"""Issue 5: the coordinator closes the last open gap from a suggestion; the executive approves."""

import pytest
from playwright.sync_api import expect

from kompas.boards.models import Board
from kompas.plans.models import PlanVersion
from kompas.plans.selectors import plan_check

pytestmark = pytest.mark.browser


def test_the_last_gap_is_closed_from_a_suggestion_and_the_plan_is_approved(
    signed_in, live_server, demo, assert_accessible
):
    board = Board.objects.get(name="Stichting Voorbeeldscholen")
    (gap,) = plan_check(board=board).open
    plan_url = f"{live_server.url}/boards/{board.pk}/plan/"

    executive = signed_in("executive@voorbeeldscholen.demo")
    executive.goto(plan_url)
    expect(executive.get_by_text("zodra de laatste open lacune is afgedekt")).to_be_visible()
    expect(executive.get_by_role("button", name="Het plan goedkeuren")).to_have_count(0)

    coordinator = signed_in("coordinator@voorbeeldscholen.demo")
    coordinator.goto(plan_url)
    assert_accessible(coordinator)
    open_gap = coordinator.get_by_role("article", name=gap.code)
    open_gap.get_by_role("button", name="Maak hier een maatregel van").first.click()
    expect(coordinator.get_by_text("Maatregel gemaakt van de suggestie")).to_be_visible()
    assert_accessible(coordinator)
    coordinator.get_by_label("Prioriteit").select_option(label="Hoog")
    coordinator.get_by_role("button", name="Opslaan").click()
    expect(coordinator.get_by_text("Maatregel opgeslagen.")).to_be_visible()

    executive.goto(plan_url)
    expect(executive.get_by_text("Elke lacune is afgedekt: het plan is compleet.")).to_be_visible()
    executive.get_by_role("button", name="Het plan goedkeuren").click()
    expect(executive.get_by_text("Plan goedgekeurd als versie 1.")).to_be_visible()
    approved = PlanVersion.objects.get(board=board)
    assert approved.approved_by.email == "executive@voorbeeldscholen.demo"
    assert gap.code in {
        code for measure in approved.snapshot["measures"] for code in measure["norms"]
    }

    executive.get_by_role("link", name="Routekaart en prognose tot de uiterste datum").click()
    expect(executive.get_by_role("heading", level=1)).to_have_text("Routekaart en prognose")
    assert_accessible(executive)
