import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Avg, Count, Q

from kompas.boards.models import Board
from kompas.frameworks.normenkader import SHIPPED_FRAMEWORK
from kompas.frameworks.services import framework_import
from kompas.monitoring.models import (
    Consent,
    MonitoringRound,
    RoundFigure,
    Submission,
    SubmittedScore,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(db):
    return framework_import(path=SHIPPED_FRAMEWORK).version


def seed(*, boards=40, rounds=2, seed=1):
    out = io.StringIO()
    call_command(
        "seed_sector", f"--boards={boards}", f"--rounds={rounds}", f"--seed={seed}", stdout=out
    )
    return out.getvalue()


class _Undo(Exception):
    pass


def figures_of_a_seeded_sector(seed_value):
    """Every figure of a small seeded sector, database ids left out; the seeding is rolled back."""
    found = []
    try:
        with transaction.atomic():
            seed(seed=seed_value)
            found = sorted(
                RoundFigure.objects.values_list(
                    "round__period",
                    "cut",
                    "value",
                    "subject",
                    "code",
                    "suppressed",
                    "boards",
                    "share_at_target",
                    "mean",
                    "median",
                    "counts",
                ),
                key=str,
            )
            raise _Undo
    except _Undo:
        pass
    return found


def test_it_seeds_boards_rounds_submissions_and_figures(shipped):
    output = seed()

    assert "Seeded 40 boards, 2 rounds" in output
    assert "Release of Synthetische meetronde 2025 computed in" in output
    boards = Board.objects.order_by("bg_number")
    assert boards.count() == 40
    assert (boards[0].name, boards[0].bg_number) == ("Synthetisch bestuur 00001", "80000")
    rounds = MonitoringRound.objects.order_by("period")
    assert [(r.period, r.framework_version_id) for r in rounds] == [
        ("2024", shipped.pk),
        ("2025", shipped.pk),
    ]
    assert all(r.published_release is not None for r in rounds)
    assert RoundFigure.objects.filter(round=rounds[0], cut="all", suppressed=False).exists()
    per_submission = Submission.objects.annotate(scores_count=Count("scores"))
    assert set(per_submission.values_list("scores_count", flat=True)) == {94}
    first = Submission.objects.order_by("pk")[0]
    cells = sorted(first.cells.values_list("cut", "value"))
    assert first.signature == "|".join(f"{cut}={value}" for cut, value in cells)
    assert ("size", first.size_class) in cells


def test_participation_grows_and_averages_rise_across_rounds(shipped):
    seed(boards=60, rounds=3)

    rounds = list(MonitoringRound.objects.order_by("period"))
    taking_part = [Submission.objects.filter(round=r).count() for r in rounds]
    means = [
        SubmittedScore.objects.filter(submission__round=r).aggregate(mean=Avg("level"))["mean"]
        for r in rounds
    ]
    assert taking_part == sorted(taking_part)
    assert taking_part[0] < 60
    assert 1.7 < means[0] < 2.1
    assert means[0] < means[1] < means[2]


def test_some_levels_are_open_early_some_not_applicable_some_boards_without_plan(shipped):
    seed()

    first = SubmittedScore.objects.filter(submission__round__period="2024")
    assert first.filter(level=None, not_applicable=False).exists()
    assert first.filter(not_applicable=True).exists()
    submissions = Submission.objects.filter(round__period="2024")
    assert submissions.filter(has_approved_plan=False).exists()
    assert submissions.filter(has_approved_plan=True).exists()
    assert submissions.filter(has_approved_plan=False, open_gaps__gt=0).exists()


def test_consents_go_to_every_audience_but_not_from_every_board(shipped):
    seed()

    audiences = dict(Consent.objects.values_list("audience").annotate(n=Count("id")))
    assert set(audiences) == {"support", "region", "inspectorate"}
    assert audiences["support"] > audiences["inspectorate"]
    assert Submission.objects.filter(~Q(consents__isnull=False)).exists()


def test_the_same_seed_gives_the_same_figures_and_another_seed_others(shipped):
    first = figures_of_a_seeded_sector(7)
    again = figures_of_a_seeded_sector(7)
    other = figures_of_a_seeded_sector(8)

    assert first
    assert first == again
    assert first != other


def test_it_refuses_without_the_shipped_framework(db):
    with pytest.raises(CommandError, match="import_framework kompas/frameworks/shipped/"):
        seed()
    assert not Board.objects.exists()


def test_it_refuses_a_second_run(shipped):
    seed(boards=5, rounds=1)

    with pytest.raises(CommandError, match="seeded before"):
        seed(boards=5, rounds=1)
    assert Board.objects.count() == 5


@pytest.mark.parametrize(
    ("boards", "rounds", "message"),
    [
        (0, 1, "--boards must be between 1 and 20,000"),
        (20_001, 1, "bevoegd-gezagnummers 80000-99999"),
        (5, 0, "--rounds must be between 1 and 10"),
        (5, 11, "--rounds must be between 1 and 10"),
    ],
)
def test_it_refuses_bad_arguments_with_a_clear_message(shipped, boards, rounds, message):
    with pytest.raises(CommandError, match=message):
        seed(boards=boards, rounds=rounds)
    assert not Board.objects.exists()
