"""The platform admin imports a framework version or a mapping from a page: check, then confirm.

Checking reads the uploaded file with the code the import commands use and writes nothing to
the database. A file that would change the catalogue is kept under FRAMEWORK_UPLOAD_ROOT with
a random name; the page carries only a signed ticket naming that file, the admin, the file's
SHA-256 and the document's checksum. Confirming first claims the staged file by renaming it,
which only one request can do, so a second confirmation never imports twice; it then checks
the file again and imports exactly the document that was previewed, recorded on the platform
chain of the audit trail. The staging itself is the board restore's too (kompas.core.staging).
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from kompas.accounts.models import User
from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record
from kompas.core.staging import StagedFileGone, Staging
from kompas.frameworks import mappingformat
from kompas.frameworks.fileformat import (
    FORMAT,
    MAX_REPORTED_PROBLEMS,
    FrameworkDocument,
    FrameworkFileError,
    LocatedFileError,
    Problem,
    decode_utf8,
    load_yaml,
    parse_framework_text,
)
from kompas.frameworks.mappingformat import MappingDocument, MappingFileError, parse_mapping_text
from kompas.frameworks.mappings import MappingConflict, mapping_import_document
from kompas.frameworks.models import FrameworkVersion, Mapping
from kompas.frameworks.previews import (
    FrameworkPreview,
    MappingPreview,
    framework_preview,
    mapping_preview,
)
from kompas.frameworks.services import FrameworkVersionConflict, framework_import_document

TICKET_SALT = "kompas.frameworks.uploads"
TICKET_VALID_SECONDS = 60 * 60
FRAMEWORK = "framework"
MAPPING = "mapping"


class UploadRefused(Exception):
    """The ticket cannot be used; the message says why, in the user's language."""


@dataclass(frozen=True)
class Located:
    """A problem as the page lists it: the line, the place in the document, and what."""

    line: int | None
    location: str
    message: str


@dataclass(frozen=True)
class Checked:
    """An uploaded file: what importing it would do, or every problem that stops it."""

    filename: str
    sha256: str
    preview: FrameworkPreview | MappingPreview | None = None
    problems: list[Located] = field(default_factory=list)
    more_problems: int = 0
    ticket: str = ""  # empty: nothing to confirm (refused, or identical to what is installed)


@dataclass(frozen=True)
class Imported:
    kind: str
    label: str
    created: bool


def _staging() -> Staging:
    return Staging(
        root=Path(settings.FRAMEWORK_UPLOAD_ROOT),
        suffix=".yaml",
        salt=TICKET_SALT,
        refused=UploadRefused,
        valid_seconds=TICKET_VALID_SECONDS,
    )


def _located(error: LocatedFileError) -> tuple[list[Located], int]:
    shown = [
        Located(problem.line, problem.location() or "—", problem.message)
        for problem in error.problems[:MAX_REPORTED_PROBLEMS]
    ]
    return shown, max(0, len(error.problems) - MAX_REPORTED_PROBLEMS)


def refusal(filename: str, sha256: str, error: Exception) -> Checked:
    """The check of a refused file: every located problem, or the conflict in words."""
    if isinstance(error, LocatedFileError):
        problems, more = _located(error)
        return Checked(filename, sha256, problems=problems, more_problems=more)
    message = str(error).removeprefix(f"{filename}: ")
    return Checked(filename, sha256, problems=[Located(None, "—", message)])


def kind_of(raw: bytes, *, filename: str) -> str:
    """FRAMEWORK or MAPPING after the document's `format`; raise FrameworkFileError otherwise."""
    text = decode_utf8(raw, filename=filename, error=FrameworkFileError)
    data, lines = load_yaml(text, filename=filename, error=FrameworkFileError)
    value = data.get("format") if isinstance(data, dict) else None
    if value == FORMAT:
        return FRAMEWORK
    if value == mappingformat.FORMAT:
        return MAPPING
    path = ("format",) if isinstance(data, dict) and "format" in data else ()
    raise FrameworkFileError(
        filename,
        [
            Problem(
                path,
                f"format must be {FORMAT!r} (a framework version) or "
                f"{mappingformat.FORMAT!r} (a mapping)",
                lines.get(path, 1),
            )
        ],
    )


