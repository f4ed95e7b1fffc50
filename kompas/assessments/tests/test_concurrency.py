"""Two people, or one double click, acting at once: exactly one change wins, nobody gets a 500."""

import pytest
from django.core.exceptions import ValidationError

from kompas.assessments.models import AssessmentStatus, SelfAssessment
from kompas.assessments.services import assessment_approve, assessment_reopen, assessment_submit
from kompas.boards.roles import BoardRole
from kompas.testing.concurrency import at_once, on_postgresql
from kompas.testing.world import World

pytestmark = pytest.mark.django_db(transaction=True)

COORD, EXEC = BoardRole.COORDINATOR, BoardRole.EXECUTIVE


def approved(world):
    world.assessment.scores.update(level=2)
    assessment_submit(
        access=world.access(COORD), actor=world.people[COORD], assessment=world.assessment
    )
    assessment_approve(
        access=world.access(EXEC), actor=world.people[EXEC], assessment=world.assessment
    )
    return world.assessment


def reopen(world, assessment, reason="Nieuwe audit"):
    return assessment_reopen(
        access=world.access(EXEC), actor=world.people[EXEC], assessment=assessment, reason=reason
    )


def open_versions(world):
    return SelfAssessment.objects.filter(board=world.board).exclude(
        status=AssessmentStatus.APPROVED
    )


@pytest.mark.usefixtures("english")
def test_reopening_twice_leaves_one_open_version_and_says_where_it_is():
    world = World()
    first = approved(world)
    reopened = reopen(world, first)

    with pytest.raises(ValidationError) as refused:
        reopen(world, first, reason="Nog eens")

    assert "Version 2 of this evaluation is still open" in " ".join(refused.value.messages)
    assert list(open_versions(world)) == [reopened]


@on_postgresql
def test_eight_reopens_at_once_make_one_open_version():
    world = World()
    first = approved(world)

    outcomes = at_once(lambda: reopen(world, first), times=8)

    made = [found for found in outcomes if isinstance(found, SelfAssessment)]
    refused = [found for found in outcomes if isinstance(found, ValidationError)]
    assert len(made) == 1, outcomes
    assert len(refused) == 7, outcomes
    assert open_versions(world).count() == 1


def test_the_approved_version_points_to_the_open_one_instead_of_offering_to_reopen(client):
    world = World()
    first = approved(world)
    reopened = reopen(world, first)
    client.force_login(world.people[EXEC])
    client.cookies["django_language"] = "en"

    page = client.get(f"/boards/{world.board.pk}/evaluations/{first.pk}/").text

    assert "Version 2 of this evaluation is open." in page
    assert f"/boards/{world.board.pk}/evaluations/{reopened.pk}/" in page
    assert "Reopen as a new version" not in page
