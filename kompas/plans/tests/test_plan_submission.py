"""Issue 17: the coordinator submits the plan for approval; the executive approves it or sends
it back with a reason. Each step is refused where it makes no sense and changes nothing then."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kompas.audit.models import AuditEvent
from kompas.boards.roles import BoardRole
from kompas.plans.models import Plan, PlanVersion
from kompas.plans.services import plan_approve, plan_send_back, plan_submit, risk_accept

pytestmark = pytest.mark.django_db

COORD, EXEC = BoardRole.COORDINATOR, BoardRole.EXECUTIVE


def cover_every_gap(world):
    world.measure("GO.01", "BC.03")
    risk_accept(
        access=world.access(EXEC),
        actor=world.people[EXEC],
        norm=world.norm("BV.01"),
        reason="Bewust uitgesteld tot de nieuwe leverancier er is.",
        review_date=world.later(200),
    )


def submit(world):
    return plan_submit(access=world.access(COORD), actor=world.people[COORD])


def plan_steps(board):
    return [
        event.changes["status"]
        for event in AuditEvent.objects.filter(board_id=board.pk, object_type="plans.plan")
        if "status" in event.changes
    ]


def test_a_plan_with_an_open_gap_cannot_be_submitted(plan_world):
    plan_world.measure("GO.01")

    with pytest.raises(ValidationError, match=r"BV\.01, BC\.03"):
        submit(plan_world)

    assert not Plan.objects.filter(board=plan_world.board, submitted_at__isnull=False).exists()
    assert plan_steps(plan_world.board) == []


def test_submitting_records_who_and_when_once(plan_world):
    cover_every_gap(plan_world)

    plan = submit(plan_world)

    assert plan.is_submitted
    assert plan.submitted_by == plan_world.people[COORD]
    with pytest.raises(ValidationError, match="wacht al op goedkeuring"):
        submit(plan_world)
    assert plan_steps(plan_world.board) == [["draft", "submitted"]]


def test_only_the_coordinator_submits_and_only_the_executive_sends_back(plan_world):
    cover_every_gap(plan_world)

    with pytest.raises(PermissionDenied):
        plan_submit(
            access=plan_world.access(BoardRole.CONTRIBUTOR),
            actor=plan_world.people[BoardRole.CONTRIBUTOR],
        )
    submit(plan_world)
    with pytest.raises(PermissionDenied):
        plan_send_back(access=plan_world.access(COORD), actor=plan_world.people[COORD], reason="x")

    assert plan_steps(plan_world.board) == [["draft", "submitted"]]


def test_sending_back_needs_a_reason_and_a_submitted_plan(plan_world):
    cover_every_gap(plan_world)
    executive = {"access": plan_world.access(EXEC), "actor": plan_world.people[EXEC]}

    with pytest.raises(ValidationError, match="op goedkeuring wacht"):
        plan_send_back(**executive, reason="Te vroeg.")
    submit(plan_world)
    with pytest.raises(ValidationError, match="waarom u het plan terugstuurt"):
        plan_send_back(**executive, reason="   ")

    plan = plan_send_back(**executive, reason="Graag eerst de kosten per maatregel.")

    assert not plan.is_submitted
    assert plan.sent_back_reason == "Graag eerst de kosten per maatregel."
    assert plan_steps(plan_world.board) == [["draft", "submitted"], ["submitted", "draft"]]
    # Submitting again clears the old reason.
    assert submit(plan_world).sent_back_reason == ""


def test_approving_ends_the_request_and_works_without_one(plan_world):
    cover_every_gap(plan_world)
    submit(plan_world)

    first = plan_approve(access=plan_world.access(EXEC), actor=plan_world.people[EXEC])

    assert not Plan.objects.get(board=plan_world.board).is_submitted
    second = plan_approve(access=plan_world.access(EXEC), actor=plan_world.people[EXEC])
    assert (first.number, second.number) == (1, 2)


def test_the_plan_page_offers_each_role_its_step(client, plan_world):
    cover_every_gap(plan_world)
    url = reverse("plans:plan", args=[plan_world.board.pk])

    client.force_login(plan_world.people[COORD])
    page = client.get(url).content.decode()
    assert reverse("plans:submit", args=[plan_world.board.pk]) in page

    response = client.post(reverse("plans:submit", args=[plan_world.board.pk]))
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Het plan is ter goedkeuring voorgelegd aan de bestuurder."
    ]
    page = client.get(url).content.decode()
    assert reverse("plans:submit", args=[plan_world.board.pk]) not in page
    assert "ter goedkeuring voorgelegd" in page

    client.force_login(plan_world.people[EXEC])
    page = client.get(url).content.decode()
    assert reverse("plans:send_back", args=[plan_world.board.pk]) in page
    response = client.post(reverse("plans:send_back", args=[plan_world.board.pk]), {"reason": ""})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Geef aan waarom u het plan terugstuurt."
    ]
    assert Plan.objects.get(board=plan_world.board).is_submitted
    client.post(
        reverse("plans:send_back", args=[plan_world.board.pk]), {"reason": "Kosten ontbreken."}
    )

    client.force_login(plan_world.people[COORD])
    page = client.get(url).content.decode()
    assert "Kosten ontbreken." in page
    assert not PlanVersion.objects.exists()


def test_the_home_tells_the_executive_of_a_submitted_plan_and_the_coordinator_of_its_return(
    client, plan_world
):
    cover_every_gap(plan_world)
    home = reverse("boards:home", args=[plan_world.board.pk])
    submit(plan_world)

    client.force_login(plan_world.people[EXEC])
    assert "Het verbeterplan wacht op uw goedkeuring" in client.get(home).text
    client.force_login(plan_world.people[COORD])
    assert "Het verbeterplan wacht op uw goedkeuring" not in client.get(home).text

    plan_send_back(
        access=plan_world.access(EXEC), actor=plan_world.people[EXEC], reason="Kosten ontbreken."
    )
    page = client.get(home).text
    assert "De bestuurder heeft het verbeterplan teruggestuurd" in page
    assert "Kosten ontbreken." in page
    client.force_login(plan_world.people[EXEC])
    assert "Het verbeterplan wacht op uw goedkeuring" not in client.get(home).text
