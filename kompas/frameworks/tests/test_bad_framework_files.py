"""Malformed framework files: refused with a located message, and nothing written."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from kompas.testing.frameworks import framework_doc, write_doc

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Case:
    """A bad file, the lines a correct report may point at, and what it must say."""

    content: bytes | None  # None: the file does not exist
    lines: tuple[int, ...]  # acceptable line numbers; () when the problem has no line
    place: str | None  # the location as the report spells it, e.g. "norms[1].criteria"
    words: str  # a regular expression for the problem in words
    max_bytes: int | None = None


def bad_document() -> dict[str, Any]:
    # Version 2.0 of the framework the database already holds: if a bad file got through,
    # it would be written next to version 1.0 and the row counts would show it.
    return framework_doc(version="2.0")


def dump(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based number of the line holding the needle's nth occurrence."""
    found = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(found) >= occurrence, f"{needle!r} occurs {len(found)} times"
    return found[occurrence - 1]


def from_document(
    change: Callable[[dict[str, Any]], None], needle: str, place: str, words: str, nth: int = 1
) -> Case:
    document = bad_document()
    change(document)
    text = dump(document)
    return Case(text.encode(), (line_of(text, needle, nth),), place, words)


def from_text(old: str, new: str, needle: str, place: str | None, words: str) -> Case:
    original = dump(bad_document())
    assert original.count(old) == 1, old
    text = original.replace(old, new)
    return Case(text.encode(), (line_of(text, needle),), place, words)


# --- the cases ----------------------------------------------------------------------------


def yaml_syntax_error() -> Case:
    return from_text(
        "  title: Beleid informatiebeveiliging\n",
        "  title: Beleid: informatiebeveiliging\n",
        "Beleid: informatiebeveiliging",
        None,
        r"invalid YAML: mapping values are not allowed",
    )


def nul_written_as_an_escape() -> Case:
    # "\0" in a quoted text is NUL, which PostgreSQL cannot store.
    return from_document(
        lambda d: d["norms"][1].update(title="Beleid\x00plan"),
        "Beleid\\0plan",
        "norms[1].title",
        r"has the invisible character U\+0000 \(NUL\) at position 7, which is not allowed",
    )


def control_character_written_as_an_escape() -> Case:
    return from_document(
        lambda d: d["norms"][2].update(statement="Eerste regel\nrood\x1b[31m"),
        "rood\\e[31m",
        "norms[2].statement",
        r"U\+001B \(ESC\) at line 2, position 5",
    )


def surrogate_written_as_an_escape() -> Case:
    # libyaml refuses the escape itself; PyYAML's own parser reads it, and the check refuses it.
    return from_text(
        "  title: Beleid informatiebeveiliging\n",
        '  title: "Beleid \\ud800"\n',
        "Beleid \\ud800",
        None,
        r"invalid Unicode character escape code|U\+D800 \(surrogate\)",
    )


def raw_control_character() -> Case:
    return from_text(
        "  title: Beleid informatiebeveiliging\n",
        "  title: Beleid\x01 informatiebeveiliging\n",
        "Beleid\x01",
        None,
        r"the file has the invisible character U\+0001 \(SOH\) at position 16 of this line",
    )


def norm_without_title() -> Case:
    return from_document(
        lambda d: d["norms"][1].pop("title"),
        "- code: GO.02",
        "norms[1]",
        r"missing field 'title'",
    )


def target_level_in_words() -> Case:
    return from_document(
        lambda d: d["version"].update(target_level="drie"),
        "target_level: drie",
        "version.target_level",
        r"expected a whole number, found 'drie'",
    )


def domain_number_as_text() -> Case:
    return from_document(
        lambda d: d["domains"][1].update(number="14"),
        "number: '14'",
        "domains[1].number",
        r"expected a whole number, found '14'",
    )


def version_as_a_number() -> Case:
    return from_text(
        "  version: '2.0'\n",
        "  version: 2.0\n",
        "version: 2.0",
        "version.version",
        r"expected text, found 2\.0",
    )


def confirmed_in_dutch() -> Case:
    return from_document(
        lambda d: d["norms"][2].update(confirmed="ja"),
        "confirmed: ja",
        "norms[2].confirmed",
        r"expected true or false, found 'ja'",
    )


def unknown_field() -> Case:
    return from_document(
        lambda d: d["norms"][1].update(kleur="rood"),
        "kleur: rood",
        "norms[1]",
        r"unknown field 'kleur'",
    )


def duplicate_norm_code() -> Case:
    return from_document(
        lambda d: d["norms"][3].update(code="GO.01"),
        "- code: GO.01",
        "norms[3].code",
        r"duplicate code 'GO.01'",
        nth=2,
    )


def duplicate_domain_code() -> Case:
    def change(document: dict[str, Any]) -> None:
        document["domains"][2]["code"] = "GO"
        document["norms"][3]["domain"] = "GO"

    return from_document(change, "- code: GO", "domains[2].code", r"duplicate code 'GO'", nth=2)


