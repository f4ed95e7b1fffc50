"""Writes for boards, memberships and invitations. Each one is recorded in the audit trail."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from kompas.accounts.models import User
from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record, diff
from kompas.boards.access import BoardAccess
from kompas.boards.models import (
    Board,
    BoardSector,
    ContributorScope,
    Group,
    GroupMembership,
    Invitation,
    Membership,
    School,
)
from kompas.boards.roles import Action, BoardRole


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def board_create(
    *,
    actor: User,
    name: str,
    bg_number: str,
    sectors: list[str],
    pupil_count: int = 0,
    region: str = "",
) -> Board:
    """Register a board (platform admin); the bevoegd-gezagnummer must be new and valid."""
    board = Board(
        name=name.strip(), bg_number=bg_number.strip(), pupil_count=pupil_count, region=region
    )
    board.full_clean()
    with transaction.atomic():
        board.save()
        BoardSector.objects.bulk_create(
            BoardSector(board=board, sector=sector) for sector in sorted(set(sectors))
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            board_id=board.pk,
            obj=board,
            changes={
                "name": [None, board.name],
                "bg_number": [None, board.bg_number],
                "sectors": [None, sorted(set(sectors))],
            },
        )
    return board


def school_add(*, actor: User, board: Board, brin: str, name: str) -> School:
    school = School(board=board, brin=brin.strip().upper(), name=name.strip())
    school.full_clean()
    with transaction.atomic():
        school.save()
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            board_id=board.pk,
            obj=school,
            changes={"brin": [None, school.brin], "name": [None, school.name]},
        )
    return school


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str  # shown once, in the e-mail; only its hash is stored


def invitation_create(
    *, actor: User | None, board: Board, email: str, role: str
) -> IssuedInvitation:
    """Invite someone to the board in a role; the link is single-use and expires."""
    email = email.strip().lower()
    if role not in BoardRole.values:
        raise ValidationError({"role": _("Unknown role.")})
    if Membership.objects.filter(board=board, user__email=email, is_active=True).exists():
        raise ValidationError({"email": _("This person is already a member of this board.")})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            board=board,
            email=email,
            role=role,
            token_hash=_token_hash(token),
            invited_by=actor,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        audit_record(
            action=AuditAction.INVITE,
            actor=actor,
            board_id=board.pk,
            obj=invitation,
            changes={"email": [None, email], "role": [None, role]},
        )
    return IssuedInvitation(invitation, token)


def invitation_send(*, invitation: Invitation, link: str) -> None:
    """E-mail the invitation link; the link carries the token, which is not stored."""
    body = render_to_string("boards/invitation_email.txt", {"invitation": invitation, "link": link})
    send_mail(
        _("Invitation to IBP-Kompas for %(board)s") % {"board": invitation.board.name},
        body,
        None,
        [invitation.email],
    )


class InvitationError(Exception):
    """The invitation link cannot be used (unknown, used, expired or for someone else)."""


def invitation_for_token(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("board").filter(token_hash=_token_hash(token)).first()
    )
    if invitation is None:
        raise InvitationError(_("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used."))
    if invitation.expires_at <= timezone.now():
        raise InvitationError(_("This invitation has expired. Ask for a new one."))
    if not invitation.board.is_active:
        raise InvitationError(_("This invitation link is not valid."))
    return invitation


def invitation_accept(*, token: str, user: User) -> Membership:
    """Use an invitation: the signed-in person (with the invited address) joins the board."""
    with transaction.atomic():
        invitation = invitation_for_token(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise InvitationError(_("This invitation has already been used."))
        if user.email.lower() != invitation.email:
            raise InvitationError(
                _("This invitation is for %(email)s; sign in with that address.")
                % {"email": invitation.email}
            )
        return _accept(invitation, user)


def _accept(invitation: Invitation, user: User) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, board=invitation.board, defaults={"role": invitation.role}
    )
    before = {"role": None if created else membership.role, "is_active": membership.is_active}
    if not created:
        membership.role = invitation.role
        membership.is_active = True
        membership.save(update_fields=["role", "is_active"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        action=AuditAction.ACCEPT_INVITATION,
        actor=user,
        board_id=invitation.board_id,
        obj=membership,
        changes=diff(before, {"role": membership.role, "is_active": True}),
    )
    return membership


def pending_invitations_for(email: str) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        email=email.lower(), accepted_at__isnull=True, expires_at__gt=timezone.now()
    )


def invitation_accept_pending_for(*, user: User) -> list[Membership]:
    """Accept every open invitation for the person's address (after single sign-on)."""
    with transaction.atomic():
        return [
            _accept(invitation, user)
            for invitation in pending_invitations_for(user.email).select_for_update()
        ]


