import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kompas.assessments.models import NormScore
from kompas.audit.models import AuditAction, AuditEvent
from kompas.boards.roles import BoardRole
from kompas.plans.models import MeasureStatus, PlanVersion, RiskAcceptance
from kompas.plans.selectors import compare_versions, plan_check, suggested_due_date
from kompas.plans.services import (
    MeasureConflict,
    MeasureData,
    measure_from_suggestion,
    measure_progress,
    measure_update,
    plan_approve,
    plan_set_deadline,
    risk_accept,
    risk_withdraw,
)
from kompas.testing import clock
from kompas.testing.world import COORD, DEADLINE, EXEC

pytestmark = pytest.mark.django_db


def codes(gaps):
    return sorted(gap.code for gap in gaps)


def accept(world, code, reason="Bewust uitgesteld.", days=200):
    return risk_accept(
        access=world.access(EXEC),
        actor=world.people[EXEC],
        norm=world.norm(code),
        reason=reason,
        review_date=world.later(days),
    )


def test_every_applicable_norm_below_target_is_a_gap_and_open_without_a_measure(plan_world):
    check = plan_check(board=plan_world.board)

    assert codes(check.gaps) == ["BC.03", "BV.01", "GO.01"]
    assert codes(check.open) == ["BC.03", "BV.01", "GO.01"]
    assert {gap.code: gap.size for gap in check.gaps} == {"GO.01": 2, "BC.03": 1, "BV.01": 3}
    assert not check.complete


def test_a_norm_that_does_not_apply_is_no_gap(plan_world):
    NormScore.objects.filter(assessment=plan_world.assessment, norm__code="BV.01").update(
        level=None, not_applicable=True, not_applicable_reason="Geen eigen systemen."
    )

    assert codes(plan_check(board=plan_world.board).gaps) == ["BC.03", "GO.01"]


def test_not_applicable_without_a_reason_is_still_a_gap(plan_world):
    NormScore.objects.filter(assessment=plan_world.assessment, norm__code="BV.01").update(
        not_applicable=True, not_applicable_reason="  "
    )

    assert "BV.01" in codes(plan_check(board=plan_world.board).gaps)


def test_a_higher_target_set_by_the_board_makes_a_gap_of_a_norm_at_three(plan_world):
    NormScore.objects.filter(assessment=plan_world.assessment, norm__code="GO.02").update(
        target_level=4
    )

    gap = next(gap for gap in plan_check(board=plan_world.board).gaps if gap.code == "GO.02")
    assert gap.size == 1


@pytest.mark.parametrize(
    ("kwargs", "covers"),
    [
        ({}, True),
        ({"level": 2}, False),
        ({"level": 4}, True),
        ({"status": MeasureStatus.DROPPED}, False),
        ({"status": MeasureStatus.DONE}, True),
        ({"due": datetime.date(2030, 12, 31)}, True),
        ({"due": datetime.date(2031, 1, 1)}, False),
    ],
    ids=["plain", "too-low", "higher", "dropped", "done", "on-deadline", "after-deadline"],
)
def test_a_measure_covers_a_gap_only_when_it_reaches_the_target_by_the_deadline(
    plan_world, kwargs, covers
):
    plan_world.measure("GO.01", **kwargs)

    check = plan_check(board=plan_world.board)

    assert ("GO.01" in codes(check.covered)) is covers
    assert ("GO.01" in codes(check.open)) is not covers


def test_an_earlier_deadline_uncovers_measures_due_after_it(plan_world):
    plan_world.measure("GO.01", due=datetime.date(2029, 6, 1))
    plan_set_deadline(
        access=plan_world.access(COORD),
        actor=plan_world.people[COORD],
        deadline=datetime.date(2028, 12, 31),
    )

    assert "GO.01" in codes(plan_check(board=plan_world.board).open)


def test_an_accepted_risk_closes_a_gap_and_is_listed_apart_from_measures(plan_world):
    accept(plan_world, "BV.01")

    check = plan_check(board=plan_world.board)

    assert codes(check.accepted) == ["BV.01"]
    assert "BV.01" not in codes(check.open)
    assert "BV.01" not in codes(check.covered)


def test_only_the_executive_accepts_a_risk_and_only_with_a_reason_and_a_future_review(
    plan_world,
):
    with pytest.raises(PermissionDenied):
        risk_accept(
            access=plan_world.access(COORD),
            actor=plan_world.people[COORD],
            norm=plan_world.norm("BV.01"),
            reason="Zo is het.",
            review_date=plan_world.later(30),
        )
    with pytest.raises(ValidationError) as refused:
        accept(plan_world, "BV.01", reason=" ", days=0)
    assert set(refused.value.message_dict) == {"reason", "review_date"}
    with pytest.raises(ValidationError, match="geen lacune"):
        accept(plan_world, "GO.02")
    assert not RiskAcceptance.objects.exists()


