"""Submissions made directly, with exactly the snapshot a test needs, for the named pages.

A real submission goes through submission_create (tested in test_rounds); the support list and
the regions only read the snapshot, so these tests write it as they want it, many boards fast.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from kompas.assessments.models import SelfAssessment
from kompas.assessments.services import assessment_start
from kompas.boards.access import access_board
from kompas.boards.models import Board, BoardSector, Membership, SectorAssignment
from kompas.boards.roles import BoardRole, SectorRole
from kompas.frameworks.models import Norm
from kompas.monitoring.models import (
    Consent,
    MonitoringRound,
    Submission,
    SubmittedDomain,
    SubmittedScore,
    SubmittedService,
)
from kompas.monitoring.services import consent_withdraw, round_open
from kompas.testing.frameworks import framework_doc, import_document
from kompas.testing.people import UserFactory

NORMS = ("GO.01", "GO.02", "BC.03", "BV.01")


class Snapshots:
    """A framework, an analyst, rounds opened a year apart, and boards with their submissions."""

    def __init__(self):
        self.version = import_document(framework_doc())
        self.norms = {
            norm.code: norm for norm in Norm.objects.filter(framework_version=self.version)
        }
        self.analyst = UserFactory.create(email="analist@dvo.example.nl")
        SectorAssignment.objects.create(user=self.analyst, role=SectorRole.PROGRAMME_ANALYST)
        self.count = 0
        self.rounds = []
        self._assessment = None

    def round(self, *, sectors=("PO", "VO"), name=None):
        """A new round, opened a year after the one before it."""
        round_ = round_open(
            actor=self.analyst,
            name=name or f"Meetronde {2025 + len(self.rounds)}",
            framework_version=self.version,
            period=str(2025 + len(self.rounds)),
            sectors=list(sectors),
        )
        opened = timezone.now() - datetime.timedelta(days=365 * (10 - len(self.rounds)))
        MonitoringRound.objects.filter(pk=round_.pk).update(opened_at=opened)
        round_.refresh_from_db()
        self.rounds.append(round_)
        return round_

    def board(self, *, name=None, sectors=("PO",)):
        self.count += 1
        board = Board.objects.create(
            name=name or f"Bestuur {self.count:03d}", bg_number=f"{50000 + self.count}"
        )
        for sector in sectors:
            BoardSector.objects.create(board=board, sector=sector)
        return board

    def member(self, board, role=BoardRole.EXECUTIVE):
        user = UserFactory.create()
        Membership.objects.create(user=user, board=board, role=role)
        return user

    def assessment(self) -> SelfAssessment:
        # Every direct snapshot points at one evaluation: these pages never follow the link.
        if self._assessment is None:
            owner = self.board(name="Bestuur met de evaluatie")
            coordinator = self.member(owner, BoardRole.COORDINATOR)
            self._assessment = assessment_start(
                access=access_board(user=coordinator, board_id=owner.pk),
                actor=coordinator,
                framework_version=self.version,
                period="2026",
            )
        return self._assessment

    def submit(
        self,
        board,
        round_,
        *,
        share_with=(),
        levels=None,
        not_applicable=(),
        has_approved_plan=True,
        projection="on_track",
        mean_level="2.50",
        open_gaps=0,
        overdue_measures=0,
        norms_at_target=0,
        quadrant="",
        domains=None,
        services=(),
    ):
        """A submission with the given snapshot; `levels` maps norm code to level (None: open).

        `services` names the sector services the board used then, or maps them to a status.
        """
        submission = Submission.objects.create(
            round=round_,
            board=board,
            assessment=self.assessment(),
            submitted_by=self.analyst,
            sectors=sorted(board.sectors.values_list("sector", flat=True)),
            size_class="small",
            signature="all=|size=small",
            has_approved_plan=has_approved_plan,
            open_gaps=open_gaps,
            overdue_measures=overdue_measures,
            projection=projection,
            mean_level=None if mean_level is None else Decimal(mean_level),
            norms_at_target=norms_at_target,
            quadrant=quadrant,
        )
        if levels is not None:
            SubmittedScore.objects.bulk_create(
                SubmittedScore(
                    submission=submission,
                    norm=self.norms[code],
                    level=None if code in not_applicable else levels.get(code),
                    not_applicable=code in not_applicable,
                    target_level=3,
                    at_target=code not in not_applicable and (levels.get(code) or 0) >= 3,
                )
                for code in NORMS
            )
        SubmittedDomain.objects.bulk_create(
            SubmittedDomain(submission=submission, code=code, mean=Decimal(mean))
            for code, mean in (domains or {}).items()
        )
        SubmittedService.objects.bulk_create(
            SubmittedService(submission=submission, service=service, status=status)
            for service, status in (
                services.items()
                if isinstance(services, dict)
                else ((s, "in_use") for s in services)
            )
        )
        for audience in share_with:
            Consent.objects.create(
                submission=submission, audience=audience, granted_by=self.analyst
            )
        return submission


def withdraw(submission, audience):
    """The board's executive withdraws the submission's consent for `audience`."""
    membership = Membership.objects.filter(board=submission.board, role=BoardRole.EXECUTIVE).first()
    if membership is None:
        membership = Membership.objects.create(
            user=UserFactory.create(), board=submission.board, role=BoardRole.EXECUTIVE
        )
    consent_withdraw(
        access=access_board(user=membership.user, board_id=submission.board_id),
        actor=membership.user,
        consent=submission.consents.get(audience=audience, withdrawn_at__isnull=True),
    )
