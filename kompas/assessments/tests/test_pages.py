import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompas.assessments.services import assessment_start
from kompas.boards.access import access_board
from kompas.boards.roles import Action, BoardRole
from kompas.testing.frameworks import framework_doc, import_document, norm_doc

COORD = BoardRole.COORDINATOR


def norm_url(world, code):
    return reverse("assessments:norm", args=[world.board.pk, world.assessment.pk, code])


def form_data(revision, level="3", explanation=""):
    return {
        "revision": revision,
        "level": level,
        "target_level": "3",
        "not_applicable_reason": "",
        "explanation": explanation,
        "assignee": "",
    }


def test_the_overview_shows_progress_and_filters(client, world):
    client.force_login(world.people[COORD])
    client.post(norm_url(world, "GO.01"), form_data(0, "2"))
    url = reverse("assessments:overview", args=[world.board.pk, world.assessment.pk])

    html = client.get(url).text
    open_only = client.get(url, {"only": "open"}).text

    assert "1 van 4 normen beoordeeld" in html
    assert '<progress max="4" value="1"' in html
    assert "GO.01" not in open_only
    assert "GO.02" in open_only


def test_a_plain_form_post_saves_and_redirects(client, world):
    client.force_login(world.people[COORD])

    response = client.post(norm_url(world, "GO.01"), form_data(0, "3", "Vastgesteld beleid"))

    assert response.status_code == 302
    assert world.score("GO.01").level == 3


def test_htmx_saves_as_you_go_and_returns_the_saved_state(client, world):
    client.force_login(world.people[COORD])

    response = client.post(norm_url(world, "GO.01"), form_data(0, "4"), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "Opgeslagen om" in response.text
    assert 'name="revision" id="id_revision" value="1" hx-swap-oob="true"' in response.text
    assert "<html" not in response.text


def test_a_conflicting_save_shows_both_versions_and_overwrites_nothing(client, world):
    client.force_login(world.people[COORD])
    client.post(norm_url(world, "GO.01"), form_data(0, "4", "Versie van collega"))

    response = client.post(norm_url(world, "GO.01"), form_data(0, "1", "Mijn versie"))

    assert response.status_code == 409
    assert "Versie van collega" in response.text
    assert "Mijn versie" in response.text
    assert world.score("GO.01").explanation == "Versie van collega"
    conflict_panel = response.text.split('class="conflict"', 1)[1]
    found = re.search(r'name="revision" value="(\d+)"', conflict_panel)
    assert found is not None
    keep_mine = found.group(1)
    client.post(norm_url(world, "GO.01"), form_data(keep_mine, "1", "Mijn versie"))
    assert world.score("GO.01").explanation == "Mijn versie"


def test_an_auditor_may_read_but_not_save(client, world):
    client.force_login(world.people[BoardRole.AUDITOR])

    assert client.get(norm_url(world, "GO.01")).status_code == 200
    assert client.post(norm_url(world, "GO.01"), form_data(0)).status_code == 403
    assert world.score("GO.01").level is None


def test_an_approved_evaluation_refuses_a_form_post(client, world):
    world.assessment.scores.update(level=3)
    world.assessment.status = "approved"
    world.assessment.save()
    client.force_login(world.people[COORD])

    response = client.post(norm_url(world, "GO.01"), form_data(0, "5"))

    assert response.status_code == 409
    assert world.score("GO.01").level == 3


@pytest.mark.parametrize("screen", ["overview", "norm", "save"])
def test_query_counts_do_not_grow_with_the_number_of_norms(client, world, screen):
    document = framework_doc(slug="groot")
    document["norms"] += [norm_doc(f"GO.{n:02d}", "GO") for n in range(3, 90)]
    version = import_document(document)
    coordinator = world.people[COORD]
    large = assessment_start(
        access=access_board(user=coordinator, board_id=world.board.pk, action=Action.VIEW),
        actor=coordinator,
        framework_version=version,
        period="2027",
    )
    client.force_login(coordinator)

    def count(assessment):
        url = (
            reverse("assessments:overview", args=[world.board.pk, assessment.pk])
            if screen == "overview"
            else reverse("assessments:norm", args=[world.board.pk, assessment.pk, "GO.01"])
        )
        client.get(url)
        if screen == "save":
            saves = iter(range(4))

            def request():
                score = assessment.scores.get(norm__code="GO.01")
                return client.post(
                    url, form_data(score.revision, str(1 + next(saves))), HTTP_HX_REQUEST="true"
                )
        else:

            def request():
                return client.get(url)

        request()
        with CaptureQueriesContext(connection) as queries:
            assert request().status_code == 200
        return len(queries)

    assert count(world.assessment) == count(large)
