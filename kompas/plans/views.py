"""The improvement plan's pages: the plan with its check, measures, risks, approved versions."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kompas.accounts.http import AuthenticatedHttpRequest
from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record
from kompas.boards.access import BoardAccess, access_board, access_board_object, board_view
from kompas.boards.roles import Action
from kompas.boards.selectors import board_memberships
from kompas.core.forms import add_validation_errors, error_text, posted_text
from kompas.frameworks.models import ExampleMeasure, Norm
from kompas.plans import selectors, services
from kompas.plans.excel import plan_workbook
from kompas.plans.forms import DeadlineForm, MeasureForm, ProgressForm, RiskForm
from kompas.plans.models import Measure, MeasureStatus, RiskAcceptance
from kompas.plans.revision import measures_to_review
from kompas.plans.warnings import plan_warnings


@login_required
@board_view(Action.VIEW)
@require_safe
def plan(request: HttpRequest, access: BoardAccess) -> HttpResponse:
    check = selectors.plan_check(board=access.board)
    measures = list(selectors.measures_of(access=access))
    today = timezone.localdate()
    selectors.attach_suggestions(check=check)
    return render(
        request,
        "plans/plan.html",
        {
            "access": access,
            "board": access.board,
            "check": check,
            "warnings": plan_warnings(board=access.board, check=check, today=today),
            "to_review": measures_to_review(assessment=check.assessment),
            "measures": measures,
            "overdue": [measure for measure in measures if measure.is_overdue(today)],
            "today": today,
            "versions": selectors.versions_of(access=access),
            "deadline_form": DeadlineForm(initial={"deadline": check.deadline}),
            "can_edit": access.may(Action.EDIT),
            "can_accept": access.may(Action.ACCEPT_RISK),
            "can_propose": access.may(Action.PROPOSE_RISK),
            "can_approve": access.may(Action.APPROVE),
            "can_manage": access.may(Action.MANAGE_BOARD),
            "plan": selectors.plan_of(board=access.board),
        },
    )


def _norms_for(access: BoardAccess) -> Any:
    assessment = selectors.current_assessment(board=access.board)
    if assessment is None:
        return Norm.objects.none()
    return Norm.objects.filter(framework_version_id=assessment.framework_version_id).select_related(
        "domain"
    )


@login_required
@board_view(Action.EDIT)
def measure_new(request: AuthenticatedHttpRequest, access: BoardAccess) -> HttpResponse:
    norms = _norms_for(access)
    initial: dict[str, Any] = {
        "due_date": selectors.plan_of(board=access.board).deadline,
        "owner": request.user.pk,
        "status": MeasureStatus.PLANNED,
        "priority": "medium",
    }
    chosen = norms.filter(code=request.GET.get("norm", "")).first()
    if chosen is not None:
        initial["norms"] = [chosen.pk]
    form = MeasureForm(
        request.POST or None,
        initial=initial,
        norms=norms,
        members=board_memberships(board=access.board),
    )
    if request.method == "POST" and form.is_valid():
        data, links = form.data_and_links()
        try:
            measure = services.measure_create(
                access=access, actor=request.user, data=data, links=links
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Measure added to the plan."))
            return redirect("plans:measure", access.board.pk, measure.pk)
    return render(
        request,
        "plans/measure_form.html",
        {"access": access, "board": access.board, "form": form, "measure": None},
        status=400 if form.errors else 200,
    )


@login_required
@board_view(Action.VIEW)
def measure_edit(
    request: AuthenticatedHttpRequest, access: BoardAccess, measure_id: int
) -> HttpResponse:
    measure = access_board_object(
        access=access, queryset=selectors.measures_of(access=access), pk=measure_id
    )
    links = list(measure.links.all())
    initial = {
        "revision": measure.revision,
        "title": measure.title,
        "description": measure.description,
        "norms": [link.norm_id for link in links],
        "target_level": max((link.target_level for link in links), default=3),
        "owner": measure.owner_id or "",
        "start_date": measure.start_date,
        "due_date": measure.due_date,
        "status": measure.status,
        "priority": measure.priority,
        "effort_days": measure.effort_days,
        "cost_euros": measure.cost_euros,
    }
    form = MeasureForm(
        request.POST or None,
        initial=initial,
        norms=_norms_for(access),
        members=board_memberships(board=access.board),
    )
    conflict = None
    status = 200
    if request.method == "POST":
        if not access.may(Action.EDIT):
            # Raises 403 and records the refusal, for roles that may read but not edit.
            access_board(user=request.user, board_id=access.board.pk, action=Action.EDIT)
        if form.is_valid():
            data, new_links = form.data_and_links()
            try:
                services.measure_update(
                    access=access,
                    actor=request.user,
                    measure=measure,
                    revision=form.cleaned_data["revision"] or 0,
                    data=data,
                    links=new_links,
                )
            except services.MeasureConflict as clash:
                conflict, status = clash.current, 409
            except ValidationError as error:
                add_validation_errors(form, error)
                status = 400
            else:
                messages.success(request, _("Measure saved."))
                return redirect("plans:measure", access.board.pk, measure.pk)
        else:
            status = 400
    return render(
        request,
        "plans/measure_form.html",
        {
            "access": access,
            "board": access.board,
            "form": form,
            "measure": measure,
            "links": links,
            "conflict": conflict,
            "updates": measure.updates.select_related("author"),
            "progress_form": ProgressForm(initial={"status": measure.status}),
            "can_edit": access.may_edit_item(measure.owner_id),
            "overdue": measure.is_overdue(timezone.localdate()),
        },
        status=status,
    )


@login_required
@board_view(Action.EDIT)
@require_POST
def measure_progress(
    request: AuthenticatedHttpRequest, access: BoardAccess, measure_id: int
) -> HttpResponse:
    measure = access_board_object(access=access, queryset=Measure.objects.all(), pk=measure_id)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.measure_progress(
                access=access, actor=request.user, measure=measure, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Progress recorded."))
    else:
        messages.error(
            request, " ".join(str(error) for errors in form.errors.values() for error in errors)
        )
    return redirect("plans:measure", access.board.pk, measure.pk)


@login_required
@board_view(Action.EDIT)
@require_POST
def suggestion_accept(
    request: AuthenticatedHttpRequest, access: BoardAccess, example_id: int
) -> HttpResponse:
    example = get_object_or_404(ExampleMeasure, pk=example_id)
    try:
        measure = services.measure_from_suggestion(
            access=access, actor=request.user, example=example
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("plans:plan", access.board.pk)
    messages.success(request, _("Measure created from the suggestion; adjust it where needed."))
    return redirect("plans:measure", access.board.pk, measure.pk)


@login_required
@board_view(Action.ACCEPT_RISK)
def risk_new(request: AuthenticatedHttpRequest, access: BoardAccess, code: str) -> HttpResponse:
    """The executive accepts a risk: a new one, or the coordinator's proposal as proposed."""
    norm = get_object_or_404(_norms_for(access), code=code)
    proposal = RiskAcceptance.objects.filter(
        board=access.board, norm=norm, withdrawn_at__isnull=True, accepted_at__isnull=True
    ).first()
    initial = {"reason": proposal.reason, "review_date": proposal.review_date} if proposal else {}
    form = RiskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_accept(access=access, actor=request.user, norm=norm, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Risk accepted for %(code)s.") % {"code": norm.code})
            return redirect("plans:plan", access.board.pk)
    return _risk_form(request, access, norm, form, proposal=proposal, proposing=False)


@login_required
@board_view(Action.PROPOSE_RISK)
def risk_propose(request: AuthenticatedHttpRequest, access: BoardAccess, code: str) -> HttpResponse:
    """The coordinator proposes a risk acceptance for the executive to decide on."""
    norm = get_object_or_404(_norms_for(access), code=code)
    form = RiskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_propose(access=access, actor=request.user, norm=norm, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request,
                _("Risk acceptance proposed for %(code)s; the executive decides on it.")
                % {"code": norm.code},
            )
            return redirect("plans:plan", access.board.pk)
    return _risk_form(request, access, norm, form, proposal=None, proposing=True)


def _risk_form(
    request: HttpRequest,
    access: BoardAccess,
    norm: Norm,
    form: RiskForm,
    *,
    proposal: RiskAcceptance | None,
    proposing: bool,
) -> HttpResponse:
    return render(
        request,
        "plans/risk_form.html",
        {
            "access": access,
            "board": access.board,
            "form": form,
            "norm": norm,
            "proposal": proposal,
            "proposing": proposing,
        },
        status=400 if form.errors else 200,
    )


@login_required
@board_view(Action.VIEW)
@require_POST
def risk_withdraw(
    request: AuthenticatedHttpRequest, access: BoardAccess, risk_id: int
) -> HttpResponse:
    """Withdraw an acceptance, decline a proposal (executive) or take one back (coordinator)."""
    acceptance = access_board_object(
        access=access, queryset=RiskAcceptance.objects.select_related("norm"), pk=risk_id
    )
    was_proposal = acceptance.is_proposal
    services.risk_withdraw(access=access, actor=request.user, acceptance=acceptance)
    if was_proposal:
        text = _("The proposal to accept the risk of %(code)s is withdrawn.")
    else:
        text = _("Risk acceptance withdrawn for %(code)s.")
    messages.success(request, text % {"code": acceptance.norm.code})
    return redirect("plans:plan", access.board.pk)


@login_required
@board_view(Action.MANAGE_BOARD)
@require_POST
def deadline(request: AuthenticatedHttpRequest, access: BoardAccess) -> HttpResponse:
    form = DeadlineForm(request.POST)
    if form.is_valid():
        services.plan_set_deadline(
            access=access, actor=request.user, deadline=form.cleaned_data["deadline"]
        )
        messages.success(request, _("Deadline saved."))
    else:
        messages.error(request, _("Give the deadline as a date."))
    return redirect("plans:plan", access.board.pk)


@login_required
@board_view(Action.MANAGE_BOARD)
@require_POST
def submit(request: AuthenticatedHttpRequest, access: BoardAccess) -> HttpResponse:
    try:
        services.plan_submit(access=access, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The plan is submitted to the executive for approval."))
    return redirect("plans:plan", access.board.pk)


@login_required
@board_view(Action.APPROVE)
@require_POST
def send_back(request: AuthenticatedHttpRequest, access: BoardAccess) -> HttpResponse:
    try:
        services.plan_send_back(
            access=access, actor=request.user, reason=posted_text(request.POST, "reason")
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The plan is sent back to the coordinator."))
    return redirect("plans:plan", access.board.pk)


@login_required
@board_view(Action.APPROVE)
@require_POST
def approve(request: AuthenticatedHttpRequest, access: BoardAccess) -> HttpResponse:
    try:
        version = services.plan_approve(
            access=access, actor=request.user, note=posted_text(request.POST, "note")
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request, _("Plan approved as version %(number)s.") % {"number": version.number}
        )
    return redirect("plans:plan", access.board.pk)


@login_required
@board_view(Action.VIEW)
@require_safe
def version(request: HttpRequest, access: BoardAccess, number: int) -> HttpResponse:
    approved = get_object_or_404(selectors.versions_of(access=access), number=number)
    return render(
        request,
        "plans/version.html",
        {"access": access, "board": access.board, "version": approved},
    )


@login_required
@board_view(Action.VIEW)
@require_safe
def compare(request: HttpRequest, access: BoardAccess) -> HttpResponse:
    versions = selectors.versions_of(access=access)
    numbers = {"a": request.GET.get("a", ""), "b": request.GET.get("b", "")}
    chosen = {
        key: versions.filter(number=int(value)).first() if value.isdigit() else None
        for key, value in numbers.items()
    }
    result = None
    if chosen["a"] and chosen["b"]:
        result = selectors.compare_versions(earlier=chosen["a"], later=chosen["b"])
    return render(
        request,
        "plans/compare.html",
        {
            "access": access,
            "board": access.board,
            "versions": versions,
            "earlier": chosen["a"],
            "later": chosen["b"],
            "comparison": result,
        },
    )


@login_required
@board_view(Action.VIEW)
@require_safe
def export_xlsx(request: HttpRequest, access: BoardAccess) -> HttpResponse:
    check = selectors.plan_check(board=access.board)
    content = plan_workbook(
        check=check,
        measures=list(selectors.measures_of(access=access)),
        today=timezone.localdate(),
    )
    audit_record(
        action=AuditAction.EXPORT,
        actor=request.user,
        board_id=access.board.pk,
        object_type="plans.plan",
        object_id=str(access.board.pk),
        object_repr=f"{access.board} · verbeterplan (xlsx)",
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"verbeterplan-{access.board.bg_number}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
