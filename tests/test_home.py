"""Issue 17: the board's home says what needs each person now, most urgent first, with a link to
where it is done, and takes the same queries whatever the number of norms, measures and breaches.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kompas.assessments.models import NormScore, SelfAssessment
from kompas.assessments.services import assessment_start, assessment_submit
from kompas.boards.models import BoardSector, Group, SectorAssignment
from kompas.boards.roles import BoardRole, SectorRole
from kompas.boards.todo import Urgency
from kompas.monitoring.services import round_open
from kompas.reports.annual_services import annual_report_draft
from kompas.testing import clock
from kompas.testing.home import HomeWorld, breach
from kompas.testing.people import UserFactory

pytestmark = [pytest.mark.django_db, clock.pinned]

COORD, EXEC = BoardRole.COORDINATOR, BoardRole.EXECUTIVE


def test_the_coordinator_sees_deadlines_then_late_then_due_then_open_work():
    world = HomeWorld()

    assert world.tasks(COORD) == [
        (Urgency.DEADLINE, "Decide whether to notify the AP of breach 1: USB-stick kwijt"),
        (Urgency.DEADLINE, "Decide whether to notify the AP of breach 2: Laptop gestolen"),
        (Urgency.LATE, "Your measure “Back-up testen”"),
        (Urgency.SOON, "Your measure “Strategie”"),
        (Urgency.OPEN, "1 norm assigned to you is still open in self-evaluation 2026"),
    ]


def test_the_executive_sees_what_waits_for_their_decision():
    world = HomeWorld()
    BoardSector.objects.create(board=world.board, sector="PO")
    analyst = UserFactory.create(email="analist@dvo.example.nl")
    SectorAssignment.objects.create(user=analyst, role=SectorRole.PROGRAMME_ANALYST)
    round_ = round_open(
        actor=analyst, name="Meetronde 2026", framework_version=world.version, period="2026",
        sectors=["PO"], closes_on=clock.days_from_today(40),
    )  # fmt: skip
    NormScore.objects.filter(assessment=world.assessment).update(level=2, to_confirm=False)
    coordinator = world.people[COORD]
    assessment_submit(access=world.access(COORD), actor=coordinator, assessment=world.assessment)

    assert world.tasks(EXEC) == [
        (Urgency.DEADLINE, "Decide whether to notify the AP of breach 1: USB-stick kwijt"),
        (Urgency.DEADLINE, "Decide whether to notify the AP of breach 2: Laptop gestolen"),
        # Both since NOW: one urgency and one moment go by title.
        (Urgency.WAITING, "Self-evaluation 2026 waits for your approval"),
        (Urgency.WAITING, "The coordinator proposes to accept the risk on BC.03"),
    ]
    annual_report_draft(access=world.access(COORD), actor=world.people[COORD], year=2026)
    assert (Urgency.WAITING, "The annual-report paragraph 2026 waits for your approval") in (
        world.tasks(EXEC)
    )
    # Once approved, the open round asks for it.
    SelfAssessment.objects.filter(pk=world.assessment.pk).update(
        status="approved", approved_at=timezone.now()
    )
    assert (Urgency.WAITING, f"Submit self-evaluation 2026 to {round_.name}") in world.tasks(EXEC)


def test_the_home_shows_the_deadline_as_a_warning_first_with_its_countdown(client):
    world = HomeWorld()
    client.force_login(world.people[COORD])
    client.cookies["django_language"] = "nl"

    html = client.get(reverse("boards:home", args=[world.board.pk])).text

    warning = html.index("Beslissingen met een wettelijke termijn")
    assert warning < html.index("Wat nu van u vraagt")
    assert "nog 62 uur 0 min" in html  # 72 hours from ten hours ago
    assert "8 uur 0 min te laat" in html
    assert reverse("incidents:incident", args=[world.board.pk, world.running.pk]) in html
    assert reverse("plans:measure", args=[world.board.pk, world.late.pk]) in html


def test_a_supervisor_has_nothing_to_do_and_is_told_so(client):
    world = HomeWorld()
    client.force_login(world.people[BoardRole.SUPERVISOR])
    client.cookies["django_language"] = "en"

    html = client.get(reverse("boards:home", args=[world.board.pk])).text

    assert "Nothing waits for you on this board right now." in html
    assert "notify the AP" not in html


def test_the_home_takes_the_same_queries_for_more_norms_measures_and_breaches(client):
    world = HomeWorld()
    client.force_login(world.people[COORD])
    url = reverse("boards:home", args=[world.board.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.get(url)  # the first request of a session does more (its session row)
    few = queries()
    for number in range(3):
        breach(world, hours_ago=5 + number, title=f"Melding {number}")
        world.measure("BC.03", due=clock.days_from_today(-number - 1), title=f"Achter {number}")
    later = assessment_start(
        access=world.access(COORD),
        actor=world.people[COORD],
        framework_version=world.version,
        period="2027",
    )
    NormScore.objects.filter(assessment=later).update(assignee=world.people[COORD])

    assert len(world.tasks(COORD)) == 5 + 6 + 1
    assert queries() == few


@pytest.mark.parametrize(
    ("role", "start"),
    [
        (SectorRole.PROGRAMME_ANALYST, "/monitoring/rounds/"),
        (SectorRole.INSPECTOR, "/monitoring/inspectorate/"),
        (SectorRole.PLATFORM_ADMIN, "/platform/boards/"),
    ],
)
def test_a_sector_role_lands_on_its_own_start_page(client, role, start):
    person = UserFactory.create(email=f"{role}@sector.example.nl")
    SectorAssignment.objects.create(user=person, role=role)
    client.force_login(person)

    response = client.get(reverse("boards:mine"))

    assert (response.status_code, response["Location"]) == (302, start)


def test_a_regional_coordinator_lands_on_their_region(client):
    group = Group.objects.create(name="Regio Utrecht")
    person = UserFactory.create(email="regio@sector.example.nl")
    SectorAssignment.objects.create(user=person, role=SectorRole.REGIONAL_COORDINATOR, group=group)
    client.force_login(person)

    response = client.get(reverse("boards:mine"))

    assert response["Location"] == reverse("monitoring:group", args=[group.pk])


def test_someone_with_a_board_and_a_sector_role_chooses(client):
    world = HomeWorld()
    person = world.people[COORD]
    SectorAssignment.objects.create(user=person, role=SectorRole.INSPECTOR)
    client.force_login(person)
    client.cookies["django_language"] = "en"

    html = client.get(reverse("boards:mine")).text

    assert reverse("boards:home", args=[world.board.pk]) in html
    assert reverse("monitoring:inspectorate") in html
    assert "You have no role on a board yet" not in html
