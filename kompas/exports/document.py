"""The board document's shared vocabulary, for writing, checking and restoring it alike.

Values as the document writes them and reads them back (timestamps in UTC, dates, decimal
strings, free-form JSON with sorted keys), references without database ids (people by e-mail,
norms by framework, version and code, evaluations by framework, version, period and version),
the state the checks collect for the writing step, and the insert that puts back the
timestamps Django sets on creation. The parts of the document (incidents_part.py,
submissions_part.py) build on this module only, so that the export, the check and the import
can all use them.
"""

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models

from kompas.accounts.models import User
from kompas.assessments.models import SelfAssessment
from kompas.boards.models import Board
from kompas.frameworks.fileformat import LocatedFileError, Problem
from kompas.frameworks.models import FrameworkVersion, Mapping, Norm
from kompas.monitoring.models import MonitoringRound
from kompas.plans.services import SNAPSHOT_SCHEMA

FORMAT = "ibp-kompas-board"
SCHEMA_VERSION = 5

JsonPath = tuple[str | int, ...]
VersionKey = tuple[str, str]
NormKey = tuple[str, str, str]
MappingKey = tuple[VersionKey, VersionKey]  # source, target
EvaluationKey = tuple[str, str, str, int]
RoundKey = tuple[str, str, str, str]  # framework, framework version, period, name


class BoardExportError(Exception):
    """The board cannot be exported completely (an evidence file is missing or damaged)."""


class BoardFileError(LocatedFileError):
    """A board document that cannot be imported, with every problem found and where."""


# --- values, written ------------------------------------------------------------------------


def moment(value: datetime.datetime | None) -> str | None:
    """A timestamp as ISO 8601 in UTC, the form the audit trail hashes."""
    return None if value is None else value.astimezone(datetime.UTC).isoformat()


def day(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def amount(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def canonical(value: Any) -> Any:
    """Free-form JSON with its keys sorted, so PostgreSQL's jsonb and SQLite write it alike."""
    if isinstance(value, dict):
        return {key: canonical(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [canonical(item) for item in value]
    return value


def evaluation_ref(assessment: SelfAssessment) -> dict[str, Any]:
    version = assessment.framework_version
    return {
        "framework": version.framework.slug,
        "framework_version": version.version,
        "period": assessment.period,
        "version": assessment.version,
    }


def norm_ref(norm: Norm) -> dict[str, str]:
    version = norm.framework_version
    return {
        "framework": version.framework.slug,
        "framework_version": version.version,
        "code": norm.code,
    }


def norm_key(ref: dict[str, str]) -> NormKey:
    return (ref["framework"], ref["framework_version"], ref["code"])


def evaluation_key(item: dict[str, Any]) -> EvaluationKey:
    return (item["framework"], item["framework_version"], item["period"], item["version"])


class People:
    """Collects everyone a section names, so the document lists each person once."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def name(self, user: User | None) -> str | None:
        if user is None:
            return None
        self.names[user.email] = user.full_name
        return str(user.email)

    def listing(self) -> list[dict[str, str]]:
        return [{"email": email, "full_name": self.names[email]} for email in sorted(self.names)]


@dataclass
class Exporting:
    """What the sections of one export share: the board, its people, files and measure ids."""

    board: Board
    people: People = field(default_factory=People)
    files: dict[str, bytes] = field(default_factory=dict)  # evidence content by SHA-256
    measure_ids: dict[int, int] = field(default_factory=dict)  # database id -> document id


def trail_digest(events: Any) -> str:
    """The SHA-256 of the exported events as canonical JSON (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(events, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def map_snapshot_measures(snapshot: Any, ids: dict[int, int], *, where: str) -> Any:
    """The snapshot with its measure ids translated (database id <-> document id, either way)."""
    if not isinstance(snapshot, dict) or snapshot.get("schema") != SNAPSHOT_SCHEMA:
        return snapshot

    def mapped(value: Any) -> int:
        if value not in ids:
            raise BoardExportError(f"Plan version {where} refers to an unknown measure {value!r}.")
        return ids[value]

    result = dict(snapshot)
    result["measures"] = [
        {**measure, "id": mapped(measure.get("id"))} for measure in snapshot.get("measures", [])
    ]
    result["gaps"] = [
        {**gap, "covered_by": [mapped(value) for value in gap.get("covered_by", [])]}
        for gap in snapshot.get("gaps", [])
    ]
    return result


# --- values, read back ----------------------------------------------------------------------


def when(value: str | None) -> datetime.datetime | None:
    return None if value is None else datetime.datetime.fromisoformat(value)


def moment_of(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value)


def day_of(value: str | None) -> datetime.date | None:
    return None if value is None else datetime.date.fromisoformat(value)


def date_of(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def amount_of(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


Rows = list[tuple[models.Model, dict[str, Any]]]
PersonOf = Callable[
    [str | None], User | None
]  # the account of an e-mail address the document names


def create_rows(model: type[models.Model], rows: Rows) -> list[Any]:
    """Insert rows, then put back the timestamps Django sets on creation (auto_now_add)."""
    objects = model._default_manager.bulk_create([row for row, _stamps in rows])
    names = sorted({name for _row, stamps in rows for name in stamps})
    for row, stamps in rows:
        for name, value in stamps.items():
            setattr(row, name, value)
    if names and objects:
        model._default_manager.bulk_update(objects, names)
    return objects


# --- checking -------------------------------------------------------------------------------


def show(value: Any) -> str:
    """A value as a problem message quotes it: short, and unmistakably a value."""
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    return json.dumps(value)[:60]


@dataclass
class Checked:
    """What the checks found in this installation, for the writing step."""

    versions: dict[VersionKey, FrameworkVersion] = field(default_factory=dict)
    norms: dict[NormKey, Norm] = field(default_factory=dict)
    listed: set[VersionKey] = field(default_factory=set)
    mappings: dict[MappingKey, Mapping] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # by SHA-256
    # Monitoring rounds by their natural key; None: not here, the import recreates it.
    rounds: dict[RoundKey, MonitoringRound | None] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    read_version: Any = None  # the schema version of the file, before any upgrade

    def report(self, path: JsonPath, message: str) -> None:
        self.problems.append(Problem(path, message))

    def norm(self, ref: dict[str, str]) -> Norm | None:
        return self.norms.get(norm_key(ref))

    def check_norm(self, ref: dict[str, str], path: JsonPath) -> None:
        """Report a norm reference that this installation cannot resolve."""
        key = (ref["framework"], ref["framework_version"])
        if key not in self.versions:
            if key not in self.listed:  # a listed one that is missing is reported there
                self.report(
                    path, f"framework {key[0]} version {key[1]} is not listed under frameworks"
                )
        elif self.norm(ref) is None:
            self.report(
                path, f"no norm {ref['code']!r} in {ref['framework']} {ref['framework_version']}"
            )

    def check_unique(
        self, items: list[dict[str, Any]], keys: tuple[str, ...], path: JsonPath
    ) -> None:
        """Report every item whose values for `keys` an earlier item already had."""
        seen: set[tuple[Any, ...]] = set()
        for index, item in enumerate(items):
            value = tuple(json.dumps(item[key], sort_keys=True) for key in keys)
            if value in seen:
                shown = ", ".join(f"{key} {show(item[key])}" for key in keys)
                self.report((*path, index), f"appears twice ({shown})")
            seen.add(value)
