"""The annual-report paragraph: its text from the data, its life cycle, its pages and exports."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.translation import gettext, ngettext
from docx import Document

from kompas.assessments.models import AssessmentStatus, NormScore
from kompas.assessments.selectors import scores_of, summary
from kompas.assessments.services import assessment_approve, assessment_start, assessment_submit
from kompas.audit.models import AuditAction, AuditEvent
from kompas.boards.models import Board
from kompas.boards.roles import BoardRole
from kompas.plans.models import Measure
from kompas.plans.selectors import plan_check
from kompas.plans.services import plan_approve, risk_accept
from kompas.reports import annual
from kompas.reports.annual import IncidentFigures, annual_text
from kompas.reports.annual_services import (
    AnnualReportConflict,
    annual_report_approve,
    annual_report_draft,
    annual_report_new_version,
    annual_report_update,
)
from kompas.reports.models import AnnualReport, AnnualReportStatus, ApprovedError
from kompas.testing.world import PlanWorld

COORD, EXEC = BoardRole.COORDINATOR, BoardRole.EXECUTIVE
TODAY = datetime.date(2026, 11, 1)
# (No NUL: PostgreSQL cannot store it at all; the service drops it, tested below.)
NASTY = "<script>alert(1)</script>\n=1+1\n+31 6 12345678\n@SUM(A1)\ttab\nbel\x07l\x1b[31m\x7f"
# What comes out of NASTY: literally the same, without the control characters (tab and line
# breaks are kept).
NASTY_OUT = "<script>alert(1)</script>\n=1+1\n+31 6 12345678\n@SUM(A1)\ttab\nbell[31m"


def nl(singular, plural=None, number=None, **values):
    """A sentence as the generator renders it in Dutch (English until it is translated)."""
    with translation.override("nl"):
        text = gettext(singular) if plural is None else ngettext(singular, plural, number)
        return text % values if values else text


class AnnualWorld(PlanWorld):
    """The plan world (gaps GO.01, BC.03, BV.01) with a measure for GO.01 done in 2026 and an
    accepted risk for BC.03, which leaves BV.01 open."""

    def __init__(self):
        super().__init__()
        self.done = self.measure("GO.01", status="done")
        Measure.objects.filter(pk=self.done.pk).update(completed_at=datetime.date(2026, 5, 4))
        risk_accept(
            access=self.access(EXEC),
            actor=self.people[EXEC],
            norm=self.norm("BC.03"),
            reason="Eerst de basis.",
            review_date=self.later(400),
        )

    def draft(self, year=2026):
        return annual_report_draft(
            access=self.access(COORD), actor=self.people[COORD], year=year, today=TODAY
        )

    def approve(self, report):
        return annual_report_approve(
            access=self.access(EXEC), actor=self.people[EXEC], report=report
        )


@pytest.fixture
def world(db):
    return AnnualWorld()


# --- The generated text ----------------------------------------------------------------------


def test_the_text_has_the_figures_of_the_summary_and_the_plan_check(world):
    figures = summary(scores=scores_of(assessment=world.assessment))
    check = plan_check(board=world.board)

    text = annual_text(board=world.board, year=2026, today=TODAY)

    assert (figures.assessed, figures.total, figures.completeness_percent) == (3, 4, 75)
    assert (
        nl(
            "%(assessed)d of the %(total)d norm has been assessed (%(percent)d%%).",
            "%(assessed)d of the %(total)d norms have been assessed (%(percent)d%%).",
            4,
            assessed=3,
            total=4,
            percent=75,
        )
        in text
    )
    assert (figures.at_or_above_target, figures.applicable) == (1, 4)
    assert (
        nl(
            "%(count)d of the %(applicable)d applicable norms is at or above its target level "
            "(%(percent)d%%).",
            "%(count)d of the %(applicable)d applicable norms are at or above their target "
            "level (%(percent)d%%).",
            1,
            count=1,
            applicable=4,
            percent=25,
        )
        in text
    )
    security, privacy = figures.parts
    assert security.mean == Decimal("2.0")
    assert (
        nl(
            "The mean level for %(part)s is %(mean)s.",
            part=security.name,
            mean=number_format(security.mean),
        )
        in text
    )
    assert nl("No norm of %(part)s has a level yet.", part=privacy.name) in text
    assert (len(check.gaps), len(check.covered), len(check.accepted), len(check.open)) == (
        3,
        1,
        1,
        1,
    )
    with translation.override("nl"):
        today = date_format(TODAY)
    assert (
        nl(
            "On %(date)s, %(count)d applicable norm is below its target level.",
            "On %(date)s, %(count)d applicable norms are below their target level.",
            3,
            date=today,
            count=3,
        )
        in text
    )
    assert (
        nl(
            "The improvement plan has a measure for %(count)d of them.",
            "The improvement plan has measures for %(count)d of them.",
            1,
            count=1,
        )
        in text
    )
    assert (
        nl(
            "For %(count)d norm the executive has accepted the risk for the time being.",
            "For %(count)d norms the executive has accepted the risk for the time being.",
            1,
            count=1,
        )
        in text
    )
    assert (
        nl(
            "%(count)d norm has no measure and no accepted risk yet.",
            "%(count)d norms have no measure and no accepted risk yet.",
            1,
            count=1,
        )
        in text
    )
    assert (
        nl(
            "In %(year)d the board completed %(count)d improvement measure.",
            "In %(year)d the board completed %(count)d improvement measures.",
            1,
            year=2026,
            count=1,
        )
        in text
    )
    assert nl("The self-evaluation is still a draft and has not been approved yet.") in text
    assert 3 <= len(text.split("\n\n")) <= 6


def test_the_text_says_the_plan_is_approved_and_meets_the_2027_milestone(world):
    world.measure("BV.01")
    world.assessment.scores.filter(norm__code="BV.01").update(level=1)
    # GO.01's measure is done; the evaluation about to be approved must show that it worked,
    # or the done measure stops covering it (docs/plan.md).
    world.assessment.scores.filter(norm__code="GO.01").update(level=3)
    assessment_submit(
        access=world.access(COORD), actor=world.people[COORD], assessment=world.assessment
    )
    assessment_approve(
        access=world.access(EXEC), actor=world.people[EXEC], assessment=world.assessment
    )
    version = plan_approve(access=world.access(EXEC), actor=world.people[EXEC])

    text = annual_text(board=world.board, year=2026, today=TODAY)

    with translation.override("nl"):
        approved_on = date_format(timezone.localdate(version.approved_at))
    assert (
        nl(
            "The board has an approved plan for its %(count)d norm below target and so meets "
            "the 2027 milestone.",
            "The board has an approved plan covering all %(count)d norms below target and so "
            "meets the 2027 milestone.",
            2,
            count=2,
        )
        in text
    )
    assert nl("The executive approved the plan on %(date)s.", date=approved_on) in text
    assert nl("The executive approved this self-evaluation on %(date)s.", date=approved_on) in text


def test_the_text_compares_with_the_previous_period(world):
    earlier = assessment_start(
        access=world.access(COORD),
        actor=world.people[COORD],
        framework_version=world.version,
        period="2025",
    )
    for code, level in {"GO.01": 1, "GO.02": 2, "BC.03": 3}.items():
        NormScore.objects.filter(assessment=earlier, norm__code=code).update(level=level)
    # Only what stood before is compared with: a 2025 draft is not.
    assert "2025" not in annual_text(board=world.board, year=2026, today=TODAY)
    earlier.status = AssessmentStatus.APPROVED
    earlier.save()

    text = annual_text(board=world.board, year=2026, today=TODAY)

    assert (
        nl(
            "Compared with the self-evaluation %(period)s, the level rose for %(count)d norm.",
            "Compared with the self-evaluation %(period)s, the level rose for %(count)d norms.",
            1,
            period="2025",
            count=1,
        )
        in text
    )
    assert (
        nl("The level fell for %(count)d norm.", "The level fell for %(count)d norms.", 1, count=1)
        in text
    )
    assert (
        nl(
            "Then %(count)d norm was at or above its target level.",
            "Then %(count)d norms were at or above their target level.",
            1,
            count=1,
        )
        in text
    )


def test_without_an_evaluation_the_text_says_so(db):
    board = Board.objects.create(name="Stichting Leeg", bg_number="41999")

    text = annual_text(board=board, year=2025, today=TODAY)

    assert (
        nl(
            "In %(year)d, %(board)s did not record a self-evaluation in IBP-Kompas.",
            year=2025,
            board="Stichting Leeg",
        )
        in text
    )
    assert (
        nl(
            "There is no self-evaluation yet to base an improvement plan on, so the board "
            "does not yet meet the 2027 milestone."
        )
        in text
    )
    assert len(text.split("\n\n")) == 3


def test_the_text_is_dutch_whatever_the_interface_language(world):
    with translation.override("en"):
        text = annual_text(board=world.board, year=2026, today=TODAY)

    assert "1 november 2026" in text
    assert "31 december 2030" in text


def test_incident_figures_are_left_out_until_the_register_gives_them(world, monkeypatch):
    sentence = nl(
        "In %(year)d the board registered %(count)d security incident or data breach.",
        "In %(year)d the board registered %(count)d security incidents and data breaches.",
        5,
        year=2026,
        count=5,
    )
    assert sentence not in annual_text(board=world.board, year=2026, today=TODAY)

    # How the incident register plugs in: the hook answers with the year's figures.
    monkeypatch.setattr(
        annual,
        "incident_figures",
        lambda *, board, year: IncidentFigures(registered=5, breaches=2, notified=1),
    )
    text = annual_text(board=world.board, year=2026, today=TODAY)

    assert text.split("\n\n")[-1].startswith(sentence)
    assert (
        nl(
            "%(count)d breach was notified to the Dutch Data Protection Authority.",
            "%(count)d breaches were notified to the Dutch Data Protection Authority.",
            1,
            count=1,
        )
        in text
    )


# --- Services --------------------------------------------------------------------------------


def test_a_draft_starts_as_the_generated_text_and_is_recorded(world):
    report = world.draft()

    assert (report.year, report.version, report.status) == (2026, 1, AnnualReportStatus.DRAFT)
    assert (
        report.text
        == report.generated_text
        == annual_text(board=world.board, year=2026, today=TODAY)
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="reports.annualreport", object_id=str(report.pk)
    ).exists()


def test_a_year_outside_the_reporting_years_is_refused(world):
    with pytest.raises(ValidationError):
        world.draft(year=2023)
    with pytest.raises(ValidationError):
        world.draft(year=2027)
    assert not AnnualReport.objects.exists()


def test_regenerating_keeps_the_persons_text(world):
    report = world.draft()
    annual_report_update(
        access=world.access(COORD),
        actor=world.people[COORD],
        report=report,
        revision=report.revision,
        text="Onze eigen tekst.",
    )
    world.measure("BV.01")

    regenerated = world.draft()

    assert regenerated.pk == report.pk
    assert regenerated.text == "Onze eigen tekst."
    assert regenerated.generated_text == annual_text(board=world.board, year=2026, today=TODAY)
    assert regenerated.generated_text != report.generated_text


def test_regenerating_an_unedited_text_updates_it_too(world):
    report = world.draft()
    world.measure("BV.01")

    regenerated = world.draft()

    assert regenerated.text == regenerated.generated_text != report.generated_text


def test_a_stale_revision_conflicts_and_overwrites_nothing(world):
    report = world.draft()
    coordinator, contributor = world.people[COORD], world.people[BoardRole.CONTRIBUTOR]
    annual_report_update(
        access=world.access(COORD), actor=coordinator, report=report, revision=0, text="Eerste."
    )

    with pytest.raises(AnnualReportConflict) as clash:
        annual_report_update(
            access=world.access(BoardRole.CONTRIBUTOR),
            actor=contributor,
            report=report,
            revision=0,
            text="Tweede.",
        )

    assert clash.value.current.text == "Eerste."
    report.refresh_from_db()
    assert (report.text, report.revision) == ("Eerste.", 1)


def test_saving_drops_control_characters_and_refuses_an_empty_text(world):
    report = world.draft()
    saved = annual_report_update(
        access=world.access(COORD),
        actor=world.people[COORD],
        report=report,
        revision=0,
        text=NASTY.replace("\n", "\r\n") + "\x00",
    )
    assert saved.text == NASTY_OUT

    with pytest.raises(ValidationError):
        annual_report_update(
            access=world.access(COORD),
            actor=world.people[COORD],
            report=saved,
            revision=saved.revision,
            text=" \x00\n ",
        )


@pytest.mark.parametrize("role", [COORD, BoardRole.CONTRIBUTOR, BoardRole.PRIVACY_OFFICER])
def test_only_the_executive_approves(world, role):
    report = world.draft()

    with pytest.raises(PermissionDenied):
        annual_report_approve(access=world.access(role), actor=world.people[role], report=report)

    report.refresh_from_db()
    assert report.status == AnnualReportStatus.DRAFT


def test_the_executive_approves_and_it_is_recorded(world):
    report = world.approve(world.draft())

    assert report.is_approved
    assert report.approved_by == world.people[EXEC]
    assert AuditEvent.objects.filter(action=AuditAction.APPROVE, object_id=str(report.pk)).exists()


def test_an_approved_paragraph_never_changes(world):
    report = world.approve(world.draft())
    text = report.text

    with pytest.raises(ApprovedError):
        annual_report_update(
            access=world.access(COORD),
            actor=world.people[COORD],
            report=report,
            revision=report.revision,
            text="Anders.",
        )
    with pytest.raises(ApprovedError):
        world.draft()
    with pytest.raises(ApprovedError):
        world.approve(report)
    report.text = "Via het model."
    with pytest.raises(ApprovedError):
        report.save()
    with pytest.raises(ApprovedError):
        report.delete()

    report.refresh_from_db()
    assert (report.text, report.status) == (text, AnnualReportStatus.APPROVED)


def test_a_new_version_is_a_draft_and_the_approved_one_stays(world):
    approved = world.approve(world.draft())

    created = annual_report_new_version(
        access=world.access(COORD), actor=world.people[COORD], report=approved
    )

    assert (created.version, created.status, created.text) == (
        2,
        AnnualReportStatus.DRAFT,
        approved.text,
    )
    approved.refresh_from_db()
    assert approved.is_approved
    with pytest.raises(ValidationError):
        annual_report_new_version(
            access=world.access(COORD), actor=world.people[COORD], report=approved
        )
    with pytest.raises(ValidationError):
        annual_report_new_version(
            access=world.access(COORD), actor=world.people[COORD], report=created
        )
    assert world.draft().pk == created.pk


# --- Pages -----------------------------------------------------------------------------------


def url(name, report):
    return reverse(f"reports:{name}", args=[report.board_id, report.pk])


def test_the_coordinator_generates_a_draft_and_sees_both_texts(client, world):
    client.force_login(world.people[COORD])

    response = client.post(
        reverse("reports:annual_generate", args=[world.board.pk]), {"year": 2026}
    )

    report = AnnualReport.objects.get(board=world.board, year=2026)
    assert response.status_code == 302
    assert response["Location"] == url("annual_edit", report)
    page = client.get(url("annual_edit", report))
    assert page.status_code == 200
    # The generated text beside the editable one (the same, until someone edits it).
    assert page.content.decode().count(escape(report.text)) == 2


def test_the_edit_page_shows_a_conflict_and_keeps_both_texts(client, world):
    report = world.draft()
    annual_report_update(
        access=world.access(COORD),
        actor=world.people[COORD],
        report=report,
        revision=0,
        text="Tekst van een collega.",
    )
    client.force_login(world.people[BoardRole.CONTRIBUTOR])

    response = client.post(url("annual_edit", report), {"revision": 0, "text": "Mijn tekst."})

    assert response.status_code == 409
    body = response.content.decode()
    assert "Tekst van een collega." in body
    assert "Mijn tekst." in body
    report.refresh_from_db()
    assert report.text == "Tekst van een collega."


def test_the_edit_page_escapes_the_text(client, world):
    report = world.draft()
    annual_report_update(
        access=world.access(COORD), actor=world.people[COORD], report=report, revision=0, text=NASTY
    )
    client.force_login(world.people[COORD])

    body = client.get(url("annual_edit", report)).content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_the_page_of_an_approved_paragraph_does_not_edit_it(client, world):
    report = world.approve(world.draft())
    client.force_login(world.people[COORD])

    edit = client.get(url("annual_edit", report))
    post = client.post(url("annual_edit", report), {"revision": report.revision, "text": "Nee."})

    assert edit.status_code == post.status_code == 302
    assert edit["Location"] == url("annual_report", report)
    report.refresh_from_db()
    assert report.text != "Nee."


def test_the_executive_approves_on_the_page(client, world):
    report = world.draft()
    client.force_login(world.people[EXEC])

    assert (
        url("annual_approve", report) in client.get(url("annual_report", report)).content.decode()
    )
    response = client.post(url("annual_approve", report))

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.is_approved


def test_the_supervisor_sees_approved_paragraphs_only(client, world):
    approved = world.approve(world.draft(year=2025))
    draft = world.draft(year=2026)
    client.force_login(world.people[BoardRole.SUPERVISOR])

    listing = client.get(reverse("reports:annual_list", args=[world.board.pk]))

    assert list(listing.context["reports"]) == [approved]
    for name in ("annual_report", "annual_docx", "annual_txt"):
        assert client.get(url(name, draft)).status_code == 404, name
        assert client.get(url(name, approved)).status_code == 200, name


# --- Exports ---------------------------------------------------------------------------------


def nasty_report(world):
    """An approved paragraph with hostile text, written past the service as an import might."""
    report = AnnualReport.objects.create(
        board=world.board, year=2026, text=NASTY, generated_text=NASTY, created_by=None
    )
    return world.approve(report)


def test_the_docx_holds_the_text_literally_without_control_characters(client, world):
    report = nasty_report(world)
    client.force_login(world.people[BoardRole.SUPERVISOR])

    response = client.get(url("annual_docx", report))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        response["Content-Disposition"] == 'attachment; filename="jaarverslag-ibp-41001-2026.docx"'
    )
    document = Document(io.BytesIO(response.content))
    lines = [paragraph.text for paragraph in document.paragraphs]
    assert lines[1] == nl("%(board)s · annual report %(year)d", board="Stichting A", year=2026)
    with translation.override("nl"):
        approved_on = date_format(timezone.localdate(report.approved_at))
    assert lines[2] == nl(
        "Approved by %(name)s on %(date)s.", name=str(world.people[EXEC]), date=approved_on
    )
    assert "\n".join(lines[3:]) == NASTY_OUT
    assert document.core_properties.language == "nl-NL"
    assert "2026" in document.core_properties.title
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(report.pk)).exists()


def test_the_text_file_holds_the_text_literally_without_control_characters(client, world):
    report = nasty_report(world)
    client.force_login(world.people[EXEC])

    response = client.get(url("annual_txt", report))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert (
        response["Content-Disposition"] == 'attachment; filename="jaarverslag-ibp-41001-2026.txt"'
    )
    content = response.content.decode("utf-8")
    assert content.endswith("\n\n" + NASTY_OUT + "\n")
    assert not any(ord(char) < 32 and char not in "\t\n" for char in content)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(report.pk)).exists()


def test_a_draft_exports_as_a_draft_in_paragraphs(client, world):
    report = world.draft()
    client.force_login(world.people[COORD])

    document = Document(io.BytesIO(client.get(url("annual_docx", report)).content))

    lines = [paragraph.text for paragraph in document.paragraphs]
    assert lines[2] == nl("Draft (version %(version)d), not approved.", version=1)
    assert lines[3:] == report.text.split("\n\n")
