"""The year in numbers: the annual-report paragraph and the dashboard panel."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from kompas.incidents.models import Incident
from kompas.incidents.selectors import yearly_figures
from kompas.incidents.tests.conftest import AUDITOR, CONTRIB, COORD, PRIVACY, SUPERVISOR
from kompas.reports.annual import IncidentFigures, annual_text, incident_figures
from kompas.reports.incident_panel import build

pytestmark = pytest.mark.django_db

CET = datetime.timezone(datetime.timedelta(hours=1))


def add(world, aware, kind="breach", decision="undecided", **fields):
    """An incident as it stands in the register, made directly: figures only read it."""
    number = Incident.objects.filter(board=world.board).count() + 1
    values = (
        {"notified_at": aware, "notification_reference": "M-1"} if decision == "notified" else {}
    )
    return Incident.objects.create(
        board=world.board,
        number=number,
        kind=kind,
        title=f"Incident {number}",
        became_aware_at=aware,
        description="Wat er gebeurde.",
        notify_decision=decision,
        reported_by=world.people[CONTRIB],
        **values,
        **fields,
    )


def test_the_year_is_the_dutch_calendar_year_of_awareness(world):
    add(world, datetime.datetime(2025, 12, 31, 23, 30, tzinfo=CET))  # 22:30 UTC: 2025
    add(world, datetime.datetime(2026, 1, 1, 0, 30, tzinfo=CET), decision="notified")  # 2026
    add(world, datetime.datetime(2026, 6, 1, 12, 0, tzinfo=CET), kind="security")
    add(world, datetime.datetime(2026, 7, 1, 12, 0, tzinfo=CET), decision="not_notified")

    figures = yearly_figures(board=world.board, year=2026)

    assert (figures.ever, figures.registered, figures.breaches) == (4, 3, 2)
    assert (figures.notified, figures.not_notified, figures.undecided) == (1, 1, 0)
    assert yearly_figures(board=world.board, year=2025).registered == 1
    assert incident_figures(board=world.board, year=2026) == IncidentFigures(
        registered=3, breaches=2, notified=1
    )


def test_a_board_that_never_used_the_register_gives_no_figures(world):
    assert incident_figures(board=world.board, year=2026) is None
    add(world, datetime.datetime(2025, 5, 1, 12, 0, tzinfo=CET))

    # Once it keeps its register here, a quiet year is a year without incidents.
    assert incident_figures(board=world.board, year=2026) == IncidentFigures(0, 0, 0)


def test_the_annual_paragraph_gives_the_years_incidents_in_numbers(world):
    add(world, datetime.datetime(2026, 2, 1, 9, 0, tzinfo=CET), decision="notified")
    add(world, datetime.datetime(2026, 3, 1, 9, 0, tzinfo=CET), kind="security")

    text = annual_text(board=world.board, year=2026, today=datetime.date(2026, 11, 1))

    with translation.override("nl"):
        registered = ngettext(
            "In %(year)d the board registered %(count)d security incident or data breach.",
            "In %(year)d the board registered %(count)d security incidents and data breaches.",
            2,
        ) % {"year": 2026, "count": 2}
        notified = ngettext(
            "%(count)d breach was notified to the Dutch Data Protection Authority.",
            "%(count)d breaches were notified to the Dutch Data Protection Authority.",
            1,
        ) % {"count": 1}
    last = text.split("\n\n")[-1]
    assert last.startswith(registered)
    assert notified in last


def test_late_counts_breaches_still_undecided_72_hours_after_awareness(world):
    now = datetime.datetime(2026, 6, 10, 12, 0, tzinfo=CET)
    add(world, now - datetime.timedelta(hours=72))
    add(world, now - datetime.timedelta(hours=71, minutes=59))
    add(world, now - datetime.timedelta(hours=100), decision="notified")

    figures = yearly_figures(board=world.board, year=2026, now=now)

    assert (figures.undecided, figures.late) == (2, 1)


# --- The dashboard panel ------------------------------------------------------------------------


def panel(world, role, approved_only):
    return build(access=world.access(role), approved_only=approved_only, today=timezone.localdate())


@pytest.fixture
def pending(world):
    now = timezone.now()
    due = add(world, now - datetime.timedelta(hours=30))
    overdue = add(world, now - datetime.timedelta(hours=80))
    add(world, now - datetime.timedelta(hours=20), decision="notified")
    return due, overdue


def test_the_register_keepers_see_the_decisions_owed_most_urgent_first(world, pending):
    due, overdue = pending

    data = panel(world, PRIVACY, approved_only=False)

    assert [(w.incident, w.clock.state) for w in data.warnings] == [
        (overdue, "overdue"),
        (due, "running"),
    ]
    assert data.register_url == reverse("incidents:register", args=[world.board.pk])


def test_the_supervisor_sees_the_years_figures_only(world, pending, client):
    data = panel(world, SUPERVISOR, approved_only=True)

    assert data.warnings == []
    assert (data.register_url, data.report_url) == ("", "")
    client.force_login(world.people[SUPERVISOR])
    page = client.get(reverse("reports:dashboard", args=[world.board.pk])).text
    section = page.split('id="panel-incidents-heading"')[1].split("</section>")[0]
    assert "Personal-data breaches" in section
    assert "Incident 1" not in section
    assert reverse("incidents:register", args=[world.board.pk]) not in section
    assert "Still open" not in section


@pytest.mark.parametrize("role", [CONTRIB, AUDITOR])
def test_other_roles_see_the_figures_without_warnings(world, pending, role):
    data = panel(world, role, approved_only=False)

    assert data.warnings == []
    assert data.register_url == ""
    assert bool(data.report_url) == (role == CONTRIB)


def test_the_dashboard_warns_the_coordinator_with_a_link_to_the_incident(client, world, pending):
    due, _overdue = pending
    client.force_login(world.people[COORD])

    page = client.get(reverse("reports:dashboard", args=[world.board.pk])).text

    assert "2 decisions on notifying the Autoriteit Persoonsgegevens are owed" in page
    assert reverse("incidents:incident", args=[world.board.pk, due.pk]) in page
    assert "overdue by 8 h" in page


@pytest.mark.parametrize("case", [(COORD, False, 2), (SUPERVISOR, True, 1)])
def test_the_panel_has_a_constant_number_of_queries(
    world, pending, django_assert_num_queries, case
):
    role, approved_only, queries = case
    access = world.access(role)
    for hours in range(1, 20):
        add(world, timezone.now() - datetime.timedelta(hours=hours))

    with django_assert_num_queries(queries):
        build(access=access, approved_only=approved_only, today=timezone.localdate())


def test_the_supervisor_gets_no_panel_while_the_register_was_never_used(world):
    assert panel(world, SUPERVISOR, approved_only=True) is None
    assert panel(world, COORD, approved_only=False).figures.registered == 0
