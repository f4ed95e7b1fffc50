"""Mappings between framework versions: importing one, writing it back out, and reading it.

A mapping file is checked completely before anything is written (docs/mapping-format.md): its
own rules (kompas.frameworks.mappingformat), then against the catalogue. Both versions must
exist, every code must be a norm of its side, and every norm of either side must be accounted
for: paired, or listed as removed (source) or new (target), so that nothing a board did is
dropped without a word when work carries over.
"""

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from kompas.frameworks.fileformat import JsonPath, Problem
from kompas.frameworks.mappingformat import (
    FORMAT,
    FORMAT_VERSION,
    MappingDocument,
    MappingFileError,
    read_mapping_file,
)
from kompas.frameworks.models import (
    FrameworkVersion,
    Mapping,
    MappingPair,
    Norm,
    Relationship,
)


class MappingConflict(Exception):
    """A different mapping between two versions that already have one."""


@dataclass(frozen=True)
class MappingImport:
    mapping: Mapping
    created: bool


def mapping_import(*, path: Path) -> MappingImport:
    """Check a mapping file completely, then write it in one transaction."""
    document = read_mapping_file(path, max_bytes=settings.FRAMEWORK_IMPORT_MAX_BYTES)
    return mapping_import_document(document=document, filename=str(path))


def mapping_import_document(*, document: MappingDocument, filename: str) -> MappingImport:
    """Write a checked mapping; an identical one already present changes nothing."""
    try:
        return _import_document(document, filename)
    except IntegrityError:
        # A concurrent import of a mapping between the same versions committed first; a
        # second look finds it identical (nothing to do) or refuses it as a conflict.
        return _import_document(document, filename)


def _import_document(document: MappingDocument, filename: str) -> MappingImport:
    with transaction.atomic():
        checked = mapping_check(document=document, filename=filename, lock=True)
        if checked.existing is not None:
            return MappingImport(checked.existing, created=False)
        mapping = Mapping.objects.create(
            source=checked.source,
            target=checked.target,
            title=document.data["title"],
            description=document.data["description"],
            checksum=document.checksum,
        )
        MappingPair.objects.bulk_create(_pairs(mapping, document.data, checked.norms))
    return MappingImport(mapping, created=True)


@dataclass(frozen=True)
class CheckedMapping:
    """A mapping file that fits the catalogue: its versions, their norms, an identical copy."""

    source: FrameworkVersion
    target: FrameworkVersion
    existing: Mapping | None
    norms: dict[str, dict[str, Norm]]


def mapping_check(
    *, document: MappingDocument, filename: str, lock: bool = False
) -> CheckedMapping:
    """Check a mapping against the catalogue without writing; the import and its preview ask.

    Raises MappingFileError (unknown versions or norms, norms left out) or MappingConflict
    (a different mapping between the same versions). `existing` is an identical mapping.
    """
    source, target = _versions(document, filename)
    mappings = Mapping.objects.select_for_update() if lock else Mapping.objects.all()
    existing = mappings.filter(source=source, target=target).first()
    if existing is not None:
        if existing.checksum != document.checksum:
            raise MappingConflict(
                f"{filename}: a different mapping from {source} to {target} already exists. "
                "Mappings never change once imported, because periods were started through "
                "them; import the corrected mapping for a new version of the framework."
            )
        return CheckedMapping(source, target, existing, {})
    norms = {
        side: {norm.code: norm for norm in Norm.objects.filter(framework_version=version)}
        for side, version in (("source", source), ("target", target))
    }
    problems = catalogue_problems(document, norms)
    if problems:
        raise MappingFileError(filename, problems)
    return CheckedMapping(source, target, None, norms)


def _versions(
    document: MappingDocument, filename: str
) -> tuple[FrameworkVersion, FrameworkVersion]:
    found: dict[str, FrameworkVersion] = {}
    problems = []
    for side in ("source", "target"):
        slug, number = document.side(side)
        version = (
            FrameworkVersion.objects.select_related("framework")
            .filter(framework__slug=slug, version=number)
            .first()
        )
        if version is None:
            known = list(
                FrameworkVersion.objects.filter(framework__slug=slug).values_list(
                    "version", flat=True
                )
            )
            detail = f" (known versions: {', '.join(known)})" if known else ""
            problems.append(
                Problem(
                    (side, "version"),
                    f"there is no version {number!r} of framework {slug!r}{detail}; import "
                    "the framework version first",
                    document.line((side, "version")),
                )
            )
        else:
            found[side] = version
    if problems:
        raise MappingFileError(filename, problems)
    return found["source"], found["target"]


