"""The Inspectorate's view (BRIEF 4.5): signals for every board; details only by policy and consent.

Every signal is a fact about a board that the database works out: the facts are annotations on
the board queryset (Exists and Subquery), so a page of boards, sorted and filtered by its
signals, is one query (and one to count them) however many boards there are. The rules are in
docs/monitoring.md, "Inspectorate". `today` is a parameter, so that "due by" against "missed" is
reproducible.

What the Inspectorate sees beyond the signals follows INSPECTORATE_SHARING *and* the board's
consent on its latest submission; `board_details` does not even read what it may not show.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kompas.assessments.models import AssessmentStatus, SelfAssessment
from kompas.boards.models import Board
from kompas.frameworks.models import Domain
from kompas.monitoring.models import Audience, Submission, SubmittedDomain, SubmittedScore
from kompas.monitoring.named import (
    active_consent,
    latest_submissions,
    projection_label,
    shared_with,
)
from kompas.plans.models import MeasureStatus, PlanVersion, Priority
from kompas.plans.roadmap import Verdict


class Signal(models.TextChoices):
    NO_EVALUATION = "no_evaluation", gettext_lazy("No approved self-evaluation")
    NO_PLAN = "no_plan", gettext_lazy("No approved improvement plan")
    UNCOVERED_GAPS = "uncovered_gaps", gettext_lazy("Gaps not covered by the plan")
    OFF_TRACK = "off_track", gettext_lazy("Off track for 2030")
    NO_PROGRESS = "no_progress", gettext_lazy("No progress since the last round")
    OVERDUE_MEASURES = "overdue_measures", gettext_lazy("Overdue measures")


# The signals read from the board's latest submission; the other two from approvals.
SUBMISSION_SIGNALS = (
    Signal.UNCOVERED_GAPS,
    Signal.OFF_TRACK,
    Signal.NO_PROGRESS,
    Signal.OVERDUE_MEASURES,
)


class SharingPolicy(models.TextChoices):
    """INSPECTORATE_SHARING: each level shows what the one before it shows, and more."""

    SIGNALS = "signals", gettext_lazy("Signals only")
    SIGNALS_AND_PLAN = "signals_and_plan", gettext_lazy("Signals and plan")
    EVERYTHING = "everything", gettext_lazy("Signals, plan and levels")


def sharing_policy() -> SharingPolicy:
    return SharingPolicy(settings.INSPECTORATE_SHARING)


@dataclass(frozen=True)
class Deadlines:
    evaluation: datetime.date
    plan: datetime.date


def deadlines() -> Deadlines:
    """MONITORING_EVALUATION_DEADLINE and MONITORING_PLAN_DEADLINE, read when asked."""
    return Deadlines(
        evaluation=settings.MONITORING_EVALUATION_DEADLINE, plan=settings.MONITORING_PLAN_DEADLINE
    )


def _flag_name(signal: Signal) -> str:
    return f"signal_{signal.value}"


# --- Signals -----------------------------------------------------------------------------------


def _end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after `day` in the local time zone: "on or before" is "before this"."""
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_current_timezone()
    )


def _flag(*whens: When, default: int = 0) -> Case:
    """1 where the signal fires, else 0: summed into the board's number of signals."""
    return Case(*whens, default=Value(default), output_field=models.IntegerField())


# The annotation of a submission that sums its signals.
SIGNAL_SUM = "signal_sum"


def _newest_first(board: OuterRef) -> QuerySet[Submission]:
    """A board's submissions, the latest round first: [:1] is the latest, [1:2] the one before.

    The same order as `named.latest_submissions` (the round opened last; the newer round on a
    tie), which decides consent; picked per board here because that sorts boards faster.
    """
    return (
        Submission.objects.filter(board=board).current().order_by("-round__opened_at", "-round_id")
    )


