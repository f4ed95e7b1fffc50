"""The self-evaluation as an Excel workbook: one row per norm, the criteria readable.

Text from people and from framework files is always written as text, never as a formula, so a
cell that starts with =, +, - or @ cannot run anything when the workbook is opened.
"""

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kompas.assessments.models import NormScore, SelfAssessment
from kompas.assessments.selectors import scores_of
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


def _text(cell: Cell | MergedCell, value: str) -> None:
    cell.value = value
    # openpyxl would store "=..." as a formula; a string type keeps it inert text.
    cell.data_type = "s"


def workbook_bytes(*, assessment: SelfAssessment) -> bytes:
    scores: list[NormScore] = scores_of(assessment=assessment)
    criteria = _criteria(assessment)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    for index, (_key, header, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        _text(cell, header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="154273")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = width
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
            cell = sheet.cell(row=row, column=column)
            value = values[key]
            if isinstance(value, str):
                _text(cell, value)
            else:
                cell.value = value
            cell.alignment = Alignment(wrap_text=True, vertical="top")
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
