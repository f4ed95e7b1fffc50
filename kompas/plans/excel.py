"""The improvement plan as an Excel workbook: measures, gaps and accepted risks, one sheet each."""

import datetime
from io import BytesIO
from typing import Any

from openpyxl import Workbook

from kompas.core.spreadsheets import write_cell, write_header
from kompas.plans.models import Measure
from kompas.plans.selectors import PlanCheck

MEASURE_COLUMNS = [
    ("Maatregel", 40),
    ("Beschrijving", 50),
    ("Normen (naar niveau)", 24),
    ("Eigenaar", 24),
    ("Start", 12),
    ("Gereed op", 12),
    ("Status", 14),
    ("Te laat", 9),
    ("Prioriteit", 11),
    ("Inspanning (dagen)", 12),
    ("Kosten (euro)", 12),
]
GAP_COLUMNS = [
    ("Code", 9),
    ("Norm", 40),
    ("Huidig niveau", 10),
    ("Streefniveau", 10),
    ("Prioriteit", 10),
    ("Afgedekt door", 50),
]
RISK_COLUMNS = [
    ("Code", 9),
    ("Norm", 40),
    ("Reden", 50),
    ("Geaccepteerd door", 24),
    ("Opnieuw bekijken op", 14),
]


def plan_workbook(*, check: PlanCheck, measures: list[Measure], today: datetime.date) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Maatregelen"
    write_header(sheet, MEASURE_COLUMNS)
    values: list[Any]
    for row, measure in enumerate(measures, start=2):
        values = [
            measure.title,
            measure.description,
            ", ".join(f"{link.norm.code}→{link.target_level}" for link in measure.links.all()),
            str(measure.owner) if measure.owner else "",
            measure.start_date,
            measure.due_date,
            measure.get_status_display(),
            "ja" if measure.is_overdue(today) else "nee",
            measure.get_priority_display(),
            measure.effort_days,
            measure.cost_euros,
        ]
        for column, value in enumerate(values, start=1):
            write_cell(sheet.cell(row=row, column=column), value)

    gaps = book.create_sheet("Lacunes")
    write_header(gaps, GAP_COLUMNS)
    for row, gap in enumerate(check.gaps, start=2):
        if gap.measures:
            cover = "; ".join(measure.title for measure in gap.measures)
        elif gap.acceptance:
            cover = "Risico geaccepteerd"
        elif gap.proposal:
            cover = "OPEN: risicoacceptatie voorgesteld, wacht op het bestuur"
        else:
            cover = "OPEN: geen maatregel"
        values = [
            gap.code,
            gap.score.norm.title,
            gap.score.level,
            gap.score.target_level,
            gap.priority,
            cover,
        ]
        for column, value in enumerate(values, start=1):
            write_cell(gaps.cell(row=row, column=column), value)

    risks = book.create_sheet("Geaccepteerde risico's")
    write_header(risks, RISK_COLUMNS)
    for row, gap in enumerate(check.accepted, start=2):
        acceptance = gap.acceptance
        assert acceptance is not None
        values = [
            gap.code,
            gap.score.norm.title,
            acceptance.reason,
            str(acceptance.accepted_by),
            acceptance.review_date,
        ]
        for column, value in enumerate(values, start=1):
            write_cell(risks.cell(row=row, column=column), value)
    output = BytesIO()
    book.save(output)
    return output.getvalue()
