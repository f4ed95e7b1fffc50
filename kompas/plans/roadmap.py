"""The roadmap (expected level per norm per year) and the projection for the deadline.

Both are reads of the plan and follow the rules in docs/plan.md, "Roadmap and projection".
`today` is always a parameter, so that the figures are reproducible and testable.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kompas.assessments.models import NormScore, SelfAssessment
from kompas.assessments.selectors import scores_of
from kompas.boards.models import Board
from kompas.plans.models import OPEN_STATUSES, Measure, MeasureNorm, MeasureStatus
from kompas.plans.selectors import current_assessment, plan_check, plan_of

# Below this share of the required pace the board is off track; below 1 it is at risk.
OFF_TRACK_BELOW = Fraction(1, 2)
# The measure pace is measured over the last year, or since the plan's first measure if the
# plan is younger; before it is this many days old, the pace is not judged.
PACE_WINDOW_DAYS = 365
MIN_PACE_WINDOW_DAYS = 90


def _round(value: Fraction | Decimal, places: str = "0.1") -> Decimal:
    """Rounded half up, like the summary figures (docs/scoring.md)."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _is_applicable(score: NormScore) -> bool:
    return not (score.not_applicable and score.is_assessed)


# --- Roadmap ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearFigures:
    """Expected figures at the end of one year, over a set of applicable norms."""

    year: int
    applicable: int
    at_or_above_target: int
    mean: Decimal | None


@dataclass(frozen=True)
class NormCell:
    year: int
    level: int | None
    reaches_target: bool


@dataclass(frozen=True)
class NormRoadmap:
    """One applicable norm: its level now, its target and its expected level per year."""

    code: str
    title: str
    domain_code: str
    current: int | None
    target: int
    expected: list[int | None]
    years: list[int]

    @property
    def reached_in(self) -> int | None:
        """The first roadmap year whose expected level is at or above the target."""
        for year, level in zip(self.years, self.expected, strict=True):
            if level is not None and level >= self.target:
                return year
        return None

    @property
    def cells(self) -> list[NormCell]:
        reached = self.reached_in
        return [
            NormCell(year=year, level=level, reaches_target=year == reached)
            for year, level in zip(self.years, self.expected, strict=True)
        ]


@dataclass(frozen=True)
class DomainRoadmap:
    code: str
    name: str
    figures: list[YearFigures]


@dataclass(frozen=True)
class Roadmap:
    assessment: SelfAssessment | None
    deadline: datetime.date
    years: list[int]
    totals: list[YearFigures]
    domains: list[DomainRoadmap]
    norms: list[NormRoadmap]


def _effective_date(
    *, status: str, due_date: datetime.date, completed_at: datetime.date | None
) -> datetime.date:
    """When a measure counts: its due date, or its completion date if done earlier."""
    if status == MeasureStatus.DONE and completed_at is not None:
        return min(due_date, completed_at)
    return due_date


def _figures(year: int, rows: Iterable[tuple[int | None, int]]) -> YearFigures:
    applicable = at_target = 0
    levels = []
    for level, target in rows:
        applicable += 1
        if level is not None:
            levels.append(level)
            at_target += level >= target
    mean = _round(Fraction(sum(levels), len(levels))) if levels else None
    return YearFigures(year=year, applicable=applicable, at_or_above_target=at_target, mean=mean)


def roadmap(*, board: Board, today: datetime.date) -> Roadmap:
    """Per applicable norm and per year up to the deadline, the level the plan should reach.

    Five queries, whatever the number of norms and measures.
    """
    deadline = plan_of(board=board).deadline
    years = list(range(today.year, max(today.year, deadline.year) + 1))
    assessment = current_assessment(board=board)
    if assessment is None:
        return Roadmap(None, deadline, years, [], [], [])
    # Per norm, (date it counts from, level it brings) of every measure that counts at all.
    planned: dict[int, list[tuple[datetime.date, int]]] = {}
    links = (
        MeasureNorm.objects.filter(measure__board=board)
        .exclude(measure__status=MeasureStatus.DROPPED)
        .values_list(
            "norm_id",
            "target_level",
            "measure__status",
            "measure__due_date",
            "measure__completed_at",
        )
    )
    for norm_id, level, status, due_date, completed_at in links:
        counts_from = _effective_date(status=status, due_date=due_date, completed_at=completed_at)
        if counts_from <= deadline:
            planned.setdefault(norm_id, []).append((counts_from, level))
    norms = []
    domains: dict[int, tuple[str, str, list[NormRoadmap]]] = {}
    for score in scores_of(assessment=assessment):
        if not _is_applicable(score):
            continue
        expected: list[int | None] = []
        for year in years:
            end_of_year = datetime.date(year, 12, 31)
            levels = [lvl for date, lvl in planned.get(score.norm_id, []) if date <= end_of_year]
            best = max([score.level or 0, *levels])
            expected.append(best or None)
        row = NormRoadmap(
            code=score.norm.code,
            title=score.norm.title,
            domain_code=score.norm.domain.code,
            current=score.level,
            target=score.target_level,
            expected=expected,
            years=years,
        )
        norms.append(row)
        domain = score.norm.domain
        domains.setdefault(domain.pk, (domain.code, domain.name, []))[2].append(row)

    def per_year(rows: list[NormRoadmap]) -> list[YearFigures]:
        return [
            _figures(year, ((row.expected[i], row.target) for row in rows))
            for i, year in enumerate(years)
        ]

    return Roadmap(
        assessment=assessment,
        deadline=deadline,
        years=years,
        totals=per_year(norms),
        domains=[
            DomainRoadmap(code, name, per_year(rows)) for code, name, rows in domains.values()
        ],
        norms=norms,
    )


