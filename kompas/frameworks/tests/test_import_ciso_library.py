"""import_ciso_library with a framework library, and every way such a library is refused."""

import copy
import re
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from kompas.frameworks.cisoformat import NO_REASON
from kompas.frameworks.models import Domain, FrameworkVersion, Norm, Part
from kompas.testing.frameworks import CISO_FRAMEWORK_URN, ciso_library_doc

pytestmark = pytest.mark.django_db

NODES = ("objects", "framework", "requirement_nodes")


def write(directory: Path, document: Any, name: str = "lib.yaml") -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_library_becomes_a_version_whose_criteria_are_the_score_definitions(tmp_path):
    output = run("import_ciso_library", str(write(tmp_path, ciso_library_doc())))

    assert "Imported schoolkader version 1: 4 norms" in output
    version = FrameworkVersion.objects.get()
    assert (version.framework.slug, version.version, version.title) == (
        "schoolkader",
        "1",
        "School frame for tests",
    )
    assert version.generic_criteria is True
    assert version.external_urn == CISO_FRAMEWORK_URN
    assert (version.publisher, version.language, str(version.released_on)) == (
        "Test provider",
        "en",
        "2026-02-01",
    )
    assert version.notice == "Written for the IBP-Kompas tests."
    assert [(p.code, p.name) for p in Part.objects.order_by("position")] == [
        ("org", "Organisation"),
        ("tech", "Technology"),
    ]
    domains = Domain.objects.order_by("position").select_related("part")
    assert [(d.code, d.part.code, d.number, d.name) for d in domains] == [
        ("GOV", "org", 1, "Governance"),
        ("TECH", "tech", 1, "Technology"),
    ]
    norms = Norm.objects.order_by("position").select_related("domain")
    assert [(n.code, n.domain.code, n.title) for n in norms] == [
        ("GOV.1", "GOV", "Policy"),
        ("GOV.2", "GOV", "Roles"),
        ("BAK.1", "TECH", "Backups"),
        ("BAK.2", "TECH", "Restores"),
    ]
    policy, roles = norms[0], norms[1]
    assert policy.statement == "There is a written policy."
    assert policy.why == "Without one nobody knows what is agreed."
    assert roles.why == NO_REASON["en"]
    # Only an urn that does not follow the ref_id is kept.
    assert policy.external_urn == ""
    assert roles.external_urn == "urn:test:risk:req_node:schoolkader:node7"
    assert [(c.level, c.text) for c in roles.criteria.all()] == [
        (n, f"What score {n} means.") for n in range(1, 6)
    ]
    assert [(level.level, level.name) for level in version.levels.all()][2] == (3, "Score 3")
    assert version.target_level == 3


def test_the_same_library_again_changes_nothing_and_a_new_revision_is_a_new_version(tmp_path):
    run("import_ciso_library", str(write(tmp_path, ciso_library_doc())))

    again = run("import_ciso_library", str(write(tmp_path, ciso_library_doc(), "again.yaml")))
    newer = run("import_ciso_library", str(write(tmp_path, ciso_library_doc(version=2), "2.yaml")))

    assert "already present with identical content; nothing changed" in again
    assert "Imported schoolkader version 2" in newer
    assert sorted(FrameworkVersion.objects.values_list("version", flat=True)) == ["1", "2"]


def test_a_changed_library_under_the_same_revision_is_refused(tmp_path):
    run("import_ciso_library", str(write(tmp_path, ciso_library_doc())))
    changed = ciso_library_doc()
    changed["objects"]["framework"]["requirement_nodes"][2]["name"] = "Another policy"

    with pytest.raises(CommandError, match="already exists with different content"):
        run("import_ciso_library", str(write(tmp_path, changed, "changed.yaml")))

    assert Norm.objects.get(code="GOV.1").title == "Policy"


def node(document: dict[str, Any], index: int) -> dict[str, Any]:
    return document["objects"]["framework"]["requirement_nodes"][index]


def framework(document: dict[str, Any]) -> dict[str, Any]:
    return document["objects"]["framework"]


def nodes_path(index: int, key: str) -> str:
    return f"objects.framework.requirement_nodes[{index}].{key}"


Change = Callable[[dict[str, Any]], Any]

