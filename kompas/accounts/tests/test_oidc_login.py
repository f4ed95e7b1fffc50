"""Single sign-on with OpenID Connect, end to end against a provider running in the test process.

The browser's part is played by Django's test client (our side) and `requests` (the provider's
sign-in page, which answers with the redirect back to us); allauth itself talks to the provider
over real HTTP for discovery, the token and userinfo.
"""

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from kompas.accounts.models import User
from kompas.accounts.tests.oidc_provider import OidcProvider, Person
from kompas.audit.models import AuditAction, AuditEvent
from kompas.boards import services
from kompas.boards.models import Board, Membership
from kompas.boards.roles import BoardRole
from kompas.testing.people import UserFactory


@pytest.fixture(scope="module")
def running_provider() -> Iterator[OidcProvider]:
    with OidcProvider(client_id="kompas", client_secret="geheim") as provider:
        yield provider


@pytest.fixture
def provider(running_provider: OidcProvider, settings) -> OidcProvider:
    running_provider.reset()
    settings.REQUIRE_MFA = False
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "sso",
                    "name": "Testfederatie",
                    "client_id": "kompas",
                    "secret": "geheim",
                    "settings": {"server_url": running_provider.url},
                }
            ],
        }
    }
    return running_provider


@pytest.fixture
def board() -> Board:
    return Board.objects.create(name="Stichting Test", bg_number="41234")


