"""Issue 4: a whole self-evaluation by keyboard alone, submitted, approved, and then frozen.

After signing in, the coordinator only presses keys: Tab and Shift+Tab to move, Enter to follow
a link or press a button, arrow keys in the level choices, Space for the checkbox, and typing.
"""

from urllib.parse import urldefrag

import pytest
from playwright.sync_api import Page, expect

from kompas.assessments.models import AssessmentStatus, NormScore, SelfAssessment
from kompas.boards.models import Board
from kompas.frameworks.models import Norm

pytestmark = pytest.mark.browser

COORDINATOR = "coordinator@voorbeeldscholen.demo"
EXECUTIVE = "executive@voorbeeldscholen.demo"
PERIOD = "2027"  # the demo has 2025-2026 and 2026-2027; this one starts empty
NOT_APPLICABLE = {
    "FB.01": "Geen eigen serverruimte: alles draait bij de cloudleverancier.",
    "VW.03": "Wij geven geen persoonsgegevens door buiten de EER.",
}
LEVELS = (3, 2, 4, 1, 3, 5, 2, 3)  # taken in turn: below, at and above the target of 3


def press_until_focused(page: Page, selector: str, *, key: str = "Tab", limit: int = 20) -> None:
    """Press `key` until the element at CSS `selector` has the focus."""
    # Asked in the page itself: a Playwright locator per check costs more than the key press,
    # and this test presses about 3,000 keys.
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("css => document.activeElement === document.querySelector(css)", selector):
            return
    raise AssertionError(f"{limit} presses of {key} never reached {selector}")


def skip_to_main(page: Page) -> None:
    """The first Tab on a page reaches the skip link; Enter moves on to the main content."""
    if urldefrag(page.url).fragment == "main":
        return  # a redirect kept the skip link's '#main': Tab starts from the main content
    press_until_focused(page, "a.skip-link", limit=1)
    page.keyboard.press("Enter")


def follow(page: Page, url: str) -> None:
    """Enter on the focused link, then wait until `url` has loaded."""
    page.keyboard.press("Enter")
    page.wait_for_url(lambda current: urldefrag(current).url == url)


def wait_until_saved(page: Page) -> None:
    # Checked on every frame: expect()'s growing retry intervals would add ~0.4 s to each norm.
    page.wait_for_function(
        "() => document.getElementById('save-state').textContent.includes('Opgeslagen om')"
    )


def start_evaluation(page: Page, evaluations: str) -> None:
    """On the list of evaluations: type the period, leave 'start from' empty, press Start."""
    page.goto(evaluations)
    skip_to_main(page)
    press_until_focused(page, "#id_period")
    page.keyboard.type(PERIOD)
    press_until_focused(page, "main form button[type=submit]")  # past 'Start from'
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Zelfevaluatie {PERIOD}")


def assess(page: Page, *, level: int | None, reason: str) -> None:
    """On a norm's page: a level by arrow keys, or 'not applicable' with a reason."""
    skip_to_main(page)
    press_until_focused(page, "input[name=level][value='']")  # 'not yet assessed', checked
    if level is not None:
        # Each arrow moves one level up; the autosave waits until the arrows stop.
        for _ in range(level):
            page.keyboard.press("ArrowDown")
        return
    press_until_focused(page, "#id_not_applicable")
    page.keyboard.press("Space")
    # The autosave answers, politely, that it waits for the reason.
    expect(page.locator("#save-state")).to_contain_text("Nog niet opgeslagen")
    press_until_focused(page, "#id_not_applicable_reason")
    page.keyboard.type(reason)
    page.keyboard.press("Tab")  # leaving the text area is its change: the autosave sends it


