"""Reads of the incident register: the register, decisions still owed, the year in numbers.

Every read is a constant number of queries, however many incidents a board has. The sector's
counts (`sector_incident_counts`) pass through the disclosure control of monitoring.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from kompas.boards.models import Board, BoardSector, Province, Sector
from kompas.frameworks.models import Norm
from kompas.incidents.clock import DECISION_WINDOW, LOCAL_ZONE
from kompas.incidents.models import Incident, IncidentKind, IncidentStatus, NotifyDecision
from kompas.monitoring.disclosure import Cell, Group, protect
from kompas.monitoring.models import SizeClass
from kompas.monitoring.services import MEDIUM_UP_TO, SMALL_UP_TO, board_cells
from kompas.plans.selectors import current_assessment


def linkable_norms(*, board: Board) -> QuerySet[Norm]:
    """The norms an incident can be linked to: those of the framework the board evaluates
    against, the same ones a plan measure may work on."""
    assessment = current_assessment(board=board)
    if assessment is None:
        return Norm.objects.none()
    return Norm.objects.filter(framework_version_id=assessment.framework_version_id)


def register_of(*, board: Board) -> QuerySet[Incident]:
    """The board's incidents, newest awareness first; one query whatever their number."""
    return Incident.objects.filter(board=board).order_by("-became_aware_at", "-number")


def incident_detail(*, board: Board) -> QuerySet[Incident]:
    """For one incident's page: the people and norms it names, and the measures made from it."""
    return (
        Incident.objects.filter(board=board)
        .select_related("reported_by", "decided_by", "updated_by")
        .prefetch_related("norms", "plan_measures__measure")
    )


def pending_decisions(*, board: Board) -> QuerySet[Incident]:
    """Breaches whose AP decision is still owed, the most urgent first."""
    return Incident.objects.filter(
        board=board, kind=IncidentKind.BREACH, notify_decision=NotifyDecision.UNDECIDED
    ).order_by("became_aware_at", "number")


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """1 January 00:00 of `year` and of the next, on the Dutch wall clock."""
    return (
        datetime.datetime(year, 1, 1, tzinfo=LOCAL_ZONE),
        datetime.datetime(year + 1, 1, 1, tzinfo=LOCAL_ZONE),
    )


def in_year(year: int, prefix: str = "") -> Q:
    """Incidents the board became aware of in `year` (Europe/Amsterdam)."""
    start, end = year_bounds(year)
    return Q(**{f"{prefix}became_aware_at__gte": start, f"{prefix}became_aware_at__lt": end})


@dataclass(frozen=True)
class YearFigures:
    """A board's register for one year in numbers; `ever` counts every year."""

    year: int
    ever: int
    registered: int
    breaches: int
    notified: int
    not_notified: int
    undecided: int
    late: int  # breaches of the year still undecided past their 72 hours
    open: int


def yearly_figures(*, board: Board, year: int, now: datetime.datetime | None = None) -> YearFigures:
    """The year's counts, by the moment of awareness in the Netherlands; one query."""
    now = now or timezone.now()
    this_year = in_year(year)
    breach = this_year & Q(kind=IncidentKind.BREACH)
    undecided = breach & Q(notify_decision=NotifyDecision.UNDECIDED)
    late = undecided & Q(became_aware_at__lte=now - DECISION_WINDOW)
    counts = Incident.objects.filter(board=board).aggregate(
        ever=Count("pk"),
        registered=Count("pk", filter=this_year),
        breaches=Count("pk", filter=breach),
        notified=Count("pk", filter=breach & Q(notify_decision=NotifyDecision.NOTIFIED)),
        not_notified=Count("pk", filter=breach & Q(notify_decision=NotifyDecision.NOT_NOTIFIED)),
        undecided=Count("pk", filter=undecided),
        late=Count("pk", filter=late),
        open=Count("pk", filter=this_year & Q(status=IncidentStatus.OPEN)),
    )
    return YearFigures(year=year, **counts)


# --- Sector counts, disclosure-controlled ---------------------------------------------------

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


def _size_band() -> Case:
    """The lowest pupil count of the board's size class: the class, computed in the database."""
    return Case(
        When(pupil_count__lte=SMALL_UP_TO, then=Value(0)),
        When(pupil_count__lte=MEDIUM_UP_TO, then=Value(SMALL_UP_TO + 1)),
        default=Value(MEDIUM_UP_TO + 1),
        output_field=IntegerField(),
    )


def sector_incident_counts(*, year: int, k: int) -> SectorCounts:
    """Per predefined cell, the active boards and those with a personal-data breach in `year`.

    Counted in one query that groups boards by the attributes that decide their cells (sectors,
    size class, region) and whether they had a breach; a group per combination, never a row per
    board. Published through `protect()`: a cell's count of boards with a breach shows only when
    the cell and every atom behind it hold at least `k` boards with both answers among them.
    """
    flags = {
        f"in_{code}": Exists(BoardSector.objects.filter(board=OuterRef("pk"), sector=code))
        for code in Sector.values
    }
    breached = Exists(
        Incident.objects.filter(board=OuterRef("pk"), kind=IncidentKind.BREACH).filter(
            in_year(year)
        )
    )
    rows = (
        Board.objects.filter(is_active=True)
        .annotate(band=_size_band(), breached=breached, **flags)
        .values("band", "region", "breached", *flags)
        .annotate(boards=Count("pk"))
        .order_by()
    )
    boards: dict[frozenset[Cell], int] = defaultdict(int)
    answers: dict[frozenset[Cell], set[str]] = defaultdict(set)
    with_breach: dict[Cell, int] = defaultdict(int)
    totals: dict[Cell, int] = defaultdict(int)
    for row in rows:
        sectors = [code for code in Sector.values if row[f"in_{code}"]]
        stand_in = Board(pupil_count=row["band"], region=row["region"])
        cells = frozenset(Cell(cut, value) for cut, value in board_cells(stand_in, sectors))
        boards[cells] += row["boards"]
        answers[cells].add("yes" if row["breached"] else "no")
        for cell in cells:
            totals[cell] += row["boards"]
            if row["breached"]:
                with_breach[cell] += row["boards"]
    groups = [
        Group(cells=cells, boards=count, values={BREACH: frozenset(answers[cells])})
        for cells, count in boards.items()
    ]
    publication = protect(groups=groups, cells=set(totals), norms=[BREACH], k=k)
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
    """How a cell is named on the page."""
    if cell.cut == "all":
        return str(_("All boards"))
    if cell.cut == "sector":
        return str(_("Sector %(sector)s") % {"sector": cell.value})
    if cell.cut == "size":
        size = SizeClass(cell.value).label if cell.value in SizeClass.values else cell.value
        return str(_("Size class: %(size)s") % {"size": size})
    region = Province(cell.value).label if cell.value in Province.values else cell.value
    return str(_("Region: %(region)s") % {"region": region})
