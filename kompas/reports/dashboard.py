"""The board dashboard: where the board stands, how it got there and how the plan is going.

Every figure comes from the selectors of the apps that own it (`summary()` for the levels,
`plan_check()` and `projection()` for the plan), so the dashboard, the supervisory-board report
and the pages behind them agree. With `approved_only` (the supervisor's view, and always in the
report) only approved self-evaluations and approved plan versions are read: BRIEF 3 lets the
supervisory board see dashboards and approved reports, never a draft.

Other apps add panels (the incident register will) through `register_panel`; see
docs/architecture.md, "Dashboard panels".
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _

from kompas.assessments.models import AssessmentStatus, NormScore, SelfAssessment
from kompas.assessments.selectors import (
    GroupFigures,
    Summary,
    scores_of,
    standing_evaluation,
    summary,
)
from kompas.boards.access import BoardAccess
from kompas.boards.models import Board
from kompas.frameworks.models import MaturityLevel
from kompas.plans.models import (
    OPEN_STATUSES,
    Measure,
    MeasureStatus,
    PlanVersion,
    RiskAcceptance,
)
from kompas.plans.roadmap import Projection, projection
from kompas.plans.selectors import current_assessment

LEVELS = (1, 2, 3, 4, 5)


def _round(value: Decimal) -> Decimal:
    """Rounded half up to one decimal, like every mean in docs/scoring.md."""
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def shown_assessment(*, board: Board, approved_only: bool) -> SelfAssessment | None:
    """The evaluation the dashboard shows: the one that stands (the latest approved).

    Without an approved one, a reader of all content sees the current draft, labelled as such.
    """
    standing = standing_evaluation(board=board)
    if standing is not None or approved_only:
        return standing
    return current_assessment(board=board)


# --- Distribution of levels ------------------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    """How many norms of a group are at each level, not yet assessed or not applicable."""

    code: str
    name: str
    levels: tuple[int, ...]
    not_assessed: int
    not_applicable: int

    @property
    def total(self) -> int:
        return sum(self.levels) + self.not_assessed + self.not_applicable

    @property
    def by_level(self) -> list[tuple[int, int]]:
        return list(zip(LEVELS, self.levels, strict=True))


def distribution(*, scores: list[NormScore]) -> list[Distribution]:
    """All norms first, then each part, in framework order; the categories of `summary()`.

    A norm is not applicable only with a reason (then it counts as assessed); an applicable norm
    without a level is not assessed.
    """
    groups: dict[str, tuple[str, list[int]]] = {"": (_("All norms"), [0] * 7)}
    for score in scores:
        part = score.norm.domain.part
        counts = [groups[""][1], groups.setdefault(part.code, (part.name, [0] * 7))[1]]
        if score.not_applicable and score.is_assessed:
            index = 6
        elif score.level is None:
            index = 5
        else:
            index = score.level - 1
        for row in counts:
            row[index] += 1
    return [
        Distribution(
            code=code,
            name=name,
            levels=tuple(counts[:5]),
            not_assessed=counts[5],
            not_applicable=counts[6],
        )
        for code, (name, counts) in groups.items()
    ]


# --- Trend over periods ----------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    """One evaluation's mean level and norms at or above target, as `summary()` defines them."""

    assessment_id: int
    period: str
    version: int
    status: str
    mean: Decimal | None
    applicable: int
    at_or_above_target: int

    @property
    def is_approved(self) -> bool:
        return self.status == AssessmentStatus.APPROVED

    @property
    def status_label(self) -> str:
        return str(AssessmentStatus(self.status).label)

    @property
    def label(self) -> str:
        return f"{self.period} (v{self.version})" if self.version > 1 else self.period

    @property
    def at_or_above_target_percent(self) -> int:
        if not self.applicable:
            return 0
        return round(100 * self.at_or_above_target / self.applicable)