def test_a_withdrawn_acceptance_reopens_the_gap_and_is_kept(plan_world):
    acceptance = accept(plan_world, "BV.01")

    risk_withdraw(
        access=plan_world.access(EXEC), actor=plan_world.people[EXEC], acceptance=acceptance
    )

    assert "BV.01" in codes(plan_check(board=plan_world.board).open)
    acceptance.refresh_from_db()
    assert acceptance.withdrawn_by == plan_world.people[EXEC]
    accept(plan_world, "BV.01", reason="Opnieuw, na overleg.")
    assert RiskAcceptance.objects.count() == 2


def test_gaps_are_ordered_by_priority_from_gap_size(plan_world):
    check = plan_check(board=plan_world.board)

    assert [(gap.code, gap.priority) for gap in check.gaps] == [
        ("BV.01", 3),
        ("GO.01", 2),
        ("BC.03", 1),
    ]


def test_approval_is_refused_while_a_gap_is_open_and_names_it(plan_world):
    plan_world.measure("GO.01", "BC.03")

    with pytest.raises(ValidationError, match=r"BV\.01"):
        plan_approve(access=plan_world.access(EXEC), actor=plan_world.people[EXEC])

    assert not PlanVersion.objects.exists()


def test_an_approved_version_is_a_snapshot_that_later_changes_do_not_touch(plan_world):
    measure = plan_world.measure("GO.01", "BC.03", title="Beleid en back-ups")
    accept(plan_world, "BV.01")

    first = plan_approve(
        access=plan_world.access(EXEC), actor=plan_world.people[EXEC], note="Akkoord."
    )
    measure_update(
        access=plan_world.access(COORD),
        actor=plan_world.people[COORD],
        measure=measure,
        revision=measure.revision,
        data=MeasureData(
            title="Beleid, back-ups en herstel",
            description="",
            owner_id=plan_world.people[BoardRole.CONTRIBUTOR].pk,
            start_date=None,
            due_date=datetime.date(2029, 3, 1),
            status=MeasureStatus.IN_PROGRESS,
            effort_days=None,
            cost_euros=None,
            priority="high",
        ),
        links={plan_world.norm("GO.01").pk: 3, plan_world.norm("BC.03").pk: 3},
    )
    second = plan_approve(access=plan_world.access(EXEC), actor=plan_world.people[EXEC])

    first.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert first.snapshot["measures"][0]["title"] == "Beleid en back-ups"
    assert first.snapshot["accepted_risks"][0]["norm"] == "BV.01"
    with pytest.raises(ValueError, match="never changes"):
        first.save()
    comparison = compare_versions(earlier=first, later=second)
    ((_before, after, fields),) = comparison.changed
    assert after["title"] == "Beleid, back-ups en herstel"
    assert set(fields) == {"title", "owner", "due_date", "status", "priority"}
    assert (
        AuditEvent.objects.filter(
            board_id=plan_world.board.pk,
            action=AuditAction.APPROVE,
            object_type="plans.planversion",
        ).count()
        == 2
    )


def test_a_second_save_from_an_old_form_is_refused_and_overwrites_nothing(plan_world):
    measure = plan_world.measure("GO.01", title="Eerste titel")
    opened = measure.revision
    data = MeasureData(
        title="Van collega",
        description="",
        owner_id=None,
        start_date=None,
        due_date=measure.due_date,
        status="planned",
        effort_days=None,
        cost_euros=None,
        priority="medium",
    )
    links = {plan_world.norm("GO.01").pk: 3}
    measure_update(
        access=plan_world.access(COORD),
        actor=plan_world.people[COORD],
        measure=measure,
        revision=opened,
        data=data,
        links=links,
    )

    with pytest.raises(MeasureConflict) as clash:
        measure_update(
            access=plan_world.access(BoardRole.CONTRIBUTOR),
            actor=plan_world.people[BoardRole.CONTRIBUTOR],
            measure=measure,
            revision=opened,
            data=MeasureData(**{**vars(data), "title": "Van mij"}),
            links=links,
        )

    assert clash.value.current.title == "Van collega"
    measure.refresh_from_db()
    assert measure.title == "Van collega"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": " "}, "title"),
        (
            {"start_date": datetime.date(2029, 1, 1), "due_date": datetime.date(2028, 1, 1)},
            "start_date",
        ),
        ({"owner_id": -1}, "owner"),
    ],
)
def test_a_measure_with_bad_data_is_refused_with_the_field_named(plan_world, change, field):
    measure = plan_world.measure("GO.01")
    data = MeasureData(
        title="Goed",
        description="",
        owner_id=None,
        start_date=None,
        due_date=datetime.date(2028, 1, 1),
        status="planned",
        effort_days=None,
        cost_euros=None,
        priority="medium",
    )

    with pytest.raises(ValidationError) as refused:
        measure_update(
            access=plan_world.access(COORD),
            actor=plan_world.people[COORD],
            measure=measure,
            revision=measure.revision,
            data=MeasureData(**{**vars(data), **change}),
            links={plan_world.norm("GO.01").pk: 3},
        )

    assert field in refused.value.message_dict


