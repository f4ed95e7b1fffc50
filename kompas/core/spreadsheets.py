"""Writing workbooks safely: text stays text, whatever it starts with.

openpyxl stores a string that starts with "=" as a formula; people's text (and "+", "-", "@"
that spreadsheet programs also read as formulas) must never run when the workbook is opened.
"""

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="154273")
WRAP = Alignment(wrap_text=True, vertical="top")


def text_cell(cell: Cell | MergedCell, value: str) -> None:
    # Control characters cannot be stored in the XML of a workbook at all.
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
    # A string type keeps "=..." inert text instead of a formula.
    cell.data_type = "s"


def write_cell(cell: Cell | MergedCell, value: Any) -> None:
    if isinstance(value, str):
        text_cell(cell, value)
    else:
        cell.value = value
    cell.alignment = WRAP


def write_header(sheet: Worksheet, columns: list[tuple[str, int]]) -> None:
    """The first row: bold white on blue, with column widths; frozen below it."""
    for index, (header, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        text_cell(cell, header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
