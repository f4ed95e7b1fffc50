import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kompas.assessments.services import assessment_start
from kompas.boards.models import Board, Membership
from kompas.boards.roles import BoardRole
from kompas.frameworks.models import Norm
from kompas.plans.models import Measure, MeasureNorm, MeasureStatus
from kompas.testing import clock
from kompas.testing.frameworks import framework_doc, import_document, norm_doc
from kompas.testing.people import UserFactory
from kompas.testing.world import World

pytestmark = clock.pinned

EXECUTIVE = BoardRole.EXECUTIVE


@pytest.fixture
def world(db):
    return World()


def url(world):
    return reverse("plans:roadmap", args=[world.board.pk])


def add_measure(world, version, codes, *, due, level=3):
    measure = Measure.objects.create(board=world.board, title="Maatregel", due_date=due)
    for norm in Norm.objects.filter(framework_version=version, code__in=codes):
        MeasureNorm.objects.create(measure=measure, norm=norm, target_level=level)


def this_year():
    return timezone.localdate().year


def test_the_page_shows_the_verdict_the_chart_and_the_tables(client, world):
    world.assessment.scores.filter(norm__code="GO.01").update(level=2)
    add_measure(world, world.version, ["GO.01"], due=datetime.date(this_year() + 1, 6, 30))
    client.force_login(world.people[EXECUTIVE])

    html = client.get(url(world)).text

    assert '<svg role="img" aria-labelledby="chart-title chart-desc"' in html
    assert '<title id="chart-title">' in html
    assert re.search(rf'<desc id="chart-desc">[^<]*{this_year() + 1}: 1;', html)
    assert '<th scope="row"><code>GO.01</code>' in html
    # GO.01 reaches its target in the year after this one: highlighted there.
    row = html.split("<code>GO.01</code>", 1)[1].split("</tr>", 1)[0]
    assert row.count('class="tag tag--target"') == 1
    assert 'class="tag tag--warning"' in html  # three norms have no measure: off track


def test_without_an_evaluation_the_page_says_so(client, db):
    board = Board.objects.create(name="Stichting Leeg", bg_number="49999")
    user = UserFactory.create(email="bestuurder@leeg.example.nl")
    Membership.objects.create(user=user, board=board, role=EXECUTIVE)
    client.force_login(user)

    response = client.get(reverse("plans:roadmap", args=[board.pk]))

    assert response.status_code == 200
    assert "<svg" not in response.text


def test_an_outsider_gets_404(client, world):
    outsider = world.outsider

    client.force_login(world.people[EXECUTIVE])

    assert client.get(reverse("plans:roadmap", args=[outsider.pk])).status_code == 404


def test_the_query_count_does_not_grow_with_the_number_of_norms(client, world):
    client.force_login(world.people[EXECUTIVE])
    add_measure(world, world.version, ["GO.01"], due=datetime.date(this_year() + 1, 6, 30))

    def count():
        client.get(url(world))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(world)).status_code == 200
        return len(queries)

    small = count()
    document = framework_doc(slug="groot")
    document["norms"] += [norm_doc(f"GO.{n:02d}", "GO") for n in range(3, 90)]
    version = import_document(document)
    coordinator = world.people[BoardRole.COORDINATOR]
    assessment_start(
        access=world.access(BoardRole.COORDINATOR),
        actor=coordinator,
        framework_version=version,
        period="2027",
    )
    codes = [f"GO.{n:02d}" for n in range(1, 90)]
    for code in codes[:30]:
        add_measure(world, version, [code], due=datetime.date(this_year() + 2, 1, 31))
    add_measure(world, version, codes[30:], due=datetime.date(this_year() + 3, 1, 31), level=4)
    Measure.objects.filter(due_date__year=this_year() + 2).update(
        status=MeasureStatus.DONE, completed_at=timezone.localdate()
    )

    assert count() == small
