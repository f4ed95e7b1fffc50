import pytest
from django.core import mail
from django.urls import reverse

from kompas.audit.models import AuditAction, AuditEvent
from kompas.boards.models import Board, Invitation, SectorAssignment
from kompas.boards.roles import BoardRole, SectorRole
from kompas.testing.people import UserFactory


@pytest.fixture
def admin(db, client):
    user = UserFactory.create(email="beheer@ibpkompas.nl")
    SectorAssignment.objects.create(user=user, role=SectorRole.PLATFORM_ADMIN)
    client.force_login(user)
    return user


def test_the_platform_admin_creates_a_board(client, admin):
    response = client.post(
        reverse("platform:boards"),
        {
            "name": "Stichting Nieuw",
            "bg_number": "41999",
            "sectors": ["PO", "SO"],
            "pupil_count": "850",
            "region": "GE",
        },
    )

    board = Board.objects.get(bg_number="41999")
    assert response["Location"] == reverse("platform:board", args=[board.pk])
    assert sorted(board.sectors.values_list("sector", flat=True)) == ["PO", "SO"]
    assert AuditEvent.objects.filter(board_id=board.pk, action=AuditAction.CREATE).exists()


@pytest.mark.parametrize("bg_number", ["4199", "419999", "4199a", "abcde", ""])
def test_a_bevoegd_gezagnummer_must_be_five_digits(client, admin, bg_number):
    response = client.post(
        reverse("platform:boards"),
        {"name": "Stichting Fout", "bg_number": bg_number, "sectors": ["PO"], "pupil_count": "1"},
    )

    assert response.status_code == 200
    assert "vijf cijfers" in response.text or "verplicht" in response.text
    assert not Board.objects.exists()


def test_a_bevoegd_gezagnummer_is_unique(client, admin):
    Board.objects.create(name="Bestaand", bg_number="41999")

    response = client.post(
        reverse("platform:boards"),
        {"name": "Dubbel", "bg_number": "41999", "sectors": ["VO"], "pupil_count": "1"},
    )

    assert response.status_code == 200
    assert Board.objects.count() == 1


def test_the_platform_admin_invites_the_first_coordinator(client, admin):
    board = Board.objects.create(name="Stichting Nieuw", bg_number="41999")

    client.post(
        reverse("platform:board", args=[board.pk]),
        {"email": "ibp@nieuw.nl", "role": BoardRole.COORDINATOR},
    )

    invitation = Invitation.objects.get(board=board)
    assert (invitation.email, invitation.role) == ("ibp@nieuw.nl", BoardRole.COORDINATOR)
    assert mail.outbox[0].to == ["ibp@nieuw.nl"]


def test_the_platform_admin_deactivates_a_user_who_then_cannot_sign_in(client, admin):
    person = UserFactory.create(email="weg@example.nl", password="een-lang-wachtwoord")

    client.post(reverse("platform:user_deactivate", args=[person.pk]))
    client.logout()
    client.post(
        reverse("account_login"), {"login": person.email, "password": "een-lang-wachtwoord"}
    )

    person.refresh_from_db()
    assert not person.is_active
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(
        action=AuditAction.DEACTIVATE, object_id=str(person.pk)
    ).exists()


def test_the_platform_admin_cannot_deactivate_themselves(client, admin):
    client.post(reverse("platform:user_deactivate", args=[admin.pk]))

    admin.refresh_from_db()
    assert admin.is_active


def test_the_platform_admin_sees_authentication_events_only(client, admin, db):
    board = Board.objects.create(name="Stichting Geheim", bg_number="41998")
    UserFactory.create(email="fg@geheim.nl", password="een-lang-wachtwoord")
    client.logout()
    client.post(reverse("account_login"), {"login": "fg@geheim.nl", "password": "fout"})
    client.force_login(admin)
    from kompas.audit.services import audit_record

    audit_record(action=AuditAction.UPDATE, board_id=board.pk, object_repr="zwakke plek")

    page = client.get(reverse("platform:auth_events"))

    assert "fg@geheim.nl" in page.text
    assert "zwakke plek" not in page.text
    assert client.get(reverse("boards:audit", args=[board.pk])).status_code == 404
