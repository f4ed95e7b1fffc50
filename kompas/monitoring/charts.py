"""Coordinates for the sector's spread chart: per domain the middle half of the boards.

Drawn like the board dashboard's charts (kompas.reports.charts, docs/decisions/0004), on the
same level scale (kompas.core.charts): Python computes whole SVG units, the template draws, the
numbers are also in the text and a table.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from kompas.core.charts import WIDTH, LevelScale, Tick


@dataclass(frozen=True)
class SpreadInput:
    code: str
    name: str
    lower: Decimal | None
    median: Decimal | None
    upper: Decimal | None
    own: Decimal | None = None


@dataclass(frozen=True)
class SpreadRow:
    code: str
    name: str
    lower: Decimal | None
    median: Decimal | None
    upper: Decimal | None
    own: Decimal | None
    y: int
    text_y: int
    box_x: int
    box_width: int
    median_x: int
    own_x: int


@dataclass(frozen=True)
class SpreadChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    axis_y: int
    box_height: int
    target_level: int
    target_x: int
    ticks: list[Tick]
    rows: list[SpreadRow]
    has_own: bool


def spread_chart(*, rows: Sequence[SpreadInput], target_level: int) -> SpreadChart | None:
    """A box from the lower to the upper quartile per domain, the median across it, and a
    board's own level as a marker when it is given. Suppressed domains get an empty row."""
    if not rows:
        return None
    top, row_height, box_height = 30, 22, 14
    scale = LevelScale(left=270, right=WIDTH - 24)
    x = scale.x
    drawn = []
    for index, found in enumerate(rows):
        y = top + index * row_height + (row_height - box_height) // 2
        drawn.append(
            SpreadRow(
                code=found.code,
                name=found.name,
                lower=found.lower,
                median=found.median,
                upper=found.upper,
                own=found.own,
                y=y,
                text_y=y + box_height - 3,
                box_x=x(found.lower),
                box_width=max(2, x(found.upper) - x(found.lower)) if found.lower else 0,
                median_x=x(found.median),
                own_x=x(found.own),
            )
        )
    axis_y = top + row_height * len(rows)
    return SpreadChart(
        width=WIDTH,
        height=axis_y + 28,
        left=scale.left,
        right=scale.right,
        top=top,
        axis_y=axis_y,
        box_height=box_height,
        target_level=target_level,
        target_x=scale.x(target_level),
        ticks=scale.ticks(),
        rows=drawn,
        has_own=any(found.own is not None for found in rows),
    )
