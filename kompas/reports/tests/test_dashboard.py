import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompas.assessments.models import NormScore
from kompas.assessments.selectors import scores_of, summary
from kompas.boards.models import Board, Membership
from kompas.reports.dashboard import FactsPanel, PanelSpec, register_panel, unregister_panel
from kompas.testing import clock
from kompas.testing.frameworks import framework_doc, import_document, norm_doc
from kompas.testing.world import COORD, SUPERVISOR, ReportWorld

pytestmark = clock.pinned


@pytest.fixture
def report_world(db):
    return ReportWorld()


def dashboard(client, world, role):
    client.force_login(world.people[role])
    response = client.get(reverse("reports:dashboard", args=[world.board.pk]))
    assert response.status_code == 200
    return response


def test_the_dashboard_shows_the_summary_of_the_current_evaluation(client, report_world):
    response = dashboard(client, report_world, COORD)
    figures = response.context["dashboard"]

    assert figures.assessment == report_world.assessment
    assert figures.summary == summary(scores=scores_of(assessment=report_world.assessment))
    assert [(group.code, group.mean) for group in figures.domains] == [
        ("GO", Decimal("2.0")),
        ("BC", Decimal("2.0")),
        ("BV", None),
    ]
    assert figures.target_level == 3
    assert response.text.count('role="img"') == 3
    assert 'aria-labelledby="chart-domains-title chart-domains-desc"' in response.text
    assert "style=" not in response.text.split("<main", 1)[-1]


def test_the_distribution_counts_levels_not_assessed_and_not_applicable(client, report_world):
    score = report_world.score("BV.01")
    score.not_applicable, score.not_applicable_reason = True, "Geen eigen systemen"
    score.save()

    figures = dashboard(client, report_world, COORD).context["dashboard"]

    overall, security, privacy = figures.distribution
    assert (overall.levels, overall.not_assessed, overall.not_applicable) == ((1, 1, 1, 0, 0), 0, 1)
    assert (security.code, security.levels, security.not_applicable) == (
        "security",
        (1, 1, 1, 0, 0),
        0,
    )
    assert (privacy.code, privacy.total, privacy.not_applicable) == ("privacy", 1, 1)
    assert overall.total == figures.summary.total


def test_a_not_applicable_norm_without_a_reason_stays_applicable(client, report_world):
    NormScore.objects.filter(assessment=report_world.assessment, norm__code="BV.01").update(
        not_applicable=True, not_applicable_reason="   "
    )

    figures = dashboard(client, report_world, COORD).context["dashboard"]

    assert figures.distribution[0].not_assessed == 1
    assert figures.trend[-1].applicable == figures.summary.applicable == 4


def test_the_trend_has_the_approved_periods_and_the_current_draft(client, report_world):
    report_world.set_levels(report_world.assessment, {"BV.01": 2})
    approved = report_world.approve(report_world.assessment)
    draft = report_world.start("2027", previous=approved)
    report_world.set_levels(draft, {"GO.01": 3, "GO.02": 4, "BC.03": 3, "BV.01": 2})

    figures = dashboard(client, report_world, COORD).context["dashboard"]

    assert [(p.period, p.status, p.mean) for p in figures.trend] == [
        ("2026", "approved", Decimal("2.0")),
        ("2027", "draft", Decimal("3.0")),
    ]
    # The figures are the approved evaluation's; the draft is the trend's last point only.
    assert figures.assessment == approved
    assert figures.in_progress == draft
    standing = figures.trend[0]
    assert (standing.applicable, standing.at_or_above_target) == (
        figures.summary.applicable,
        figures.summary.at_or_above_target,
    )
    assert figures.trend[-1].at_or_above_target_percent == 75