HOSTILE: dict[str, tuple[Change, str, str]] = {
    "scores 0-3": (
        lambda d: framework(d).update(
            min_score=0, max_score=3, scores_definition=framework(d)["scores_definition"][:4]
        ),
        "objects.framework.scores_definition",
        "the scores must run from 1 to 5",
    ),
    "a score missing": (
        lambda d: framework(d)["scores_definition"].pop(),
        "objects.framework.scores_definition",
        "define 1, 2, 3, 4",
    ),
    "the same text for two scores": (
        lambda d: framework(d)["scores_definition"][1].update(description="What score 1 means."),
        "objects.framework.scores_definition[1]",
        "repeats the text of another level",
    ),
    "an assessable node at the top": (
        lambda d: node(d, 0).update(assessable=True),
        nodes_path(0, "assessable"),
        "has no part or domain",
    ),
    "an assessable node without ref_id": (
        lambda d: node(d, 2).pop("ref_id"),
        nodes_path(2, "ref_id"),
        "an assessable requirement needs a ref_id",
    ),
    "a ref_id that is no code": (
        lambda d: node(d, 2).update(ref_id="GOV 1"),
        nodes_path(2, "ref_id"),
        "is not allowed here",
    ),
    "a ref_id twice": (
        lambda d: node(d, 7).update(ref_id="BAK.1"),
        nodes_path(7, "ref_id"),
        "duplicate code 'BAK.1'",
    ),
    "an urn twice": (
        lambda d: node(d, 7).update(urn=node(d, 6)["urn"]),
        nodes_path(7, "urn"),
        "appears twice",
    ),
    "a parent not listed before": (
        lambda d: node(d, 2).update(parent_urn="urn:test:risk:req_node:schoolkader:nowhere"),
        nodes_path(2, "parent_urn"),
        "is not a node listed before this one",
    ),
    "a depth that does not fit": (
        lambda d: node(d, 2).update(depth=2),
        nodes_path(2, "depth"),
        "its place in the tree is 3",
    ),
    "a name on two lines": (
        lambda d: node(d, 2).update(name="Policy\nand more"),
        nodes_path(2, "name"),
        "must be a single line",
    ),
    "a title over 300 characters": (
        lambda d: node(d, 2).update(name="x" * 301),
        nodes_path(2, "name"),
        "at most 300 allowed",
    ),
    "an urn that names no framework": (
        lambda d: framework(d).update(urn="urn:test:risk:matrix:x"),
        "objects.framework.urn",
        "cannot tell the framework from the urn",
    ),
    "a library revision that is not a whole number": (
        lambda d: d.update(version="1.0"),
        "version",
        "expected a whole number",
    ),
    "a locale we cannot hold": (
        lambda d: d.update(locale="english"),
        "locale",
        "is not allowed here",
    ),
    "a publication date that is not a date": (
        lambda d: d.update(publication_date="2026-13-01"),
        "publication_date",
        "is not a date",
    ),
    "no requirement nodes": (
        lambda d: framework(d).update(requirement_nodes=[]),
        "objects.framework.requirement_nodes",
        "needs at least 1 items",
    ),
    "no framework and no mapping set": (
        lambda d: d.update(objects={"reference_controls": []}),
        "objects",
        "holds neither",
    ),
    "a framework and a mapping set": (
        lambda d: d["objects"].update(
            requirement_mapping_set={
                "source_framework_urn": "urn:a",
                "target_framework_urn": "urn:b",
                "requirement_mappings": [],
            }
        ),
        "objects",
        "holds framework, requirement_mapping_set",
    ),
    "no scores_definition": (
        lambda d: framework(d).pop("scores_definition"),
        "objects.framework",
        "missing field 'scores_definition'",
    ),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_a_bad_library_is_refused_at_its_place_and_nothing_is_written(tmp_path, case):
    change, place, message = HOSTILE[case]
    document = copy.deepcopy(ciso_library_doc())
    change(document)
    path = write(tmp_path, document)

    with pytest.raises(CommandError) as refused:
        run("import_ciso_library", str(path))

    text = str(refused.value)
    assert text.startswith("The library was not imported:")
    assert re.search(
        rf"{re.escape(str(path))}:\d+: {re.escape(place)}: .*{re.escape(message)}", text
    ), text
    assert FrameworkVersion.objects.count() == 0
    assert Norm.objects.count() == 0


def test_the_line_of_a_problem_is_the_line_in_the_library(tmp_path):
    document = ciso_library_doc()
    node(document, 2)["ref_id"] = "GOV 1"
    path = write(tmp_path, document)
    line = 1 + next(
        number for number, text in enumerate(path.read_text().splitlines()) if "GOV 1" in text
    )

    with pytest.raises(CommandError) as refused:
        run("import_ciso_library", str(path))

    assert f"{path}:{line}: {nodes_path(2, 'ref_id')}:" in str(refused.value)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\xff\xfe", "is not UTF-8 text"),
        (b"urn: a\nurn: b\n", "this key appears twice"),
        (b"a: &x [1]\nb: *x\n", "aliases (*name) are not supported"),
        (b"- just\n- a list\n", "must hold a library"),
        (b"name: [unclosed\n", "invalid YAML"),
        (b"urn: 'urn:x'\nname: \"\\0\"\nobjects: {}\n", "invisible character"),
    ],
)
def test_a_file_that_is_not_a_library_is_refused(tmp_path, raw, message):
    path = tmp_path / "lib.yaml"
    path.write_bytes(raw)

    with pytest.raises(CommandError, match="The library was not imported") as refused:
        run("import_ciso_library", str(path))

    assert message in str(refused.value)
    assert FrameworkVersion.objects.count() == 0


def test_a_library_over_the_size_limit_is_refused(tmp_path, settings):
    settings.FRAMEWORK_IMPORT_MAX_BYTES = 100
    path = write(tmp_path, ciso_library_doc())

    with pytest.raises(CommandError, match="the limit is 100 bytes"):
        run("import_ciso_library", str(path))


def test_the_catalogue_says_the_levels_are_the_general_score_definitions(client, tmp_path):
    run("import_ciso_library", str(write(tmp_path, ciso_library_doc())))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get(reverse("frameworks:norm", args=["schoolkader", "1", "BAK.1"])).text

    assert "These levels are the framework's general score definitions" in html
