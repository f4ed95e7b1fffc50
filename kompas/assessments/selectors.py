"""Reads of self-evaluations, and the summary figures of BRIEF 4.2 (docs/scoring.md).

Every page, report and export that shows a summary figure takes it from `summary()`, so the
numbers are the same wherever they appear.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from kompas.accounts.models import User
from kompas.assessments.models import AssessmentStatus, NormScore, SelfAssessment
from kompas.boards.access import BoardAccess
from kompas.boards.models import Board
from kompas.frameworks.mappings import sources_by_target
from kompas.frameworks.models import (
    Domain,
    LevelCriterion,
    Mapping,
    MappingPair,
    MaturityLevel,
    Norm,
    Relationship,
)

_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def period_year(period: str) -> int | None:
    """The year a period stands for: the last year in its name ("2025-2026" is 2026)."""
    years = _YEAR.findall(period)
    return int(years[-1]) if years else None


def standing_evaluation(
    *,
    board: Board | int,
    year: int | None = None,
    before: int | None = None,
    framework_version_id: int | None = None,
) -> SelfAssessment | None:
    """The evaluation that stands for the board, or for one year: the latest approved one.

    Every page, report and submission that shows "where the board stands" takes it from here
    (docs/scoring.md, "Which evaluation counts"). One query.
    """
    approved = SelfAssessment.objects.filter(board=board, status=AssessmentStatus.APPROVED)
    if framework_version_id is not None:
        approved = approved.filter(framework_version_id=framework_version_id)
    return standing_among(
        approved.select_related("framework_version__framework", "approved_by", "submitted_by"),
        year=year,
        before=before,
        framework_version_id=framework_version_id,
    )


def approval_order(assessment: SelfAssessment) -> tuple[datetime.datetime, int]:
    """What orders a board's approvals: the latest approval stands (`standing_among`)."""
    return assessment.approved_at or assessment.created_at, assessment.pk


def standing_among(
    evaluations: Iterable[SelfAssessment],
    *,
    year: int | None = None,
    before: int | None = None,
    framework_version_id: int | None = None,
) -> SelfAssessment | None:
    """Of one board's evaluations, the one that stands; no query (see `standing_evaluation`).

    Of the approved evaluations (of one framework version, if given) those of the latest year,
    of `year`, or of the latest year before `before`, compete; the latest approval wins.
    """
    candidates = [
        (
            period_year(assessment.period) or 0,
            *approval_order(assessment),
            assessment,
        )
        for assessment in evaluations
        if assessment.status == AssessmentStatus.APPROVED
        and framework_version_id in (None, assessment.framework_version_id)
    ]
    if year is not None:
        candidates = [candidate for candidate in candidates if candidate[0] == year]
    if before is not None:
        candidates = [candidate for candidate in candidates if candidate[0] < before]
    if not candidates:
        return None
    return max(candidates, key=lambda candidate: candidate[:3])[3]


def standing_before(*, assessment: SelfAssessment) -> SelfAssessment | None:
    """What stood before it: the standing evaluation of an earlier year, same framework version."""
    year = period_year(assessment.period)
    if year is None:
        return None
    return standing_evaluation(
        board=assessment.board_id, before=year, framework_version_id=assessment.framework_version_id
    )


def year_draft(*, board: Board | int, year: int) -> SelfAssessment | None:
    """The year's newest evaluation not yet approved, for when no approved one stands for it."""
    drafts = [
        assessment
        for assessment in SelfAssessment.objects.filter(board=board)
        .exclude(status=AssessmentStatus.APPROVED)
        .select_related("framework_version__framework")
        .order_by("-created_at", "-pk")
        if period_year(assessment.period) == year
    ]
    return drafts[0] if drafts else None


def assessments_of(*, access: BoardAccess) -> QuerySet[SelfAssessment]:
    return SelfAssessment.objects.filter(board=access.board).select_related(
        "framework_version__framework"
    )


def get_assessment(*, access: BoardAccess, assessment_id: int) -> SelfAssessment:
    """An evaluation of the accessed board; another board's answers 404."""
    return get_object_or_404(
        assessments_of(access=access).select_related("approved_by", "submitted_by"),
        pk=assessment_id,
    )


def scores_of(*, assessment: SelfAssessment) -> list[NormScore]:
    """All scores in framework order, each with its norm, domain and part (three queries).

    The domains (a couple of dozen) are loaded once and shared, rather than one copy per row.
    """
    scores = list(
        assessment.scores.select_related("norm", "assignee")
        .only(
            *(f.name for f in NormScore._meta.concrete_fields),
            "norm__code",
            "norm__title",
            "norm__domain_id",
            "norm__position",
            "assignee__email",
            "assignee__full_name",
        )
        .order_by("norm__position")
    )
    domains = {
        domain.pk: domain
        for domain in Domain.objects.filter(
            framework_version_id=assessment.framework_version_id
        ).select_related("part")
    }
    for score in scores:
        score.norm.domain = domains[score.norm.domain_id]
    return scores


