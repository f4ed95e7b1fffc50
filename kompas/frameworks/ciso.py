"""CISO Assistant libraries: importing one as a framework version or as mappings.

A library is translated into our own framework or mapping document and goes through the same
checks and import as a file of our format (kompas.frameworks.services, .mappings), so every rule
holds, nothing is written unless everything is right, and an identical library imported again
changes nothing. docs/ciso-assistant.md describes the correspondence; export is in cisoexport.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from kompas.frameworks.cisoformat import (
    RELATIONSHIPS,
    CisoLibrary,
    CisoLibraryError,
    Origins,
    framework_document,
    framework_urn,
    node_urn,
    read_ciso_library,
)
from kompas.frameworks.fileformat import FrameworkFileError, JsonPath, Problem
from kompas.frameworks.mappingformat import (
    MappingFileError,
    mapping_data_problems,
    mapping_document_of,
)
from kompas.frameworks.mappings import MappingImport, mapping_import_document
from kompas.frameworks.models import FrameworkVersion, Norm
from kompas.frameworks.services import ImportResult, framework_import_document


@dataclass(frozen=True)
class CisoImport:
    """What a library brought: a framework version, or one mapping per mapping set."""

    version: ImportResult | None = None
    mappings: list[MappingImport] = field(default_factory=list)


def ciso_library_import(*, path: Path) -> CisoImport:
    """Validate a CISO Assistant library completely, then write what it holds in one go."""
    library = read_ciso_library(path, max_bytes=settings.FRAMEWORK_IMPORT_MAX_BYTES)
    if library.is_framework:
        document, origins = framework_document(library)
        try:
            result = framework_import_document(document=document, filename=library.filename)
        except FrameworkFileError as error:
            raise origins.error(error.problems) from None
        return CisoImport(version=result)
    with transaction.atomic():
        results = [
            _import_mapping_set(library, set_path, mapping_set)
            for set_path, mapping_set in library.mapping_sets()
        ]
    return CisoImport(mappings=results)


def version_urn(version: FrameworkVersion) -> str:
    return version.external_urn or framework_urn(version.framework.slug, version.version)


def norm_urn(norm: Norm, framework: str) -> str:
    return norm.external_urn or node_urn(framework, norm.code)


def _version_for(urn: str) -> FrameworkVersion | None:
    versions = FrameworkVersion.objects.select_related("framework")
    found = versions.filter(external_urn__iexact=urn).first()
    if found is not None:
        return found
    for version in versions.filter(external_urn=""):
        if framework_urn(version.framework.slug, version.version).lower() == urn.lower():
            return version
    return None


def _import_mapping_set(
    library: CisoLibrary, set_path: JsonPath, mapping_set: dict[str, Any]
) -> MappingImport:
    origins = Origins(library)
    problems: list[Problem] = []

    def report(path: JsonPath, message: str) -> None:
        problems.append(Problem(path, message, library.line(path)))

    sides: dict[str, tuple[FrameworkVersion, dict[str, str]]] = {}
    for side in ("source", "target"):
        key = f"{side}_framework_urn"
        urn = mapping_set[key]
        version = _version_for(urn)
        if version is None:
            report(
                (*set_path, key),
                f"no imported framework version has the urn {urn!r}; import its library first",
            )
            continue
        codes = {
            norm_urn(norm, version_urn(version)).lower(): norm.code
            for norm in Norm.objects.filter(framework_version=version).order_by("position")
        }
        sides[side] = (version, codes)
        origins.note((side,), (*set_path, key))
    if problems:
        raise CisoLibraryError(library.filename, problems)

    pairs = _pairs(mapping_set, set_path, sides, origins, report)
    if problems:
        raise CisoLibraryError(library.filename, problems)

    # Our format accounts for every norm; the ones a mapping set does not name carry nothing.
    paired = {side: {pair[side] for pair in pairs} for side in ("source", "target")}
    origins.note(("title",), (*set_path, "name"))
    origins.note(("description",), (*set_path, "description"))
    origins.note(("removed",), (*set_path, "requirement_mappings"))
    origins.note(("new",), (*set_path, "requirement_mappings"))
    source, source_codes = sides["source"]
    target, target_codes = sides["target"]
    data = {
        "format": "ibp-kompas-mapping",
        "format_version": 1,
        "source": {"framework": source.framework.slug, "version": source.version},
        "target": {"framework": target.framework.slug, "version": target.version},
        "title": mapping_set.get("name", ""),
        "description": mapping_set.get("description", ""),
        "pairs": pairs,
        "removed": [{"norm": c} for c in source_codes.values() if c not in paired["source"]],
        "new": [{"norm": c} for c in target_codes.values() if c not in paired["target"]],
    }
    problems = mapping_data_problems(data, {})
    if problems:
        raise origins.error(problems)
    try:
        return mapping_import_document(
            document=mapping_document_of(data, {}), filename=library.filename
        )
    except MappingFileError as error:
        raise origins.error(error.problems) from None


def _pairs(
    mapping_set: dict[str, Any],
    set_path: JsonPath,
    sides: dict[str, tuple[FrameworkVersion, dict[str, str]]],
    origins: Origins,
    report: Any,
) -> list[dict[str, str]]:
    """Our pairs for the lines of a mapping set, each noted with the line it came from."""
    pairs: list[dict[str, str]] = []
    for index, line in enumerate(mapping_set["requirement_mappings"]):
        path = (*set_path, "requirement_mappings", index)
        # not_related says only that the two have nothing in common: no pair (docs).
        if line["relationship"] == "not_related":
            continue
        pair: dict[str, str] = {}
        for side in ("source", "target"):
            key = f"{side}_requirement_urn"
            version, codes = sides[side]
            code = codes.get(line[key].lower())
            if code is None:
                report(
                    (*path, key),
                    f"{line[key]!r} is not an assessable requirement (a norm) of "
                    f"{version.framework.slug} version {version.version}",
                )
            else:
                pair[side] = code
        if len(pair) == 2:
            origins.note(("pairs", len(pairs)), path)
            origins.note(("pairs", len(pairs), "source"), (*path, "source_requirement_urn"))
            origins.note(("pairs", len(pairs), "target"), (*path, "target_requirement_urn"))
            origins.note(("pairs", len(pairs), "relationship"), (*path, "relationship"))
            origins.note(("pairs", len(pairs), "note"), (*path, "annotation"))
            pairs.append(
                {
                    **pair,
                    "relationship": RELATIONSHIPS[line["relationship"]],
                    "note": line.get("annotation") or line.get("rationale") or "",
                }
            )
    return pairs
