"""import_ciso_library with requirement mapping sets, and how such a library is refused."""

import copy
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from kompas.frameworks.ciso import ciso_library_import
from kompas.frameworks.mappings import mapping_document
from kompas.frameworks.models import Mapping, MappingPair
from kompas.frameworks.normenkader import SHIPPED_FRAMEWORK
from kompas.frameworks.services import framework_import
from kompas.testing.frameworks import (
    CISO_FRAMEWORK_URN,
    ciso_library_doc,
    ciso_mapping_library,
    framework_doc,
    import_document,
)

pytestmark = pytest.mark.django_db

OURS = "urn:ibp-kompas:risk:framework:test-kader:1.0"
LINES = ("objects", "requirement_mapping_sets", 0, "requirement_mappings")


def theirs(key: str) -> str:
    return f"urn:test:risk:req_node:schoolkader:{key}"


def ours(code: str) -> str:
    return f"urn:ibp-kompas:risk:req_node:test-kader:1.0:{code.lower()}"


LIBRARY_LINES = [
    (theirs("gov.1"), ours("GO.01"), "equal"),
    (theirs("node7"), ours("GO.02"), "intersect"),
    (theirs("bak.1"), ours("BC.03"), "subset"),
    (theirs("bak.2"), ours("BC.03"), "subset"),
    (theirs("bak.2"), ours("BV.01"), "not_related"),
]


def write(directory: Path, document: Any, name: str = "lib.yaml") -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def versions(tmp_path):
    library = write(tmp_path, ciso_library_doc(), "framework.yaml")
    source = framework_import_ciso(library)
    return source, import_document(framework_doc())


def framework_import_ciso(path: Path) -> Any:
    result = ciso_library_import(path=path).version
    assert result is not None
    return result.version


@pytest.mark.parametrize("listed", [True, False], ids=["sets", "one set"])
def test_a_mapping_set_becomes_a_mapping_with_the_unnamed_norms_removed_or_new(
    versions, tmp_path, listed
):
    document = ciso_mapping_library(
        source=CISO_FRAMEWORK_URN, target=OURS, mappings=LIBRARY_LINES, listed=listed
    )

    output = run("import_ciso_library", str(write(tmp_path, document)))

    assert "Imported the mapping from School frame for tests 1 to Testkader" in output
    mapping = Mapping.objects.get()
    assert (mapping.source, mapping.target) == versions
    document = mapping_document(mapping=mapping)
    assert document["title"] == "Test mapping"
    assert [(p["source"], p["target"], p["relationship"]) for p in document["pairs"]] == [
        ("GOV.1", "GO.01", "equal"),
        ("GOV.2", "GO.02", "intersects"),
        ("BAK.1", "BC.03", "subset"),
        ("BAK.2", "BC.03", "subset"),
    ]
    # not_related is no pair: BV.01 is named by no other line, so it is new.
    assert document["removed"] == []
    assert document["new"] == [{"norm": "BV.01", "note": ""}]


def test_a_requirement_the_set_does_not_name_is_removed(versions, tmp_path):
    document = ciso_mapping_library(
        source=CISO_FRAMEWORK_URN, target=OURS, mappings=LIBRARY_LINES[:3]
    )

    run("import_ciso_library", str(write(tmp_path, document)))

    assert mapping_document(mapping=Mapping.objects.get())["removed"] == [
        {"norm": "BAK.2", "note": ""}
    ]


def test_the_same_mapping_library_again_changes_nothing(versions, tmp_path):
    document = ciso_mapping_library(source=CISO_FRAMEWORK_URN, target=OURS, mappings=LIBRARY_LINES)
    run("import_ciso_library", str(write(tmp_path, document)))
    before = list(MappingPair.objects.values_list("pk", flat=True))

    output = run("import_ciso_library", str(write(tmp_path, document, "again.yaml")))

    assert "already present with identical content; nothing changed" in output
    assert list(MappingPair.objects.values_list("pk", flat=True)) == before