def _latest_submissions() -> QuerySet[Submission]:
    """The board's submissions, newest first, each with 0/1 per submission signal and their sum.

    Only the first row is ever read. "No progress" compares it with the board's second
    submission; a mean where there was none counts as a rise (Coalesce to 0: levels are 1-5).
    """
    stalled = (
        _newest_first(OuterRef(OuterRef("pk")))
        .annotate(
            stalled=_flag(
                When(
                    GreaterThan(
                        Coalesce(OuterRef("mean_level"), Value(Decimal(0))),
                        Coalesce("mean_level", Value(Decimal(0))),
                    ),
                    then=0,
                ),
                When(norms_at_target__lt=OuterRef("norms_at_target"), then=0),
                default=1,
            )
        )
        .values("stalled")[1:2]
    )
    flags = {
        Signal.UNCOVERED_GAPS: _flag(When(open_gaps__gt=0, then=1)),
        Signal.OFF_TRACK: _flag(When(projection=Verdict.OFF_TRACK.value, then=1)),
        Signal.OVERDUE_MEASURES: _flag(When(overdue_measures__gt=0, then=1)),
        Signal.NO_PROGRESS: Coalesce(Subquery(stalled), 0),
    }
    return (
        _newest_first(OuterRef("pk"))
        .annotate(**{_flag_name(signal): flag for signal, flag in flags.items()})
        .annotate(**{SIGNAL_SUM: sum((F(_flag_name(signal)) for signal in flags), start=Value(0))})
    )


def _board_flags() -> dict[str, Any]:
    """Per signal, 1 where it fires for the board (the outer row), else 0."""
    latest = _latest_submissions()
    flags: dict[str, Any] = {
        _flag_name(Signal.NO_EVALUATION): _flag(When(~_evaluation_in_time(), then=1)),
        _flag_name(Signal.NO_PLAN): _flag(When(~_plan_in_time(), then=1)),
    }
    for signal in SUBMISSION_SIGNALS:
        flags[_flag_name(signal)] = Coalesce(Subquery(latest.values(_flag_name(signal))[:1]), 0)
    return flags


def _evaluation_in_time() -> Exists:
    return Exists(
        SelfAssessment.objects.filter(
            board=OuterRef("pk"),
            status=AssessmentStatus.APPROVED,
            approved_at__lt=_end_of(deadlines().evaluation),
        )
    )


def _plan_in_time() -> Exists:
    return Exists(
        PlanVersion.objects.filter(board=OuterRef("pk"), approved_at__lt=_end_of(deadlines().plan))
    )


def inspectorate_boards(*, signal: Signal | None = None) -> QuerySet[Board]:
    """Every active board with its signals as annotations, most signals first, then by name.

    The sort key is built from three subqueries per board (not from the six flags), so that
    sorting ten thousand boards stays cheap; PostgreSQL works out the flags, which are not sort
    keys, only for the rows of the page.
    """
    latest = _latest_submissions()
    signal_count = (
        _flag(When(~_evaluation_in_time(), then=1))
        + _flag(When(~_plan_in_time(), then=1))
        + Coalesce(Subquery(latest.values(SIGNAL_SUM)[:1]), 0)
    )
    flags = _board_flags()
    boards = Board.objects.filter(is_active=True)
    if signal is not None:
        boards = boards.alias(only=flags[_flag_name(signal)]).filter(only=1)
    return boards.annotate(
        **flags,
        latest_id=Subquery(latest.values("pk")[:1]),
        shared=Exists(shared_with(Audience.INSPECTORATE).filter(board=OuterRef("pk"))),
        signal_count=signal_count,
    ).order_by("-signal_count", "name", "pk")


@dataclass(frozen=True)
class Raised:
    """A signal that fires for a board; a deadline signal is pending until its deadline passed."""

    signal: Signal
    deadline: datetime.date | None = None
    pending: bool = False

    @property
    def text(self) -> str:
        if self.deadline is None:
            return str(self.signal.label)
        values = {"signal": self.signal.label, "date": date_format(self.deadline, "j F Y")}
        if self.pending:
            return _("%(signal)s yet: due by %(date)s") % values
        return _("%(signal)s: the deadline of %(date)s was missed") % values


@dataclass(frozen=True)
class BoardSignals:
    board: Board
    raised: tuple[Raised, ...]
    submitted: bool
    # The latest submission is shared with the Inspectorate (an active consent).
    shared: bool

    @property
    def count(self) -> int:
        return len(self.raised)


