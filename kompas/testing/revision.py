"""A board with an approved evaluation on a framework version that is then revised.

Version 1.0 and its revision 2.0 of their own framework (kompas.testing.frameworks.
revision_docs), with the mapping ready to import: evidence on GO.01 and BC.03, a measure on
GO.03 and BC.03, one on the removed BV.01, and a risk accepted for GO.01.
"""

import datetime

from django.utils import timezone

from kompas.assessments.evidence import evidence_add_link
from kompas.assessments.models import NormScore
from kompas.assessments.services import assessment_start
from kompas.boards.roles import BoardRole
from kompas.plans.services import risk_accept
from kompas.testing.frameworks import import_document, import_mapping_document, revision_docs
from kompas.testing.world import ReportWorld

COORD, EXEC = BoardRole.COORDINATOR, BoardRole.EXECUTIVE


class RevisionWorld(ReportWorld):
    """Board A with an approved 2027 evaluation on 1.0, evidence, measures and a risk."""

    def __init__(self):
        # A framework of its own: the world's test framework already has a version 1.0.
        old, new, mapping = revision_docs(slug="revisiekader")
        self.mapping_doc = mapping
        super().__init__()
        self.old = import_document(old)
        self.new = import_document(new)
        self.version = self.old
        coordinator, executive = self.people[COORD], self.people[EXEC]
        self.earlier = self.start("2027", version=self.old)
        values = {
            "GO.01": {"level": 2, "target_level": 3, "explanation": "Strategie in concept."},
            "GO.02": {"level": 3, "target_level": 3, "explanation": "Beleid vastgesteld."},
            "GO.03": {"level": 1, "target_level": 4, "explanation": "Nog geen planning."},
            "BC.03": {"level": 4, "target_level": 3, "explanation": "Back-ups elders."},
            "BV.01": {"level": 2, "target_level": 3, "explanation": "Meldproces op papier."},
            "BV.02": {"not_applicable": True, "not_applicable_reason": "Geen eigen verwerking."},
        }
        assignees = {"GO.01": coordinator, "GO.02": coordinator, "GO.03": executive}
        for code, fields in values.items():
            NormScore.objects.filter(assessment=self.earlier, norm__code=code).update(
                assignee=assignees.get(code), **fields
            )
        self.assessment = self.earlier
        for code, url in (("GO.01", "https://intranet.example.nl/strategie"),
                          ("BC.03", "https://intranet.example.nl/backup")):  # fmt: skip
            evidence_add_link(
                access=self.access(COORD),
                actor=coordinator,
                score=self.score(code),
                url=url,
                title=f"Bewijs {code}",
            )
        self.approve(self.earlier)
        self.merged = self.measure("GO.03", "BC.03", level=4, title="Planning en back-up")
        self.dropped_norm = self.measure("BV.01", title="Meldprocedure")
        risk_accept(
            access=self.access(EXEC),
            actor=executive,
            norm=self.norm("GO.01"),
            reason="Strategie volgt na de fusie.",
            review_date=timezone.localdate() + datetime.timedelta(days=120),  # ahead, any day
        )

    def import_mapping(self):
        return import_mapping_document(self.mapping_doc)

    def start_revised(self, **kwargs):
        return assessment_start(
            access=self.access(COORD),
            actor=self.people[COORD],
            framework_version=self.new,
            period="2028",
            previous=self.earlier,
            **kwargs,
        )
