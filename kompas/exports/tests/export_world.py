"""The export tests' world: a board with data of every kind the board document carries.

Built on the one test world (`PlanWorld`) with the services that make the data in the product;
hostile text is put into the text fields afterwards, straight into the rows, because the
export must carry whatever a field holds, including what the forms would refuse today.
"""

import copy
import datetime
import hashlib
from collections import deque

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone

from kompas.accounts.models import User
from kompas.assessments.evidence import evidence_add_file, evidence_add_link, evidence_remove
from kompas.assessments.models import Evidence, NormScore, SelfAssessment
from kompas.assessments.services import assessment_approve, assessment_reopen, assessment_submit
from kompas.audit.models import AuditEvent
from kompas.boards.models import (
    Board,
    BoardSector,
    Group,
    Membership,
    School,
    SectorAssignment,
)
from kompas.boards.roles import BoardRole, SectorRole
from kompas.boards.services import group_join, invitation_create
from kompas.exports.board_export import SECTIONS, dump_board_document
from kompas.exports.board_import import BoardFileError, board_import
from kompas.incidents.models import Incident, IncidentMeasure
from kompas.incidents.services import (
    DecisionData,
    IncidentData,
    ReportData,
    incident_decide,
    incident_report,
    incident_update,
    lesson_to_measure,
)
from kompas.monitoring.models import Consent, MonitoringRound, ServiceUse, Submission
from kompas.monitoring.services import (
    consent_withdraw,
    round_open,
    service_use_save,
    submission_create,
)
from kompas.plans.models import Measure, PlanVersion, ReminderSent
from kompas.plans.services import (
    measure_progress,
    plan_approve,
    plan_set_deadline,
    risk_accept,
    risk_propose,
)
from kompas.reports.models import AnnualReport, AnnualReportStatus, IssuedReport
from kompas.testing.people import UserFactory
from kompas.testing.world import PlanWorld

COORD, EXEC = BoardRole.COORDINATOR, BoardRole.EXECUTIVE
PRIVACY, CONTRIB = BoardRole.PRIVACY_OFFICER, BoardRole.CONTRIBUTOR
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# Everything a text field must carry through untouched: markup, a spreadsheet formula, quotes
# and backslashes, control characters, a line and paragraph separator, right-to-left marks and
# script, emoji with a joiner. Not NUL: PostgreSQL text cannot hold it.
HOSTILE = (
    "=1+1 <script>alert('x')</script> &amp; {{ x }} %s \"q\" \\ tab\there\r\nline "
    "\x01\x07\x1b\x7f\x85 \u2028\u2029 \u202e\u05e9\u05dc\u05d5\u05dd\u200f 🙂👩\u200d💻"
)
HOUR, DAY = datetime.timedelta(hours=1), datetime.timedelta(days=1)


