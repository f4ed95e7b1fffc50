"""Writes to the framework catalogue: importing a version (the only way one is created)."""

import datetime
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from kompas.frameworks.fileformat import (
    FrameworkDocument,
    FrameworkFileError,
    Problem,
    read_framework_file,
)
from kompas.frameworks.models import (
    Domain,
    ExampleMeasure,
    Framework,
    FrameworkVersion,
    GrowthPhase,
    LevelCriterion,
    MaturityLevel,
    Norm,
    NormReference,
    Part,
)


class FrameworkVersionConflict(Exception):
    """A different file under a version number that already exists."""


@dataclass(frozen=True)
class ImportResult:
    version: FrameworkVersion
    created: bool


def fold_for_search(text: str) -> str:
    """Lower case without accents, so 'Bedrijfscontinuïteit' matches 'continuiteit'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def framework_import(*, path: Path) -> ImportResult:
    """Validate a framework file completely, then write its version in one transaction."""
    document = read_framework_file(path, max_bytes=settings.FRAMEWORK_IMPORT_MAX_BYTES)
    return framework_import_document(document=document, filename=str(path))


def framework_import_document(*, document: FrameworkDocument, filename: str) -> ImportResult:
    """Write a validated document; an identical version already present changes nothing."""
    try:
        return _import_document(document, filename)
    except IntegrityError:
        # A concurrent import of the same new framework or version committed first (the lock
        # on the framework row cannot serialise a framework that did not exist yet). Its rows
        # are visible now, so a second look finds the version identical or refuses it.
        return _import_document(document, filename)


def _import_document(document: FrameworkDocument, filename: str) -> ImportResult:
    with transaction.atomic():
        framework = Framework.objects.select_for_update().filter(slug=document.slug).first()
        existing = identical_version(framework=framework, document=document, filename=filename)
        if existing is not None:
            return ImportResult(existing, created=False)
        if framework is None:
            framework = Framework.objects.create(
                slug=document.slug, name=document.data["framework"]["name"]
            )
        version = _create_version(framework, document)
    return ImportResult(version, created=True)


def identical_version(
    *, framework: Framework | None, document: FrameworkDocument, filename: str
) -> FrameworkVersion | None:
    """The version equal to the document if present; raise if the catalogue refuses the file.

    Refused are a renamed framework (FrameworkFileError) and different content under an
    existing version number (FrameworkVersionConflict). The import and its preview both ask.
    """
    if framework is None:
        return None
    name = document.data["framework"]["name"]
    if framework.name != name:
        raise FrameworkFileError(
            filename,
            [
                Problem(
                    ("framework", "name"),
                    f"framework {document.slug!r} is named {framework.name!r} here; "
                    f"the file names it {name!r}",
                )
            ],
        )
    existing = framework.versions.filter(version=document.version).first()
    if existing is None:
        return None
    if existing.checksum != document.checksum:
        raise FrameworkVersionConflict(
            f"{filename}: version {document.version} of framework {document.slug!r} "
            "already exists with different content. Versions never change once "
            "imported; give the new file a new version number."
        )
    return existing


def _create_version(framework: Framework, document: FrameworkDocument) -> FrameworkVersion:
    data = document.data
    meta = data["version"]
    released = meta["released"]
    version = FrameworkVersion.objects.create(
        framework=framework,
        version=meta["version"],
        title=meta["title"],
        publisher=meta["publisher"],
        description=meta["description"],
        language=meta["language"],
        released_on=datetime.date.fromisoformat(released) if released else None,
        source_url=meta["source_url"],
        notice=meta["notice"],
        target_level=meta["target_level"],
        generic_criteria=meta.get("generic_criteria", False),
        external_urn=meta.get("external_urn", ""),
        checksum=document.checksum,
    )
    MaturityLevel.objects.bulk_create(
        MaturityLevel(framework_version=version, **level) for level in meta["levels"]
    )
    phases = {
        phase.number: phase
        for phase in GrowthPhase.objects.bulk_create(
            GrowthPhase(
                framework_version=version,
                number=phase["phase"],
                name=phase["name"],
                description=phase["description"],
            )
            for phase in meta["growth_path"]
        )
    }
    parts = {
        part.code: part
        for part in Part.objects.bulk_create(
            Part(framework_version=version, code=part["code"], name=part["name"], position=index)
            for index, part in enumerate(data["parts"])
        )
    }
    domains = {
        domain.code: domain
        for domain in Domain.objects.bulk_create(
            Domain(
                framework_version=version,
                part=parts[domain["part"]],
                code=domain["code"],
                number=domain["number"],
                name=domain["name"],
                description=domain["description"],
                responsibility=domain["responsibility"],
                confirmed=domain["confirmed"],
                position=index,
            )
            for index, domain in enumerate(data["domains"])
        )
    }
    norms = Norm.objects.bulk_create(
        Norm(
            framework_version=version,
            domain=domains[norm["domain"]],
            code=norm["code"],
            title=norm["title"],
            statement=norm["statement"],
            why=norm["why"],
            confirmed=norm["confirmed"],
            growth_phase=phases.get(norm["growth_phase"]),
            position=index,
            external_urn=norm.get("external_urn", ""),
            search_text=_search_text(norm, domains[norm["domain"]]),
        )
        for index, norm in enumerate(data["norms"])
    )
    norm_data = list(zip(norms, data["norms"], strict=True))
    LevelCriterion.objects.bulk_create(
        LevelCriterion(norm=norm, level=criterion["level"], text=criterion["text"])
        for norm, item in norm_data
        for criterion in item["criteria"]
    )
    ExampleMeasure.objects.bulk_create(
        ExampleMeasure(norm=norm, position=position, text=text)
        for norm, item in norm_data
        for position, text in enumerate(item["example_measures"])
    )
    NormReference.objects.bulk_create(
        NormReference(norm=norm, position=position, **reference)
        for norm, item in norm_data
        for position, reference in enumerate(item["references"])
    )
    return version


def _search_text(norm: dict[str, Any], domain: Domain) -> str:
    code = norm["code"]
    pieces = [
        code,
        code.replace(".", ""),
        norm["title"],
        domain.name,
        norm["statement"],
        norm["why"],
        *norm["example_measures"],
    ]
    return fold_for_search(" ".join(" ".join(piece.split()) for piece in pieces))
