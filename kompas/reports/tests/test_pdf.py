import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format
from pypdf import PdfReader

from kompas.assessments.selectors import scores_of, summary
from kompas.audit.models import AuditAction, AuditEvent
from kompas.boards.models import Board, Membership
from kompas.boards.roles import BoardRole
from kompas.demo.seed import DEMO_BOARDS, seed_demo
from kompas.reports.pdf import ASSETS, LocalFilesOnly, render_pdf_pages, supervisory_report
from kompas.reports.tests.boards import board_with_every_norm_below_target, demo_board_with_plan
from kompas.testing import clock
from kompas.testing.world import COORD, SUPERVISOR, ReportWorld

pytestmark = clock.pinned

HOSTILE = "<script>alert(1)</script>"
FORMULA = "=1+1"


@pytest.fixture
def report_world(db):
    return ReportWorld()


def download(client, user, board):
    client.force_login(user)
    return client.get(reverse("reports:supervisory_pdf", args=[board.pk]))


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"[ \t]+", " ", text)


def test_the_report_is_a_tagged_pdf_with_the_dashboards_figures(client, report_world):
    report_world.approve_2026_with_plan()
    figures = summary(scores=scores_of(assessment=report_world.assessment))

    response = download(client, report_world.people[SUPERVISOR], report_world.board)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="rapportage-toezicht-41001-2026.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    reader, text = pdf_text(response.content)
    assert "Stichting A" in text
    assert "2026" in text
    assert f"{figures.assessed} " in text
    assert f"({figures.completeness_percent}%)" in text
    assert f"({figures.at_or_above_target_percent}%)" in text
    with translation.override("nl"):
        for group in figures.domains:
            assert group.mean is not None
            assert number_format(group.mean) in text
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "nl"
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "pdfuaid:part" in xmp
    assert "Stichting A" in reader.metadata.title
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("pk")
    assert event.board_id == report_world.board.pk


def test_the_report_shows_the_same_figures_as_the_supervisors_dashboard(client, report_world):
    report_world.approve_2026_with_plan()
    draft = report_world.start("2027", previous=report_world.assessment)
    report_world.set_levels(draft, {"GO.01": 5, "GO.02": 5, "BC.03": 5, "BV.01": 5})
    client.force_login(report_world.people[SUPERVISOR])
    dashboard = client.get(reverse("reports:dashboard", args=[report_world.board.pk]))
    figures = dashboard.context["dashboard"].summary

    _reader, text = pdf_text(
        download(client, report_world.people[COORD], report_world.board).content
    )

    assert figures == summary(scores=scores_of(assessment=report_world.assessment))
    assert f"{figures.at_or_above_target} van {figures.applicable}" in text or (
        f"{figures.at_or_above_target} of {figures.applicable}" in text
    )
    assert f"({figures.at_or_above_target_percent}%)" in text
    assert "2027" not in text


def test_user_text_appears_literally_and_harmlessly(client, report_world):
    report_world.board.name = f"Stichting {HOSTILE} & Co"
    report_world.board.save()
    report_world.approve_2026_with_plan(
        measure_title=f"{FORMULA} {HOSTILE}", risk_reason=f"{FORMULA} reden {HOSTILE}"
    )

    response = download(client, report_world.people[COORD], report_world.board)

    _reader, text = pdf_text(response.content)
    compact = text.replace("\n", "")
    assert f"Stichting {HOSTILE} & Co" in compact
    assert f"{FORMULA} {HOSTILE}" in compact
    assert f"{FORMULA} reden {HOSTILE}" in compact


def test_without_an_approved_evaluation_the_download_explains_why(client, report_world):
    response = download(client, report_world.people[SUPERVISOR], report_world.board)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "<h1>" in response.text
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_renderer_reads_only_its_own_files():
    fetcher = LocalFilesOnly()

    assert fetcher.fetch((ASSETS / "report.css").as_uri()).read().startswith(b"/*")
    for url in ("https://example.org/x.css", "http://127.0.0.1/", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="report"):
            fetcher.fetch(url)
    with pytest.raises(ValueError, match="report"):
        fetcher.fetch((ASSETS / ".." / ".." / ".." / "pdf.py").as_uri())


def test_the_demo_boards_report_has_two_to_four_pages(client, db, settings):
    settings.DEMO_PASSWORD = ""
    seed_demo(with_accounts=True)
    board = Board.objects.get(bg_number=DEMO_BOARDS[0].bg_number)
    supervisor = Membership.objects.get(board=board, role=BoardRole.SUPERVISOR).user

    response = download(client, supervisor, board)

    reader, text = pdf_text(response.content)
    assert 2 <= len(reader.pages) <= 4
    assert board.name in text
    assert "2025" in text


def compact(text):
    return re.sub(r"\s+", "", text)


def test_the_demo_board_with_its_plan_approved_still_has_two_to_four_pages(client, db, settings):
    settings.DEMO_PASSWORD = ""
    board = demo_board_with_plan()
    supervisor = Membership.objects.get(board=board, role=BoardRole.SUPERVISOR).user

    response = download(client, supervisor, board)

    reader, text = pdf_text(response.content)
    assert 2 <= len(reader.pages) <= 4
    report = supervisory_report(board=board, today=clock.TODAY)
    assert report is not None
    assert report.plan_version is not None
    for gap in report.gaps:
        assert gap.code in text
    assert compact(report.plan_url) in compact(text)


def test_a_board_with_every_norm_below_target_and_sixty_measures_has_two_to_four_pages(db):
    board = board_with_every_norm_below_target()
    report = supervisory_report(board=board, today=clock.TODAY)
    assert report is not None

    content, pages = render_pdf_pages(report=report)

    reader, text = pdf_text(content)
    assert pages == len(reader.pages)
    assert 2 <= pages <= 4
    whole = compact(text)
    # Long lists show their first rows and say how many more there are, and where.
    assert (report.gap_count, len(report.gaps), report.gaps_more) == (94, 10, 84)
    assert (report.open_measures, len(report.measures_due), report.measures_more) == (60, 5, 55)
    assert (len(report.risks), len(report.risks_shown), report.risks_more) == (8, 5, 3)
    assert report.comparison is not None
    assert report.regressions_more == report.comparison.regressions - 5 > 0
    codes = [gap.code for gap in report.gaps] + [risk.code for risk in report.risks_shown]
    for code in codes + [norm.code for norm in report.regressions]:
        assert code in text
    for measure in report.measures_due:
        assert compact(measure.title) in whole
    for number in (report.gaps_more, report.measures_more, report.risks_more):
        assert f" {number} " in text
    assert compact(report.plan_url) in whole
    assert compact(report.comparison_url) in whole
    # Nothing the supervisory board decides on is summarised away.
    assert len(report.decisions) >= 3
    for decision in report.decisions:
        assert compact(decision) in whole
    due = [risk.code for risk in report.risks if risk.due_for_review]
    assert len(due) == 3
    assert all(code in report.decisions[0] for code in due)
    for domain in report.dashboard.domains:
        assert domain.code in text