def sign_in_with_sso(client: Client, provider: OidcProvider, person: Person) -> Any:
    """The whole round trip: our login button, the provider's sign-in page, back to us."""
    provider.person = person
    to_provider = client.post(reverse("openid_connect_login", kwargs={"provider_id": "sso"}))
    assert to_provider.status_code == 302
    assert to_provider["Location"].startswith(f"{provider.url}/authorize?")
    back = requests.get(to_provider["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302, back.text
    return client.get(back.headers["Location"])


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get(SESSION_KEY)


def test_sso_starts_at_the_providers_login_url():
    assert reverse("openid_connect_login", kwargs={"provider_id": "sso"}) == (
        "/accounts/oidc/sso/login/"
    )


@pytest.mark.django_db
def test_it_sends_people_to_the_provider_with_state_and_a_pkce_challenge(client, provider):
    response = client.post("/accounts/oidc/sso/login/")

    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["client_id"] == ["kompas"]
    assert query["response_type"] == ["code"]
    assert query["redirect_uri"] == ["http://testserver/accounts/oidc/sso/login/callback/"]
    assert {"openid", "email"} <= set(query["scope"][0].split())
    assert query["state"][0]
    assert query["code_challenge"][0]
    assert query["code_challenge_method"] == ["S256"]


@pytest.mark.django_db
def test_an_existing_account_signs_in_when_the_provider_verified_the_address(client, provider):
    user = UserFactory.create(email="fatima@school.example.nl")

    response = sign_in_with_sso(client, provider, Person("f-1", "fatima@school.example.nl"))

    assert response.status_code == 302
    assert response["Location"] == reverse("boards:mine")
    assert signed_in_user_id(client) == str(user.pk)
    assert client.get(reverse("boards:mine")).status_code == 200
    assert SocialAccount.objects.get(uid="f-1").user == user
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_an_invited_person_without_an_account_gets_one_and_joins_the_board(client, provider, board):
    inviter = UserFactory.create()
    issued = services.invitation_create(
        actor=inviter, board=board, email="nieuw@school.example.nl", role=BoardRole.COORDINATOR
    )

    sign_in_with_sso(client, provider, Person("n-1", "nieuw@school.example.nl"))

    user = User.objects.get(email="nieuw@school.example.nl")
    assert signed_in_user_id(client) == str(user.pk)
    membership = Membership.objects.get(user=user, board=board)
    assert membership.role == BoardRole.COORDINATOR
    assert membership.is_active
    issued.invitation.refresh_from_db()
    assert issued.invitation.accepted_at is not None
    assert issued.invitation.accepted_by == user
    # One membership: straight to the board's home page.
    assert client.get(reverse("boards:mine"))["Location"] == reverse("boards:home", args=[board.pk])


@pytest.mark.django_db
def test_an_unknown_address_gets_no_account(client, provider, board):
    UserFactory.create(email="bekend@school.example.nl")
    services.invitation_create(
        actor=None, board=board, email="uitgenodigd@school.example.nl", role=BoardRole.CONTRIBUTOR
    )

    response = sign_in_with_sso(client, provider, Person("x-1", "vreemde@elders.example.nl"))

    assert response.status_code == 200  # allauth's "sign-up closed" page
    assert signed_in_user_id(client) is None
    assert User.objects.count() == 1
    assert not SocialAccount.objects.exists()


@pytest.mark.django_db
def test_it_matches_an_existing_account_whatever_the_case_of_the_address(client, provider):
    user = UserFactory.create(email="jan.de.vries@school.example.nl")

    sign_in_with_sso(client, provider, Person("j-1", "Jan.de.Vries@School.Example.NL"))

    assert signed_in_user_id(client) == str(user.pk)
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_it_matches_an_invitation_whatever_the_case_of_the_address(client, provider, board):
    issued = services.invitation_create(
        actor=None, board=board, email="pieter@school.example.nl", role=BoardRole.EXECUTIVE
    )

    sign_in_with_sso(client, provider, Person("p-1", "Pieter@School.Example.NL"))

    user = User.objects.get(memberships__board=board)
    assert user.email == "pieter@school.example.nl"  # stored as invitations and logins expect
    assert signed_in_user_id(client) == str(user.pk)
    issued.invitation.refresh_from_db()
    assert issued.invitation.accepted_by == user


@pytest.mark.django_db
def test_an_unverified_address_does_not_sign_in_to_the_account_with_that_address(client, provider):
    user = UserFactory.create(email="fatima@school.example.nl")

    response = sign_in_with_sso(
        client, provider, Person("f-1", "fatima@school.example.nl", email_verified=False)
    )

    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    assert not SocialAccount.objects.exists()
    assert User.objects.count() == 1
    user.refresh_from_db()
    assert user.has_usable_password()


@pytest.mark.django_db
def test_an_unverified_address_does_not_redeem_an_invitation(client, provider, board):
    issued = services.invitation_create(
        actor=None, board=board, email="nieuw@school.example.nl", role=BoardRole.CONTRIBUTOR
    )

    sign_in_with_sso(
        client, provider, Person("n-1", "nieuw@school.example.nl", email_verified=False)
    )

    assert signed_in_user_id(client) is None
    assert not User.objects.exists()
    issued.invitation.refresh_from_db()
    assert issued.invitation.accepted_at is None


@pytest.mark.django_db
def test_a_sign_in_by_sso_is_written_to_the_audit_trail(client, provider):
    user = UserFactory.create(email="fatima@school.example.nl")

    sign_in_with_sso(client, provider, Person("f-1", "fatima@school.example.nl"))

    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert event.actor_id == user.pk
    assert event.actor_email == "fatima@school.example.nl"
    assert event.object_id == str(user.pk)


@pytest.mark.django_db
def test_single_sign_on_keeps_the_password_of_an_invited_account(client, provider, board):
    issued = services.invitation_create(
        actor=None, board=board, email="wim@school.example.nl", role=BoardRole.CONTRIBUTOR
    )
    user = services.account_create_for_invitation(
        token=issued.token, full_name="Wim", password="een-lang-wachtwoord"
    )

    sign_in_with_sso(
        client, provider, Person(sub="wim-1", email="wim@school.example.nl", email_verified=True)
    )

    user.refresh_from_db()
    assert signed_in_user_id(client) == str(user.pk)
    assert user.has_usable_password()


@pytest.mark.django_db
def test_sso_fills_in_the_name_of_a_new_account(client, provider, board):
    services.invitation_create(
        actor=None, board=board, email="nina@school.example.nl", role=BoardRole.CONTRIBUTOR
    )

    sign_in_with_sso(
        client,
        provider,
        Person(sub="nina-1", email="nina@school.example.nl", name="Nina de Vries"),
    )

    assert User.objects.get(email="nina@school.example.nl").full_name == "Nina de Vries"
