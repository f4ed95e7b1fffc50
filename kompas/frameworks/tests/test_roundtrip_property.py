"""Any valid framework document survives import and export unchanged (a property test)."""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kompas.core.text import FORBIDDEN as FORBIDDEN_RE
from kompas.frameworks import selectors, services
from kompas.frameworks.fileformat import dump_framework, normalise, parse_framework_text
from kompas.frameworks.models import Framework

# Text that YAML could misread: scalars it resolves to booleans, nulls and numbers,
# indicators, quotes, YAML 1.1 line breaks (U+0085, U+2028, U+2029) and other odd spaces.
TRICKY = [
    "yes", "no", "Yes", "NO", "on", "off", "null", "Null", "~", "true", "False",
    "1.0", "1", "0x1F", "1e3", "0o17", ".inf", "-.NaN", "2024-06-06", "12:30", "1_000",
    "- ", "-", "#", " #", "# ", ": ", ":", "'", '"', "''", "\\", "{", "}", "[", "]", ",",
    "&anker", "*anker", "!tag", "!!str", "%", "@", "`", "|", ">", "?", "---", "...",
    " ", "  ", "\t", "ï", "é", "ß", "İ", "😀", "\u00a0", "\u2028", "\u2029", "\x85", "\ufeff",
]  # fmt: skip
BREAKS = ["\n", "\n\n", "\r\n", "\r", " \n", "\n  "]
TRICKY_CODES = ["yes", "no", "null", "1.0", "1", "0x1F", "on", "Off", "1e3", "TRUE", "1_000"]
NON_SPACE = re.compile(r"\S")

# Any character the format accepts: none that kompas.core.text forbids (control characters
# other than tab, surrogates, U+FFFE and U+FFFF); line breaks come from BREAKS.
FORBIDDEN = "".join(chr(number) for number in range(0x10000) if FORBIDDEN_RE.match(chr(number)))
characters = st.characters(exclude_categories=["Cs"], exclude_characters=FORBIDDEN + "\n\r")
pieces = st.one_of(st.sampled_from(TRICKY), st.text(characters, min_size=1, max_size=10))

# "line" in the schema: one line with something on it.
lines = st.lists(pieces, min_size=1, max_size=4).map("".join).filter(NON_SPACE.search)
# "text" in the schema: anything with something on it, line breaks included.
texts = (
    st.lists(st.one_of(pieces, st.sampled_from(BREAKS)), min_size=1, max_size=8)
    .map("".join)
    .filter(NON_SPACE.search)
)
optional_texts = st.one_of(st.just(""), texts)
codes = st.one_of(
    st.sampled_from(TRICKY_CODES), st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,8}\Z")
)
part_codes = st.from_regex(r"\A[a-z0-9]{1,6}(?:[-_][a-z0-9]{1,4}){0,2}\Z")
slugs = st.from_regex(r"\A[a-z0-9]{1,8}(?:-[a-z0-9]{1,4}){0,2}\Z")
languages = st.one_of(st.sampled_from(["nl", "no", "on", "en-GB"]), st.from_regex(r"\A[a-z]{2}\Z"))
dates = st.dates().map(lambda day: day.isoformat())


def criterion_key(text: str) -> str:
    # The importer's rule: criteria must differ after folding whitespace and case.
    return " ".join(text.split()).casefold()


