"""Issue 8: a contributor reports a breach, the privacy officer records the decision to notify
the Autoriteit Persoonsgegevens, the coordinator turns a lesson into a plan measure.

The people switch the interface to English, so the test reads the message ids whatever the Dutch
catalogue says; axe runs on every incident page on the way.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from kompas.boards.models import Board
from kompas.incidents.models import Incident
from kompas.plans.models import Measure

pytestmark = pytest.mark.browser

TITLE = "Cijferlijst naar de verkeerde oudergroep gemaild"
LESSON = "Mails met leerlinggegevens voortaan alleen via de beveiligde omgeving versturen."


def in_english(page: Page) -> None:
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_a_breach_is_reported_notified_and_its_lesson_becomes_a_measure(
    signed_in, live_server, demo, assert_accessible
):
    board = Board.objects.get(name="Stichting Voorbeeldscholen")
    base = f"{live_server.url}/boards/{board.pk}"

    incident = report_as_contributor(signed_in, base, assert_accessible, board)
    decide_as_privacy_officer(signed_in, base, assert_accessible, incident)
    measure = lesson_to_measure_as_coordinator(signed_in, base, assert_accessible, incident)

    coordinator = signed_in("coordinator@voorbeeldscholen.demo")
    in_english(coordinator)
    coordinator.goto(f"{base}/plan/")
    expect(coordinator.get_by_role("link", name=measure.title)).to_be_visible()
    assert measure.title == f"Lesson from incident {incident.number}: {LESSON}"


def report_as_contributor(signed_in, base, assert_accessible, board):
    contributor = signed_in("contributor@voorbeeldscholen.demo")
    in_english(contributor)
    contributor.goto(f"{base}/")
    contributor.get_by_role("link", name="Report an incident").click()
    expect(contributor.get_by_role("heading", level=1)).to_have_text("Report an incident")
    assert_accessible(contributor)
    contributor.get_by_label("Personal-data breach").check()
    contributor.get_by_label("Title").fill(TITLE)
    contributor.get_by_label("What happened").fill(
        "Het cijferoverzicht van groep 7 is per ongeluk naar de ouders van groep 6 gemaild."
    )
    contributor.get_by_label("Pupil records (progress, results, reports)").check()
    contributor.get_by_label("Pupils", exact=True).fill("24")
    contributor.get_by_role("button", name="Report the incident").click()
    expect(contributor.get_by_role("heading", level=1)).to_have_text(
        "Thank you: the incident is reported"
    )
    incident = Incident.objects.get(board=board, title=TITLE)
    expect(contributor.get_by_text(f"registered as incident {incident.number}")).to_be_visible()
    assert_accessible(contributor)
    return incident


def decide_as_privacy_officer(signed_in, base, assert_accessible, incident):
    privacy = signed_in("privacy_officer@voorbeeldscholen.demo")
    in_english(privacy)
    privacy.goto(f"{base}/incidents/")
    expect(privacy.get_by_role("heading", level=1)).to_have_text("Incident register")
    assert_accessible(privacy)
    privacy.get_by_role("link", name=TITLE).click()
    expect(privacy.get_by_text(re.compile(r"\d+ h \d+ min left"))).to_be_visible()
    assert_accessible(privacy)
    privacy.get_by_role("link", name="Record the decision on notifying the AP").click()
    assert_accessible(privacy)
    privacy.get_by_label("Notified to the Autoriteit Persoonsgegevens").check()
    privacy.get_by_label("Reference of the notification").fill("M-2026-0815")
    privacy.get_by_role("button", name="Record the decision").click()
    expect(privacy.get_by_text("Decision recorded.")).to_be_visible()
    expect(privacy.get_by_text("decided within 72 hours")).to_be_visible()
    incident.refresh_from_db()
    assert (incident.notify_decision, incident.notification_reference) == (
        "notified",
        "M-2026-0815",
    )
    assert incident.decided_by.email == "privacy_officer@voorbeeldscholen.demo"


def lesson_to_measure_as_coordinator(signed_in, base, assert_accessible, incident):
    coordinator = signed_in("coordinator@voorbeeldscholen.demo")
    in_english(coordinator)
    coordinator.goto(f"{base}/incidents/{incident.pk}/")
    coordinator.get_by_role("link", name="Edit the incident").click()
    assert_accessible(coordinator)
    coordinator.get_by_label("Linked norms").select_option(
        label="DM.03 Veilig uitwisselen en versleutelen"
    )
    coordinator.get_by_label("Lessons learned").fill(LESSON)
    coordinator.get_by_role("button", name="Save").click()
    expect(coordinator.get_by_text("Incident saved.")).to_be_visible()
    coordinator.get_by_role("button", name="Turn the lessons into a measure in the plan").click()
    expect(
        coordinator.get_by_text(
            f"The lessons of incident {incident.number} are now a measure in the improvement plan."
        )
    ).to_be_visible()
    measure = Measure.objects.get(source_incident__incident=incident)
    assert list(measure.links.values_list("norm__code", flat=True)) == ["DM.03"]
    return measure


def test_the_programme_analysts_sector_counts_are_accessible(
    signed_in, live_server, demo, assert_accessible
):
    analyst = signed_in("analyst@dvo.demo")
    in_english(analyst)
    analyst.goto(f"{live_server.url}/monitoring/incidents/")

    expect(analyst.get_by_role("heading", level=1)).to_have_text(
        "Boards with a personal-data breach"
    )
    # As published in the latest release of the demo's rounds, never counted live.
    expect(analyst.get_by_role("table")).to_contain_text("Synthetische meetronde 2026")
    assert_accessible(analyst)
