"""Issue 17: events notify the people they concern, once each, in the application and by e-mail
at once or in a daily digest, as each person chose; the 72-hour warning cannot be switched off."""

import datetime
import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from kompas.assessments.models import NormScore
from kompas.assessments.services import assessment_approve, assessment_submit
from kompas.boards.models import BoardSector, SectorAssignment
from kompas.boards.roles import BoardRole, SectorRole
from kompas.monitoring.services import round_open
from kompas.notifications.calendar import feed_renew
from kompas.notifications.mail import send_notifications
from kompas.notifications.models import Delivery, Kind, Notification
from kompas.notifications.services import preferences_save
from kompas.plans.services import risk_accept, risk_propose
from kompas.testing import clock
from kompas.testing.home import breach
from kompas.testing.people import UserFactory
from kompas.testing.world import PlanWorld

pytestmark = [pytest.mark.django_db, clock.pinned]

COORD, EXEC, PRIVACY = BoardRole.COORDINATOR, BoardRole.EXECUTIVE, BoardRole.PRIVACY_OFFICER


@pytest.fixture
def world():
    return PlanWorld()


def told(kind):
    """Who was told of `kind`, by their role e-mail (role@<board domain>)."""
    return sorted(
        n.recipient.email.split("@")[0]
        for n in Notification.objects.filter(kind=kind).select_related("recipient")
    )


def submit_and_approve(world):
    NormScore.objects.filter(assessment=world.assessment).update(level=2, to_confirm=False)
    assessment_submit(
        access=world.access(COORD), actor=world.people[COORD], assessment=world.assessment
    )
    assessment_approve(
        access=world.access(EXEC), actor=world.people[EXEC], assessment=world.assessment
    )


def test_an_evaluation_submitted_tells_the_executive_and_approved_the_coordinator(world):
    submit_and_approve(world)

    assert told(Kind.EVALUATION_SUBMITTED) == ["executive"]
    assert told(Kind.EVALUATION_APPROVED) == ["coordinator"]
    notification = Notification.objects.get(kind=Kind.EVALUATION_SUBMITTED)
    with translation.override("en"):
        assert notification.text == "Stichting A: self-evaluation 2026 waits for your approval."
    assert notification.url == reverse(
        "assessments:overview", args=[world.board.pk, world.assessment.pk]
    )


def test_a_breach_tells_the_privacy_officer_and_the_coordinator_but_not_who_reported(world):
    breach(world, hours_ago=1)  # reported by the coordinator

    assert told(Kind.BREACH_REGISTERED) == ["privacy_officer"]


def test_a_security_incident_that_is_no_breach_tells_no_one(world):
    from kompas.incidents.rules import ReportData
    from kompas.incidents.services import incident_report

    incident_report(
        access=world.access(BoardRole.CONTRIBUTOR),
        actor=world.people[BoardRole.CONTRIBUTOR],
        data=ReportData(
            kind="security",
            title="Phishingmail",
            occurred_at=None,
            became_aware_at=clock.NOW,
            description="Een mail die om wachtwoorden vroeg.",
            data_kinds=(),
            subjects={},
            consequences="",
            measures_taken="",
        ),
    )

    assert not Notification.objects.exists()


def test_a_risk_proposed_tells_the_executive_and_its_acceptance_the_coordinator(world):
    proposal = risk_propose(
        access=world.access(COORD),
        actor=world.people[COORD],
        norm=world.norm("BC.03"),
        reason="Wacht op de leverancier.",
        review_date=clock.days_from_today(60),
    )
    risk_accept(
        access=world.access(EXEC),
        actor=world.people[EXEC],
        norm=proposal.norm,
        reason=proposal.reason,
        review_date=proposal.review_date,
    )

    assert told(Kind.RISK_PROPOSED) == ["executive"]
    assert told(Kind.RISK_ACCEPTED) == ["coordinator"]


def test_a_round_tells_the_executives_of_the_boards_it_is_for(world):
    BoardSector.objects.create(board=world.board, sector="PO")
    BoardSector.objects.create(board=world.outsider, sector="MBO")
    analyst = UserFactory.create(email="analist@dvo.example.nl")
    SectorAssignment.objects.create(user=analyst, role=SectorRole.PROGRAMME_ANALYST)

    round_open(
        actor=analyst,
        name="Meetronde 2026",
        framework_version=world.version,
        period="2026",
        sectors=["PO"],
    )

    assert [n.board for n in Notification.objects.filter(kind=Kind.ROUND_OPENED)] == [world.board]
    assert told(Kind.ROUND_OPENED) == ["executive"]


