import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kompas.monitoring.models import RoundFigure
from kompas.monitoring.tasks import recompute_round_figures
from kompas.monitoring.tests.sector_world import Sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def sector(settings):
    settings.MONITORING_MIN_BOARDS = 2
    return Sector()


def run(round_, requested_at):
    return recompute_round_figures.call(round_.pk, requested_at.isoformat())


def test_the_task_recomputes_a_round_that_has_not_been_computed_since_it_was_asked(sector):
    sector.submit(sector.board())
    sector.submit(sector.board(levels=(2, 3, 4, 5)))

    assert run(sector.round, timezone.now()) is True

    sector.round.refresh_from_db()
    assert sector.round.aggregated_at is not None
    assert RoundFigure.objects.filter(round=sector.round).exists()


def test_a_burst_of_requests_is_folded_into_one_recomputation(sector):
    sector.submit(sector.board())
    asked = timezone.now()
    assert run(sector.round, asked) is True

    # A second request made before that recomputation started adds nothing: it stops.
    assert run(sector.round, asked) is False
    # A request made after it (a new submission since) recomputes.
    assert run(sector.round, timezone.now() + datetime.timedelta(seconds=1)) is True


def test_a_submission_asks_the_worker_for_new_figures(
    client, sector, django_capture_on_commit_callbacks
):
    board = sector.board()
    client.force_login(board.executive)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("monitoring:submit", args=[board.board.pk, sector.round.pk]),
            {f"round-{sector.round.pk}-share_with": []},
        )

    queued = DBTaskResult.objects.get()
    assert queued.task_path == "kompas.monitoring.tasks.recompute_round_figures"
    assert queued.args_kwargs["args"][0] == sector.round.pk
    # Nothing is computed in the board's request: the worker does it.
    sector.round.refresh_from_db()
    assert sector.round.aggregated_at is None


def test_the_analyst_can_ask_for_a_recomputation(
    client, sector, django_capture_on_commit_callbacks
):
    client.force_login(sector.analyst)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("monitoring:recompute", args=[sector.round.pk]))

    assert response.status_code == 302
    assert (
        DBTaskResult.objects.filter(
            task_path="kompas.monitoring.tasks.recompute_round_figures"
        ).count()
        == 1
    )
