"""A published release as a document: the "state of the sector" PDF, a workbook and a CSV file.

All three are built from one `ReleaseReport`, which reads the release's stored figures and
nothing else: what was suppressed on screen is suppressed here, and every figure is exactly the
one the round page shows. The documents are in Dutch, whatever the language of the request,
since they feed the programme's yearly progress report (docs/monitoring.md, "Downloads").
"""

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kompas.core.spreadsheets import write_cell, write_header
from kompas.frameworks.models import Domain, Norm, Part
from kompas.monitoring.aggregates import (
    BREACH,
    GOAL,
    INCIDENT,
    PARTICIPATION,
    QUADRANT,
    SERVICE,
)
from kompas.monitoring.charts import SpreadChart, SpreadInput, spread_chart
from kompas.monitoring.dashboard import GOAL_LABELS, cell_label, cell_sort_key
from kompas.monitoring.disclosure import ROUND, Cell
from kompas.monitoring.models import (
    MonitoringRound,
    Release,
    ReleaseStatus,
    RoundFigure,
    SectorService,
)
from kompas.monitoring.snapshots import Quadrant
from kompas.reports.pdf import pdf_from_html

REPORT_LANGUAGE = "nl"
ASSETS = Path(__file__).resolve().parent / "static" / "monitoring" / "pdf"
WEAKEST_NORMS = 10
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEVELS = ("1", "2", "3", "4", "5", "na", "open")


@dataclass
class Line:
    """One row of a table: what it is about and its stored figure (None: not counted)."""

    code: str
    name: str
    figure: RoundFigure | None
    part: bool = False  # a part (security, privacy) is named without its code

    @property
    def suppressed(self) -> bool:
        return self.figure is None or self.figure.suppressed


@dataclass
class CellReport:
    cell: Cell
    label: str
    boards: int | None
    participation: RoundFigure | None
    quadrant: RoundFigure | None
    goals: list[Line]
    services: list[Line]
    breaches: Line  # boards with a personal-data breach in the year before submitting
    parts: list[Line]
    domains: list[Line]
    norms: list[Line]


@dataclass
class TrendPoint:
    round: MonitoringRound
    goals: list[Line]
    services: list[Line]


@dataclass
class ReleaseReport:
    release: Release
    round: MonitoringRound
    target_level: int
    cells: list[CellReport]
    trend: list[TrendPoint] = field(default_factory=list)
    weakest: list[Line] = field(default_factory=list)

    @property
    def whole(self) -> CellReport | None:
        return next((found for found in self.cells if found.cell == ROUND), None)

    @property
    def sectors(self) -> list[CellReport]:
        """The whole round and the sector cells: the columns of the norm table."""
        return [found for found in self.cells if found.cell.cut in ("all", "sector")]

    def cut(self, name: str) -> list[CellReport]:
        return [found for found in self.cells if found.cell.cut == name]

    @property
    def k(self) -> int | None:
        return self.release.parameters.get("k")

    @property
    def method(self) -> str:
        return str(self.release.parameters.get("method", ""))


def release_report(*, release: Release) -> ReleaseReport:
    """A published release's figures per cell, and the goals' trend over the rounds before it.

    Five queries whatever the number of boards, cells or norms.
    """
    if release.status != ReleaseStatus.PUBLISHED:
        raise ValueError("Only a published release is a document.")
    round_ = release.round
    version = round_.framework_version
    parts = list(Part.objects.filter(framework_version=version).order_by("position", "code"))
    domains = list(Domain.objects.filter(framework_version=version).order_by("position", "code"))
    norms = list(Norm.objects.filter(framework_version=version).order_by("position", "code"))
    figures: dict[Cell, dict[tuple[str, str], RoundFigure]] = {}
    for figure in RoundFigure.objects.filter(release=release):
        figures.setdefault(Cell(figure.cut, figure.value), {})[figure.subject, figure.code] = figure
    cells = [
        _cell_report(cell, found, parts=parts, domains=domains, norms=norms)
        for cell, found in sorted(figures.items(), key=lambda item: cell_sort_key(item[0]))
    ]
    report = ReleaseReport(
        release=release, round=round_, target_level=version.target_level, cells=cells
    )
    report.trend = _trend(round_, release)
    whole = report.whole
    if whole is not None:
        report.weakest = sorted(
            (
                line
                for line in whole.norms
                if not line.suppressed
                and line.figure is not None
                and line.figure.share_at_target is not None
            ),
            key=lambda line: (line.figure.share_at_target if line.figure else 0, line.code),
        )[:WEAKEST_NORMS]
    return report