SCORE_PAGE_RELATED = (
    "assessment__framework_version__framework",
    "assessment__approved_by",
    "assessment__submitted_by",
    "norm__domain__part",
    "norm__growth_phase",
    "assignee",
    "updated_by",
)
# An htmx save only needs what validation and the saved state use: a narrower, cheaper join.
SCORE_SAVE_RELATED = ("assessment__framework_version", "norm")


def get_score(
    *, access: BoardAccess, assessment_id: int, code: str, for_save: bool = False
) -> NormScore:
    """A norm's score with its evaluation, in one query; another board's answers 404."""
    return get_object_or_404(
        NormScore.objects.select_related(*(SCORE_SAVE_RELATED if for_save else SCORE_PAGE_RELATED)),
        assessment__board=access.board,
        assessment_id=assessment_id,
        norm__code=code,
    )


def level_labels(*, score: NormScore, assessment: SelfAssessment) -> dict[int, str]:
    """Each level's choice label on the norm form: number, name and this norm's criterion."""
    names = dict(
        MaturityLevel.objects.filter(
            framework_version_id=assessment.framework_version_id
        ).values_list("level", "name")
    )
    criteria = dict(
        LevelCriterion.objects.filter(norm_id=score.norm_id).values_list("level", "text")
    )
    return {
        level: f"{level} · {names.get(level, '')} — {criteria.get(level, '')}"
        for level in range(1, 6)
    }


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class GroupFigures:
    """Mean and minimum level over the assessed, applicable norms of a domain or part."""

    code: str
    name: str
    norms: int = 0
    levels: list[int] = field(default_factory=list)
    at_or_above_target: int = 0
    applicable: int = 0

    @property
    def mean(self) -> Decimal | None:
        return _round(Decimal(sum(self.levels)) / len(self.levels)) if self.levels else None

    @property
    def minimum(self) -> int | None:
        return min(self.levels) if self.levels else None


@dataclass
class Summary:
    total: int
    assessed: int
    not_applicable: int
    applicable: int
    at_or_above_target: int
    meets_framework: bool
    domains: list[GroupFigures]
    parts: list[GroupFigures]

    @property
    def completeness_percent(self) -> int:
        return round(100 * self.assessed / self.total) if self.total else 0

    @property
    def at_or_above_target_percent(self) -> int:
        if not self.applicable:
            return 0
        return round(100 * self.at_or_above_target / self.applicable)


def summary(*, scores: list[NormScore] | QuerySet[NormScore]) -> Summary:
    """The summary figures of a set of scores (with norm__domain__part loaded)."""
    domains: dict[int, GroupFigures] = {}
    parts: dict[int, GroupFigures] = {}
    total = assessed = not_applicable = applicable = at_target = 0
    complete = True
    for score in scores:
        total += 1
        domain, part = score.norm.domain, score.norm.domain.part
        groups = [
            domains.setdefault(domain.pk, GroupFigures(domain.code, domain.name)),
            parts.setdefault(part.pk, GroupFigures(part.code, part.name)),
        ]
        for group in groups:
            group.norms += 1
        # A value carried over from the previous period counts once someone confirmed it.
        if score.is_assessed and not score.to_confirm:
            assessed += 1
        if score.not_applicable and score.is_assessed:
            not_applicable += 1
            continue
        applicable += 1
        for group in groups:
            group.applicable += 1
        if score.level is None:
            complete = False
            continue
        reached = score.level >= score.target_level
        at_target += reached
        complete = complete and reached
        for group in groups:
            group.levels.append(score.level)
            group.at_or_above_target += reached
    return Summary(
        total=total,
        assessed=assessed,
        not_applicable=not_applicable,
        applicable=applicable,
        at_or_above_target=at_target,
        meets_framework=complete and total > 0,
        domains=list(domains.values()),
        parts=list(parts.values()),
    )


