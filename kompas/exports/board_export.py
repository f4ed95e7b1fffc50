"""A board's complete data as one JSON document, re-importable elsewhere (docs/board-export.md).

The document is deterministic: every list has a stable sort key, free-form JSON (audit changes,
plan snapshots) has its keys sorted, and nothing installation-specific appears: no database ids,
no hashes of this installation's audit chain. People are named by e-mail address, frameworks by
slug and version, norms by code, evaluations by framework, period and version, measures by
an id that is local to the document, and monitoring rounds by framework, period and name.
Evidence files travel inside it, base64, once per SHA-256; the audit trail carries the SHA-256
of its own events, so an edited trail is refused on import.

SECTIONS is the registry of the document: each section names the models whose rows it carries,
and `board_document` builds the document from it and nothing else. LEFT_OUT names the
board-owned models that are deliberately not exported, with the reason; a test fails on a
board-owned model that is in neither (kompas/exports/tests/test_completeness.py).
"""

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from kompas.accounts.models import User
from kompas.assessments.models import SelfAssessment
from kompas.audit.models import AuditAction, AuditEvent, board_chain
from kompas.audit.services import audit_record
from kompas.boards.models import (
    Board,
    BoardSector,
    GroupMembership,
    Invitation,
    Membership,
    School,
)
from kompas.exports import evaluations_part, incidents_part, issued_part, submissions_part
from kompas.exports.document import (
    FORMAT,
    SCHEMA_VERSION,
    BoardExportError,
    Exporting,
    People,
    amount,
    canonical,
    day,
    evaluation_ref,
    map_snapshot_measures,
    moment,
    norm_ref,
    trail_digest,
)
from kompas.frameworks.models import FrameworkVersion
from kompas.incidents.models import Incident
from kompas.monitoring.models import ServiceUse, Submission, SubmittedScore, SupportNote
from kompas.notifications.models import Notification
from kompas.plans.models import (
    Measure,
    MeasureNorm,
    MeasureUpdate,
    Plan,
    PlanVersion,
    ReminderSent,
    RiskAcceptance,
)
from kompas.reports.models import AnnualReport

__all__ = [
    "FORMAT",
    "LEFT_OUT",
    "SCHEMA_VERSION",
    "SECTIONS",
    "BoardExportError",
    "board_document",
    "board_export",
    "dump_board_document",
    "trail_digest",
]


@dataclass(frozen=True)
class Section:
    """A top-level key of the document, the models whose rows it carries and how it is made."""

    key: str
    models: tuple[type[models.Model], ...]
    build: Callable[[Exporting], Any]
    # Made after every other section: the people they named.
    last: bool = False


def _board(context: Exporting) -> dict[str, Any]:
    board = context.board
    return {
        "name": board.name,
        "bg_number": board.bg_number,
        "pupil_count": board.pupil_count,
        "region": board.region,
        "is_active": board.is_active,
        "contributors_edit": board.contributors_edit,
        "created_at": moment(board.created_at),
    }


def _groups(context: Exporting) -> list[dict[str, Any]]:
    return [
        {
            "name": membership.group.name,
            "description": membership.group.description,
            "shares_named_results": membership.shares_named_results,
            "joined_at": moment(membership.joined_at),
        }
        for membership in GroupMembership.objects.filter(board=context.board)
        .select_related("group")
        .order_by("group__name")
    ]


def _services(context: Exporting) -> list[dict[str, Any]]:
    return [
        {
            "service": use.service,
            "status": use.status,
            "started_on": day(use.started_on),
            "ended_on": day(use.ended_on),
            "note": use.note,
            "updated_by": context.people.name(use.updated_by),
            "updated_at": moment(use.updated_at),
            "revision": use.revision,
        }
        for use in ServiceUse.objects.filter(board=context.board)
        .select_related("updated_by")
        .order_by("service")
    ]


def _members(context: Exporting) -> list[dict[str, Any]]:
    return [
        {
            "email": context.people.name(membership.user),
            "role": membership.role,
            "is_active": membership.is_active,
            "created_at": moment(membership.created_at),
            "ends_on": day(membership.ends_on),
        }
        for membership in Membership.objects.filter(board=context.board)
        .select_related("user")
        .order_by("user__email")
    ]


def _invitations(context: Exporting) -> list[dict[str, Any]]:
    people = context.people
    return [
        {
            "email": invitation.email,
            "role": invitation.role,
            "invited_by": people.name(invitation.invited_by),
            "created_at": moment(invitation.created_at),
            "expires_at": moment(invitation.expires_at),
            "accepted_at": moment(invitation.accepted_at),
            "accepted_by": people.name(invitation.accepted_by),
        }
        for invitation in Invitation.objects.filter(board=context.board)
        .select_related("invited_by", "accepted_by")
        .order_by("created_at", "email", "pk")
    ]


def _files(context: Exporting) -> list[dict[str, Any]]:
    # After the evaluations, whose evidence collected the files.
    return [
        {
            "sha256": digest,
            "size": len(context.files[digest]),
            "content": base64.b64encode(context.files[digest]).decode("ascii"),
        }
        for digest in sorted(context.files)
    ]