class ExportWorld(PlanWorld):
    """A board with something in every section, and hostile text in every text field."""

    def __init__(self):
        super().__init__()
        coordinator, executive = self.people[COORD], self.people[EXEC]
        Board.objects.filter(pk=self.board.pk).update(name=f"Stichting {HOSTILE}", region="UT")
        self.board.refresh_from_db()
        BoardSector.objects.create(board=self.board, sector="PO")
        BoardSector.objects.create(board=self.board, sector="SO")
        School.objects.create(board=self.board, brin="12AB", name=HOSTILE)
        User.objects.filter(pk=coordinator.pk).update(full_name=HOSTILE)
        coordinator.refresh_from_db()
        Membership.objects.filter(board=self.board, role=BoardRole.AUDITOR).update(
            ends_on=datetime.date(2027, 7, 31)
        )
        group = Group.objects.create(name=f"Regio {HOSTILE}", description=HOSTILE)
        group_join(actor=coordinator, board=self.board, group=group, shares_named_results=True)
        invitation_create(
            actor=coordinator, board=self.board, email="nieuw@a.example.nl", role="contributor"
        )
        for service, status, since, until in (
            ("school_cert", "in_use", datetime.date(2024, 9, 2), None),
            ("joint_procurement", "stopped", datetime.date(2023, 1, 9), datetime.date(2025, 7, 1)),
        ):
            service_use_save(
                access=self.access(COORD),
                actor=coordinator,
                service=service,
                status=status,
                started_on=since,
                ended_on=until,
                note=HOSTILE,
                revision=0,
            )

        # The draft evaluation: every norm assessed, with text and evidence.
        NormScore.objects.filter(assessment=self.assessment).update(explanation=HOSTILE)
        NormScore.objects.filter(assessment=self.assessment, norm__code="BV.01").update(level=2)
        NormScore.objects.filter(assessment=self.assessment, norm__code="GO.02").update(
            not_applicable=True, not_applicable_reason=HOSTILE, assignee=coordinator
        )
        access = self.access(COORD)
        self.file = evidence_add_file(
            access=access,
            actor=coordinator,
            score=self.score("GO.01"),
            upload=SimpleUploadedFile("beleid.pdf", PDF),
        )
        link = evidence_add_link(
            access=access, actor=coordinator, score=self.score("GO.01"), url="https://a.nl/x?y=<z>"
        )
        removed = evidence_add_file(
            access=access,
            actor=coordinator,
            score=self.score("BC.03"),
            upload=SimpleUploadedFile("oud.pdf", PDF + b"% old\n"),
        )
        evidence_remove(access=access, actor=coordinator, evidence=removed)
        Evidence.objects.filter(pk=self.file.pk).update(original_name=f"{HOSTILE}.pdf")
        Evidence.objects.filter(pk=link.pk).update(title=HOSTILE)

        # The plan: measures with progress, a risk acceptance, an approved version.
        plan_set_deadline(access=access, actor=coordinator, deadline=datetime.date(2029, 12, 31))
        first = self.measure(
            "GO.01",
            title=HOSTILE,
            description=HOSTILE,
            start_date=datetime.date(2026, 2, 1),
            effort_days="2.5",
            cost_euros="1500.00",
            priority="high",
        )
        self.measure("BC.03", "GO.01", level=4, due=datetime.date(2029, 3, 31))
        measure_progress(
            access=access,
            actor=coordinator,
            measure=first,
            status="in_progress",
            remark=HOSTILE,
            progress=40,
            evidence_url="https://a.nl/voortgang",
        )
        ReminderSent.objects.create(
            measure=first,
            kind="due_soon",
            due_date=first.due_date,
            recipient=coordinator.email,
        )
        # Proposed by the coordinator first, then accepted: both steps are in the export.
        risk_propose(
            access=access,
            actor=coordinator,
            norm=self.norm("BV.01"),
            reason="Voorstel",
            review_date=timezone.localdate() + datetime.timedelta(days=60),
        )
        risk_accept(
            access=self.access(EXEC),
            actor=executive,
            norm=self.norm("BV.01"),
            reason=HOSTILE,
            review_date=timezone.localdate() + datetime.timedelta(days=90),
        )
        assessment_submit(access=access, actor=coordinator, assessment=self.assessment)
        assessment_approve(access=self.access(EXEC), actor=executive, assessment=self.assessment)
        self.plan_version = plan_approve(access=self.access(EXEC), actor=executive, note=HOSTILE)
        self.reopened = assessment_reopen(
            access=self.access(EXEC), actor=executive, assessment=self.assessment, reason=HOSTILE
        )

        # A supervisory-board report issued for a meeting (bytes written for the test; the real
        # rendering is tested in kompas/reports).
        pdf = b"%PDF-1.7\n% issued for the test\n%%EOF\n"
        issued = IssuedReport(
            board=self.board,
            meeting_date=datetime.date(2026, 10, 12),
            meeting_name=HOSTILE.replace("\n", " ")[:150] or "RvT",
            size=len(pdf),
            sha256=hashlib.sha256(pdf).hexdigest(),
            pages=2,
            assessment=self.assessment,
            plan_version=self.plan_version,
            drawn_up_on=datetime.date(2026, 10, 1),
            issued_by=coordinator,
        )
        issued.file.save("report.pdf", ContentFile(pdf), save=False)
        issued.save()

        # Annual-report paragraphs: an approved one and a draft.
        AnnualReport.objects.create(
            board=self.board,
            year=2025,
            text=HOSTILE,
            generated_text="Gegenereerd.",
            status=AnnualReportStatus.APPROVED,
            created_by=coordinator,
            approved_by=executive,
            approved_at=timezone.now(),
        )
        AnnualReport.objects.create(
            board=self.board,
            year=2026,
            text=HOSTILE,
            generated_text=HOSTILE,
            created_by=coordinator,
        )
        self.breach, self.security = self._incidents()
        self.round, self.submission = self._submission()

    def _incidents(self) -> tuple[Incident, Incident]:
        """A breach notified late, its lesson made a measure; a security incident, closed."""
        now = timezone.now()
        breach = incident_report(
            access=self.access(CONTRIB),
            actor=self.people[CONTRIB],
            data=ReportData(
                kind="breach",
                title="Laptop met leerlinggegevens gestolen",
                occurred_at=now - 6 * DAY,
                became_aware_at=now - 5 * DAY,
                description="Uit de auto van een leerkracht is een schoollaptop gestolen.",
                data_kinds=("contact", "pupil_records"),
                subjects={"pupils": 30, "staff": 2},
                consequences="",
                measures_taken="",
            ),
        )
        breach = incident_update(
            access=self.access(PRIVACY),
            actor=self.people[PRIVACY],
            incident=breach,
            revision=breach.revision,
            data=IncidentData(
                kind="breach",
                title=breach.title,
                occurred_at=breach.occurred_at,
                became_aware_at=breach.became_aware_at,
                description=breach.description,
                data_kinds=("contact", "pupil_records"),
                subjects={"pupils": 30, "staff": 2},
                consequences="Onbevoegden kunnen cijfers inzien.",
                measures_taken="Laptop op afstand gewist.",
                risk="high_risk",
                subjects_informed="informed",
                subjects_informed_on=timezone.localdate() - datetime.timedelta(days=2),
                subjects_not_informed_reason="",
                school_cert_involved=True,
                school_cert_reference="SC-2026-17",
                status="open",
                lessons="Laptops voortaan versleutelen.",
                norm_ids=(self.norm("GO.01").pk, self.norm("BC.03").pk),
            ),
        )
        breach = incident_decide(
            access=self.access(PRIVACY),
            actor=self.people[PRIVACY],
            incident=breach,
            revision=breach.revision,
            data=DecisionData(
                decision="notified",
                notified_at=now - 1 * DAY,
                reference="M-2026-0042",
                not_notified_reason="",
                delay_reason="De melder was met vakantie.",
            ),
        )
        lesson_to_measure(access=self.access(COORD), actor=self.people[COORD], incident=breach)
        security = incident_report(
            access=self.access(COORD),
            actor=self.people[COORD],
            data=ReportData(
                kind="security",
                title="Phishingmail aan alle medewerkers",
                occurred_at=None,
                became_aware_at=now - 2 * DAY,
                description="Een mail vroeg medewerkers hun wachtwoord in te vullen.",
                data_kinds=(),
                subjects={},
                consequences="",
                measures_taken="",
            ),
        )
        Incident.objects.filter(pk=security.pk).update(status="closed", risk="no_risk")
        # Free text as the register could hold it, whatever the forms check today.
        Incident.objects.filter(pk=breach.pk).update(
            title=HOSTILE, description=HOSTILE, lessons=HOSTILE, delay_reason=HOSTILE
        )
        IncidentMeasure.objects.filter(incident=breach).update(lesson=HOSTILE)
        return breach, security

    def _submission(self) -> tuple[MonitoringRound, Submission]:
        """The approved evaluation submitted to an open round; one of two consents withdrawn."""
        analyst = UserFactory.create(email="analist@dvo.example.nl")
        SectorAssignment.objects.create(user=analyst, role=SectorRole.PROGRAMME_ANALYST)
        round_ = round_open(
            actor=analyst,
            name="Meetronde 2026",
            framework_version=self.version,
            period="2026",
            sectors=["PO", "VO"],
        )
        executive = self.people[EXEC]
        self.assessment.refresh_from_db()
        submission = submission_create(
            access=self.access(EXEC),
            actor=executive,
            round_=round_,
            assessment=self.assessment,
            share_with={"support", "region"},
        )
        consent_withdraw(
            access=self.access(EXEC),
            actor=executive,
            consent=submission.consents.get(audience="region"),
        )
        return round_, submission


