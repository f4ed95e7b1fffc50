"""CISO Assistant's library format: reading a library and translating it into our documents.

A library holding a `framework` becomes one of our framework documents, which then goes through
the same validation and import as a file of our own format (docs/ciso-assistant.md says how
each field corresponds and what the format cannot hold). Problems found in the translated
document are reported at the place in the library they came from. A library holding
requirement mapping sets is read and checked here; resolving its urns to our versions and norms
needs the catalogue and is kompas.frameworks.ciso's part. Nothing in this module touches the
database; writing our versions and mappings as libraries is kompas.frameworks.cisoexport's.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kompas.frameworks.fileformat import (
    FrameworkDocument,
    JsonPath,
    LocatedFileError,
    Problem,
    checksum_of,
    decode_utf8,
    framework_data_problems,
    line_for,
    load_yaml,
    normalise,
    read_limited,
    schema_problems,
)

SCHEMA_PATH = Path(__file__).parent / "schema" / "ciso-library.schema.json"
NAMESPACE = "ibp-kompas"
PACKAGER = "IBP-Kompas"
LEVELS = [1, 2, 3, 4, 5]
# CISO Assistant has no target level; a translated version gets the Normenkader's.
TARGET_LEVEL = 3
# Our norms need a reason; a requirement without an annotation gets this one.
NO_REASON = {
    "nl": "Het kader geeft geen toelichting; zie de beschrijving.",
    "en": "The framework gives no reason; see the description.",
}
RELATIONSHIPS = {"equal": "equal", "subset": "subset", "superset": "superset"}
RELATIONSHIPS["intersect"] = "intersects"
FRAMEWORK = ("objects", "framework")


class CisoLibraryError(LocatedFileError):
    """A CISO Assistant library that cannot be imported."""


@dataclass(frozen=True)
class CisoLibrary:
    """A library read and checked against the schema: a framework or mapping sets."""

    data: dict[str, Any]
    lines: dict[JsonPath, int]
    filename: str

    @property
    def is_framework(self) -> bool:
        return "framework" in self.data["objects"]

    def mapping_sets(self) -> list[tuple[JsonPath, dict[str, Any]]]:
        """Each requirement mapping set with its path, in the order of the file."""
        objects = self.data["objects"]
        if "requirement_mapping_set" in objects:
            return [(("objects", "requirement_mapping_set"), objects["requirement_mapping_set"])]
        return [
            (("objects", "requirement_mapping_sets", index), item)
            for index, item in enumerate(objects["requirement_mapping_sets"])
        ]

    def line(self, path: JsonPath) -> int | None:
        return line_for(path, self.lines)


@dataclass
class Origins:
    """Where each path of a translated document came from in the library."""

    library: CisoLibrary
    paths: dict[JsonPath, JsonPath] = field(default_factory=dict)

    def note(self, ours: JsonPath, theirs: JsonPath) -> None:
        self.paths[ours] = theirs

    def translate(self, problems: list[Problem]) -> list[Problem]:
        """Our problems, placed at the library's path and line they came from."""
        placed = []
        for problem in problems:
            theirs: JsonPath = ()
            for end in range(len(problem.path), -1, -1):
                if problem.path[:end] in self.paths:
                    theirs = self.paths[problem.path[:end]]
                    break
            placed.append(Problem(theirs, problem.message, self.library.line(theirs)))
        return placed

    def error(self, problems: list[Problem]) -> CisoLibraryError:
        return CisoLibraryError(self.library.filename, self.translate(problems))


def read_ciso_library(path: Path, *, max_bytes: int) -> CisoLibrary:
    raw = read_limited(path, max_bytes=max_bytes, error=CisoLibraryError)
    return parse_ciso_library(raw, filename=str(path))


def parse_ciso_library(raw: bytes, *, filename: str) -> CisoLibrary:
    """Read a library and check what we read of it; raise CisoLibraryError on any problem."""
    text = decode_utf8(raw, filename=filename, error=CisoLibraryError)
    data, lines = load_yaml(text, filename=filename, error=CisoLibraryError)
    if not isinstance(data, dict):
        raise CisoLibraryError(
            filename, [Problem((), "the file must hold a library (urn, name, objects)", 1)]
        )
    problems = schema_problems(data, lines, schema=SCHEMA_PATH)
    if not problems:
        kinds = [
            key
            for key in ("framework", "requirement_mapping_set", "requirement_mapping_sets")
            if key in data["objects"]
        ]
        if len(kinds) != 1:
            found = ", ".join(kinds) if kinds else "neither"
            problems.append(
                Problem(
                    ("objects",),
                    "a library to import holds either one framework or requirement mapping "
                    f"sets; this one holds {found}",
                    line_for(("objects",), lines),
                )
            )
    if problems:
        raise CisoLibraryError(filename, problems)
    return CisoLibrary(data, lines, filename)


# --- urns -----------------------------------------------------------------------------------


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def framework_urn(slug: str, version: str) -> str:
    """The urn of one of our versions that has no urn of its own."""
    return f"urn:{NAMESPACE}:risk:framework:{slug}:{version}"