@st.composite
def framework_documents(draw: st.DrawFn) -> dict[str, Any]:
    def maybe(target: dict[str, Any], key: str, values: st.SearchStrategy[Any]) -> None:
        if draw(st.booleans()):
            target[key] = draw(values)

    version: dict[str, Any] = {
        "version": draw(codes),
        "title": draw(lines),
        "target_level": draw(st.integers(1, 5)),
        "levels": [
            {"level": number, "name": draw(lines)}
            for number in draw(st.permutations([1, 2, 3, 4, 5]))
        ],
    }
    for level in version["levels"]:
        maybe(level, "description", optional_texts)
    maybe(version, "publisher", st.one_of(st.just(""), lines))
    maybe(version, "description", optional_texts)
    maybe(version, "language", languages)
    maybe(version, "released", st.one_of(st.none(), dates))
    maybe(version, "source_url", st.one_of(st.just(""), lines))
    maybe(version, "notice", optional_texts)
    phases = draw(st.lists(st.integers(1, 99), unique=True, max_size=3))
    if phases or draw(st.booleans()):  # type: ignore[arg-type]  # hypothesis stubs infer the first draw
        version["growth_path"] = []
        for number in phases:
            phase = {"phase": number, "name": draw(lines)}
            maybe(phase, "description", optional_texts)
            version["growth_path"].append(phase)

    parts = draw(st.lists(part_codes, min_size=1, max_size=3, unique=True))
    places = draw(
        st.lists(
            st.tuples(st.sampled_from(parts), st.integers(1, 999)),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    domain_codes = draw(st.lists(codes, min_size=len(places), max_size=len(places), unique=True))
    domains = []
    for code, (part, number) in zip(domain_codes, places, strict=True):
        domain: dict[str, Any] = {"code": code, "part": part, "number": number, "name": draw(lines)}
        maybe(domain, "confirmed", st.booleans())
        maybe(domain, "description", optional_texts)
        if draw(st.booleans()):
            domain["responsibility"] = {}
            for key in ("accountable", "responsible", "consulted", "informed"):
                maybe(domain["responsibility"], key, st.lists(lines, max_size=2))
        domains.append(domain)

    norm_codes = draw(st.lists(codes, min_size=1, max_size=5, unique=True))
    norms = []
    for code in norm_codes:
        criterion_texts = draw(st.lists(texts, min_size=5, max_size=5, unique_by=criterion_key))
        norm: dict[str, Any] = {
            "code": code,
            "domain": draw(st.sampled_from(domain_codes)),
            "title": draw(lines),
            "statement": draw(texts),
            "why": draw(texts),
            "criteria": [
                {"level": level, "text": text}
                for level, text in zip(
                    draw(st.permutations([1, 2, 3, 4, 5])), criterion_texts, strict=True
                )
            ],
        }
        maybe(norm, "confirmed", st.booleans())
        maybe(norm, "example_measures", st.lists(texts, max_size=3))
        maybe(
            norm,
            "references",
            st.lists(st.fixed_dictionaries({"standard": lines, "clause": lines}), max_size=2),
        )
        maybe(norm, "growth_phase", st.one_of(st.none(), *[st.just(p) for p in phases]))
        norms.append(norm)

    return {
        "format": "ibp-kompas-framework",
        "format_version": 1,
        "framework": {"slug": draw(slugs), "name": draw(lines)},
        "version": version,
        "parts": [{"code": code, "name": draw(lines)} for code in parts],
        "domains": domains,
        "norms": norms,
    }


def differences(found: Any, wanted: Any, where: str = "") -> list[str]:
    """Where two documents differ, spelled like the importer's locations."""
    if isinstance(found, dict) and isinstance(wanted, dict):
        keys = list(wanted) + [key for key in found if key not in wanted]
        return [
            line
            for key in keys
            for line in differences(
                found.get(key), wanted.get(key), f"{where}.{key}" if where else key
            )
        ]
    if isinstance(found, list) and isinstance(wanted, list) and len(found) == len(wanted):
        return [
            line
            for index, (item, expected) in enumerate(zip(found, wanted, strict=True))
            for line in differences(item, expected, f"{where}[{index}]")
        ]
    return [] if found == wanted else [f"{where}: exported {found!r}, generated {wanted!r}"]


def as_yaml(document: dict[str, Any]) -> str:
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    if yaml.safe_load(text) != document:
        # PyYAML cannot read back some characters it writes unescaped (U+0085); escape them
        # all, so that the generated file holds exactly the generated document.
        text = yaml.safe_dump(document, sort_keys=False)
    assert yaml.safe_load(text) == document
    return text


@pytest.mark.django_db(transaction=False)
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    # Shrinking a failing document takes minutes; the assertion's diff names the field.
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(document=framework_documents())
def test_any_valid_document_survives_import_and_export(document, tmp_path: Path):
    generated = tmp_path / "generated.yaml"
    generated.write_text(as_yaml(document), encoding="utf-8")
    exported = tmp_path / "exported.yaml"

    # Each example runs in a savepoint that is rolled back, so every one starts empty.
    assert not Framework.objects.exists()
    with transaction.atomic():
        first = services.framework_import(path=generated)
        assert first.created is True
        text = dump_framework(selectors.export_document(version=first.version))
        reread = parse_framework_text(text.encode("utf-8"), filename=str(exported)).data
        expected = normalise(document)
        assert reread == expected, "\n".join(differences(reread, expected))

        exported.write_text(text, encoding="utf-8")
        again = services.framework_import(path=exported)
        assert again.created is False
        assert again.version.pk == first.version.pk
        transaction.set_rollback(True)
    assert not Framework.objects.exists()