def _goal_lines(found: dict[tuple[str, str], RoundFigure]) -> list[Line]:
    return [Line(code, str(label), found.get((GOAL, code))) for code, label in GOAL_LABELS.items()]


def _service_lines(found: dict[tuple[str, str], RoundFigure]) -> list[Line]:
    return [
        Line(service.value, str(service.label), found.get((SERVICE, service.value)))
        for service in SectorService
    ]


def _cell_report(
    cell: Cell,
    found: dict[tuple[str, str], RoundFigure],
    *,
    parts: list[Part],
    domains: list[Domain],
    norms: list[Norm],
) -> CellReport:
    boards = next(
        (
            figure.boards
            for (subject, _code), figure in found.items()
            if subject != PARTICIPATION and figure.boards is not None
        ),
        None,
    )
    return CellReport(
        cell=cell,
        label=cell_label(cell),
        boards=boards,
        participation=found.get((PARTICIPATION, PARTICIPATION)),
        quadrant=found.get((QUADRANT, QUADRANT)),
        goals=_goal_lines(found),
        services=_service_lines(found),
        breaches=Line(BREACH, _("With a personal-data breach"), found.get((INCIDENT, BREACH))),
        parts=[
            Line(part.code, part.name, found.get(("part", part.code)), part=True) for part in parts
        ],
        domains=[
            Line(domain.code, domain.name, found.get(("domain", domain.code))) for domain in domains
        ],
        norms=[Line(norm.code, norm.title, found.get(("norm", norm.code))) for norm in norms],
    )


def _trend(round_: MonitoringRound, release: Release) -> list[TrendPoint]:
    """The whole round's goals and services in the rounds up to this one, each as published."""
    earlier = list(
        MonitoringRound.objects.filter(
            published_release__isnull=False, opened_at__lt=round_.opened_at
        ).order_by("opened_at", "pk")
    )
    releases: dict[int, int] = {
        found.pk: found.published_release_id
        for found in earlier
        if found.published_release_id is not None
    }
    releases[round_.pk] = release.pk
    figures: dict[int, dict[tuple[str, str], RoundFigure]] = {}
    for figure in RoundFigure.objects.filter(
        release__in=releases.values(), cut=ROUND.cut, value=ROUND.value, subject__in=(GOAL, SERVICE)
    ):
        figures.setdefault(figure.release_id, {})[figure.subject, figure.code] = figure
    return [
        TrendPoint(
            round=found,
            goals=_goal_lines(figures.get(releases[found.pk], {})),
            services=_service_lines(figures.get(releases[found.pk], {})),
        )
        for found in [*earlier, round_]
    ]


# --- PDF ----------------------------------------------------------------------------------


def _domain_chart(report: ReleaseReport) -> SpreadChart | None:
    whole = report.whole
    if whole is None:
        return None
    return spread_chart(
        rows=[
            SpreadInput(
                code=line.code,
                name=line.name,
                lower=None
                if line.suppressed or line.figure is None
                else line.figure.lower_quartile,
                median=None if line.suppressed or line.figure is None else line.figure.board_median,
                upper=None
                if line.suppressed or line.figure is None
                else line.figure.upper_quartile,
            )
            for line in whole.domains
        ],
        target_level=report.target_level,
    )


def render_html(*, report: ReleaseReport) -> str:
    """The "state of the sector" report as HTML, in Dutch."""
    with translation.override(REPORT_LANGUAGE):
        return render_to_string(
            "monitoring/pdf/sector.html",
            {
                "report": report,
                "release": report.release,
                "round": report.round,
                "whole": report.whole,
                "quadrants": _quadrant_rows(report.whole.quadrant if report.whole else None),
                "domain_chart": _domain_chart(report),
                "protection": protection_text(report),
                "goal_trend": _by_row([point.goals for point in report.trend]),
                "service_trend": _by_row([point.services for point in report.trend]),
                "whole_levels": [*report.whole.parts, *report.whole.domains]
                if report.whole
                else [],
                "domain_rows": _matrix(report, lambda cell: [*cell.parts, *cell.domains]),
                "norm_rows": _matrix(report, lambda cell: cell.norms),
                "language": REPORT_LANGUAGE,
            },
        )


def _by_row(columns: list[list[Line]]) -> list[tuple[str, list[Line]]]:
    """Columns of lines (one per round) as rows: a name and its line in every column."""
    if not columns:
        return []
    return [
        (line.name, [column[index] for column in columns]) for index, line in enumerate(columns[0])
    ]