def criterion_level_zero() -> Case:
    return from_document(
        lambda d: d["norms"][1]["criteria"][0].update(level=0),
        "- level: 0",
        "norms[1].criteria[0].level",
        r"level 0 is outside 1-5",
    )


def criterion_level_six() -> Case:
    return from_document(
        lambda d: d["norms"][1]["criteria"][4].update(level=6),
        "- level: 6",
        "norms[1].criteria[4].level",
        r"level 6 is outside 1-5",
    )


def only_four_criteria() -> Case:
    document = bad_document()
    del document["norms"][1]["criteria"][4]
    text = dump(document)
    # The list starts at its key or at its first item; either line leads the reader to it.
    key = line_of(text, "criteria:", 2)
    return Case(
        text.encode(),
        (key, key + 1),
        "norms[1].criteria",
        r"needs at least 5 items, found 4",
    )


def level_twice_in_one_norm() -> Case:
    document = bad_document()
    document["norms"][1]["criteria"][3]["level"] = 3
    text = dump(document)
    line = line_of(text, "text: GO.02 op niveau 4.") - 1
    assert text.splitlines()[line - 1].strip() == "- level: 3"
    return Case(text.encode(), (line,), "norms[1].criteria[3].level", r"level 3 appears twice")


def changed_criterion(index: int, text: str, place: str, words: str) -> Case:
    """norms[1] with the text of one criterion replaced; the report points at that text."""
    document = bad_document()
    document["norms"][1]["criteria"][index]["text"] = text
    dumped = dump(document)
    # Each criterion takes two lines ("- level: n", "text: ..."); count from an untouched one.
    if index > 0:
        line = line_of(dumped, f"text: GO.02 op niveau {index}.") + 2
    else:
        line = line_of(dumped, "text: GO.02 op niveau 2.") - 2
    assert dumped.splitlines()[line - 1].lstrip().startswith("text: "), dumped
    return Case(dumped.encode(), (line,), place, words)


def empty_criterion_text() -> Case:
    return changed_criterion(2, "", "norms[1].criteria[2].text", r"must not be empty")


def whitespace_criterion_text() -> Case:
    return changed_criterion(2, "  \t ", "norms[1].criteria[2].text", r"must not be empty")


def identical_criterion_texts() -> Case:
    # The same words with other spacing and case are the same criterion.
    return changed_criterion(
        3,
        "GO.02  OP niveau\n3.",
        "norms[1].criteria[3].text",
        r"repeats the text of another level",
    )


def norm_in_unknown_domain() -> Case:
    return from_document(
        lambda d: d["norms"][1].update(domain="XX"),
        "domain: XX",
        "norms[1].domain",
        r"unknown domain 'XX'",
    )


def domain_in_unknown_part() -> Case:
    return from_document(
        lambda d: d["domains"][1].update(part="financien"),
        "part: financien",
        "domains[1].part",
        r"unknown part 'financien'",
    )


def unknown_growth_phase() -> Case:
    return from_document(
        lambda d: d["norms"][1].update(growth_phase=9),
        "growth_phase: 9",
        "norms[1].growth_phase",
        r"unknown growth-path phase 9",
    )


def impossible_release_date() -> Case:
    return from_document(
        lambda d: d["version"].update(released="2026-02-30"),
        "released: '2026-02-30'",
        "version.released",
        r"'2026-02-30' is not a date \(YYYY-MM-DD\)",
    )


def duplicated_yaml_key() -> Case:
    return from_text(
        "  title: Beleid informatiebeveiliging\n",
        "  title: Beleid informatiebeveiliging\n  confirmed: true\n  title: Nog een titel\n",
        "title: Nog een titel",
        "norms[1].title",
        r"this key appears twice",
    )


def slug_with_a_trailing_line_break() -> Case:
    return from_document(
        lambda d: d["framework"].update(slug="test-kader\n"),
        "slug:",
        "framework.slug",
        r"is not allowed here|must be a single line",
    )


def norm_code_with_a_trailing_line_break() -> Case:
    return from_document(
        lambda d: d["norms"][1].update(code="GO.02\n"),
        "- code: 'GO.02",
        "norms[1].code",
        r"is not allowed here|must be a single line",
    )


def self_referencing_alias() -> Case:
    return from_text(
        "  notice: Alleen voor tests.\n",
        "  notice: &lus [*lus]\n",
        "notice: &lus",
        "version.notice",
        r"alias|anchor|recurs|itself",
    )


def not_utf8() -> Case:
    text = dump(bad_document())
    before, after = text.split("Beleid informatiebeveiliging", 1)
    content = before.encode() + "Beleid ïnformatiebeveiliging".encode("latin-1") + after.encode()
    return Case(content, (line_of(text, "Beleid informatiebeveiliging"),), None, r"not UTF-8")


def too_large() -> Case:
    return Case(dump(bad_document()).encode(), (), None, r"the limit is 100 bytes", max_bytes=100)


def empty_file() -> Case:
    return Case(b"", (), None, r"the file is empty")


def only_comments_and_spaces() -> Case:
    return Case(b"# nog niets\n   \n\n", (), None, r"the file is empty")


