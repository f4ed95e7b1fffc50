import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kompas.assessments.models import AssessmentStatus, FrozenError, NormScore
from kompas.assessments.services import (
    ScoreChange,
    ScoreConflict,
    assessment_approve,
    assessment_reopen,
    assessment_start,
    assessment_submit,
    score_update,
)
from kompas.audit.models import AuditAction, AuditEvent
from kompas.boards.roles import BoardRole
from kompas.testing.people import UserFactory

COORD, EXEC = BoardRole.COORDINATOR, BoardRole.EXECUTIVE


def change(*, level=3, target=3, na=False, reason="", explanation="", assignee=None):
    return ScoreChange(level, target, na, reason, explanation, assignee)


def save(world, code, role=COORD, **kwargs):
    score = world.score(code)
    return score_update(
        access=world.access(role),
        actor=world.people[role],
        score=score,
        revision=score.revision,
        change=change(**kwargs),
    )


def assess_all(world):
    for score in world.assessment.scores.select_related("norm"):
        save(world, score.norm.code, level=2)


def test_starting_creates_one_unassessed_score_per_norm_at_the_target_level(world):
    scores = list(world.assessment.scores.all())

    assert len(scores) == 4
    assert {(s.level, s.target_level, s.to_confirm) for s in scores} == {(None, 3, False)}


def test_saving_a_norm_records_who_when_and_what_changed(world):
    saved = save(world, "GO.01", level=2, explanation="Beleid in concept.")

    assert (saved.level, saved.revision, saved.updated_by) == (2, 1, world.people[COORD])
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, board_id=world.board.pk)
    assert event.changes["level"] == [None, 2]


def test_a_stale_revision_is_refused_and_nothing_is_overwritten(world):
    opened = world.score("GO.01")  # two colleagues open the same norm
    save(world, "GO.01", level=4, explanation="Van collega")

    with pytest.raises(ScoreConflict) as clash:
        score_update(
            access=world.access(COORD),
            actor=world.people[COORD],
            score=opened,
            revision=opened.revision,
            change=change(level=1),
        )

    assert clash.value.current.level == 4
    assert world.score("GO.01").level == 4


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"na": True, "reason": "  ", "level": None}, "not_applicable_reason"),
        ({"target": 2}, "target_level"),
        ({"level": 6}, "level"),
        ({"na": True, "reason": "Geen eigen netwerk", "level": 2}, "level"),
    ],
)
def test_invalid_scores_are_refused_with_the_field_named(world, kwargs, field):
    with pytest.raises(ValidationError) as error:
        save(world, "GO.01", **kwargs)

    assert field in error.value.message_dict
    assert world.score("GO.01").revision == 0


def test_a_board_may_aim_higher_than_the_framework(world):
    assert save(world, "GO.01", level=3, target=4).target_level == 4


def test_roles_that_may_not_edit_are_refused(world):
    for role in (BoardRole.SUPERVISOR, BoardRole.AUDITOR, BoardRole.PRIVACY_OFFICER, EXEC):
        with pytest.raises(PermissionDenied):
            save(world, "GO.01", role=role)


def test_submitting_needs_every_norm_assessed_or_not_applicable_with_a_reason(world):
    save(world, "GO.01", level=3)
    with pytest.raises(ValidationError, match=r"GO\.02"):
        assessment_submit(
            access=world.access(COORD), actor=world.people[COORD], assessment=world.assessment
        )
    save(world, "GO.02", level=None, na=True, reason="Geen eigen beleid nodig")
    save(world, "BC.03", level=1)
    save(world, "BV.01", level=2)

    assessment_submit(
        access=world.access(COORD), actor=world.people[COORD], assessment=world.assessment
    )

    world.assessment.refresh_from_db()
    assert world.assessment.status == AssessmentStatus.SUBMITTED


