"""Reading and checking a board export before anything is written (docs/board-export.md).

Strict JSON, then the JSON Schema (schema/board-export.schema.json) with every problem and its
place, then the rules a schema cannot express and the installation itself: the board is new,
the frameworks are installed, every evidence file matches its SHA-256, the audit trail matches
its SHA-256. Nothing in this module writes to the database.
"""

import datetime
import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from kompas.boards.models import Board, School
from kompas.core.text import forbidden_in
from kompas.exports import evaluations_part, incidents_part, issued_part, submissions_part
from kompas.exports.document import (
    FORMAT,
    SCHEMA_VERSION,
    BoardFileError,
    Checked,
    EvaluationKey,
    JsonPath,
    evaluation_key,
    map_snapshot_measures,
    show,
    trail_digest,
)
from kompas.frameworks.fileformat import Problem
from kompas.frameworks.models import FrameworkVersion, Norm

__all__ = [
    "BoardFileError",
    "Checked",
    "EvaluationKey",
    "check_board_document",
    "evaluation_key",
    "parse_board_file",
]

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
        "proposed_by",
        "reported_by",
        "decided_by",
        "granted_by",
    }
)

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
        return f"{show(value)} is not a valid {kind}"
    if error.validator == "oneOf":
        # The alternatives are "nothing" or one shape; the shape's own complaint is the useful one.
        for alternative in error.context or []:
            if alternative.validator != "type" or alternative.validator_value != "null":
                return _describe(alternative)
    return (
        f"{show(value)}: {error.message}"
        if error.validator in {"pattern", "enum"}
        else error.message
    )


def check_board_document(document: Any, *, filename: str = "document") -> Checked:
    """Every problem with the document, against this installation; raises BoardFileError.

    Documents of older schema versions are upgraded in place first (`_upgrade`), so that the
    import reads them the same way.
    """
    if not isinstance(document, dict):
        raise BoardFileError(filename, [Problem((), "the document must be a JSON object")])
    if document.get("format") != FORMAT:
        raise BoardFileError(
            filename, [Problem(("format",), f"expected {FORMAT!r}: this is not a board export")]
        )
    read_version = document.get("schema_version")
    _upgrade(document, filename)
    # Only what no database can store is refused (kompas.core.text): the export carries every
    # other character the board's data held, and restoring it must give back the same data.
    problems = _schema_problems(document) + [
        Problem(path, found.describe())
        for path, found in forbidden_in(document, unstorable_only=True)
    ]
    if problems:
        raise BoardFileError(filename, problems)
    context = Checked(read_version=read_version)
    _check_installation(document, context)
    _check_people(document, context)
    evaluations_part.check_files(document["files"], context)
    evaluations_part.check_evaluations(document, context)
    _check_plan(document, context)
    incidents_part.check_incidents(document, context)
    submissions_part.check_submissions(document, context)
    _check_audit_trail(document["audit_trail"], context)
    context.check_unique(document["annual_reports"], ("year", "version"), ("annual_reports",))
    issued_part.check_issued(document, context)
    if context.problems:
        raise BoardFileError(filename, context.problems)
    return context


# The sections each older schema version lacks: read as the current version, they are empty.
# Version 2 is version 3 without the sector services a board records; version 3 is version 4
# without the incident register and the monitoring submissions (docs/board-export.md).
# Version 4 is version 5 without the mappings a period came through or a submission was
# translated through (its sections are the same).
ADDED_SINCE: dict[int, tuple[str, ...]] = {
    2: ("services", "incidents", "submissions", "issued_reports"),
    3: ("incidents", "submissions", "issued_reports"),
    4: (),
}


def _upgrade(document: dict[str, Any], filename: str) -> None:
    """Read a document of an older schema version as the current version, in place."""
    version = document.get("schema_version")
    if version == SCHEMA_VERSION:
        return
    if not isinstance(version, int) or isinstance(version, bool) or version not in ADDED_SINCE:
        # Version 1 carried the source installation's hash chain; it was never released.
        hint = "; export the board again" if version == 1 else ""
        raise BoardFileError(
            filename,
            [
                Problem(
                    ("schema_version",),
                    f"schema version {show(version)} is not supported; this installation "
                    f"reads schema version {SCHEMA_VERSION}{hint}",
                )
            ],
        )
    later = [name for name in ADDED_SINCE[version] if name in document]
    if later:
        raise BoardFileError(
            filename,
            [
                Problem(
                    ("schema_version",),
                    f"schema version {version} has no section "
                    + ", ".join(repr(name) for name in later)
                    + f", but this document has: it is not a version {version} export",
                )
            ],
        )
    for name in ADDED_SINCE[version]:
        document[name] = []
    _fill_later_fields(document)
    document["schema_version"] = SCHEMA_VERSION