def _parse(kind: str, raw: bytes, filename: str) -> FrameworkDocument | MappingDocument:
    if kind == FRAMEWORK:
        return parse_framework_text(raw, filename=filename)
    return parse_mapping_text(raw, filename=filename)


def _preview(
    document: FrameworkDocument | MappingDocument, filename: str
) -> FrameworkPreview | MappingPreview:
    if isinstance(document, FrameworkDocument):
        return framework_preview(document=document, filename=filename)
    return mapping_preview(document=document, filename=filename)


REFUSALS = (FrameworkFileError, MappingFileError, FrameworkVersionConflict, MappingConflict)


def too_large(*, filename: str, size: int) -> Checked:
    """The check of a file refused for its size alone, before it is read."""
    limit = settings.FRAMEWORK_IMPORT_MAX_BYTES
    message = f"the file is {size:,} bytes; the limit is {limit:,} bytes"
    return refusal(filename, "", FrameworkFileError(filename, [Problem((), message)]))


def upload_check(*, actor: User, filename: str, data: bytes) -> Checked:
    """Check an uploaded file as the import command would, and stage it if it would import.

    Nothing is written to the database; a refused or identical file is not kept.
    """
    if len(data) > settings.FRAMEWORK_IMPORT_MAX_BYTES:
        return too_large(filename=filename, size=len(data))
    digest = hashlib.sha256(data).hexdigest()
    try:
        kind = kind_of(data, filename=filename)
        document = _parse(kind, data, filename)
        preview = _preview(document, filename)
    except REFUSALS as error:
        return refusal(filename, digest, error)
    if preview.identical is not None:
        return Checked(filename, digest, preview)
    ticket = _staging().stage(
        data, user_id=actor.pk, kind=kind, checksum=document.checksum, filename=filename
    )
    return Checked(filename, digest, preview, ticket=ticket)


def _claim(ticket: str, actor: User) -> dict[str, Any]:
    claim = _staging().claim(ticket, user_id=actor.pk)
    if claim.get("kind") not in (FRAMEWORK, MAPPING) or "checksum" not in claim:
        raise UploadRefused(_("The preview has expired or was altered; upload the file again."))
    return claim


def _already_imported(claim: dict[str, Any]) -> bool:
    model = FrameworkVersion if claim["kind"] == FRAMEWORK else Mapping
    return model.objects.filter(checksum=claim["checksum"]).exists()


def upload_confirm(*, actor: User, ticket: str) -> Imported:
    """Import the previewed file, checked again; raises UploadRefused or one of REFUSALS.

    The staged file is claimed first and removed afterwards, whatever the outcome, so the
    same ticket imports at most once.
    """
    claim = _claim(ticket, actor)
    try:
        with _staging().taken(claim) as data:
            filename = str(claim["filename"])
            document = _parse(claim["kind"], data, filename)
            if document.checksum != claim["checksum"]:
                raise UploadRefused(
                    _("The stored file is not the one you previewed; upload the file again.")
                )
            return _import(document, filename=filename, sha256=claim["sha256"], actor=actor)
    except StagedFileGone:
        if _already_imported(claim):
            raise UploadRefused(
                _("This file has already been imported; nothing was imported again.")
            ) from None
        raise Staging.gone(UploadRefused) from None


def _import(
    document: FrameworkDocument | MappingDocument, *, filename: str, sha256: str, actor: User
) -> Imported:
    with transaction.atomic():
        obj: FrameworkVersion | Mapping
        if isinstance(document, FrameworkDocument):
            result = framework_import_document(document=document, filename=filename)
            obj, created, kind = result.version, result.created, FRAMEWORK
            label = f"{obj.framework.name} {obj.version}"
        else:
            outcome = mapping_import_document(document=document, filename=filename)
            obj, created, kind = outcome.mapping, outcome.created, MAPPING
            label = f"{obj.source} → {obj.target}"
        if created:
            audit_record(
                action=AuditAction.CREATE,
                actor=actor,
                obj=obj,
                changes={
                    "imported_from": [
                        None,
                        {
                            "file": filename,
                            "sha256": sha256,
                            "checksum": document.checksum,
                            "page": "platform",
                        },
                    ]
                },
            )
    return Imported(kind, label, created)
