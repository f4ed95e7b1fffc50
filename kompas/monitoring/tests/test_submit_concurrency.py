"""Eight submissions of one board to one round at once: one is made, the rest hear it was.

(The round's row lock, taken by submissions and by closing the round, serialises them; before
it, seven of eight answered 500 on PostgreSQL with an IntegrityError.)
"""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kompas.monitoring.models import Submission
from kompas.testing.concurrency import at_once, on_postgresql
from kompas.testing.sector import Sector

pytestmark = [pytest.mark.django_db(transaction=True), on_postgresql]


def test_concurrent_submissions_make_one_and_refuse_the_others_in_words():
    sector = Sector()
    participant = sector.board()

    def submit():
        with translation.override("en"):
            return sector.submit(participant)

    outcomes = at_once(submit, times=8)

    made = [found for found in outcomes if isinstance(found, Submission)]
    refused = [found for found in outcomes if isinstance(found, ValidationError)]
    assert len(made) == 1, outcomes
    assert len(refused) == 7, outcomes
    assert {" ".join(error.messages) for error in refused} == {
        "Your board has already submitted to this round."
    }
    assert Submission.objects.filter(board=participant.board).count() == 1


def test_concurrent_resubmissions_replace_the_snapshot_once():
    sector = Sector()
    participant = sector.board()
    first = sector.submit(participant)
    newer = sector.approve_again(participant, levels=(4, 4, 4, 4))

    def resubmit():
        with translation.override("en"):
            return sector.submit(newer)

    outcomes = at_once(resubmit, times=8)

    made = [found for found in outcomes if isinstance(found, Submission)]
    refused = [found for found in outcomes if isinstance(found, ValidationError)]
    assert len(made) == 1, outcomes
    assert made[0].replaces_id == first.pk
    assert {" ".join(error.messages) for error in refused} == {
        "Your board has already submitted to this round."
    }
    assert Submission.objects.filter(board=participant.board).count() == 2
