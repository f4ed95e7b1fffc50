"""The supervisory-board report issued for a meeting: rendered once, kept and served byte for
byte, audited, never changed; bad input and double submits store nothing."""

import datetime
import hashlib
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from kompas.audit.models import AuditAction, AuditEvent
from kompas.boards.access import access_board
from kompas.boards.roles import Action, BoardRole
from kompas.plans.models import PlanVersion
from kompas.reports.issued_services import (
    IssuedReportDamaged,
    issued_report_content,
    report_issue,
)
from kompas.reports.models import IssuedReport, IssuedReportError
from kompas.testing import clock
from kompas.testing.world import COORD, EXEC, SUPERVISOR, ReportWorld

pytestmark = clock.pinned

MEETING = datetime.date(2026, 12, 3)
NAME = "Vergadering raad van toezicht"


@pytest.fixture
def storage(settings, tmp_path):
    """Evidence storage of this test alone, so the files it holds can be counted."""
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


@pytest.fixture
def approved(report_world, storage):
    report_world.approve_2026_with_plan()
    return report_world


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def issue(world: ReportWorld, *, role=COORD, date=MEETING, name=NAME) -> IssuedReport:
    return report_issue(
        access=world.access(role), actor=world.people[role], meeting_date=date, meeting_name=name
    )


def post_issue(client, world, data, role=COORD):
    client.force_login(world.people[role])
    return client.post(reverse("reports:issue", args=[world.board.pk]), data)


def download(client, world, issued, role=SUPERVISOR):
    client.force_login(world.people[role])
    return client.get(reverse("reports:issued_download", args=[world.board.pk, issued.pk]))


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_the_coordinator_issues_the_report_and_it_is_stored_with_its_hash(approved, storage):
    issued = issue(approved)

    name = str(issued.file.name)
    content = (storage / name).read_bytes()
    assert content.startswith(b"%PDF")
    assert issued.size == len(content)
    assert issued.sha256 == hashlib.sha256(content).hexdigest()
    assert name.startswith("issued-reports/2026/11/")
    assert stored_files(storage) == [storage / name]
    reader = PdfReader(io.BytesIO(content))
    assert issued.pages == len(reader.pages)
    assert 2 <= issued.pages <= 4
    root: Any = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    text = text_of(content)
    assert f"{NAME}, 3 december 2026" in text
    assert "2 november 2026" in text  # drawn up and issued on the pinned day
    stored = IssuedReport.objects.get()
    assert stored.assessment == approved.assessment
    assert stored.plan_version == PlanVersion.objects.get(board=approved.board, number=1)
    assert (stored.meeting_date, stored.meeting_name) == (MEETING, NAME)
    assert stored.issued_by == approved.people[COORD]
    assert stored.drawn_up_on == clock.TODAY
    assert stored.issued_at == clock.NOW
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="reports.issuedreport")
    assert event.chain == f"board:{approved.board.pk}"
    assert event.board_id == approved.board.pk
    assert event.actor_id == approved.people[COORD].pk
    assert event.changes["sha256"] == [None, issued.sha256]
    assert event.changes["meeting_date"] == [None, "2026-12-03"]
    assert event.changes["meeting_name"] == [None, NAME]
    assert event.changes["plan_version"] == [None, 1]


def test_the_supervisor_downloads_exactly_the_stored_bytes(client, approved, storage):
    issued = issue(approved)

    response = download(client, approved, issued)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="rapportage-toezicht-41001-2026-12-03-'
        'vergadering-raad-van-toezicht.pdf"'
    )
    assert response.content == (storage / issued.file.name).read_bytes()
    assert hashlib.sha256(response.content).hexdigest() == issued.sha256
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("pk")
    assert (event.object_type, event.object_id) == ("reports.issuedreport", str(issued.pk))
    assert event.actor_id == approved.people[SUPERVISOR].pk


