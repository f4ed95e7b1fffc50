"""The roadmap page: the projection for the deadline, the yearly milestones as chart and tables."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from kompas.boards.access import BoardAccess, board_view
from kompas.boards.roles import Action
from kompas.plans.roadmap import YearFigures, projection, roadmap

# The chart's drawing area, in SVG user units; the SVG scales to the page's width.
WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 24, 40


@dataclass(frozen=True)
class ChartPoint:
    x: int
    y: int
    year: int
    value: int


@dataclass(frozen=True)
class Chart:
    """A step chart of the norms at or above target at the end of each year."""

    width: int
    height: int
    left: int
    right: int
    baseline: int
    top: int
    points: list[ChartPoint]
    path: str


def step_chart(totals: list[YearFigures]) -> Chart | None:
    """Coordinates for the template: the count holds through a year and steps at its end."""
    if not totals:
        return None
    scale = max(totals[0].applicable, 1)
    span = (WIDTH - LEFT - RIGHT) / len(totals)
    baseline = HEIGHT - BOTTOM
    points = [
        ChartPoint(
            x=round(LEFT + span * (index + 0.5)),
            y=round(baseline - (baseline - TOP) * figures.at_or_above_target / scale),
            year=figures.year,
            value=figures.at_or_above_target,
        )
        for index, figures in enumerate(totals)
    ]
    steps = [f"M {LEFT} {points[0].y}"]
    for index, point in enumerate(points):
        steps.append(f"V {point.y}")
        steps.append(f"H {round(LEFT + span * (index + 1))}")
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        baseline=baseline,
        top=TOP,
        points=points,
        path=" ".join(steps),
    )


@login_required
@board_view(Action.VIEW)
@require_safe
def roadmap_view(request: HttpRequest, access: BoardAccess) -> HttpResponse:
    today = timezone.localdate()
    result = roadmap(board=access.board, today=today)
    return render(
        request,
        "plans/roadmap.html",
        {
            "access": access,
            "board": access.board,
            "roadmap": result,
            "projection": projection(board=access.board, today=today),
            "chart": step_chart(result.totals),
            "applicable": result.totals[0].applicable if result.totals else 0,
        },
    )
