"""Reading and checking a board export before anything is written (docs/board-export.md).

Strict JSON, then the JSON Schema (schema/board-export.schema.json) with every problem and its
place, then the rules a schema cannot express and the installation itself: the board is new,
the frameworks are installed, every evidence file matches its SHA-256, the audit trail matches
its SHA-256. Nothing in this module writes to the database.
"""

import base64
import binascii
import datetime
import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from kompas.assessments.models import (
    EvidenceKind,
)
from kompas.boards.models import (
    Board,
    School,
)
from kompas.core.text import forbidden_in
from kompas.exports.board_export import (
    FORMAT,
    SCHEMA_VERSION,
    map_snapshot_measures,
    trail_digest,
)
from kompas.frameworks.fileformat import LocatedFileError, Problem
from kompas.frameworks.models import FrameworkVersion, Norm

SCHEMA_PATH = Path(__file__).parent / "schema" / "board-export.schema.json"
PERSON_KEYS = frozenset(
    {
        "invited_by",
        "accepted_by",
        "created_by",
        "submitted_by",
        "approved_by",
        "assignee",
        "updated_by",
        "added_by",
        "removed_by",
        "owner",
        "author",
        "withdrawn_by",
    }
)

JsonPath = tuple[str | int, ...]
VersionKey = tuple[str, str]
EvaluationKey = tuple[str, str, str, int]


class BoardFileError(LocatedFileError):
    """A board document that cannot be imported, with every problem found and where."""


# --- reading --------------------------------------------------------------------------------


