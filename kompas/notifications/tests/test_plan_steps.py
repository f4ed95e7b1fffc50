"""Issue 17: the plan's approval steps notify, as the evaluation's do: submitted tells the
executive, sent back (with the reason) and approved tell the coordinator; once each."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from kompas.boards.roles import BoardRole
from kompas.notifications.models import Kind, Notification
from kompas.plans.services import plan_approve, plan_send_back, plan_submit, risk_accept
from kompas.testing import clock
from kompas.testing.world import PlanWorld

pytestmark = [pytest.mark.django_db, clock.pinned]

COORD, EXEC = BoardRole.COORDINATOR, BoardRole.EXECUTIVE


@pytest.fixture
def world():
    world = PlanWorld()
    world.measure("GO.01", "BC.03")
    risk_accept(
        access=world.access(EXEC),
        actor=world.people[EXEC],
        norm=world.norm("BV.01"),
        reason="Uitgesteld tot de nieuwe leverancier er is.",
        review_date=world.later(200),
    )
    return world


def told(kind):
    with translation.override("en"):
        return [
            (n.recipient.email.split("@")[0], n.text)
            for n in Notification.objects.filter(kind=kind).select_related("recipient")
        ]


def test_submitting_tells_the_executives_and_sending_back_the_coordinator_why(world):
    plan_submit(access=world.access(COORD), actor=world.people[COORD])
    plan_send_back(access=world.access(EXEC), actor=world.people[EXEC], reason="Kosten ontbreken.")

    name = world.board.name
    assert told(Kind.PLAN_SUBMITTED) == [
        ("executive", f"{name}: the improvement plan waits for your approval.")
    ]
    assert told(Kind.PLAN_SENT_BACK) == [
        ("coordinator", f"{name}: the executive sent the improvement plan back: Kosten ontbreken.")
    ]
    assert Notification.objects.get(kind=Kind.PLAN_SENT_BACK).url.endswith("#approval-heading")


def test_an_approval_tells_the_coordinator_and_leads_to_the_version(world):
    version = plan_approve(access=world.access(EXEC), actor=world.people[EXEC])

    notification = Notification.objects.get(kind=Kind.PLAN_APPROVED)
    assert notification.recipient == world.people[COORD]
    assert notification.url == reverse("plans:version", args=[world.board.pk, version.number])


# --- A round's closing date ------------------------------------------------------------------


def open_round(world, closes_on):
    from kompas.boards.models import BoardSector, SectorAssignment
    from kompas.boards.roles import SectorRole
    from kompas.monitoring.services import round_open
    from kompas.testing.people import UserFactory

    for board in (world.board, world.outsider):
        BoardSector.objects.get_or_create(board=board, sector="PO")
    analyst = UserFactory.create(email="analist@dvo.example.nl")
    SectorAssignment.objects.create(user=analyst, role=SectorRole.PROGRAMME_ANALYST)
    return round_open(
        actor=analyst,
        name="Meetronde 2026",
        framework_version=world.version,
        period="2026",
        sectors=["PO"],
        closes_on=closes_on,
    )


def submit_to(world, round_):
    from kompas.assessments.models import NormScore
    from kompas.assessments.services import assessment_approve, assessment_submit
    from kompas.monitoring.services import submission_create

    NormScore.objects.filter(assessment=world.assessment).update(level=2, to_confirm=False)
    assessment_submit(
        access=world.access(COORD), actor=world.people[COORD], assessment=world.assessment
    )
    assessment_approve(
        access=world.access(EXEC), actor=world.people[EXEC], assessment=world.assessment
    )
    world.assessment.refresh_from_db()
    submission_create(
        access=world.access(EXEC),
        actor=world.people[EXEC],
        round_=round_,
        assessment=world.assessment,
        share_with=set(),
    )


def test_a_week_before_a_round_closes_the_executives_who_have_not_submitted_are_warned_once(
    world, mailoutbox
):
    from kompas.notifications.clock import round_warnings
    from kompas.notifications.mail import send_notifications

    today = clock.NOW.date()
    round_ = open_round(world, closes_on=today + datetime.timedelta(days=10))
    submit_to(world, round_)

    assert round_warnings(now=clock.NOW) == 0  # ten days to go
    send_notifications(now=clock.NOW)  # what the round's opening and the submission notified
    three_days_later = clock.NOW + datetime.timedelta(days=3)
    mailoutbox.clear()
    assert send_notifications(now=three_days_later) == 1
    assert round_warnings(now=three_days_later) == 0  # once

    warned = Notification.objects.get(kind=Kind.ROUND_CLOSING)
    assert (warned.recipient, warned.board) == (world.outsiders[EXEC], world.outsider)
    closes = date_format(today + datetime.timedelta(days=10), "j F Y")
    assert warned.params["closes"] == closes
    with translation.override("en"):
        assert warned.text == (
            f"{world.outsider.name}: the monitoring round Meetronde 2026 closes on {closes}; "
            "your board has not submitted yet."
        )
    assert [message.to for message in mailoutbox] == [[world.outsiders[EXEC].email]]
    assert warned.url == reverse("monitoring:board_rounds", args=[world.outsider.pk])


def test_a_closed_round_or_one_past_its_date_warns_no_one(world):
    from kompas.monitoring.models import MonitoringRound
    from kompas.notifications.clock import round_warnings

    today = clock.NOW.date()
    round_ = open_round(world, closes_on=today - datetime.timedelta(days=1))
    assert round_warnings(now=clock.NOW) == 0
    MonitoringRound.objects.filter(pk=round_.pk).update(
        closes_on=today + datetime.timedelta(days=2), status="closed"
    )
    assert round_warnings(now=clock.NOW) == 0
