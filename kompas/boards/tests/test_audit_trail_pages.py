import pytest
from django.urls import reverse

from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record
from kompas.boards.models import Board, Membership
from kompas.boards.roles import BoardRole
from kompas.testing.people import UserFactory


@pytest.fixture
def board(db):
    board = Board.objects.create(name="Stichting A", bg_number="41001")
    other = Board.objects.create(name="Stichting B", bg_number="41002")
    audit_record(
        action=AuditAction.UPDATE,
        board_id=board.pk,
        actor_email="",
        object_type="assessments.score",
        object_repr="GO.01 niveau 2 naar 3",
    )
    audit_record(
        action=AuditAction.EXPORT,
        board_id=board.pk,
        object_type="reports.report",
        object_repr="Rapport RvT 2026",
    )
    audit_record(
        action=AuditAction.UPDATE,
        board_id=other.pk,
        object_type="assessments.score",
        object_repr="geheim van bestuur B",
    )
    return board


@pytest.mark.parametrize(
    "role", [BoardRole.COORDINATOR, BoardRole.EXECUTIVE, BoardRole.PRIVACY_OFFICER]
)
def test_the_trail_shows_this_boards_events_only(client, board, role):
    user = UserFactory.create()
    Membership.objects.create(user=user, board=board, role=role)
    client.force_login(user)

    html = client.get(reverse("boards:audit", args=[board.pk])).text

    assert "GO.01 niveau 2 naar 3" in html
    assert "Rapport RvT 2026" in html
    assert "geheim van bestuur B" not in html


def test_the_trail_filters_by_action_and_object_type(client, board):
    user = UserFactory.create()
    Membership.objects.create(user=user, board=board, role=BoardRole.COORDINATOR)
    client.force_login(user)
    url = reverse("boards:audit", args=[board.pk])

    by_action = client.get(url, {"action": AuditAction.EXPORT}).text
    by_type = client.get(url, {"object_type": "assessments.score"}).text

    assert "Rapport RvT 2026" in by_action
    assert "GO.01 niveau 2 naar 3" not in by_action
    assert "GO.01 niveau 2 naar 3" in by_type
    assert "Rapport RvT 2026" not in by_type


@pytest.mark.parametrize("role", [BoardRole.CONTRIBUTOR, BoardRole.SUPERVISOR, BoardRole.AUDITOR])
def test_other_roles_may_not_read_the_trail_and_the_refusal_is_recorded(client, board, role):
    user = UserFactory.create()
    Membership.objects.create(user=user, board=board, role=role)
    client.force_login(user)

    assert client.get(reverse("boards:audit", args=[board.pk])).status_code == 403
    from kompas.audit.models import AuditEvent

    assert AuditEvent.objects.filter(
        board_id=board.pk, action=AuditAction.ACCESS_DENIED, actor_email=user.email
    ).exists()


def test_an_outsider_probing_a_board_is_recorded_on_the_platform_chain(client, board):
    from kompas.audit.models import AuditEvent

    outsider = UserFactory.create(email="nieuwsgierig@example.nl")
    client.force_login(outsider)

    assert client.get(reverse("boards:home", args=[board.pk])).status_code == 404
    event = AuditEvent.objects.get(chain="platform", action=AuditAction.ACCESS_DENIED)
    assert (event.actor_email, event.object_id) == (outsider.email, str(board.pk))
    assert not AuditEvent.objects.filter(board_id=board.pk, actor_email=outsider.email).exists()
