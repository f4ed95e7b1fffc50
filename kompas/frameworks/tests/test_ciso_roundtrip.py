"""Our framework versions and mappings through CISO Assistant's library format and back."""

import copy
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kompas.frameworks.ciso import ciso_library_import
from kompas.frameworks.cisoexport import library_of_framework, mapping_library
from kompas.frameworks.cisoformat import framework_document, parse_ciso_library
from kompas.frameworks.fileformat import dump_framework, normalise
from kompas.frameworks.mappings import mapping_document
from kompas.frameworks.models import Mapping
from kompas.testing.frameworks import (
    ciso_library_doc,
    framework_doc,
    import_document,
    norm_doc,
    revision_docs,
    write_doc,
)


def through_ciso(document: dict[str, Any]) -> dict[str, Any]:
    """A normalised document of ours, written as a library and read back."""
    text = dump_framework(library_of_framework(document))
    library = parse_ciso_library(text.encode("utf-8"), filename="lib.yaml")
    return framework_document(library)[0].data


# What CISO Assistant's format cannot hold, and what the import gives instead.
NOT_HELD_VERSION = {"source_url": "", "target_level": 3, "growth_path": []}
NOT_HELD_DOMAIN = {"confirmed": False, "responsibility": None}
NOT_HELD_NORM = {"confirmed": False, "example_measures": [], "references": [], "growth_phase": None}


def held(document: dict[str, Any]) -> dict[str, Any]:
    """The document as far as the library format holds it."""
    result = copy.deepcopy(document)
    meta = result["version"]
    for key in NOT_HELD_VERSION:
        meta.pop(key)
    meta.pop("generic_criteria", None)
    for domain in result["domains"]:
        for key in (*NOT_HELD_DOMAIN, "number"):
            domain.pop(key)
    for norm in result["norms"]:
        for key in (*NOT_HELD_NORM, "criteria"):
            norm.pop(key)
    # Nor is an order of norms that mixes domains: in a library a norm sits under its domain,
    # so norms come back domain by domain, in their order within the domain.
    position = {domain["code"]: index for index, domain in enumerate(result["domains"])}
    result["norms"].sort(key=lambda norm: position[norm["domain"]])
    return result


def test_a_version_comes_back_as_far_as_the_format_holds_it_and_the_rest_is_named():
    ours = normalise(framework_doc())

    back = through_ciso(ours)

    assert held(back) == held(ours)
    # Named: what the library format cannot hold comes back as the import's defaults.
    assert back["version"]["generic_criteria"] is True
    assert {key: back["version"][key] for key in NOT_HELD_VERSION} == NOT_HELD_VERSION
    for norm in back["norms"]:
        assert {key: norm[key] for key in NOT_HELD_NORM} == NOT_HELD_NORM
        # Per-norm criteria become the general score definitions (here the level descriptions).
        assert [c["text"] for c in norm["criteria"]] == [f"Niveau {n}." for n in range(1, 6)]
    for domain in back["domains"]:
        assert domain["confirmed"] is False
        assert all(value == [] for value in domain["responsibility"].values())
    # Domain numbers are not held either: they count 1, 2, ... within their part.
    assert [d["number"] for d in back["domains"]] == [1, 2, 1]
    assert [d["number"] for d in ours["domains"]] == [1, 14, 6]


def test_a_library_imported_and_exported_comes_back_exactly():
    library = parse_ciso_library(
        dump_framework(ciso_library_doc()).encode("utf-8"), filename="lib.yaml"
    )
    first = framework_document(library)[0]

    again = normalise(through_ciso(first.data))

    assert again == first.data