def test_a_later_change_to_the_boards_data_leaves_the_issued_report_as_it_was(
    client, approved, storage
):
    issued = issue(approved)
    before = download(client, approved, issued).content

    approved.board.name = "Stichting A Nieuw"
    approved.board.save()
    later = approved.start("2027", previous=approved.assessment)
    approved.set_levels(later, {"GO.01": 5, "GO.02": 5, "BC.03": 5, "BV.01": 5})
    approved.approve(later)

    after = download(client, approved, issued).content
    assert after == before
    assert hashlib.sha256(after).hexdigest() == issued.sha256
    assert "Stichting A Nieuw" not in text_of(after)
    # The preview, drawn up on the fly, does follow the data.
    client.force_login(approved.people[SUPERVISOR])
    preview = client.get(reverse("reports:supervisory_pdf", args=[approved.board.pk]))
    assert "Stichting A Nieuw" in text_of(preview.content)
    assert "2027" in text_of(preview.content)


def test_an_issued_report_can_be_neither_changed_nor_deleted(approved):
    issued = issue(approved)

    issued.meeting_name = "Iets anders"
    with pytest.raises(IssuedReportError):
        issued.save()
    with pytest.raises(IssuedReportError):
        issued.delete()
    with pytest.raises(IssuedReportError):
        IssuedReport.objects.filter(pk=issued.pk).update(meeting_name="Iets anders")
    with pytest.raises(IssuedReportError):
        IssuedReport.objects.filter(pk=issued.pk).delete()
    assert IssuedReport.objects.get().meeting_name == NAME


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"meeting_name": NAME}, "meeting_date", "Give the date of the meeting."),
        (
            {"meeting_date": "de derde", "meeting_name": NAME},
            "meeting_date",
            "Give the date of the meeting as a date, e.g. 3-12-2026.",
        ),
        (
            {"meeting_date": "2026-02-30", "meeting_name": NAME},
            "meeting_date",
            "Give the date of the meeting as a date, e.g. 3-12-2026.",
        ),
        (
            {"meeting_date": "2062-12-03", "meeting_name": NAME},
            "meeting_date",
            (
                "Give a meeting date within a year of today: the report is drawn up from "
                "today&#x27;s data."
            ),
        ),
        ({"meeting_date": "2026-12-03"}, "meeting_name", "Give the name of the meeting."),
        (
            {"meeting_date": "2026-12-03", "meeting_name": " \t "},
            "meeting_name",
            "Give the name of the meeting.",
        ),
        (
            {"meeting_date": "2026-12-03", "meeting_name": "V" * 151},
            "meeting_name",
            "Keep the name of the meeting to 150 characters; this one has 151.",
        ),
        (
            {"meeting_date": "2026-12-03", "meeting_name": "Vergadering\x00RvT"},
            "meeting_name",
            "invisible character that is not allowed: U+0000 (NUL) at position 12.",
        ),
        (
            {"meeting_date": "2026-12-03", "meeting_name": "Vergadering\x1b[31mRvT"},
            "meeting_name",
            "invisible character that is not allowed: U+001B (ESC) at position 12.",
        ),
    ],
)
@pytest.mark.usefixtures("english")
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_stored(
    client, approved, storage, *, data, field, message
):
    response = post_issue(client, approved, data)

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert message in response.text
    assert not IssuedReport.objects.exists()
    assert stored_files(storage) == []
    assert not AuditEvent.objects.filter(object_type="reports.issuedreport").exists()


def test_the_form_issues_in_dutch_and_says_so(client, approved):
    response = post_issue(client, approved, {"meeting_date": "2026-12-03", "meeting_name": NAME})

    assert response.status_code == 302
    assert response["Location"] == reverse("reports:issued_list", args=[approved.board.pk])
    page = client.get(response["Location"])
    assert "3 december 2026" in page.text
    assert NAME in page.text
    assert IssuedReport.objects.get().sha256 in page.text


