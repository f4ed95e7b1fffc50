"""The board dashboard and the supervisory-board report (PDF); both are for every board role.

A member who may read all of the board's content sees the current evaluation and the living
plan; the supervisor (VIEW_REPORTS only) sees approved evaluations and approved plan versions
only. The PDF is always based on approved data, whoever downloads it.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record
from kompas.boards.access import BoardAccess, board_view
from kompas.boards.roles import Action
from kompas.reports import charts
from kompas.reports.dashboard import board_dashboard, panels


@login_required
@board_view(Action.VIEW_REPORTS)
@require_safe
def dashboard(request: HttpRequest, access: BoardAccess) -> HttpResponse:
    today = timezone.localdate()
    approved_only = not access.may(Action.VIEW)
    figures = board_dashboard(board=access.board, approved_only=approved_only, today=today)
    return render(
        request,
        "reports/dashboard.html",
        {
            "access": access,
            "board": access.board,
            "dashboard": figures,
            "domain_chart": charts.domain_chart(
                domains=figures.domains, target_level=figures.target_level
            ),
            "distribution_chart": charts.distribution_chart(
                groups=figures.distribution, level_names=figures.level_names
            ),
            "trend_chart": charts.trend_chart(
                points=figures.trend, target_level=figures.target_level
            ),
            "panels": panels(access=access, approved_only=approved_only, today=today),
            "can_view_all": not approved_only,
        },
    )


@login_required
@board_view(Action.VIEW_REPORTS)
@require_safe
def supervisory_pdf(request: HttpRequest, access: BoardAccess) -> HttpResponse:
    # WeasyPrint takes half a second to import: only processes that render a report pay it.
    from kompas.reports.pdf import render_pdf, supervisory_report  # noqa: PLC0415

    report = supervisory_report(board=access.board, today=timezone.localdate())
    if report is None:
        return render(
            request,
            "reports/pdf/unavailable.html",
            {"access": access, "board": access.board},
        )
    content = render_pdf(report=report)
    audit_record(
        action=AuditAction.EXPORT,
        actor=request.user,
        board_id=access.board.pk,
        obj=report.assessment,
        object_repr=f"{report.assessment} (supervisory-board report, pdf)",
    )
    response = HttpResponse(content, content_type="application/pdf")
    name = f"rapportage-toezicht-{access.board.bg_number}-{slugify(report.assessment.period)}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
