"""A board with something on everyone's home (issue 17): AP decisions owed, late and due
measures, assigned open norms, a risk proposal. The clock is meant to be pinned at clock.NOW."""

import datetime

from django.utils import translation

from kompas.assessments.models import NormScore
from kompas.boards.access import access_board
from kompas.boards.roles import Action, BoardRole
from kompas.boards.todo import tasks_for
from kompas.incidents.rules import ReportData
from kompas.incidents.services import incident_report
from kompas.plans.services import risk_propose
from kompas.testing import clock
from kompas.testing.world import PlanWorld

COORD = BoardRole.COORDINATOR


def breach(world, hours_ago, title="Laptop gestolen"):
    return incident_report(
        access=world.access(COORD),
        actor=world.people[COORD],
        data=ReportData(
            kind="breach",
            title=title,
            occurred_at=None,
            became_aware_at=clock.NOW - datetime.timedelta(hours=hours_ago),
            description="Uit een auto gestolen.",
            data_kinds=("contact",),
            subjects={"pupils": 30},
            consequences="",
            measures_taken="",
        ),
    )


class HomeWorld(PlanWorld):
    """The plan world (a draft 2026 evaluation with BV.01 open) with something for everyone."""

    def __init__(self):
        super().__init__()
        coordinator = self.people[COORD]
        assigned = NormScore.objects.filter(
            assessment=self.assessment, norm__code__in=["BV.01", "GO.01"]
        )
        assigned.update(assignee=coordinator)
        self.late = self.measure("BC.03", due=clock.days_from_today(-3), title="Back-up testen")
        self.soon = self.measure("GO.01", due=clock.days_from_today(10), title="Strategie")
        self.measure("GO.02", due=clock.days_from_today(200), title="Later")  # not yet
        self.overdue = breach(self, hours_ago=80, title="USB-stick kwijt")
        self.running = breach(self, hours_ago=10)
        risk_propose(
            access=self.access(COORD),
            actor=coordinator,
            norm=self.norm("BC.03"),
            reason="Wacht op de nieuwe leverancier.",
            review_date=clock.days_from_today(60),
        )

    def tasks(self, role):
        access = access_board(user=self.people[role], board_id=self.board.pk, action=Action.VIEW)
        with translation.override("en"):
            return [(task.urgency, task.title) for task in tasks_for(access, now=clock.NOW)]