def test_a_measure_needs_norms_of_the_evaluated_framework_and_levels_one_to_five(plan_world):
    with pytest.raises(ValidationError, match="minstens één norm"):
        plan_world.measure()
    with pytest.raises(ValidationError, match="van 1 tot en met 5"):
        plan_world.measure("GO.01", level=6)


def test_progress_moves_the_status_and_remembers_when_it_was_done(plan_world):
    measure = plan_world.measure("GO.01")

    measure_progress(
        access=plan_world.access(BoardRole.CONTRIBUTOR),
        actor=plan_world.people[BoardRole.CONTRIBUTOR],
        measure=measure,
        status=MeasureStatus.DONE,
        remark="Beleid vastgesteld in de bestuursvergadering.",
        progress=100,
    )

    measure.refresh_from_db()
    assert measure.status == MeasureStatus.DONE
    assert measure.completed_at is not None
    assert measure.updates.get().remark.startswith("Beleid vastgesteld")
    with pytest.raises(ValidationError):
        measure_progress(
            access=plan_world.access(COORD),
            actor=plan_world.people[COORD],
            measure=measure,
            status=MeasureStatus.DONE,
            remark="",
        )


# Due halfway to the deadline: a date that needs the deadline some way off.
@clock.pinned
def test_a_suggestion_becomes_a_measure_that_covers_its_gap(plan_world):
    example = plan_world.norm("BV.01").example_measures.first()

    measure = measure_from_suggestion(
        access=plan_world.access(COORD), actor=plan_world.people[COORD], example=example
    )

    assert measure.title == example.text
    # Phase 1 of 2 in the test framework: due halfway to the deadline, at a month's end.
    assert measure.due_date == suggested_due_date(
        phase=1, phases=2, deadline=DEADLINE, today=timezone.localdate()
    )
    assert measure.due_date < DEADLINE
    assert measure.owner == plan_world.people[COORD]
    assert "BV.01" in codes(plan_check(board=plan_world.board).covered)


@pytest.mark.parametrize(
    ("phase", "phases", "today", "due"),
    [
        (1, 4, datetime.date(2026, 12, 31), datetime.date(2027, 12, 31)),
        (2, 4, datetime.date(2026, 12, 31), datetime.date(2028, 12, 31)),
        (4, 4, datetime.date(2026, 12, 31), datetime.date(2030, 12, 31)),
        (1, 2, datetime.date(2028, 1, 15), datetime.date(2029, 7, 31)),  # 540 days on: 8 July
        (None, 4, datetime.date(2026, 12, 31), datetime.date(2030, 12, 31)),
        (1, 4, datetime.date(2031, 3, 1), datetime.date(2030, 12, 31)),
    ],
)
def test_suggestions_spread_the_growth_path_over_the_time_left(phase, phases, today, due):
    assert suggested_due_date(phase=phase, phases=phases, deadline=DEADLINE, today=today) == due


def test_a_suggestion_for_a_norm_without_a_gap_is_refused(plan_world):
    with pytest.raises(ValidationError):
        measure_from_suggestion(
            access=plan_world.access(COORD),
            actor=plan_world.people[COORD],
            example=plan_world.norm("GO.02").example_measures.first(),
        )


def test_roles_that_may_not_edit_cannot_write_to_the_plan(plan_world):
    for role in (BoardRole.AUDITOR, BoardRole.SUPERVISOR, BoardRole.EXECUTIVE):
        with pytest.raises(PermissionDenied):
            measure_from_suggestion(
                access=plan_world.access(role),
                actor=plan_world.people[role],
                example=plan_world.norm("BV.01").example_measures.first(),
            )
    with pytest.raises(PermissionDenied):
        plan_approve(access=plan_world.access(COORD), actor=plan_world.people[COORD])


def test_the_plan_check_takes_nine_queries_whatever_the_plan_holds(
    plan_world, django_assert_num_queries
):
    plan_world.measure("GO.01")
    plan_world.measure("BC.03", "BV.01")
    accept(plan_world, "GO.01")

    with django_assert_num_queries(9):
        plan_check(board=plan_world.board)
