"""Sector counts of personal-data breaches, as published in the rounds' releases.

Each submission counts the breaches its board became aware of in the year before it submitted
(`Submission.breaches`); a release publishes, per predefined cell, how many of the submitting
boards had one, through the same protection as every other figure (an attribute of its own in
the audit, across the round's releases). This page reads those stored figures and nothing
else: nothing is counted live, so reading it before and after a board registers a breach shows
the same numbers (docs/incidents.md, docs/disclosure-control.md).
"""

from dataclasses import dataclass, field

from kompas.monitoring.aggregates import BREACH, INCIDENT, PARTICIPATION
from kompas.monitoring.dashboard import cell_sort_key
from kompas.monitoring.disclosure import Cell
from kompas.monitoring.models import MonitoringRound, Release, RoundFigure


@dataclass(frozen=True)
class CellCount:
    """One predefined cell: boards that submitted, and those with a breach (None: suppressed)."""

    cell: Cell
    boards: int | None
    with_breach: int | None
    counted: bool = True  # False: the release made no breach figure (older releases)

    @property
    def suppressed(self) -> bool:
        return self.counted and self.with_breach is None


@dataclass(frozen=True)
class SectorCounts:
    round: MonitoringRound
    release: Release
    cells: list[CellCount] = field(default_factory=list)

    @property
    def k(self) -> int | None:
        return self.release.parameters.get("k")

    @property
    def counted(self) -> bool:
        return any(found.counted for found in self.cells)


def released_rounds() -> list[MonitoringRound]:
    """Rounds with a published release, newest first (one query)."""
    return list(
        MonitoringRound.objects.filter(published_release__isnull=False)
        .select_related("published_release")
        .order_by("-opened_at", "-pk")
    )


def sector_incident_counts(*, round_: MonitoringRound) -> SectorCounts:
    """Per cell of the round's latest release, boards that submitted and those with a breach.

    One query: the release's participation and breach figures. How many boards submitted per
    cell is public (the turnout); whether they had a breach is shown where the release shows it.
    """
    release = round_.published_release
    if release is None:
        raise ValueError("The round has no published release.")
    found: dict[Cell, dict[str, RoundFigure]] = {}
    for figure in RoundFigure.objects.filter(
        release=release, subject__in=(PARTICIPATION, INCIDENT)
    ):
        found.setdefault(Cell(figure.cut, figure.value), {})[figure.subject] = figure
    cells = []
    for cell in sorted(found, key=cell_sort_key):
        turnout, breach = found[cell].get(PARTICIPATION), found[cell].get(INCIDENT)
        shown = breach is not None and not breach.suppressed
        cells.append(
            CellCount(
                cell=cell,
                boards=turnout.boards if turnout else None,
                with_breach=(breach.counts or {}).get("yes", 0) if shown and breach else None,
                counted=breach is not None and breach.code == BREACH,
            )
        )
    return SectorCounts(round=round_, release=release, cells=cells)
