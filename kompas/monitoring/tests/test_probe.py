"""The differencing attacker against a whole synthetic round, through the stored figures.

test_disclosure.py attacks `protect()` on generated groups. This runs the same attacker on what
the sector roles actually read: a seeded round's RoundFigure rows (the published cells per norm
and the quadrant, with their counts), knowing every board that shared by name with anyone.
"""

from collections import Counter

import pytest

from kompas.demo.synthetic import sector_seed
from kompas.frameworks.normenkader import SHIPPED_FRAMEWORK
from kompas.frameworks.services import framework_import
from kompas.monitoring.aggregates import QUADRANT, release_now
from kompas.monitoring.disclosure import Cell, Publication
from kompas.monitoring.models import RoundFigure, Submission, SubmittedScore, value_of
from kompas.monitoring.tests.test_disclosure import Board, attack

pytestmark = pytest.mark.django_db

# A spread of norms: governance, technical, privacy; early and late in the framework.
PROBED = ("GO.01", "RM.02", "PB.02", "IP.01", "ID.02", "SM.04", "OP.02", "BC.03", "VW.01")


@pytest.fixture
def seeded_round(settings):
    settings.MONITORING_MIN_BOARDS = 10
    framework_import(path=SHIPPED_FRAMEWORK)
    round_ = sector_seed(boards=260, rounds=1, seed=7).rounds[0]
    release_now(round_=round_)
    return round_


def boards_of(round_, norms):
    """Every submitting board as the attacker models it, with its true values."""
    cells: dict[int, set[Cell]] = {}
    for submission_id, cut, value in Submission.objects.filter(round=round_).values_list(
        "pk", "cells__cut", "cells__value"
    ):
        cells.setdefault(submission_id, set()).add(Cell(cut, value))
    named = set(
        Submission.objects.filter(round=round_, consents__isnull=False).values_list("pk", flat=True)
    )
    values: dict[int, dict[str, str]] = {pk: {} for pk in cells}
    for submission_id, code, level, not_applicable in SubmittedScore.objects.filter(
        submission__round=round_, norm__code__in=norms
    ).values_list("submission_id", "norm__code", "level", "not_applicable"):
        values[submission_id][code] = value_of(level=level, not_applicable=not_applicable)
    for submission_id, quadrant in Submission.objects.filter(round=round_).values_list(
        "pk", "quadrant"
    ):
        values[submission_id][QUADRANT] = quadrant
    return [
        Board(
            cells=frozenset(cells[pk]),
            named=pk in named,
            values=tuple(values[pk][code] for code in (*norms, QUADRANT)),
        )
        for pk in sorted(cells)
    ]


def test_no_board_s_level_can_be_recovered_from_a_round_s_published_figures(seeded_round):
    boards = boards_of(seeded_round, PROBED)
    shown_cells: dict[str, set[Cell]] = {}
    stored: dict[tuple[str, Cell], dict[str, int]] = {}
    for figure in RoundFigure.objects.filter(
        round=seeded_round, subject__in=("norm", QUADRANT), suppressed=False
    ):
        if figure.code in (*PROBED, QUADRANT):
            cell = Cell(figure.cut, figure.value)
            shown_cells.setdefault(figure.code, set()).add(cell)
            stored[figure.code, cell] = figure.counts or {}
    publication = Publication(
        cells=frozenset().union(*shown_cells.values()),
        norms={code: frozenset(cells) for code, cells in shown_cells.items()},
    )
    assert len(publication.cells) > 1, "the probe needs published figures to attack"

    for index, code in enumerate((*PROBED, QUADRANT)):
        # What is stored is what the boards' values give: the attacker reads the real figures.
        for cell in publication.norms.get(code, ()):
            truth = Counter(board.values[index] for board in boards if cell in board.cells)
            assert stored[code, cell] == dict(truth)
        assert attack(boards, publication, index, code) == set(), code


def test_the_probe_does_find_levels_if_every_cell_were_published(seeded_round):
    """Without disclosure control the same round gives boards away: the probe is not vacuous."""
    boards = boards_of(seeded_round, PROBED)
    every = frozenset(
        Cell(cut, value)
        for cut, value in RoundFigure.objects.filter(round=seeded_round).values_list("cut", "value")
    )
    publication = Publication(cells=every, norms=dict.fromkeys((*PROBED, QUADRANT), every))

    found = {
        code: attack(boards, publication, index, code)
        for index, code in enumerate((*PROBED, QUADRANT))
    }

    assert any(found.values())
