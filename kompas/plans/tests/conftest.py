import datetime

import pytest
from django.utils import timezone

from kompas.assessments.models import NormScore
from kompas.assessments.tests.conftest import World
from kompas.boards.roles import BoardRole
from kompas.plans.services import MeasureData, measure_create

COORD, EXEC = BoardRole.COORDINATOR, BoardRole.EXECUTIVE
DEADLINE = datetime.date(2030, 12, 31)


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

    def norm(self, code):
        return self.version.norms.get(code=code)

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


@pytest.fixture
def plan_world(db):
    return PlanWorld()