line = st.text(st.characters(categories=["L", "N", "P", "Zs"]), min_size=1, max_size=30).filter(
    lambda text: text.strip() == text and text.strip()
)
text = st.one_of(line, st.sampled_from(["twee\nregels", "yes", "null", "- ", "é ß", "1.0"]))
codes = st.from_regex(r"\A[A-Z]{2}\.[0-9]{2}\Z")


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    document = framework_doc(version=draw(st.from_regex(r"\A[0-9]{1,4}(\.[0-9A-Za-z]{1,3})?\Z")))
    meta = document["version"]
    meta["title"] = draw(line)
    meta["description"] = draw(st.one_of(st.just(""), text))
    meta["notice"] = draw(st.one_of(st.just(""), text))
    meta["publisher"] = draw(st.one_of(st.just(""), line))
    meta["language"] = draw(st.sampled_from(["nl", "en", "nl-NL"]))
    meta["released"] = draw(st.sampled_from([None, "2024-06-06"]))
    for level in meta["levels"]:
        level["name"] = draw(line)
    meta["levels"][0]["description"] = draw(st.one_of(st.just(""), text))
    document["framework"]["name"] = draw(line)
    for domain in document["domains"]:
        domain["name"] = draw(line)
        domain["description"] = draw(st.one_of(st.just(""), text))
    norm_codes = draw(st.lists(codes, min_size=1, max_size=5, unique=True))
    document["norms"] = []
    for code in norm_codes:
        norm = norm_doc(code, draw(st.sampled_from(["GO", "BC", "BV"])), title=draw(line))
        norm["statement"] = draw(text)
        norm["why"] = draw(text)
        document["norms"].append(norm)
    return document


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=documents())
def test_any_version_survives_the_library_format_as_far_as_it_holds(document):
    ours = normalise(document)

    back = through_ciso(ours)

    assert held(back) == held(ours)
    # And from there on every trip is exact.
    assert through_ciso(back) == back


@pytest.mark.django_db
def test_the_export_commands_write_libraries_that_import(tmp_path):
    old, new, mapping = revision_docs()
    import_document(old), import_document(new)
    path = write_doc(tmp_path, mapping, "mapping.yaml")
    call_command("import_mapping", str(path), stdout=StringIO())
    framework_file, mapping_file = tmp_path / "framework.yaml", tmp_path / "mapping-ciso.yaml"

    call_command(
        "export_framework", "test-kader", "--version", "1.0", "--format", "ciso-assistant",
        "--output", str(framework_file), stdout=StringIO(), stderr=StringIO(),
    )  # fmt: skip
    call_command(
        "export_mapping", "test-kader@1.0", "test-kader@2.0", "--format", "ciso-assistant",
        "--output", str(mapping_file), stdout=StringIO(), stderr=StringIO(),
    )  # fmt: skip

    library = parse_ciso_library(framework_file.read_bytes(), filename="framework.yaml")
    assert held(framework_document(library)[0].data) == held(normalise(old))
    # The mapping back through its library: every pair as it was; what the format cannot
    # hold is the notes on removed and new norms (a mapping set has no line for them).
    original = mapping_document(mapping=Mapping.objects.get())
    Mapping.objects.all().delete()
    result = ciso_library_import(path=mapping_file)
    back = mapping_document(mapping=result.mappings[0].mapping)
    assert back["pairs"] == original["pairs"]
    assert [item["norm"] for item in back["removed"]] == ["BV.01"]
    assert [item["norm"] for item in back["new"]] == ["BV.03"]
    assert original["removed"][0]["note"] != ""
    assert back["removed"][0]["note"] == ""
    assert (back["title"], back["description"]) == (original["title"], original["description"])


@pytest.mark.django_db
def test_a_mapping_through_the_library_format_keeps_relationships_and_notes(tmp_path):
    old, new, document = revision_docs()
    import_document(old), import_document(new)
    document["pairs"][3]["relationship"] = "intersects"
    document["removed"][0].pop("note")
    document["new"][0].pop("note")
    path = write_doc(tmp_path, document, "mapping.yaml")
    call_command("import_mapping", str(path), stdout=StringIO())
    original = mapping_document(mapping=Mapping.objects.get())
    library = mapping_library(mapping=Mapping.objects.get())
    assert (
        library["objects"]["requirement_mapping_sets"][0]["requirement_mappings"][3]["relationship"]
        == "intersect"
    )
    Mapping.objects.all().delete()
    library_path = Path(tmp_path / "lib.yaml")
    library_path.write_text(dump_framework(library), "utf-8")

    back = mapping_document(mapping=ciso_library_import(path=library_path).mappings[0].mapping)

    assert back == original


@pytest.mark.django_db
def test_codes_that_differ_only_in_case_cannot_be_exported(tmp_path):
    document = framework_doc()
    document["norms"][1]["code"] = "go.01"
    import_document(document)

    with pytest.raises(CommandError, match="differ only in case"):
        call_command(
            "export_framework", "test-kader", "--format", "ciso-assistant",
            stdout=StringIO(), stderr=StringIO(),
        )  # fmt: skip