def test_only_the_executive_approves_and_then_nothing_can_change(world):
    assess_all(world)
    assessment_submit(
        access=world.access(COORD), actor=world.people[COORD], assessment=world.assessment
    )
    with pytest.raises(PermissionDenied):
        assessment_approve(
            access=world.access(COORD), actor=world.people[COORD], assessment=world.assessment
        )

    assessment_approve(
        access=world.access(EXEC), actor=world.people[EXEC], assessment=world.assessment
    )

    with pytest.raises(FrozenError):
        save(world, "GO.01", level=5)
    score = world.score("GO.01")
    score.level = 5
    with pytest.raises(FrozenError):
        score.save()
    with pytest.raises(FrozenError):
        NormScore.objects.filter(assessment=world.assessment).update(level=5)
    with pytest.raises(FrozenError):
        score.delete()
    assert set(world.assessment.scores.values_list("level", flat=True)) == {2}


def test_reopening_makes_a_new_version_and_keeps_the_approved_one(world):
    assess_all(world)
    assessment_submit(
        access=world.access(COORD), actor=world.people[COORD], assessment=world.assessment
    )
    assessment_approve(
        access=world.access(EXEC), actor=world.people[EXEC], assessment=world.assessment
    )
    with pytest.raises(ValidationError):
        assessment_reopen(
            access=world.access(EXEC),
            actor=world.people[EXEC],
            assessment=world.assessment,
            reason=" ",
        )

    reopened = assessment_reopen(
        access=world.access(EXEC),
        actor=world.people[EXEC],
        assessment=world.assessment,
        reason="Nieuwe audit",
    )

    world.assessment.refresh_from_db()
    assert world.assessment.status == AssessmentStatus.APPROVED
    assert (reopened.version, reopened.status, reopened.period) == (2, "draft", "2026")
    assert set(reopened.scores.values_list("level", flat=True)) == {2}


def test_a_new_period_starts_from_the_previous_scores_marked_to_confirm(world):
    save(world, "GO.01", level=3, explanation="Vorig jaar")

    following = assessment_start(
        access=world.access(COORD),
        actor=world.people[COORD],
        framework_version=world.version,
        period="2027",
        previous=world.assessment,
    )

    copied = following.scores.get(norm__code="GO.01")
    assert (copied.level, copied.explanation, copied.to_confirm) == (3, "Vorig jaar", True)
    with pytest.raises(ValidationError, match=r"GO\.01"):
        assessment_submit(
            access=world.access(COORD), actor=world.people[COORD], assessment=following
        )


def test_a_period_is_started_once(world):
    with pytest.raises(ValidationError):
        assessment_start(
            access=world.access(COORD),
            actor=world.people[COORD],
            framework_version=world.version,
            period="2026",
        )


def test_a_norm_is_assigned_only_to_a_member_of_the_board(world):
    outsider = UserFactory.create(email="buiten@example.nl")

    with pytest.raises(ValidationError) as refused:
        save(world, "GO.01", assignee=outsider.pk)
    save(world, "GO.01", assignee=world.people[BoardRole.CONTRIBUTOR].pk)

    assert "assignee" in refused.value.message_dict
    assert world.score("GO.01").assignee == world.people[BoardRole.CONTRIBUTOR]


@pytest.mark.parametrize("role", [BoardRole.SUPERVISOR, BoardRole.AUDITOR, BoardRole.EXECUTIVE])
def test_a_norm_is_assigned_only_to_someone_who_may_edit_it(world, client, role):
    with pytest.raises(ValidationError) as refused:
        save(world, "GO.01", assignee=world.people[role].pk)

    assert "assignee" in refused.value.message_dict
    assert world.score("GO.01").assignee is None
    # Nor does the norm form offer them.
    client.force_login(world.people[BoardRole.COORDINATOR])
    page = client.get(
        reverse("assessments:norm", args=[world.board.pk, world.assessment.pk, "GO.01"])
    ).text
    offered = page.split('name="assignee"')[1].split("</select>")[0]
    assert f'value="{world.people[role].pk}"' not in offered
    assert f'value="{world.people[BoardRole.CONTRIBUTOR].pk}"' in offered