def trend(*, board: Board, current: SelfAssessment | None, approved_only: bool) -> list[TrendPoint]:
    """Each period's latest approved evaluation, and the current one if it is not approved.

    Two queries however many periods and norms: the figures are aggregated in the database.
    """
    chosen: dict[str, tuple[int, str, int, str]] = {}
    for row in (
        SelfAssessment.objects.filter(board=board, status=AssessmentStatus.APPROVED)
        .order_by("period", "-version")
        .values_list("pk", "period", "version", "status")
    ):
        chosen.setdefault(row[1], row)
    rows = sorted(chosen.values(), key=lambda row: row[1])
    if not approved_only and current is not None and current.status != AssessmentStatus.APPROVED:
        rows.append((current.pk, current.period, current.version, current.status))
    # Not applicable only with a reason (docs/scoring.md); a blank reason leaves it applicable.
    excluded = Q(not_applicable=True) & ~Q(not_applicable_reason__regex=r"^\s*$")
    figures: dict[int, dict[str, Any]] = {
        found["assessment_id"]: dict(found)
        for found in NormScore.objects.filter(assessment_id__in=[row[0] for row in rows])
        .values("assessment_id")
        .annotate(
            applicable=Count("pk", filter=~excluded),
            assessed=Count("level", filter=~excluded),
            level_sum=Sum("level", filter=~excluded),
            at_target=Count("pk", filter=~excluded & Q(level__gte=F("target_level"))),
        )
    }
    points = []
    for pk, period, version, status in rows:
        found = figures.get(pk, {})
        assessed = found.get("assessed", 0)
        mean = _round(Decimal(found["level_sum"]) / assessed) if assessed else None
        points.append(
            TrendPoint(
                assessment_id=pk,
                period=period,
                version=version,
                status=status,
                mean=mean,
                applicable=found.get("applicable", 0),
                at_or_above_target=found.get("at_target", 0),
            )
        )
    return points


# --- Plan progress ---------------------------------------------------------------------------


@dataclass
class PlanProgress:
    """Measures by state, accepted risks and open gaps; from the living plan or an approved version.

    `version` is set when the figures come from an approved plan version (measure states as
    they were approved, due dates against today); `projection` only for the living plan.
    """

    measures: int
    done: int
    on_track: int
    overdue: int
    accepted_risks: int
    open_gaps: int
    version: PlanVersion | None = None
    projection: Projection | None = None


def living_plan_progress(*, board: Board, today: datetime.date) -> PlanProgress:
    """The plan as it stands, with the projection for the deadline (its open gaps included)."""
    is_open = Q(status__in=OPEN_STATUSES)
    counts = (
        Measure.objects.filter(board=board)
        .exclude(status=MeasureStatus.DROPPED)
        .aggregate(
            measures=Count("pk"),
            done=Count("pk", filter=Q(status=MeasureStatus.DONE)),
            on_track=Count("pk", filter=is_open & Q(due_date__gte=today)),
            overdue=Count("pk", filter=is_open & Q(due_date__lt=today)),
        )
    )
    # projection() runs the plan check itself; running it again here would double the cost.
    result = projection(board=board, today=today)
    return PlanProgress(
        **counts,
        accepted_risks=RiskAcceptance.objects.filter(
            board=board, withdrawn_at__isnull=True, accepted_at__isnull=False
        ).count(),
        open_gaps=result.open_gaps,
        projection=result,
    )


def latest_plan_version(*, board: Board) -> PlanVersion | None:
    return (
        PlanVersion.objects.filter(board=board)
        .select_related("approved_by", "assessment")
        .order_by("-number")
        .first()
    )


def approved_plan_progress(*, version: PlanVersion, today: datetime.date) -> PlanProgress:
    """The figures of an approved plan version's snapshot (no query)."""
    snapshot = version.snapshot
    measures = [m for m in snapshot["measures"] if m["status"] != MeasureStatus.DROPPED]
    is_open = [m for m in measures if m["status"] in OPEN_STATUSES]
    accepted = {risk["norm"] for risk in snapshot["accepted_risks"]}
    gaps = snapshot["gaps"]
    return PlanProgress(
        measures=len(measures),
        done=sum(1 for m in measures if m["status"] == MeasureStatus.DONE),
        on_track=sum(1 for m in is_open if datetime.date.fromisoformat(m["due_date"]) >= today),
        overdue=sum(1 for m in is_open if datetime.date.fromisoformat(m["due_date"]) < today),
        accepted_risks=len(accepted),
        open_gaps=sum(1 for gap in gaps if not gap["covered_by"] and gap["norm"] not in accepted),
        version=version,
    )


