"""A board's complete data as one JSON document, re-importable elsewhere (docs/board-export.md).

The document is deterministic: every list has a stable sort key, free-form JSON (audit changes,
plan snapshots) has its keys sorted, and nothing installation-specific appears: no database ids,
no hashes of this installation's audit chain. People are named by e-mail address, frameworks by
slug and version, norms by code, evaluations by framework, period and version, and measures by
an id that is local to the document. Evidence files travel inside it, base64, once per SHA-256;
the audit trail carries the SHA-256 of its own events, so an edited trail is refused on import.
"""

import base64
import datetime
import hashlib
import json
from decimal import Decimal
from typing import Any

from django.db import transaction

from kompas.accounts.models import User
from kompas.assessments.models import Evidence, EvidenceKind, NormScore, SelfAssessment
from kompas.audit.models import AuditAction, AuditEvent, board_chain
from kompas.audit.services import audit_record
from kompas.boards.models import Board, GroupMembership, Invitation, Membership
from kompas.frameworks.models import FrameworkVersion, Norm
from kompas.monitoring.models import ServiceUse
from kompas.plans.models import (
    Measure,
    MeasureNorm,
    MeasureUpdate,
    Plan,
    PlanVersion,
    ReminderSent,
    RiskAcceptance,
)
from kompas.plans.services import SNAPSHOT_SCHEMA
from kompas.reports.models import AnnualReport

FORMAT = "ibp-kompas-board"
SCHEMA_VERSION = 3


class BoardExportError(Exception):
    """The board cannot be exported completely (an evidence file is missing or damaged)."""


def board_document(*, board: Board) -> dict[str, Any]:
    """Everything the board owns, as a deterministic JSON-ready document (a read, no audit)."""
    people = _People()
    files: dict[str, bytes] = {}
    evaluations = _evaluations(board, people, files)
    plan = _plan(board, people)
    document = {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "frameworks": _frameworks(board),
        "people": [],  # filled in last, once every section has named its people
        "board": {
            "name": board.name,
            "bg_number": board.bg_number,
            "pupil_count": board.pupil_count,
            "region": board.region,
            "is_active": board.is_active,
            "created_at": moment(board.created_at),
        },
        "sectors": sorted(board.sectors.values_list("sector", flat=True)),
        "schools": [
            {"brin": brin, "name": name}
            for brin, name in board.schools.order_by("brin").values_list("brin", "name")
        ],
        "groups": [
            {
                "name": membership.group.name,
                "description": membership.group.description,
                "shares_named_results": membership.shares_named_results,
                "joined_at": moment(membership.joined_at),
            }
            for membership in GroupMembership.objects.filter(board=board)
            .select_related("group")
            .order_by("group__name")
        ],
        "services": [
            {
                "service": use.service,
                "status": use.status,
                "started_on": day(use.started_on),
                "ended_on": day(use.ended_on),
                "note": use.note,
                "updated_by": people.name(use.updated_by),
                "updated_at": moment(use.updated_at),
                "revision": use.revision,
            }
            for use in ServiceUse.objects.filter(board=board)
            .select_related("updated_by")
            .order_by("service")
        ],
        "members": [
            {
                "email": people.name(membership.user),
                "role": membership.role,
                "is_active": membership.is_active,
                "created_at": moment(membership.created_at),
                "ends_on": day(membership.ends_on),
            }
            for membership in Membership.objects.filter(board=board)
            .select_related("user")
            .order_by("user__email")
        ],
        "invitations": [
            {
                "email": invitation.email,
                "role": invitation.role,
                "invited_by": people.name(invitation.invited_by),
                "created_at": moment(invitation.created_at),
                "expires_at": moment(invitation.expires_at),
                "accepted_at": moment(invitation.accepted_at),
                "accepted_by": people.name(invitation.accepted_by),
            }
            for invitation in Invitation.objects.filter(board=board)
            .select_related("invited_by", "accepted_by")
            .order_by("created_at", "email", "pk")
        ],
        "evaluations": evaluations,
        "plan": plan,
        "annual_reports": _annual_reports(board, people),
        "files": [
            {
                "sha256": digest,
                "size": len(files[digest]),
                "content": base64.b64encode(files[digest]).decode("ascii"),
            }
            for digest in sorted(files)
        ],
        "audit_trail": _audit_trail(board),
    }
    document["people"] = people.listing()
    return document


def board_export(*, board: Board, actor_email: str) -> str:
    """The board's document as JSON text; the export is recorded on the board's trail."""
    with transaction.atomic():
        text = dump_board_document(board_document(board=board))
        audit_record(
            action=AuditAction.EXPORT,
            actor_email=actor_email,
            board_id=board.pk,
            obj=board,
            changes={
                "format": [None, FORMAT],
                "schema_version": [None, SCHEMA_VERSION],
                "sha256": [None, hashlib.sha256(text.encode("utf-8")).hexdigest()],
            },
        )
    return text


def dump_board_document(document: dict[str, Any]) -> str:
    # Text stays literal (no \u escapes for letters, emoji or direction marks); JSON itself
    # escapes quotes, backslashes and control characters, so every value reads back exactly.
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# --- values ---------------------------------------------------------------------------------


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