def text_of(document):
    return dump_board_document(document)


def as_new_board(document, bg_number="42999"):
    """The same document for a board this installation does not have yet."""
    moved = copy.deepcopy(document)
    moved["board"]["bg_number"] = bg_number
    moved["schools"] = [{**school, "brin": "99ZZ"} for school in moved["schools"]]
    return moved


def counts():
    """Rows of the tables an import writes to, to show that a refused one wrote nothing."""
    return {
        model.__name__: model.objects.count()
        for model in (
            Board,
            User,
            Group,
            Membership,
            SelfAssessment,
            NormScore,
            Evidence,
            Measure,
            PlanVersion,
            AnnualReport,
            ServiceUse,
            Incident,
            IncidentMeasure,
            MonitoringRound,
            Submission,
            Consent,
            AuditEvent,
        )
    }


def stored_files(settings):
    root = settings.EVIDENCE_ROOT
    return sorted(str(path) for path in root.rglob("*") if path.is_file()) if root.exists() else []


def refusal(document):
    with pytest.raises(BoardFileError) as caught:
        board_import(document=document, filename="board.json", actor_email="test")
    return caught.value


# --- what a board owns --------------------------------------------------------------------


def board_lookup(model: type[models.Model]) -> str | None:
    """How rows of `model` find their board: the shortest path of foreign keys up its parent
    chain ("board", "submission__board"), "board_id" for a plain board key (the audit trail's),
    "pk" for the board itself; None for a model that belongs to no board."""
    if model is Board:
        return "pk"
    if any(field.name == "board_id" for field in model._meta.concrete_fields):
        return "board_id"
    queue: deque[tuple[type[models.Model], str]] = deque([(model, "")])
    seen = {model}
    while queue:
        current, prefix = queue.popleft()
        for field in current._meta.concrete_fields:
            target = field.related_model if field.many_to_one or field.one_to_one else None
            if not isinstance(target, type) or target in seen:
                continue
            if target is Board:
                return f"{prefix}{field.name}"
            seen.add(target)
            queue.append((target, f"{prefix}{field.name}__"))
    return None


def board_owned_models() -> list[type[models.Model]]:
    """Every installed model with a board key, directly or through its parents."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if board_lookup(model) is not None
    ]


def exported_rows(board: Board) -> dict[str, int]:
    """Per model the board document carries (its registry), the board's rows of it."""
    result = {}
    for section in SECTIONS:
        for model in section.models:
            lookup = board_lookup(model)
            assert lookup is not None, f"{model._meta.label} is exported but owns no board"
            value = board.pk if lookup in ("pk", "board_id") else board
            result[model._meta.label] = (
                model._default_manager.filter(**{lookup: value}).distinct().count()
            )
    return result
