"""The self-evaluation as an Excel workbook: one row per norm, the criteria readable.

Text from people and from framework files is always written as text, never as a formula, so a
cell that starts with =, +, - or @ cannot run anything when the workbook is opened.

A filled-in workbook comes back through `read_workbook`: it is checked as a file (size, what it
unpacks to, whether it is a workbook at all) before openpyxl parses it, with defusedxml guarding
the XML, and then row by row. The result is the list of norms that would change; nothing is
written until the person confirms (see services.scores_import).
"""

import re
import zipfile
from dataclasses import dataclass
from io import BytesIO
from typing import Any
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.datavalidation import DataValidation

from kompas.assessments.models import NormScore, SelfAssessment
from kompas.assessments.selectors import scores_of
from kompas.assessments.services import PlannedChange, ScoreChange, score_change_errors
from kompas.core.spreadsheets import write_cell, write_header
from kompas.core.text import find_forbidden
from kompas.frameworks.models import LevelCriterion

SHEET = "Zelfevaluatie"
COLUMNS = [
    ("code", "Code", 9),
    ("domain", "Domein", 24),
    ("title", "Norm", 40),
    ("level", "Huidig niveau (1-5)", 12),
    ("target", "Streefniveau", 12),
    ("not_applicable", "Niet van toepassing (ja/nee)", 14),
    ("reason", "Reden niet van toepassing", 30),
    ("explanation", "Toelichting", 40),
    *[(f"criterion_{level}", f"Niveau {level}", 40) for level in range(1, 6)],
]


def workbook_bytes(*, assessment: SelfAssessment) -> bytes:
    scores: list[NormScore] = scores_of(assessment=assessment)
    criteria = _criteria(assessment)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    write_header(sheet, [(header, width) for _key, header, width in COLUMNS])
    for row, score in enumerate(scores, start=2):
        values: dict[str, Any] = {
            "code": score.norm.code,
            "domain": f"{score.norm.domain.code} {score.norm.domain.name}",
            "title": score.norm.title,
            "level": score.level,
            "target": score.target_level,
            "not_applicable": "ja" if score.not_applicable else "nee",
            "reason": score.not_applicable_reason,
            "explanation": score.explanation,
            **{
                f"criterion_{level}": criteria.get((score.norm_id, level), "")
                for level in range(1, 6)
            },
        }
        for column, (key, _header, _width) in enumerate(COLUMNS, start=1):
            write_cell(sheet.cell(row=row, column=column), values[key])
    last = len(scores) + 1
    levels = DataValidation(type="list", formula1='"1,2,3,4,5"', allow_blank=True)
    levels.error = "Kies een niveau van 1 tot en met 5, of laat de cel leeg."
    levels.add(f"D2:D{last}")
    targets = DataValidation(type="list", formula1='"3,4,5"')
    targets.add(f"E2:E{last}")
    yes_no = DataValidation(type="list", formula1='"ja,nee"')
    yes_no.add(f"F2:F{last}")
    for validation in (levels, targets, yes_no):
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "D2"
    output = BytesIO()
    book.save(output)
    return output.getvalue()


def _criteria(assessment: SelfAssessment) -> dict[tuple[int, int], str]:
    return {
        (criterion.norm_id, criterion.level): criterion.text
        for criterion in LevelCriterion.objects.filter(
            norm__framework_version_id=assessment.framework_version_id
        ).only("norm_id", "level", "text")
    }


# What the importer reads, by header; the other columns are there for the reader.
IMPORTED = ("code", "level", "target", "not_applicable", "reason", "explanation")
HEADERS = {header.casefold(): key for key, header, _width in COLUMNS}
HEADER_OF = {key: header for key, header, _width in COLUMNS}
YES = {"ja", "j", "yes", "y", "true", "1", "x"}
NO = {"nee", "n", "no", "false", "0", ""}
MAX_ROWS = 1000
MAX_MEMBERS = 200
# A real workbook compresses text perhaps 10:1; far beyond that is a decompression bomb.
MAX_RATIO = 100
RATIO_CHECKED_FROM = 1024 * 1024


class WorkbookRefused(Exception):
    """The upload as a whole cannot be read; nothing about its rows is known."""


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class NormPreview:
    code: str
    title: str
    planned: PlannedChange
    fields: list[FieldChange]


@dataclass(frozen=True)
class RowProblem:
    row: int
    code: str
    message: str


@dataclass(frozen=True)
class ImportPreview:
    changes: list[NormPreview]
    problems: list[RowProblem]
    rows_read: int