# --- Projection ------------------------------------------------------------------------------


class Verdict(models.TextChoices):
    ON_TRACK = "on_track", gettext_lazy("On track")
    AT_RISK = "at_risk", gettext_lazy("At risk")
    OFF_TRACK = "off_track", gettext_lazy("Off track")


@dataclass(frozen=True)
class Pace:
    """Achieved against required, per year; `ratio` is None when nothing remains to be done."""

    achieved: Decimal
    required: Decimal
    ratio: Fraction | None

    @property
    def ratio_display(self) -> Decimal | None:
        return None if self.ratio is None else _round(self.ratio, "0.01")


@dataclass(frozen=True)
class ScoreHistory:
    first_period: str
    last_period: str
    first_sum: int
    last_sum: int
    years: int


@dataclass
class Projection:
    verdict: Verdict
    reasons: list[str]
    deadline: datetime.date
    years_left: Decimal
    has_assessment: bool
    open_gaps: int
    overdue: int
    open_measures: int
    window_days: int
    completed_in_window: int
    remaining_gap: int
    measure_pace: Pace | None = None
    history: ScoreHistory | None = None
    score_pace: Pace | None = None
    ratios: list[Fraction] = field(default_factory=list)


def years_left(*, deadline: datetime.date, today: datetime.date) -> Decimal:
    """Days to the deadline in years of 365.25 days, to one decimal, never less than 1."""
    return max(Decimal(1), _round(Fraction((deadline - today).days * 4, 1461)))


def _pace(*, achieved: Fraction, remaining: int, years: Decimal) -> Pace:
    required = Fraction(remaining) / Fraction(years)
    return Pace(
        achieved=_round(achieved),
        required=_round(required),
        ratio=achieved / required if remaining else None,
    )


def _period_year(period: str) -> int | None:
    digits = period[:4]
    return int(digits) if digits.isdigit() else None


def _score_history(*, assessment: SelfAssessment) -> ScoreHistory | None:
    """Levels summed over the norms applicable now, in the first and the latest period.

    Two queries. Only periods of the current evaluation's framework version count, each with
    its latest version; the latest is the current evaluation itself.
    """
    latest_per_period: dict[str, int] = {}
    for pk, period in (
        SelfAssessment.objects.filter(
            board_id=assessment.board_id, framework_version_id=assessment.framework_version_id
        )
        .order_by("period", "-version")
        .values_list("pk", "period")
    ):
        latest_per_period.setdefault(period, pk)
    first_period = min(latest_per_period)
    first_year, last_year = _period_year(first_period), _period_year(assessment.period)
    if first_period == assessment.period or first_year is None or last_year is None:
        return None
    first_pk = latest_per_period[first_period]
    levels: dict[int, dict[int, int]] = {first_pk: {}, assessment.pk: {}}
    applicable_now: set[int] = set()
    for assessment_id, norm_id, level, not_applicable, reason in NormScore.objects.filter(
        assessment_id__in=[first_pk, assessment.pk]
    ).values_list("assessment_id", "norm_id", "level", "not_applicable", "not_applicable_reason"):
        excluded = not_applicable and bool(reason.strip())
        levels[assessment_id][norm_id] = 0 if excluded else level or 0
        if assessment_id == assessment.pk and not excluded:
            applicable_now.add(norm_id)
    return ScoreHistory(
        first_period=first_period,
        last_period=assessment.period,
        first_sum=sum(levels[first_pk].get(norm_id, 0) for norm_id in applicable_now),
        last_sum=sum(levels[assessment.pk][norm_id] for norm_id in applicable_now),
        years=max(1, last_year - first_year),
    )


