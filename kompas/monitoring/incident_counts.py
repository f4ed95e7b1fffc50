"""Sector counts of personal-data breaches, disclosure-controlled (docs/incidents.md).

Per predefined cell of the sector (all boards, sector, size class, region), how many active
boards had a breach in a year: the incident register's facts, published by monitoring's rules.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from kompas.boards.models import Board
from kompas.incidents.models import Incident, IncidentKind
from kompas.incidents.selectors import in_year
from kompas.monitoring.dashboard import cell_label as dashboard_cell_label
from kompas.monitoring.disclosure import Attribute, Cell, Stratum, protect
from kompas.monitoring.services import boards_by_cells

BREACH = "breach"  # the one "norm" of these figures: did the board have a breach, yes or no
CUT_ORDER = {"all": 0, "sector": 1, "size": 2, "region": 3}


@dataclass(frozen=True)
class CellCount:
    """One predefined cell: how many boards, and how many had a breach; None when suppressed."""

    cell: Cell
    boards: int | None
    with_breach: int | None

    @property
    def suppressed(self) -> bool:
        return self.with_breach is None


@dataclass(frozen=True)
class SectorCounts:
    year: int
    k: int
    cells: list[CellCount] = field(default_factory=list)


def sector_incident_counts(*, year: int, k: int) -> SectorCounts:
    """Per predefined cell, the active boards and those with a personal-data breach in `year`.

    Counted in one query that groups boards by the attributes that decide their cells (sectors,
    size class, region) and whether they had a breach; a group per combination, never a row per
    board. Published through `protect()`: a cell's count of boards with a breach shows only when
    the cell holds at least `k` boards and no board's answer is left without an alternative.
    """
    breached = Exists(
        Incident.objects.filter(board=OuterRef("pk"), kind=IncidentKind.BREACH).filter(
            in_year(year)
        )
    )
    answers: dict[frozenset[Cell], dict[str, int]] = defaultdict(lambda: {"yes": 0, "no": 0})
    with_breach: dict[Cell, int] = defaultdict(int)
    totals: dict[Cell, int] = defaultdict(int)
    for found, row in boards_by_cells(Board.objects.filter(is_active=True), breached=breached):
        cells = frozenset(Cell(cut, value) for cut, value in found)
        answers[cells]["yes" if row["breached"] else "no"] += row["boards"]
        for cell in cells:
            totals[cell] += row["boards"]
            if row["breached"]:
                with_breach[cell] += row["boards"]
    strata = [
        Stratum(cells=cells, boards=sum(counts.values()), counts=counts)
        for cells, counts in sorted(answers.items(), key=lambda item: sorted(item[0]))
    ]
    publication = protect(
        strata=strata,
        cells=set(totals),
        attributes={BREACH: Attribute(("yes", "no"), strata)},
        k=k,
    )
    ordered = sorted(totals, key=lambda cell: (CUT_ORDER.get(cell.cut, 9), cell.value))
    return SectorCounts(
        year=year,
        k=k,
        cells=[
            CellCount(
                cell=cell,
                boards=totals[cell] if publication.shows(cell) else None,
                with_breach=with_breach[cell] if publication.shows(cell, BREACH) else None,
            )
            for cell in ordered
        ],
    )


def cell_label(cell: Cell) -> str:
    """How a cell is named on the page: as on the sector dashboard, but these count all boards."""
    return str(_("All boards")) if cell.cut == "all" else str(dashboard_cell_label(cell))
