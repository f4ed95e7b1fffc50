"""The sector world of the monitoring tests: an analyst, an open round, boards that submit.

Its boards come from the one test world's builder (`kompas.testing.world.board_with_people`).
"""

from dataclasses import dataclass

from django.utils import timezone

from kompas.accounts.models import User
from kompas.assessments.models import AssessmentStatus, NormScore, SelfAssessment
from kompas.assessments.services import assessment_reopen, assessment_start
from kompas.boards.access import access_board
from kompas.boards.models import Board, SectorAssignment
from kompas.boards.roles import Action, BoardRole, SectorRole
from kompas.monitoring.services import round_open, submission_create
from kompas.testing.frameworks import framework_doc, import_document
from kompas.testing.people import UserFactory
from kompas.testing.world import board_with_people


@dataclass(frozen=True)
class Participant:
    board: Board
    executive: User
    assessment: SelfAssessment


class Sector:
    """A framework, an analyst, an open round, and boards that submit approved evaluations."""

    def __init__(self):
        self.version = import_document(framework_doc())
        self.analyst = UserFactory.create(email="analist@dvo.example.nl")
        SectorAssignment.objects.create(user=self.analyst, role=SectorRole.PROGRAMME_ANALYST)
        self.round = round_open(
            actor=self.analyst,
            name="Meetronde 2026",
            framework_version=self.version,
            period="2026",
            sectors=["PO", "VO"],
        )
        self.count = 0

    def board(self, *, sector="PO", pupils=500, region="UT", levels=(1, 2, 3, 4)):
        """A board with an approved evaluation: GO.01, GO.02, BC.03, BV.01 at `levels`."""
        self.count += 1
        board, people = board_with_people(
            name=f"Bestuur {self.count}",
            bg_number=f"{40000 + self.count}",
            roles=(BoardRole.EXECUTIVE, BoardRole.COORDINATOR),
            sectors=(sector,),
            pupil_count=pupils,
            region=region,
        )
        executive, coordinator = people[BoardRole.EXECUTIVE], people[BoardRole.COORDINATOR]
        assessment = assessment_start(
            access=access_board(user=coordinator, board_id=board.pk),
            actor=coordinator,
            framework_version=self.version,
            period=self.round.period,  # what the round asks for (docs/scoring.md)
        )
        for code, level in zip(("GO.01", "GO.02", "BC.03", "BV.01"), levels, strict=True):
            NormScore.objects.filter(assessment=assessment, norm__code=code).update(level=level)
        assessment.status = AssessmentStatus.APPROVED
        assessment.save()
        return Participant(board, executive, assessment)

    def approve_again(self, participant, levels):
        """A newer approved version of the participant's evaluation, with other levels."""
        executive = participant.executive
        newer = assessment_reopen(
            access=access_board(user=executive, board_id=participant.board.pk),
            actor=executive,
            assessment=participant.assessment,
            reason="Na de audit bijgesteld.",
        )
        for code, level in zip(("GO.01", "GO.02", "BC.03", "BV.01"), levels, strict=True):
            NormScore.objects.filter(assessment=newer, norm__code=code).update(level=level)
        newer.status = AssessmentStatus.APPROVED
        newer.approved_at = timezone.now()
        newer.save()
        return Participant(participant.board, executive, newer)

    def submit(self, participant, share_with=()):
        return submission_create(
            access=access_board(
                user=participant.executive, board_id=participant.board.pk, action=Action.VIEW
            ),
            actor=participant.executive,
            round_=self.round,
            assessment=participant.assessment,
            share_with=set(share_with),
        )
