"""The plan check cannot be gamed: a gap is covered only by a measure that can really close it.

PlanWorld's gaps against target 3: GO.01 (level 1), BC.03 (2), BV.01 (not assessed).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kompas.assessments.models import NormScore
from kompas.assessments.services import assessment_approve, assessment_submit
from kompas.boards.models import Membership
from kompas.boards.roles import BoardRole
from kompas.plans.models import Measure
from kompas.plans.selectors import NotCounted, plan_check
from kompas.testing.world import COORD, DEADLINE, EXEC

pytestmark = pytest.mark.django_db


def why(check, code):
    gap = next(gap for gap in check.gaps if gap.code == code)
    return [(measure.title, reason) for measure, reason in gap.not_counted]


def approve_evaluation(world):
    """Submit and approve the evaluation (BV.01 assessed at 1 first: every norm must be)."""
    NormScore.objects.filter(assessment=world.assessment, norm__code="BV.01").update(level=1)
    assessment_submit(
        access=world.access(COORD), actor=world.people[COORD], assessment=world.assessment
    )
    assessment_approve(
        access=world.access(EXEC), actor=world.people[EXEC], assessment=world.assessment
    )


def test_one_measure_without_owner_on_every_norm_covers_nothing(plan_world):
    plan_world.measure(
        "GO.01", "BC.03", "BV.01", owner_id=None, due=DEADLINE, title="Alles op orde"
    )

    check = plan_check(board=plan_world.board)

    assert not check.complete
    assert sorted(gap.code for gap in check.open) == ["BC.03", "BV.01", "GO.01"]
    assert why(check, "GO.01") == [("Alles op orde", NotCounted.NO_OWNER)]


@pytest.mark.parametrize("role", [BoardRole.EXECUTIVE, BoardRole.AUDITOR, BoardRole.SUPERVISOR])
def test_an_owner_who_may_not_edit_the_plan_does_not_count(plan_world, role):
    plan_world.measure("GO.01", owner_id=plan_world.people[role].pk, title="Niet van ons")

    check = plan_check(board=plan_world.board)

    assert why(check, "GO.01") == [("Niet van ons", NotCounted.OWNER_CANNOT_EDIT)]
    assert "GO.01" in [gap.code for gap in check.open]


def test_an_owner_who_left_the_board_does_not_count(plan_world):
    owner = plan_world.people[BoardRole.CONTRIBUTOR]
    plan_world.measure("GO.01", owner_id=owner.pk, title="Van een oud-collega")
    Membership.objects.filter(board=plan_world.board, user=owner).update(is_active=False)

    assert why(plan_check(board=plan_world.board), "GO.01") == [
        ("Van een oud-collega", NotCounted.OWNER_CANNOT_EDIT)
    ]


def test_a_contributor_who_may_edit_is_an_owner_that_counts(plan_world):
    owner = plan_world.people[BoardRole.CONTRIBUTOR]
    plan_world.measure("GO.01", owner_id=owner.pk)

    gap = next(gap for gap in plan_check(board=plan_world.board).gaps if gap.code == "GO.01")

    assert gap.covered
    assert gap.not_counted == []


def test_a_measure_due_after_the_deadline_or_aiming_below_target_does_not_count(plan_world):
    late = DEADLINE + datetime.timedelta(days=1)
    plan_world.measure("GO.01", due=late, title="Te laat")
    plan_world.measure("BC.03", level=2, title="Te laag")

    check = plan_check(board=plan_world.board)

    assert why(check, "GO.01") == [("Te laat", NotCounted.DUE_AFTER_DEADLINE)]
    assert why(check, "BC.03") == [("Te laag", NotCounted.BELOW_TARGET)]


def test_a_dropped_measure_is_neither_cover_nor_reason(plan_world):
    plan_world.measure("GO.01", status="dropped")

    gap = next(gap for gap in plan_check(board=plan_world.board).gaps if gap.code == "GO.01")

    assert (gap.measures, gap.not_counted) == ([], [])


def test_a_done_measure_stops_covering_once_a_later_approval_still_shows_the_gap(plan_world):
    done = plan_world.measure("BC.03", status="done", title="Back-ups getest")
    Measure.objects.filter(pk=done.pk).update(
        completed_at=timezone.localdate() - datetime.timedelta(days=30)
    )
    before = next(g for g in plan_check(board=plan_world.board).gaps if g.code == "BC.03")
    assert before.covered  # done, and not yet re-assessed since

    approve_evaluation(plan_world)  # BC.03 still at 2, approved after the measure was done

    check = plan_check(board=plan_world.board)
    gap = next(gap for gap in check.gaps if gap.code == "BC.03")
    assert gap.open
    assert gap.done_still_below
    assert why(check, "BC.03") == [("Back-ups getest", NotCounted.DONE_STILL_BELOW)]


def test_a_done_measure_that_worked_leaves_no_gap(plan_world):
    done = plan_world.measure("BC.03", status="done")
    Measure.objects.filter(pk=done.pk).update(
        completed_at=timezone.localdate() - datetime.timedelta(days=30)
    )
    NormScore.objects.filter(assessment=plan_world.assessment, norm__code="BC.03").update(level=3)

    approve_evaluation(plan_world)

    assert "BC.03" not in [gap.code for gap in plan_check(board=plan_world.board).gaps]


def test_a_measure_done_after_the_latest_approval_still_covers(plan_world):
    approve_evaluation(plan_world)
    plan_world.measure("BC.03", status="done")  # completed today, the approval was today too

    gap = next(g for g in plan_check(board=plan_world.board).gaps if g.code == "BC.03")

    assert gap.covered


def test_the_plan_page_says_why_a_measure_does_not_count(client, plan_world):
    plan_world.measure("GO.01", owner_id=None, title="Zonder eigenaar")
    done = plan_world.measure("BC.03", status="done", title="Back-ups getest")
    Measure.objects.filter(pk=done.pk).update(
        completed_at=timezone.localdate() - datetime.timedelta(days=30)
    )
    approve_evaluation(plan_world)
    client.force_login(plan_world.people[COORD])
    client.cookies["django_language"] = "en"

    page = client.get(reverse("plans:plan", args=[plan_world.board.pk])).text

    assert "Zonder eigenaar" in page
    assert "no owner: give it one who may edit the plan" in page
    assert "measure done, norm still below target: re-assess or add a measure" in page
