"""A period carried over a framework revision survives export and restore, mapping and all."""

import json

import pytest
from django.core.management import call_command

from kompas.assessments.models import NormScore, SelfAssessment
from kompas.boards.models import Board, BoardSector, SectorAssignment
from kompas.boards.roles import BoardRole, SectorRole
from kompas.exports.board_export import board_document
from kompas.exports.board_import import board_import
from kompas.exports.tests.export_world import as_new_board, counts, refusal, text_of
from kompas.frameworks.models import FrameworkVersion, Mapping
from kompas.monitoring.models import Submission
from kompas.monitoring.services import round_open, submission_create
from kompas.testing.frameworks import (
    framework_doc,
    import_document,
    import_mapping_document,
    revision_docs,
)
from kompas.testing.people import UserFactory
from kompas.testing.revision import RevisionWorld


def carried_world():
    world = RevisionWorld()
    world.import_mapping()
    return world, world.start_revised()


@pytest.mark.django_db(transaction=True)
def test_the_mapping_and_where_each_score_came_from_come_back():
    world, _later = carried_world()
    text = text_of(board_document(board=world.board))
    document = json.loads(text)
    evaluation = next(item for item in document["evaluations"] if item["period"] == "2028")
    assert evaluation["mapping"] == {
        "source": {"framework": "revisiekader", "framework_version": "1.0"},
        "target": {"framework": "revisiekader", "framework_version": "2.0"},
    }
    carried = {score["norm"]: score["carried"] for score in evaluation["scores"]}
    assert [item["code"] for item in carried["GO.02"]] == ["GO.02", "GO.03"]
    assert carried["BV.03"] == []

    call_command("flush", interactive=False)
    import_document(framework_doc())
    old, new, mapping = revision_docs(slug="revisiekader")
    import_document(old)
    import_document(new)
    import_mapping_document(mapping)
    result = board_import(document=document, actor_email="manage.py import_board")

    assert text_of(board_document(board=result.board)) == text
    restored = SelfAssessment.objects.get(board=result.board, period="2028")
    assert restored.mapping == Mapping.objects.get()
    assert NormScore.objects.get(assessment=restored, norm__code="GO.02").needs_review


@pytest.mark.django_db(transaction=True)
def test_a_period_carried_over_a_mapping_this_installation_lacks_is_refused():
    world, _later = carried_world()
    document = as_new_board(board_document(board=world.board))
    # The mapping as this installation has it now leads elsewhere: the one the period came
    # through is not here.
    elsewhere = FrameworkVersion.objects.get(framework__slug="test-kader")
    Mapping.objects.update(target=elsewhere)
    before = counts()

    error = refusal(document)

    assert any(
        "evaluations[" in line
        and ".mapping: the mapping from revisiekader 1.0 to revisiekader 2.0 is not installed "
        "here; import it first (manage.py import_mapping FILE)"
        in line
        for line in error.lines()
    ), error.lines()
    assert counts() == before
    assert Board.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_submission_translated_through_a_mapping_comes_back_with_it():
    world, _later = carried_world()
    BoardSector.objects.create(board=world.board, sector="PO")
    analyst = UserFactory.create(email="analist@dvo.example.nl")
    SectorAssignment.objects.create(user=analyst, role=SectorRole.PROGRAMME_ANALYST)
    round_ = round_open(
        actor=analyst, name="Meetronde 2027", framework_version=world.new, period="2027",
        sectors=["PO"],
    )  # fmt: skip
    submission_create(
        access=world.access(BoardRole.EXECUTIVE),
        actor=world.people[BoardRole.EXECUTIVE],
        round_=round_,
        assessment=world.earlier,
        share_with=set(),
    )
    document = as_new_board(json.loads(text_of(board_document(board=world.board))))
    assert document["submissions"][0]["mapping"] == {
        "source": {"framework": "revisiekader", "framework_version": "1.0"},
        "target": {"framework": "revisiekader", "framework_version": "2.0"},
    }
    untranslated = json.loads(json.dumps(document))
    untranslated["submissions"][0]["mapping"] = None
    assert refusal(untranslated).lines() == [
        (
            "board.json: submissions[0].evaluation: is of revisiekader 1.0, but the round asks for "
            "revisiekader 2.0, and the submission names no mapping from the one to the other"
        )
    ]

    result = board_import(document=document, filename="board.json", actor_email="test")

    restored = Submission.objects.get(board=result.board)
    assert restored.mapping == Mapping.objects.get()
    assert restored.round == round_
