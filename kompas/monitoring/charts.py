"""Coordinates for the sector's spread chart: per domain the middle half of the boards.

Drawn like the board dashboard's charts (kompas.reports.charts, docs/decisions/0004): Python
computes whole SVG units, the template draws, the numbers are also in the text and a table.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from kompas.reports.charts import MAX_LEVEL, WIDTH, Tick


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
    left, right, top, row_height, box_height = 270, WIDTH - 24, 30, 22, 14
    unit = (right - left) / MAX_LEVEL

    def x(value: Decimal | None) -> int:
        return round(left + unit * float(value)) if value is not None else 0

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
        left=left,
        right=right,
        top=top,
        axis_y=axis_y,
        box_height=box_height,
        target_level=target_level,
        target_x=round(left + unit * target_level),
        ticks=[Tick(round(left + unit * level), level) for level in range(MAX_LEVEL + 1)],
        rows=drawn,
        has_own=any(found.own is not None for found in rows),
    )
