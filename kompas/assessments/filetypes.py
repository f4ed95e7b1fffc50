"""Which evidence files are accepted: decided by what the content is, and the name must agree.

An allow-list of document and image formats, recognised by their leading bytes (and, for office
documents, by the members of the zip they are). Anything a browser could run or render as a
page (HTML, SVG, XML, scripts) is never accepted, whatever it is called. Checked by hand rather
than with a detection library: the list is short, the signatures are exact, and nothing needs a
system library (libmagic) that a fresh machine may lack.
"""

import codecs
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

HEAD_BYTES = 2048
CHUNK_BYTES = 64 * 1024
# Markup that must not hide in a "text" file: a browser ignoring the headers could render it.
MARKUP = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml", b"<iframe")


@dataclass(frozen=True)
class FileType:
    content_type: str
    extensions: tuple[str, ...]
    label: str


PDF = FileType("application/pdf", ("pdf",), "PDF")
PNG = FileType("image/png", ("png",), "PNG")
JPEG = FileType("image/jpeg", ("jpg", "jpeg"), "JPEG")
GIF = FileType("image/gif", ("gif",), "GIF")
WEBP = FileType("image/webp", ("webp",), "WebP")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",), "DOCX"
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), "XLSX"
)
PPTX = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",), "PPTX"
)
ODT = FileType("application/vnd.oasis.opendocument.text", ("odt",), "ODT")
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", ("ods",), "ODS")
ODP = FileType("application/vnd.oasis.opendocument.presentation", ("odp",), "ODP")
TEXT = FileType("text/plain", ("txt",), "Text")
CSV = FileType("text/csv", ("csv",), "CSV")

ACCEPTED = (PDF, PNG, JPEG, GIF, WEBP, DOCX, XLSX, PPTX, ODT, ODS, ODP, TEXT, CSV)
EXTENSIONS = tuple(extension for kind in ACCEPTED for extension in kind.extensions)
LABELS = {kind.content_type: kind.label for kind in ACCEPTED}

# The main part of each office format; the zip must also hold [Content_Types].xml.
OOXML_PARTS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
ODF_TYPES = {kind.content_type: kind for kind in (ODT, ODS, ODP)}


def extension_of(name: str) -> str:
    return PurePosixPath(name).suffix.lower().removeprefix(".")


def accepted_type(*, name: str, file: IO[bytes]) -> FileType:
    """The file's type from its content; ValidationError unless accepted and named for it."""
    extension = extension_of(name)
    if extension not in EXTENSIONS:
        raise ValidationError(
            _("Files like %(name)s are not accepted. Accepted are: %(extensions)s.")
            % {"name": name, "extensions": ", ".join(f".{e}" for e in EXTENSIONS)}
        )
    found = _detect(file, extension)
    if found is None or extension not in found.extensions:
        raise ValidationError(
            _("%(name)s is not a .%(extension)s file by its content, so it is not accepted.")
            % {"name": name, "extension": extension}
        )
    return found


def _detect(file: IO[bytes], extension: str) -> FileType | None:
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    try:
        if head.startswith(b"PK\x03\x04"):
            return _office_type(file)
        signed = _by_signature(head)
        if signed is not None:
            return signed
        if extension in TEXT.extensions + CSV.extensions and _is_plain_text(file, head):
            return TEXT if extension in TEXT.extensions else CSV
        return None
    finally:
        file.seek(0)


def _by_signature(head: bytes) -> FileType | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def _office_type(file: IO[bytes]) -> FileType | None:
    """OOXML or ODF by the zip's members; nothing is decompressed except ODF's tiny mimetype."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            if names and names[0] == "mimetype":
                with archive.open("mimetype") as member:
                    declared = member.read(100).decode("ascii", "replace").strip()
                return ODF_TYPES.get(declared)
            if "[Content_Types].xml" not in names:
                return None
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None  # macros: a document that can run code is not evidence
            for prefix, kind in OOXML_PARTS:
                if any(name.startswith(prefix) for name in names):
                    return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, RuntimeError):
        return None
    return None


def _is_plain_text(file: IO[bytes], head: bytes) -> bool:
    """UTF-8 throughout, no NUL bytes, and nothing at the start that a browser reads as markup."""
    start = head.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    if start.startswith(b"<") or any(marker in start for marker in MARKUP):
        return False
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := file.read(CHUNK_BYTES):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
