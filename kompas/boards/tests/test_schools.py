import pytest
from django.urls import reverse

from kompas.audit.models import AuditAction, AuditEvent
from kompas.boards.models import Board, Membership, School
from kompas.boards.roles import BoardRole
from kompas.testing.people import UserFactory


@pytest.fixture
def coordinator(db, client):
    board = Board.objects.create(name="Stichting A", bg_number="41001")
    user = UserFactory.create()
    Membership.objects.create(user=user, board=board, role=BoardRole.COORDINATOR)
    client.force_login(user)
    return board


def test_a_coordinator_adds_a_school_by_brin(client, coordinator):
    client.post(
        reverse("boards:schools", args=[coordinator.pk]), {"brin": "12ab", "name": "OBS Test"}
    )

    school = School.objects.get()
    assert (school.brin, school.name, school.board) == ("12AB", "OBS Test", coordinator)
    assert AuditEvent.objects.filter(board_id=coordinator.pk, action=AuditAction.CREATE).exists()


@pytest.mark.parametrize("brin", ["1AB", "12A", "ABCD", "12AB3", "12AB345"])
def test_a_malformed_brin_is_refused(client, coordinator, brin):
    response = client.post(
        reverse("boards:schools", args=[coordinator.pk]), {"brin": brin, "name": "OBS Test"}
    )

    assert response.status_code == 200
    assert not School.objects.exists()


def test_a_brin_belongs_to_one_school(client, coordinator):
    other = Board.objects.create(name="Stichting B", bg_number="41002")
    School.objects.create(board=other, brin="12AB", name="Elders")

    response = client.post(
        reverse("boards:schools", args=[coordinator.pk]), {"brin": "12AB", "name": "Dubbel"}
    )

    assert response.status_code == 200
    assert School.objects.count() == 1
