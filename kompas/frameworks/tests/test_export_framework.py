"""The export_framework command: a version written back in the import format."""

from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from kompas.frameworks.fileformat import normalise, parse_framework_text
from kompas.frameworks.models import Framework, FrameworkVersion, Norm
from kompas.testing.frameworks import framework_doc, write_doc

SHIPPED = Path(__file__).resolve().parent.parent / "shipped" / "normenkader-ibp-fo.yaml"

pytestmark = pytest.mark.django_db


def run_import(path: Path) -> str:
    out = StringIO()
    call_command("import_framework", str(path), stdout=out)
    return out.getvalue()


def run_export(directory: Path, slug: str, *options: str, name: str = "export.yaml") -> str:
    path = directory / name
    call_command("export_framework", slug, *options, "--output", str(path), stderr=StringIO())
    return path.read_text(encoding="utf-8")


def parse(text: str) -> dict[str, Any]:
    return parse_framework_text(text.encode("utf-8"), filename="export.yaml").data


def in_an_empty_database[T](action: Callable[[], T]) -> T:
    """Run the action against the empty test database and roll its writes back afterwards."""
    assert not Framework.objects.exists()
    with transaction.atomic():
        result = action()
        transaction.set_rollback(True)
    assert not Framework.objects.exists()
    return result


@pytest.fixture
def two_versions(tmp_path: Path) -> None:
    run_import(write_doc(tmp_path, framework_doc(version="1.0"), "v1.yaml"))
    newer = framework_doc(version="2.0")
    newer["norms"][0]["title"] = "Strategie, herzien"
    run_import(write_doc(tmp_path, newer, "v2.yaml"))


# --- where the export goes ----------------------------------------------------------------


def test_it_writes_the_latest_version_to_standard_output_for_a_dash(two_versions, capsys):
    call_command("export_framework", "test-kader", "--output", "-")

    exported = parse(capsys.readouterr().out)
    assert exported["version"]["version"] == "2.0"
    assert exported["norms"][0]["title"] == "Strategie, herzien"


def test_it_writes_to_standard_output_by_default(two_versions, capsys):
    call_command("export_framework", "test-kader")

    assert parse(capsys.readouterr().out)["version"]["version"] == "2.0"


def test_it_writes_to_a_file_with_output(two_versions, tmp_path, capsys):
    path = tmp_path / "uit" / "kader.yaml"
    path.parent.mkdir()
    err = StringIO()

    call_command("export_framework", "test-kader", "--output", str(path), stderr=err)

    assert parse(path.read_text("utf-8"))["version"]["version"] == "2.0"
    assert f"Wrote test-kader version 2.0 to {path}." in err.getvalue()
    assert capsys.readouterr().out == ""


def test_version_selects_an_older_version(two_versions, tmp_path):
    text = run_export(tmp_path, "test-kader", "--version", "1.0")

    exported = parse(text)
    assert exported["version"]["version"] == "1.0"
    assert exported["norms"][0]["title"] == "Strategie informatiebeveiliging"
    assert exported == normalise(framework_doc(version="1.0"))


def test_it_names_an_unknown_framework(two_versions, tmp_path):
    with pytest.raises(CommandError, match="There is no framework 'onbekend'"):
        run_export(tmp_path, "onbekend")

    assert not (tmp_path / "export.yaml").exists()


def test_it_names_an_unknown_version_and_the_known_ones(two_versions, tmp_path):
    with pytest.raises(CommandError) as error:
        run_export(tmp_path, "test-kader", "--version", "9.9")

    message = str(error.value)
    assert "There is no framework 'test-kader' version 9.9." in message
    assert "Known versions:" in message
    assert "1.0" in message
    assert "2.0" in message
    assert not (tmp_path / "export.yaml").exists()


# --- what the export holds ----------------------------------------------------------------


def test_the_export_reads_back_to_the_normalised_original(tmp_path):
    original = framework_doc()
    run_import(write_doc(tmp_path, original))

    assert parse(run_export(tmp_path, "test-kader")) == normalise(original)