class _People:
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


# --- sections -------------------------------------------------------------------------------


def _frameworks(board: Board) -> list[dict[str, str]]:
    used = (
        set(SelfAssessment.objects.filter(board=board).values_list("framework_version", flat=True))
        | set(
            MeasureNorm.objects.filter(measure__board=board).values_list(
                "norm__framework_version", flat=True
            )
        )
        | set(
            RiskAcceptance.objects.filter(board=board).values_list(
                "norm__framework_version", flat=True
            )
        )
    )
    versions = FrameworkVersion.objects.filter(pk__in=used).select_related("framework")
    return sorted(
        (
            {
                "framework": version.framework.slug,
                "framework_version": version.version,
                "checksum": version.checksum,
            }
            for version in versions
        ),
        key=lambda item: (item["framework"], item["framework_version"]),
    )


def _evaluations(board: Board, people: _People, files: dict[str, bytes]) -> list[dict[str, Any]]:
    assessments = sorted(
        SelfAssessment.objects.filter(board=board).select_related(
            "framework_version__framework",
            "started_from__framework_version__framework",
            "created_by",
            "submitted_by",
            "approved_by",
        ),
        key=lambda a: (
            a.framework_version.framework.slug,
            a.framework_version.version,
            a.period,
            a.version,
        ),
    )
    scores: dict[int, list[NormScore]] = {}
    for score in (
        NormScore.objects.filter(assessment__board=board)
        .select_related("norm", "assignee", "updated_by")
        .order_by("assessment", "norm__position", "norm__code")
    ):
        scores.setdefault(score.assessment_id, []).append(score)
    evidence: dict[int, list[Evidence]] = {}
    for item in (
        Evidence.objects.filter(board=board)
        .select_related("added_by", "removed_by")
        .order_by("added_at", "pk")
    ):
        evidence.setdefault(item.score_id, []).append(item)
    return [
        {
            **evaluation_ref(assessment),
            "status": assessment.status,
            "started_from": (
                evaluation_ref(assessment.started_from) if assessment.started_from else None
            ),
            "reopen_reason": assessment.reopen_reason,
            "created_by": people.name(assessment.created_by),
            "created_at": moment(assessment.created_at),
            "submitted_at": moment(assessment.submitted_at),
            "submitted_by": people.name(assessment.submitted_by),
            "approved_at": moment(assessment.approved_at),
            "approved_by": people.name(assessment.approved_by),
            "scores": [
                {
                    "norm": score.norm.code,
                    "level": score.level,
                    "target_level": score.target_level,
                    "not_applicable": score.not_applicable,
                    "not_applicable_reason": score.not_applicable_reason,
                    "explanation": score.explanation,
                    "assignee": people.name(score.assignee),
                    "to_confirm": score.to_confirm,
                    "revision": score.revision,
                    "updated_by": people.name(score.updated_by),
                    "updated_at": moment(score.updated_at),
                    "evidence": [
                        _evidence(item, people, files) for item in evidence.get(score.pk, [])
                    ],
                }
                for score in scores.get(assessment.pk, [])
            ],
        }
        for assessment in assessments
    ]


def _evidence(item: Evidence, people: _People, files: dict[str, bytes]) -> dict[str, Any]:
    if item.kind == EvidenceKind.FILE and item.sha256 not in files:
        files[item.sha256] = _evidence_bytes(item)
    return {
        "kind": item.kind,
        "original_name": item.original_name,
        "content_type": item.content_type,
        "size": item.size,
        "sha256": item.sha256,
        "url": item.url,
        "title": item.title,
        "added_by": people.name(item.added_by),
        "added_at": moment(item.added_at),
        "removed_by": people.name(item.removed_by),
        "removed_at": moment(item.removed_at),
    }


def _evidence_bytes(item: Evidence) -> bytes:
    # An export that silently lacks a file, or carries a damaged one, would not be complete.
    try:
        with item.file.storage.open(str(item.file.name), "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise BoardExportError(
            f"Evidence file {item.original_name!r} (stored as {item.file.name}) cannot be "
            f"read: {error.strerror or error}."
        ) from None
    if hashlib.sha256(data).hexdigest() != item.sha256:
        raise BoardExportError(
            f"Evidence file {item.original_name!r} (stored as {item.file.name}) no longer "
            "matches the SHA-256 recorded when it was added; restore it from a backup first."
        )
    return data


