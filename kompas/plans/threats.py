"""The threat catalogue: reading a catalogue file and adding the threats it lists.

The catalogue is data (kompas/plans/shipped/threats.yaml, format in docs/plan.md) so that the
programme can revise it without a release. Loading only ever *adds*: a threat whose code is
already present is left exactly as it is, because the platform admin may have edited it (its
name, its weights, whether it is active) and a reload must never undo that. A file is checked
completely, including its norm codes against the imported frameworks, before anything is
written, and then written in one transaction: a bad file changes nothing.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record
from kompas.frameworks.fileformat import (
    JsonPath,
    LocatedFileError,
    Problem,
    decode_utf8,
    load_yaml,
    read_limited,
)
from kompas.frameworks.models import Norm
from kompas.plans.models import Threat, ThreatNorm

SHIPPED_THREATS = Path(__file__).resolve().parent / "shipped" / "threats.yaml"
FORMAT = "ibp-kompas-threats"
FORMAT_VERSION = 1
MAX_BYTES = 1024 * 1024

# The limits of the Threat and ThreatNorm fields, checked here so a file fails with a message
# instead of a database error halfway.
CODE_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE_MAX = 40
NAME_MAX = 200
NORM_CODE_MAX = 32
WEIGHTS = (1, 2, 3)

FILE_KEYS = {"format", "format_version", "threats"}
THREAT_KEYS = {"code", "name", "description", "norms"}


class ThreatFileError(LocatedFileError):
    """A catalogue file that cannot be loaded."""


@dataclass(frozen=True)
class ThreatEntry:
    """One threat as the file describes it; norms maps a norm code to its weight."""

    code: str
    name: str
    description: str
    norms: dict[str, int]


@dataclass(frozen=True)
class LoadResult:
    created: list[str]
    kept: list[str]


def threat_catalogue_load(*, path: Path = SHIPPED_THREATS) -> LoadResult:
    """Add the threats of a catalogue file that are missing; leave existing ones untouched."""
    entries = read_threat_file(path)
    filename = str(path)
    with transaction.atomic():
        _check_norm_codes(entries, filename)
        present = set(
            Threat.objects.filter(code__in=[entry.code for entry in entries]).values_list(
                "code", flat=True
            )
        )
        created, kept = [], []
        for position, entry in enumerate(entries, start=1):
            if entry.code in present:
                kept.append(entry.code)
                continue
            _create(entry, position=position)
            created.append(entry.code)
    return LoadResult(created=created, kept=kept)


def read_threat_file(path: Path) -> list[ThreatEntry]:
    """Read and check a catalogue file without touching the database."""
    raw = read_limited(path, max_bytes=MAX_BYTES, error=ThreatFileError)
    return parse_threat_text(raw, filename=str(path))


def parse_threat_text(raw: bytes, *, filename: str) -> list[ThreatEntry]:
    """Check catalogue content; separate from reading so tests and uploads need no file."""
    text = decode_utf8(raw, filename=filename, error=ThreatFileError)
    data, lines = load_yaml(text, filename=filename, error=ThreatFileError)
    checker = _Checker(lines)
    entries = checker.check(data)
    if checker.problems:
        raise ThreatFileError(filename, checker.problems)
    return entries


def _check_norm_codes(entries: list[ThreatEntry], filename: str) -> None:
    """Every linked code must be a norm of some imported framework version.

    A code no framework knows is almost always a typo, and would silently weigh nothing.
    """
    codes = {code for entry in entries for code in entry.norms}
    known = set(Norm.objects.filter(code__in=codes).values_list("code", flat=True))
    problems = [
        Problem(
            ("threats", index, "norms", code),
            f"threat {entry.code!r}: no imported framework has a norm {code!r}",
        )
        for index, entry in enumerate(entries)
        for code in entry.norms
        if code not in known
    ]
    if problems:
        raise ThreatFileError(filename, problems)


def _create(entry: ThreatEntry, *, position: int) -> None:
    threat = Threat.objects.create(
        code=entry.code, name=entry.name, description=entry.description, position=position
    )
    ThreatNorm.objects.bulk_create(
        ThreatNorm(threat=threat, norm_code=code, weight=weight)
        for code, weight in entry.norms.items()
    )
    audit_record(
        action=AuditAction.CREATE,
        obj=threat,
        changes={"norms": [None, links_text(entry.norms)]},
    )


def links_text(norms: dict[str, int]) -> str:
    """The links as one line, "SM.02 (3), PB.02 (3)", for the audit trail."""
    return ", ".join(f"{code} ({weight})" for code, weight in norms.items())


# --- reading YAML with line numbers -----------------------------------------------------


@dataclass
class _Checker:
    """The rules of the catalogue format; collects every problem rather than the first."""

    lines: dict[JsonPath, int]
    problems: list[Problem] = field(default_factory=list)

    def report(self, path: JsonPath, message: str) -> None:
        line = next(
            (
                self.lines[path[:end]]
                for end in range(len(path), -1, -1)
                if path[:end] in self.lines
            ),
            None,
        )
        self.problems.append(Problem(path, message, line))

    def check(self, data: Any) -> list[ThreatEntry]:
        if not isinstance(data, dict):
            self.report((), "the file must hold a mapping (format, format_version, threats)")
            return []
        self._keys(data, (), FILE_KEYS)
        if data.get("format") != FORMAT:
            self.report(("format",), f"must be {FORMAT!r}")
        if not _is_whole(data.get("format_version"), FORMAT_VERSION):
            self.report(("format_version",), f"must be {FORMAT_VERSION}")
        threats = data.get("threats")
        if not isinstance(threats, list) or not threats:
            self.report(("threats",), "must be a list of at least one threat")
            return []
        entries = [self._threat(item, ("threats", index)) for index, item in enumerate(threats)]
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            if entry is None:
                continue
            if entry.code in seen:
                self.report(("threats", index, "code"), f"duplicate code {entry.code!r}")
            seen.add(entry.code)
        return [entry for entry in entries if entry is not None]

    def _keys(self, data: dict[str, Any], path: JsonPath, allowed: set[str]) -> None:
        for key in data:
            if key not in allowed:
                expected = ", ".join(sorted(allowed))
                self.report((*path, key), f"unknown field {key!r} (expected {expected})")

    def _threat(self, item: Any, path: JsonPath) -> ThreatEntry | None:
        if not isinstance(item, dict):
            self.report(path, "each threat must be a mapping (code, name, description, norms)")
            return None
        self._keys(item, path, THREAT_KEYS)
        missing = sorted(THREAT_KEYS - set(item))
        if missing:
            self.report(path, "missing field " + ", ".join(repr(name) for name in missing))
            return None
        code = self._text(item["code"], (*path, "code"), CODE_MAX)
        if code is not None and not CODE_PATTERN.match(code):
            self.report((*path, "code"), f"{code!r} is not a code: use a-z, 0-9 and hyphens")
        name = self._text(item["name"], (*path, "name"), NAME_MAX)
        if name is not None and "\n" in name:
            self.report((*path, "name"), "must be a single line")
        description = self._text(item["description"], (*path, "description"), None)
        norms = self._norms(item["norms"], (*path, "norms"))
        if code is None or name is None or description is None or norms is None:
            return None
        return ThreatEntry(
            code=code, name=name.strip(), description=description.strip(), norms=norms
        )

    def _text(self, value: Any, path: JsonPath, limit: int | None) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.report(path, "must be text, not empty")
            return None
        if limit is not None and len(value) > limit:
            self.report(path, f"is {len(value)} characters long; at most {limit} allowed")
            return None
        return value

    def _norms(self, value: Any, path: JsonPath) -> dict[str, int] | None:
        if not isinstance(value, dict) or not value:
            self.report(path, "must map at least one norm code to a weight (1, 2 or 3)")
            return None
        norms = {}
        for code, weight in value.items():
            if len(code) > NORM_CODE_MAX:
                self.report((*path, code), f"a norm code has at most {NORM_CODE_MAX} characters")
            elif not any(_is_whole(weight, allowed) for allowed in WEIGHTS):
                self.report((*path, code), f"weight must be 1, 2 or 3, not {weight!r}")
            else:
                norms[code] = weight
        return norms if len(norms) == len(value) else None


def _is_whole(value: Any, expected: int) -> bool:
    """Exactly the whole number expected: YAML's true, 2.0 or "2" are not accepted."""
    return type(value) is int and value == expected
