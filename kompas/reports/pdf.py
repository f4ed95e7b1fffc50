"""The report for the supervisory board: a tagged PDF (PDF/UA-1) made with WeasyPrint.

The report is built from approved data only: the latest approved self-evaluation and the
latest approved plan version, whoever downloads it (BRIEF 3: the supervisor reads approved
reports). Its summary figures come from the same selector as the dashboard's
(`dashboard.board_dashboard` with `approved_only`), so both show the same numbers.

It is a board paper of two to four A4 pages, whatever the size of the board's plan: long lists
(gaps, norms that went down, open measures, accepted risks) show their first rows and say how
many more there are and where in IBP-Kompas the rest is.

WeasyPrint fetches nothing over the network: `LocalFilesOnly` serves the report's stylesheet
from this app's static folder and refuses every other URL. Fonts (DejaVu Sans, Liberation Sans)
come from the system through fontconfig and are embedded in the PDF.
"""

import datetime
import logging
import mimetypes
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kompas.assessments.models import SelfAssessment
from kompas.assessments.selectors import (
    Comparison,
    DomainChange,
    NormChange,
    compare,
    standing_before,
)
from kompas.boards.models import Board
from kompas.frameworks.models import Norm
from kompas.plans.models import OPEN_STATUSES, MeasureStatus, PlanVersion
from kompas.reports import charts
from kompas.reports.dashboard import Dashboard, board_dashboard

# WeasyPrint logs every rendering step at INFO, from its import on; one report is not worth
# eight log lines, so its progress logger is quieted before the import.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
from weasyprint import HTML  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

# The only files the PDF renderer may read.
ASSETS = Path(__file__).resolve().parent / "static" / "reports" / "pdf"
# How many rows each list shows before "and N more": what keeps the paper within four pages.
TOP_GAPS = 10
TOP_REGRESSIONS = 5
MEASURES_DUE = 5
TOP_RISKS = 5
# An accepted risk whose review date falls within this many days is put to the board.
REVIEW_WITHIN_DAYS = 92
REPORT_LANGUAGE = "nl"
PDF_VARIANT = "pdf/ua-1"