def node_urn(framework: str, name: str) -> str:
    """A requirement's urn after CISO Assistant's custom: the framework's, with `req_node`."""
    return f"{framework.replace(':framework:', ':req_node:', 1)}:{name}".lower()


def library_urn(framework: str) -> str:
    if ":framework:" in framework:
        return framework.replace(":framework:", ":library:", 1)
    return f"{framework}:library"


def identity(urn: str, library_version: int) -> tuple[str, str] | None:
    """Our (slug, version) for a framework urn, or None when the urn does not give one.

    The segments after `framework:` give the slug and, if there is a second one, the version;
    without one the version is the library's (CISO Assistant's revision of the library).
    """
    head, separator, tail = urn.partition(":framework:")
    segments = tail.split(":") if separator else []
    if not 1 <= len(segments) <= 2 or not head.lower().startswith("urn:"):
        return None
    slug = slugify(segments[0])
    if not slug:
        return None
    return slug, segments[1] if len(segments) == 2 else str(library_version)


# --- a framework library to our document ----------------------------------------------------


def framework_document(library: CisoLibrary) -> tuple[FrameworkDocument, Origins]:
    """Our framework document for a library's framework; raise CisoLibraryError if it fails."""
    origins = Origins(library)
    data, problems = _translate(library, origins)
    if not problems:
        problems = origins.translate(framework_data_problems(data, {}))
    if problems:
        raise CisoLibraryError(library.filename, problems)
    normalised = normalise(data)
    return FrameworkDocument(normalised, checksum_of(normalised)), origins


def _translate(library: CisoLibrary, origins: Origins) -> tuple[dict[str, Any], list[Problem]]:
    meta = library.data
    framework = meta["objects"]["framework"]
    problems: list[Problem] = []

    def report(path: JsonPath, message: str) -> None:
        problems.append(Problem(path, message, library.line(path)))

    urn = framework["urn"]
    found = identity(urn, meta.get("version", 1))
    if found is None:
        report(
            (*FRAMEWORK, "urn"),
            f"cannot tell the framework from the urn {urn!r}; expected "
            "urn:<namespace>:risk:framework:<name>[:<version>]",
        )
        found = ("x", "x")
    slug, version = found
    language = meta.get("locale", "en")
    levels = _levels(framework, report)
    version_meta: dict[str, Any] = {
        "version": version,
        "title": meta["name"],
        "publisher": meta.get("provider", ""),
        "description": framework.get("description", meta.get("description", "")),
        "language": language,
        "released": meta.get("publication_date"),
        "notice": meta.get("copyright", ""),
        "target_level": TARGET_LEVEL,
        "levels": levels,
        "generic_criteria": True,
    }
    if urn.lower() != framework_urn(slug, version).lower():
        version_meta["external_urn"] = urn
    for ours, theirs in (
        (("framework", "slug"), ("urn",)),
        (("version", "version"), ("urn",)),
        (("version", "title"), ("name",)),
        (("version", "publisher"), ("provider",)),
        (("version", "description"), ("description",)),
        (("version", "language"), ("locale",)),
        (("version", "released"), ("publication_date",)),
        (("version", "notice"), ("copyright",)),
        (("version", "external_urn"), ("urn",)),
    ):
        origins.note(ours, (*FRAMEWORK, *theirs) if theirs == ("urn",) else theirs)
    origins.note(("version", "description"), (*FRAMEWORK, "description"))
    origins.note(("framework", "name"), (*FRAMEWORK, "name"))
    origins.note(("version", "levels"), (*FRAMEWORK, "scores_definition"))
    for index in range(len(levels)):
        origins.note(("version", "levels", index), (*FRAMEWORK, "scores_definition", index))
    criteria = [
        {"level": level["level"], "text": level["description"].strip() or level["name"]}
        for level in levels
    ]
    tree = _Tree(
        urn=urn, criteria=criteria, why=NO_REASON["nl" if language.startswith("nl") else "en"]
    )
    tree.walk(framework["requirement_nodes"], origins, report)
    return {
        "format": "ibp-kompas-framework",
        "format_version": 1,
        "framework": {"slug": slug, "name": framework["name"]},
        "version": version_meta,
        "parts": tree.parts,
        "domains": tree.domains,
        "norms": tree.norms,
    }, problems


def _levels(framework: dict[str, Any], report: Any) -> list[dict[str, Any]]:
    definitions = framework["scores_definition"]
    scores = sorted(item["score"] for item in definitions)
    bounds = (framework.get("min_score", 1), framework.get("max_score", 5))
    if scores != LEVELS or bounds != (1, 5):
        report(
            (*FRAMEWORK, "scores_definition"),
            "our maturity levels are 1-5, so the scores must run from 1 to 5 with a "
            f"definition for each; this library's run from {bounds[0]} to {bounds[1]} and "
            f"define {', '.join(map(str, scores)) or 'none'}",
        )
        return []
    return [
        {"level": item["score"], "name": item["name"], "description": item.get("description", "")}
        for item in definitions
    ]


