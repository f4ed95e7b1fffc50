"""The import_mapping and export_mapping commands, and every way a mapping file is refused."""

import copy
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kompas.frameworks.mappingformat import dump_mapping, normalise, parse_mapping_text
from kompas.frameworks.mappings import mapping_document, mapping_import, sources_by_target
from kompas.frameworks.models import Mapping, MappingPair, Norm
from kompas.testing.frameworks import import_document, mapping_doc, revision_docs

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions(db):
    old, new, _mapping = revision_docs()
    return import_document(old), import_document(new)


def write(directory: Path, document: Any, name: str = "mapping.yaml") -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_mapping_is_imported_with_every_pair_removed_and_new_norm(versions, tmp_path):
    old, new = versions
    path = write(tmp_path, revision_docs()[2])

    output = run("import_mapping", str(path))

    assert "Imported the mapping from Testkader voor scholen 1.0 to Testkader" in output
    assert "8 lines" in output
    mapping = Mapping.objects.get()
    assert (mapping.source, mapping.target) == (old, new)
    rows = [
        (
            pair.source_norm.code if pair.source_norm else None,
            pair.target_norm.code if pair.target_norm else None,
            pair.relationship,
        )
        for pair in mapping.pairs.select_related("source_norm", "target_norm")
    ]
    assert rows == [
        ("GO.01", "GO.01", "equal"),
        ("GO.02", "GO.02", "subset"),
        ("GO.03", "GO.02", "subset"),
        ("BC.03", "BC.03", "superset"),
        ("BC.03", "BC.04", "superset"),
        ("BV.02", "BV.02", "equal"),
        ("BV.01", None, "removed"),
        (None, "BV.03", "new"),
    ]
    fed = sources_by_target(mapping=mapping)
    codes = {
        Norm.objects.get(pk=norm_id).code: [(s.code, s.relationship) for s in sources]
        for norm_id, sources in fed.items()
    }
    assert codes["GO.02"] == [("GO.02", "subset"), ("GO.03", "subset")]
    assert codes["BV.03"] == []


def test_the_same_mapping_again_changes_nothing_even_in_another_order(versions, tmp_path):
    document = revision_docs()[2]
    run("import_mapping", str(write(tmp_path, document)))
    document["pairs"].reverse()
    document["removed"], document["new"] = document["removed"][::-1], document["new"][::-1]

    output = run("import_mapping", str(write(tmp_path, document, "again.yaml")))

    assert "already present with identical content; nothing changed" in output
    assert Mapping.objects.count() == 1
    assert MappingPair.objects.count() == 8


def test_a_different_mapping_between_the_same_versions_is_refused(versions, tmp_path):
    document = revision_docs()[2]
    run("import_mapping", str(write(tmp_path, document)))
    document["pairs"][1]["relationship"] = "intersects"
    before = list(MappingPair.objects.values_list("pk", "relationship"))

    with pytest.raises(CommandError, match=r"a different mapping from .* already exists"):
        run("import_mapping", str(write(tmp_path, document, "changed.yaml")))

    assert list(MappingPair.objects.values_list("pk", "relationship")) == before


def test_export_gives_back_the_file_and_a_reimport_of_it_is_identical(versions, tmp_path):
    document = revision_docs()[2]
    run("import_mapping", str(write(tmp_path, document)))
    exported = tmp_path / "exported.yaml"

    call_command(
        "export_mapping", "test-kader@1.0", "test-kader@2.0", "--output", str(exported),
        stdout=StringIO(), stderr=StringIO(),
    )  # fmt: skip

    text = exported.read_text("utf-8")
    assert parse_mapping_text(text.encode(), filename="exported.yaml").data == normalise(document)
    assert "already present with identical content" in run("import_mapping", str(exported))
    assert dump_mapping(mapping_document(mapping=Mapping.objects.get())) == text


