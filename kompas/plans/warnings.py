"""Plan quality warnings: signs that a plan covers every gap on paper but will not close them.

They inform and never block (the plan check decides coverage). The rules and thresholds are in
docs/plan.md, "Plan quality warnings"; every warning says why it shows and what to do.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kompas.assessments.models import AssessmentStatus, NormScore, SelfAssessment
from kompas.assessments.selectors import period_year, standing_among
from kompas.boards.models import Board
from kompas.plans.models import OPEN_STATUSES, Measure, MeasureNorm, MeasureStatus, PlanVersion
from kompas.plans.selectors import PlanCheck

# A measure linked to at least this many norms, in at least this many domains, is too broad.
BROAD_NORMS = 8
BROAD_DOMAINS = 3
# More than this share of the open measures (and at least MIN_MEASURES of them) due in the last
# DEADLINE_WINDOW_DAYS before the deadline: the work is put off to the end.
DEADLINE_SHARE = Decimal("0.5")
DEADLINE_WINDOW_DAYS = 90
MIN_MEASURES = 4
# A year's planned effort above this many times the effort completed in the last year.
PACE_FACTOR = 2
PACE_WINDOW_DAYS = 365


@dataclass(frozen=True)
class PlanWarning:
    """One warning: a short name, why it shows, and what to do about it."""

    kind: str
    title: str
    why: str
    advice: str


def plan_warnings(*, board: Board, check: PlanCheck, today: datetime.date) -> list[PlanWarning]:
    """The plan's quality warnings, in the order of docs/plan.md; five queries."""
    measures = list(Measure.objects.filter(board=board).order_by("due_date", "pk"))
    links: dict[int, set[str]] = defaultdict(set)
    norms_of: dict[int, int] = defaultdict(int)
    for measure_id, domain_code in MeasureNorm.objects.filter(measure__board=board).values_list(
        "measure_id", "norm__domain__code"
    ):
        links[measure_id].add(domain_code)
        norms_of[measure_id] += 1
    open_measures = [m for m in measures if m.status in OPEN_STATUSES]
    return [
        *_broad(measures, links, norms_of),
        *_at_the_deadline(open_measures, check.deadline),
        *_pace(measures, open_measures, today),
        *_fell_short(board),
    ]


def _broad(
    measures: list[Measure], domains: dict[int, set[str]], norms: dict[int, int]
) -> list[PlanWarning]:
    return [
        PlanWarning(
            kind="broad",
            title=_("“%(title)s” spans %(norms)d norms in %(domains)d domains")
            % {
                "title": measure.title,
                "norms": norms[measure.pk],
                "domains": len(domains[measure.pk]),
            },
            why=_(
                "One measure for many norms across domains is hard to own, to plan and to check: "
                "it tends to stay open until the deadline while covering every one of them."
            ),
            advice=_("Split it into measures per domain or per group of related norms."),
        )
        for measure in measures
        if measure.status != MeasureStatus.DROPPED
        and norms[measure.pk] >= BROAD_NORMS
        and len(domains[measure.pk]) >= BROAD_DOMAINS
    ]


def _at_the_deadline(open_measures: list[Measure], deadline: datetime.date) -> list[PlanWarning]:
    late = deadline - datetime.timedelta(days=DEADLINE_WINDOW_DAYS)
    at_end = [measure for measure in open_measures if measure.due_date >= late]
    if len(open_measures) < MIN_MEASURES or len(at_end) <= DEADLINE_SHARE * len(open_measures):
        return []
    return [
        PlanWarning(
            kind="deadline",
            title=_("%(late)d of %(count)d open measures are due at the deadline")
            % {"late": len(at_end), "count": len(open_measures)},
            why=_(
                "Their due dates lie in the last three months before the plan's deadline, so "
                "the plan shows no progress until then, and a delay leaves no time to recover."
            ),
            advice=_(
                "Spread the due dates over the years left, starting with the gaps of the "
                "highest priority."
            ),
        )
    ]