def _plan(board: Board, people: _People) -> dict[str, Any]:
    plan = Plan.objects.filter(board=board).first()
    measures = list(
        Measure.objects.filter(board=board)
        .select_related("owner", "created_by", "updated_by")
        .order_by("created_at", "pk")
    )
    local_ids = {measure.pk: number for number, measure in enumerate(measures, start=1)}
    links: dict[int, list[MeasureNorm]] = {}
    for link in MeasureNorm.objects.filter(measure__board=board).select_related(
        "norm__framework_version__framework"
    ):
        links.setdefault(link.measure_id, []).append(link)
    updates: dict[int, list[MeasureUpdate]] = {}
    for update in (
        MeasureUpdate.objects.filter(measure__board=board)
        .select_related("author")
        .order_by("created_at", "pk")
    ):
        updates.setdefault(update.measure_id, []).append(update)
    reminders: dict[int, list[ReminderSent]] = {}
    for reminder in ReminderSent.objects.filter(measure__board=board).order_by(
        "due_date", "kind", "sent_at", "pk"
    ):
        reminders.setdefault(reminder.measure_id, []).append(reminder)
    return {
        "deadline": day(plan.deadline) if plan else None,
        "updated_at": moment(plan.updated_at) if plan else None,
        "measures": [
            {
                "id": local_ids[measure.pk],
                "title": measure.title,
                "description": measure.description,
                "owner": people.name(measure.owner),
                "start_date": day(measure.start_date),
                "due_date": day(measure.due_date),
                "status": measure.status,
                "effort_days": amount(measure.effort_days),
                "cost_euros": amount(measure.cost_euros),
                "priority": measure.priority,
                "completed_at": day(measure.completed_at),
                "revision": measure.revision,
                "created_by": people.name(measure.created_by),
                "created_at": moment(measure.created_at),
                "updated_by": people.name(measure.updated_by),
                "updated_at": moment(measure.updated_at),
                "norms": sorted(
                    (
                        {"norm": norm_ref(link.norm), "target_level": link.target_level}
                        for link in links.get(measure.pk, [])
                    ),
                    key=lambda item: tuple(item["norm"].values()),
                ),
                "updates": [
                    {
                        "author": people.name(update.author),
                        "created_at": moment(update.created_at),
                        "status": update.status,
                        "progress": update.progress,
                        "remark": update.remark,
                        "evidence_url": update.evidence_url,
                    }
                    for update in updates.get(measure.pk, [])
                ],
                "reminders": [
                    {
                        "kind": reminder.kind,
                        "due_date": day(reminder.due_date),
                        "recipient": reminder.recipient,
                        "sent_at": moment(reminder.sent_at),
                    }
                    for reminder in reminders.get(measure.pk, [])
                ],
            }
            for measure in measures
        ],
        "risk_acceptances": _risk_acceptances(board, people),
        "versions": [
            {
                "number": version.number,
                "evaluation": evaluation_ref(version.assessment) if version.assessment else None,
                "deadline": day(version.deadline),
                "approved_by": people.name(version.approved_by),
                "approved_at": moment(version.approved_at),
                "note": version.note,
                "snapshot": canonical(
                    map_snapshot_measures(version.snapshot, local_ids, where=f"v{version.number}")
                ),
            }
            for version in PlanVersion.objects.filter(board=board)
            .select_related("assessment__framework_version__framework", "approved_by")
            .order_by("number")
        ],
    }


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


def _risk_acceptances(board: Board, people: _People) -> list[dict[str, Any]]:
    acceptances = RiskAcceptance.objects.filter(board=board).select_related(
        "norm__framework_version__framework", "accepted_by", "withdrawn_by"
    )
    return [
        {
            "norm": norm_ref(acceptance.norm),
            "reason": acceptance.reason,
            "review_date": day(acceptance.review_date),
            "accepted_by": people.name(acceptance.accepted_by),
            "accepted_at": moment(acceptance.accepted_at),
            "withdrawn_by": people.name(acceptance.withdrawn_by),
            "withdrawn_at": moment(acceptance.withdrawn_at),
        }
        for acceptance in sorted(
            acceptances,
            key=lambda a: (*norm_ref(a.norm).values(), a.accepted_at, a.pk),
        )
    ]


def _annual_reports(board: Board, people: _People) -> list[dict[str, Any]]:
    return [
        {
            "year": report.year,
            "version": report.version,
            "status": report.status,
            "text": report.text,
            "generated_text": report.generated_text,
            "revision": report.revision,
            "created_by": people.name(report.created_by),
            "created_at": moment(report.created_at),
            "updated_by": people.name(report.updated_by),
            "updated_at": moment(report.updated_at),
            "approved_by": people.name(report.approved_by),
            "approved_at": moment(report.approved_at),
        }
        for report in AnnualReport.objects.filter(board=board)
        .select_related("created_by", "updated_by", "approved_by")
        .order_by("year", "version")
    ]


def _audit_trail(board: Board) -> dict[str, Any]:
    # Only what happened, not where: the chain key, board, actor and object ids and the hashes
    # belong to this installation, and the importing one records the events under its own.
    events = [
        {
            "sequence": event.sequence,
            "created_at": moment(event.created_at),
            "actor_email": event.actor_email,
            "action": event.action,
            "object_type": event.object_type,
            "object_repr": event.object_repr,
            "changes": canonical(event.changes),
        }
        for event in AuditEvent.objects.filter(chain=board_chain(board.pk)).order_by("sequence")
    ]
    return {"sha256": trail_digest(events), "events": events}


def trail_digest(events: Any) -> str:
    """The SHA-256 of the exported events as canonical JSON (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(events, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
