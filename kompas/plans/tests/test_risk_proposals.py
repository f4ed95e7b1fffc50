"""The coordinator proposes a risk acceptance; it covers nothing until the executive accepts."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kompas.audit.models import AuditEvent
from kompas.boards.roles import BoardRole
from kompas.plans.models import RiskAcceptance
from kompas.plans.selectors import plan_check
from kompas.plans.services import risk_accept, risk_propose, risk_withdraw
from kompas.testing.concurrency import at_once, on_postgresql
from kompas.testing.world import COORD, EXEC, PlanWorld

pytestmark = pytest.mark.django_db

CONTRIB = BoardRole.CONTRIBUTOR


def codes(gaps):
    return sorted(gap.code for gap in gaps)


def propose(world, code="BV.01", reason="Pas na de vervanging van het systeem.", days=200):
    return risk_propose(
        access=world.access(COORD),
        actor=world.people[COORD],
        norm=world.norm(code),
        reason=reason,
        review_date=world.later(days),
    )


def test_a_proposal_covers_nothing_and_shows_as_proposed(plan_world):
    proposal = propose(plan_world)

    check = plan_check(board=plan_world.board)

    assert proposal.is_proposal
    assert "BV.01" in codes(check.open)
    assert codes(check.proposed) == ["BV.01"]
    assert check.accepted == []
    assert not check.complete


def test_the_executive_accepts_the_proposal_and_then_it_covers_the_gap(plan_world):
    proposal = propose(plan_world)

    accepted = risk_accept(
        access=plan_world.access(EXEC),
        actor=plan_world.people[EXEC],
        norm=plan_world.norm("BV.01"),
        reason="Pas na de vervanging van het systeem in 2028.",
        review_date=plan_world.later(180),
    )

    assert accepted.pk == proposal.pk
    assert accepted.proposed_by == plan_world.people[COORD]
    assert accepted.accepted_by == plan_world.people[EXEC]
    check = plan_check(board=plan_world.board)
    assert codes(check.accepted) == ["BV.01"]
    assert check.proposed == []
    assert RiskAcceptance.objects.count() == 1
    event = AuditEvent.objects.filter(object_type="plans.riskacceptance").latest("sequence")
    assert event.changes["status"] == ["proposed", "accepted"]
    assert event.changes["reason"][1].endswith("in 2028.")


def test_a_proposal_needs_a_reason_a_future_review_and_a_gap(plan_world):
    with pytest.raises(ValidationError) as refused:
        propose(plan_world, reason="  ", days=0)
    assert set(refused.value.message_dict) == {"reason", "review_date"}
    with pytest.raises(ValidationError):
        propose(plan_world, code="GO.02")  # at target: no gap
    assert not RiskAcceptance.objects.exists()


@pytest.mark.usefixtures("english")
def test_a_second_proposal_or_a_proposal_beside_an_acceptance_is_refused(plan_world):
    propose(plan_world)
    with pytest.raises(ValidationError, match="already proposed"):
        propose(plan_world)
    risk_accept(
        access=plan_world.access(EXEC),
        actor=plan_world.people[EXEC],
        norm=plan_world.norm("BV.01"),
        reason="Akkoord.",
        review_date=plan_world.later(100),
    )
    with pytest.raises(ValidationError, match="already accepted"):
        propose(plan_world)
    assert RiskAcceptance.objects.count() == 1


def test_only_the_coordinator_proposes(plan_world):
    for role in (CONTRIB, EXEC):
        with pytest.raises(PermissionDenied):
            risk_propose(
                access=plan_world.access(role),
                actor=plan_world.people[role],
                norm=plan_world.norm("BV.01"),
                reason="Zo is het.",
                review_date=plan_world.later(30),
            )
    assert not RiskAcceptance.objects.exists()


def test_the_executive_declines_and_the_coordinator_may_take_back_only_a_proposal(plan_world):
    proposal = propose(plan_world)
    risk_withdraw(
        access=plan_world.access(EXEC), actor=plan_world.people[EXEC], acceptance=proposal
    )
    proposal.refresh_from_db()
    assert proposal.withdrawn_by == plan_world.people[EXEC]
    assert not proposal.is_proposal
    last = AuditEvent.objects.filter(object_type="plans.riskacceptance").latest("sequence")
    assert last.changes == {"status": ["proposed", "declined"]}

    again = propose(plan_world, reason="Nieuw voorstel na overleg.")
    risk_withdraw(access=plan_world.access(COORD), actor=plan_world.people[COORD], acceptance=again)
    accepted = risk_accept(
        access=plan_world.access(EXEC),
        actor=plan_world.people[EXEC],
        norm=plan_world.norm("BV.01"),
        reason="Akkoord.",
        review_date=plan_world.later(100),
    )
    with pytest.raises(PermissionDenied):
        risk_withdraw(
            access=plan_world.access(COORD), actor=plan_world.people[COORD], acceptance=accepted
        )
    accepted.refresh_from_db()
    assert accepted.withdrawn_at is None
    assert RiskAcceptance.objects.count() == 3


def test_the_coordinator_proposes_on_the_plan_page_and_the_executive_decides(client, plan_world):
    client.force_login(plan_world.people[COORD])
    plan_url = reverse("plans:plan", args=[plan_world.board.pk])
    page = client.get(plan_url).content.decode()
    propose_url = reverse("plans:risk_propose", args=[plan_world.board.pk, "BV.01"])
    assert propose_url in page
    assert reverse("plans:risk_new", args=[plan_world.board.pk, "BV.01"]) not in page

    refused = client.post(propose_url, {"reason": "", "review_date": ""})
    assert refused.status_code == 400
    response = client.post(
        propose_url,
        {"reason": "Na de vervanging in 2028.", "review_date": plan_world.later(90).isoformat()},
    )
    assert response.status_code == 302
    page = client.get(plan_url).content.decode()
    assert "voorgesteld" in page
    assert "Na de vervanging in 2028." in page
    assert "Het voorstel terugnemen" in page

    client.force_login(plan_world.people[EXEC])
    accept_url = reverse("plans:risk_new", args=[plan_world.board.pk, "BV.01"])
    form = client.get(accept_url).content.decode()
    assert "Na de vervanging in 2028." in form  # the proposal's reason, to accept as worded
    client.post(
        accept_url,
        {"reason": "Na de vervanging in 2028.", "review_date": plan_world.later(90).isoformat()},
    )
    assert codes(plan_check(board=plan_world.board).accepted) == ["BV.01"]


def test_a_contributor_cannot_open_the_proposal_form(client, plan_world):
    client.force_login(plan_world.people[CONTRIB])
    url = reverse("plans:risk_propose", args=[plan_world.board.pk, "BV.01"])
    assert client.get(url).status_code == 403


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_proposals_make_one_and_refuse_the_others():
    world = PlanWorld()
    results = at_once(lambda: propose(world), times=8)

    assert sum(isinstance(result, RiskAcceptance) for result in results) == 1
    assert all(isinstance(result, (RiskAcceptance, ValidationError)) for result in results), results
    assert RiskAcceptance.objects.count() == 1