def signals_of(board: Board, *, today: datetime.date) -> BoardSignals:
    """The signals of a board from `inspectorate_boards`' annotations; no query."""
    dates = deadlines()
    due = {Signal.NO_EVALUATION: dates.evaluation, Signal.NO_PLAN: dates.plan}
    raised = []
    for signal in Signal:
        if not getattr(board, _flag_name(signal)):
            continue
        deadline = due.get(signal)
        pending = deadline is not None and today <= deadline
        raised.append(Raised(signal, deadline, pending))
    return BoardSignals(
        board=board,
        raised=tuple(raised),
        submitted=getattr(board, "latest_id", None) is not None,
        shared=bool(getattr(board, "shared", False)),
    )


# --- Details -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedMeasure:
    """A measure of the approved plan as the Inspectorate sees it: no owner, effort or cost."""

    title: str
    norms: list[tuple[str, int]]
    due_date: datetime.date | None
    status: str
    priority: str


@dataclass(frozen=True)
class DomainLevel:
    code: str
    name: str
    mean: Decimal


@dataclass
class Details:
    """What the Inspectorate may see of one board beyond its signals, and why not more."""

    policy: SharingPolicy
    submission: Submission | None = None
    shared: bool = False
    plan_version: PlanVersion | None = None
    measures: list[SharedMeasure] = field(default_factory=list)
    domains: list[DomainLevel] = field(default_factory=list)
    scores: list[SubmittedScore] = field(default_factory=list)

    @property
    def shows_plan(self) -> bool:
        return self.policy != SharingPolicy.SIGNALS and self.shared

    @property
    def shows_levels(self) -> bool:
        return self.policy == SharingPolicy.EVERYTHING and self.shared

    @property
    def withheld_because(self) -> str:
        """Why no details are shown, or "" when they are."""
        if self.policy == SharingPolicy.SIGNALS:
            return _(
                "The sharing policy in force lets the Inspectorate see signals only, for every "
                "board."
            )
        if self.submission is None:
            return _(
                "This board has not submitted to a monitoring round, so it has shared nothing."
            )
        if not self.shared:
            return _(
                "This board has not chosen to share its latest submission with the Inspectorate."
            )
        return ""

    @property
    def projection(self) -> str:
        return projection_label(self.submission.projection) if self.submission else ""

    @property
    def audit_text(self) -> str:
        if self.shows_levels:
            return "signals, plan and levels"
        return "signals and plan" if self.shows_plan else "signals"


def _latest_submission(board: Board) -> Submission | None:
    return (
        latest_submissions()
        .filter(board=board)
        .select_related("round")
        .annotate(shared=active_consent(Audience.INSPECTORATE))
        .first()
    )


def _label(choices: type[models.TextChoices], value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _measures(version: PlanVersion) -> list[SharedMeasure]:
    measures = []
    for measure in version.snapshot.get("measures", []):
        due = measure.get("due_date") or ""
        measures.append(
            SharedMeasure(
                title=measure.get("title", ""),
                norms=sorted(measure.get("norms", {}).items()),
                due_date=datetime.date.fromisoformat(due) if due else None,
                status=_label(MeasureStatus, measure.get("status", "")),
                priority=_label(Priority, measure.get("priority", "")),
            )
        )
    return measures


def board_details(*, board: Board, policy: SharingPolicy) -> Details:
    """The board's details the policy and its consent allow; nothing more is read."""
    details = Details(policy=policy)
    if policy == SharingPolicy.SIGNALS:
        return details
    submission = _latest_submission(board)
    details.submission = submission
    if submission is None or not submission.shared:  # type: ignore[attr-defined]
        return details
    details.shared = True
    # The plan as it was when the board submitted: its consent covers that submission.
    details.plan_version = (
        PlanVersion.objects.filter(board=board, approved_at__lte=submission.submitted_at)
        .order_by("-number")
        .first()
    )
    if details.plan_version is not None:
        details.measures = _measures(details.plan_version)
    if policy != SharingPolicy.EVERYTHING:
        return details
    names = dict(
        Domain.objects.filter(framework_version=submission.round.framework_version_id)
        .order_by("position")
        .values_list("code", "name")
    )
    means = dict(SubmittedDomain.objects.filter(submission=submission).values_list("code", "mean"))
    order = {code: position for position, code in enumerate(names)}
    details.domains = [
        DomainLevel(code, names.get(code, ""), mean)
        for code, mean in sorted(means.items(), key=lambda item: (order.get(item[0], 999), item[0]))
    ]
    details.scores = list(
        SubmittedScore.objects.filter(submission=submission)
        .select_related("norm")
        .order_by("norm__position")
    )
    return details
