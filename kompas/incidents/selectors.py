"""Reads of the incident register: the register, decisions still owed, the year in numbers.

Every read is a constant number of queries, however many incidents a board has. The sector's
counts (`sector_incident_counts`) pass through the disclosure control of monitoring.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kompas.boards.models import Board
from kompas.frameworks.models import Norm
from kompas.incidents.clock import DECISION_WINDOW, LOCAL_ZONE
from kompas.incidents.models import Incident, IncidentKind, IncidentStatus, NotifyDecision
from kompas.plans.selectors import current_assessment


def linkable_norms(*, board: Board) -> QuerySet[Norm]:
    """The norms an incident can be linked to: those of the framework the board evaluates
    against, the same ones a plan measure may work on."""
    assessment = current_assessment(board=board)
    if assessment is None:
        return Norm.objects.none()
    return Norm.objects.filter(framework_version_id=assessment.framework_version_id)


def register_of(*, board: Board) -> QuerySet[Incident]:
    """The board's incidents, newest awareness first; one query whatever their number."""
    return Incident.objects.filter(board=board).order_by("-became_aware_at", "-number")


def incident_detail(*, board: Board) -> QuerySet[Incident]:
    """For one incident's page: the people and norms it names, and the measures made from it."""
    return (
        Incident.objects.filter(board=board)
        .select_related("reported_by", "decided_by", "updated_by")
        .prefetch_related("norms", "plan_measures__measure")
    )


def pending_decisions(*, board: Board) -> QuerySet[Incident]:
    """Breaches whose AP decision is still owed, the most urgent first."""
    return Incident.objects.filter(
        board=board, kind=IncidentKind.BREACH, notify_decision=NotifyDecision.UNDECIDED
    ).order_by("became_aware_at", "number")


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """1 January 00:00 of `year` and of the next, on the Dutch wall clock."""
    return (
        datetime.datetime(year, 1, 1, tzinfo=LOCAL_ZONE),
        datetime.datetime(year + 1, 1, 1, tzinfo=LOCAL_ZONE),
    )


def in_year(year: int, prefix: str = "") -> Q:
    """Incidents the board became aware of in `year` (Europe/Amsterdam)."""
    start, end = year_bounds(year)
    return Q(**{f"{prefix}became_aware_at__gte": start, f"{prefix}became_aware_at__lt": end})


@dataclass(frozen=True)
class YearFigures:
    """A board's register for one year in numbers; `ever` counts every year."""

    year: int
    ever: int
    registered: int
    breaches: int
    notified: int
    not_notified: int
    undecided: int
    late: int  # breaches of the year still undecided past their 72 hours
    open: int


def yearly_figures(*, board: Board, year: int, now: datetime.datetime | None = None) -> YearFigures:
    """The year's counts, by the moment of awareness in the Netherlands; one query."""
    now = now or timezone.now()
    this_year = in_year(year)
    breach = this_year & Q(kind=IncidentKind.BREACH)
    undecided = breach & Q(notify_decision=NotifyDecision.UNDECIDED)
    late = undecided & Q(became_aware_at__lte=now - DECISION_WINDOW)
    counts = Incident.objects.filter(board=board).aggregate(
        ever=Count("pk"),
        registered=Count("pk", filter=this_year),
        breaches=Count("pk", filter=breach),
        notified=Count("pk", filter=breach & Q(notify_decision=NotifyDecision.NOTIFIED)),
        not_notified=Count("pk", filter=breach & Q(notify_decision=NotifyDecision.NOT_NOTIFIED)),
        undecided=Count("pk", filter=undecided),
        late=Count("pk", filter=late),
        open=Count("pk", filter=this_year & Q(status=IncidentStatus.OPEN)),
    )
    return YearFigures(year=year, **counts)