def test_a_bad_second_set_keeps_the_first_from_being_written(versions, tmp_path):
    document = ciso_mapping_library(source=CISO_FRAMEWORK_URN, target=OURS, mappings=LIBRARY_LINES)
    second = copy.deepcopy(document["objects"]["requirement_mapping_sets"][0])
    second["source_framework_urn"], second["target_framework_urn"] = OURS, CISO_FRAMEWORK_URN
    second["requirement_mappings"] = [
        {"source_requirement_urn": ours("GO.01"), "target_requirement_urn": theirs("x"),
         "relationship": "equal"},
    ]  # fmt: skip
    document["objects"]["requirement_mapping_sets"].append(second)

    with pytest.raises(CommandError, match=r"requirement_mapping_sets\[1\]"):
        run("import_ciso_library", str(write(tmp_path, document)))

    assert Mapping.objects.count() == 0


def lines_at(index: int, key: str = "") -> str:
    place = f"objects.requirement_mapping_sets[0].requirement_mappings[{index}]"
    return f"{place}.{key}" if key else place


HOSTILE: dict[str, tuple[list[tuple[str, str, str]], dict[str, str], str, str]] = {
    "a framework not imported": (
        LIBRARY_LINES,
        {"target_framework_urn": "urn:test:risk:framework:elsewhere"},
        "objects.requirement_mapping_sets[0].target_framework_urn",
        "no imported framework version has the urn",
    ),
    "a requirement that does not exist": (
        [*LIBRARY_LINES[:4], (theirs("bak.9"), ours("BV.01"), "subset")],
        {},
        lines_at(4, "source_requirement_urn"),
        "is not an assessable requirement (a norm) of schoolkader version 1",
    ),
    "a heading instead of a requirement": (
        [*LIBRARY_LINES[:4], (theirs("gov"), ours("BV.01"), "subset")],
        {},
        lines_at(4, "source_requirement_urn"),
        "is not an assessable requirement",
    ),
    "an equal pair that does not stand alone": (
        [*LIBRARY_LINES[:4], (theirs("gov.1"), ours("BV.01"), "subset")],
        {},
        lines_at(0, "relationship"),
        "is equal, so neither norm can be paired with another",
    ),
    "the same line twice": (
        [*LIBRARY_LINES[:4], LIBRARY_LINES[2]],
        {},
        lines_at(4),
        "the pair BAK.1 → BC.03 appears twice",
    ),
    "a relationship CISO Assistant does not have": (
        [*LIBRARY_LINES[:4], (theirs("bak.2"), ours("BV.01"), "related")],
        {},
        lines_at(4, "relationship"),
        "'related' is not one of",
    ),
    "a framework mapped to itself": (
        [(theirs("gov.1"), theirs("gov.1"), "equal")],
        {"target_framework_urn": CISO_FRAMEWORK_URN},
        "objects.requirement_mapping_sets[0].target_framework_urn",
        "the source and the target are the same version",
    ),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_a_bad_mapping_library_is_refused_at_its_place_and_nothing_is_written(
    versions, tmp_path, case
):
    lines, changes, place, message = HOSTILE[case]
    document = ciso_mapping_library(source=CISO_FRAMEWORK_URN, target=OURS, mappings=lines)
    document["objects"]["requirement_mapping_sets"][0].update(changes)
    path = write(tmp_path, document)

    with pytest.raises(CommandError) as refused:
        run("import_ciso_library", str(path))

    text = str(refused.value)
    pattern = rf"{re.escape(str(path))}:\d+: {re.escape(place)}: .*{re.escape(message)}"
    assert re.search(pattern, text), text
    assert Mapping.objects.count() == 0


def test_the_shipped_normenkader_maps_through_its_derived_urns(tmp_path):
    shipped = framework_import(path=SHIPPED_FRAMEWORK).version
    other = import_document(framework_doc())
    urn = f"urn:ibp-kompas:risk:framework:{shipped.framework.slug}:{shipped.version}"
    document = ciso_mapping_library(
        source=urn, target=OURS, mappings=[(f"{urn.replace(':framework:', ':req_node:')}:go.01",
                                            ours("GO.01"), "superset")]
    )  # fmt: skip

    run("import_ciso_library", str(write(tmp_path, document)))

    mapping = Mapping.objects.get()
    assert (mapping.source, mapping.target) == (shipped, other)
    assert mapping.pairs.filter(relationship="removed").count() == shipped.norms.count() - 1