def test_export_of_a_mapping_that_does_not_exist_names_the_ones_that_do(versions, tmp_path):
    run("import_mapping", str(write(tmp_path, revision_docs()[2])))

    with pytest.raises(CommandError) as refused:
        run("export_mapping", "test-kader@2.0", "test-kader@1.0")

    assert str(refused.value) == (
        "There is no mapping from test-kader@2.0 to test-kader@1.0. "
        "Known mappings: test-kader@1.0 → test-kader@2.0."
    )
    with pytest.raises(CommandError, match="Give a version as framework@version"):
        run("export_mapping", "test-kader", "test-kader@1.0")


def changed(change) -> dict[str, Any]:
    document = revision_docs()[2]
    change(document)
    return document


def set_path(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


HOSTILE = {
    "unknown source norm": (
        lambda d: set_path(d, ("pairs", 0, "source"), "GO.09"),
        ":12: pairs[0].source: GO.09 is not a norm of test-kader version 1.0",
    ),
    "unknown target norm": (
        lambda d: set_path(d, ("pairs", 1, "target"), "XX.01"),
        ":17: pairs[1].target: XX.01 is not a norm of test-kader version 2.0",
    ),
    "unknown removed norm": (
        lambda d: set_path(d, ("removed", 0, "norm"), "BV.07"),
        "removed[0].norm: BV.07 is not a norm of test-kader version 1.0",
    ),
    "a version that does not exist": (
        lambda d: set_path(d, ("target", "version"), "3.0"),
        (
            ":8: target.version: there is no version '3.0' of framework 'test-kader' (known "
            "versions: "
        ),
    ),
    "a framework that does not exist": (
        lambda d: set_path(d, ("source", "framework"), "bio"),
        (
            "source.version: there is no version '1.0' of framework 'bio'; import the framework "
            "version first"
        ),
    ),
    "the same version on both sides": (
        lambda d: set_path(d, ("target", "version"), "1.0"),
        "target: the source and the target are the same version; a mapping needs two",
    ),
    "a duplicate pair": (
        lambda d: d["pairs"].append(dict(d["pairs"][1])),
        "pairs[6]: the pair GO.02 → GO.02 appears twice (also at pairs[1])",
    ),
    "an equal pair that is not alone": (
        lambda d: d["pairs"].append(
            {"source": "GO.01", "target": "GO.02", "relationship": "intersects"}
        ),
        (
            "pairs[0].relationship: GO.01 → GO.01 is equal, so neither norm can be paired with "
            "another, but they are also paired with GO.02"
        ),
    ),
    "a norm both paired and removed": (
        lambda d: d["removed"].append({"norm": "GO.03"}),
        (
            "removed[1].norm: GO.03 is listed as removed but is the source of pairs[2]; a norm "
            "is either paired or removed"
        ),
    ),
    "a norm both paired and new": (
        lambda d: d["new"].append({"norm": "BC.04"}),
        "new[1].norm: BC.04 is listed as new but is the target of pairs[4]",
    ),
    "a norm listed twice as new": (
        lambda d: d["new"].append({"norm": "BV.03"}),
        "new[1].norm: BV.03 is listed twice (also at new[0])",
    ),
    "a source norm left out": (
        lambda d: d.update(removed=[]),
        (
            "removed: 1 norm(s) of test-kader version 1.0 are neither paired nor listed under "
            "removed: BV.01"
        ),
    ),
    "a target norm left out": (
        lambda d: d["pairs"].pop(4),
        ("new: 1 norm(s) of test-kader version 2.0 are neither paired nor listed under new: BC.04"),
    ),
    "an unknown relationship": (
        lambda d: set_path(d, ("pairs", 3, "relationship"), "not_related"),
        "pairs[3].relationship: ",
    ),
    "an unknown field": (
        lambda d: set_path(d, ("pairs", 0, "weight"), 1),
        "pairs[0]: unknown field 'weight'",
    ),
    "a missing side": (lambda d: d.pop("target"), "missing field 'target'"),
    "another format": (
        lambda d: set_path(d, ("format",), "ibp-kompas-framework"),
        "format: must be 'ibp-kompas-mapping', found 'ibp-kompas-framework'",
    ),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_a_bad_mapping_file_is_refused_with_the_place_and_nothing_is_written(
    versions, tmp_path, case
):
    change, message = HOSTILE[case]
    path = write(tmp_path, changed(change))

    with pytest.raises(CommandError) as refused:
        run("import_mapping", str(path))

    assert str(refused.value).startswith("The mapping file was not imported:\n")
    assert f"{path}" in str(refused.value)
    assert message in str(refused.value)
    assert not Mapping.objects.exists()
    assert not MappingPair.objects.exists()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"format: [unclosed\n", "mapping.yaml:2: invalid YAML"),
        (b"pairs: []\npairs: []\n", "mapping.yaml:2: pairs: this key appears twice"),
        (b'title: "a\\0b"\n', "invisible character U+0000 (NUL)"),
        (b"\xff\xfe", "the file is not UTF-8 text"),
        (b"- one\n- two\n", "the file must hold a mapping"),
    ],
)
def test_a_file_that_is_not_a_mapping_is_refused(versions, tmp_path, raw, message):
    path = tmp_path / "mapping.yaml"
    path.write_bytes(raw)

    with pytest.raises(CommandError, match="The mapping file was not imported") as refused:
        run("import_mapping", str(path))

    assert message in str(refused.value)
    assert not Mapping.objects.exists()


