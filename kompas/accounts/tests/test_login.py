import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core import mail
from django.urls import reverse

from config import settings as configured
from kompas.boards.models import Board, Membership, SectorAssignment
from kompas.boards.roles import BoardRole, SectorRole
from kompas.testing.people import UserFactory

PASSWORD = "een-lang-wachtwoord"


@pytest.fixture
def board(db):
    return Board.objects.create(name="Stichting Voorbeeld", bg_number="41234")


def person(board, role, email=None):
    user = UserFactory.create(email=email or f"{role}@voorbeeld.nl", password=PASSWORD)
    Membership.objects.create(user=user, board=board, role=role)
    return user


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def current_code(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_production_hashes_passwords_with_argon2():
    assert configured.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_a_member_signs_in_with_e_mail_and_password(client, board):
    person(board, BoardRole.CONTRIBUTOR)

    response = sign_in(client, "contributor@voorbeeld.nl")

    assert response.status_code == 302
    assert client.get(reverse("boards:mine")).status_code == 302  # one board: straight to it
    assert client.session["_auth_user_id"]


def test_a_wrong_password_does_not_sign_in(client, board):
    person(board, BoardRole.CONTRIBUTOR)

    response = sign_in(client, "contributor@voorbeeld.nl", "fout-wachtwoord")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_repeated_failed_sign_ins_are_throttled(client, board, settings):
    person(board, BoardRole.CONTRIBUTOR)
    for _ in range(5):
        sign_in(client, "contributor@voorbeeld.nl", "fout-wachtwoord")

    blocked = sign_in(client, "contributor@voorbeeld.nl")

    assert "_auth_user_id" not in client.session
    assert blocked.status_code in (200, 429)


def test_nobody_can_sign_up_without_an_invitation(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "zelf@example.nl", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code in (200, 403)
    assert not UserFactory._meta.model.objects.filter(email="zelf@example.nl").exists()


@pytest.mark.parametrize(
    ("role", "needs_mfa"),
    [
        (BoardRole.EXECUTIVE, True),
        (BoardRole.COORDINATOR, True),
        (BoardRole.PRIVACY_OFFICER, True),
        (BoardRole.CONTRIBUTOR, False),
        (BoardRole.SUPERVISOR, False),
        (BoardRole.AUDITOR, False),
    ],
)
def test_roles_that_change_or_approve_must_set_up_a_second_factor(
    client, board, settings, role, needs_mfa
):
    settings.REQUIRE_MFA = True
    person(board, role)
    sign_in(client, f"{role}@voorbeeld.nl")

    response = client.get(reverse("boards:home", args=[board.pk]))

    if needs_mfa:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("mfa_activate_totp"))
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", SectorRole.values)
def test_every_sector_role_must_set_up_a_second_factor(client, db, settings, role):
    settings.REQUIRE_MFA = True
    user = UserFactory.create(email="sector@example.nl", password=PASSWORD)
    group = None
    if role == SectorRole.REGIONAL_COORDINATOR:
        from kompas.boards.models import Group

        group = Group.objects.create(name="Regio")
    SectorAssignment.objects.create(user=user, role=role, group=group)
    sign_in(client, user.email)

    response = client.get(reverse("boards:mine"))

    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_without_the_requirement_no_second_factor_is_asked(client, board, settings):
    settings.REQUIRE_MFA = False
    person(board, BoardRole.COORDINATOR)
    sign_in(client, "coordinator@voorbeeld.nl")

    assert client.get(reverse("boards:home", args=[board.pk])).status_code == 200


def test_with_a_second_factor_sign_in_asks_for_the_code(client, board, settings):
    settings.REQUIRE_MFA = True
    user = person(board, BoardRole.COORDINATOR)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)

    response = sign_in(client, user.email)

    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "_auth_user_id" not in client.session
    assert wrong.status_code == 200
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("boards:home", args=[board.pk])).status_code == 200


def test_a_password_reset_never_skips_the_second_factor(client, board, settings):
    settings.REQUIRE_MFA = True
    user = person(board, BoardRole.COORDINATOR)
    TOTP.activate(user, generate_totp_secret())

    client.post(reverse("account_reset_password"), {"email": user.email})
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/accounts/password/reset/key/" in line
    )
    path = link[link.index("/accounts/") :].strip()
    form = client.get(path, follow=True)
    client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {"password1": "een-nieuw-lang-wachtwoord", "password2": "een-nieuw-lang-wachtwoord"},
    )

    assert "_auth_user_id" not in client.session
    after = sign_in(client, user.email, "een-nieuw-lang-wachtwoord")
    assert after["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_sessions_expire(settings):
    assert configured.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert configured.ACCOUNT_SESSION_REMEMBER is False


def test_a_deactivated_account_cannot_sign_in(client, board):
    user = person(board, BoardRole.CONTRIBUTOR)
    user.is_active = False
    user.save()

    sign_in(client, user.email)

    assert "_auth_user_id" not in client.session


def test_the_admin_login_goes_through_the_same_sign_in_with_its_second_factor(client, db):
    staff = UserFactory.create(
        email="beheer@example.nl", password=PASSWORD, is_staff=True, is_superuser=True
    )
    TOTP.activate(staff, generate_totp_secret())

    shown = client.get("/admin/login/?next=/admin/")
    posted = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})

    assert shown.status_code == 302
    assert shown["Location"].startswith(reverse("account_login"))
    assert "next=/admin/" in shown["Location"]
    assert "_auth_user_id" not in client.session
    assert posted.status_code in (302, 405)


def test_the_second_factor_setup_page_works_under_the_security_policy(client, board, settings):
    settings.REQUIRE_MFA = True
    person(board, BoardRole.EXECUTIVE)
    sign_in(client, "executive@voorbeeld.nl")

    # allauth asks for the password once more before a second factor is added.
    first = client.get(reverse("mfa_activate_totp"))
    assert first["Location"].startswith(reverse("account_reauthenticate"))
    client.post(first["Location"], {"password": PASSWORD})
    setup = client.get(reverse("mfa_activate_totp"))

    assert setup.status_code == 200
    assert "data:image/svg+xml" in setup.text  # the QR code, allowed by img-src data:
    assert "<script" not in setup.text.split("<main", 1)[1]
