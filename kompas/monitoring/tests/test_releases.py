"""Releases: the analyst makes them, the worker computes them, pages show them and nothing live."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kompas.audit.models import AuditEvent
from kompas.boards.access import access_board
from kompas.boards.roles import Action
from kompas.monitoring import aggregates
from kompas.monitoring.aggregates import (
    GOAL,
    GOALS,
    PARTICIPATION,
    QUADRANT,
    release_compute,
    release_now,
    submissions_digest,
)
from kompas.monitoring.models import MonitoringRound, Release, RoundFigure, Submission
from kompas.monitoring.services import (
    release_request,
    round_close,
    round_open,
    submission_create,
)
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


# Across rounds: a board that submits the same evaluation again --------------------------------


def resubmit(participant, round_):
    return submission_create(
        access=access_board(
            user=participant.executive, board_id=participant.board.pk, action=Action.VIEW
        ),
        actor=participant.executive,
        round_=round_,
        assessment=participant.assessment,
        share_with=set(),
    )


def next_round(sector):
    """A second round of the same framework and year, opened after the first.

    Of the same year, so a board may submit the same evaluation again (an evaluation fits a
    round of its own year only).
    """
    MonitoringRound.objects.filter(pk=sector.round.pk).update(
        opened_at=timezone.now() - datetime.timedelta(days=365)
    )
    return round_open(
        actor=sector.analyst,
        name="Meetronde 2026, tweede ronde",
        framework_version=sector.version,
        period="2025-2026",
        sectors=["PO", "VO"],
    )


def whole(release, code):
    return RoundFigure.objects.get(release=release, cut="all", value="", subject="norm", code=code)


def joiner_exposed(sector):
    """Five boards submit; the next round they resubmit as they were and one board joins.

    Returns the norms whose figures in both rounds give the joiner's level by difference.
    """
    spread = ((1, 2, 3, 4), (2, 2, 3, 5), (3, 2, 4, 5), (3, 3, 1, 4), (2, 3, 2, 3))
    boards = [sector.board(levels=levels) for levels in spread]
    for participant in boards:
        sector.submit(participant)
    first = release_now(round_=sector.round, final=True)
    later = next_round(sector)
    for participant in boards:
        resubmit(participant, later)
    joiner = sector.board(levels=(4, 4, 2, 2))
    submission_create(
        access=access_board(user=joiner.executive, board_id=joiner.board.pk, action=Action.VIEW),
        actor=joiner.executive,
        round_=later,
        assessment=joiner.assessment,
        share_with=set(),
    )
    second = release_now(round_=later, final=True)
    exposed = []
    for code in ("GO.01", "GO.02", "BC.03", "BV.01"):
        before, after = whole(first, code), whole(second, code)
        if before.suppressed or after.suppressed:
            continue
        difference = {
            value: after.counts.get(value, 0) - before.counts.get(value, 0)
            for value in after.counts
        }
        if sum(difference.values()) == 1 and all(count >= 0 for count in difference.values()):
            exposed.append(code)
    return exposed


def test_a_board_joining_beside_resubmitted_evaluations_is_not_given_away(sector):
    assert joiner_exposed(sector) == []


def test_without_the_link_the_same_rounds_give_the_joiner_away(sector, monkeypatch):
    # The control: the audit blind to the previous round publishes what differencing exposes.
    monkeypatch.setattr(aggregates._Link, "__init__", _no_previous_round)
    assert joiner_exposed(sector) != []


def _no_previous_round(self, round_, unknown):
    self.previous, self.releases, self.cells_of = None, [], {}
    self.strata = aggregates._Strata({}, [])


def test_an_evaluation_shared_by_name_once_counts_as_known_when_submitted_again(sector):
    participant = sector.board()
    sector.submit(participant, share_with={"inspectorate"})
    later = next_round(sector)

    again = resubmit(participant, later)

    assert not aggregates.unknown_submissions(later).filter(pk=again.pk).exists()
