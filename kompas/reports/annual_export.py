"""The annual-report paragraph as a Word document (DOCX) and as plain text, in Dutch.

People's text comes out literally: nothing in it is interpreted (a Word document has no
formulas in plain runs, and a text file is only text). Control characters other than tabs and
line breaks are dropped from both, since XML cannot hold them and a terminal may act on them.
"""

import io

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from docx import Document
from docx.oxml.ns import qn

from kompas.reports.annual import TEXT_LANGUAGE, paragraphs, printable
from kompas.reports.models import AnnualReport

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCUMENT_LANGUAGE = "nl-NL"


def _heading(report: AnnualReport) -> tuple[str, str, str]:
    """Title, subtitle (board and year) and status line, in Dutch."""
    with translation.override(TEXT_LANGUAGE):
        title = _("Information security and privacy")
        subtitle = _("%(board)s · annual report %(year)d") % {
            "board": report.board.name,
            "year": report.year,
        }
        if report.is_approved and report.approved_at is not None:
            status = _("Approved by %(name)s on %(date)s.") % {
                "name": str(report.approved_by),
                "date": date_format(timezone.localdate(report.approved_at)),
            }
        else:
            status = _("Draft (version %(version)d), not approved.") % {"version": report.version}
        if report.is_approved and report.version > 1:
            status += " " + _("Version %(version)d.") % {"version": report.version}
    return printable(title), printable(subtitle), printable(status)


def annual_docx(*, report: AnnualReport) -> bytes:
    """A Word document: a heading with board, year and approval, then the paragraphs."""
    title, subtitle, status = _heading(report)
    document = Document()
    properties = document.core_properties
    properties.title = f"{title} {report.year} · {printable(report.board.name)}"
    properties.language = DOCUMENT_LANGUAGE
    properties.author = printable(report.board.name)
    properties.comments = ""
    properties.keywords = ""
    properties.revision = report.version
    properties.created = report.approved_at or timezone.now()
    properties.modified = report.approved_at or timezone.now()
    # The language Word checks the spelling in, for every style that does not set its own.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for lang in defaults.iter(qn("w:lang")):
            lang.set(qn("w:val"), DOCUMENT_LANGUAGE)
    document.add_heading(title, level=1)
    document.add_paragraph(subtitle)
    document.add_paragraph(status)
    for paragraph in paragraphs(printable(report.text)):
        # Line breaks within a paragraph become breaks in Word, tabs become tabs.
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def annual_txt(*, report: AnnualReport) -> bytes:
    """Plain UTF-8 text: the heading lines, an empty line, the paragraphs."""
    title, subtitle, status = _heading(report)
    body = "\n\n".join(paragraphs(printable(report.text)))
    return f"{title}\n{subtitle}\n{status}\n\n{body}\n".encode()


def export_filename(*, report: AnnualReport, extension: str) -> str:
    """An ASCII file name: jaarverslag-ibp-<bg number>-<year>[-v<version>].<extension>."""
    version = f"-v{report.version}" if report.version > 1 else ""
    board = slugify(report.board.bg_number) or "bestuur"
    return f"jaarverslag-ibp-{board}-{report.year}{version}.{extension}"