def test_the_living_plan_shows_progress_and_the_projection(client, report_world):
    report_world.measure("GO.01", status="done")
    report_world.measure("BC.03", due=datetime.date(2020, 1, 31))

    plan = dashboard(client, report_world, COORD).context["dashboard"].plan

    assert (plan.measures, plan.done, plan.on_track, plan.overdue) == (2, 1, 0, 1)
    assert (plan.open_gaps, plan.accepted_risks) == (1, 0)
    assert plan.projection is not None
    assert plan.projection.verdict == "off_track"


def test_a_supervisor_sees_nothing_before_an_evaluation_is_approved(client, report_world):
    report_world.measure("GO.01")

    response = dashboard(client, report_world, SUPERVISOR)
    figures = response.context["dashboard"]

    assert figures.approved_only
    assert (figures.assessment, figures.plan, figures.trend) == (None, None, [])
    assert "2026" not in response.text
    assert "Maatregel" not in response.text


def test_a_supervisor_sees_only_approved_evaluations_and_plan_versions(client, report_world):
    version = report_world.approve_2026_with_plan()
    approved = report_world.assessment
    draft = report_world.start("2027", previous=approved)
    report_world.set_levels(draft, {"GO.01": 5, "GO.02": 5, "BC.03": 5, "BV.01": 5})
    report_world.measure("GO.02", title="Nog niet goedgekeurde maatregel")

    response = dashboard(client, report_world, SUPERVISOR)
    figures = response.context["dashboard"]
    coordinators = dashboard(client, report_world, COORD).context["dashboard"]

    assert figures.assessment == approved
    assert figures.summary == summary(scores=scores_of(assessment=approved))
    assert [point.period for point in figures.trend] == ["2026"]
    assert "2027" not in response.text
    assert figures.plan.version == version
    assert figures.plan.projection is None
    assert (figures.plan.measures, figures.plan.overdue, figures.plan.accepted_risks) == (2, 1, 1)
    # The coordinator sees the same approved figures, with the draft named as in progress.
    assert coordinators.assessment == approved
    assert coordinators.in_progress == draft
    assert coordinators.plan.measures == 3
    assert [point.period for point in coordinators.trend] == ["2026", "2027"]
    assert reverse("plans:plan", args=[report_world.board.pk]) not in response.text


def test_other_apps_can_add_a_panel_and_nothing_shows_without_one(client, report_world):
    without = dashboard(client, report_world, COORD).text
    seen = []

    def build(*, access, approved_only, today):
        seen.append(approved_only)
        return FactsPanel(title="Incidenten dit jaar", facts=[("Gemeld", "3")])

    register_panel(PanelSpec(key="test", template="reports/dashboard_panel.html", build=build))
    try:
        with_panel = dashboard(client, report_world, COORD).text
        dashboard(client, report_world, SUPERVISOR)
    finally:
        unregister_panel("test")

    assert "Incidenten dit jaar" not in without
    assert "Incidenten dit jaar" in with_panel
    assert seen == [False, True]


def grow(world):
    """More norms, periods, measures and boards than the first count saw."""
    document = framework_doc(slug="groot")
    document["norms"] += [norm_doc(f"GO.{n:02d}", "GO") for n in range(3, 90)]
    version = import_document(document)
    for period in ("2028", "2029", "2030"):
        assessment = world.start(period, version=version)
        NormScore.objects.filter(assessment=assessment).update(level=2)
        world.approve(assessment)
    world.start("2031", version=version)
    world.version = version
    for code in ("GO.03", "GO.04", "GO.05"):
        world.measure(code)
    other = Board.objects.create(name="Stichting C", bg_number="41003")
    Membership.objects.create(user=world.people[COORD], board=other, role=COORD)


@pytest.mark.parametrize("role", [COORD, SUPERVISOR])
def test_query_counts_do_not_grow_with_norms_periods_or_boards(client, report_world, role):
    report_world.approve_2026_with_plan()
    report_world.start("2027", previous=report_world.assessment)
    client.force_login(report_world.people[role])
    url = reverse("reports:dashboard", args=[report_world.board.pk])

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    grow(report_world)

    assert count() == before