def test_a_double_submit_for_the_same_meeting_keeps_one_report(client, approved, storage, english):
    first = post_issue(client, approved, {"meeting_date": "2026-12-03", "meeting_name": NAME})
    again = post_issue(
        client,
        approved,
        {"meeting_date": "2026-12-03", "meeting_name": "  vergadering RAAD van  toezicht "},
    )

    assert first.status_code == 302
    assert again.status_code == 400
    assert (
        "A report was already issued for vergadering RAAD van toezicht on Dec. 3, 2026."
        in again.text
    )
    issued = IssuedReport.objects.get()
    assert stored_files(storage) == [storage / issued.file.name]
    assert AuditEvent.objects.filter(object_type="reports.issuedreport").count() == 1
    # Another meeting, or the same name on another date, is another report.
    issue(approved, name="Vergadering auditcommissie")
    issue(approved, date=MEETING + datetime.timedelta(days=91))
    assert IssuedReport.objects.count() == 3


def test_the_database_refuses_a_second_report_for_the_same_meeting(approved):
    issued = issue(approved)
    twin = IssuedReport(
        board=approved.board,
        meeting_date=issued.meeting_date,
        meeting_name=issued.meeting_name.upper(),
        file="issued-reports/twin.pdf",
        size=1,
        sha256="0" * 64,
        pages=1,
        assessment=issued.assessment,
        drawn_up_on=issued.drawn_up_on,
        issued_by=issued.issued_by,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_without_an_approved_evaluation_there_is_nothing_to_issue(report_world, storage, english):
    with pytest.raises(ValidationError, match="no approved self-evaluation yet"):
        issue(report_world)

    assert not IssuedReport.objects.exists()
    assert stored_files(storage) == []


@pytest.mark.parametrize("role", [EXEC, BoardRole.CONTRIBUTOR, SUPERVISOR, BoardRole.AUDITOR])
def test_only_the_coordinator_issues(approved, role):
    with pytest.raises(PermissionDenied):
        issue(approved, role=role)

    assert not IssuedReport.objects.exists()


def test_every_reader_of_the_reports_sees_the_list_and_only_the_coordinator_the_form(
    client, approved
):
    issued = issue(approved)
    link = reverse("reports:issued_download", args=[approved.board.pk, issued.pk])

    for role in BoardRole.values:
        client.force_login(approved.people[role])
        page = client.get(reverse("reports:issued_list", args=[approved.board.pk]))
        assert page.status_code == 200, role
        assert link in page.text, role
        has_form = reverse("reports:issue", args=[approved.board.pk]) in page.text
        assert has_form == (role == COORD), role


def test_another_boards_issued_report_answers_404(client, approved):
    issued = issue(approved)
    outsider = approved.outsiders[SUPERVISOR]
    client.force_login(outsider)

    mine = reverse("reports:issued_download", args=[approved.outsider.pk, issued.pk])
    theirs = reverse("reports:issued_download", args=[approved.board.pk, issued.pk])
    assert client.get(mine).status_code == 404
    assert client.get(theirs).status_code == 404


def test_a_damaged_file_is_not_served_as_the_issued_report(client, approved, storage, english):
    issued = issue(approved)
    (storage / issued.file.name).write_bytes(b"%PDF-1.7 something else")

    response = download(client, approved, issued)

    assert response.status_code == 500
    assert "no longer matches its SHA-256 fingerprint" in response.text
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    with pytest.raises(IssuedReportDamaged, match="no longer matches"):
        issued_report_content(
            access=access_board(
                user=approved.people[SUPERVISOR],
                board_id=approved.board.pk,
                action=Action.VIEW_REPORTS,
            ),
            actor=approved.people[SUPERVISOR],
            issued=issued,
        )


def test_the_list_takes_the_same_queries_for_one_report_as_for_many(
    client, approved, django_assert_num_queries
):
    issue(approved)
    client.force_login(approved.people[SUPERVISOR])
    url = reverse("reports:issued_list", args=[approved.board.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for days in (7, 14, 21):
        issue(approved, date=MEETING + datetime.timedelta(days=days))

    # Session, user, memberships (access layer and page header), the issued reports, and the
    # header's count of unread notifications.
    with django_assert_num_queries(6):
        response = client.get(url)

    assert len(one) == 6
    assert response.text.count("download.pdf") == 4