def projection(*, board: Board, today: datetime.date) -> Projection:
    """On track, at risk or off track for the deadline, with the reasons and the numbers.

    About ten queries, whatever the number of norms and measures.
    """
    check = plan_check(board=board)
    left = years_left(deadline=check.deadline, today=today)
    measures = Measure.objects.filter(board=board)
    is_open = models.Q(status__in=OPEN_STATUSES)
    counts = measures.aggregate(
        open=models.Count("pk", filter=is_open & models.Q(due_date__lte=check.deadline)),
        overdue=models.Count("pk", filter=is_open & models.Q(due_date__lt=today)),
        first_recorded=models.Min("created_at"),
    )
    window_start = today - datetime.timedelta(days=PACE_WINDOW_DAYS - 1)
    if counts["first_recorded"] is not None:
        window_start = max(window_start, timezone.localdate(counts["first_recorded"]))
    window_days = max(0, (today - window_start).days + 1)
    completed = measures.filter(
        status=MeasureStatus.DONE, completed_at__gte=window_start, completed_at__lte=today
    ).count()
    remaining_gap = sum(gap.size for gap in check.gaps if not gap.accepted)
    result = Projection(
        verdict=Verdict.ON_TRACK,
        reasons=[],
        deadline=check.deadline,
        years_left=left,
        has_assessment=check.assessment is not None,
        open_gaps=len(check.open),
        overdue=counts["overdue"],
        open_measures=counts["open"],
        window_days=window_days,
        completed_in_window=completed,
        remaining_gap=remaining_gap,
    )
    if window_days >= MIN_PACE_WINDOW_DAYS:
        result.measure_pace = _pace(
            achieved=Fraction(completed * PACE_WINDOW_DAYS, window_days),
            remaining=counts["open"],
            years=left,
        )
    if check.assessment is not None:
        result.history = _score_history(assessment=check.assessment)
    if result.history is not None:
        gain = Fraction(result.history.last_sum - result.history.first_sum, result.history.years)
        result.score_pace = _pace(achieved=gain, remaining=remaining_gap, years=left)
    result.ratios = [
        pace.ratio
        for pace in (result.measure_pace, result.score_pace)
        if pace is not None and pace.ratio is not None
    ]
    result.verdict = _verdict(result)
    result.reasons = _reasons(result)
    return result


def _verdict(result: Projection) -> Verdict:
    if not result.has_assessment or result.open_gaps:
        return Verdict.OFF_TRACK
    if any(ratio < OFF_TRACK_BELOW for ratio in result.ratios):
        return Verdict.OFF_TRACK
    if result.overdue or any(ratio < 1 for ratio in result.ratios):
        return Verdict.AT_RISK
    return Verdict.ON_TRACK


def _reasons(result: Projection) -> list[str]:
    """One short sentence per rule that was applied, in the order of the rules."""
    if not result.has_assessment:
        return [_("There is no self-evaluation yet, so there is nothing to plan from.")]
    deadline = date_format(result.deadline)
    reasons = []
    if result.open_gaps:
        reasons.append(
            ngettext(
                "%(count)d norm below target has no measure and no accepted risk.",
                "%(count)d norms below target have no measure and no accepted risk.",
                result.open_gaps,
            )
            % {"count": result.open_gaps}
        )
    else:
        reasons.append(_("Every norm below target is covered by a measure or an accepted risk."))
    if result.overdue:
        reasons.append(
            ngettext(
                "%(count)d measure is overdue.", "%(count)d measures are overdue.", result.overdue
            )
            % {"count": result.overdue}
        )
    pace = result.measure_pace
    if pace is None:
        reasons.append(
            _("The plan is less than three months old: the pace of its measures is not judged yet.")
        )
    elif pace.ratio is not None:
        reasons.append(
            _(
                "%(done)s measures a year were completed (over the last %(days)d days); "
                "%(required)s a year are needed to finish the %(open)d open measures by "
                "%(deadline)s."
            )
            % {
                "done": number_format(pace.achieved),
                "days": result.window_days,
                "required": number_format(pace.required),
                "open": result.open_measures,
                "deadline": deadline,
            }
        )
    history, pace = result.history, result.score_pace
    if history is not None and pace is not None and pace.ratio is not None:
        reasons.append(
            _(
                "From %(first)s to %(last)s the levels rose by %(gain)s a year in total; "
                "%(required)s a year are needed to close the remaining %(gap)d levels by "
                "%(deadline)s."
            )
            % {
                "first": history.first_period,
                "last": history.last_period,
                "gain": number_format(pace.achieved),
                "required": number_format(pace.required),
                "gap": result.remaining_gap,
                "deadline": deadline,
            }
        )
    return reasons
