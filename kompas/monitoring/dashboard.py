"""The sector dashboard and a board's benchmark: read from stored RoundFigure rows only.

Disclosure control was applied when the figures were stored (kompas.monitoring.aggregates), so
nothing here counts boards or reads scores; a page is a handful of queries whatever the number
of boards, norms or rounds.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kompas.boards.models import Province
from kompas.frameworks.models import (
    Domain,
    FrameworkVersion,
    Mapping,
    MappingPair,
    Norm,
    Part,
    Relationship,
)
from kompas.monitoring.aggregates import GOAL, PARTICIPATION, QUADRANT, SERVICE
from kompas.monitoring.disclosure import ROUND, Cell
from kompas.monitoring.models import (
    MonitoringRound,
    RoundFigure,
    SectorService,
    SizeClass,
    Submission,
)
from kompas.monitoring.snapshots import Quadrant

CUT_ORDER = {"all": 0, "sector": 1, "size": 2, "region": 3}
# The programme's goals as the sector pages name them (kompas.monitoring.aggregates.GOALS).
GOAL_LABELS = {
    "plan": gettext_lazy("Approved plan"),
    "covered": gettext_lazy("Plan covers every norm (2027)"),
    "meets": gettext_lazy("Meets the normenkader (2030)"),
    "on_track": gettext_lazy("On track for 2030"),
}
WEAKEST_NORMS = 10


class UnknownCell(ValueError):
    """The asked-for group is not one of the round's predefined cells."""


def cell_key(cell: Cell) -> str:
    return cell.cut if cell == ROUND else f"{cell.cut}:{cell.value}"


def parse_cell(key: str) -> Cell:
    cut, _sep, value = key.partition(":")
    return Cell(cut, value)


def cell_label(cell: Cell) -> str:
    if cell.cut == "all":
        return _("Whole round")
    if cell.cut == "sector":
        return _("Sector %(sector)s") % {"sector": cell.value}
    if cell.cut == "size":
        label = SizeClass(cell.value).label if cell.value in SizeClass.values else cell.value
        return _("Size class: %(size)s") % {"size": label}
    label = Province(cell.value).label if cell.value in Province.values else cell.value
    return _("Region: %(region)s") % {"region": label}


def cell_sort_key(cell: Cell) -> tuple[int, str]:
    return CUT_ORDER.get(cell.cut, 9), cell.value


@dataclass(frozen=True)
class CellChoice:
    key: str
    label: str
    cut: str


@dataclass(frozen=True)
class TrendCell:
    """A row's figure in one round; `compared` is False when that round's version holds the
    row's subject differently (no mapping, or norms the mapping does not pair as equal)."""

    figure: RoundFigure | None
    compared: bool = True


@dataclass
class Row:
    """A domain or part: its figure in the chosen round, and its figure in every round."""

    code: str
    name: str
    figure: RoundFigure | None
    trend: list[RoundFigure | None] = field(default_factory=list)
    compared: list[bool] = field(default_factory=list)

    @property
    def cells(self) -> list[TrendCell]:
        return [
            TrendCell(figure, compared)
            for figure, compared in zip(self.trend, self.compared, strict=True)
        ]


@dataclass(frozen=True)
class OtherVersion:
    """An earlier round on another framework version than the chosen round's.

    Its domains and parts are compared only where `mapping` pairs every norm as equal, one to
    one, within a domain of the same code (docs/monitoring.md, "Sector dashboard").
    """

    round: MonitoringRound
    mapping: Mapping | None
    domains: frozenset[str]
    parts: frozenset[str]


@dataclass(frozen=True)
class QuadrantCount:
    quadrant: str
    label: str
    count: int
    percent: int