def board_document(*, board: Board) -> dict[str, Any]:
    """Everything the board owns, as a deterministic JSON-ready document (a read, no audit)."""
    context = Exporting(board=board)
    built = {section.key: section.build(context) for section in SECTIONS if not section.last}
    built |= {section.key: section.build(context) for section in SECTIONS if section.last}
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        **{section.key: built[section.key] for section in SECTIONS},
    }


def board_export(*, board: Board, actor: User | None = None, actor_email: str = "") -> str:
    """The board's document as JSON text; the export is recorded on the board's trail."""
    with transaction.atomic():
        text = dump_board_document(board_document(board=board))
        audit_record(
            action=AuditAction.EXPORT,
            actor=actor,
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


# --- sections -------------------------------------------------------------------------------


def _frameworks(context: Exporting) -> list[dict[str, str]]:
    board = context.board
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
        | set(
            Incident.norms.through.objects.filter(incident__board=board).values_list(
                "norm__framework_version", flat=True
            )
        )
        | set(
            Submission.objects.filter(board=board).values_list(
                "round__framework_version", flat=True
            )
        )
        | set(
            SubmittedScore.objects.filter(submission__board=board).values_list(
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


def _plan(context: Exporting) -> dict[str, Any]:
    board, people = context.board, context.people
    plan = Plan.objects.filter(board=board).first()
    measures = list(
        Measure.objects.filter(board=board)
        .select_related("owner", "created_by", "updated_by")
        .order_by("created_at", "pk")
    )
    local_ids = {measure.pk: number for number, measure in enumerate(measures, start=1)}
    context.measure_ids = local_ids  # the incidents' measures from lessons refer to them
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


def _risk_acceptances(board: Board, people: People) -> list[dict[str, Any]]:
    acceptances = RiskAcceptance.objects.filter(board=board).select_related(
        "norm__framework_version__framework", "proposed_by", "accepted_by", "withdrawn_by"
    )
    return [
        {
            "norm": norm_ref(acceptance.norm),
            "reason": acceptance.reason,
            "review_date": day(acceptance.review_date),
            "proposed_by": people.name(acceptance.proposed_by),
            "proposed_at": moment(acceptance.proposed_at),
            "accepted_by": people.name(acceptance.accepted_by),
            "accepted_at": moment(acceptance.accepted_at),
            "withdrawn_by": people.name(acceptance.withdrawn_by),
            "withdrawn_at": moment(acceptance.withdrawn_at),
        }
        for acceptance in sorted(
            acceptances,
            key=lambda a: (*norm_ref(a.norm).values(), a.proposed_at or a.accepted_at, a.pk),
        )
    ]


def _annual_reports(context: Exporting) -> list[dict[str, Any]]:
    people = context.people
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
        for report in AnnualReport.objects.filter(board=context.board)
        .select_related("created_by", "updated_by", "approved_by")
        .order_by("year", "version")
    ]


def _audit_trail(context: Exporting) -> dict[str, Any]:
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
        for event in AuditEvent.objects.filter(chain=board_chain(context.board.pk)).order_by(
            "sequence"
        )
    ]
    return {"sha256": trail_digest(events), "events": events}


SECTIONS: tuple[Section, ...] = (
    Section("frameworks", (), _frameworks),
    Section("people", (), lambda context: context.people.listing(), last=True),
    Section("board", (Board,), _board),
    Section(
        "sectors",
        (BoardSector,),
        lambda context: sorted(context.board.sectors.values_list("sector", flat=True)),
    ),
    Section(
        "schools",
        (School,),
        lambda context: [
            {"brin": brin, "name": name}
            for brin, name in context.board.schools.order_by("brin").values_list("brin", "name")
        ],
    ),
    Section("groups", (GroupMembership,), _groups),
    Section("services", (ServiceUse,), _services),
    Section("members", (Membership,), _members),
    Section("invitations", (Invitation,), _invitations),
    Section("evaluations", evaluations_part.MODELS, evaluations_part.export_evaluations),
    Section(
        "plan",
        (Plan, Measure, MeasureNorm, MeasureUpdate, ReminderSent, RiskAcceptance, PlanVersion),
        _plan,
    ),
    # After the plan: an incident names the measures made from its lessons by document id.
    Section("incidents", incidents_part.MODELS, incidents_part.export_incidents),
    Section("submissions", submissions_part.MODELS, submissions_part.export_submissions),
    Section("annual_reports", (AnnualReport,), _annual_reports),
    # Before the files: an issued report's PDF travels among them.
    Section("issued_reports", issued_part.MODELS, issued_part.export_issued),
    Section("files", (), _files),
    Section("audit_trail", (AuditEvent,), _audit_trail),
)

# Board-owned models that are not in the document on purpose, and why (docs/board-export.md).
LEFT_OUT: dict[type[models.Model], str] = {
    SupportNote: (
        "The programme's support team writes these notes about the board for its own work; "
        "they are the programme's record, not the board's, and the board never sees them."
    ),
    Notification: (
        "A person's inbox: each notification follows an event of the audit trail, which the "
        "document carries whole; restoring the trail makes none again, as nobody needs to be "
        "told twice of what happened before the move."
    ),
}
