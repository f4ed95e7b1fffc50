"""Reads for the monitoring pages: rounds, a board's submissions and consents, round figures.

The sector dashboard, the benchmark, the support list, regions and the Inspectorate's signals
have read-side modules of their own (dashboard, support, regions, inspectorate).
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from kompas.assessments.models import AssessmentStatus, SelfAssessment
from kompas.assessments.selectors import period_year, standing_among
from kompas.boards.models import Board
from kompas.frameworks.models import Domain, Mapping, Norm
from kompas.monitoring.aggregates import GOAL, SERVICE
from kompas.monitoring.dashboard import GOAL_LABELS, cell_label, cell_sort_key
from kompas.monitoring.disclosure import Cell
from kompas.monitoring.inspectorate import inspectorate_boards
from kompas.monitoring.models import (
    Consent,
    MonitoringRound,
    Release,
    ReleaseStatus,
    RoundFigure,
    RoundStatus,
    SectorService,
    ServiceUse,
    Submission,
)

# Board side --------------------------------------------------------------------------------


def board_submissions(*, board: Board) -> list[Submission]:
    """The board's submissions, newest first, with round, evaluation, the resubmission that
    replaced each (if any) and consents (two queries)."""
    return list(
        Submission.objects.filter(board=board)
        .select_related(
            "round",
            "assessment__board",
            "assessment__framework_version__framework",
            "replaced_by__assessment",
        )
        .prefetch_related(
            Prefetch(
                "consents",
                queryset=Consent.objects.select_related("granted_by", "withdrawn_by"),
            )
        )
        .order_by("-submitted_at")
    )


def service_uses(*, board: Board) -> dict[str, ServiceUse]:
    """The board's records of the sector services it uses, by service (one query)."""
    return {
        use.service: use
        for use in ServiceUse.objects.filter(board=board).select_related("updated_by")
    }


def open_rounds_for(*, board: Board) -> list[MonitoringRound]:
    """The open rounds for any of the board's sectors, with their framework (two queries)."""
    sectors = set(board.sectors.values_list("sector", flat=True))
    # A handful of open rounds at a time: their sectors are compared here rather than with a
    # JSON lookup that SQLite lacks.
    return [
        round_
        for round_ in MonitoringRound.objects.filter(status=RoundStatus.OPEN).select_related(
            "framework_version__framework"
        )
        if sectors & set(round_.sectors)
    ]


@dataclass(frozen=True)
class RoundEvaluation:
    """What a board would submit to a round, or why it has nothing that fits."""

    assessment: SelfAssessment | None
    why_not: str = ""
    # Set when the evaluation is on another version: the mapping it is translated through.
    mapping: Mapping | None = None


def round_evaluations(*, board: Board, rounds: list[MonitoringRound]) -> dict[int, RoundEvaluation]:
    """Per round, the evaluation the board would submit to it, or why it has none (two queries).

    The one that stands for the round's year on the round's framework version
    (`standing_among`, docs/scoring.md); else the one that stands on a version with a mapping
    to the round's, to be translated through it. Without either, the reason names what the
    board does have: an approved evaluation of another year or version, or one not yet approved.
    """
    evaluations = list(
        SelfAssessment.objects.filter(board=board).select_related("framework_version")
    )
    mappings: dict[tuple[int, int], Mapping] = {}
    if rounds:
        found = Mapping.objects.filter(
            target__in={round_.framework_version_id for round_ in rounds}
        ).select_related("source__framework", "target__framework")
        mappings = {(m.source_id, m.target_id): m for m in found}
    return {round_.pk: _round_evaluation(evaluations, round_, mappings) for round_ in rounds}


def round_evaluation(*, board: Board, round_: MonitoringRound) -> RoundEvaluation:
    """What the board would submit to one round, or why it has nothing (two queries)."""
    return round_evaluations(board=board, rounds=[round_])[round_.pk]


def _round_evaluation(
    evaluations: list[SelfAssessment],
    round_: MonitoringRound,
    mappings: dict[tuple[int, int], Mapping],
) -> RoundEvaluation:
    year = period_year(round_.period)
    version_id = round_.framework_version_id
    found = standing_among(evaluations, year=year, framework_version_id=version_id)
    if found is not None:
        return RoundEvaluation(found)
    translatable = [e for e in evaluations if (e.framework_version_id, version_id) in mappings]
    found = standing_among(translatable, year=year)
    if found is not None:
        return RoundEvaluation(found, mapping=mappings[found.framework_version_id, version_id])
    approved = [e for e in evaluations if e.status == AssessmentStatus.APPROVED]
    of_year = [e for e in evaluations if year is None or period_year(e.period) == year]
    pending = [e for e in of_year if e.framework_version_id == version_id]
    other_version = [e for e in of_year if e.status == AssessmentStatus.APPROVED]
    other_year = [e for e in approved if e.framework_version_id == version_id]
    if pending:
        why = _(
            "Your self-evaluation %(period)s is not approved yet; once the executive has "
            "approved it, it can be submitted here."
        ) % {"period": pending[0].period}
    elif other_version:
        why = _(
            "Your approved self-evaluation %(period)s uses %(used)s; this round asks for "
            "%(asked)s, and there is no mapping from the one to the other to translate it "
            "through."
        ) % {
            "period": other_version[0].period,
            "used": other_version[0].framework_version,
            "asked": round_.framework_version,
        }
    elif other_year:
        latest = standing_among(other_year)
        assert latest is not None
        why = _(
            "This round asks for a self-evaluation of %(year)s; your latest approved one is of "
            "%(period)s. Start one for %(year)s from it and have it approved."
        ) % {"year": round_.period, "period": latest.period}
    else:
        why = _(
            "There is no approved self-evaluation for %(year)s yet; once the executive has "
            "approved one, it can be submitted here."
        ) % {"year": round_.period}
    return RoundEvaluation(None, why)