def account_create_for_invitation(*, token: str, full_name: str, password: str) -> User:
    """Create the account of an invited person who has none yet, and accept the invitation."""
    user_model = get_user_model()
    with transaction.atomic():
        invitation = invitation_for_token(token)
        if user_model.objects.filter(email=invitation.email).exists():
            raise InvitationError(_("An account with this address exists; sign in first."))
        user = user_model.objects.create_user(
            invitation.email, password, full_name=full_name.strip()
        )
        audit_record(
            action=AuditAction.CREATE, actor=user, obj=user, changes={"email": [None, user.email]}
        )
        invitation_accept(token=token, user=user)
    return user


def group_create(*, actor: User, name: str, description: str = "") -> Group:
    """A new opt-in group of boards (platform admin)."""
    group = Group(name=name.strip(), description=description.strip())
    group.full_clean()
    with transaction.atomic():
        group.save()
        audit_record(
            action=AuditAction.CREATE, actor=actor, obj=group, changes={"name": [None, group.name]}
        )
    return group


def group_join(*, actor: User, board: Board, group: Group, shares_named_results: bool) -> None:
    """The board joins a group, or changes whether members of the group see its results."""
    with transaction.atomic():
        membership, created = GroupMembership.objects.select_for_update().get_or_create(
            group=group, board=board, defaults={"shares_named_results": shares_named_results}
        )
        before = None if created else membership.shares_named_results
        if not created and before == shares_named_results:
            return
        membership.shares_named_results = shares_named_results
        membership.save(update_fields=["shares_named_results"])
        audit_record(
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            actor=actor,
            board_id=board.pk,
            obj=membership,
            changes={"shares_named_results": [before, shares_named_results]},
        )


def group_leave(*, actor: User, board: Board, group: Group) -> None:
    """The board leaves a group; the group no longer sees anything of it."""
    with transaction.atomic():
        membership = GroupMembership.objects.filter(group=group, board=board).first()
        if membership is None:
            return
        audit_record(
            action=AuditAction.DELETE,
            actor=actor,
            board_id=board.pk,
            obj=membership,
            changes={"group": [group.name, None]},
        )
        membership.delete()


def membership_deactivate(*, actor: User, membership: Membership) -> None:
    """End someone's role on a board; their account stays, as does everything they did."""
    if not membership.is_active:
        return
    with transaction.atomic():
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        audit_record(
            action=AuditAction.DEACTIVATE,
            actor=actor,
            board_id=membership.board_id,
            obj=membership,
            changes={"is_active": [True, False]},
        )


def user_deactivate(*, actor: User, user: User) -> None:
    """Block an account from signing in (platform admin). Nothing of theirs is deleted."""
    if actor.pk == user.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if not user.is_active:
        return
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(
            action=AuditAction.DEACTIVATE,
            actor=actor,
            obj=user,
            changes={"is_active": [True, False]},
        )


def contributor_scope_set(*, access: BoardAccess, actor: User, scope: str) -> None:
    """The coordinator decides what the board's contributors may edit: all, or only theirs."""
    if not access.may(Action.MANAGE_MEMBERS):
        raise PermissionDenied("Only the IBP coordinator decides what contributors may edit.")
    if scope not in ContributorScope.values:
        raise ValidationError({"scope": _("Choose what contributors may edit.")})
    with transaction.atomic():
        board = Board.objects.select_for_update().get(pk=access.board.pk)
        if board.contributors_edit == scope:
            return
        before = board.contributors_edit
        board.contributors_edit = scope
        board.save(update_fields=["contributors_edit"])
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            board_id=board.pk,
            obj=board,
            changes={"contributors_edit": [before, scope]},
        )
