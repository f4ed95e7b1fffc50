"""The access layer: the one way views and services reach a board and what belongs to it.

A board is reached through the requesting person's active membership. Someone without one gets
404 (the board's existence is not revealed); a member whose role does not allow the action gets
403, and the refusal is written to the board's audit trail. Sector roles have no membership and
so never reach board content here; the monitoring capability gives them their own views.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils import timezone

from kompas.accounts.models import User
from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record
from kompas.boards.models import Board, ContributorScope, Membership
from kompas.boards.roles import Action, BoardRole, SectorRole, may


@dataclass(frozen=True)
class BoardAccess:
    """A person's standing on one board, as established by the access layer."""

    board: Board
    membership: Membership

    @property
    def role(self) -> str:
        return self.membership.role

    def may(self, action: Action) -> bool:
        return may(self.role, action)

    def may_edit_item(self, person_id: int | None) -> bool:
        """Whether they may edit one norm score or measure, assigned to (owned by) `person_id`.

        A contributor of a board whose coordinator limited them edits only what is theirs.
        """
        if not self.may(Action.EDIT):
            return False
        if self.role != BoardRole.CONTRIBUTOR:
            return True
        if self.board.contributors_edit == ContributorScope.ALL:
            return True
        return person_id is not None and person_id == self.membership.user_id

    @property
    def limited_to_own(self) -> bool:
        """A contributor who may edit only the norms and measures that are theirs."""
        return (
            self.role == BoardRole.CONTRIBUTOR
            and self.board.contributors_edit == ContributorScope.ASSIGNED
        )


def active_memberships(user: User | AnonymousUser) -> QuerySet[Membership]:
    if not user.is_authenticated or not user.is_active:
        return Membership.objects.none()
    today = timezone.localdate()
    return (
        Membership.objects.filter(user=user, is_active=True, board__is_active=True)
        .exclude(ends_on__lt=today)
        .select_related("board")
    )


def access_board(
    *, user: User | AnonymousUser, board_id: int, action: Action = Action.VIEW
) -> BoardAccess:
    """The board if the user is a member allowed to do `action` on it; else 404 or 403."""
    membership = active_memberships(user).filter(board_id=board_id).first()
    if membership is None:
        # Recorded on the platform chain: the board's own trail is not the outsider's business.
        audit_record(
            action=AuditAction.ACCESS_DENIED,
            actor=user,
            object_type="boards.board",
            object_id=str(board_id),
            object_repr=f"{action} without membership",
        )
        raise Http404("No such board.")
    access = BoardAccess(board=membership.board, membership=membership)
    if not access.may(action):
        audit_record(
            action=AuditAction.ACCESS_DENIED,
            actor=user,
            board_id=board_id,
            object_type="boards.board",
            object_id=str(board_id),
            object_repr=f"{action} as {membership.role}",
        )
        raise PermissionDenied(f"Your role may not {action} on this board.")
    return access


def access_board_object[M: Model](*, access: BoardAccess, queryset: QuerySet[M], pk: Any) -> M:
    """An object that belongs to the accessed board; another board's object answers 404."""
    obj = queryset.filter(board=access.board, pk=pk).first()
    if obj is None:
        raise Http404("No such object on this board.")
    return obj


def has_sector_role(user: User | AnonymousUser, *roles: SectorRole) -> bool:
    if not user.is_authenticated:
        return False
    return user.sector_assignments.filter(role__in=roles).exists()


def sector_roles(user: User | AnonymousUser) -> set[str]:
    """Every sector role the person holds, in one query: for pages that vary by role."""
    if not user.is_authenticated:
        return set()
    return set(user.sector_assignments.values_list("role", flat=True))


# HttpResponseBase: a board view may also stream a file (FileResponse).
ViewFunction = Callable[..., HttpResponseBase]
ViewDecorator = Callable[[ViewFunction], ViewFunction]


def board_view(action: Action) -> ViewDecorator:
    """Decorate a view taking `board_id`: it receives `access` instead, or 404/403 happens."""

    def decorate(view: ViewFunction) -> ViewFunction:
        @wraps(view)
        def wrapper(
            request: HttpRequest, board_id: int, *args: Any, **kwargs: Any
        ) -> HttpResponseBase:
            access = access_board(user=request.user, board_id=board_id, action=action)
            if request.session.get("current_board_id") != access.board.pk:
                request.session["current_board_id"] = access.board.pk
            return view(request, access, *args, **kwargs)

        wrapper.board_action = action  # type: ignore[attr-defined]
        return wrapper

    return decorate


def sector_view(*roles: SectorRole) -> ViewDecorator:
    """Decorate a view for sector roles: others get 403 (and the refusal is recorded)."""

    def decorate(view: ViewFunction) -> ViewFunction:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not has_sector_role(request.user, *roles):
                audit_record(
                    action=AuditAction.ACCESS_DENIED,
                    actor=request.user,
                    object_repr=f"{request.path} needs {', '.join(roles)}",
                )
                raise PermissionDenied("This page is for sector roles only.")
            return view(request, *args, **kwargs)

        wrapper.sector_roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorate
