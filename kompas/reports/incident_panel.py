"""The incident panel on the board dashboard: the year in numbers, and AP decisions owed.

Registered in `ReportsConfig.ready()`: reports sits above the incident register and reads it,
as it reads the plan and the evaluation. With `approved_only` (the supervisor) it shows the
year's figures only, the same as the annual-report paragraph (and, like it, nothing while the
board has never used the register); the warnings naming incidents are for the roles that keep
the register. Two queries at most, however many incidents.
"""

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from kompas.boards.access import BoardAccess
from kompas.boards.roles import Action
from kompas.incidents.clock import Clock
from kompas.incidents.models import Incident
from kompas.incidents.selectors import YearFigures, pending_decisions, yearly_figures
from kompas.reports.dashboard import PanelSpec, register_panel


@dataclass(frozen=True)
class PendingDecision:
    incident: Incident
    clock: Clock


@dataclass(frozen=True)
class IncidentPanel:
    figures: YearFigures
    approved_only: bool
    warnings: list[PendingDecision] = field(default_factory=list)
    register_url: str = ""
    report_url: str = ""


def build(
    *, access: BoardAccess, approved_only: bool, today: datetime.date
) -> IncidentPanel | None:
    """The panel's data for whoever looks at the dashboard.

    The supervisor gets no panel while the board has never used the register, as the annual
    paragraph leaves incidents out then: no figures rather than a claim of none.
    """
    now = timezone.now()
    figures = yearly_figures(board=access.board, year=today.year, now=now)
    if approved_only and not figures.ever:
        return None
    keeps_register = access.may(Action.VIEW_INCIDENTS) and not approved_only
    warnings = []
    if keeps_register:
        warnings = [
            PendingDecision(incident=incident, clock=incident.clock(now))
            for incident in pending_decisions(board=access.board)
        ]
    board_id = access.board.pk
    return IncidentPanel(
        figures=figures,
        approved_only=approved_only,
        warnings=warnings,
        register_url=reverse("incidents:register", args=[board_id]) if keeps_register else "",
        report_url=(
            reverse("incidents:report", args=[board_id])
            if access.may(Action.REPORT_INCIDENT)
            else ""
        ),
    )


def register() -> None:
    register_panel(PanelSpec(key="incidents", template="reports/incident_panel.html", build=build))
