"""Restoring a board refuses only the characters no database can store, with their place.

Anything else the board's data held comes back as it was, control characters included
(test_board_export's hostile text): the restore gives back what the export read.
"""

import copy

import pytest

from kompas.boards.models import Board
from kompas.exports.board_export import board_document
from kompas.exports.board_import import BoardFileError, board_import

pytestmark = pytest.mark.django_db


def as_new_board(world):
    document = copy.deepcopy(board_document(board=world.board))
    document["board"]["bg_number"] = "42998"
    return document


def test_a_nul_anywhere_in_the_document_is_refused_with_its_place(plan_world):
    document = as_new_board(plan_world)
    document["board"]["name"] = "Stichting\x00 A"
    document["evaluations"][0]["scores"][0]["explanation"] = "Goed\ud800"

    with pytest.raises(BoardFileError) as refused:
        board_import(document=document, filename="board.json", actor_email="test")

    assert refused.value.lines() == [
        (
            "board.json: board.name: has the invisible character U+0000 (NUL) at position 10, "
            "which is not allowed in text; remove it"
        ),
        (
            "board.json: evaluations[0].scores[0].explanation: has the invisible character "
            "U+D800 (surrogate) at position 5, which is not allowed in text; remove it"
        ),
    ]
    assert not Board.objects.filter(bg_number="42998").exists()


def test_other_control_characters_are_restored_as_they_were(plan_world):
    document = as_new_board(plan_world)
    document["board"]["name"] = "Stichting\x01\x1b A\x7f"

    result = board_import(document=document, filename="board.json", actor_email="test")

    assert result.board.name == "Stichting\x01\x1b A\x7f"
