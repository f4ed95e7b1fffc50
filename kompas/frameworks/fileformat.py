"""The framework file format: reading with located errors, validation, normalisation, writing.

The format is documented in docs/framework-format.md; its structure is the JSON Schema in
schema/framework.schema.json, and the rules a schema cannot express (unique codes, references
between sections, five distinct criteria) are checked here. Nothing in this module touches the
database.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from kompas.core.text import find_forbidden, forbidden_in

FORMAT = "ibp-kompas-framework"
FORMAT_VERSION = 1
SCHEMA_PATH = Path(__file__).parent / "schema" / "framework.schema.json"
RESPONSIBILITY_KEYS = ("accountable", "responsible", "consulted", "informed")
MAX_REPORTED_PROBLEMS = 50

JsonPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    path: JsonPath
    message: str
    line: int | None = None

    def location(self) -> str:
        parts = []
        for key in self.path:
            if isinstance(key, int):
                parts.append(f"[{key}]")
            else:
                parts.append(f".{key}" if parts else key)
        return "".join(parts)


@dataclass
class LocatedFileError(Exception):
    """A data file that cannot be used, with every problem found and where (file:line: path)."""

    filename: str
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def lines(self) -> list[str]:
        lines = []
        for problem in self.problems[:MAX_REPORTED_PROBLEMS]:
            where = self.filename
            if problem.line is not None:
                where += f":{problem.line}"
            location = problem.location()
            lines.append(
                f"{where}: {location}: {problem.message}"
                if location
                else f"{where}: {problem.message}"
            )
        hidden = len(self.problems) - MAX_REPORTED_PROBLEMS
        if hidden > 0:
            lines.append(f"{self.filename}: ... and {hidden} more problems")
        return lines


class FrameworkFileError(LocatedFileError):
    """A framework file that cannot be imported."""


@dataclass(frozen=True)
class FrameworkDocument:
    """A validated, normalised framework file and the checksum of its content."""

    data: dict[str, Any]
    checksum: str

    @property
    def slug(self) -> str:
        return str(self.data["framework"]["slug"])

    @property
    def version(self) -> str:
        return str(self.data["version"]["version"])


# libyaml's parser when PyYAML was built with it (several times faster), else pure Python.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe YAML without implicit dates, so that dates stay text as the schema expects."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_framework_file(path: Path, *, max_bytes: int) -> FrameworkDocument:
    """Read, validate and normalise a framework file; raise FrameworkFileError on any problem."""
    raw = read_limited(path, max_bytes=max_bytes, error=FrameworkFileError)
    return parse_framework_text(raw, filename=str(path))


def read_limited(path: Path, *, max_bytes: int, error: type[LocatedFileError]) -> bytes:
    """A file's bytes, refused (as `error`) when unreadable or over `max_bytes`."""
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as problem:
        raise error(name, [Problem((), f"cannot read the file: {problem.strerror}")]) from None
    if size > max_bytes:
        raise error(
            name, [Problem((), f"the file is {size:,} bytes; the limit is {max_bytes:,} bytes")]
        )
    return path.read_bytes()


def decode_utf8(raw: bytes, *, filename: str, error: type[LocatedFileError]) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as problem:
        line = raw[: problem.start].count(b"\n") + 1
        raise error(
            filename,
            [Problem((), f"the file is not UTF-8 text (byte {problem.start} is invalid)", line)],
        ) from None


def parse_framework_text(raw: bytes, *, filename: str) -> FrameworkDocument:
    text = decode_utf8(raw, filename=filename, error=FrameworkFileError)
    data, lines = _load_yaml(text, filename)
    problems = framework_data_problems(data, lines)
    if problems:
        raise FrameworkFileError(filename, problems)
    normalised = normalise(data)
    return FrameworkDocument(normalised, checksum_of(normalised))


def framework_data_problems(data: Any, lines: dict[JsonPath, int]) -> list[Problem]:
    """Every problem of a framework document already read as data: schema, then the rules.

    For documents that do not come from a file of this format (kompas.frameworks.cisoformat
    translates a CISO Assistant library into one), so that every rule applies to them too.
    """
    problems = schema_problems(data, lines)
    if not problems:
        problems = _rule_problems(data, lines)
    return problems