class LocalFilesOnly(URLFetcher):
    """Serves files under `root` from disk; every other URL, network or file, is refused."""

    def __init__(self, root: Path = ASSETS) -> None:
        super().__init__(allowed_protocols={"file"}, fail_on_errors=False)
        self.root = root.resolve()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"The report fetches nothing from {url!r}.")
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ValueError(f"The report reads no file outside its own assets: {url!r}.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )


@dataclass(frozen=True)
class GapRow:
    code: str
    title: str
    level: int | None
    target: int
    priority: int
    measures: list[str]
    accepted: bool


@dataclass(frozen=True)
class RiskRow:
    code: str
    title: str
    reason: str
    review_date: datetime.date
    due_for_review: bool


@dataclass(frozen=True)
class MeasureRow:
    title: str
    due_date: datetime.date
    status: str
    overdue: bool


@dataclass(frozen=True)
class DomainRow:
    """One domain's line in the report: where it stands, and how it changed since last time."""

    code: str
    name: str
    mean: Decimal | None
    minimum: int | None
    at_or_above_target: int
    applicable: int
    change: DomainChange | None


@dataclass(frozen=True)
class Meeting:
    """The meeting an issued report was presented at, printed on its first page."""

    date: datetime.date
    name: str
    issued_by: str
    issued_on: datetime.date


@dataclass
class SupervisoryReport:
    board: Board
    today: datetime.date
    assessment: SelfAssessment
    dashboard: Dashboard
    previous: SelfAssessment | None = None
    comparison: Comparison | None = None
    regressions: list[NormChange] = field(default_factory=list)
    plan_version: PlanVersion | None = None
    gaps: list[GapRow] = field(default_factory=list)
    gap_count: int = 0
    # Every accepted risk (the decisions need them all); the paper lists the first TOP_RISKS.
    risks: list[RiskRow] = field(default_factory=list)
    measures_due: list[MeasureRow] = field(default_factory=list)
    open_measures: int = 0
    decisions: list[str] = field(default_factory=list)
    meeting: Meeting | None = None

    @property
    def domain_rows(self) -> list[DomainRow]:
        changes = {d.code: d for d in self.comparison.domains} if self.comparison else {}
        return [
            DomainRow(
                code=group.code,
                name=group.name,
                mean=group.mean,
                minimum=group.minimum,
                at_or_above_target=group.at_or_above_target,
                applicable=group.applicable,
                change=changes.get(group.code),
            )
            for group in self.dashboard.domains
        ]

    @property
    def regressions_more(self) -> int:
        total = self.comparison.regressions if self.comparison else 0
        return max(total - len(self.regressions), 0)

    @property
    def gaps_more(self) -> int:
        return max(self.gap_count - len(self.gaps), 0)

    @property
    def measures_more(self) -> int:
        return max(self.open_measures - len(self.measures_due), 0)

    @property
    def risks_shown(self) -> list[RiskRow]:
        return self.risks[:TOP_RISKS]

    @property
    def risks_more(self) -> int:
        return max(len(self.risks) - TOP_RISKS, 0)

    @property
    def plan_url(self) -> str:
        """Where the whole approved plan is, for the rows the paper leaves out."""
        if self.plan_version is None:
            return ""
        path = reverse("plans:version", args=[self.board.pk, self.plan_version.number])
        return settings.SITE_URL + path

    @property
    def comparison_url(self) -> str:
        """Where every norm's change is, for the norms that went down beyond the first few."""
        if self.previous is None:
            return ""
        path = reverse("assessments:compare", args=[self.board.pk, self.assessment.pk])
        return f"{settings.SITE_URL}{path}?with={self.previous.pk}"


def previous_approved(*, assessment: SelfAssessment) -> SelfAssessment | None:
    """What stood the year before, to compare with (`standing_before`, docs/scoring.md)."""
    return standing_before(assessment=assessment)


def _plan_rows(*, report: SupervisoryReport, version: PlanVersion, titles: dict[str, str]) -> None:
    """Gaps by priority, accepted risks and measures due, from the approved plan's snapshot."""
    snapshot = version.snapshot
    measures = {measure["id"]: measure for measure in snapshot["measures"]}
    accepted = {risk["norm"] for risk in snapshot["accepted_risks"]}
    report.gap_count = len(snapshot["gaps"])
    report.gaps = [
        GapRow(
            code=gap["norm"],
            title=titles.get(gap["norm"], ""),
            level=gap["level"],
            target=gap["target"],
            priority=gap["priority"],
            measures=[measures[pk]["title"] for pk in gap["covered_by"] if pk in measures],
            accepted=not gap["covered_by"] and gap["norm"] in accepted,
        )
        for gap in snapshot["gaps"][:TOP_GAPS]
    ]
    horizon = report.today + datetime.timedelta(days=REVIEW_WITHIN_DAYS)
    # The first to be reviewed first: the paper lists only the first few.
    risks = sorted(snapshot["accepted_risks"], key=lambda risk: (risk["review_date"], risk["norm"]))
    for risk in risks:
        review = datetime.date.fromisoformat(risk["review_date"])
        report.risks.append(
            RiskRow(
                code=risk["norm"],
                title=titles.get(risk["norm"], ""),
                reason=risk["reason"],
                review_date=review,
                due_for_review=review <= horizon,
            )
        )
    labels = dict(MeasureStatus.choices)
    open_measures = sorted(
        (m for m in snapshot["measures"] if m["status"] in OPEN_STATUSES),
        key=lambda m: (m["due_date"], m["id"]),
    )
    report.open_measures = len(open_measures)
    for measure in open_measures[:MEASURES_DUE]:
        due = datetime.date.fromisoformat(measure["due_date"])
        report.measures_due.append(
            MeasureRow(
                title=measure["title"],
                due_date=due,
                status=str(labels.get(measure["status"], measure["status"])),
                overdue=due < report.today,
            )
        )


def _decisions(report: SupervisoryReport) -> list[str]:
    """What the report asks of the supervisory board, generated from the approved data."""
    asked = []
    version = report.plan_version
    if version is None:
        asked.append(
            _(
                "There is no approved improvement plan yet: ask the executive to have the plan "
                "for every norm below target approved."
            )
        )
    elif version.assessment_id != report.assessment.pk:
        asked.append(
            _(
                "The approved improvement plan (version %(number)d) was drawn up against "
                "another self-evaluation (%(evaluation)s): ask for a plan approved against "
                "this one."
            )
            % {"number": version.number, "evaluation": version.snapshot.get("assessment", "")}
        )
    due = [risk for risk in report.risks if risk.due_for_review]
    if len(due) == 1:
        asked.append(
            _("Review the accepted risk on %(code)s %(title)s (review date %(date)s).")
            % {"code": due[0].code, "title": due[0].title, "date": date_format(due[0].review_date)}
        )
    elif due:
        # One point for all of them, so that many risks do not crowd out the other decisions.
        asked.append(
            _(
                "Review the %(count)d accepted risks whose review date falls within three "
                "months (%(codes)s), the first on %(date)s."
            )
            % {
                "count": len(due),
                "codes": ", ".join(risk.code for risk in due),
                "date": date_format(due[0].review_date),
            }
        )
    plan = report.dashboard.plan
    overdue = plan.overdue if version is not None and plan is not None else 0
    if version is not None and overdue:
        asked.append(
            ngettext(
                "%(count)d measure of the approved plan is past its due date: ask the "
                "executive how it stands and whether the plan is still on track for "
                "%(deadline)s.",
                "%(count)d measures of the approved plan are past their due date: ask the "
                "executive how they stand and whether the plan is still on track for "
                "%(deadline)s.",
                overdue,
            )
            % {"count": overdue, "deadline": date_format(version.deadline)}
        )
    figures = report.dashboard.summary
    if report.comparison is not None and report.comparison.regressions:
        asked.append(
            ngettext(
                "%(count)d norm went down since %(period)s: ask for the reasons.",
                "%(count)d norms went down since %(period)s: ask for the reasons.",
                report.comparison.regressions,
            )
            % {
                "count": report.comparison.regressions,
                "period": report.previous.period if report.previous else "",
            }
        )
    if figures is not None and figures.assessed < figures.total:
        asked.append(
            _(
                "%(open)d of %(total)d norms were not assessed in this self-evaluation: ask "
                "for a complete evaluation next time."
            )
            % {"open": figures.total - figures.assessed, "total": figures.total}
        )
    return asked


def supervisory_report(*, board: Board, today: datetime.date) -> SupervisoryReport | None:
    """The report's content, or None when the board has no approved self-evaluation."""
    figures = board_dashboard(board=board, approved_only=True, today=today)
    if figures.assessment is None:
        return None
    report = SupervisoryReport(
        board=board, today=today, assessment=figures.assessment, dashboard=figures
    )
    report.previous = previous_approved(assessment=figures.assessment)
    if report.previous is not None:
        report.comparison = compare(earlier=report.previous, later=figures.assessment)
        report.regressions = sorted(
            (change for change in report.comparison.norms if (change.delta or 0) < 0),
            key=lambda change: change.delta or 0,
        )[:TOP_REGRESSIONS]
    version = figures.plan.version if figures.plan else None
    report.plan_version = version
    if version is not None:
        framework_version_id = (
            version.assessment.framework_version_id
            if version.assessment is not None
            else figures.assessment.framework_version_id
        )
        titles = dict(
            Norm.objects.filter(framework_version_id=framework_version_id).values_list(
                "code", "title"
            )
        )
        _plan_rows(report=report, version=version, titles=titles)
    return report


def render_html(*, report: SupervisoryReport) -> str:
    """The report as HTML, in Dutch whatever the language of the request."""
    with translation.override(REPORT_LANGUAGE):
        figures = report.dashboard
        report.decisions = _decisions(report)
        return render_to_string(
            "reports/pdf/supervisory.html",
            {
                "report": report,
                "board": report.board,
                "assessment": report.assessment,
                "dashboard": figures,
                "summary": figures.summary,
                "plan": figures.plan,
                "domain_chart": charts.domain_chart(
                    domains=figures.domains, target_level=figures.target_level
                ),
                "trend_chart": charts.trend_chart(
                    points=figures.trend, target_level=figures.target_level
                ),
                "language": REPORT_LANGUAGE,
            },
        )


def render_pdf(*, report: SupervisoryReport) -> bytes:
    """The report as a tagged PDF/UA-1 document with its fonts embedded."""
    return pdf_from_html(render_html(report=report))


def render_pdf_pages(*, report: SupervisoryReport) -> tuple[bytes, int]:
    """The report as `render_pdf` makes it, and its number of pages (laid out once)."""
    # HTML.write_pdf in its two steps: the laid-out document knows its pages.
    document = _html(render_html(report=report), ASSETS).render(pdf_variant=PDF_VARIANT)
    return document.write_pdf(pdf_variant=PDF_VARIANT), len(document.pages)


def pdf_from_html(html: str, *, assets: Path = ASSETS) -> bytes:
    """A tagged PDF/UA-1 document from HTML whose stylesheet lies in `assets`; nothing else is
    read (LocalFilesOnly). Also used by the sector's release report."""
    return _html(html, assets).write_pdf(pdf_variant=PDF_VARIANT)


def _html(html: str, assets: Path) -> HTML:
    return HTML(string=html, base_url=str(assets) + "/", url_fetcher=LocalFilesOnly(assets))
