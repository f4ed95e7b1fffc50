"""The differencing attacker against a whole synthetic round, through the stored releases.

test_disclosure.py attacks `protect()` on generated boards. This runs the same attacker on what
the sector roles actually read: the RoundFigure rows of two releases of a seeded round — one
made halfway through the submissions, one after all of them — knowing every board that shared
by name with anyone, when each board submitted and its target levels. Probed: nine norms, the
quadrant, the four goals and the use of each sector service.
"""

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest

from kompas.demo.synthetic import sector_seed
from kompas.frameworks.normenkader import SHIPPED_FRAMEWORK
from kompas.frameworks.services import framework_import
from kompas.monitoring.aggregates import (
    GOAL,
    QUADRANT,
    SERVICE,
    YES_NO_FIGURES,
    release_compute,
)
from kompas.monitoring.disclosure import Cell, Publication
from kompas.monitoring.models import (
    Release,
    RoundFigure,
    Submission,
    SubmittedScore,
    value_of,
)
from kompas.monitoring.tests.test_disclosure import Board, attack

pytestmark = pytest.mark.django_db

# A spread of norms: governance, technical, privacy; early and late in the framework.
PROBED = ("GO.01", "RM.02", "PB.02", "IP.01", "ID.02", "SM.04", "OP.02", "BC.03", "VW.01")
# Distributions without a share at target: the quadrant, the goals, the use of each service.
COUNTED = (QUADRANT, *(code for _subject, code in YES_NO_FIGURES))


@pytest.fixture
def seeded_round(settings):
    settings.MONITORING_MIN_BOARDS = 10
    framework_import(path=SHIPPED_FRAMEWORK)
    round_ = sector_seed(boards=260, rounds=1, seed=7).rounds[0]
    moments = list(
        Submission.objects.filter(round=round_)
        .order_by("submitted_at", "pk")
        .values_list("submitted_at", flat=True)
    )
    analyst = round_.opened_by
    assert analyst is not None
    for number, as_of in enumerate((moments[len(moments) // 2], moments[-1]), start=1):
        release = Release.objects.create(
            round=round_, number=number, requested_by=analyst, as_of=as_of
        )
        release_compute(release=release)
    return round_


def boards_of(round_):
    """Every submitting board as the attacker models it, with its true values and targets."""
    releases = list(Release.objects.filter(round=round_).order_by("number"))
    cells: dict[int, set[Cell]] = {}
    for submission_id, cut, value in Submission.objects.filter(round=round_).values_list(
        "pk", "cells__cut", "cells__value"
    ):
        cells.setdefault(submission_id, set()).add(Cell(cut, value))
    named = set(
        Submission.objects.filter(round=round_, consents__isnull=False).values_list("pk", flat=True)
    )
    values: dict[int, dict[str, str]] = {pk: {} for pk in cells}
    targets: dict[int, dict[str, int]] = {pk: {} for pk in cells}
    for submission_id, code, level, not_applicable, target in SubmittedScore.objects.filter(
        submission__round=round_, norm__code__in=PROBED
    ).values_list("submission_id", "norm__code", "level", "not_applicable", "target_level"):
        values[submission_id][code] = value_of(level=level, not_applicable=not_applicable)
        targets[submission_id][code] = target
    first: dict[int, int] = {}
    for submission in Submission.objects.filter(round=round_).only(
        "pk", "submitted_at", "quadrant", "has_approved_plan", "open_gaps", "projection"
    ):
        values[submission.pk][QUADRANT] = submission.quadrant
        first[submission.pk] = next(
            release.number for release in releases if submission.submitted_at <= release.as_of
        )
    for (_subject, code), condition in YES_NO_FIGURES.items():
        having = set(
            Submission.objects.filter(round=round_).filter(condition).values_list("pk", flat=True)
        )
        for pk in cells:
            values[pk][code] = "yes" if pk in having else "no"
    codes = (*PROBED, *COUNTED)
    return [
        Board(
            cells=frozenset(cells[pk]),
            named=pk in named,
            values=tuple(values[pk][code] for code in codes),
            targets=tuple(targets[pk].get(code, 3) for code in codes),
            release=first[pk],
        )
        for pk in sorted(cells)
    ], codes


def stored_publications(round_):
    """Per release, what its stored figures show, and their counts and shares as stored."""
    shown: dict[int, dict[str, set[Cell]]] = {}
    stored = {}
    for figure in RoundFigure.objects.filter(
        release__round=round_, subject__in=("norm", QUADRANT, GOAL, SERVICE), suppressed=False
    ).select_related("release"):
        code = figure.code
        if code in (*PROBED, *COUNTED):
            cell = Cell(figure.cut, figure.value)
            shown.setdefault(figure.release.number, {}).setdefault(code, set()).add(cell)
            stored[figure.release.number, code, cell] = figure
    publications = {
        number: Publication(
            cells=frozenset().union(*found.values()),
            norms={code: frozenset(cells) for code, cells in found.items()},
        )
        for number, found in shown.items()
    }
    return publications, stored


def test_no_board_is_pinned_down_by_the_releases_of_a_round(seeded_round):
    boards, codes = boards_of(seeded_round)
    publications, stored = stored_publications(seeded_round)
    assert set(publications) == {1, 2}, "the probe needs two published releases"
    assert all(len(found.cells) > 1 for found in publications.values())

    for index, code in enumerate(codes):
        # What is stored is what the boards' values give: the attacker reads the real figures.
        for number, publication in publications.items():
            for cell in publication.norms.get(code, ()):
                members = [b for b in boards if b.release <= number and cell in b.cells]
                figure = stored[number, code, cell]
                assert figure.counts == dict(Counter(b.values[index] for b in members))
                if code in PROBED:
                    applicable = [b for b in members if b.values[index] != "na"]
                    reached = sum(b.at_target(index) for b in members)
                    assert figure.share_at_target == (
                        (Decimal(100 * reached) / len(applicable)).quantize(
                            Decimal("0.1"), rounding=ROUND_HALF_UP
                        )
                    )
        found = attack(boards, publications, index, code, shares=code in PROBED)
        assert found == set(), code

    # Without disclosure control the same releases give boards away: the probe is not vacuous.
    every = frozenset(
        Cell(cut, value)
        for cut, value in RoundFigure.objects.filter(release__round=seeded_round).values_list(
            "cut", "value"
        )
    )
    unprotected = {
        number: Publication(cells=every, norms=dict.fromkeys(codes, every)) for number in (1, 2)
    }
    control = ("GO.01", "OP.02", QUADRANT, "school_cert")
    recovered = {
        code: attack(boards, unprotected, codes.index(code), code, shares=code in PROBED)
        for code in control
    }
    assert sum(len(pinned) for pinned in recovered.values()) > 20, recovered
