"""The annual-report paragraph's pages: the years, a paragraph, its editing, approval, downloads."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from kompas.accounts.http import AuthenticatedHttpRequest
from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record
from kompas.boards.access import BoardAccess, board_view
from kompas.boards.roles import Action
from kompas.core.forms import Form, add_validation_errors, error_text
from kompas.reports.annual_export import (
    DOCX_CONTENT_TYPE,
    annual_docx,
    annual_txt,
    export_filename,
)
from kompas.reports.annual_selectors import annual_reports_of, get_annual_report, versions_of_year
from kompas.reports.annual_services import (
    FIRST_YEAR,
    AnnualReportConflict,
    annual_report_approve,
    annual_report_draft,
    annual_report_new_version,
    annual_report_update,
)
from kompas.reports.models import AnnualReport, ApprovedError


def _years() -> list[tuple[int, str]]:
    return [(year, str(year)) for year in range(timezone.localdate().year, FIRST_YEAR - 1, -1)]


class YearForm(Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["year"].choices = _years()  # type: ignore[attr-defined]


class TextForm(Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=gettext_lazy("Text of the paragraph"),
        widget=forms.Textarea(attrs={"rows": 24, "lang": "nl"}),
        strip=False,
        help_text=gettext_lazy("An empty line starts a new paragraph."),
    )


@login_required
@board_view(Action.VIEW_REPORTS)
@require_safe
def annual_list(request: HttpRequest, access: BoardAccess) -> HttpResponse:
    today = timezone.localdate()
    # Until midyear, the report being written is last year's.
    initial = today.year - 1 if today.month <= 6 else today.year
    return render(
        request,
        "reports/annual_list.html",
        {
            "access": access,
            "board": access.board,
            "reports": annual_reports_of(access=access),
            "form": YearForm(initial={"year": max(initial, FIRST_YEAR)}),
            "can_edit": access.may(Action.EDIT),
        },
    )


@login_required
@board_view(Action.EDIT)
@require_POST
def annual_generate(request: AuthenticatedHttpRequest, access: BoardAccess) -> HttpResponse:
    form = YearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a year."))
        return redirect("reports:annual_list", access.board.pk)
    year = form.cleaned_data["year"]
    try:
        report = annual_report_draft(access=access, actor=request.user, year=year)
    except (ValidationError, ApprovedError) as error:
        messages.error(request, error_text(error))
        return redirect("reports:annual_list", access.board.pk)
    if report.text != report.generated_text:
        messages.success(
            request,
            _("Generated again from the data. Your text is kept; compare it with the new text."),
        )
    else:
        messages.success(request, _("Generated from the data for %(year)d.") % {"year": year})
    return redirect("reports:annual_edit", access.board.pk, report.pk)


@login_required
@board_view(Action.VIEW_REPORTS)
@require_safe
def annual_report(request: HttpRequest, access: BoardAccess, annual_id: int) -> HttpResponse:
    report = get_annual_report(access=access, report_id=annual_id)
    versions = versions_of_year(report=report)
    if not access.may(Action.VIEW):
        versions = versions.filter(status=report.status)
    return render(
        request,
        "reports/annual_report.html",
        {
            "access": access,
            "board": access.board,
            "report": report,
            "versions": versions,
            "is_latest": not versions.filter(version__gt=report.version).exists(),
            "can_edit": access.may(Action.EDIT),
            "can_approve": access.may(Action.APPROVE),
        },
    )


@login_required
@board_view(Action.EDIT)
def annual_edit(
    request: AuthenticatedHttpRequest, access: BoardAccess, annual_id: int
) -> HttpResponse:
    report = get_annual_report(access=access, report_id=annual_id)
    if report.is_approved:
        messages.info(request, _("This paragraph is approved and never changes."))
        return redirect("reports:annual_report", access.board.pk, report.pk)
    form = TextForm(
        request.POST or None, initial={"revision": report.revision, "text": report.text}
    )
    conflict: AnnualReport | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                annual_report_update(
                    access=access,
                    actor=request.user,
                    report=report,
                    revision=form.cleaned_data["revision"],
                    text=form.cleaned_data["text"],
                )
            except AnnualReportConflict as clash:
                conflict, status = clash.current, 409
            except ValidationError as error:
                add_validation_errors(form, error)
                status = 400
            except ApprovedError as error:
                messages.error(request, str(error))
                return redirect("reports:annual_report", access.board.pk, report.pk)
            else:
                messages.success(request, _("Paragraph saved."))
                return redirect("reports:annual_edit", access.board.pk, report.pk)
        else:
            status = 400
    return render(
        request,
        "reports/annual_edit.html",
        {
            "access": access,
            "board": access.board,
            "report": report,
            "form": form,
            "conflict": conflict,
            "edited": report.text != report.generated_text,
        },
        status=status,
    )


@login_required
@board_view(Action.APPROVE)
@require_POST
def annual_approve(
    request: AuthenticatedHttpRequest, access: BoardAccess, annual_id: int
) -> HttpResponse:
    report = get_annual_report(access=access, report_id=annual_id)
    try:
        annual_report_approve(access=access, actor=request.user, report=report)
    except ApprovedError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Approved. This version of the paragraph now never changes."))
    return redirect("reports:annual_report", access.board.pk, report.pk)


@login_required
@board_view(Action.EDIT)
@require_POST
def annual_new_version(
    request: AuthenticatedHttpRequest, access: BoardAccess, annual_id: int
) -> HttpResponse:
    report = get_annual_report(access=access, report_id=annual_id)
    try:
        created = annual_report_new_version(access=access, actor=request.user, report=report)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("reports:annual_report", access.board.pk, report.pk)
    messages.success(request, _("New version made; the approved one is kept."))
    return redirect("reports:annual_edit", access.board.pk, created.pk)


def _download(
    request: HttpRequest,
    access: BoardAccess,
    annual_id: int,
    *,
    extension: str,
    content_type: str,
) -> HttpResponse:
    report = get_annual_report(access=access, report_id=annual_id)
    content = annual_docx(report=report) if extension == "docx" else annual_txt(report=report)
    audit_record(
        action=AuditAction.EXPORT,
        actor=request.user,
        board_id=access.board.pk,
        obj=report,
        object_repr=f"{report} ({extension})",
    )
    response = HttpResponse(content, content_type=content_type)
    name = export_filename(report=report, extension=extension)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@board_view(Action.VIEW_REPORTS)
@require_safe
def annual_docx_download(request: HttpRequest, access: BoardAccess, annual_id: int) -> HttpResponse:
    return _download(request, access, annual_id, extension="docx", content_type=DOCX_CONTENT_TYPE)


@login_required
@board_view(Action.VIEW_REPORTS)
@require_safe
def annual_txt_download(request: HttpRequest, access: BoardAccess, annual_id: int) -> HttpResponse:
    return _download(
        request, access, annual_id, extension="txt", content_type="text/plain; charset=utf-8"
    )