def normalise(data: dict[str, Any]) -> dict[str, Any]:
    """The canonical form of a valid document: every optional field present, levels in order.

    Except the fields for CISO Assistant libraries, which appear only when set.
    """
    version = data["version"]
    document: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "framework": {"slug": data["framework"]["slug"], "name": data["framework"]["name"]},
        "version": {
            "version": version["version"],
            "title": version["title"],
            "publisher": version.get("publisher", ""),
            "description": version.get("description", ""),
            "language": version.get("language", "nl"),
            "released": version.get("released"),
            "source_url": version.get("source_url", ""),
            "notice": version.get("notice", ""),
            "target_level": int(version["target_level"]),
            "levels": [
                {
                    "level": int(level["level"]),
                    "name": level["name"],
                    "description": level.get("description", ""),
                }
                for level in sorted(version["levels"], key=lambda item: item["level"])
            ],
            "growth_path": [
                {
                    "phase": int(phase["phase"]),
                    "name": phase["name"],
                    "description": phase.get("description", ""),
                }
                for phase in sorted(version.get("growth_path", []), key=lambda item: item["phase"])
            ],
        },
        "parts": [{"code": part["code"], "name": part["name"]} for part in data["parts"]],
        "domains": [
            {
                "code": domain["code"],
                "part": domain["part"],
                "number": int(domain["number"]),
                "name": domain["name"],
                "confirmed": domain.get("confirmed", False),
                "description": domain.get("description", ""),
                "responsibility": {
                    key: list(domain.get("responsibility", {}).get(key, []))
                    for key in RESPONSIBILITY_KEYS
                },
            }
            for domain in data["domains"]
        ],
        "norms": [
            {
                "code": norm["code"],
                "domain": norm["domain"],
                "title": norm["title"],
                "confirmed": norm.get("confirmed", False),
                "statement": norm["statement"],
                "why": norm["why"],
                "criteria": [
                    {"level": int(criterion["level"]), "text": criterion["text"]}
                    for criterion in sorted(norm["criteria"], key=lambda item: item["level"])
                ],
                "example_measures": list(norm.get("example_measures", [])),
                "references": [
                    {"standard": ref["standard"], "clause": ref["clause"]}
                    for ref in norm.get("references", [])
                ],
                "growth_phase": _whole(norm.get("growth_phase")),
                **_optional(norm, "external_urn", default=""),
            }
            for norm in data["norms"]
        ],
    }
    # So that the checksums of documents without them stay what they were.
    document["version"].update(_optional(version, "generic_criteria", default=False))
    document["version"].update(_optional(version, "external_urn", default=""))
    return document


def _optional(item: dict[str, Any], key: str, *, default: Any) -> dict[str, Any]:
    value = item.get(key, default)
    return {} if value == default else {key: value}


def _whole(value: float | None) -> int | None:
    # JSON Schema counts 3.0 as an integer; store and compare it as 3.
    return None if value is None else int(value)


