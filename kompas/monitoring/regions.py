"""Regions: an opt-in group's named results and its joint demand.

A member is shown by name to its group only when both hold: the board chose to share named
results with the group (GroupMembership.shares_named_results) and its latest submission is
shared with its region (an active REGION consent, kompas.monitoring.named). Everything on these
pages, the joint demand table included, is computed over those members only, so a board that
does not share neither appears nor changes a figure.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet

from kompas.accounts.models import User
from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record
from kompas.boards.models import Board, Group, GroupMembership
from kompas.boards.roles import SectorRole
from kompas.monitoring.models import Audience, Submission, SubmittedScore
from kompas.monitoring.named import DomainColumn, NamedResult, named_results, shared_with


def coordinated_groups(*, user: User) -> QuerySet[Group]:
    """The groups the user is regional coordinator of, with their number of member boards."""
    return (
        Group.objects.filter(
            Exists(
                user.sector_assignments.filter(
                    role=SectorRole.REGIONAL_COORDINATOR, group=OuterRef("pk")
                )
            )
        )
        .annotate(boards=Count("memberships"))
        .order_by("name")
    )


def coordinated_group(*, user: User, group_id: int) -> Group | None:
    """The group if the user coordinates it; None for any other group."""
    return (
        Group.objects.filter(
            pk=group_id,
            coordinators__user=user,
            coordinators__role=SectorRole.REGIONAL_COORDINATOR,
        )
        .distinct()
        .first()
    )


def group_membership(*, board: Board, group_id: int) -> GroupMembership | None:
    """The board's membership of the group, or None when it is not a member."""
    return (
        GroupMembership.objects.filter(board=board, group_id=group_id)
        .select_related("group")
        .first()
    )


def named_members(*, group: Group) -> QuerySet[Submission]:
    """The latest submission of each member that shares named results and its REGION consent."""
    return shared_with(Audience.REGION).filter(
        Exists(
            GroupMembership.objects.filter(
                group=group, board=OuterRef("board"), shares_named_results=True
            )
        )
    )


@dataclass(frozen=True)
class Demand:
    """A norm most named members are below target on."""

    code: str
    title: str
    below: int
    applicable: int

    @property
    def share(self) -> Decimal:
        """Percentage of the members it applies to that are below target, to whole percents."""
        return (Decimal(100 * self.below) / self.applicable).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )


def joint_demand(*, group: Group) -> list[Demand]:
    """Norms where more than half the named members it applies to are below target; one query.

    Below target: applicable and not at target, so a norm not assessed counts as below; a norm
    not applicable to a board leaves that board out of the norm's count. The norms most members
    share come first (then the larger share, then the framework's order). Members may stand in
    different framework versions, so a norm is its code.
    """
    rows = (
        SubmittedScore.objects.filter(
            submission__in=named_members(group=group).values("pk"), not_applicable=False
        )
        .values("norm__code")
        .annotate(
            title=Max("norm__title"),
            position=Min("norm__position"),
            applicable=Count("pk"),
            below=Count("pk", filter=Q(at_target=False)),
        )
        .annotate(majority=F("below") * 2 - F("applicable"))
        .filter(majority__gt=0)
        .order_by("-below", "applicable", "position", "norm__code")
    )
    return [
        Demand(row["norm__code"], row["title"], row["below"], row["applicable"]) for row in rows
    ]


@dataclass(frozen=True)
class GroupResults:
    group: Group
    domains: list[DomainColumn]
    members: list[NamedResult]
    demand: list[Demand]

    def includes(self, board: Board) -> bool:
        return any(result.submission.board_id == board.pk for result in self.members)


def group_results(*, group: Group) -> GroupResults:
    """The group's named results and joint demand, in a constant number of queries."""
    submissions = (
        named_members(group=group)
        .select_related("board", "round")
        .prefetch_related("domain_levels")
        .order_by("board__name", "board_id")
    )
    domains, members = named_results(submissions)
    return GroupResults(
        group=group, domains=domains, members=members, demand=joint_demand(group=group)
    )


def group_viewed(*, actor: User, group: Group) -> None:
    """Record on the platform trail that a regional coordinator read a group's named results."""
    audit_record(
        action=AuditAction.VIEW,
        actor=actor,
        obj=group,
        object_repr=f"named results of group {group}"[:300],
    )