@dataclass(frozen=True)
class QuadrantFigures:
    round: MonitoringRound
    suppressed: bool
    counts: list[QuadrantCount]
    unplaced: int  # boards with a side not assessed at all
    # False for a round on another version whose domains are not all compared: the policy and
    # practice means are then of other norms.
    compared: bool = True

    @property
    def by_quadrant(self) -> dict[str, QuadrantCount]:
        return {found.quadrant: found for found in self.counts}


@dataclass
class SectorDashboard:
    rounds: list[MonitoringRound]
    other_versions: list[OtherVersion]
    round: MonitoringRound
    cell: Cell
    label: str
    choices: list[CellChoice]
    boards: int | None
    parts: list[Row]
    domains: list[Row]
    goals: list[Row]
    services: list[Row]
    quadrants: list[QuadrantFigures]
    weakest: list[tuple[Norm, RoundFigure]]
    norms_suppressed: int

    @property
    def current_quadrants(self) -> QuadrantFigures | None:
        return self.quadrants[-1] if self.quadrants else None


def aggregated_rounds() -> list[MonitoringRound]:
    """Rounds with a published release, oldest first: the trend's order.

    An open round shows its latest interim release, never live figures.
    """
    return list(
        MonitoringRound.objects.filter(published_release__isnull=False)
        .select_related("framework_version", "published_release")
        .order_by("opened_at", "pk")
    )


def _quadrants(round_: MonitoringRound, figure: RoundFigure | None) -> QuadrantFigures:
    if figure is None or figure.suppressed or not figure.counts:
        return QuadrantFigures(round=round_, suppressed=True, counts=[], unplaced=0)
    placed = sum(figure.counts.get(quadrant, 0) for quadrant in Quadrant.values)
    return QuadrantFigures(
        round=round_,
        suppressed=False,
        counts=[
            QuadrantCount(
                quadrant=quadrant,
                label=str(label),
                count=figure.counts.get(quadrant, 0),
                percent=round(100 * figure.counts.get(quadrant, 0) / placed) if placed else 0,
            )
            for quadrant, label in Quadrant.choices
        ],
        unplaced=figure.counts.get("", 0),
    )


def sector_dashboard(
    *, rounds: list[MonitoringRound], round_: MonitoringRound, cell: Cell
) -> SectorDashboard:
    """The chosen round's figures of one predefined cell, with the cell's trend over rounds."""
    cells = sorted(
        (
            Cell(cut, value)
            for cut, value in RoundFigure.objects.filter(
                release=round_.published_release_id, subject=QUADRANT
            )
            .values_list("cut", "value")
            .order_by()
        ),
        key=cell_sort_key,
    )
    if cell not in cells:
        raise UnknownCell(cell)
    shown_rounds = [found for found in rounds if found.opened_at <= round_.opened_at]
    figures: dict[tuple[int, str, str], RoundFigure] = {
        (figure.round_id, figure.subject, figure.code): figure
        # Norms of the chosen round only; earlier rounds give the trend of domains and parts.
        for figure in RoundFigure.objects.filter(
            release__in=[found.published_release_id for found in shown_rounds],
            cut=cell.cut,
            value=cell.value,
        ).filter(Q(round=round_) | ~Q(subject="norm"))
    }
    version = round_.framework_version
    domains = list(Domain.objects.filter(framework_version=version).order_by("position", "code"))
    parts = list(Part.objects.filter(framework_version=version).order_by("position", "code"))
    norms = {norm.code: norm for norm in Norm.objects.filter(framework_version=version)}

    others = other_versions(shown_rounds, version)

    def row(subject: str, code: str, name: str) -> Row:
        def compared(found: MonitoringRound) -> bool:
            other = others.get(found.pk)
            if other is None or subject not in ("domain", "part"):
                return True
            return code in (other.domains if subject == "domain" else other.parts)

        return Row(
            code=code,
            name=name,
            figure=figures.get((round_.pk, subject, code)),
            trend=[figures.get((found.pk, subject, code)) for found in shown_rounds],
            compared=[compared(found) for found in shown_rounds],
        )

    norm_figures = [
        (norms[code], figure)
        for (round_id, subject, code), figure in figures.items()
        if round_id == round_.pk and subject == "norm" and code in norms
    ]
    weakest = sorted(
        (
            (norm, figure)
            for norm, figure in norm_figures
            if not figure.suppressed and figure.share_at_target is not None
        ),
        key=lambda item: (item[1].share_at_target, item[0].position, item[0].code),
    )[:WEAKEST_NORMS]
    boards = next(
        (f.boards for (rid, _s, _c), f in figures.items() if rid == round_.pk and f.boards),
        None,
    )
    return SectorDashboard(
        rounds=shown_rounds,
        other_versions=[others[found.pk] for found in shown_rounds if found.pk in others],
        round=round_,
        cell=cell,
        label=cell_label(cell),
        choices=[CellChoice(cell_key(found), cell_label(found), found.cut) for found in cells],
        boards=boards,
        parts=[row("part", part.code, part.name) for part in parts],
        domains=[row("domain", domain.code, domain.name) for domain in domains],
        goals=[
            row(PARTICIPATION, PARTICIPATION, _("Took part (share of the boards invited)")),
            *(row(GOAL, code, str(label)) for code, label in GOAL_LABELS.items()),
        ],
        services=[row(SERVICE, service.value, str(service.label)) for service in SectorService],
        quadrants=[
            replace(
                _quadrants(found, figures.get((found.pk, QUADRANT, QUADRANT))),
                compared=found.pk not in others
                or others[found.pk].domains >= {domain.code for domain in domains},
            )
            for found in shown_rounds
        ],
        weakest=weakest,
        norms_suppressed=sum(1 for _norm, figure in norm_figures if figure.suppressed),
    )


