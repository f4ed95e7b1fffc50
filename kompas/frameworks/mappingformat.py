"""The mapping file format: reading with located errors, the rules within a file, writing.

A mapping says how the norms of one framework version correspond to those of another
(docs/mapping-format.md). Its structure is the JSON Schema in schema/mapping.schema.json; the
rules a schema cannot express within one file (no pair twice, no norm both paired and removed,
an equal pair stands alone) are checked here. Whether the versions and norm codes exist is the
importer's part (kompas.frameworks.mappings). Nothing in this module touches the database.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kompas.frameworks.fileformat import (
    JsonPath,
    LocatedFileError,
    Problem,
    checksum_of,
    decode_utf8,
    dump_framework,
    line_for,
    load_yaml,
    read_limited,
    schema_problems,
)

FORMAT = "ibp-kompas-mapping"
FORMAT_VERSION = 1
SCHEMA_PATH = Path(__file__).parent / "schema" / "mapping.schema.json"


class MappingFileError(LocatedFileError):
    """A mapping file that cannot be imported."""


@dataclass(frozen=True)
class MappingDocument:
    """A normalised mapping file, its checksum, and the line of every path for messages."""

    data: dict[str, Any]
    checksum: str
    lines: dict[JsonPath, int] = field(default_factory=dict, compare=False, repr=False)

    def side(self, name: str) -> tuple[str, str]:
        """The (framework slug, version) of "source" or "target"."""
        return self.data[name]["framework"], self.data[name]["version"]

    def line(self, path: JsonPath) -> int | None:
        return line_for(path, self.lines)


def read_mapping_file(path: Path, *, max_bytes: int) -> MappingDocument:
    raw = read_limited(path, max_bytes=max_bytes, error=MappingFileError)
    return parse_mapping_text(raw, filename=str(path))


def parse_mapping_text(raw: bytes, *, filename: str) -> MappingDocument:
    """Read and check a mapping file on its own; raise MappingFileError on any problem."""
    text = decode_utf8(raw, filename=filename, error=MappingFileError)
    data, lines = load_yaml(text, filename=filename, error=MappingFileError)
    if not isinstance(data, dict):
        raise MappingFileError(
            filename, [Problem((), "the file must hold a mapping (format, source, ...)", 1)]
        )
    problems = mapping_data_problems(data, lines)
    if problems:
        raise MappingFileError(filename, problems)
    return mapping_document_of(data, lines)


def mapping_data_problems(data: Any, lines: dict[JsonPath, int]) -> list[Problem]:
    """Every problem of a mapping document already read as data: schema, then the rules."""
    problems = schema_problems(data, lines, schema=SCHEMA_PATH)
    if not problems:
        problems = _rule_problems(data, lines)
    return problems


def mapping_document_of(data: dict[str, Any], lines: dict[JsonPath, int]) -> MappingDocument:
    """The normalised document of data without problems, with its checksum."""
    normalised = normalise(data)
    return MappingDocument(normalised, checksum_of(canonical(normalised)), lines)


def normalise(data: dict[str, Any]) -> dict[str, Any]:
    """Every optional field present, the order of the file kept."""

    def side(value: dict[str, Any]) -> dict[str, str]:
        return {"framework": value["framework"], "version": value["version"]}

    def unpaired(items: list[dict[str, Any]]) -> list[dict[str, str]]:
        return [{"norm": item["norm"], "note": item.get("note", "")} for item in items]

    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "source": side(data["source"]),
        "target": side(data["target"]),
        "title": data.get("title", ""),
        "description": data.get("description", ""),
        "pairs": [
            {
                "source": pair["source"],
                "target": pair["target"],
                "relationship": pair["relationship"],
                "note": pair.get("note", ""),
            }
            for pair in data["pairs"]
        ],
        "removed": unpaired(data.get("removed", [])),
        "new": unpaired(data.get("new", [])),
    }


def canonical(document: dict[str, Any]) -> dict[str, Any]:
    """The content without the order of its lists: what the checksum is taken of.

    A file that lists the same pairs in another order is the same mapping.
    """

    def ordered(items: list[dict[str, str]]) -> list[dict[str, str]]:
        return sorted(items, key=lambda item: sorted(item.items()))

    return {
        **document,
        "pairs": ordered(document["pairs"]),
        "removed": ordered(document["removed"]),
        "new": ordered(document["new"]),
    }


def dump_mapping(document: dict[str, Any]) -> str:
    """A normalised document as YAML that reads back to the same document."""
    return dump_framework(document)


def _rule_problems(data: dict[str, Any], lines: dict[JsonPath, int]) -> list[Problem]:
    """The rules within one file that JSON Schema cannot express; data has passed the schema."""
    problems: list[Problem] = []

    def report(path: JsonPath, message: str) -> None:
        problems.append(Problem(path, message, line_for(path, lines)))

    if (data["source"]["framework"], data["source"]["version"]) == (
        data["target"]["framework"],
        data["target"]["version"],
    ):
        report(("target",), "the source and the target are the same version; a mapping needs two")

    pairs: list[dict[str, Any]] = data["pairs"]
    seen: dict[tuple[str, str], int] = {}
    by_source: dict[str, list[int]] = defaultdict(list)
    by_target: dict[str, list[int]] = defaultdict(list)
    for index, pair in enumerate(pairs):
        key = (pair["source"], pair["target"])
        if key in seen:
            report(
                ("pairs", index),
                f"the pair {key[0]} → {key[1]} appears twice (also at pairs[{seen[key]}])",
            )
            continue
        seen[key] = index
        by_source[pair["source"]].append(index)
        by_target[pair["target"]].append(index)

    for index, pair in enumerate(pairs):
        if pair["relationship"] != "equal" or seen.get((pair["source"], pair["target"])) != index:
            continue
        others = sorted(
            {pairs[other]["target"] for other in by_source[pair["source"]] if other != index}
            | {pairs[other]["source"] for other in by_target[pair["target"]] if other != index}
        )
        if others:
            report(
                ("pairs", index, "relationship"),
                f"{pair['source']} → {pair['target']} is equal, so neither norm can be paired "
                f"with another, but they are also paired with {', '.join(others)}; make this "
                "pair subset, superset or intersects",
            )

    for section, side, paired in (("removed", "source", by_source), ("new", "target", by_target)):
        listed: dict[str, int] = {}
        for index, item in enumerate(data.get(section, [])):
            code = item["norm"]
            if code in listed:
                report(
                    (section, index, "norm"),
                    f"{code} is listed twice (also at {section}[{listed[code]}])",
                )
                continue
            listed[code] = index
            if code in paired:
                report(
                    (section, index, "norm"),
                    f"{code} is listed as {section} but is the {side} of pairs"
                    f"[{paired[code][0]}]; a norm is either paired or {section}",
                )
    return problems
