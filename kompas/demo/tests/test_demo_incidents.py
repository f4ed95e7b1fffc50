"""The demo incidents: realistic, free of personal data, one AP decision due."""

import pytest
from django.utils import timezone

from kompas.boards.models import Board, Membership
from kompas.boards.roles import BoardRole
from kompas.demo.incidents import COLLEGE, SCHOLEN, seed_incidents
from kompas.incidents.models import Incident
from kompas.incidents.personal_data import find_personal_data
from kompas.testing.people import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    board = Board.objects.create(name="Stichting Voorbeeldscholen", bg_number="40001")
    found = {}
    for role in BoardRole.values:
        found[role] = UserFactory.create(email=f"{role}@voorbeeldscholen.demo")
        Membership.objects.create(user=found[role], board=board, role=role)
    return board, found


def test_the_demo_board_gets_its_incidents_once_with_one_decision_due(people):
    board, members = people

    first = seed_incidents(board=board, people=members)
    again = seed_incidents(board=board, people=members)

    assert first == "Incidents of Stichting Voorbeeldscholen: 4 created."
    assert again == "Incidents of Stichting Voorbeeldscholen: already present."
    clocks = [incident.clock(timezone.now()) for incident in Incident.objects.filter(board=board)]
    due = [clock for clock in clocks if clock.is_pending]
    assert len(due) == 1
    assert (due[0].state, due[0].hours) == ("running", 41)
    assert list(Incident.objects.filter(board=board).values_list("number", flat=True)) == [
        4,
        3,
        2,
        1,
    ]


def test_the_demo_texts_hold_nothing_that_looks_like_personal_data():
    for item in (*SCHOLEN, *COLLEGE):
        for text in (
            item.title,
            item.description,
            item.consequences,
            item.measures_taken,
            item.lessons,
            item.not_notified_reason,
        ):
            assert find_personal_data(text) == [], text