def overview(
    *, assessment: SelfAssessment, only: str = "", user: User | None = None
) -> tuple[Summary, list[tuple[Any, list[dict[str, Any]]]]]:
    """The summary, and the scores grouped by domain, filtered by `only`."""
    scores = scores_of(assessment=assessment)
    figures = summary(scores=scores)
    if only == "open":
        scores = [score for score in scores if not score.is_assessed or score.to_confirm]
    elif only == "below":
        scores = [
            score
            for score in scores
            if not score.not_applicable and (score.level or 0) < score.target_level
        ]
    elif only == "mine" and user is not None:
        scores = [score for score in scores if score.assignee_id == user.pk]
    # Plain rows: a 94-row table renders markedly faster from dicts than from model chains.
    grouped: dict[int, tuple[Any, list[dict[str, Any]]]] = {}
    for score in scores:
        grouped.setdefault(score.norm.domain_id, (score.norm.domain, []))[1].append(
            {
                "code": score.norm.code,
                "title": score.norm.title,
                "level": score.level,
                "not_applicable": score.not_applicable,
                "target": score.target_level,
                "to_confirm": score.to_confirm,
                "assignee": str(score.assignee) if score.assignee_id else "",
            }
        )
    return figures, list(grouped.values())


@dataclass(frozen=True)
class NormChange:
    code: str
    title: str
    before: int | None
    after: int | None

    @property
    def delta(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class DomainChange:
    code: str
    name: str
    before: Decimal | None
    after: Decimal | None
    gains: int
    regressions: int

    @property
    def delta(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class NotCompared:
    """A norm of either period that has no counterpart in the other one's version."""

    code: str
    title: str
    new: bool  # new in the later period's version; else removed from the earlier one's


@dataclass(frozen=True)
class Comparison:
    norms: list[NormChange]
    domains: list[DomainChange]
    # Across framework versions: the mapping used, and what it could not compare.
    mapping: Mapping | None = None
    not_compared: list[NotCompared] = field(default_factory=list)

    @property
    def gains(self) -> int:
        return sum(1 for change in self.norms if (change.delta or 0) > 0)

    @property
    def regressions(self) -> int:
        return sum(1 for change in self.norms if (change.delta or 0) < 0)


def compare(*, earlier: SelfAssessment, later: SelfAssessment) -> Comparison:
    """Per norm and per domain the change between two evaluations.

    Levels of norms that are not applicable count as no level. On one framework version the
    domain means are the summary means (docs/scoring.md), so the comparison shows the same
    numbers as each overview. Across versions the earlier evaluation is read through the
    mapping between them (`comparable_mapping`), with the rule work carries over by: one
    earlier norm gives its level, several the lowest of theirs. Norms without a counterpart
    are listed as not compared, and the domain means are then taken over the compared norms
    only, in both periods alike.
    """
    before_scores = scores_of(assessment=earlier)
    after_scores = scores_of(assessment=later)
    if earlier.framework_version_id == later.framework_version_id:
        before = {score.norm_id: _level(score) for score in before_scores}
        return _comparison(before, after_scores, summary(scores=before_scores).domains)
    mapping = comparable_mapping(earlier=earlier, later=later)
    if mapping is None:
        raise ValueError(
            f"No mapping from {earlier.framework_version} to {later.framework_version}."
        )
    by_norm = {score.norm_id: score for score in before_scores}
    translated: dict[int, int | None] = {}
    not_compared = []
    fed = sources_by_target(mapping=mapping)
    for score in after_scores:
        sources = [
            by_norm[item.norm_id] for item in fed.get(score.norm_id, []) if item.norm_id in by_norm
        ]
        if not sources:
            not_compared.append(NotCompared(score.norm.code, score.norm.title, new=True))
            continue
        levels = [source.level for source in sources if not source.not_applicable]
        known = [level for level in levels if level is not None]
        # The lowest of their levels; unknown while one of them was not assessed.
        translated[score.norm_id] = min(known) if known and len(known) == len(levels) else None
    fed_from = {item.norm_id for sources in fed.values() for item in sources}
    not_compared += [
        NotCompared(score.norm.code, score.norm.title, new=False)
        for score in before_scores
        if score.norm_id not in fed_from
    ]
    compared = [score for score in after_scores if score.norm_id in translated]
    result = _comparison(translated, compared, None)
    return Comparison(result.norms, result.domains, mapping, not_compared)


def comparable_mapping(*, earlier: SelfAssessment, later: SelfAssessment) -> Mapping | None:
    """The mapping that reads `earlier` in the norms of `later`'s version, if there is one."""
    return Mapping.objects.filter(
        source_id=earlier.framework_version_id, target_id=later.framework_version_id
    ).first()


def _level(score: NormScore) -> int | None:
    return None if score.not_applicable else score.level


def _mean(levels: list[int | None]) -> Decimal | None:
    known = [level for level in levels if level is not None]
    return _round(Decimal(sum(known)) / len(known)) if known else None


def _comparison(
    before: dict[int, int | None],
    after_scores: list[NormScore],
    before_domains: list[GroupFigures] | None,
) -> Comparison:
    """The changes of `after_scores` against the levels `before` (by norm of the later version).

    `before_domains` are the earlier evaluation's own domain figures on one version; across
    versions (None) both sides' domain means are taken over the compared norms.
    """
    norms = [
        NormChange(
            code=score.norm.code,
            title=score.norm.title,
            before=before.get(score.norm_id),
            after=_level(score),
        )
        for score in after_scores
    ]
    earlier_means = (
        {group.code: group.mean for group in before_domains}
        if before_domains is not None
        else {
            group.code: _mean(
                [before.get(s.norm_id) for s in after_scores if s.norm.domain.code == group.code]
            )
            for group in summary(scores=after_scores).domains
        }
    )
    domains = []
    for group in summary(scores=after_scores).domains:
        codes = {s.norm.code for s in after_scores if s.norm.domain.code == group.code}
        changes = [change for change in norms if change.code in codes]
        domains.append(
            DomainChange(
                code=group.code,
                name=group.name,
                before=earlier_means.get(group.code),
                after=group.mean,
                gains=sum(1 for change in changes if (change.delta or 0) > 0),
                regressions=sum(1 for change in changes if (change.delta or 0) < 0),
            )
        )
    return Comparison(norms=norms, domains=domains)


def waiting_confirmation(*, assessment: SelfAssessment) -> dict[str, int]:
    """Per domain code, the carried-over values still waiting to be confirmed (one query)."""
    return dict(
        assessment.scores.filter(to_confirm=True)
        .values("norm__domain__code")
        .annotate(count=Count("pk"))
        .values_list("norm__domain__code", "count")
    )


def open_version(*, assessment: SelfAssessment) -> SelfAssessment | None:
    """For an approved evaluation, the version of its period still open (draft or submitted).

    There is at most one (`assessment_reopen` sees to it); None for a draft or submitted one.
    """
    if assessment.status != AssessmentStatus.APPROVED:
        return None
    return (
        SelfAssessment.objects.filter(
            board=assessment.board_id,
            framework_version=assessment.framework_version_id,
            period=assessment.period,
        )
        .exclude(status=AssessmentStatus.APPROVED)
        .order_by("-version")
        .first()
    )


@dataclass(frozen=True)
class CarriedSource:
    """An earlier norm a score was carried from, with its text beside the norm's new text."""

    code: str
    relationship: str
    level: int | None
    not_applicable: bool
    norm: Norm | None  # of the earlier version; None if it can no longer be found
    current: Norm

    @property
    def text_changed(self) -> bool:
        return self.norm is None or (self.norm.title, self.norm.statement) != (
            self.current.title,
            self.current.statement,
        )


def carried_sources(*, score: NormScore) -> list[CarriedSource]:
    """Where a score came from through a mapping, with the earlier texts (one query)."""
    mapping_id = score.assessment.mapping_id
    if mapping_id is None or not score.carried:
        return []
    earlier = {
        norm.code: norm
        for norm in Norm.objects.filter(
            framework_version__mappings_from=mapping_id,
            code__in=[item["code"] for item in score.carried],
        )
    }
    return [
        CarriedSource(
            code=item["code"],
            relationship=item["relationship"],
            level=item["level"],
            not_applicable=item["not_applicable"],
            norm=earlier.get(item["code"]),
            current=score.norm,
        )
        for item in score.carried
    ]


@dataclass(frozen=True)
class CarryReport:
    """What a period started through a mapping took from the earlier one, and what it left."""

    source: SelfAssessment
    as_is: int  # one earlier norm, equal
    to_review: int  # one earlier norm of another relationship, or several
    new: list[str]  # codes of norms new in this version
    removed: list[tuple[str, int | None, bool]]  # code, earlier level, earlier not applicable


def carry_report(*, assessment: SelfAssessment) -> CarryReport | None:
    """For the overview of a period started through a mapping (three queries); else None."""
    if assessment.mapping_id is None or assessment.started_from is None:
        return None
    as_is = to_review = 0
    new = []
    for code, carried in assessment.scores.values_list("norm__code", "carried").order_by(
        "norm__position"
    ):
        if not carried:
            new.append(code)
        elif len(carried) == 1 and carried[0]["relationship"] == Relationship.EQUAL:
            as_is += 1
        else:
            to_review += 1
    removed_norms = MappingPair.objects.filter(
        mapping_id=assessment.mapping_id, relationship=Relationship.REMOVED
    ).values("source_norm_id")
    removed = list(
        NormScore.objects.filter(assessment=assessment.started_from, norm_id__in=removed_norms)
        .order_by("norm__position")
        .values_list("norm__code", "level", "not_applicable")
    )
    return CarryReport(assessment.started_from, as_is, to_review, new, removed)