# --- The dashboard ---------------------------------------------------------------------------


@dataclass
class Dashboard:
    board: Board
    approved_only: bool
    assessment: SelfAssessment | None
    summary: Summary | None = None
    target_level: int = 3
    level_names: dict[int, str] = field(default_factory=dict)
    distribution: list[Distribution] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    plan: PlanProgress | None = None
    # A newer evaluation in progress than the one shown, for readers of all content.
    in_progress: SelfAssessment | None = None

    @property
    def domains(self) -> list[GroupFigures]:
        return self.summary.domains if self.summary else []

    @property
    def parts(self) -> list[GroupFigures]:
        return self.summary.parts if self.summary else []

    @property
    def level_headers(self) -> list[tuple[int, str]]:
        return [(level, self.level_names.get(level, "")) for level in LEVELS]


def board_dashboard(*, board: Board, approved_only: bool, today: datetime.date) -> Dashboard:
    """Everything the dashboard shows; a constant number of queries (about twenty).

    `approved_only` reads approved evaluations and approved plan versions only.
    """
    assessment = shown_assessment(board=board, approved_only=approved_only)
    result = Dashboard(board=board, approved_only=approved_only, assessment=assessment)
    if not approved_only and assessment is not None:
        current = current_assessment(board=board)
        if (
            current is not None
            and current.pk != assessment.pk
            and current.status != AssessmentStatus.APPROVED
        ):
            result.in_progress = current
    if assessment is not None:
        scores = scores_of(assessment=assessment)
        result.summary = summary(scores=scores)
        result.target_level = assessment.framework_version.target_level
        result.level_names = dict(
            MaturityLevel.objects.filter(
                framework_version_id=assessment.framework_version_id
            ).values_list("level", "name")
        )
        result.distribution = distribution(scores=scores)
    # The trend ends with the evaluation in progress, if any: labelled a draft, not the figures.
    result.trend = trend(
        board=board, current=result.in_progress or assessment, approved_only=approved_only
    )
    if approved_only:
        version = latest_plan_version(board=board)
        result.plan = (
            approved_plan_progress(version=version, today=today) if version is not None else None
        )
    elif assessment is not None:
        result.plan = living_plan_progress(board=board, today=today)
    return result


# --- Panels other apps contribute ------------------------------------------------------------


@dataclass(frozen=True)
class PanelSpec:
    """A panel another app adds to the dashboard: how to build its data, how to render it.

    `build(access=, approved_only=, today=)` returns the panel's data, or None to show nothing;
    it must honour `approved_only` and keep a constant number of queries.
    """

    key: str
    template: str
    build: Callable[..., object | None]
    position: int = 100


@dataclass(frozen=True)
class FactsPanel:
    """Ready-made panel data for `reports/dashboard_panel.html`: a heading and a list of facts."""

    title: str
    facts: list[tuple[str, str]]
    link_url: str = ""
    link_text: str = ""


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    data: object


_PANELS: dict[str, PanelSpec] = {}


def register_panel(spec: PanelSpec) -> None:
    """Add (or replace) a panel; call it from the contributing app's `AppConfig.ready()`."""
    _PANELS[spec.key] = spec


def unregister_panel(key: str) -> None:
    _PANELS.pop(key, None)


def panels(*, access: BoardAccess, approved_only: bool, today: datetime.date) -> list[Panel]:
    """The registered panels that have something to show, in their order."""
    shown = []
    for spec in sorted(_PANELS.values(), key=lambda spec: (spec.position, spec.key)):
        data = spec.build(access=access, approved_only=approved_only, today=today)
        if data is not None:
            shown.append(Panel(key=spec.key, template=spec.template, data=data))
    return shown