def test_every_problem_of_a_file_is_reported_at_once(versions, tmp_path):
    document = revision_docs()[2]
    document["pairs"][0]["source"] = "GO.09"
    document["new"] = []

    with pytest.raises(CommandError) as refused:
        run("import_mapping", str(write(tmp_path, document)))

    lines = str(refused.value).splitlines()[1:]
    assert len(lines) == 3
    assert "GO.09 is not a norm" in lines[0]
    assert "neither paired nor listed under removed: GO.01" in lines[1]
    assert "neither paired nor listed under new: BV.03" in lines[2]


# --- any valid mapping survives import and export (a property test) --------------------------

OLD_CODES = ["GO.01", "GO.02", "GO.03", "BC.03", "BV.01", "BV.02"]
NEW_CODES = ["GO.01", "GO.02", "BC.03", "BC.04", "BV.02", "BV.03"]
notes = st.one_of(
    st.just(""),
    st.sampled_from(["yes", "null", "1.0", "- ", "# niet", "é\nß", "  ingesprongen", "\u2028"]),
    st.text(st.characters(categories=["L", "N", "P", "Zs"]), max_size=20),
)
kinds = st.sampled_from(["subset", "superset", "intersects"])


@st.composite
def mappings(draw: st.DrawFn) -> dict[str, Any]:
    """A valid mapping between the two test versions: no equal pair shares a norm."""
    pairs: list[tuple[str, str, str]] = []
    for target in NEW_CODES:
        sources = draw(st.lists(st.sampled_from(OLD_CODES), unique=True, max_size=3))
        pairs += [(source, target, draw(kinds)) for source in sources]
    paired_sources, targets = {pair[0] for pair in pairs}, {pair[1] for pair in pairs}
    free = [
        (a, b) for a in OLD_CODES for b in NEW_CODES if a not in paired_sources and b not in targets
    ]
    if len(free) > 0 and draw(st.booleans()):
        a, b = draw(st.sampled_from(free))
        pairs.append((a, b, "equal"))
    pairs = draw(st.permutations(pairs))
    document = mapping_doc(
        pairs=pairs,
        removed=[code for code in OLD_CODES if code not in {a for a, _b, _k in pairs}],
        new=[code for code in NEW_CODES if code not in {b for _a, b, _k in pairs}],
    )
    for item in [*document["pairs"], *document["removed"], *document["new"]]:
        item["note"] = draw(notes)
    document["description"] = draw(notes)
    return document


@pytest.mark.django_db(transaction=False)
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=mappings())
def test_any_valid_mapping_survives_import_and_export(versions, tmp_path, document):
    path = tmp_path / "generated.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")

    with transaction.atomic():
        first = mapping_import(path=path)
        assert first.created is True
        text = dump_mapping(mapping_document(mapping=first.mapping))
        reread = parse_mapping_text(text.encode(), filename="exported.yaml").data
        assert reread == normalise(copy.deepcopy(document))
        path.write_text(text, encoding="utf-8")
        assert mapping_import(path=path).created is False
        transaction.set_rollback(True)
    assert not Mapping.objects.exists()
