"""Reads for the monitoring pages: rounds, a board's submissions and consents, round figures.

The sector dashboard, the benchmark, the support list, regions and the Inspectorate's signals
have read-side modules of their own (dashboard, support, regions, inspectorate).
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from kompas.assessments.models import AssessmentStatus, SelfAssessment
from kompas.boards.models import Board
from kompas.frameworks.models import Domain, FrameworkVersion, Norm
from kompas.frameworks.normenkader import NORMENKADER_SLUG
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
    """The board's submissions, newest first, with round, evaluation and consents (two queries)."""
    return list(
        Submission.objects.filter(board=board)
        .select_related("round", "assessment")
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


def approved_assessments(*, board_id: int, version_ids: set[int]) -> dict[int, SelfAssessment]:
    """Per framework version, the board's latest approved self-evaluation."""
    latest: dict[int, SelfAssessment] = {}
    for assessment in SelfAssessment.objects.filter(
        board_id=board_id, status=AssessmentStatus.APPROVED, framework_version_id__in=version_ids
    ).order_by("-period", "-version"):
        latest.setdefault(assessment.framework_version_id, assessment)
    return latest


def approved_assessment(*, board_id: int, version_id: int) -> SelfAssessment | None:
    """The board's latest approved self-evaluation of one framework version, if any."""
    return approved_assessments(board_id=board_id, version_ids={version_id}).get(version_id)


def board_consent(*, board: Board, consent_id: int) -> Consent | None:
    """A consent given in one of the board's submissions; None for another board's."""
    return Consent.objects.filter(submission__board=board, pk=consent_id).first()


# Sector side -------------------------------------------------------------------------------


def programme_version() -> FrameworkVersion | None:
    """The latest imported version of the framework the programme monitors, if any."""
    return (
        FrameworkVersion.objects.filter(framework__slug=NORMENKADER_SLUG)
        .select_related("framework")
        .order_by("-imported_at")
        .first()
    )


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
    """How many boards submitted to the round."""
    return round_.submissions.count()


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