def _objects(items: Any) -> list[dict[str, Any]]:
    """The objects of a list read from a document (anything else is left to the schema)."""
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _fill_later_fields(document: dict[str, Any]) -> None:
    """The fields later versions added, with what an older document meant by their absence."""
    # Before version 5 contributors could edit everything, and nothing came through a mapping.
    board = document.get("board")
    if isinstance(board, dict):
        board.setdefault("contributors_edit", "all")
    for evaluation in _objects(document.get("evaluations")):
        evaluation.setdefault("mapping", None)
        evaluation.setdefault("sent_back_reason", "")
        for score in _objects(evaluation.get("scores")):
            score.setdefault("carried", [])
    for submission in _objects(document.get("submissions")):
        submission.setdefault("mapping", None)
    # Before version 4 a risk was only ever accepted, never proposed first.
    plan = document.get("plan")
    for acceptance in _objects(plan.get("risk_acceptances") if isinstance(plan, dict) else None):
        acceptance.setdefault("proposed_by", None)
        acceptance.setdefault("proposed_at", None)


def _check_installation(document: dict[str, Any], context: Checked) -> None:
    bg_number = document["board"]["bg_number"]
    if Board.objects.filter(bg_number=bg_number).exists():
        context.report(
            ("board", "bg_number"),
            f"a board with bevoegd-gezagnummer {bg_number} already exists in this installation; "
            "a board is imported only into an installation without it",
        )
    context.check_unique(document["schools"], ("brin",), ("schools",))
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
    context.check_unique(document["groups"], ("name",), ("groups",))
    context.check_unique(document["services"], ("service",), ("services",))
    context.check_unique(
        document["frameworks"], ("framework", "framework_version"), ("frameworks",)
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


def _check_people(document: dict[str, Any], context: Checked) -> None:
    known: set[str] = set()
    for index, person in enumerate(document["people"]):
        email = person["email"].lower()
        if email in known:
            context.report(("people", index, "email"), f"{show(person['email'])} appears twice")
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
                    context.report((*path, key), f"{show(item)} is not listed under people")
                elif key not in skipped:
                    walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*path, index))

    walk(document, ())


def _check_plan(document: dict[str, Any], context: Checked) -> None:
    plan = document["plan"]
    evaluations = {evaluation_key(item) for item in document["evaluations"]}
    context.check_unique(plan["measures"], ("id",), ("plan", "measures"))
    for index, measure in enumerate(plan["measures"]):
        path: JsonPath = ("plan", "measures", index)
        if measure["start_date"] is not None and measure["start_date"] > measure["due_date"]:
            context.report((*path, "start_date"), "lies after the due date")
        linked: set[tuple[str, ...]] = set()
        for number, link in enumerate(measure["norms"]):
            key = tuple(link["norm"].values())
            context.check_norm(link["norm"], (*path, "norms", number, "norm"))
            if key in linked:
                context.report((*path, "norms", number), "links the same norm twice")
            linked.add(key)
    active: set[tuple[str, ...]] = set()
    for index, acceptance in enumerate(plan["risk_acceptances"]):
        path = ("plan", "risk_acceptances", index)
        context.check_norm(acceptance["norm"], (*path, "norm"))
        if acceptance["accepted_at"] is None and acceptance["proposed_at"] is None:
            context.report(path, "a risk acceptance that was neither proposed nor accepted")
        if (acceptance["accepted_at"] is None) != (acceptance["accepted_by"] is None):
            context.report(path, "accepted_at and accepted_by go together")
        if acceptance["withdrawn_at"] is None:
            key = tuple(acceptance["norm"].values())
            if key in active:
                context.report(path, "a second active acceptance of the same norm")
            active.add(key)
    context.check_unique(plan["versions"], ("number",), ("plan", "versions"))
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