def top_level_list() -> Case:
    text = "# Een lijst in plaats van een kader.\n- format: ibp-kompas-framework\n- norms: []\n"
    return Case(text.encode(), (2,), None, r"must hold a mapping")


def missing_file() -> Case:
    return Case(None, (), None, r"cannot read the file: No such file or directory")


CASES = [
    yaml_syntax_error,
    nul_written_as_an_escape,
    control_character_written_as_an_escape,
    surrogate_written_as_an_escape,
    raw_control_character,
    norm_without_title,
    target_level_in_words,
    domain_number_as_text,
    version_as_a_number,
    confirmed_in_dutch,
    unknown_field,
    duplicate_norm_code,
    duplicate_domain_code,
    criterion_level_zero,
    criterion_level_six,
    only_four_criteria,
    level_twice_in_one_norm,
    empty_criterion_text,
    whitespace_criterion_text,
    identical_criterion_texts,
    norm_in_unknown_domain,
    domain_in_unknown_part,
    unknown_growth_phase,
    impossible_release_date,
    duplicated_yaml_key,
    slug_with_a_trailing_line_break,
    norm_code_with_a_trailing_line_break,
    self_referencing_alias,
    not_utf8,
    too_large,
    empty_file,
    only_comments_and_spaces,
    top_level_list,
    missing_file,
]


# --- the checks ---------------------------------------------------------------------------


def row_counts() -> dict[str, int]:
    models = apps.get_app_config("frameworks").get_models()
    return {model.__name__: model._default_manager.count() for model in models}


@pytest.fixture
def holding_one_framework(tmp_path: Path) -> dict[str, int]:
    """A database that already holds version 1.0, so that 'unchanged' means something."""
    call_command("import_framework", str(write_doc(tmp_path, framework_doc())), stdout=StringIO())
    counts = row_counts()
    assert counts["Norm"] == 4
    return counts


def refusal(path: Path) -> str:
    with pytest.raises(CommandError) as error:
        call_command("import_framework", str(path), stdout=StringIO())
    return str(error.value)


@pytest.mark.parametrize("make_case", CASES, ids=[case.__name__ for case in CASES])
def test_it_refuses_a_bad_file_and_says_where_and_why(
    make_case, holding_one_framework, tmp_path, settings
):
    case = make_case()
    path = tmp_path / "bad" / "kader.yaml"
    path.parent.mkdir()
    if case.content is not None:
        path.write_bytes(case.content)
    if case.max_bytes is not None:
        settings.FRAMEWORK_IMPORT_MAX_BYTES = case.max_bytes

    message = refusal(path)

    assert message.startswith("The framework file was not imported:\n")
    reports = message.splitlines()[1:]
    if case.lines:
        prefixes = [f"{path}:{line}: " for line in case.lines]
        located = [line for line in reports if line.startswith(tuple(prefixes))]
        assert located, f"no report at line {' or '.join(map(str, case.lines))}: {message}"
    else:
        located = [line for line in reports if line.startswith(f"{path}: ")]
        assert located, message
    # The report names the place itself or a spot inside it (norms[1] or norms[1].kleur).
    place = rf": {re.escape(case.place)}(?:[.\[][^:]*)?: " if case.place else ": "
    assert any(re.search(place, line) and re.search(case.words, line) for line in located), message
    assert row_counts() == holding_one_framework


def test_it_reports_every_problem_of_a_file_with_two(holding_one_framework, tmp_path):
    document = bad_document()
    document["version"]["target_level"] = "drie"
    del document["norms"][2]["why"]
    text = dump(document)
    path = tmp_path / "twee.yaml"
    path.write_text(text, "utf-8")

    message = refusal(path)

    assert f"{path}:{line_of(text, 'target_level: drie')}: version.target_level: " in message
    assert f"{path}:{line_of(text, '- code: BC.03')}: norms[2]: missing field 'why'" in message
    assert row_counts() == holding_one_framework


def test_it_reports_every_broken_rule_of_a_file(holding_one_framework, tmp_path):
    document = bad_document()
    document["norms"][3]["code"] = "GO.01"
    document["norms"][2]["growth_phase"] = 7
    text = dump(document)
    path = tmp_path / "twee.yaml"
    path.write_text(text, "utf-8")

    message = refusal(path)

    duplicate = line_of(text, "- code: GO.01", 2)
    assert f"{path}:{duplicate}: norms[3].code: duplicate code 'GO.01'" in message
    phase = line_of(text, "growth_phase: 7")
    assert f"{path}:{phase}: norms[2].growth_phase: unknown growth-path phase 7" in message
    assert row_counts() == holding_one_framework


def test_it_names_each_missing_field_once(holding_one_framework, tmp_path):
    document = bad_document()
    del document["norms"][1]["title"]
    del document["norms"][1]["why"]
    path = write_doc(tmp_path, document, "twee.yaml")

    message = refusal(path)

    assert message.count("'title'") == 1, message
    assert message.count("'why'") == 1, message
    assert row_counts() == holding_one_framework