def _pace(
    measures: list[Measure], open_measures: list[Measure], today: datetime.date
) -> list[PlanWarning]:
    since = today - datetime.timedelta(days=PACE_WINDOW_DAYS)
    achieved = sum(
        (
            measure.effort_days or Decimal(0)
            for measure in measures
            if measure.status == MeasureStatus.DONE
            and measure.completed_at is not None
            and since < measure.completed_at <= today
        ),
        Decimal(0),
    )
    if not achieved:
        return []  # no pace to compare with yet (docs/plan.md)
    planned: dict[int, Decimal] = defaultdict(Decimal)
    for measure in open_measures:
        planned[max(measure.due_date.year, today.year)] += measure.effort_days or Decimal(0)
    return [
        PlanWarning(
            kind="pace",
            title=_("%(year)d plans %(planned)s days of work; the last year achieved %(done)s")
            % {
                "year": year,
                "planned": number_format(effort, decimal_pos=1),
                "done": number_format(achieved, decimal_pos=1),
            },
            why=_(
                "The measures due in %(year)d add up to more than %(factor)d times the effort "
                "of the measures completed in the last twelve months."
            )
            % {"year": year, "factor": PACE_FACTOR},
            advice=_(
                "Check whether people and budget are there for it; otherwise move measures to "
                "later years or make them smaller."
            ),
        )
        for year, effort in sorted(planned.items())
        if effort > PACE_FACTOR * achieved
    ]


def _fell_short(board: Board) -> list[PlanWarning]:
    """Per year, the approved plan's expected levels against the evaluation that stands for it.

    The plan version in force when the evaluation was approved, and its measures due by then:
    each such norm was expected at the measure's level at least.
    """
    evaluations = list(
        SelfAssessment.objects.filter(board=board, status=AssessmentStatus.APPROVED).exclude(
            approved_at__isnull=True
        )
    )
    years = sorted({year for e in evaluations if (year := period_year(e.period)) is not None})
    standing = [
        found for year in years if (found := standing_among(evaluations, year=year)) is not None
    ]
    versions = list(PlanVersion.objects.filter(board=board).order_by("approved_at"))
    if not standing or not versions:
        return []
    levels: dict[int, dict[str, int | None]] = defaultdict(dict)
    for assessment_id, code, level, not_applicable in NormScore.objects.filter(
        assessment__in=standing
    ).values_list("assessment_id", "norm__code", "level", "not_applicable"):
        if not not_applicable:
            levels[assessment_id][code] = level
    warnings = []
    for evaluation in standing:
        assert evaluation.approved_at is not None
        in_force = [v for v in versions if v.approved_at < evaluation.approved_at]
        if not in_force:
            continue
        approved_on = evaluation.approved_at.date()
        expected: dict[str, int] = {}
        for measure in in_force[-1].snapshot.get("measures", []):
            if measure.get("status") == MeasureStatus.DROPPED:
                continue
            if datetime.date.fromisoformat(measure["due_date"]) > approved_on:
                continue
            for code, level in measure.get("norms", {}).items():
                expected[code] = max(expected.get(code, 0), level)
        actual = levels[evaluation.pk]
        short = sorted(
            code
            for code, level in expected.items()
            if code in actual and (actual[code] or 0) < level
        )
        if short:
            warnings.append(
                PlanWarning(
                    kind="fell_short",
                    title=_(
                        "Evaluation %(period)s: %(short)d of %(expected)d norms below what the "
                        "plan expected"
                    )
                    % {"period": evaluation.period, "short": len(short), "expected": len(expected)},
                    why=_(
                        "By the approval of this evaluation, plan version %(version)d had "
                        "measures due that should have brought these norms to a higher level: "
                        "%(codes)s."
                    )
                    % {"version": in_force[-1].number, "codes": ", ".join(short)},
                    advice=_(
                        "Find out why the measures did not have the effect planned; re-plan "
                        "these norms with measures that will, or re-assess them."
                    ),
                )
            )
    return warnings
