"""One hostile text in every field a person types, followed through every format we produce.

It must come out literally — the same characters — and harmlessly: escaped in HTML, plain text
in the PDF and DOCX, a text cell (never a formula) in XLSX.
"""

import io
import json
import zipfile

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from kompas.assessments.models import NormScore
from kompas.exports.board_export import board_document
from kompas.reports.annual_services import annual_report_draft, annual_report_update
from kompas.reports.tests.test_pdf import pdf_text
from kompas.testing.world import COORD, EXEC, ReportWorld

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
FORMULAS = ['=HYPERLINK("http://x")', "+31 6 1234", "-2+3", "@SUM(A1)"]
HOSTILE = f'{FORMULAS[0]} {SCRIPT} <b>vet</b> & "quote"'


@pytest.fixture
def planted():
    world = ReportWorld()
    world.board.name = f"Stichting {HOSTILE}"
    world.board.save()
    NormScore.objects.filter(assessment=world.assessment, norm__code="GO.02").update(
        explanation=HOSTILE
    )
    world.approve_2026_with_plan(measure_title=HOSTILE, risk_reason=HOSTILE)
    report = annual_report_draft(access=world.access(COORD), actor=world.people[COORD], year=2026)
    annual_report_update(
        access=world.access(COORD),
        actor=world.people[COORD],
        report=report,
        revision=report.revision,
        text="\n\n".join([HOSTILE, *FORMULAS]),
    )
    return world, report


def test_html_pages_escape_it(client, planted):
    world, annual = planted
    client.force_login(world.people[COORD])
    board = world.board.pk
    measure = world.board.measures.get(title=HOSTILE)
    pages = [
        reverse("plans:plan", args=[board]),
        reverse("plans:measure", args=[board, measure.pk]),
        reverse("reports:dashboard", args=[board]),
        reverse("assessments:norm", args=[board, world.assessment.pk, "GO.02"]),
        reverse("reports:annual_report", args=[board, annual.pk]),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert SCRIPT not in page, url
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page, url


def test_the_supervisory_pdf_has_it_as_plain_text(client, planted):
    world, _annual = planted
    client.force_login(world.people[EXEC])

    _reader, text = pdf_text(
        client.get(reverse("reports:supervisory_pdf", args=[world.board.pk])).content
    )

    assert SCRIPT in " ".join(text.split())


def test_the_docx_and_txt_have_it_literally(client, planted):
    world, annual = planted
    client.force_login(world.people[COORD])
    args = [world.board.pk, annual.pk]

    docx = Document(io.BytesIO(client.get(reverse("reports:annual_docx", args=args)).content))
    txt = client.get(reverse("reports:annual_txt", args=args)).content.decode()

    paragraphs = [paragraph.text for paragraph in docx.paragraphs]
    for text in [HOSTILE, *FORMULAS]:
        assert text in paragraphs
        assert text in txt.splitlines()


def text_cells(content):
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.value]


def test_workbooks_keep_it_as_text_never_a_formula(client, planted):
    world, _annual = planted
    client.force_login(world.people[COORD])

    evaluation = client.get(
        reverse("assessments:export_xlsx", args=[world.board.pk, world.assessment.pk])
    ).content
    plan = client.get(reverse("plans:export_xlsx", args=[world.board.pk])).content

    for content in (evaluation, plan):
        planted = [cell for cell in text_cells(content) if cell.value == HOSTILE]
        assert planted
        assert all(cell.data_type == "s" for cell in planted)
        # Nothing in the file is stored as a formula at all.
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
            assert not any(b"<f>" in archive.read(name) for name in sheets)


def test_the_json_export_carries_it_unchanged(planted):
    world, _annual = planted
    document = json.dumps(board_document(board=world.board), ensure_ascii=False)

    assert json.loads(document) == board_document(board=world.board)
    assert document.count(json.dumps(HOSTILE, ensure_ascii=False)[1:-1]) >= 3
