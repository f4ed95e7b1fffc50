"""The issued supervisory-board reports: the list, issuing one for a meeting, the download."""

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from kompas.accounts.http import AuthenticatedHttpRequest
from kompas.boards.access import BoardAccess, board_view
from kompas.boards.roles import Action
from kompas.core.forms import Form, add_validation_errors
from kompas.reports.issued_selectors import get_issued_report, issued_reports_of
from kompas.reports.issued_services import (
    IssuedReportDamaged,
    issued_report_content,
    report_issue,
)
from kompas.reports.models import MEETING_NAME_MAX

logger = logging.getLogger(__name__)


class IssueForm(Form):
    meeting_date = forms.DateField(
        label=gettext_lazy("Date of the meeting"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Give the date of the meeting."),
            "invalid": gettext_lazy("Give the date of the meeting as a date, e.g. 3-12-2026."),
        },
    )
    meeting_name = forms.CharField(
        label=gettext_lazy("Meeting"),
        # The service measures the length, with a message that says by how much.
        widget=forms.TextInput(attrs={"maxlength": MEETING_NAME_MAX, "autocomplete": "off"}),
        help_text=gettext_lazy("For example: Vergadering raad van toezicht."),
        error_messages={"required": gettext_lazy("Give the name of the meeting.")},
    )


def _list(
    request: HttpRequest, access: BoardAccess, form: IssueForm, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "reports/issued_list.html",
        {
            "access": access,
            "board": access.board,
            "issued": issued_reports_of(access=access),
            "form": form,
            "can_issue": access.may(Action.ISSUE_REPORTS),
        },
        status=status,
    )


@login_required
@board_view(Action.VIEW_REPORTS)
@require_safe
def issued_list(request: HttpRequest, access: BoardAccess) -> HttpResponse:
    return _list(request, access, IssueForm())


@login_required
@board_view(Action.ISSUE_REPORTS)
@require_POST
def issue(request: AuthenticatedHttpRequest, access: BoardAccess) -> HttpResponse:
    form = IssueForm(request.POST)
    if not form.is_valid():
        return _list(request, access, form, status=400)
    try:
        issued = report_issue(
            access=access,
            actor=request.user,
            meeting_date=form.cleaned_data["meeting_date"],
            meeting_name=form.cleaned_data["meeting_name"],
        )
    except ValidationError as error:
        add_validation_errors(form, error)
        return _list(request, access, form, status=400)
    messages.success(
        request,
        _("Issued for %(meeting)s on %(date)s. The PDF is kept exactly as it is now.")
        % {"meeting": issued.meeting_name, "date": date_format(issued.meeting_date)},
    )
    return redirect("reports:issued_list", access.board.pk)


@login_required
@board_view(Action.VIEW_REPORTS)
@require_safe
def issued_download(
    request: AuthenticatedHttpRequest, access: BoardAccess, issued_id: int
) -> HttpResponse:
    issued = get_issued_report(access=access, issued_id=issued_id)
    try:
        content = issued_report_content(access=access, actor=request.user, issued=issued)
    except IssuedReportDamaged:
        logger.exception("Issued report %s cannot be served", issued.pk)
        return render(
            request,
            "reports/issued_damaged.html",
            {"access": access, "board": access.board, "report": issued},
            status=500,
        )
    response = HttpResponse(content, content_type="application/pdf")
    meeting = slugify(issued.meeting_name)[:40].strip("-") or "vergadering"
    board, date = access.board.bg_number, f"{issued.meeting_date:%Y-%m-%d}"
    name = f"rapportage-toezicht-{board}-{date}-{meeting}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
