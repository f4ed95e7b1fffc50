"""The one test world, like healthchecks' alice, bob and charlie, and the worlds built on it.

`World`: board "Stichting A" with a person in every board role and a draft 2026 evaluation of
the four-norm test framework (`kompas.testing.frameworks.framework_doc`), and an outsider board
"Stichting B" with people of its own, who must never see anything of A. `PlanWorld` adds
levels and gaps, `ReportWorld` approvals and a plan. Root `conftest.py` offers them as the
fixtures `world`, `plan_world` and `report_world`; an app's own world subclasses one of these.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from kompas.accounts.models import User
from kompas.assessments.models import NormScore, SelfAssessment
from kompas.assessments.services import assessment_approve, assessment_start, assessment_submit
from kompas.boards.access import BoardAccess, access_board
from kompas.boards.models import Board, BoardSector, Membership
from kompas.boards.roles import Action, BoardRole
from kompas.frameworks.models import FrameworkVersion, Norm
from kompas.plans.services import MeasureData, measure_create, plan_approve, risk_accept
from kompas.testing.frameworks import framework_doc, import_document
from kompas.testing.people import UserFactory

COORD, EXEC, SUPERVISOR = BoardRole.COORDINATOR, BoardRole.EXECUTIVE, BoardRole.SUPERVISOR
DEADLINE = datetime.date(2030, 12, 31)


def board_with_people(
    *,
    name: str,
    bg_number: str,
    domain: str = "",
    roles: Iterable[str] = tuple(BoardRole.values),
    sectors: Iterable[str] = (),
    **fields: Any,
) -> tuple[Board, dict[str, User]]:
    """A board (with `fields`, serving `sectors`) and one member in each of `roles`.

    People are e-mailed as <role>@<domain>, by default a domain of the board's own.
    """
    board = Board.objects.create(name=name, bg_number=bg_number, **fields)
    for sector in sectors:
        BoardSector.objects.create(board=board, sector=sector)
    domain = domain or f"bestuur{bg_number}.example.nl"
    people = {}
    for role in roles:
        user = UserFactory.create(email=f"{role}@{domain}")
        Membership.objects.create(user=user, board=board, role=role)
        people[role] = user
    return board, people


class World:
    """A board with a person in each role and a draft evaluation; an outsider board beside it."""

    board: Board
    people: dict[str, User]
    outsider: Board
    outsiders: dict[str, User]
    version: FrameworkVersion
    assessment: SelfAssessment

    def __init__(self) -> None:
        self.board, self.people = board_with_people(
            name="Stichting A", bg_number="41001", domain="a.example.nl"
        )
        self.outsider, self.outsiders = board_with_people(
            name="Stichting B", bg_number="41002", domain="b.example.nl"
        )
        self.version = import_document(framework_doc())
        self.assessment = assessment_start(
            access=self.access(COORD),
            actor=self.people[COORD],
            framework_version=self.version,
            period="2026",
        )

    def access(self, role: str) -> BoardAccess:
        return access_board(user=self.people[role], board_id=self.board.pk, action=Action.VIEW)

    def score(self, code: str) -> NormScore:
        return self.assessment.scores.select_related("assessment", "norm").get(norm__code=code)

    def norm(self, code: str) -> Norm:
        return self.version.norms.get(code=code)


class PlanWorld(World):
    """The evaluation world with levels set: GO.01 at 1, GO.02 at 3, BC.03 at 2, BV.01 open.

    Against target 3 that leaves three gaps: GO.01 (size 2), BC.03 (size 1), BV.01 (size 3).
    """

    LEVELS = {"GO.01": 1, "GO.02": 3, "BC.03": 2, "BV.01": None}

    def __init__(self):
        super().__init__()
        for code, level in self.LEVELS.items():
            NormScore.objects.filter(assessment=self.assessment, norm__code=code).update(
                level=level
            )

    def measure(self, *codes, level=3, due=datetime.date(2028, 6, 30), status="planned", **kw):
        data = {
            "title": kw.pop("title", f"Maatregel voor {', '.join(codes)}"),
            "description": "",
            "owner_id": self.people[COORD].pk,
            "start_date": None,
            "due_date": due,
            "status": status,
            "effort_days": None,
            "cost_euros": None,
            "priority": "medium",
        } | kw
        return measure_create(
            access=self.access(COORD),
            actor=self.people[COORD],
            data=MeasureData(**data),
            links={self.norm(code).pk: level for code in codes},
        )

    @staticmethod
    def later(days):
        return timezone.localdate() + datetime.timedelta(days=days)


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
