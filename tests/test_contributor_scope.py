"""Issue 17 (BRIEF 3): the coordinator decides per board whether contributors edit every norm
and measure or only those assigned to them; the services hold to it, whatever the page shows."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kompas.assessments.models import NormScore
from kompas.assessments.services import ScoreChange, score_update
from kompas.audit.models import AuditEvent
from kompas.boards.models import ContributorScope
from kompas.boards.roles import BoardRole
from kompas.boards.services import contributor_scope_set
from kompas.plans.services import MeasureData, measure_create, measure_progress
from kompas.testing.world import PlanWorld

pytestmark = pytest.mark.django_db

COORD, CONTRIB = BoardRole.COORDINATOR, BoardRole.CONTRIBUTOR


@pytest.fixture
def world():
    world = PlanWorld()
    contributor = world.people[CONTRIB]
    NormScore.objects.filter(assessment=world.assessment, norm__code="GO.01").update(
        assignee=contributor
    )
    contributor_scope_set(
        access=world.access(COORD), actor=world.people[COORD], scope=ContributorScope.ASSIGNED
    )
    world.board.refresh_from_db()
    return world


def change(level):
    return ScoreChange(
        level=level,
        target_level=3,
        not_applicable=False,
        not_applicable_reason="",
        explanation="",
        assignee_id=None,
    )


def save(world, code, level):
    score = world.score(code)
    return score_update(
        access=world.access(CONTRIB),
        actor=world.people[CONTRIB],
        score=score,
        revision=score.revision,
        change=change(level),
    )


def test_a_limited_contributor_saves_their_own_norm_only(world):
    save(world, "GO.01", 3)
    with pytest.raises(PermissionDenied):
        save(world, "GO.02", 1)

    assert world.score("GO.01").level == 3
    assert world.score("GO.02").level == 3  # as the plan world set it


def test_the_norm_form_is_read_only_for_a_norm_of_someone_else(world, client):
    client.force_login(world.people[CONTRIB])

    def norm(code):
        url = reverse("assessments:norm", args=[world.board.pk, world.assessment.pk, code])
        return client.get(url).text

    assert 'name="level"' in norm("GO.01")
    assert 'name="level"' not in norm("GO.02")


def test_a_limited_contributor_owns_the_measures_they_make_and_edits_only_those(world):
    contributor = world.people[CONTRIB]
    theirs = world.measure("GO.01", owner_id=contributor.pk, title="Van mij")
    others = world.measure("BC.03", title="Van de coördinator")

    data = MeasureData(
        title="Nieuw", description="", owner_id=world.people[COORD].pk, start_date=None,
        due_date=theirs.due_date, status="planned", effort_days=None, cost_euros=None,
        priority="medium",
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        measure_create(
            access=world.access(CONTRIB), actor=contributor, data=data,
            links={world.norm("GO.01").pk: 3},
        )  # fmt: skip
    assert "owner" in refused.value.message_dict
    measure_progress(
        access=world.access(CONTRIB), actor=contributor, measure=theirs, status="in_progress",
        remark="Begonnen.",
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        measure_progress(
            access=world.access(CONTRIB), actor=contributor, measure=others,
            status="in_progress", remark="Ook begonnen.",
        )  # fmt: skip


def test_with_every_norm_open_to_them_contributors_edit_all_again(world):
    contributor_scope_set(
        access=world.access(COORD), actor=world.people[COORD], scope=ContributorScope.ALL
    )

    save(world, "GO.02", 1)

    assert world.score("GO.02").level == 1
    assert AuditEvent.objects.filter(
        object_type="boards.board", changes__contributors_edit=["assigned", "all"]
    ).exists()


def test_only_the_coordinator_sets_it_from_the_members_page(world, client):
    url = reverse("boards:contributor_scope", args=[world.board.pk])
    client.force_login(world.people[BoardRole.EXECUTIVE])
    assert client.post(url, {"scope": "all"}).status_code == 403

    client.force_login(world.people[COORD])
    assert client.post(url, {"scope": "everything"}).status_code == 302
    world.board.refresh_from_db()
    assert world.board.contributors_edit == "assigned"  # a bad choice changes nothing
    client.post(url, {"scope": "all"})
    world.board.refresh_from_db()
    assert world.board.contributors_edit == "all"
