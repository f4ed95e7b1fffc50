from decimal import Decimal

from django.urls import reverse

from kompas.assessments.selectors import compare
from kompas.assessments.services import assessment_start
from kompas.boards.roles import BoardRole

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