def board_consent(*, board: Board, consent_id: int) -> Consent | None:
    """A consent given in one of the board's submissions; None for another board's."""
    return Consent.objects.filter(submission__board=board, pk=consent_id).first()


# Sector side -------------------------------------------------------------------------------


def round_list() -> QuerySet[MonitoringRound]:
    """Every round with its framework version and framework, lazily (one query when read)."""
    return MonitoringRound.objects.select_related("framework_version__framework")


def get_round(*, round_id: int) -> MonitoringRound:
    """A round by its number; 404 when there is none."""
    return get_object_or_404(MonitoringRound, pk=round_id)


def get_round_with_framework(*, round_id: int) -> MonitoringRound:
    """A round with its framework version and framework in one query; 404 when there is none."""
    return get_object_or_404(
        MonitoringRound.objects.select_related("framework_version__framework"), pk=round_id
    )


def published_release(*, round_id: int, number: int) -> Release:
    """A published release of a round, with its round and framework; 404 otherwise."""
    return get_object_or_404(
        Release.objects.select_related("round__framework_version__framework"),
        round_id=round_id,
        number=number,
        status=ReleaseStatus.PUBLISHED,
    )


def submission_count(*, round_: MonitoringRound) -> int:
    """How many boards submitted to the round (a resubmission does not count twice)."""
    return Submission.objects.filter(round=round_).current().count()


@dataclass
class DomainTable:
    """A domain's published figure with those of its norms, for one cell."""

    domain: Domain
    figure: RoundFigure | None
    norms: list[tuple[Norm, RoundFigure | None]] = field(default_factory=list)


@dataclass
class CellFigures:
    """One cell of a round (the whole round, a sector, a size, a region) and its figures."""

    cut: str
    value: str
    label: str
    boards: int | None
    domains: list[DomainTable]
    goals: list[tuple[str, RoundFigure | None]] = field(default_factory=list)
    services: list[tuple[str, RoundFigure | None]] = field(default_factory=list)


def releases_of(*, round_: MonitoringRound) -> list[Release]:
    """The round's releases, newest first, with who asked for them (one query)."""
    return list(
        Release.objects.filter(round=round_).select_related("requested_by").order_by("-number")
    )


def pending_release(*, round_id: int) -> Release | None:
    return Release.objects.filter(round=round_id, status=ReleaseStatus.PENDING).first()


def round_cells(*, release: Release | None) -> list[CellFigures]:
    """A release's goal, service, domain and norm figures per cell, in cell order (3 queries)."""
    if release is None:
        return []
    version = release.round.framework_version
    domains = list(Domain.objects.filter(framework_version=version))
    norms = list(Norm.objects.filter(framework_version=version).order_by("position"))
    figures: dict[tuple[str, str], dict[tuple[str, str], RoundFigure]] = {}
    # Parts' figures exist too; the round page shows goals, services, domains and norms.
    for figure in RoundFigure.objects.filter(
        release=release, subject__in=("norm", "domain", GOAL, SERVICE)
    ):
        figures.setdefault((figure.cut, figure.value), {})[figure.subject, figure.code] = figure
    cells = []
    for (cut, value), found in sorted(
        figures.items(), key=lambda item: cell_sort_key(Cell(*item[0]))
    ):
        tables = [
            DomainTable(
                domain=domain,
                figure=found.get(("domain", domain.code)),
                norms=[
                    (norm, found.get(("norm", norm.code)))
                    for norm in norms
                    if norm.domain_id == domain.pk
                ],
            )
            for domain in domains
        ]
        # A cell's board count is published with any of its figures that is shown.
        boards = next((f.boards for f in found.values() if f.boards is not None), None)
        goals = [(str(label), found.get((GOAL, goal))) for goal, label in GOAL_LABELS.items()]
        services = [(str(item.label), found.get((SERVICE, item.value))) for item in SectorService]
        cells.append(
            CellFigures(cut, value, cell_label(Cell(cut, value)), boards, tables, goals, services)
        )
    return cells


def inspectorate_board(*, board_id: int) -> Board | None:
    """An active board with its signals as annotations, as the Inspectorate's list has it."""
    return inspectorate_boards().filter(pk=board_id).first()