def test_the_coordinator_assesses_every_norm_by_keyboard_and_the_approved_evaluation_is_frozen(
    signed_in, live_server, demo, assert_accessible
):
    board = Board.objects.get(name="Stichting Voorbeeldscholen")
    evaluations = f"{live_server.url}/boards/{board.pk}/evaluations/"
    page = signed_in(COORDINATOR)
    start_evaluation(page, evaluations)
    evaluation = SelfAssessment.objects.get(board=board, period=PERIOD)
    overview = f"{evaluations}{evaluation.pk}/"
    assert urldefrag(page.url).url == overview
    expect(page.locator("#progress-label")).to_have_text("0 van 94 normen beoordeeld")
    norms = list(
        Norm.objects.filter(framework_version=evaluation.framework_version).order_by("position")
    )
    plan = {
        norm.code: None if norm.code in NOT_APPLICABLE else LEVELS[index % len(LEVELS)]
        for index, norm in enumerate(norms)
    }

    skip_to_main(page)
    press_until_focused(page, f"main table a[href$='/norms/{norms[0].code}/']", limit=10)
    follow(page, f"{overview}norms/{norms[0].code}/")
    for norm, following in zip(norms, [*norms[1:], None], strict=True):
        assess(page, level=plan[norm.code], reason=NOT_APPLICABLE.get(norm.code, ""))
        wait_until_saved(page)
        if norm.code == "FB.01":
            assert_accessible(page)
        if following is not None:
            # On to the next norm with the pager below the form.
            press_until_focused(page, "a[rel=next]", limit=40)
            follow(page, f"{overview}norms/{following.code}/")
    press_until_focused(page, ".eyebrow a", key="Shift+Tab", limit=60)  # back to the overview
    follow(page, overview)

    expect(page.locator("#progress-label")).to_have_text("94 van 94 normen beoordeeld")
    assert_accessible(page)
    saved = {
        code: (level, reason, by)
        for code, level, reason, by in evaluation.scores.values_list(
            "norm__code", "level", "not_applicable_reason", "updated_by__email"
        )
    }
    assert saved == {
        code: (level, NOT_APPLICABLE.get(code, ""), COORDINATOR) for code, level in plan.items()
    }
    skip_to_main(page)
    press_until_focused(page, "form[action$='/submit/'] button", limit=120)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Ingediend bij de bestuurder ter goedkeuring.")).to_be_visible()
    assert SelfAssessment.objects.get(pk=evaluation.pk).status == AssessmentStatus.SUBMITTED

    executive = signed_in(EXECUTIVE)
    executive.goto(overview)
    executive.get_by_role("button", name="Goedkeuren").click()
    expect(executive.get_by_text("Goedgekeurd. De zelfevaluatie ligt nu vast.")).to_be_visible()
    approved = SelfAssessment.objects.values("status", "approved_by__email").get(pk=evaluation.pk)
    assert approved == {"status": AssessmentStatus.APPROVED, "approved_by__email": EXECUTIVE}

    assert_frozen_for(page, overview=overview, evaluation=evaluation, code=norms[0].code)


def assert_frozen_for(page: Page, *, overview: str, evaluation: SelfAssessment, code: str) -> None:
    """The norm page offers no form any more, and a hand-made POST changes nothing."""
    norm_url = f"{overview}norms/{code}/"
    page.goto(norm_url)
    expect(page.locator("#save-state")).to_be_attached()
    expect(page.get_by_role("radio")).to_have_count(0)
    expect(page.get_by_role("button", name="Opslaan")).to_have_count(0)

    scores = NormScore.objects.filter(assessment=evaluation).order_by("pk")
    before = list(scores.values())
    score = scores.get(norm__code=code)
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    # A valid session, token and revision: only the approval stands in the way.
    response = page.request.post(
        norm_url,
        form={
            "csrfmiddlewaretoken": token,
            "revision": str(score.revision),
            "level": "5",
            "target_level": "3",
            "not_applicable_reason": "",
            "explanation": "Achteraf toch hoger.",
            "assignee": "",
        },
    )
    assert response.status == 409
    assert "Deze zelfevaluatie is ingediend of goedgekeurd." in response.text()
    assert list(scores.values()) == before
    evaluation.refresh_from_db()
    assert evaluation.status == AssessmentStatus.APPROVED
