"""A round on a revised framework version (issue 16): a board that evaluated itself on the
earlier version submits through the mapping, translated and marked, or is told why it cannot."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from kompas.boards.models import BoardSector, SectorAssignment
from kompas.boards.roles import BoardRole, SectorRole
from kompas.monitoring import selectors
from kompas.monitoring.services import round_open, submission_create
from kompas.testing.people import UserFactory
from kompas.testing.revision import RevisionWorld

pytestmark = pytest.mark.django_db

EXEC = BoardRole.EXECUTIVE
OLD, NEW = "Testkader voor scholen 1.0", "Testkader voor scholen 2.0"


def revised_round(world):
    """A 2027 round on version 2.0, for the board's sector."""
    BoardSector.objects.create(board=world.board, sector="PO")
    analyst = UserFactory.create(email="analist@dvo.example.nl")
    SectorAssignment.objects.create(user=analyst, role=SectorRole.PROGRAMME_ANALYST)
    return round_open(
        actor=analyst,
        name="Meetronde 2027",
        framework_version=world.new,
        period="2027",
        sectors=["PO"],
    )


def submit(world, round_):
    return submission_create(
        access=world.access(EXEC),
        actor=world.people[EXEC],
        round_=round_,
        assessment=world.earlier,
        share_with=set(),
    )


def test_without_a_mapping_the_board_is_told_why_it_cannot_submit():
    world = RevisionWorld()
    round_ = revised_round(world)

    with translation.override("en"):
        fits = selectors.round_evaluation(board=world.board, round_=round_)
        with pytest.raises(ValidationError) as error:
            submit(world, round_)

    assert fits.assessment is None
    assert fits.why_not == (
        f"Your approved self-evaluation 2027 uses {OLD}; this round asks for {NEW}, and there "
        "is no mapping from the one to the other to translate it through."
    )
    assert error.value.messages == [
        (
            f"The round asks for {NEW} and your evaluation uses {OLD}; there is no mapping between "
            "the two to translate it through."
        )
    ]
    assert not round_.submissions.exists()


def test_through_the_mapping_the_levels_are_read_in_the_round_s_norms_and_marked():
    # 2027 on 1.0: GO.01 2 (target 3), GO.02 3 (3), GO.03 1 (4), BC.03 4 (3), BV.01 2 (3),
    # BV.02 not applicable. 2.0 merges GO.02 and GO.03, splits BC.03, drops BV.01, adds BV.03.
    world = RevisionWorld()
    mapping = world.import_mapping()
    round_ = revised_round(world)

    fits = selectors.round_evaluation(board=world.board, round_=round_)
    submission = submit(world, round_)

    assert (fits.assessment, fits.mapping) == (world.earlier, mapping)
    assert submission.mapping == mapping
    assert submission.assessment == world.earlier
    scores = {
        score.norm.code: (score.level, score.target_level, score.not_applicable, score.at_target)
        for score in submission.scores.select_related("norm")
    }
    assert scores == {
        "GO.01": (2, 3, False, False),
        "GO.02": (1, 4, False, False),  # the lowest level, the highest target
        "BC.03": (4, 3, False, True),
        "BC.04": (4, 3, False, True),
        "BV.02": (None, 3, True, False),
        "BV.03": (None, 3, False, False),  # new: not assessed
    }
    assert set(submission.scores.values_list("norm__framework_version", flat=True)) == {
        world.new.pk
    }
    domains = dict(submission.domain_levels.values_list("code", "mean"))
    assert {code: str(mean) for code, mean in domains.items() if mean is not None} == {
        "GO": "1.5",
        "BC": "4.0",
    }


def test_the_rounds_page_says_the_evaluation_is_translated(client):
    world = RevisionWorld()
    world.import_mapping()
    round_ = revised_round(world)
    client.force_login(world.people[EXEC])
    client.cookies["django_language"] = "en"
    url = reverse("monitoring:board_rounds", args=[world.board.pk])

    page = client.get(url).text
    client.post(reverse("monitoring:submit", args=[world.board.pk, round_.pk]))
    after = client.get(url).text

    assert f"Your evaluation uses {OLD}; the round asks for {NEW}." in page
    assert "The submission is marked as translated." in page
    assert f"translated from {OLD}" in after
