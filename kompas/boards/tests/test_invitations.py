from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kompas.accounts.models import User
from kompas.audit.models import AuditAction, AuditEvent
from kompas.boards.models import Board, Invitation, Membership
from kompas.boards.roles import BoardRole
from kompas.boards.services import invitation_create
from kompas.testing.people import UserFactory

NEW_PASSWORD = {"password1": "een-lang-wachtwoord", "password2": "een-lang-wachtwoord"}


@pytest.fixture
def board(db):
    return Board.objects.create(name="Stichting Voorbeeld", bg_number="41234")


@pytest.fixture
def coordinator(board):
    user = UserFactory.create(email="coordinator@voorbeeld.nl")
    Membership.objects.create(user=user, board=board, role=BoardRole.COORDINATOR)
    return user


def invite(coordinator, board, email="nieuw@voorbeeld.nl", role=BoardRole.CONTRIBUTOR):
    return invitation_create(actor=coordinator, board=board, email=email, role=role)


def test_a_coordinator_invites_by_e_mail_with_a_role(client, board, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("boards:members", args=[board.pk]),
        {"email": "Nieuw@Voorbeeld.nl", "role": BoardRole.PRIVACY_OFFICER},
    )

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "nieuw@voorbeeld.nl"
    assert invitation.role == BoardRole.PRIVACY_OFFICER
    assert len(mail.outbox) == 1
    assert "/boards/invitations/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action=AuditAction.INVITE, board_id=board.pk).exists()


def test_only_the_token_hash_is_stored(board, coordinator):
    issued = invite(coordinator, board)

    assert issued.token not in issued.invitation.token_hash
    assert len(issued.invitation.token_hash) == 64


def test_a_new_person_creates_an_account_and_joins(client, board, coordinator):
    issued = invite(coordinator, board)
    url = reverse("boards:invitation", args=[issued.token])

    response = client.post(
        url,
        {
            "full_name": "Nina Nieuw",
            "password1": "een-lang-wachtwoord",
            "password2": "een-lang-wachtwoord",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="nieuw@voorbeeld.nl")
    assert Membership.objects.get(user=user, board=board).role == BoardRole.CONTRIBUTOR
    assert client.session["_auth_user_id"] == str(user.pk)


def test_an_invitation_works_only_once(client, board, coordinator):
    issued = invite(coordinator, board)
    url = reverse("boards:invitation", args=[issued.token])
    data = {
        "full_name": "Nina",
        "password1": "een-lang-wachtwoord",
        "password2": "een-lang-wachtwoord",
    }
    client.post(url, data)
    client.logout()

    again = client.get(url)

    assert again.status_code == 410
    assert "al gebruikt" in again.text or "already been used" in again.text
    assert User.objects.filter(email="nieuw@voorbeeld.nl").count() == 1


def test_an_expired_invitation_is_refused(client, board, coordinator):
    issued = invite(coordinator, board)
    Invitation.objects.filter(pk=issued.invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    response = client.post(
        reverse("boards:invitation", args=[issued.token]),
        {
            "full_name": "Nina",
            "password1": "een-lang-wachtwoord",
            "password2": "een-lang-wachtwoord",
        },
    )

    assert response.status_code == 410
    assert not User.objects.filter(email="nieuw@voorbeeld.nl").exists()


def test_an_existing_account_signs_in_and_accepts(client, board, coordinator):
    existing = UserFactory.create(email="adviseur@ibp.nl")
    issued = invite(coordinator, board, email="adviseur@ibp.nl", role=BoardRole.COORDINATOR)
    client.force_login(existing)

    response = client.post(reverse("boards:invitation", args=[issued.token]))

    assert response.status_code == 302
    assert Membership.objects.get(user=existing, board=board).role == BoardRole.COORDINATOR


def test_someone_else_cannot_use_an_invitation(client, board, coordinator):
    issued = invite(coordinator, board)
    stranger = UserFactory.create(email="vreemd@example.nl")
    client.force_login(stranger)

    client.post(reverse("boards:invitation", args=[issued.token]))

    assert not Membership.objects.filter(user=stranger).exists()
    issued.invitation.refresh_from_db()
    assert issued.invitation.accepted_at is None


def test_a_weak_password_is_refused_and_nothing_is_created(client, board, coordinator):
    issued = invite(coordinator, board)

    response = client.post(
        reverse("boards:invitation", args=[issued.token]),
        {"full_name": "Nina", "password1": "12345678", "password2": "12345678"},
    )

    assert response.status_code == 200
    assert not User.objects.filter(email="nieuw@voorbeeld.nl").exists()


def test_a_person_with_several_boards_sees_them_all_and_switches(client, board, coordinator):
    other = Board.objects.create(name="Stichting Tweede", bg_number="41235")
    Membership.objects.create(user=coordinator, board=other, role=BoardRole.CONTRIBUTOR)
    client.force_login(coordinator)

    overview = client.get(reverse("boards:mine"))
    switched = client.post(reverse("boards:switch"), {"board": other.pk})

    assert "Stichting Voorbeeld" in overview.text
    assert "Stichting Tweede" in overview.text
    assert switched["Location"] == reverse("boards:home", args=[other.pk])
    page = client.get(switched["Location"])
    assert page.status_code == 200
    assert client.session["current_board_id"] == other.pk
    assert 'name="board"' in page.text


def test_inviting_an_existing_member_is_refused(client, board, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("boards:members", args=[board.pk]),
        {"email": coordinator.email, "role": BoardRole.EXECUTIVE},
    )

    assert response.status_code == 200
    assert not Invitation.objects.exists()
