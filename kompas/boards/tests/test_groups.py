import pytest
from django.urls import reverse

from kompas.audit.models import AuditAction, AuditEvent
from kompas.boards.models import Board, Group, GroupMembership, Membership, SectorAssignment
from kompas.boards.roles import BoardRole, SectorRole
from kompas.testing.people import UserFactory


@pytest.fixture
def board(db, client):
    board = Board.objects.create(name="Stichting A", bg_number="41001")
    user = UserFactory.create()
    Membership.objects.create(user=user, board=board, role=BoardRole.COORDINATOR)
    client.force_login(user)
    return board


@pytest.fixture
def group(db):
    return Group.objects.create(name="Regio Oost", description="Samen inkopen.")


def test_a_coordinator_joins_a_group_without_sharing_by_default(client, board, group):
    client.post(reverse("boards:group_join", args=[board.pk, group.pk]))

    membership = GroupMembership.objects.get(board=board, group=group)
    assert membership.shares_named_results is False
    assert AuditEvent.objects.filter(board_id=board.pk, action=AuditAction.CREATE).exists()


def test_sharing_named_results_is_a_choice_that_can_be_changed(client, board, group):
    url = reverse("boards:group_join", args=[board.pk, group.pk])

    client.post(url, {"shares_named_results": "on"})
    assert GroupMembership.objects.get().shares_named_results is True
    client.post(url, {})

    assert GroupMembership.objects.get().shares_named_results is False
    changes = AuditEvent.objects.filter(board_id=board.pk, action=AuditAction.UPDATE).get().changes
    assert changes == {"shares_named_results": [True, False]}


def test_a_board_leaves_a_group(client, board, group):
    GroupMembership.objects.create(board=board, group=group, shares_named_results=True)

    client.post(reverse("boards:group_leave", args=[board.pk, group.pk]))

    assert not GroupMembership.objects.exists()
    assert AuditEvent.objects.filter(board_id=board.pk, action=AuditAction.DELETE).exists()


def test_the_groups_page_lists_groups_and_what_the_board_shares(client, board, group):
    GroupMembership.objects.create(board=board, group=group, shares_named_results=True)

    html = client.get(reverse("boards:groups", args=[board.pk])).text

    assert "Regio Oost" in html
    assert "checked" in html


def test_the_platform_admin_creates_groups(client, db):
    admin = UserFactory.create()
    SectorAssignment.objects.create(user=admin, role=SectorRole.PLATFORM_ADMIN)
    client.force_login(admin)

    client.post(reverse("platform:groups"), {"name": "Regio Noord", "description": ""})
    again = client.post(reverse("platform:groups"), {"name": "Regio Noord", "description": ""})

    assert Group.objects.filter(name="Regio Noord").count() == 1
    assert again.status_code == 200
