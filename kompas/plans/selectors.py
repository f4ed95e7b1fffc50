"""Reads of the improvement plan: the plan check, gaps with their priority, the measures.

The plan check (docs/plan.md) is computed here only, so the plan page, the approval, the
dashboard and the exports agree on which gaps are open.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet, Sum

from kompas.assessments.models import NormScore, SelfAssessment
from kompas.assessments.selectors import scores_of
from kompas.boards.access import BoardAccess
from kompas.boards.models import Board
from kompas.frameworks.models import ExampleMeasure
from kompas.plans.models import (
    Measure,
    MeasureNorm,
    MeasureStatus,
    Plan,
    PlanVersion,
    RiskAcceptance,
    ThreatNorm,
)


def plan_of(*, board: Board) -> Plan:
    """The board's plan; an unsaved one with the default deadline until something is saved."""
    return Plan.objects.filter(board=board).first() or Plan(board=board)


def current_assessment(*, board: Board) -> SelfAssessment | None:
    """The evaluation the plan is checked against: the latest period, its latest version."""
    return (
        SelfAssessment.objects.filter(board=board)
        .select_related("framework_version")
        .order_by("-period", "-version")
        .first()
    )


def measures_of(*, access: BoardAccess) -> QuerySet[Measure]:
    return (
        Measure.objects.filter(board=access.board)
        .select_related("owner")
        .prefetch_related("links__norm")
    )


def threat_weights() -> dict[str, int]:
    """Per norm code, the summed weight of the active threats it helps against."""
    return dict(
        ThreatNorm.objects.filter(threat__is_active=True)
        .values("norm_code")
        .annotate(total=Sum("weight"))
        .values_list("norm_code", "total")
    )


def priority_score(*, gap: int, threat_weight: int) -> int:
    """Gap size times threat relevance: a large gap on a norm against current threats first."""
    return gap * (1 + threat_weight)


@dataclass
class Gap:
    """An applicable norm below its target, and what covers it (if anything)."""

    score: NormScore
    size: int
    threat_weight: int
    priority: int
    measures: list[Measure] = field(default_factory=list)
    acceptance: RiskAcceptance | None = None
    suggestions: list[ExampleMeasure] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.score.norm.code

    @property
    def covered(self) -> bool:
        return bool(self.measures)

    @property
    def accepted(self) -> bool:
        return not self.measures and self.acceptance is not None

    @property
    def open(self) -> bool:
        return not self.measures and self.acceptance is None


@dataclass
class PlanCheck:
    assessment: SelfAssessment | None
    deadline: datetime.date
    gaps: list[Gap]

    @property
    def covered(self) -> list[Gap]:
        return [gap for gap in self.gaps if gap.covered]

    @property
    def accepted(self) -> list[Gap]:
        return [gap for gap in self.gaps if gap.accepted]

    @property
    def open(self) -> list[Gap]:
        return [gap for gap in self.gaps if gap.open]

    @property
    def complete(self) -> bool:
        """A plan for every norm: there is an evaluation and no gap is left open."""
        return self.assessment is not None and not self.open


def plan_check(*, board: Board) -> PlanCheck:
    """Every applicable norm below target, with the measures or the risk acceptance covering it.

    A measure covers a gap when it is not dropped, is due on or before the plan's deadline and
    brings the norm to at least its target level. Seven queries, whatever the number of norms
    or measures.
    """
    plan = plan_of(board=board)
    assessment = current_assessment(board=board)
    if assessment is None:
        return PlanCheck(assessment=None, deadline=plan.deadline, gaps=[])
    weights = threat_weights()
    covering: dict[int, list[Measure]] = defaultdict(list)
    links = (
        MeasureNorm.objects.filter(measure__board=board, measure__due_date__lte=plan.deadline)
        .exclude(measure__status=MeasureStatus.DROPPED)
        .select_related("measure__owner")
    )
    levels: dict[tuple[int, int], int] = {}
    for link in links:
        covering[link.norm_id].append(link.measure)
        levels[link.measure_id, link.norm_id] = link.target_level
    acceptances = {
        acceptance.norm_id: acceptance
        for acceptance in RiskAcceptance.objects.filter(board=board, withdrawn_at__isnull=True)
    }
    gaps = []
    for score in scores_of(assessment=assessment):
        if score.not_applicable and score.is_assessed:
            continue
        current = score.level or 0
        if current >= score.target_level:
            continue
        size = score.target_level - current
        weight = weights.get(score.norm.code, 0)
        measures = [
            measure
            for measure in covering.get(score.norm_id, [])
            if levels[measure.pk, score.norm_id] >= score.target_level
        ]
        gaps.append(
            Gap(
                score=score,
                size=size,
                threat_weight=weight,
                priority=priority_score(gap=size, threat_weight=weight),
                measures=measures,
                acceptance=acceptances.get(score.norm_id),
            )
        )
    gaps.sort(key=lambda gap: (-gap.priority, gap.score.norm.position))
    return PlanCheck(assessment=assessment, deadline=plan.deadline, gaps=gaps)


def suggested_due_date(
    *, phase: int | None, phases: int, deadline: datetime.date, today: datetime.date
) -> datetime.date:
    """Spread the growth path over the time left: phase n of N is due n/N of the way.

    Rounded up to the end of a month; without a phase, the deadline.
    """
    if phase is None or phases < 1 or today >= deadline:
        return deadline
    point = today + (deadline - today) * min(phase, phases) / phases
    following = datetime.date(point.year + point.month // 12, point.month % 12 + 1, 1)
    return min(deadline, following - datetime.timedelta(days=1))


def attach_suggestions(*, check: PlanCheck) -> None:
    """Give every open gap its norm's example measures, in one query."""
    found: dict[int, list[ExampleMeasure]] = defaultdict(list)
    for example in ExampleMeasure.objects.filter(
        norm_id__in=[gap.score.norm_id for gap in check.open]
    ).select_related("norm__growth_phase"):
        found[example.norm_id].append(example)
    for gap in check.open:
        gap.suggestions = found[gap.score.norm_id]


def versions_of(*, access: BoardAccess) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(board=access.board).select_related("approved_by")


@dataclass(frozen=True)
class VersionComparison:
    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    changed: list[tuple[dict[str, Any], dict[str, Any], list[str]]]
    gaps_closed: list[str]
    gaps_new: list[str]
    risks_added: list[str]
    risks_removed: list[str]


def compare_versions(*, earlier: PlanVersion, later: PlanVersion) -> VersionComparison:
    """What changed between two approved versions: measures, gaps and accepted risks."""
    before = {measure["id"]: measure for measure in earlier.snapshot["measures"]}
    after = {measure["id"]: measure for measure in later.snapshot["measures"]}
    changed = []
    for key in sorted(set(before) & set(after)):
        fields = [name for name in after[key] if before[key].get(name) != after[key][name]]
        if fields:
            changed.append((before[key], after[key], fields))
    gaps_before = {gap["norm"] for gap in earlier.snapshot["gaps"]}
    gaps_after = {gap["norm"] for gap in later.snapshot["gaps"]}
    risks_before = {risk["norm"] for risk in earlier.snapshot["accepted_risks"]}
    risks_after = {risk["norm"] for risk in later.snapshot["accepted_risks"]}
    return VersionComparison(
        added=[after[key] for key in after if key not in before],
        removed=[before[key] for key in before if key not in after],
        changed=changed,
        gaps_closed=sorted(gaps_before - gaps_after),
        gaps_new=sorted(gaps_after - gaps_before),
        risks_added=sorted(risks_after - risks_before),
        risks_removed=sorted(risks_before - risks_after),
    )
