"""Plan quality warnings (docs/plan.md, "Plan quality warnings"): scenarios for every rule."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kompas.assessments.models import SelfAssessment
from kompas.plans.models import Measure, MeasureNorm, MeasureStatus, PlanVersion
from kompas.plans.selectors import plan_check
from kompas.plans.warnings import plan_warnings
from kompas.testing import clock
from kompas.testing.frameworks import framework_doc, import_document, norm_doc
from kompas.testing.world import COORD

pytestmark = [pytest.mark.django_db, clock.pinned, pytest.mark.usefixtures("english")]

TODAY = clock.TODAY
DEADLINE = datetime.date(2030, 12, 31)


def warnings(world):
    return plan_warnings(board=world.board, check=plan_check(board=world.board), today=TODAY)


def kinds(world):
    return [warning.kind for warning in warnings(world)]


def broad_measure(world, codes):
    """A measure linked to the norms `codes` of a larger framework (GO, BC and BV domains)."""
    document = framework_doc(slug="breed")
    document["norms"] += [norm_doc(f"GO.{n:02d}", "GO") for n in range(3, 7)]
    document["norms"] += [norm_doc(f"BC.{n:02d}", "BC") for n in range(4, 7)]
    version = import_document(document)
    measure = world.measure("GO.01", title="Alles in één keer")
    MeasureNorm.objects.filter(measure=measure).delete()
    for code in codes:
        MeasureNorm.objects.create(
            measure=measure, norm=version.norms.get(code=code), target_level=3
        )
    return measure


def test_a_measure_over_eight_norms_in_three_domains_is_too_broad(plan_world):
    broad_measure(
        plan_world,
        ["GO.01", "GO.02", "GO.03", "GO.04", "GO.05", "BC.03", "BC.04", "BV.01"],
    )

    found = warnings(plan_world)

    assert [warning.kind for warning in found] == ["broad"]
    assert found[0].title == "“Alles in één keer” spans 8 norms in 3 domains"
    assert "Split it" in found[0].advice


def test_seven_norms_or_two_domains_are_not_too_broad(plan_world):
    measure = broad_measure(
        plan_world, ["GO.01", "GO.02", "GO.03", "GO.04", "BC.03", "BC.04", "BV.01"]
    )
    assert kinds(plan_world) == []
    MeasureNorm.objects.filter(measure=measure, norm__code="BV.01").delete()
    MeasureNorm.objects.create(
        measure=measure,
        norm=measure.links.first().norm.framework_version.norms.get(code="BC.05"),
        target_level=3,
    )
    MeasureNorm.objects.create(
        measure=measure,
        norm=measure.links.first().norm.framework_version.norms.get(code="BC.06"),
        target_level=3,
    )
    assert measure.links.count() == 8
    assert kinds(plan_world) == []  # eight norms, but in two domains


def test_most_open_measures_due_at_the_deadline_is_warned(plan_world):
    plan_world.measure("GO.01", due=datetime.date(2028, 6, 30))
    for day in (DEADLINE, DEADLINE - datetime.timedelta(days=30), DEADLINE):
        plan_world.measure("BC.03", due=day)

    found = warnings(plan_world)

    assert [warning.kind for warning in found] == ["deadline"]
    assert found[0].title == "3 of 4 open measures are due at the deadline"


def test_half_at_the_deadline_or_fewer_than_four_measures_is_no_warning(plan_world):
    for day in (DEADLINE, DEADLINE, DEADLINE):
        plan_world.measure("BC.03", due=day)
    assert kinds(plan_world) == []  # three measures: too few to judge
    plan_world.measure("GO.01", due=datetime.date(2027, 6, 30))
    plan_world.measure("GO.01", due=datetime.date(2028, 6, 30))
    plan_world.measure("GO.01", due=datetime.date(2029, 6, 30))
    assert kinds(plan_world) == []  # three of six: not more than half


def done_measure(world, *, days_ago, effort):
    measure = world.measure("GO.01", due=datetime.date(2027, 6, 30))
    Measure.objects.filter(pk=measure.pk).update(
        status=MeasureStatus.DONE,
        completed_at=TODAY - datetime.timedelta(days=days_ago),
        effort_days=Decimal(effort),
    )


def test_a_year_planning_more_than_twice_the_pace_achieved_is_warned(plan_world):
    done_measure(plan_world, days_ago=100, effort="5")
    plan_world.measure("BC.03", due=datetime.date(2027, 3, 31), effort_days=Decimal("6"))
    plan_world.measure("BV.01", due=datetime.date(2027, 9, 30), effort_days=Decimal("5"))
    plan_world.measure("BV.01", due=datetime.date(2028, 9, 30), effort_days=Decimal("10"))

    found = warnings(plan_world)

    assert [warning.kind for warning in found] == ["pace"]
    assert found[0].title == "2027 plans 11.0 days of work; the last year achieved 5.0"


def test_no_pace_is_judged_before_anything_was_completed_in_the_last_year(plan_world):
    done_measure(plan_world, days_ago=400, effort="5")  # too long ago to be the pace
    plan_world.measure("BC.03", due=datetime.date(2027, 3, 31), effort_days=Decimal("60"))

    assert kinds(plan_world) == []


def test_an_evaluation_below_what_the_approved_plan_expected_by_then_is_warned(report_world):
    approved = report_world.approve_2026_with_plan()  # BV.01's measure (to 3) was due in 2020
    # The clock stands still: 2026 was approved two months ago, the plan on it a month ago.
    SelfAssessment.objects.filter(pk=report_world.assessment.pk).update(
        approved_at=clock.NOW - datetime.timedelta(days=60)
    )
    PlanVersion.objects.filter(pk=approved.pk).update(
        approved_at=clock.NOW - datetime.timedelta(days=30)
    )
    later = report_world.start("2027", previous=report_world.assessment)
    report_world.set_levels(later, {"BV.01": 2, "GO.01": 1})
    report_world.approve(later)

    found = warnings(report_world)

    assert [warning.kind for warning in found] == ["fell_short"]
    assert found[0].title == "Evaluation 2027: 1 of 1 norms below what the plan expected"
    assert f"plan version {approved.number}" in found[0].why
    assert "BV.01" in found[0].why
    assert "GO.01" not in found[0].why  # its measure is due in 2028: nothing expected yet


def test_the_warnings_show_beside_the_check_and_at_the_approval(client, plan_world):
    for day in (DEADLINE, DEADLINE, DEADLINE, DEADLINE):
        plan_world.measure("BC.03", due=day)
    client.force_login(plan_world.people[COORD])

    page = client.get(reverse("plans:plan", args=[plan_world.board.pk])).content.decode()

    assert "Plan quality" in page
    assert "4 of 4 open measures are due at the deadline" in page
    assert "They do not block approval" not in page  # one warning: the singular text
    assert "It does not block approval." in page


def test_the_warnings_take_the_same_queries_whatever_the_plan(
    django_assert_num_queries, report_world
):
    check = plan_check(board=report_world.board)
    with django_assert_num_queries(4):  # no approved evaluation: no scores are read
        plan_warnings(board=report_world.board, check=check, today=TODAY)
    report_world.approve_2026_with_plan()
    later = report_world.start("2027", previous=report_world.assessment)
    report_world.approve(later)
    with django_assert_num_queries(5):
        plan_warnings(board=report_world.board, check=check, today=TODAY)
    for _ in range(20):
        report_world.measure("BC.03", "GO.01", due=DEADLINE)
    with django_assert_num_queries(5):
        plan_warnings(board=report_world.board, check=check, today=TODAY)