def read_workbook(*, data: bytes, assessment: SelfAssessment) -> ImportPreview:
    """What a filled-in workbook would change; raises WorkbookRefused for an unusable file."""
    sheet_rows = _rows(data)
    try:
        header = next(sheet_rows)
    except StopIteration:
        raise WorkbookRefused(_("The workbook is empty.")) from None
    columns = _columns(header)
    scores = {score.norm.code: score for score in scores_of(assessment=assessment)}
    minimum = assessment.framework_version.target_level
    changes: list[NormPreview] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    rows_read = 0
    for number, row in enumerate(sheet_rows, start=2):
        if number > MAX_ROWS + 1:
            raise WorkbookRefused(
                _("The workbook has more than %(count)s rows; this evaluation has %(norms)s.")
                % {"count": MAX_ROWS, "norms": len(scores)}
            )
        values = {key: row[index] if index < len(row) else None for key, index in columns.items()}
        if all(_blank(value) for value in values.values()):
            continue
        rows_read += 1
        code = _as_text(values["code"]).strip()
        formulas = [HEADER_OF[key] for key, value in values.items() if isinstance(value, Formula)]
        if formulas:
            problems.append(
                RowProblem(
                    number,
                    "" if isinstance(values["code"], Formula) else code,
                    _(
                        "The row has a formula in %(columns)s; formulas are not read. Type the "
                        "value itself."
                    )
                    % {"columns": ", ".join(f"“{name}”" for name in formulas)},
                )
            )
            continue
        forbidden = _forbidden_cells(values)
        if forbidden:
            shown = "" if any(key == "code" for key, _text in forbidden) else code
            problems += [RowProblem(number, shown, text) for _key, text in forbidden]
            continue
        problem = _row_problem(code, scores, seen, number)
        if problem:
            problems.append(RowProblem(number, code, problem))
            continue
        seen[code] = number
        score = scores[code]
        change, row_problems = _change(values, score, minimum)
        problems += [RowProblem(number, code, message) for message in row_problems]
        if change is not None and not row_problems:
            fields = _changed_fields(score, change)
            if fields:
                planned = PlannedChange(code=code, revision=score.revision, change=change)
                changes.append(NormPreview(code, score.norm.title, planned, fields))
    return ImportPreview(changes=changes, problems=problems, rows_read=rows_read)


@dataclass(frozen=True)
class Formula:
    """A cell that holds a formula: its text, never its value (which may not even be cached)."""

    text: str

    def __str__(self) -> str:
        return self.text


def _rows(data: bytes) -> Any:
    """The first sheet's rows as value tuples, after the file passed every check.

    Formulas come back as `Formula`, not as a value: a workbook saved by a program that does not
    cache results has none, and a level read as empty would clear the stored one.
    """
    check_size(len(data))
    if not zipfile.is_zipfile(BytesIO(data)):
        raise WorkbookRefused(_("This is not an Excel workbook (.xlsx)."))
    _check_unpacked_size(data)
    _check_no_macros(data)
    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=False)
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        # Reading cells parses XML lazily, so the rows are read here, inside the guard.
        return iter(
            [
                tuple(
                    Formula(str(cell.value)) if cell.data_type == "f" else cell.value
                    for cell in row
                )
                for row in sheet.iter_rows(max_col=len(COLUMNS) + 10, max_row=MAX_ROWS + 2)
            ]
        )
    except (zipfile.BadZipFile, KeyError, IndexError, ValueError, TypeError, ParseError, OSError):
        raise WorkbookRefused(_("The file could not be read as an Excel workbook.")) from None


MACRO_CONTENT_TYPE = b"application/vnd.ms-excel.sheet.macroEnabled"


def _check_no_macros(data: bytes) -> None:
    """Refuse a macro-enabled workbook (.xlsm), as evidence uploads do: it can run code."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        names = archive.namelist()
        declared = (
            archive.read("[Content_Types].xml")[: 1 << 20]
            if "[Content_Types].xml" in names
            else b""
        )
    if any(name.lower().endswith("vbaproject.bin") for name in names) or (
        MACRO_CONTENT_TYPE.lower() in declared.lower()
    ):
        raise WorkbookRefused(
            _(
                "This workbook contains macros (.xlsm), which can run code; it is refused. Save "
                "it as an ordinary Excel workbook (.xlsx) and import that."
            )
        )


def check_size(size: int) -> None:
    limit = settings.EXCEL_IMPORT_MAX_BYTES
    if size > limit:
        raise WorkbookRefused(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}
        )


def _check_unpacked_size(data: bytes) -> None:
    """Refuse a zip that would unpack to far more than a workbook of this size ever does."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        members = archive.infolist()
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    if (
        len(members) > MAX_MEMBERS
        or unpacked > settings.EXCEL_IMPORT_MAX_UNPACKED_BYTES
        or (unpacked > RATIO_CHECKED_FROM and unpacked / packed > MAX_RATIO)
    ):
        raise WorkbookRefused(
            _("The workbook unpacks to far more data than it holds; it is refused as unsafe.")
        )