def _matrix(
    report: ReleaseReport, lines: Callable[[CellReport], list[Line]]
) -> list[tuple[Line, list[Line]]]:
    """Rows of the whole round's lines, with the same line of every sector cell beside it."""
    columns = [lines(cell) for cell in report.sectors]
    if not columns:
        return []
    return [(line, [column[index] for column in columns]) for index, line in enumerate(columns[0])]


def _quadrant_rows(figure: RoundFigure | None) -> list[tuple[str, int]] | None:
    if figure is None or figure.suppressed or not figure.counts:
        return None
    return [(str(label), figure.counts.get(value, 0)) for value, label in Quadrant.choices]


def release_pdf(*, report: ReleaseReport) -> bytes:
    """The report as a tagged PDF/UA-1 document with its fonts embedded."""
    return pdf_from_html(render_html(report=report), assets=ASSETS)


# --- Workbook and CSV ---------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """One published number of the release, in the long form the CSV file uses.

    `number` is None when the figure is suppressed, and also when a shown figure has no such
    number (a share of no applicable boards, quartiles held back): `suppressed` tells which.
    """

    cell: Cell
    group: str
    subject: str
    code: str
    name: str
    measure: str
    number: Decimal | int | None
    suppressed: bool


GROUP_MEASURES = ("mean", "median", "lower_quartile", "board_median", "upper_quartile")


def _values(report: ReleaseReport) -> Iterator[Value]:
    for found in report.cells:
        yield from _cell_values(found)


def _cell_values(found: CellReport) -> Iterator[Value]:
    """A cell's numbers: taking part, quadrant, goals, services, parts, domains, norms."""

    def value(line: Line, subject: str, measure: str, number: Decimal | int | None) -> Value:
        hidden = line.suppressed
        return Value(
            found.cell,
            found.label,
            subject,
            line.code,
            line.name,
            measure,
            None if hidden else number,
            hidden,
        )

    if found.participation is not None:
        line = Line(PARTICIPATION, _("Took part"), found.participation)
        yield value(line, PARTICIPATION, "invited", _number(found.participation, "invited"))
        yield value(line, PARTICIPATION, "boards", found.participation.boards)
        yield value(line, PARTICIPATION, "share", found.participation.share_at_target)
    if found.quadrant is not None:
        counts = found.quadrant.counts or {}
        for code, label in Quadrant.choices:
            yield value(
                Line(code, str(label), found.quadrant), QUADRANT, "boards", counts.get(code, 0)
            )
    for subject, lines in (
        (GOAL, found.goals),
        (SERVICE, found.services),
        (INCIDENT, [found.breaches]),
    ):
        for line in lines:
            if line.figure is not None:
                counts = line.figure.counts or {}
                yield value(line, subject, "boards", counts.get("yes", 0))
                yield value(line, subject, "share", line.figure.share_at_target)
    for subject, lines in (("part", found.parts), ("domain", found.domains)):
        measures = GROUP_MEASURES if subject == "domain" else GROUP_MEASURES[:2]
        for line in lines:
            for measure in measures:
                yield value(line, subject, measure, getattr(line.figure, measure, None))
    for line in found.norms:
        counts = (line.figure.counts or {}) if line.figure else {}
        share = line.figure.share_at_target if line.figure else None
        yield value(line, "norm", "share_at_target", share)
        for level in LEVELS:
            yield value(line, "norm", f"level_{level}", counts.get(level, 0))


CSV_COLUMNS = ("cut", "cell", "group", "subject", "code", "name", "measure", "value", "suppressed")


