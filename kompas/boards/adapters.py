"""How django-allauth fits IBP-Kompas: nobody signs up on their own; people are invited.

The adapters live with the invitations they check (boards), not with the user model.
"""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest

from kompas.boards.services import invitation_accept_pending_for, pending_invitations_for


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are created by accepting an invitation (boards.views.invitation_accept).
        return False


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on logs in invited people only, matched by their verified e-mail address."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        email = _verified_email(sociallogin)
        return bool(email) and pending_invitations_for(email).exists()

    def populate_user(self, request: HttpRequest, sociallogin: Any, data: dict[str, Any]) -> Any:
        user = super().populate_user(request, sociallogin, data)
        name = data.get("name") or " ".join(
            part for part in (data.get("first_name"), data.get("last_name")) if part
        )
        user.full_name = (name or "").strip()[:200]
        user.email = (user.email or "").lower()
        return user

    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        invitation_accept_pending_for(user=user)
        return user


def _verified_email(sociallogin: Any) -> str:
    for address in sociallogin.email_addresses:
        if address.verified:
            return str(address.email).lower()
    return ""