def checksum_of(document: dict[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def dump_framework(document: dict[str, Any]) -> str:
    """Write a normalised document as YAML that reads back to the same document."""
    return yaml.dump(
        document,
        Dumper=YamlDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )


class YamlDumper(yaml.SafeDumper):
    pass


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line text as a literal block keeps exported files readable and diffable; the
    # emitter falls back to a quoted style where a block cannot hold the text exactly.
    # U+0085 is a line break to a YAML reader but not to Python: only the double-quoted style
    # (which escapes it) keeps it intact.
    style = '"' if "\x85" in value else "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


YamlDumper.add_representer(str, _represent_text)


# --- reading YAML with line numbers -------------------------------------------------------


def _load_yaml(text: str, filename: str) -> tuple[Any, dict[JsonPath, int]]:
    data, lines = load_yaml(text, filename=filename, error=FrameworkFileError)
    if not isinstance(data, dict):
        raise FrameworkFileError(
            filename,
            [Problem((), "the file must hold a mapping (format, framework, ...)", lines[()])],
        )
    return data, lines


def load_yaml(
    text: str, *, filename: str, error: type[LocatedFileError]
) -> tuple[Any, dict[JsonPath, int]]:
    """Plain data from YAML text, with the line of every path; aliases and bad keys refused.

    So is a forbidden character (kompas.core.text), whether written as itself, which YAML
    does not allow either, or as an escape in a quoted text ("\\0", "\\x01", "\\ud800").
    """
    raw = find_forbidden(text)
    if raw is not None:
        raise error(
            filename,
            [
                Problem(
                    (),
                    f"the file has the invisible character {raw.codepoint} at position "
                    f"{raw.column} of this line, which is not allowed; remove it",
                    raw.line,
                )
            ],
        )
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as problem:
        mark = problem.problem_mark or problem.context_mark
        line = mark.line + 1 if mark else None
        raise error(
            filename, [Problem((), f"invalid YAML: {problem.problem or problem.context}", line)]
        ) from None
    except yaml.YAMLError as problem:
        raise error(filename, [Problem((), f"invalid YAML: {problem}")]) from None
    finally:
        loader.dispose()
    if node is None:
        raise error(filename, [Problem((), "the file is empty")])
    builder = _Builder(loader)
    data = builder.build(node, ())
    builder.problems += [
        Problem(path, problem.describe(), line_for(path, builder.lines))
        for path, problem in forbidden_in(data)
    ]
    if builder.problems:
        raise error(filename, builder.problems)
    return data, builder.lines


@dataclass
class _Builder:
    """Turns the YAML node tree into plain data, noting the line of every path.

    Anchors and aliases are refused: a framework file has no use for them, and refusing them
    rules out self-referencing documents and exponential "billion laughs" expansion.
    """

    loader: _Loader
    lines: dict[JsonPath, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)

    def build(self, node: yaml.Node, path: JsonPath) -> Any:
        line = node.start_mark.line + 1
        self.lines[path] = line
        if id(node) in self.seen:
            self.problems.append(Problem(path, "aliases (*name) are not supported", line))
            return None
        self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            self.problems.append(Problem(path, f"invalid value: {error}", line))
            return None

    def _mapping(self, node: yaml.MappingNode, path: JsonPath) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            key = (
                self.loader.construct_object(key_node)
                if isinstance(key_node, yaml.ScalarNode)
                else None
            )
            if not isinstance(key, str):
                self.problems.append(Problem(path, f"keys must be text, not {key!r}", line))
                continue
            if key in mapping:
                self.problems.append(Problem((*path, key), "this key appears twice", line))
                continue
            mapping[key] = self.build(value_node, (*path, key))
        return mapping


def line_for(path: JsonPath, lines: dict[JsonPath, int]) -> int | None:
    for end in range(len(path), -1, -1):
        line = lines.get(path[:end])
        if line is not None:
            return line
    return None


# --- validation ---------------------------------------------------------------------------


@cache
def schema_validator(path: Path) -> Draft202012Validator:
    schema = json.loads(path.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


def schema_problems(
    data: Any, lines: dict[JsonPath, int], *, schema: Path = SCHEMA_PATH
) -> list[Problem]:
    """Every place where `data` breaks the JSON Schema at `schema`, located and in words."""
    problems: list[Problem] = []
    errors = sorted(
        schema_validator(schema).iter_errors(data), key=lambda e: [str(p) for p in e.path]
    )
    for error in errors:
        path: JsonPath = tuple(error.absolute_path)
        line_path = path
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known: Any = (
                error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
            )
            unknown = [key for key in error.instance if key not in known]
            line_path = (*path, unknown[0]) if unknown else path
        problem = Problem(path, _describe(error), line_for(line_path, lines))
        # jsonschema reports "required" once per missing field; the message names them all.
        if problem not in problems:
            problems.append(problem)
    return problems


_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "empty",
}


def _describe(error: ValidationError) -> str:  # noqa: PLR0911, PLR0912 - one message per rule
    validator: Any = error.validator
    expected: Any = error.validator_value
    value: Any = error.instance
    schema: Any = error.schema
    if validator == "required":
        missing = [name for name in expected if name not in value]
        return "missing field " + ", ".join(repr(name) for name in missing)
    if validator == "additionalProperties":
        unknown = sorted(set(value) - set(schema.get("properties", {})))
        return "unknown field " + ", ".join(repr(name) for name in unknown)
    if validator == "type":
        kinds = expected if isinstance(expected, list) else [expected]
        wanted = " or ".join(str(_TYPE_NAMES.get(kind, kind)) for kind in kinds)
        return f"expected {wanted}, found {show(value)}"
    if validator in {"minimum", "maximum"} and schema.get("maximum") == 5:
        return f"level {show(value)} is outside 1-5"
    if validator == "minimum":
        return f"{show(value)} is below the minimum of {expected}"
    if validator == "maximum":
        return f"{show(value)} is above the maximum of {expected}"
    if validator == "pattern" and expected == "\\S":
        return "must not be empty"
    if validator == "not":
        return "must be a single line"
    if validator == "pattern":
        return f"{show(value)} is not allowed here (expected the pattern {expected})"
    if validator == "minItems":
        return f"needs at least {expected} items, found {len(value)}"
    if validator == "maxItems":
        return f"allows at most {expected} items, found {len(value)}"
    if validator == "maxLength":
        return f"is {len(value)} characters long; at most {expected} allowed"
    if validator == "const":
        return f"must be {show(expected)}, found {show(value)}"
    if validator == "format" and expected == "date":
        return f"{show(value)} is not a date (YYYY-MM-DD)"
    return error.message


def show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def _rule_problems(data: dict[str, Any], lines: dict[JsonPath, int]) -> list[Problem]:  # noqa: PLR0912
    """The rules JSON Schema cannot express; data has passed the schema."""
    problems: list[Problem] = []

    def report(path: JsonPath, message: str) -> None:
        problems.append(Problem(path, message, line_for(path, lines)))

    version = data["version"]
    released = version.get("released")
    if released is not None:
        try:
            datetime.date.fromisoformat(released)
        except ValueError:
            report(("version", "released"), f"{show(released)} is not a date (YYYY-MM-DD)")

    level_numbers = [level["level"] for level in version["levels"]]
    if sorted(level_numbers) != [1, 2, 3, 4, 5]:
        report(("version", "levels"), "must define each of the levels 1-5 exactly once")

    phases = _unique(
        data["version"].get("growth_path", []), "phase", ("version", "growth_path"), report
    )
    parts = _unique(data["parts"], "code", ("parts",), report)
    domains = _unique(data["domains"], "code", ("domains",), report)
    _unique(data["norms"], "code", ("norms",), report)

    numbers_seen: set[tuple[str, int]] = set()
    for index, domain in enumerate(data["domains"]):
        if domain["part"] not in parts:
            report(("domains", index, "part"), f"unknown part {domain['part']!r}")
        key = (domain["part"], domain["number"])
        if key in numbers_seen:
            report(
                ("domains", index, "number"),
                f"number {domain['number']} is used twice in part {domain['part']!r}",
            )
        numbers_seen.add(key)

    for index, norm in enumerate(data["norms"]):
        path: JsonPath = ("norms", index)
        if norm["domain"] not in domains:
            report((*path, "domain"), f"unknown domain {norm['domain']!r} for norm {norm['code']}")
        levels = [criterion["level"] for criterion in norm["criteria"]]
        for position, level in enumerate(levels):
            if level in levels[:position]:
                report((*path, "criteria", position, "level"), f"level {level} appears twice")
        texts = [" ".join(criterion["text"].split()).casefold() for criterion in norm["criteria"]]
        for position, text in enumerate(texts):
            if text in texts[:position]:
                report(
                    (*path, "criteria", position, "text"),
                    "repeats the text of another level; each level needs its own criterion",
                )
        phase = norm.get("growth_phase")
        if phase is not None and phase not in phases:
            report((*path, "growth_phase"), f"unknown growth-path phase {phase}")
    return problems


def _unique(items: list[dict[str, Any]], key: str, path: JsonPath, report: Any) -> set[Any]:
    seen: set[Any] = set()
    for index, item in enumerate(items):
        value = item[key]
        if value in seen:
            report((*path, index, key), f"duplicate {key} {show(value)}")
        seen.add(value)
    return seen
