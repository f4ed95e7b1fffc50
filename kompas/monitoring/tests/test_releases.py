"""Releases: the analyst makes them, the worker computes them, pages show them and nothing live."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from kompas.audit.models import AuditEvent
from kompas.monitoring.aggregates import (
    GOAL,
    GOALS,
    PARTICIPATION,
    QUADRANT,
    release_compute,
    submissions_digest,
)
from kompas.monitoring.models import MonitoringRound, Release, RoundFigure, Submission
from kompas.monitoring.services import release_request, round_close
from kompas.monitoring.tasks import compute_release

pytestmark = pytest.mark.django_db

SPREAD = ((1, 2, 3, 4), (2, 3, 4, 5), (3, 3, 2, 1), (4, 2, 1, 3), (2, 2, 5, 3))


@pytest.fixture
def sector(sector, settings):
    settings.MONITORING_MIN_BOARDS = 2
    settings.MONITORING_INTERIM_RELEASES = 2
    return sector


def submit_spread(sector, spread=SPREAD):
    for levels in spread:
        sector.submit(sector.board(levels=levels))


def main(html):
    """The page's content, without what differs per response (CSRF tokens)."""
    return re.sub(r'value="[A-Za-z0-9]{64}"', "", html.split("<main")[1].split("</main>")[0])


def whole_round(release, code="GO.01"):
    return RoundFigure.objects.get(release=release, cut="all", subject="norm", code=code)


def test_the_analyst_asks_for_a_release_and_the_worker_publishes_it(
    client, sector, django_capture_on_commit_callbacks
):
    submit_spread(sector)
    client.force_login(sector.analyst)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("monitoring:make_release", args=[sector.round.pk]))

    assert response.status_code == 302
    release = Release.objects.get(round=sector.round)
    assert (release.number, release.status, release.final) == (1, "pending", False)
    queued = DBTaskResult.objects.get(task_path="kompas.monitoring.tasks.compute_release")
    assert queued.args_kwargs["args"] == [release.pk]
    assert AuditEvent.objects.filter(object_type="monitoring.release").exists()

    assert compute_release.call(release.pk) == "published"
    release.refresh_from_db()
    ids = Submission.objects.filter(round=sector.round).values_list("pk", flat=True)
    assert release.submissions == 5
    assert release.digest == submissions_digest(ids)
    assert release.parameters["k"] == 2
    assert ["all", ""] in release.shown["cells"]
    assert MonitoringRound.objects.get(pk=sector.round.pk).published_release == release
    # Running the task again changes nothing.
    assert compute_release.call(release.pk) == "published"
    assert Release.objects.filter(round=sector.round).count() == 1


def test_a_submission_after_a_release_changes_no_page_until_the_next_release(
    client, sector, english
):
    submit_spread(sector)
    first = release_request(actor=sector.analyst, round_=sector.round)
    release_compute(release=first)
    client.force_login(sector.analyst)
    before = client.get(reverse("monitoring:round", args=[sector.round.pk])).text

    sector.submit(sector.board(levels=(5, 5, 5, 5)))

    after = client.get(reverse("monitoring:round", args=[sector.round.pk])).text
    assert main(after) == main(before)
    assert "<dt>Submissions counted</dt><dd>5</dd>" in after
    assert whole_round(first).boards == 5


def test_an_interim_release_waits_for_k_new_boards(sector, settings):
    settings.MONITORING_MIN_BOARDS = 3
    submit_spread(sector)
    release_compute(release=release_request(actor=sector.analyst, round_=sector.round))
    sector.submit(sector.board(levels=(5, 4, 3, 2)))

    second = release_request(actor=sector.analyst, round_=sector.round)
    release_compute(release=second)

    second.refresh_from_db()
    assert second.status == "refused"
    assert "Fewer than 3 boards" in second.refusal
    assert not RoundFigure.objects.filter(release=second).exists()
    published = MonitoringRound.objects.get(pk=sector.round.pk).published_release
    assert published is not None
    assert published.number == 1


def test_one_release_at_a_time_and_at_most_the_set_number_of_interim_ones(sector):
    submit_spread(sector)
    pending = release_request(actor=sector.analyst, round_=sector.round)
    with pytest.raises(ValidationError, match="nog een publicatie"):
        release_request(actor=sector.analyst, round_=sector.round)
    release_compute(release=pending)
    submit_spread(sector)
    release_compute(release=release_request(actor=sector.analyst, round_=sector.round))

    with pytest.raises(ValidationError, match="hoogstens 2 tussentijdse publicaties"):
        release_request(actor=sector.analyst, round_=sector.round)


def test_closing_makes_the_final_release_and_ends_submissions(sector):
    submit_spread(sector)
    late = sector.board()

    final = round_close(actor=sector.analyst, round_=sector.round)
    release_compute(release=final)

    final.refresh_from_db()
    assert (final.final, final.status) == (True, "published")
    with pytest.raises(ValidationError, match="gesloten"):
        sector.submit(late)
    with pytest.raises(ValidationError, match="al gesloten"):
        round_close(actor=sector.analyst, round_=sector.round)
    with pytest.raises(ValidationError, match="eindpublicatie"):
        release_request(actor=sector.analyst, round_=sector.round)


def test_only_the_analyst_makes_releases(sector):
    board = sector.board()
    with pytest.raises(PermissionDenied):
        release_request(actor=board.executive, round_=sector.round)
    with pytest.raises(PermissionDenied):
        round_close(actor=board.executive, round_=sector.round)


def test_an_earlier_release_is_shown_again_exactly_as_published(client, sector, english):
    submit_spread(sector)
    release_compute(release=release_request(actor=sector.analyst, round_=sector.round))
    client.force_login(sector.analyst)
    first_url = reverse("monitoring:release", args=[sector.round.pk, 1])
    before = client.get(first_url).text
    submit_spread(sector, SPREAD[:3])
    release_compute(release=release_request(actor=sector.analyst, round_=sector.round))

    latest = client.get(reverse("monitoring:round", args=[sector.round.pk])).text
    again = client.get(first_url).text

    assert "<dt>Submissions counted</dt><dd>8</dd>" in latest
    assert "<dt>Submissions counted</dt><dd>5</dd>" in again
    assert "show the latest release" in again
    # The figures of release 1 are as they were.
    assert (
        main(again).split("About these figures")[1] == main(before).split("About these figures")[1]
    )
    assert client.get(reverse("monitoring:release", args=[sector.round.pk, 9])).status_code == 404


def test_every_figure_subject_fits_its_column():
    """SQLite does not enforce a column's length; PostgreSQL refuses a longer subject."""
    width = RoundFigure._meta.get_field("subject").max_length
    code_width = RoundFigure._meta.get_field("code").max_length
    assert width is not None
    assert code_width is not None
    assert all(len(subject) <= width for subject in ("norm", "domain", "part", QUADRANT, GOAL))
    assert len(PARTICIPATION) <= width
    assert all(len(goal) <= code_width for goal in GOALS)