def _columns(header: tuple[Any, ...]) -> dict[str, int]:
    found = {}
    for index, value in enumerate(header):
        key = HEADERS.get(_as_text(value).strip().casefold())
        if key in IMPORTED and key not in found:
            found[key] = index
    missing = [header for key, header, _width in COLUMNS if key in IMPORTED and key not in found]
    if missing:
        raise WorkbookRefused(
            _("The first row lacks the columns %(columns)s. Start from a downloaded workbook.")
            % {"columns": ", ".join(f"“{name}”" for name in missing)}
        )
    return found


# Excel writes a character that XML cannot hold as _xHHHH_ (ECMA-376, ST_Xstring), and openpyxl
# hands those seven characters on as they are. Read as Excel means them, a control character
# typed or pasted into a cell is refused as itself instead of being stored as "_x000B_".
_EXCEL_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def _forbidden_cells(values: dict[str, Any]) -> list[tuple[str, str]]:
    """Each read cell with a forbidden character (kompas.core.text), and what to say about it."""
    found = []
    for key, value in values.items():
        if not isinstance(value, str):
            continue
        text = _EXCEL_ESCAPE.sub(lambda escape: chr(int(escape.group(1), 16)), value)
        problem = find_forbidden(text)
        if problem is not None:
            message = _("In “%(column)s”: %(problem)s") % {
                "column": HEADER_OF[key],
                "problem": problem.message(),
            }
            found.append((key, message))
    return found


def _row_problem(code: str, scores: dict[str, NormScore], seen: dict[str, int], row: int) -> str:
    if not code:
        return _("The row has no norm code.")
    if code not in scores:
        return _("“%(code)s” is not a norm of this evaluation.") % {"code": code}
    if code in seen:
        return _("The norm appears twice, also on row %(row)s.") % {"row": seen[code]}
    return ""


def _change(
    values: dict[str, Any], score: NormScore, minimum: int
) -> tuple[ScoreChange | None, list[str]]:
    problems = []
    try:
        level = _as_level(values["level"])
    except ValueError:
        problems.append(
            _("The current level “%(value)s” is not a whole number from 1 to 5.")
            % {"value": _as_text(values["level"])}
        )
    try:
        target = _as_level(values["target"])
        if target is None:
            raise ValueError(values["target"])
    except ValueError:
        problems.append(
            _("The target level “%(value)s” is not a whole number from %(minimum)s to 5.")
            % {"value": _as_text(values["target"]), "minimum": minimum}
        )
    answer = _as_text(values["not_applicable"]).strip().casefold()
    if answer not in YES | NO:
        problems.append(_("“Not applicable” is “%(value)s”; write ja or nee.") % {"value": answer})
    if problems or target is None:
        return None, problems
    change = ScoreChange(
        level=level,
        target_level=target,
        not_applicable=answer in YES,
        not_applicable_reason=_same_text(values["reason"], score.not_applicable_reason),
        explanation=_same_text(values["explanation"], score.explanation),
        assignee_id=score.assignee_id,
    )
    return change, list(score_change_errors(change, minimum=minimum).values())


def _as_level(value: Any) -> int | None:
    """1-5 from a number or a text cell, None when blank; ValueError for anything else."""
    if _blank(value):
        return None
    text = _as_text(value).strip()
    if isinstance(value, bool) or not text.isdecimal() or not 1 <= int(text) <= 5:
        raise ValueError(value)
    return int(text)


def _same_text(value: Any, stored: str) -> str:
    """The cell's text; the stored text when they differ only in line endings.

    XML turns a carriage return and line feed into a line feed, so browser text comes back from
    a workbook with other line endings; that is not a change the person made.
    """
    text = _as_text(value)
    return stored if text == stored.replace("\r\n", "\n") else text


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _changed_fields(score: NormScore, change: ScoreChange) -> list[FieldChange]:
    def level(value: int | None) -> str:
        return "—" if value is None else str(value)

    def yes_no(value: bool) -> str:  # noqa: FBT001
        return _("yes") if value else _("no")

    pairs = [
        (_("Current level"), level(score.level), level(change.level)),
        (_("Target level"), str(score.target_level), str(change.target_level)),
        (_("Not applicable"), yes_no(score.not_applicable), yes_no(change.not_applicable)),
        (_("Why it does not apply"), score.not_applicable_reason, change.not_applicable_reason),
        (_("Explanation"), score.explanation, change.explanation),
    ]
    return [FieldChange(label, before, after) for label, before, after in pairs if before != after]
