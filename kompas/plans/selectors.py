"""Reads of the improvement plan: the plan check, gaps with their priority, the measures.

The plan check (docs/plan.md) is computed here only, so the plan page, the approval, the
dashboard and the exports agree on which gaps are open.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db.models import F, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kompas.assessments.models import AssessmentStatus, NormScore, SelfAssessment
from kompas.assessments.selectors import scores_of
from kompas.boards.access import BoardAccess
from kompas.boards.models import Board, Membership
from kompas.boards.roles import Action, BoardRole, may
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
        .prefetch_related("links__norm__framework_version")
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


class NotCounted(StrEnum):
    """Why a measure linked to a gap does not cover it (docs/plan.md, "The plan check")."""

    NO_OWNER = "no_owner"
    OWNER_CANNOT_EDIT = "owner_cannot_edit"
    DUE_AFTER_DEADLINE = "due_after_deadline"
    BELOW_TARGET = "below_target"
    DONE_STILL_BELOW = "done_still_below"

    @property
    def text(self) -> str:
        return str(NOT_COUNTED_TEXT[self])


NOT_COUNTED_TEXT = {
    NotCounted.NO_OWNER: gettext_lazy("no owner: give it one who may edit the plan"),
    NotCounted.OWNER_CANNOT_EDIT: gettext_lazy(
        "its owner is no longer an active member who may edit the plan: give it another"
    ),
    NotCounted.DUE_AFTER_DEADLINE: gettext_lazy("due after the plan's deadline"),
    NotCounted.BELOW_TARGET: gettext_lazy("it aims below the norm's target level"),
    NotCounted.DONE_STILL_BELOW: gettext_lazy(
        "measure done, norm still below target: re-assess or add a measure"
    ),
}


@dataclass
class Gap:
    """An applicable norm below its target, and what covers it (if anything).

    `measures` cover it; `not_counted` are the other measures linked to it, with why each does
    not count (a dropped measure is neither).
    """

    score: NormScore
    size: int
    threat_weight: int
    priority: int
    measures: list[Measure] = field(default_factory=list)
    acceptance: RiskAcceptance | None = None
    proposal: RiskAcceptance | None = None  # waiting for the executive; covers nothing yet
    suggestions: list[ExampleMeasure] = field(default_factory=list)
    not_counted: list[tuple[Measure, NotCounted]] = field(default_factory=list)

    @property
    def done_still_below(self) -> bool:
        """A done measure was meant to close this gap, and an approval since says it did not."""
        return any(why == NotCounted.DONE_STILL_BELOW for _measure, why in self.not_counted)

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
    def proposed(self) -> list[Gap]:
        """Open gaps whose risk the coordinator proposed to accept, waiting for the executive."""
        return [gap for gap in self.gaps if gap.open and gap.proposal is not None]

    @property
    def complete(self) -> bool:
        """A plan for every norm: there is an evaluation and no gap is left open."""
        return self.assessment is not None and not self.open


def plan_check(*, board: Board, assessment: SelfAssessment | None = None) -> PlanCheck:
    """Every applicable norm below target, with the measures or the risk acceptance covering it.

    A measure covers a gap when it has an owner who is an active member of the board and may
    edit the plan, is not dropped, is due on or before the plan's deadline and brings the norm
    to at least its target level. A measure marked done stops covering a norm once an
    evaluation approved after its completion still has that norm below target. A risk covers a
    gap once the executive accepted it; a proposal shows on the gap but covers nothing. Nine
    queries, whatever the number of norms or measures.

    Checked against the current evaluation (the newest, also a draft: the plan is made from
    it), or against `assessment` where a report or a submission needs the one that stands.
    """
    plan = plan_of(board=board)
    assessment = assessment or current_assessment(board=board)
    if assessment is None:
        return PlanCheck(assessment=None, deadline=plan.deadline, gaps=[])
    weights = threat_weights()
    today = timezone.localdate()
    editors = set(
        Membership.objects.filter(
            board=board,
            is_active=True,
            role__in=[role for role in BoardRole if may(role, Action.EDIT)],
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values_list("user_id", flat=True)
    )
    # The norms still below target in the latest approved evaluation, with when it was
    # approved (one query: nothing below target, nothing to go stale).
    latest_approved = (
        SelfAssessment.objects.filter(board=board, status=AssessmentStatus.APPROVED)
        .order_by("-approved_at", "-pk")
        .values("pk")[:1]
    )
    below_when_approved: set[int] = set()
    approved_on: datetime.date | None = None
    for norm_id, approved_at in (
        NormScore.objects.filter(assessment=Subquery(latest_approved), not_applicable=False)
        .filter(Q(level__isnull=True) | Q(level__lt=F("target_level")))
        .values_list("norm_id", "assessment__approved_at")
    ):
        below_when_approved.add(norm_id)
        approved_on = timezone.localdate(approved_at) if approved_at else None
    linked: dict[int, list[tuple[Measure, int]]] = defaultdict(list)
    for link in (
        MeasureNorm.objects.filter(measure__board=board)
        .exclude(measure__status=MeasureStatus.DROPPED)
        .select_related("measure__owner")
    ):
        linked[link.norm_id].append((link.measure, link.target_level))
    acceptances: dict[int, RiskAcceptance] = {}
    proposals: dict[int, RiskAcceptance] = {}
    for acceptance in RiskAcceptance.objects.filter(
        board=board, withdrawn_at__isnull=True
    ).select_related("proposed_by"):
        (proposals if acceptance.is_proposal else acceptances)[acceptance.norm_id] = acceptance

    def why_not(measure: Measure, target_level: int, score: NormScore) -> NotCounted | None:
        if measure.owner_id is None:
            return NotCounted.NO_OWNER
        if measure.owner_id not in editors:
            return NotCounted.OWNER_CANNOT_EDIT
        if measure.due_date > plan.deadline:
            return NotCounted.DUE_AFTER_DEADLINE
        if target_level < score.target_level:
            return NotCounted.BELOW_TARGET
        if (
            measure.status == MeasureStatus.DONE
            and approved_on is not None
            and measure.completed_at is not None
            and approved_on > measure.completed_at
            and score.norm_id in below_when_approved
        ):
            return NotCounted.DONE_STILL_BELOW
        return None

    gaps = []
    for score in scores_of(assessment=assessment):
        if score.not_applicable and score.is_assessed:
            continue
        current = score.level or 0
        if current >= score.target_level:
            continue
        size = score.target_level - current
        weight = weights.get(score.norm.code, 0)
        gap = Gap(
            score=score,
            size=size,
            threat_weight=weight,
            priority=priority_score(gap=size, threat_weight=weight),
            acceptance=acceptances.get(score.norm_id),
            proposal=proposals.get(score.norm_id),
        )
        for measure, target_level in linked.get(score.norm_id, []):
            reason = why_not(measure, target_level, score)
            if reason is None:
                gap.measures.append(measure)
            else:
                gap.not_counted.append((measure, reason))
        gaps.append(gap)
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
