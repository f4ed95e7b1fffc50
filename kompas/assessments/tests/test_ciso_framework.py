"""A board evaluates itself against a framework imported from a CISO Assistant library."""

from io import StringIO

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from kompas.assessments.selectors import summary
from kompas.assessments.services import ScoreChange, assessment_start, score_update
from kompas.boards.roles import BoardRole
from kompas.frameworks.ciso import ciso_library_import
from kompas.frameworks.cisoformat import parse_ciso_library
from kompas.testing.frameworks import ciso_library_doc

COORD = BoardRole.COORDINATOR
GENERIC = (
    "These levels are the framework's general score definitions, the same for every norm; "
    "they are not criteria written for this norm."
)


@pytest.fixture
def ciso_version(db, tmp_path):
    path = tmp_path / "library.yaml"
    path.write_text(yaml.safe_dump(ciso_library_doc(), sort_keys=False), "utf-8")
    result = ciso_library_import(path=path).version
    assert result is not None
    return result.version


def test_an_evaluation_on_a_library_is_started_scored_and_its_framework_exported(
    client, world, ciso_version, tmp_path
):
    assessment = assessment_start(
        access=world.access(COORD),
        actor=world.people[COORD],
        framework_version=ciso_version,
        period="2027",
    )
    score = assessment.scores.select_related("assessment", "norm").get(norm__code="GOV.1")
    change = ScoreChange(
        level=3, target_level=3, not_applicable=False, not_applicable_reason="",
        explanation="Beleid vastgesteld.", assignee_id=None,
    )  # fmt: skip
    score_update(
        access=world.access(COORD), actor=world.people[COORD], score=score, revision=0,
        change=change,
    )  # fmt: skip
    client.force_login(world.people[COORD])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("assessments:norm", args=[world.board.pk, assessment.pk, "GOV.2"])

    html = client.get(url).text

    assert assessment.scores.count() == 4
    figures = summary(scores=assessment.scores.select_related("norm__domain__part"))
    assert figures.assessed == 1
    assert GENERIC in html
    assert "What score 3 means." in html
    output = tmp_path / "export.yaml"
    call_command(
        "export_framework", "schoolkader", "--format", "ciso-assistant", "--output", str(output),
        stdout=StringIO(), stderr=StringIO(),
    )  # fmt: skip
    exported = parse_ciso_library(output.read_bytes(), filename="export.yaml").data
    assert exported["objects"]["framework"]["urn"] == "urn:test:risk:framework:schoolkader"
    refs = [node["ref_id"] for node in exported["objects"]["framework"]["requirement_nodes"]]
    assert [ref for ref in refs if "." in ref] == ["GOV.1", "GOV.2", "BAK.1", "BAK.2"]


def test_the_norm_form_of_our_own_framework_says_nothing_about_general_levels(client, world):
    client.force_login(world.people[COORD])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("assessments:norm", args=[world.board.pk, world.assessment.pk, "GO.01"])

    assert GENERIC not in client.get(url).text


def test_the_notice_is_in_dutch_for_a_dutch_reader(client, world, ciso_version):
    assessment = assessment_start(
        access=world.access(COORD),
        actor=world.people[COORD],
        framework_version=ciso_version,
        period="2027",
    )
    client.force_login(world.people[COORD])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    url = reverse("assessments:norm", args=[world.board.pk, assessment.pk, "GOV.1"])

    assert "Deze niveaus zijn de algemene scoredefinities van het kader" in client.get(url).text
