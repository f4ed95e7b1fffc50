"""Confirming carried-over values unchanged, per domain or all at once, one audit event each."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kompas.assessments.models import FrozenError, NormScore
from kompas.assessments.selectors import scores_of, summary
from kompas.assessments.services import assessment_start, scores_confirm
from kompas.audit.models import AuditEvent
from kompas.boards.roles import BoardRole
from kompas.testing.world import COORD, EXEC

pytestmark = pytest.mark.django_db


def carried_over(world):
    """2027 started from 2026 with GO.01 2, GO.02 3, BC.03 1 and BV.01 without a level."""
    for code, level in {"GO.01": 2, "GO.02": 3, "BC.03": 1}.items():
        NormScore.objects.filter(assessment=world.assessment, norm__code=code).update(level=level)
    return assessment_start(
        access=world.access(COORD),
        actor=world.people[COORD],
        framework_version=world.version,
        period="2027",
        previous=world.assessment,
    )


def waiting(assessment):
    return sorted(assessment.scores.filter(to_confirm=True).values_list("norm__code", flat=True))


def confirm(world, assessment, domain=None, role=COORD):
    return scores_confirm(
        access=world.access(role),
        actor=world.people[role],
        assessment=assessment,
        domain_code=domain,
    )


def test_one_domain_is_confirmed_and_the_others_keep_waiting(world):
    following = carried_over(world)
    assert summary(scores=scores_of(assessment=following)).assessed == 0

    done = confirm(world, following, domain="GO")

    assert done.confirmed == ["GO.01", "GO.02"]
    assert waiting(following) == ["BC.03", "BV.01"]
    assert summary(scores=scores_of(assessment=following)).assessed == 2
    events = AuditEvent.objects.filter(object_type="assessments.normscore").order_by("sequence")
    assert [(event.object_repr[-5:], event.changes) for event in events] == [
        ("GO.01", {"to_confirm": [True, False]}),
        ("GO.02", {"to_confirm": [True, False]}),
    ]


def test_all_at_once_leaves_a_norm_without_a_level_for_its_own_page(world):
    following = carried_over(world)

    done = confirm(world, following)

    assert done.confirmed == ["GO.01", "GO.02", "BC.03"]
    assert done.left == ["BV.01"]
    assert waiting(following) == ["BV.01"]
    levels = dict(following.scores.values_list("norm__code", "level"))
    assert levels == {"GO.01": 2, "GO.02": 3, "BC.03": 1, "BV.01": None}  # unchanged
    assert set(following.scores.exclude(norm__code="BV.01").values_list("revision", flat=True)) == {
        1
    }


def test_confirming_again_does_nothing(world):
    following = carried_over(world)
    confirm(world, following)
    before = AuditEvent.objects.count()

    assert confirm(world, following).confirmed == []
    assert AuditEvent.objects.count() == before


def test_an_unknown_domain_a_frozen_evaluation_and_a_reader_are_refused(world):
    following = carried_over(world)
    with pytest.raises(ValidationError):
        confirm(world, following, domain="XX")
    with pytest.raises(PermissionDenied):
        confirm(world, following, role=EXEC)
    with pytest.raises(FrozenError):
        confirm(world, _frozen(world))
    assert waiting(following) == ["BC.03", "BV.01", "GO.01", "GO.02"]


def _frozen(world):
    world.assessment.status = "approved"
    world.assessment.save()
    NormScore.objects.filter(assessment=world.assessment).update(to_confirm=True)
    return world.assessment


@pytest.mark.usefixtures("english")
def test_the_overview_offers_both_buttons_and_confirms_with_one_post(client, world):
    following = carried_over(world)
    client.force_login(world.people[COORD])
    url = reverse("assessments:overview", args=[world.board.pk, following.pk])

    page = client.get(url).content.decode()
    assert "Confirm all 4 unchanged" in page
    assert "Confirm the 2 carried-over values of this domain unchanged" in page

    response = client.post(
        reverse("assessments:confirm", args=[world.board.pk, following.pk]), follow=True
    )
    assert "3 carried-over values confirmed unchanged." in response.content.decode()
    assert "BV.01" in response.content.decode()
    assert waiting(following) == ["BV.01"]


def test_a_contributor_confirms_but_an_auditor_may_not(client, world):
    following = carried_over(world)
    url = reverse("assessments:confirm", args=[world.board.pk, following.pk])
    client.force_login(world.people[BoardRole.AUDITOR])
    assert client.post(url).status_code == 403
    client.force_login(world.people[BoardRole.CONTRIBUTOR])
    assert client.post(url, {"domain": "BC"}).status_code == 302
    assert waiting(following) == ["BV.01", "GO.01", "GO.02"]
