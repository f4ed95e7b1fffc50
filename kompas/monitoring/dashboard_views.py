"""The sector dashboard (sector roles) and a board's benchmark (the board's own members)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kompas.accounts.http import AuthenticatedHttpRequest
from kompas.boards.access import BoardAccess, board_view, sector_roles
from kompas.boards.roles import Action, SectorRole
from kompas.monitoring.charts import SpreadInput, spread_chart
from kompas.monitoring.dashboard import (
    UnknownCell,
    aggregated_rounds,
    board_benchmark,
    parse_cell,
    sector_dashboard,
)
from kompas.monitoring.views import figure_readers, record_inspector_view


@login_required
@figure_readers
@require_safe
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    rounds = aggregated_rounds()
    if not rounds:
        return render(request, "monitoring/dashboard.html", {"dashboard": None})
    asked = request.GET.get("round")
    round_ = next((found for found in rounds if str(found.pk) == asked), None) if asked else None
    if asked and round_ is None:
        raise Http404("No round with figures by that number.")
    round_ = round_ or rounds[-1]
    try:
        figures = sector_dashboard(
            rounds=rounds, round_=round_, cell=parse_cell(request.GET.get("cell", "all"))
        )
    except UnknownCell:
        return render(
            request,
            "monitoring/dashboard.html",
            {
                "dashboard": None,
                "error": _(
                    "This round has no figures for that group. Choose a group from the list."
                ),
            },
            status=400,
        )
    roles = sector_roles(request.user)
    record_inspector_view(request, roles, f"sector dashboard: {round_.name}, {figures.label}")
    chart = spread_chart(
        rows=[
            SpreadInput(
                code=row.code,
                name=row.name,
                lower=row.figure.lower_quartile if row.figure else None,
                median=row.figure.board_median if row.figure else None,
                upper=row.figure.upper_quartile if row.figure else None,
            )
            for row in figures.domains
        ],
        target_level=round_.framework_version.target_level,
    )
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "dashboard": figures,
            "chart": chart,
            "analyst": SectorRole.PROGRAMME_ANALYST in roles,
            "inspector": SectorRole.INSPECTOR in roles,
            "coordinator": SectorRole.REGIONAL_COORDINATOR in roles,
        },
    )


@login_required
@board_view(Action.VIEW_REPORTS)
@require_safe
def benchmark(request: AuthenticatedHttpRequest, access: BoardAccess) -> HttpResponse:
    found = board_benchmark(board_id=access.board.pk)
    charts = []
    if found is not None:
        target = found.submission.round.framework_version.target_level
        charts = [
            spread_chart(
                rows=[
                    SpreadInput(
                        code=row.code,
                        name=row.name,
                        lower=row.figure.lower_quartile if row.comparable and row.figure else None,
                        median=row.figure.board_median if row.comparable and row.figure else None,
                        upper=row.figure.upper_quartile if row.comparable and row.figure else None,
                        own=row.own,
                    )
                    for row in group.rows
                ],
                target_level=target,
            )
            for group in found.groups
        ]
    return render(
        request,
        "monitoring/benchmark.html",
        {
            "access": access,
            "board": access.board,
            "benchmark": found,
            "groups": list(zip(found.groups, charts, strict=True)) if found else [],
        },
    )
