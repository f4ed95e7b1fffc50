"""A board with approved periods, a draft and a plan, for the dashboard and report tests."""

import datetime

from kompas.assessments.models import NormScore
from kompas.assessments.services import assessment_approve, assessment_start, assessment_submit
from kompas.boards.roles import BoardRole
from kompas.plans.services import plan_approve, risk_accept
from kompas.plans.tests.conftest import PlanWorld

COORD, EXEC, SUPERVISOR = BoardRole.COORDINATOR, BoardRole.EXECUTIVE, BoardRole.SUPERVISOR


class ReportWorld(PlanWorld):
    """PlanWorld (a 2026 draft: GO.01 1, GO.02 3, BC.03 2, BV.01 open) with helpers to approve."""

    def set_levels(self, assessment, levels):
        for code, level in levels.items():
            NormScore.objects.filter(assessment=assessment, norm__code=code).update(
                level=level, to_confirm=False
            )

    def approve(self, assessment):
        NormScore.objects.filter(assessment=assessment).update(to_confirm=False)
        assessment_submit(
            access=self.access(COORD), actor=self.people[COORD], assessment=assessment
        )
        assessment_approve(access=self.access(EXEC), actor=self.people[EXEC], assessment=assessment)
        assessment.refresh_from_db()
        return assessment

    def start(self, period, *, previous=None, version=None):
        return assessment_start(
            access=self.access(COORD),
            actor=self.people[COORD],
            framework_version=version or self.version,
            period=period,
            previous=previous,
        )

    def approve_2026_with_plan(self, *, measure_title=None, risk_reason=None):
        """2026 approved (BV.01 at 2); measures for GO.01 and BV.01, BC.03 accepted; plan v1."""
        self.set_levels(self.assessment, {"BV.01": 2})
        self.approve(self.assessment)
        self.measure("GO.01", title=measure_title or "Strategie vaststellen")
        self.measure("BV.01", due=datetime.date(2020, 1, 31), title="Meldprocedure datalekken")
        risk_accept(
            access=self.access(EXEC),
            actor=self.people[EXEC],
            norm=self.norm("BC.03"),
            reason=risk_reason or "Eerst de back-up vervangen.",
            review_date=self.later(30),
        )
        return plan_approve(access=self.access(EXEC), actor=self.people[EXEC])
