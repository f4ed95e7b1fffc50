"""Restoring a board from its JSON export into an installation without it (docs/board-export.md).

The whole document is checked first (JSON Schema, then the rules a schema cannot express, then
against this installation: the board is new, the frameworks are installed, every evidence file
matches its SHA-256, the audit trail matches its SHA-256); only then is anything written, in one
transaction. Frozen things (approved evaluations, plan versions, approved annual paragraphs) are
created as they were; the model guards refuse changes, never creation, and timestamps that
Django fills in on creation are put back in the same transaction.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from kompas.accounts.models import User
from kompas.assessments.models import SelfAssessment, evidence_storage
from kompas.audit.models import AuditAction, AuditChain, AuditEvent, board_chain
from kompas.audit.services import audit_record, event_hash
from kompas.boards.models import (
    Board,
    BoardSector,
    Group,
    GroupMembership,
    Invitation,
    Membership,
    School,
)
from kompas.exports import evaluations_part, incidents_part, issued_part, submissions_part
from kompas.exports.board_check import check_board_document, parse_board_file
from kompas.exports.document import (
    BoardFileError,
    Checked,
    EvaluationKey,
    Rows,
    amount_of,
    create_rows,
    date_of,
    day_of,
    evaluation_key,
    map_snapshot_measures,
    moment_of,
    when,
)
from kompas.frameworks.fileformat import Problem
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
from kompas.reports.models import AnnualReport

__all__ = ["BoardFileError", "ImportResult", "board_import", "parse_board_file"]


@dataclass(frozen=True)
class ImportResult:
    board: Board
    created_people: list[str]
    warnings: list[str]
    created_rounds: list[str]


# --- writing --------------------------------------------------------------------------------


def board_import(
    *,
    document: Any,
    filename: str = "document",
    actor: User | None = None,
    actor_email: str = "",
) -> ImportResult:
    """Create the board the document describes; all or nothing, and nothing unless it all checks.

    Recorded on the platform chain, by `actor` (the platform admin's restore page) or under
    `actor_email` (the command).
    """
    context = check_board_document(document, filename=filename)
    stored: list[str] = []
    try:
        with transaction.atomic():
            writer = _Writer(document, context, stored)
            board = writer.write()
            trail = document["audit_trail"]
            _replay_audit_trail(trail, board, writer.people, filename)
            # On the platform chain, so the board's chain is exactly the replayed trail and
            # exporting it again gives the same document.
            audit_record(
                action=AuditAction.CREATE,
                actor=actor,
                actor_email=actor_email,
                obj=board,
                changes={
                    "imported_from": [
                        None,
                        {
                            "file": filename,
                            "bg_number": board.bg_number,
                            "schema_version": context.read_version,
                            "audit_trail_sha256": trail["sha256"],
                            "audit_trail_events": len(trail["events"]),
                            "rounds_created": writer.created_rounds,
                        },
                    ]
                },
            )
    except BaseException as error:
        # The rows are rolled back; the evidence files written so far go with them.
        for name in stored:
            evidence_storage().delete(name)
        if isinstance(error, IntegrityError):
            raise BoardFileError(
                filename, [Problem((), f"the database refused the data: {error}")]
            ) from None
        raise
    return ImportResult(board, writer.created, context.warnings, writer.created_rounds)


class _Writer:
    def __init__(self, document: dict[str, Any], context: Checked, stored: list[str]) -> None:
        self.document = document
        self.context = context
        self.stored = stored
        self.people: dict[str, User] = {}
        self.created: list[str] = []
        self.created_rounds: list[str] = []
        self.evaluations: dict[EvaluationKey, SelfAssessment] = {}

    def person(self, email: str | None) -> User | None:
        return None if email is None else self.people[email.lower()]

    def write(self) -> Board:
        self._people()
        data = self.document["board"]
        board = Board.objects.create(
            name=data["name"],
            bg_number=data["bg_number"],
            pupil_count=data["pupil_count"],
            region=data["region"],
            is_active=data["is_active"],
            contributors_edit=data["contributors_edit"],
        )
        board.created_at = when(data["created_at"])  # type: ignore[assignment]
        Board.objects.filter(pk=board.pk).update(created_at=board.created_at)
        BoardSector.objects.bulk_create(
            BoardSector(board=board, sector=sector) for sector in self.document["sectors"]
        )
        School.objects.bulk_create(
            School(board=board, brin=item["brin"], name=item["name"])
            for item in self.document["schools"]
        )
        self._groups(board)
        self._services(board)
        self._members(board)
        self.evaluations = evaluations_part.EvaluationWriter(
            board=board, context=self.context, person=self.person, stored=self.stored
        ).write(self.document["evaluations"])
        measures = self._plan(board)
        incidents_part.write_incidents(
            items=self.document["incidents"],
            context=self.context,
            board=board,
            person=self.person,
            measures=measures,
        )
        self.created_rounds = submissions_part.write_submissions(
            items=self.document["submissions"],
            context=self.context,
            board=board,
            person=self.person,
            evaluations=self.evaluations,
        )
        self._annual_reports(board)
        issued_part.write_issued(
            items=self.document["issued_reports"],
            context=self.context,
            board=board,
            person=self.person,
            evaluations=self.evaluations,
            stored=self.stored,
        )
        return board

    def _people(self) -> None:
        for person in self.document["people"]:
            email = person["email"].lower()
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                # No usable password: the person signs in through a password reset or SSO.
                user = User.objects.create_user(email, None, full_name=person["full_name"])
                self.created.append(email)
            self.people[email] = user

    def _groups(self, board: Board) -> None:
        rows: Rows = []
        for item in self.document["groups"]:
            # Groups are shared between boards: an existing one is joined as it is.
            group, _created = Group.objects.get_or_create(
                name=item["name"], defaults={"description": item["description"]}
            )
            membership = GroupMembership(
                group=group, board=board, shares_named_results=item["shares_named_results"]
            )
            rows.append((membership, {"joined_at": when(item["joined_at"])}))
        create_rows(GroupMembership, rows)

    def _services(self, board: Board) -> None:
        create_rows(
            ServiceUse,
            [
                (
                    ServiceUse(
                        board=board,
                        service=item["service"],
                        status=item["status"],
                        started_on=day_of(item["started_on"]),
                        ended_on=day_of(item["ended_on"]),
                        note=item["note"],
                        updated_by=self.person(item["updated_by"]),
                        revision=item["revision"],
                    ),
                    {"updated_at": when(item["updated_at"])},
                )
                for item in self.document["services"]
            ],
        )

    def _members(self, board: Board) -> None:
        create_rows(
            Membership,
            [
                (
                    Membership(
                        user=self.person(item["email"]),
                        board=board,
                        role=item["role"],
                        is_active=item["is_active"],
                        ends_on=day_of(item["ends_on"]),
                    ),
                    {"created_at": when(item["created_at"])},
                )
                for item in self.document["members"]
            ],
        )
        create_rows(
            Invitation,
            [
                (
                    Invitation(
                        board=board,
                        email=item["email"],
                        role=item["role"],
                        # A fresh secret nobody holds: links sent by the old installation die.
                        token_hash=hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
                        invited_by=self.person(item["invited_by"]),
                        expires_at=moment_of(item["expires_at"]),
                        accepted_at=when(item["accepted_at"]),
                        accepted_by=self.person(item["accepted_by"]),
                    ),
                    {"created_at": when(item["created_at"])},
                )
                for item in self.document["invitations"]
            ],
        )

    def _plan(self, board: Board) -> dict[int, Measure]:
        """The plan, its measures and versions; returns the measures by document id."""
        data = self.document["plan"]
        if data["deadline"] is not None:
            plan = Plan.objects.create(board=board, deadline=date_of(data["deadline"]))
            Plan.objects.filter(pk=plan.pk).update(updated_at=when(data["updated_at"]))
        measures = create_rows(
            Measure,
            [
                (
                    Measure(
                        board=board,
                        title=item["title"],
                        description=item["description"],
                        owner=self.person(item["owner"]),
                        start_date=day_of(item["start_date"]),
                        due_date=date_of(item["due_date"]),
                        status=item["status"],
                        effort_days=amount_of(item["effort_days"]),
                        cost_euros=amount_of(item["cost_euros"]),
                        priority=item["priority"],
                        completed_at=day_of(item["completed_at"]),
                        revision=item["revision"],
                        created_by=self.person(item["created_by"]),
                        updated_by=self.person(item["updated_by"]),
                        updated_at=when(item["updated_at"]),
                    ),
                    {"created_at": when(item["created_at"])},
                )
                for item in data["measures"]
            ],
        )
        pairs = list(zip(data["measures"], measures, strict=True))
        MeasureNorm.objects.bulk_create(
            MeasureNorm(
                measure=measure,
                norm=self.context.norm(link["norm"]),
                target_level=link["target_level"],
            )
            for item, measure in pairs
            for link in item["norms"]
        )
        create_rows(
            MeasureUpdate,
            [
                (
                    MeasureUpdate(
                        measure=measure,
                        author=self.person(update["author"]),
                        status=update["status"],
                        progress=update["progress"],
                        remark=update["remark"],
                        evidence_url=update["evidence_url"],
                    ),
                    {"created_at": when(update["created_at"])},
                )
                for item, measure in pairs
                for update in item["updates"]
            ],
        )
        create_rows(
            ReminderSent,
            [
                (
                    ReminderSent(
                        measure=measure,
                        kind=reminder["kind"],
                        due_date=date_of(reminder["due_date"]),
                        recipient=reminder["recipient"],
                    ),
                    {"sent_at": when(reminder["sent_at"])},
                )
                for item, measure in pairs
                for reminder in item["reminders"]
            ],
        )
        create_rows(
            RiskAcceptance,
            [
                (
                    RiskAcceptance(
                        board=board,
                        norm=self.context.norm(item["norm"]),
                        reason=item["reason"],
                        review_date=date_of(item["review_date"]),
                        proposed_by=self.person(item["proposed_by"]),
                        proposed_at=when(item["proposed_at"]),
                        accepted_by=self.person(item["accepted_by"]),
                        accepted_at=when(item["accepted_at"]),
                        withdrawn_by=self.person(item["withdrawn_by"]),
                        withdrawn_at=when(item["withdrawn_at"]),
                    ),
                    {},
                )
                for item in data["risk_acceptances"]
            ],
        )
        ids = {item["id"]: measure.pk for item, measure in pairs}
        # Plan versions never change once saved; bulk_create inserts them, it updates nothing.
        create_rows(
            PlanVersion,
            [
                (
                    PlanVersion(
                        board=board,
                        number=item["number"],
                        assessment=(
                            self.evaluations[evaluation_key(item["evaluation"])]
                            if item["evaluation"]
                            else None
                        ),
                        deadline=date_of(item["deadline"]),
                        approved_by=self.person(item["approved_by"]),
                        note=item["note"],
                        snapshot=map_snapshot_measures(
                            item["snapshot"], ids, where=str(item["number"])
                        ),
                    ),
                    {"approved_at": when(item["approved_at"])},
                )
                for item in data["versions"]
            ],
        )
        return {item["id"]: measure for item, measure in pairs}

    def _annual_reports(self, board: Board) -> None:
        create_rows(
            AnnualReport,
            [
                (
                    AnnualReport(
                        board=board,
                        year=item["year"],
                        version=item["version"],
                        status=item["status"],
                        text=item["text"],
                        generated_text=item["generated_text"],
                        revision=item["revision"],
                        created_by=self.person(item["created_by"]),
                        updated_by=self.person(item["updated_by"]),
                        updated_at=when(item["updated_at"]),
                        approved_by=self.person(item["approved_by"]),
                        approved_at=when(item["approved_at"]),
                    ),
                    {"created_at": when(item["created_at"])},
                )
                for item in self.document["annual_reports"]
            ],
        )


def _replay_audit_trail(
    trail: dict[str, Any], board: Board, people: dict[str, User], filename: str
) -> None:
    """The document's events, in order, as the board's chain here.

    Each keeps its sequence, time, actor e-mail, action, object type and description and
    changes; the chain, board id, actor id and hashes are this installation's, so verify_audit
    checks them like any other event. Object ids were the source installation's and stay empty.
    """
    key = board_chain(board.pk)
    head, _created = AuditChain.objects.select_for_update().get_or_create(key=key)
    if head.last_sequence:
        # A new board's chain is empty unless a deleted board's id was given out again.
        raise BoardFileError(
            filename,
            [Problem(("audit_trail",), f"the audit chain {key} here already has events")],
        )
    # Inserted in one go, without save() signals: a restored event happened before the move and
    # notifies nobody again (kompas.notifications listens to new events only).
    events = []
    for item in trail["events"]:
        actor = people.get(item["actor_email"].lower())
        event = AuditEvent(
            chain=key,
            sequence=head.last_sequence + 1,
            created_at=datetime.datetime.fromisoformat(item["created_at"]),
            board_id=board.pk,
            actor_id=actor.pk if actor is not None else None,
            actor_email=item["actor_email"],
            action=item["action"],
            object_type=item["object_type"],
            object_repr=item["object_repr"],
            changes=item["changes"],
            prev_hash=head.last_hash,
        )
        event.hash = event_hash(event)
        events.append(event)
        head.last_sequence, head.last_hash = event.sequence, event.hash
    AuditEvent.objects.bulk_create(events)
    head.save(update_fields=["last_sequence", "last_hash"])
