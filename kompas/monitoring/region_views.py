"""Regions' pages: the coordinator's groups, and a group's named results for its coordinator and
for the members that share theirs."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from kompas.accounts.http import AuthenticatedHttpRequest
from kompas.boards.access import BoardAccess, board_view, sector_view
from kompas.boards.roles import Action, SectorRole
from kompas.monitoring import regions

coordinator_only = sector_view(SectorRole.REGIONAL_COORDINATOR)


@login_required
@coordinator_only
@require_safe
def groups(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "monitoring/regions.html",
        {"groups": regions.coordinated_groups(user=request.user)},
    )


@login_required
@coordinator_only
@require_safe
def group(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    found = regions.coordinated_group(user=request.user, group_id=group_id)
    if found is None:
        # Another region's coordinator: the group's members are not this person's business.
        raise Http404("No such group among yours.")
    results = regions.group_results(group=found)
    regions.group_viewed(actor=request.user, group=found)
    return render(request, "monitoring/region.html", {"results": results, "group": found})


@login_required
@board_view(Action.VIEW)
@require_safe
def board_group(
    request: AuthenticatedHttpRequest, access: BoardAccess, group_id: int
) -> HttpResponse:
    membership = regions.group_membership(board=access.board, group_id=group_id)
    if membership is None:
        raise Http404("The board is not a member of this group.")
    context = {"access": access, "board": access.board, "group": membership.group}
    if not membership.shares_named_results:
        # Seeing the others is for members that show their own: nothing of them here.
        return render(request, "monitoring/region_opt_in.html", context)
    results = regions.group_results(group=membership.group)
    return render(
        request,
        "monitoring/region_board.html",
        {**context, "results": results, "board_shown": results.includes(access.board)},
    )
