"""Board pages make the same number of queries however many boards, members or events exist."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record
from kompas.boards.models import Board, Membership, School
from kompas.boards.roles import BoardRole
from kompas.testing.people import UserFactory


def build(size):
    coordinator = UserFactory.create()
    board = Board.objects.create(name="Stichting Hoofd", bg_number=f"{40000 + size}")
    Membership.objects.create(user=coordinator, board=board, role=BoardRole.COORDINATOR)
    for n in range(size):
        other = Board.objects.create(name=f"Ander {n}", bg_number=f"{50000 + size * 100 + n}")
        Membership.objects.create(user=coordinator, board=other, role=BoardRole.CONTRIBUTOR)
        Membership.objects.create(user=UserFactory.create(), board=board, role=BoardRole.AUDITOR)
        School.objects.create(
            board=board,
            brin=f"{size % 90 + 10:02d}{chr(65 + n % 26)}{chr(65 + n // 26)}",
            name=f"School {n}",
        )
        audit_record(action=AuditAction.UPDATE, board_id=board.pk, object_repr=f"wijziging {n}")
    return coordinator, board


def queries(client, user, path):
    client.force_login(user)
    client.get(path)  # the session's first request fills caches (MFA check, language)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("screen", ["boards:mine", "boards:home", "boards:members", "boards:audit"])
def test_board_pages_do_not_grow_with_boards_members_or_events(client, screen):
    small_user, small_board = build(2)
    large_user, large_board = build(25)

    def path(board):
        return reverse(screen) if screen == "boards:mine" else reverse(screen, args=[board.pk])

    small = queries(client, small_user, path(small_board))
    large = queries(client, large_user, path(large_board))

    assert small == large
    assert large <= 12
