from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kompas.boards.models import Board, Invitation, Membership, School
from kompas.boards.roles import Action, BoardRole, may


def board_overview(*, board_id: int) -> Board:
    return get_object_or_404(
        Board.objects.prefetch_related(
            "sectors", Prefetch("schools", queryset=School.objects.order_by("name"))
        ).annotate(member_count=Count("memberships")),
        pk=board_id,
    )


EDITING_ROLES = tuple(role for role in BoardRole.values if may(role, Action.EDIT))


def board_editors(*, board: Board) -> QuerySet[Membership]:
    """The active members who may edit: who a norm can be assigned to, who can own a measure."""
    today = timezone.localdate()
    return board_memberships(board=board).filter(role__in=EDITING_ROLES).exclude(ends_on__lt=today)


def board_memberships(*, board: Board) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(board=board, is_active=True)
        .select_related("user")
        .order_by("role", "user__email")
    )


def open_invitations(*, board: Board) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        board=board, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")