def test_each_notification_is_e_mailed_once_in_dutch_without_weaknesses_in_the_subject(
    world, mailoutbox
):
    submit_and_approve(world)

    assert send_notifications() == 2
    assert send_notifications() == 0  # a second run sends nothing again
    subjects = sorted(message.subject for message in mailoutbox)
    assert subjects == [
        "IBP-Kompas: Een zelfevaluatie is goedgekeurd",
        "IBP-Kompas: Een zelfevaluatie wacht op goedkeuring",
    ]
    message = next(m for m in mailoutbox if "wacht" in m.subject)
    assert message.to == [world.people[EXEC].email]
    assert "Stichting A: zelfevaluatie 2026 wacht op uw goedkeuring." in message.body
    assert "http://127.0.0.1:8000/boards/" in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert '<a href="http://127.0.0.1:8000/boards/' in html
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_a_failed_send_is_tried_again_by_the_next_run(world, monkeypatch, mailoutbox):
    breach(world, hours_ago=1)

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("mail server went away")

    with monkeypatch.context() as patched:
        patched.setattr(EmailBackend, "send_messages", refuse)
        assert send_notifications() == 0
    assert Notification.objects.get().emailed_at is None

    assert send_notifications() == 1
    assert len(mailoutbox) == 1


def test_a_digest_gathers_what_came_and_off_keeps_it_in_the_application(world, mailoutbox):
    preferences_save(
        user=world.people[EXEC],
        choices={Kind.EVALUATION_SUBMITTED: Delivery.DIGEST, Kind.RISK_PROPOSED: Delivery.DIGEST},
    )
    preferences_save(user=world.people[COORD], choices={Kind.EVALUATION_APPROVED: Delivery.OFF})
    submit_and_approve(world)
    risk_propose(
        access=world.access(COORD),
        actor=world.people[COORD],
        norm=world.norm("BC.03"),
        reason="Wacht op de leverancier.",
        review_date=clock.days_from_today(60),
    )

    assert send_notifications() == 0  # nothing is owed at once
    assert send_notifications(digests=True) == 1
    assert send_notifications(digests=True) == 0
    (digest,) = mailoutbox
    assert digest.to == [world.people[EXEC].email]
    assert digest.subject == "IBP-Kompas: 2 nieuwe meldingen"
    assert "wacht op uw goedkeuring" in digest.body
    assert "BC.03" in digest.body
    # The coordinator's approval notice is in the application only.
    assert Notification.objects.get(kind=Kind.EVALUATION_APPROVED).emailed_at is None


def test_the_72_hour_warning_cannot_be_switched_off(world, client, mailoutbox):
    with pytest.raises(ValueError, match="cannot be switched off"):
        preferences_save(user=world.people[PRIVACY], choices={Kind.BREACH_REGISTERED: "off"})
    client.force_login(world.people[PRIVACY])
    fields = dict.fromkeys(Kind.values, Delivery.IMMEDIATE) | {Kind.BREACH_REGISTERED: Delivery.OFF}
    response = client.post(reverse("notifications:preferences"), fields)
    assert response.status_code == 400

    breach(world, hours_ago=1)
    assert send_notifications() == 1
    assert mailoutbox[0].to == [world.people[PRIVACY].email]


def test_opening_a_notification_marks_it_read_and_leads_to_the_page(world, client):
    breach(world, hours_ago=1)
    notification = Notification.objects.get()
    client.force_login(world.people[PRIVACY])
    client.cookies["django_language"] = "en"

    page = client.get(reverse("notifications:list")).text
    assert '<span class="badge">1<span class="visually-hidden"> unread</span></span>' in page
    response = client.get(reverse("notifications:open", args=[notification.pk]))

    assert response["Location"] == notification.url
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'class="badge"' not in client.get(reverse("notifications:list")).text


def test_someone_else_s_notification_is_not_found(world, client):
    breach(world, hours_ago=1)
    client.force_login(world.people[EXEC])

    response = client.get(reverse("notifications:open", args=[Notification.objects.get().pk]))

    assert response.status_code == 404
    assert Notification.objects.get().read_at is None


def test_the_list_takes_the_same_queries_for_more_notifications(world, client):
    client.force_login(world.people[PRIVACY])
    url = reverse("notifications:list")
    breach(world, hours_ago=1)
    client.get(url)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for number in range(5):
        breach(world, hours_ago=2 + number, title=f"Melding {number}")

    assert Notification.objects.filter(recipient=world.people[PRIVACY]).count() == 6
    assert queries() == few