def release_csv(*, report: ReleaseReport) -> str:
    """Every published number in long form: one row per group, subject and measure.

    RFC 4180 with a comma between fields and a point in decimals, UTF-8; a suppressed figure
    has an empty value and "yes" under suppressed, a shown figure without that number an empty
    value and "no".
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    with translation.override(REPORT_LANGUAGE):
        for found in _values(report):
            writer.writerow(
                (
                    found.cell.cut,
                    found.cell.value,
                    found.group,
                    found.subject,
                    found.code,
                    found.name,
                    found.measure,
                    "" if found.number is None else str(found.number),
                    "yes" if found.suppressed else "no",
                )
            )
    return out.getvalue()


def release_xlsx(*, report: ReleaseReport) -> bytes:
    """A workbook for people: an explanation, then a sheet per kind of figure."""
    with translation.override(REPORT_LANGUAGE):
        book = Workbook()
        about = book.worksheets[0]
        about.title = _("About")
        write_header(about, [(_("Item"), 30), (_("Value"), 90)])
        for row, (item, text) in enumerate(_about(report), start=2):
            write_cell(about.cell(row=row, column=1), item)
            write_cell(about.cell(row=row, column=2), text)
        suppressed = _("suppressed")
        _sheet(
            book,
            _("Taking part and goals"),
            [(_("Group"), 34), (_("Invited"), 10), (_("Submitted"), 11), (_("Took part"), 11)]
            + [(line.name, 16) for line in _goal_lines({})]
            + [(line.name, 18) for line in _service_lines({})]
            + [(_("With a personal-data breach"), 16)],
            (
                [
                    found.label,
                    _number(found.participation, "invited"),
                    found.participation.boards if found.participation else None,
                    found.participation.share_at_target if found.participation else None,
                    *(_share(line, suppressed) for line in found.goals),
                    *(_share(line, suppressed) for line in found.services),
                    _share(found.breaches, suppressed),
                ]
                for found in report.cells
            ),
        )
        _sheet(
            book,
            _("Domains"),
            [
                (_("Group"), 34),
                (_("Domain or part"), 40),
                (_("Mean level"), 11),
                (_("Median level"), 11),
                (_("Lower quartile of boards"), 13),
                (_("Median board"), 11),
                (_("Upper quartile of boards"), 13),
            ],
            (
                [
                    found.label,
                    f"{line.code} {line.name}",
                    *(
                        suppressed
                        if line.suppressed or line.figure is None
                        else getattr(line.figure, measure)
                        for measure in (
                            "mean",
                            "median",
                            "lower_quartile",
                            "board_median",
                            "upper_quartile",
                        )
                    ),
                ]
                for found in report.cells
                for line in [*found.parts, *found.domains]
            ),
        )
        _sheet(
            book,
            _("Norms"),
            [(_("Group"), 34), (_("Norm"), 10), (_("Title"), 50), (_("At or above target (%)"), 12)]
            + [(_level_header(level), 9) for level in LEVELS],
            (
                [
                    found.label,
                    line.code,
                    line.name,
                    suppressed
                    if line.suppressed or line.figure is None
                    else line.figure.share_at_target,
                    *(
                        suppressed
                        if line.suppressed or line.figure is None
                        else (line.figure.counts or {}).get(level, 0)
                        for level in LEVELS
                    ),
                ]
                for found in report.cells
                for line in found.norms
            ),
        )
        out = io.BytesIO()
        book.properties.title = _("State of the sector: %(round)s, release %(number)d") % {
            "round": report.round.name,
            "number": report.release.number,
        }
        book.properties.creator = "IBP-Kompas"
        book.properties.language = "nl-NL"
        book.save(out)
    return out.getvalue()


def _sheet(
    book: Workbook, title: str, columns: list[tuple[str, int]], rows: Iterator[list[object]]
) -> None:
    sheet = book.create_sheet(title)
    write_header(sheet, columns)
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            write_cell(sheet.cell(row=number, column=column), value)


def _number(figure: RoundFigure | None, key: str) -> int | None:
    return None if figure is None else (figure.counts or {}).get(key)


def _share(line: Line, suppressed: str) -> object:
    if line.figure is None:
        return None
    return suppressed if line.suppressed else line.figure.share_at_target


def _level_header(level: str) -> str:
    if level == "na":
        return _("Not applicable")
    if level == "open":
        return _("Not assessed")
    return _("Level %(level)s") % {"level": level}


def _about(report: ReleaseReport) -> list[tuple[str, str]]:
    release = report.release
    computed = timezone.localtime(release.computed_at) if release.computed_at else None
    return [
        (_("Round"), report.round.name),
        (_("Period"), report.round.period),
        (_("Framework"), str(report.round.framework_version)),
        (
            _("Release"),
            (_("%(number)d (final)") if release.final else _("%(number)d (interim)"))
            % {"number": release.number},
        ),
        (_("Figures as of"), date_format(timezone.localtime(release.as_of), "DATETIME_FORMAT")),
        (_("Published on"), date_format(computed, "DATETIME_FORMAT") if computed else ""),
        (_("Submissions counted"), str(release.submissions or 0)),
        (_("Smallest group shown (k)"), str(report.k or "")),
        (_("Protection"), protection_text(report)),
        (_("Method"), report.method),
        (_("Input (SHA-256 of the submissions counted)"), release.digest),
    ]


def protection_text(report: ReleaseReport) -> str:
    return _(
        "Figures cover groups of at least %(k)s boards that did not share their results by name. "
        "A figure that could reveal a single board's level, target status, quadrant, plan status, "
        "use of a service or breaches, alone or together with the earlier releases of this round, "
        "is suppressed; the figures shown are exact, not rounded or perturbed."
    ) % {"k": report.k}