def test_the_export_fills_in_left_out_optional_fields(tmp_path):
    original = framework_doc()
    del original["version"]["publisher"]
    del original["version"]["growth_path"]
    del original["domains"][0]["responsibility"]
    for norm in original["norms"]:
        del norm["confirmed"]
        del norm["example_measures"]
        del norm["references"]
        del norm["growth_phase"]
    original["norms"][0]["criteria"].reverse()
    run_import(write_doc(tmp_path, original))

    exported = parse(run_export(tmp_path, "test-kader"))

    assert exported == normalise(original)
    assert exported["version"]["publisher"] == ""
    assert exported["version"]["growth_path"] == []
    assert exported["domains"][0]["responsibility"] == {
        "accountable": [],
        "responsible": [],
        "consulted": [],
        "informed": [],
    }
    assert exported["norms"][0]["criteria"][0]["level"] == 1
    assert exported["norms"][0]["growth_phase"] is None


def test_the_export_of_the_shipped_framework_reads_back_whole(tmp_path):
    run_import(SHIPPED)

    exported = parse(run_export(tmp_path, "normenkader-ibp-fo"))

    original = parse_framework_text(SHIPPED.read_bytes(), filename=str(SHIPPED)).data
    assert exported == original
    assert len(exported["norms"]) == 94
    parts = {domain["code"]: domain["part"] for domain in exported["domains"]}
    security = [norm for norm in exported["norms"] if parts[norm["domain"]] == "security"]
    assert len(security) == 69
    assert len({norm["domain"] for norm in security}) == 15
    assert len(exported["norms"]) - len(security) == 25
    assert sum(norm["confirmed"] for norm in exported["norms"]) == 13
    assert exported["version"]["target_level"] == 3


def test_importing_the_export_again_changes_nothing(tmp_path):
    run_import(write_doc(tmp_path, framework_doc()))
    version = FrameworkVersion.objects.get()
    exported = tmp_path / "export.yaml"
    run_export(tmp_path, "test-kader")

    output = run_import(exported)

    assert "nothing changed" in output
    assert FrameworkVersion.objects.get().pk == version.pk
    assert Norm.objects.count() == 4


@pytest.mark.parametrize("source", ["small", "shipped"])
def test_the_export_of_a_reimported_export_is_byte_identical(source, tmp_path):
    original = write_doc(tmp_path, framework_doc()) if source == "small" else SHIPPED
    slug = "test-kader" if source == "small" else "normenkader-ibp-fo"

    def import_then_export(path: Path, name: str) -> str:
        def action() -> str:
            run_import(path)
            return run_export(tmp_path, slug, name=name)

        return in_an_empty_database(action)

    first = import_then_export(original, "first.yaml")
    second = import_then_export(tmp_path / "first.yaml", "second.yaml")

    assert second == first
    assert parse(first) == parse_framework_text(original.read_bytes(), filename="x").data


def test_text_with_a_next_line_character_survives_the_export(tmp_path):
    # U+0085 (NEL) is a line break to YAML 1.1; it turns up in text pasted from Windows-1252.
    original = framework_doc()
    original["norms"][0]["title"] = "Strategie\x85informatiebeveiliging"
    original["norms"][0]["statement"] = "Eerste regel\x85nog steeds de eerste.\nTweede regel."
    original["domains"][0]["description"] = "Sturing\x85en toezicht."
    # PyYAML's allow_unicode output folds U+0085 itself, so write the input escaped.
    path = tmp_path / "kader.yaml"
    path.write_text(yaml.safe_dump(original, sort_keys=False), encoding="utf-8")
    run_import(path)

    exported = parse(run_export(tmp_path, "test-kader"))

    assert exported["norms"][0]["title"] == original["norms"][0]["title"]
    assert exported["norms"][0]["statement"] == original["norms"][0]["statement"]
    assert exported["domains"][0]["description"] == original["domains"][0]["description"]
    assert exported == normalise(original)


def test_the_export_of_a_file_writing_whole_numbers_as_decimals_imports_back_unchanged(
    tmp_path,
):
    # JSON Schema counts 3.0 as an integer, so the file is valid; the database stores 3.
    path = tmp_path / "decimals.yaml"
    path.write_text(
        yaml.safe_dump(framework_doc(), allow_unicode=True, sort_keys=False)
        .replace("target_level: 3", "target_level: 3.0")
        .replace("- level: 1\n", "- level: 1.0\n"),
        encoding="utf-8",
    )
    assert "target_level: 3.0" in path.read_text("utf-8")
    run_import(path)
    version = FrameworkVersion.objects.get()
    run_export(tmp_path, "test-kader")

    output = run_import(tmp_path / "export.yaml")

    assert "nothing changed" in output
    assert FrameworkVersion.objects.get().pk == version.pk