def test_sending_an_evaluation_back_tells_the_coordinator_why(world, client):
    NormScore.objects.filter(assessment=world.assessment).update(level=2, to_confirm=False)
    assessment_submit(
        access=world.access(COORD), actor=world.people[COORD], assessment=world.assessment
    )
    client.force_login(world.people[EXEC])
    url = reverse("assessments:send_back", args=[world.board.pk, world.assessment.pk])

    empty = client.post(url, {"reason": "  "})
    response = client.post(url, {"reason": "BC.03 is te hoog ingeschat."})

    assert empty.status_code == response.status_code == 302
    world.assessment.refresh_from_db()
    assert (world.assessment.status, world.assessment.sent_back_reason) == (
        "draft",
        "BC.03 is te hoog ingeschat.",
    )
    notification = Notification.objects.get(kind=Kind.EVALUATION_SENT_BACK)
    assert notification.recipient == world.people[COORD]
    with translation.override("en"):
        assert notification.text == (
            "Stichting A: the executive sent self-evaluation 2026 back: BC.03 is te hoog ingeschat."
        )
    client.force_login(world.people[COORD])
    client.cookies["django_language"] = "en"
    overview = client.get(notification.url).text
    assert "Sent back by the executive:" in overview
    # Submitting again clears the reason.
    assessment_submit(
        access=world.access(COORD), actor=world.people[COORD], assessment=world.assessment
    )
    world.assessment.refresh_from_db()
    assert world.assessment.sent_back_reason == ""


def test_only_a_submitted_evaluation_can_be_sent_back(world):
    from kompas.assessments.models import FrozenError
    from kompas.assessments.services import assessment_send_back

    with pytest.raises(FrozenError):
        assessment_send_back(
            access=world.access(EXEC),
            actor=world.people[EXEC],
            assessment=world.assessment,
            reason="Nog niet af.",
        )
    assert not Notification.objects.exists()


# --- The calendar feed -------------------------------------------------------------------------


def test_the_calendar_holds_the_person_s_deadlines_and_the_milestones(world, client):
    incident = breach(world, hours_ago=10)
    token = feed_renew(user=world.people[COORD])
    world.measure("GO.01", due=clock.days_from_today(20), title="Strategie")

    response = client.get(reverse("notifications:calendar_feed", args=[token]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = {
        str(event["summary"]): event
        for event in Calendar.from_ical(response.content).walk("VEVENT")
    }
    assert sorted(events) == [
        "Stichting A: aan elke norm voldaan",
        "Stichting A: maatregel \u2018Strategie\u2019 moet klaar zijn",
        "Stichting A: uiterste moment voor het AP-besluit over datalek 1",
        "Stichting A: voor elke norm een uitgewerkt plan",
    ]
    ap = events["Stichting A: uiterste moment voor het AP-besluit over datalek 1"]
    assert ap.decoded("dtend") == incident.deadline
    met = events["Stichting A: aan elke norm voldaan"]
    assert met.decoded("dtstart") == datetime.date(2030, 12, 31)


def test_a_renewed_calendar_address_closes_the_old_one(world, client):
    old = feed_renew(user=world.people[COORD])
    new = feed_renew(user=world.people[COORD])

    assert client.get(reverse("notifications:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("notifications:calendar_feed", args=[new])).status_code == 200


def test_the_calendar_page_shows_the_address_once(world, client):
    client.force_login(world.people[COORD])
    client.cookies["django_language"] = "en"
    url = reverse("notifications:calendar")

    made = client.post(url).text
    later = client.get(url).text

    assert "/calendar/" in made
    assert ".ics" in made
    assert ".ics" not in later
    assert "Make a new address (the old one stops working)" in later


# --- The 72-hour clock's warnings ---------------------------------------------------------------


def test_the_keepers_of_the_register_are_warned_a_day_before_and_once_overdue(world, mailoutbox):
    from kompas.notifications.clock import clock_warnings

    incident = breach(world, hours_ago=40)  # the deadline is 32 hours away
    send_notifications(now=clock.NOW)
    assert not Notification.objects.filter(kind=Kind.BREACH_DAY_LEFT).exists()

    nine_hours_later = clock.NOW + datetime.timedelta(hours=9)  # 23 hours left
    assert send_notifications(now=nine_hours_later) == 3
    assert clock_warnings(now=nine_hours_later) == 0  # once
    assert told(Kind.BREACH_DAY_LEFT) == ["coordinator", "executive", "privacy_officer"]

    past = incident.deadline + datetime.timedelta(minutes=5)
    mailoutbox.clear()
    assert send_notifications(now=past) == 3
    assert told(Kind.BREACH_OVERDUE) == ["coordinator", "executive", "privacy_officer"]
    assert {message.subject for message in mailoutbox} == {
        "IBP-Kompas: Het besluit over een datalek is te laat"
    }


def test_a_decided_breach_warns_no_one(world):
    from kompas.incidents.models import Incident
    from kompas.notifications.clock import clock_warnings

    incident = breach(world, hours_ago=60)
    Incident.objects.filter(pk=incident.pk).update(
        notify_decision="not_notified", decided_at=clock.NOW
    )

    assert clock_warnings(now=clock.NOW) == 0


def test_the_clock_s_warnings_cannot_be_switched_off(world):
    with pytest.raises(ValueError, match="cannot be switched off"):
        preferences_save(user=world.people[EXEC], choices={Kind.BREACH_OVERDUE: "off"})
