"""Coordinates for the dashboard's server-rendered SVG charts (docs/decisions/0004).

Python does the arithmetic, the templates in templates/reports/charts/ draw; the same chart
serves the web page and the PDF. Coordinates are whole SVG user units; the SVG scales to the
width it is given. Every colour has at least 3:1 contrast with the white background (WCAG 1.4.11)
and white text on it at least 4.5:1; segments are separated by white gaps and carry their
counts as text, so nothing depends on telling colours apart.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from kompas.assessments.selectors import GroupFigures
from kompas.core.charts import MAX_LEVEL, WIDTH, LevelScale, Tick
from kompas.reports.dashboard import Distribution, TrendPoint

LEVEL_COLOURS = {1: "#a4262c", 2: "#b34700", 3: "#0f6b3c", 4: "#1f5fa6", 5: "#154273"}
NOT_ASSESSED_COLOUR = "#6b6b6b"
NOT_APPLICABLE_COLOUR = "#7a4b94"

# --- Per domain: mean level against the target -----------------------------------------------


@dataclass(frozen=True)
class Bar:
    code: str
    name: str
    mean: Decimal | None
    minimum: int | None
    applicable: int
    at_or_above_target: int
    y: int
    width: int
    text_y: int
    value_x: int


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    axis_y: int
    bar_height: int
    target_level: int
    target_x: int
    ticks: list[Tick]
    bars: list[Bar]


def domain_chart(*, domains: Sequence[GroupFigures], target_level: int) -> BarChart | None:
    """Horizontal bars of the mean level per domain, with a marker at the target level."""
    if not domains:
        return None
    top, row, bar_height = 30, 20, 13
    scale = LevelScale(left=270, right=WIDTH - 48)
    axis_y = top + row * len(domains)
    bars = []
    for index, group in enumerate(domains):
        y = top + index * row + (row - bar_height) // 2
        width = scale.length(group.mean)
        bars.append(
            Bar(
                code=group.code,
                name=group.name,
                mean=group.mean,
                minimum=group.minimum,
                applicable=group.applicable,
                at_or_above_target=group.at_or_above_target,
                y=y,
                width=width,
                text_y=y + bar_height - 3,
                value_x=scale.left + width + 6,
            )
        )
    return BarChart(
        width=WIDTH,
        height=axis_y + 28,
        left=scale.left,
        right=scale.right,
        top=top,
        axis_y=axis_y,
        bar_height=bar_height,
        target_level=target_level,
        target_x=scale.x(target_level),
        ticks=scale.ticks(),
        bars=bars,
    )


# --- Distribution of levels: one stacked bar per group ---------------------------------------


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    colour: str
    count: int
    x: int
    width: int
    text_x: int
    show_count: bool


@dataclass(frozen=True)
class StackRow:
    name: str
    total: int
    y: int
    text_y: int
    segments: list[Segment]


@dataclass(frozen=True)
class LegendItem:
    label: str
    colour: str
    x: int
    y: int


@dataclass(frozen=True)
class StackChart:
    width: int
    height: int
    left: int
    right: int
    bar_height: int
    rows: list[StackRow]
    legend: list[LegendItem]


def categories(level_names: dict[int, str]) -> list[tuple[str, str, str]]:
    """(key, label, colour) of every category of the distribution, in drawing order."""
    return [
        *(
            (str(level), f"{level} {level_names.get(level, '')}".strip(), LEVEL_COLOURS[level])
            for level in range(1, MAX_LEVEL + 1)
        ),
        ("not_assessed", _("Not assessed"), NOT_ASSESSED_COLOUR),
        ("not_applicable", _("Not applicable"), NOT_APPLICABLE_COLOUR),
    ]


def distribution_chart(
    *, groups: Sequence[Distribution], level_names: dict[int, str]
) -> StackChart | None:
    """Per group a bar of 100% split into the levels, not assessed and not applicable."""
    if not groups or not groups[0].total:
        return None
    left, right, top, row, bar_height, gap = 170, WIDTH - 16, 8, 34, 24, 2
    kinds = categories(level_names)
    rows = []
    for index, group in enumerate(groups):
        counts = [*group.levels, group.not_assessed, group.not_applicable]
        y = top + index * row
        x = float(left)
        segments = []
        for (key, label, colour), count in zip(kinds, counts, strict=True):
            if not count:
                continue
            span = (right - left) * count / group.total
            start, end = round(x), round(x + span)
            width = max(1, end - start - gap)
            segments.append(
                Segment(
                    key=key,
                    label=label,
                    colour=colour,
                    count=count,
                    x=start,
                    width=width,
                    text_x=start + width // 2,
                    show_count=width >= 8 * len(str(count)) + 6,
                )
            )
            x += span
        rows.append(
            StackRow(
                name=group.name,
                total=group.total,
                y=y,
                text_y=y + bar_height // 2 + 5,
                segments=segments,
            )
        )
    legend_top = top + row * len(groups) + 12
    per_line, column = 4, (WIDTH - 16) // 4
    legend = [
        LegendItem(
            label=label,
            colour=colour,
            x=8 + (index % per_line) * column,
            y=legend_top + (index // per_line) * 22,
        )
        for index, (_key, label, colour) in enumerate(kinds)
    ]
    return StackChart(
        width=WIDTH,
        height=legend[-1].y + 24,
        left=left,
        right=right,
        bar_height=bar_height,
        rows=rows,
        legend=legend,
    )


# --- Trend: the mean level per period --------------------------------------------------------


@dataclass(frozen=True)
class Dot:
    label: str
    status_label: str
    is_approved: bool
    mean: Decimal | None
    x: int
    y: int


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    baseline: int
    target_level: int
    target_y: int
    ticks: list[Tick]
    dots: list[Dot]
    path: str


def trend_chart(*, points: Sequence[TrendPoint], target_level: int) -> LineChart | None:
    """A line through the mean level of each period; a draft's point is drawn hollow."""
    if not points:
        return None
    left, right, top, bottom = 48, WIDTH - 24, 24, 200
    unit = (bottom - top) / MAX_LEVEL
    span = (right - left) / len(points)
    dots = [
        Dot(
            label=point.label,
            status_label=point.status_label,
            is_approved=point.is_approved,
            mean=point.mean,
            x=round(left + span * (index + 0.5)),
            y=round(bottom - unit * float(point.mean)) if point.mean is not None else bottom,
        )
        for index, point in enumerate(points)
    ]
    drawn = [dot for dot in dots if dot.mean is not None]
    path = " ".join(
        f"{'M' if index == 0 else 'L'} {dot.x} {dot.y}" for index, dot in enumerate(drawn)
    )
    return LineChart(
        width=WIDTH,
        height=bottom + 48,
        left=left,
        right=right,
        top=top,
        baseline=bottom,
        target_level=target_level,
        target_y=round(bottom - unit * target_level),
        ticks=[Tick(round(bottom - unit * level), level) for level in range(MAX_LEVEL + 1)],
        dots=dots,
        path=path,
    )