@dataclass
class _Tree:
    """Parts, domains and norms from the requirement nodes (docs/ciso-assistant.md).

    Headings at depth 1 are parts, headings at depth 2 domains, assessable nodes norms of the
    domain above them; a part with norms directly under it gets a domain of its own name.
    """

    urn: str
    criteria: list[dict[str, Any]]
    why: str
    parts: list[dict[str, Any]] = field(default_factory=list)
    domains: list[dict[str, Any]] = field(default_factory=list)
    norms: list[dict[str, Any]] = field(default_factory=list)

    def walk(self, nodes: list[dict[str, Any]], origins: Origins, report: Any) -> None:
        # For each urn seen: its depth, its part's index and its domain's code (or None).
        seen: dict[str, tuple[int, int | None, str | None]] = {}
        own_domain: dict[int, str] = {}
        for index, node in enumerate(nodes):
            path: JsonPath = (*FRAMEWORK, "requirement_nodes", index)
            key = node["urn"].lower()
            if key in seen:
                report((*path, "urn"), f"the urn {node['urn']!r} appears twice")
                continue
            parent = node.get("parent_urn")
            if parent is None:
                depth, part, domain = 1, None, None
            elif parent.lower() not in seen:
                report(
                    (*path, "parent_urn"),
                    f"{parent!r} is not a node listed before this one; a parent comes first",
                )
                continue
            else:
                above, part, domain = seen[parent.lower()]
                depth = above + 1
            if node.get("depth", depth) != depth:
                report(
                    (*path, "depth"), f"is {node['depth']}, but its place in the tree is {depth}"
                )
                continue
            assessable = node.get("assessable", False)
            if assessable and part is None:
                report(
                    (*path, "assessable"),
                    "an assessable requirement at the top of the tree has no part or domain; "
                    "put it under a heading (the headings at the top become parts)",
                )
                continue
            if not assessable and depth == 1:
                part = self._part(node, path, origins)
            elif not assessable and depth == 2:
                domain = self._domain(node, path, origins, self.parts[part]["code"])  # type: ignore[index]
            elif assessable:
                if domain is None:
                    assert part is not None
                    if part not in own_domain:
                        own_domain[part] = self._own_domain(part, origins)
                    domain = own_domain[part]
                self._norm(node, path, origins, domain, report)
            seen[key] = (depth, part, domain)

    def _part(self, node: dict[str, Any], path: JsonPath, origins: Origins) -> int:
        index = len(self.parts)
        text = str(node.get("ref_id") or node["urn"].rsplit(":", 1)[-1]).lower()
        code = re.sub(r"[^a-z0-9_-]+", "-", text).strip("-_") or f"part-{index + 1}"
        self.parts.append({"code": code, "name": _name(node)})
        origins.note(("parts", index), path)
        origins.note(("parts", index, "code"), (*path, "ref_id"))
        origins.note(("parts", index, "name"), (*path, "name"))
        return index

    def _domain(self, node: dict[str, Any], path: JsonPath, origins: Origins, part: str) -> str:
        index = len(self.domains)
        code = node.get("ref_id") or node["urn"].rsplit(":", 1)[-1]
        number = 1 + sum(1 for domain in self.domains if domain["part"] == part)
        self.domains.append(
            {
                "code": code,
                "part": part,
                "number": number,
                "name": _name(node),
                "description": node.get("description", ""),
            }
        )
        origins.note(("domains", index), path)
        for ours, theirs in (("code", "ref_id"), ("name", "name"), ("description", "description")):
            origins.note(("domains", index, ours), (*path, theirs))
        return str(code)

    def _own_domain(self, part: int, origins: Origins) -> str:
        """A domain for norms right under a part: the part's heading once more."""
        path = origins.paths[("parts", part)]
        node = origins.library.data["objects"]["framework"]["requirement_nodes"][path[-1]]
        return self._domain(node, path, origins, self.parts[part]["code"])

    def _norm(
        self, node: dict[str, Any], path: JsonPath, origins: Origins, domain: str, report: Any
    ) -> None:
        code = node.get("ref_id")
        if not code:
            report(
                (*path, "ref_id"),
                "an assessable requirement needs a ref_id; it becomes the norm's code",
            )
            return
        index = len(self.norms)
        norm: dict[str, Any] = {
            "code": code,
            "domain": domain,
            "title": node.get("name") or code,
            "statement": node.get("description") or node.get("name") or code,
            "why": node.get("annotation") or self.why,
            "criteria": self.criteria,
        }
        if node["urn"].lower() != node_urn(self.urn, code):
            norm["external_urn"] = node["urn"]
        self.norms.append(norm)
        origins.note(("norms", index), path)
        for ours, theirs in (
            ("code", "ref_id"),
            ("title", "name"),
            ("statement", "description"),
            ("why", "annotation"),
            ("external_urn", "urn"),
        ):
            origins.note(("norms", index, ours), (*path, theirs))
        origins.note(("norms", index, "criteria"), (*FRAMEWORK, "scores_definition"))
        for position in range(len(self.criteria)):
            origins.note(
                ("norms", index, "criteria", position), (*FRAMEWORK, "scores_definition", position)
            )


def _name(node: dict[str, Any]) -> str:
    return str(node.get("name") or node.get("ref_id") or node["urn"].rsplit(":", 1)[-1])