def other_versions(
    rounds: list[MonitoringRound], version: FrameworkVersion
) -> dict[int, OtherVersion]:
    """For each round on another version than `version`, what its trend can compare (three
    queries, whatever the number of rounds, versions and norms).

    A domain is compared when the mapping from the round's version pairs its norms one to one
    as equal with the norms of the chosen version's domain of the same code, and touches them
    with no other pair; a part when each of its domains is, and it has the same domains.
    """
    older = {found.framework_version_id for found in rounds} - {version.pk}
    if not older:
        return {}
    mappings = {
        mapping.source_id: mapping
        for mapping in Mapping.objects.filter(source__in=older, target=version)
    }
    shape: dict[tuple[int, str, str], int] = {}  # (version, part, domain) -> norms
    for version_id, part, domain, count in (
        Norm.objects.filter(framework_version__in=older | {version.pk})
        .values_list("framework_version", "domain__part__code", "domain__code")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        shape[version_id, part, domain] = count
    equal: dict[tuple[int, str], int] = defaultdict(int)  # (mapping, domain) -> equal pairs
    touching: dict[tuple[int, str], int] = defaultdict(int)  # pairs touching the domain
    for mapping_id, kind, source, target in MappingPair.objects.filter(
        mapping__in=mappings.values()
    ).values_list(
        "mapping", "relationship", "source_norm__domain__code", "target_norm__domain__code"
    ):
        if kind == Relationship.EQUAL and source == target:
            equal[mapping_id, source] += 1
        for code in {source, target} - {None}:
            touching[mapping_id, code] += 1

    def counts(version_id: int) -> dict[str, int]:
        return {domain: n for (found, _part, domain), n in shape.items() if found == version_id}

    def parts(version_id: int) -> dict[str, set[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        for (of, part, domain), _n in shape.items():
            if of == version_id:
                found[part].add(domain)
        return found

    new_counts, new_parts = counts(version.pk), parts(version.pk)
    result = {}
    for found in rounds:
        if found.framework_version_id == version.pk:
            continue
        mapping = mappings.get(found.framework_version_id)
        domains: frozenset[str] = frozenset()
        same_parts: frozenset[str] = frozenset()
        if mapping is not None:
            old_counts = counts(found.framework_version_id)
            domains = frozenset(
                code
                for code, n in new_counts.items()
                if old_counts.get(code) == n
                and equal[mapping.pk, code] == n
                and touching[mapping.pk, code] == n
            )
            old_parts = parts(found.framework_version_id)
            same_parts = frozenset(
                part
                for part, codes in new_parts.items()
                if old_parts.get(part) == codes and codes <= domains
            )
        result[found.pk] = OtherVersion(found, mapping, domains, same_parts)
    return result


# --- A board's benchmark ---------------------------------------------------------------------


class Position:
    """Where a board's domain level falls among the boards of a group."""

    BOTTOM = gettext_lazy("in the lowest quarter")
    LOWER = gettext_lazy("below the middle")
    UPPER = gettext_lazy("above the middle")
    TOP = gettext_lazy("in the highest quarter")


def position_of(own: Decimal, *, lower: Decimal, median: Decimal, upper: Decimal) -> str:
    if own < lower:
        return str(Position.BOTTOM)
    if own > upper:
        return str(Position.TOP)
    return str(Position.LOWER if own < median else Position.UPPER)


@dataclass(frozen=True)
class BenchmarkRow:
    code: str
    name: str
    own: Decimal | None
    figure: RoundFigure | None

    @property
    def comparable(self) -> bool:
        """The group is large and varied enough to show quartiles (and the board has a level)."""
        return bool(self.position)

    @property
    def position(self) -> str:
        figure = self.figure
        if self.own is None or figure is None or figure.suppressed:
            return ""
        lower, median, upper = figure.lower_quartile, figure.board_median, figure.upper_quartile
        if lower is None or median is None or upper is None:
            return ""
        return position_of(self.own, lower=lower, median=median, upper=upper)


@dataclass(frozen=True)
class BenchmarkGroup:
    cell: Cell
    label: str
    boards: int | None
    rows: list[BenchmarkRow]

    @property
    def comparable(self) -> bool:
        return any(row.comparable for row in self.rows)


@dataclass(frozen=True)
class Benchmark:
    submission: Submission
    groups: list[BenchmarkGroup]


def board_benchmark(*, board_id: int) -> Benchmark | None:
    """The board's latest submission to a round with figures, against each group it is in."""
    submission = (
        Submission.objects.filter(
            board_id=board_id,
            round__published_release__isnull=False,
            # A board's benchmark waits for the release that counted its submission.
            round__published_release__as_of__gte=F("submitted_at"),
        )
        # The snapshot that release counted: not one a resubmission had replaced by then.
        .exclude(replaced_by__submitted_at__lte=F("round__published_release__as_of"))
        .select_related("round__framework_version")
        .order_by("-round__opened_at", "-pk")
        .first()
    )
    if submission is None:
        return None
    own = dict(submission.domain_levels.values_list("code", "mean"))
    cells = sorted(
        (Cell(cut, value) for cut, value in submission.cells.values_list("cut", "value")),
        key=cell_sort_key,
    )
    figures = {
        (figure.cut, figure.value, figure.code): figure
        for figure in RoundFigure.objects.filter(
            release=submission.round.published_release_id, subject="domain"
        )
    }
    domains = list(
        Domain.objects.filter(framework_version=submission.round.framework_version_id).order_by(
            "position", "code"
        )
    )
    groups = []
    for cell in cells:
        rows = [
            BenchmarkRow(
                code=domain.code,
                name=domain.name,
                own=own.get(domain.code),
                figure=figures.get((cell.cut, cell.value, domain.code)),
            )
            for domain in domains
        ]
        boards = next((row.figure.boards for row in rows if row.figure and row.figure.boards), None)
        groups.append(BenchmarkGroup(cell=cell, label=cell_label(cell), boards=boards, rows=rows))
    return Benchmark(submission=submission, groups=groups)
