import pytest

from kompas.accounts.tests.factories import UserFactory
from kompas.assessments.services import assessment_start
from kompas.boards.access import access_board
from kompas.boards.models import Board, Membership
from kompas.boards.roles import Action, BoardRole
from kompas.frameworks.tests.builders import framework_doc
from kompas.frameworks.tests.conftest import import_document


class World:
    """A board with a person in each role and a draft evaluation of the four-norm test framework."""

    def __init__(self):
        self.board = Board.objects.create(name="Stichting A", bg_number="41001")
        self.people = {}
        for role in BoardRole.values:
            user = UserFactory.create(email=f"{role}@a.example.nl")
            Membership.objects.create(user=user, board=self.board, role=role)
            self.people[role] = user
        self.version = import_document(framework_doc())
        self.assessment = assessment_start(
            access=self.access(BoardRole.COORDINATOR),
            actor=self.people[BoardRole.COORDINATOR],
            framework_version=self.version,
            period="2026",
        )

    def access(self, role):
        return access_board(user=self.people[role], board_id=self.board.pk, action=Action.VIEW)

    def score(self, code):
        return self.assessment.scores.select_related("assessment", "norm").get(norm__code=code)


@pytest.fixture
def world(db):
    return World()