def parse_board_file(raw: bytes, *, filename: str) -> Any:
    """The JSON value of a board file; strict JSON only (no NaN, no repeated keys)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise BoardFileError(
            filename, [Problem((), f"the file is not UTF-8 text (byte {error.start})", line)]
        ) from None
    try:
        return json.loads(text, object_pairs_hook=_no_repeats, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise BoardFileError(
            filename,
            [Problem((), f"invalid JSON: {error.msg} (column {error.colno})", error.lineno)],
        ) from None
    except ValueError as error:
        raise BoardFileError(filename, [Problem((), f"invalid JSON: {error}")]) from None


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


# --- checking -------------------------------------------------------------------------------


_checker = FormatChecker(formats=())


@_checker.checks("kompas-date", raises=ValueError)
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or bool(datetime.date.fromisoformat(value))


@_checker.checks("kompas-datetime", raises=ValueError)
def _is_datetime(value: object) -> bool:
    return not isinstance(value, str) or bool(datetime.datetime.fromisoformat(value))


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=_checker)


def _schema_problems(document: Any) -> list[Problem]:
    problems: list[Problem] = []
    for error in sorted(_validator().iter_errors(document), key=lambda e: list(map(str, e.path))):
        problem = Problem(tuple(error.absolute_path), _describe(error))
        if problem not in problems:
            problems.append(problem)
    return problems


def _describe(error: ValidationError) -> str:
    value: Any = error.instance
    expected: Any = error.validator_value
    if error.validator == "required":
        missing = [name for name in expected if name not in value]
        return "missing field " + ", ".join(repr(name) for name in missing)
    if error.validator == "additionalProperties":
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        return "unknown field " + ", ".join(repr(name) for name in sorted(set(value) - set(known)))
    if error.validator == "format":
        kind = "date" if error.validator_value == "kompas-date" else "UTC timestamp"
        return f"{_show(value)} is not a valid {kind}"
    if error.validator == "oneOf":
        # The alternatives are "nothing" or one shape; the shape's own complaint is the useful one.
        for alternative in error.context or []:
            if alternative.validator != "type" or alternative.validator_value != "null":
                return _describe(alternative)
    return (
        f"{_show(value)}: {error.message}"
        if error.validator in {"pattern", "enum"}
        else error.message
    )


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    return json.dumps(value)[:60]


@dataclass
class Checked:
    """What the checks found in this installation, for the writing step."""

    versions: dict[VersionKey, FrameworkVersion] = field(default_factory=dict)
    norms: dict[tuple[str, str, str], Norm] = field(default_factory=dict)
    listed: set[VersionKey] = field(default_factory=set)
    files: dict[str, bytes] = field(default_factory=dict)  # by SHA-256
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def report(self, path: JsonPath, message: str) -> None:
        self.problems.append(Problem(path, message))

    def norm(self, ref: dict[str, str]) -> Norm | None:
        return self.norms.get((ref["framework"], ref["framework_version"], ref["code"]))


def check_board_document(document: Any, *, filename: str = "document") -> Checked:
    """Every problem with the document, against this installation; raises BoardFileError.

    A document of schema version 2 is read as version 3 with no sector services recorded (it
    is upgraded in place, so that the import reads it the same way).
    """
    if not isinstance(document, dict):
        raise BoardFileError(filename, [Problem((), "the document must be a JSON object")])
    if document.get("format") != FORMAT:
        raise BoardFileError(
            filename, [Problem(("format",), f"expected {FORMAT!r}: this is not a board export")]
        )
    version = document.get("schema_version")
    if version == SCHEMA_VERSION - 1 and "services" not in document:
        # Version 2 is version 3 without the sector services a board records: none recorded.
        document["schema_version"], document["services"] = SCHEMA_VERSION, []
        version = SCHEMA_VERSION
    if version != SCHEMA_VERSION:
        # Version 1 carried the source installation's hash chain; it was never released.
        hint = "; export the board again" if version == 1 else ""
        raise BoardFileError(
            filename,
            [
                Problem(
                    ("schema_version",),
                    f"schema version {_show(version)} is not supported; this installation "
                    f"reads schema version {SCHEMA_VERSION}{hint}",
                )
            ],
        )
    # Only what no database can store is refused (kompas.core.text): the export carries every
    # other character the board's data held, and restoring it must give back the same data.
    problems = _schema_problems(document) + [
        Problem(path, found.describe())
        for path, found in forbidden_in(document, unstorable_only=True)
    ]
    if problems:
        raise BoardFileError(filename, problems)
    context = Checked()
    _check_installation(document, context)
    _check_people(document, context)
    _check_files(document["files"], context)
    _check_evaluations(document, context)
    _check_plan(document, context)
    _check_audit_trail(document["audit_trail"], context)
    _check_unique(document["annual_reports"], ("year", "version"), ("annual_reports",), context)
    if context.problems:
        raise BoardFileError(filename, context.problems)
    return context


def _check_installation(document: dict[str, Any], context: Checked) -> None:
    bg_number = document["board"]["bg_number"]
    if Board.objects.filter(bg_number=bg_number).exists():
        context.report(
            ("board", "bg_number"),
            f"a board with bevoegd-gezagnummer {bg_number} already exists in this installation; "
            "a board is imported only into an installation without it",
        )
    _check_unique(document["schools"], ("brin",), ("schools",), context)
    taken = set(
        School.objects.filter(
            brin__in=[school["brin"] for school in document["schools"]]
        ).values_list("brin", flat=True)
    )
    for index, school in enumerate(document["schools"]):
        if school["brin"] in taken:
            context.report(
                ("schools", index, "brin"),
                f"BRIN {school['brin']} already belongs to a school of another board here",
            )
    _check_unique(document["groups"], ("name",), ("groups",), context)
    _check_unique(document["services"], ("service",), ("services",), context)
    _check_unique(
        document["frameworks"], ("framework", "framework_version"), ("frameworks",), context
    )
    for index, entry in enumerate(document["frameworks"]):
        key = (entry["framework"], entry["framework_version"])
        context.listed.add(key)
        found = (
            FrameworkVersion.objects.select_related("framework")
            .filter(framework__slug=key[0], version=key[1])
            .first()
        )
        if found is None:
            context.report(
                ("frameworks", index),
                f"framework {key[0]} version {key[1]} is not installed; import it first "
                "(manage.py import_framework FILE)",
            )
            continue
        if found.checksum != entry["checksum"]:
            context.warnings.append(
                f"Framework {key[0]} version {key[1]} is installed with different content "
                "(another checksum); scores are matched to its norms by code."
            )
        context.versions[key] = found
        for norm in Norm.objects.filter(framework_version=found):
            context.norms[(*key, norm.code)] = norm


def _check_unique(
    items: list[dict[str, Any]], keys: tuple[str, ...], path: JsonPath, context: Checked
) -> None:
    seen: set[tuple[Any, ...]] = set()
    for index, item in enumerate(items):
        value = tuple(item[key] for key in keys)
        if value in seen:
            shown = ", ".join(f"{key} {_show(item[key])}" for key in keys)
            context.report((*path, index), f"appears twice ({shown})")
        seen.add(value)


def _check_people(document: dict[str, Any], context: Checked) -> None:
    known: set[str] = set()
    for index, person in enumerate(document["people"]):
        email = person["email"].lower()
        if email in known:
            context.report(("people", index, "email"), f"{_show(person['email'])} appears twice")
        known.add(email)
    members: set[str] = set()
    for index, member in enumerate(document["members"]):
        email = member["email"].lower()
        if email not in known:
            context.report(("members", index, "email"), "not listed under people")
        if email in members:
            context.report(("members", index, "email"), "is a member twice")
        members.add(email)
    skipped = {"people", "audit_trail", "snapshot"}

    def walk(value: Any, path: JsonPath) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in PERSON_KEYS and isinstance(item, str) and item.lower() not in known:
                    context.report((*path, key), f"{_show(item)} is not listed under people")
                elif key not in skipped:
                    walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*path, index))

    walk(document, ())


def evaluation_key(item: dict[str, Any]) -> EvaluationKey:
    return (item["framework"], item["framework_version"], item["period"], item["version"])


def _check_evaluations(document: dict[str, Any], context: Checked) -> None:
    evaluations = document["evaluations"]
    _check_unique(
        evaluations,
        ("framework", "framework_version", "period", "version"),
        ("evaluations",),
        context,
    )
    keys = {evaluation_key(item) for item in evaluations}
    for index, evaluation in enumerate(evaluations):
        path: JsonPath = ("evaluations", index)
        version = (evaluation["framework"], evaluation["framework_version"])
        if version not in context.versions:
            if version not in context.listed:
                context.report(
                    path,
                    f"framework {version[0]} version {version[1]} is not listed under frameworks",
                )
            continue
        started = evaluation["started_from"]
        if started is not None and evaluation_key(started) not in keys:
            context.report((*path, "started_from"), "refers to an evaluation not in the document")
        codes: set[str] = set()
        for number, score in enumerate(evaluation["scores"]):
            where: JsonPath = (*path, "scores", number)
            if (*version, score["norm"]) not in context.norms:
                context.report(
                    (*where, "norm"), f"no norm {score['norm']!r} in {version[0]} {version[1]}"
                )
            if score["norm"] in codes:
                context.report((*where, "norm"), f"norm {score['norm']!r} is scored twice")
            codes.add(score["norm"])
            for position, item in enumerate(score["evidence"]):
                _check_evidence(item, (*where, "evidence", position), context)


def _check_files(files: list[dict[str, Any]], context: Checked) -> None:
    for index, item in enumerate(files):
        path: JsonPath = ("files", index)
        if item["sha256"] in context.files:
            context.report((*path, "sha256"), "appears twice")
            continue
        try:
            data = base64.b64decode(item["content"], validate=True)
        except binascii.Error:
            context.report((*path, "content"), "is not valid base64")
            continue
        if hashlib.sha256(data).hexdigest() != item["sha256"]:
            context.report(
                (*path, "content"),
                "does not match its SHA-256: the file was changed or damaged",
            )
        elif item["size"] != len(data):
            context.report(
                (*path, "size"), f"is {item['size']}, but the content has {len(data)} bytes"
            )
        else:
            context.files[item["sha256"]] = data


def _check_evidence(item: dict[str, Any], path: JsonPath, context: Checked) -> None:
    if item["kind"] == EvidenceKind.LINK:
        if item["sha256"] or item["size"] is not None or not item["url"]:
            context.report(path, "a link has a url, and no SHA-256 or size")
    elif not item["sha256"] or item["size"] is None or item["url"] or not item["original_name"]:
        context.report(path, "a file has a name, a size and a SHA-256, and no url")
    elif item["sha256"] not in context.files:
        context.report((*path, "sha256"), "no file with this SHA-256 under files")
    elif item["size"] != len(context.files[item["sha256"]]):
        context.report((*path, "size"), "differs from the size of the file under files")


def _check_plan(document: dict[str, Any], context: Checked) -> None:
    plan = document["plan"]
    evaluations = {evaluation_key(item) for item in document["evaluations"]}
    _check_unique(plan["measures"], ("id",), ("plan", "measures"), context)
    for index, measure in enumerate(plan["measures"]):
        path: JsonPath = ("plan", "measures", index)
        if measure["start_date"] is not None and measure["start_date"] > measure["due_date"]:
            context.report((*path, "start_date"), "lies after the due date")
        linked: set[tuple[str, ...]] = set()
        for number, link in enumerate(measure["norms"]):
            key = tuple(link["norm"].values())
            _check_norm(link["norm"], (*path, "norms", number, "norm"), context)
            if key in linked:
                context.report((*path, "norms", number), "links the same norm twice")
            linked.add(key)
    active: set[tuple[str, ...]] = set()
    for index, acceptance in enumerate(plan["risk_acceptances"]):
        path = ("plan", "risk_acceptances", index)
        _check_norm(acceptance["norm"], (*path, "norm"), context)
        if acceptance["withdrawn_at"] is None:
            key = tuple(acceptance["norm"].values())
            if key in active:
                context.report(path, "a second active acceptance of the same norm")
            active.add(key)
    _check_unique(plan["versions"], ("number",), ("plan", "versions"), context)
    ids = {measure["id"]: measure["id"] for measure in plan["measures"]}
    for index, version in enumerate(plan["versions"]):
        path = ("plan", "versions", index)
        evaluation = version["evaluation"]
        if evaluation is not None and evaluation_key(evaluation) not in evaluations:
            context.report((*path, "evaluation"), "refers to an evaluation not in the document")
        try:
            map_snapshot_measures(version["snapshot"], ids, where=str(version["number"]))
        except Exception:  # noqa: BLE001 - any malformed snapshot is reported, not raised
            context.report((*path, "snapshot"), "refers to a measure that is not in the document")


def _check_norm(ref: dict[str, str], path: JsonPath, context: Checked) -> None:
    key = (ref["framework"], ref["framework_version"])
    if key not in context.versions:
        if key not in context.listed:  # a listed one that is missing is reported there
            context.report(
                path,
                f"framework {key[0]} version {key[1]} is not listed under frameworks",
            )
    elif context.norm(ref) is None:
        context.report(
            path, f"no norm {ref['code']!r} in {ref['framework']} {ref['framework_version']}"
        )


def _check_audit_trail(trail: dict[str, Any], context: Checked) -> None:
    # The digest is checked first: when it does not match, the events say nothing reliable.
    if trail_digest(trail["events"]) != trail["sha256"]:
        context.report(
            ("audit_trail", "sha256"),
            "does not match the events: the audit trail was changed after it was exported",
        )
        return
    for index, item in enumerate(trail["events"]):
        if item["sequence"] != index + 1:
            context.report(
                ("audit_trail", "events", index, "sequence"),
                f"expected #{index + 1}: an event is missing",
            )
            return
