"""The issued supervisory-board reports in the board export: written, checked and restored.

An issued report is kept byte for byte (kompas.reports.models.IssuedReport): its PDF travels
under `files` by SHA-256, as evidence files do, and comes back as the same bytes.
"""

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile

from kompas.accounts.models import User
from kompas.assessments.models import SelfAssessment
from kompas.boards.models import Board
from kompas.exports.document import (
    BoardExportError,
    Checked,
    EvaluationKey,
    Exporting,
    JsonPath,
    date_of,
    day,
    evaluation_key,
    evaluation_ref,
    moment,
    moment_of,
)
from kompas.plans.models import PlanVersion
from kompas.reports.models import IssuedReport

MODELS = (IssuedReport,)

PersonOf = Callable[[str | None], User | None]


def export_issued(context: Exporting) -> list[dict[str, Any]]:
    """The issued reports, oldest meeting first; their PDFs go into `context.files`."""
    items = []
    for report in (
        IssuedReport.objects.filter(board=context.board)
        .select_related("assessment__framework_version__framework", "plan_version", "issued_by")
        .order_by("meeting_date", "issued_at", "pk")
    ):
        context.files[report.sha256] = _pdf_bytes(report)
        items.append(
            {
                "meeting_date": day(report.meeting_date),
                "meeting_name": report.meeting_name,
                "sha256": report.sha256,
                "size": report.size,
                "pages": report.pages,
                "evaluation": evaluation_ref(report.assessment),
                "plan_version": report.plan_version.number if report.plan_version else None,
                "drawn_up_on": day(report.drawn_up_on),
                "issued_by": context.people.name(report.issued_by),
                "issued_at": moment(report.issued_at),
            }
        )
    return items


def _pdf_bytes(report: IssuedReport) -> bytes:
    # What was presented must leave as it was: a missing or changed file stops the export.
    try:
        with report.file.storage.open(str(report.file.name), "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise BoardExportError(
            f"The report issued for {report.meeting_name!r} (stored as {report.file.name}) "
            f"cannot be read: {error.strerror or error}."
        ) from None
    if hashlib.sha256(data).hexdigest() != report.sha256:
        raise BoardExportError(
            f"The report issued for {report.meeting_name!r} (stored as {report.file.name}) no "
            "longer matches the SHA-256 recorded when it was issued; restore it from a backup."
        )
    return data


def check_issued(document: dict[str, Any], context: Checked) -> None:
    """Each report's file is under `files`, its evaluation and plan version in the document."""
    evaluations = {evaluation_key(item) for item in document["evaluations"]}
    versions = {version["number"] for version in document["plan"]["versions"]}
    context.check_unique(
        document["issued_reports"], ("meeting_date", "meeting_name"), ("issued_reports",)
    )
    for index, item in enumerate(document["issued_reports"]):
        path: JsonPath = ("issued_reports", index)
        if item["sha256"] not in context.files:
            context.report((*path, "sha256"), "no file with this SHA-256 under files")
        elif item["size"] != len(context.files[item["sha256"]]):
            context.report((*path, "size"), "differs from the size of the file under files")
        if evaluation_key(item["evaluation"]) not in evaluations:
            context.report((*path, "evaluation"), "refers to an evaluation not in the document")
        if item["plan_version"] is not None and item["plan_version"] not in versions:
            context.report((*path, "plan_version"), "refers to a plan version not in the document")


def write_issued(
    *,
    items: list[dict[str, Any]],
    context: Checked,
    board: Board,
    person: PersonOf,
    evaluations: dict[EvaluationKey, SelfAssessment],
    stored: list[str],
) -> None:
    """Create the issued reports with their PDFs; `stored` collects the files (for a rollback).

    One by one with `save()`: an issued report refuses bulk updates, and the file is stored
    when the row is made.
    """
    versions = {version.number: version for version in PlanVersion.objects.filter(board=board)}
    for item in items:
        report = IssuedReport(
            board=board,
            meeting_date=date_of(item["meeting_date"]),
            meeting_name=item["meeting_name"],
            size=item["size"],
            sha256=item["sha256"],
            pages=item["pages"],
            assessment=evaluations[evaluation_key(item["evaluation"])],
            plan_version=versions[item["plan_version"]] if item["plan_version"] else None,
            drawn_up_on=date_of(item["drawn_up_on"]),
            issued_by=person(item["issued_by"]),
            issued_at=moment_of(item["issued_at"]),
        )
        report.file.save("report.pdf", ContentFile(context.files[item["sha256"]]), save=False)
        stored.append(str(report.file.name))
        report.save()
