"""What every server-rendered SVG chart shares (docs/decisions/0004): the width and the scale of
maturity levels.

The board dashboard's charts (kompas.reports.charts) and the sector's spread chart
(kompas.monitoring.charts) both draw levels 0-5 along a horizontal axis; the axis is computed
here once. Coordinates are whole SVG user units.
"""

from dataclasses import dataclass
from decimal import Decimal

WIDTH = 640
MAX_LEVEL = 5


@dataclass(frozen=True)
class Tick:
    position: int
    label: int


@dataclass(frozen=True)
class LevelScale:
    """Levels 0 to MAX_LEVEL laid out from `left` to `right`."""

    left: int
    right: int

    @property
    def unit(self) -> float:
        return (self.right - self.left) / MAX_LEVEL

    def x(self, level: Decimal | int | None) -> int:
        """Where a level sits on the axis; 0 for no level (nothing is drawn)."""
        return round(self.left + self.unit * float(level)) if level is not None else 0

    def length(self, level: Decimal | int | None) -> int:
        """How long a bar from the axis' start to the level is; 0 for no level."""
        return self.x(level) - self.left if level is not None else 0

    def ticks(self) -> list[Tick]:
        return [Tick(self.x(level), level) for level in range(MAX_LEVEL + 1)]
