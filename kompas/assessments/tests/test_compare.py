from decimal import Decimal

import pytest
from django.urls import reverse

from kompas.assessments.selectors import compare
from kompas.assessments.services import assessment_start
from kompas.boards.roles import BoardRole
from kompas.testing.revision import RevisionWorld

COORD = BoardRole.COORDINATOR


def test_it_counts_gains_and_regressions_per_norm_and_domain(world):
    world.assessment.scores.filter(norm__code="GO.01").update(level=2)
    world.assessment.scores.filter(norm__code="GO.02").update(level=3)
    world.assessment.scores.filter(norm__code="BC.03").update(level=1)
    later = assessment_start(
        access=world.access(COORD),
        actor=world.people[COORD],
        framework_version=world.version,
        period="2027",
        previous=world.assessment,
    )
    later.scores.filter(norm__code="GO.01").update(level=4)  # +2
    later.scores.filter(norm__code="GO.02").update(level=2)  # -1
    later.scores.filter(norm__code="BV.01").update(level=2)  # newly assessed: no change counted

    result = compare(earlier=world.assessment, later=later)

    changes = {change.code: change.delta for change in result.norms}
    assert changes == {"GO.01": 2, "GO.02": -1, "BC.03": 0, "BV.01": None}
    assert (result.gains, result.regressions) == (1, 1)
    go = next(domain for domain in result.domains if domain.code == "GO")
    assert (go.before, go.after, go.delta) == (Decimal("2.5"), Decimal("3.0"), Decimal("0.5"))
    assert (go.gains, go.regressions) == (1, 1)


def test_the_comparison_page_defaults_to_the_period_it_started_from(client, world):
    world.assessment.scores.update(level=2)
    later = assessment_start(
        access=world.access(COORD),
        actor=world.people[COORD],
        framework_version=world.version,
        period="2027",
        previous=world.assessment,
    )
    later.scores.filter(norm__code="GO.01").update(level=3)
    client.force_login(world.people[BoardRole.AUDITOR])

    html = client.get(reverse("assessments:compare", args=[world.board.pk, later.pk])).text

    assert "1 normen gingen omhoog, 0 gingen omlaag" in html
    assert "+1" in html


def test_an_evaluation_of_another_board_cannot_be_compared_with(client, world, db):
    from kompas.boards.models import Board

    other = Board.objects.create(name="Ander", bg_number="49998")
    foreign = world.assessment.__class__.objects.create(
        board=other, framework_version=world.version, period="2026"
    )
    client.force_login(world.people[COORD])

    response = client.get(
        reverse("assessments:compare", args=[world.board.pk, world.assessment.pk]),
        {"with": foreign.pk},
    )

    assert response.status_code == 404


def _revised_world():
    world = RevisionWorld()
    world.import_mapping()
    later = world.start_revised()
    return world, later


@pytest.mark.django_db
def test_across_a_revision_the_earlier_period_is_read_through_the_mapping():
    # 2027 on 1.0: GO.01 2, GO.02 3, GO.03 1, BC.03 4, BV.01 2, BV.02 not applicable.
    world, later = _revised_world()
    later.scores.filter(norm__code="GO.02").update(level=2)  # was min(3, 1) = 1: +1
    later.scores.filter(norm__code="BC.04").update(level=3)  # was BC.03's 4: -1
    later.scores.filter(norm__code="BV.03").update(level=3)  # new: not compared

    result = compare(earlier=world.earlier, later=later)

    assert result.mapping is not None
    assert {change.code: (change.before, change.after) for change in result.norms} == {
        "GO.01": (2, 2),
        "GO.02": (1, 2),
        "BC.03": (4, 4),
        "BC.04": (4, 3),
        "BV.02": (None, None),
    }
    assert (result.gains, result.regressions) == (1, 1)
    assert [(norm.code, norm.new) for norm in result.not_compared] == [
        ("BV.03", True),
        ("BV.01", False),
    ]
    means = {domain.code: (domain.before, domain.after) for domain in result.domains}
    # Over the compared norms only: BV.03's 3 does not count in 2028's BV mean.
    assert means == {
        "GO": (Decimal("1.5"), Decimal("2.0")),
        "BC": (Decimal("4.0"), Decimal("3.5")),
        "BV": (None, None),
    }


@pytest.mark.django_db
def test_the_comparison_page_says_what_it_could_not_compare(client):
    world, later = _revised_world()
    client.force_login(world.people[BoardRole.AUDITOR])

    html = client.get(reverse("assessments:compare", args=[world.board.pk, later.pk])).text

    assert "in de normen van" in html
    assert "Niet vergeleken" in html
    assert "nieuw in versie 2.0" in html
    assert "alleen in versie 1.0" in html
    assert "alleen over de vergeleken normen" in html


@pytest.mark.django_db
def test_a_period_of_a_version_without_a_mapping_is_not_offered(client):
    world = RevisionWorld()
    later = world.start_revised(start_empty=True)
    client.force_login(world.people[BoardRole.AUDITOR])

    response = client.get(
        reverse("assessments:compare", args=[world.board.pk, later.pk]),
        {"with": world.earlier.pk},
    )

    assert response.status_code == 404