def catalogue_problems(
    document: MappingDocument, norms: dict[str, dict[str, Norm]]
) -> list[Problem]:
    """Codes that are not norms of their side, and norms of either side left unaccounted for."""
    data = document.data
    problems: list[Problem] = []

    def report(path: JsonPath, message: str) -> None:
        problems.append(Problem(path, message, document.line(path)))

    def check(code: str, side: str, path: JsonPath) -> None:
        if code not in norms[side]:
            framework, version = document.side(side)
            report(path, f"{code} is not a norm of {framework} version {version}")

    for index, pair in enumerate(data["pairs"]):
        check(pair["source"], "source", ("pairs", index, "source"))
        check(pair["target"], "target", ("pairs", index, "target"))
    for section, side in (("removed", "source"), ("new", "target")):
        for index, item in enumerate(data[section]):
            check(item["norm"], side, (section, index, "norm"))

    for side, section in (("source", "removed"), ("target", "new")):
        accounted = {pair[side] for pair in data["pairs"]} | {
            item["norm"] for item in data[section]
        }
        missing = [code for code in norms[side] if code not in accounted]
        if missing:
            framework, version = document.side(side)
            report(
                (section,),
                f"{len(missing)} norm(s) of {framework} version {version} are neither paired "
                f"nor listed under {section}: {', '.join(missing)}",
            )
    return problems


def _pairs(
    mapping: Mapping, data: dict[str, Any], norms: dict[str, dict[str, Norm]]
) -> list[MappingPair]:
    rows = [
        MappingPair(
            mapping=mapping,
            source_norm=norms["source"][pair["source"]],
            target_norm=norms["target"][pair["target"]],
            relationship=pair["relationship"],
            note=pair["note"],
        )
        for pair in data["pairs"]
    ]
    rows += [
        MappingPair(
            mapping=mapping,
            source_norm=norms["source"][item["norm"]],
            relationship=Relationship.REMOVED,
            note=item["note"],
        )
        for item in data["removed"]
    ]
    rows += [
        MappingPair(
            mapping=mapping,
            target_norm=norms["target"][item["norm"]],
            relationship=Relationship.NEW,
            note=item["note"],
        )
        for item in data["new"]
    ]
    for position, row in enumerate(rows):
        row.position = position
    return rows


# --- reading --------------------------------------------------------------------------------


def mapping_document(*, mapping: Mapping) -> dict[str, Any]:
    """The mapping as the normalised document it was imported from (two queries)."""
    mapping = Mapping.objects.select_related("source__framework", "target__framework").get(
        pk=mapping.pk
    )
    pairs = mapping.pairs.select_related("source_norm", "target_norm").order_by("position")
    document: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "source": {"framework": mapping.source.framework.slug, "version": mapping.source.version},
        "target": {"framework": mapping.target.framework.slug, "version": mapping.target.version},
        "title": mapping.title,
        "description": mapping.description,
        "pairs": [],
        "removed": [],
        "new": [],
    }
    for pair in pairs:
        if pair.relationship == Relationship.REMOVED:
            assert pair.source_norm is not None
            document["removed"].append({"norm": pair.source_norm.code, "note": pair.note})
        elif pair.relationship == Relationship.NEW:
            assert pair.target_norm is not None
            document["new"].append({"norm": pair.target_norm.code, "note": pair.note})
        else:
            assert pair.source_norm is not None
            assert pair.target_norm is not None
            document["pairs"].append(
                {
                    "source": pair.source_norm.code,
                    "target": pair.target_norm.code,
                    "relationship": pair.relationship,
                    "note": pair.note,
                }
            )
    return document


@dataclass(frozen=True)
class Source:
    """A norm of the earlier version that feeds a norm of the later one."""

    norm_id: int
    code: str
    relationship: str


def sources_by_target(*, mapping: Mapping) -> dict[int, list[Source]]:
    """For each norm of the target version, the source norms that feed it (one query).

    A new norm has an empty list; a norm the mapping does not name is absent.
    """
    fed: dict[int, list[Source]] = defaultdict(list)
    pairs = mapping.pairs.filter(target_norm__isnull=False).select_related("source_norm")
    for pair in pairs.order_by("position"):
        assert pair.target_norm_id is not None
        sources = fed[pair.target_norm_id]
        if pair.source_norm is not None:
            sources.append(Source(pair.source_norm.pk, pair.source_norm.code, pair.relationship))
    return dict(fed)


def mapping_between(*, source: FrameworkVersion, target: FrameworkVersion) -> Mapping | None:
    return Mapping.objects.filter(source=source, target=target).first()
