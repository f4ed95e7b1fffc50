from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from kompas.accounts.http import AuthenticatedHtmxHttpRequest, AuthenticatedHttpRequest
from kompas.assessments import selectors, services
from kompas.assessments.excel import WorkbookRefused, check_size, read_workbook, workbook_bytes
from kompas.assessments.forms import ScoreForm, StartForm, WorkbookForm
from kompas.assessments.models import FrozenError, NormScore, SelfAssessment
from kompas.assessments.services import ScoreChange
from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record
from kompas.boards.access import BoardAccess, access_board, board_view
from kompas.boards.roles import Action
from kompas.boards.selectors import board_editors
from kompas.core.forms import add_validation_errors, error_text, posted_text
from kompas.frameworks.selectors import default_version, neighbours, offered_versions

FILTERS = {"open", "below", "mine"}


@login_required
@board_view(Action.VIEW)
def assessment_list(request: AuthenticatedHttpRequest, access: BoardAccess) -> HttpResponse:
    assessments = selectors.assessments_of(access=access)
    versions = offered_versions()
    form = StartForm(
        request.POST or None,
        assessments=assessments,
        versions=versions,
        default_version=default_version(),
    )
    if request.method == "POST" and access.may(Action.MANAGE_BOARD) and form.is_valid():
        try:
            assessment = services.assessment_start(
                access=access,
                actor=request.user,
                framework_version=form.cleaned_data["framework_version"],
                period=form.cleaned_data["period"],
                previous=form.cleaned_data["previous"],
                start_empty=form.cleaned_data.get("start_empty", False),
            )
        except ValidationError as error:
            if "start_empty" in getattr(error, "error_dict", {}):
                form.ask_start_empty()
            add_validation_errors(form, error)
        else:
            return redirect("assessments:overview", access.board.pk, assessment.pk)
    return render(
        request,
        "assessments/list.html",
        {
            "access": access,
            "board": access.board,
            "assessments": assessments,
            "form": form,
            "has_versions": versions.exists(),
        },
    )


@login_required
@board_view(Action.VIEW)
def overview(
    request: AuthenticatedHttpRequest, access: BoardAccess, assessment_id: int
) -> HttpResponse:
    assessment = selectors.get_assessment(access=access, assessment_id=assessment_id)
    only = request.GET.get("only", "")
    only = only if only in FILTERS else ""
    figures, groups = selectors.overview(assessment=assessment, only=only, user=request.user)
    waiting = selectors.waiting_confirmation(assessment=assessment)
    return render(
        request,
        "assessments/overview.html",
        {
            "access": access,
            "board": access.board,
            "assessment": assessment,
            "summary": figures,
            "groups": [(domain, rows, waiting.get(domain.code, 0)) for domain, rows in groups],
            "only": only,
            "can_edit": access.may(Action.EDIT),
            "open_version": selectors.open_version(assessment=assessment),
            "carry": selectors.carry_report(assessment=assessment),
            "waiting": waiting,
            "waiting_total": sum(waiting.values()),
            # One reverse() instead of one per norm; codes are URL-safe by the file format.
            "norm_url_prefix": reverse(
                "assessments:norm", args=[access.board.pk, assessment.pk, "-"]
            ).removesuffix("-/"),
        },
    )


@login_required
@board_view(Action.VIEW)
def norm_score(
    request: AuthenticatedHtmxHttpRequest, access: BoardAccess, assessment_id: int, code: str
) -> HttpResponse:
    # An htmx save answers with the saved state only: the level labels and the list of people
    # to assign are for the full page (the service checks a new assignee itself).
    partial = bool(request.htmx) and request.method == "POST"
    score = selectors.get_score(
        access=access, assessment_id=assessment_id, code=code, for_save=partial
    )
    assessment = score.assessment
    editable = assessment.is_editable and access.may_edit_item(score.assignee_id)
    members = None if partial else board_editors(board=access.board)
    labels = (
        None
        if partial or not editable
        else selectors.level_labels(score=score, assessment=assessment)
    )

    def form_for(data: object = None, initial: object = None) -> ScoreForm:
        return ScoreForm(data, initial=initial, score=score, members=members, level_labels=labels)

    form = form_for(initial=ScoreForm.initial_for(score))
    conflict: NormScore | None = None
    saved = False
    status = 200
    if request.method == "POST":
        if not access.may(Action.EDIT):
            # Raises 403 and records the refusal, for roles that may read but not edit.
            access_board(user=request.user, board_id=access.board.pk, action=Action.EDIT)
        form = form_for(request.POST)
        if form.is_valid():
            try:
                score = services.score_update(
                    access=access,
                    actor=request.user,
                    score=score,
                    revision=form.cleaned_data["revision"],
                    change=form.change(),
                )
            except services.ScoreConflict as clash:
                conflict, status = clash.current, 409
            except ValidationError as error:
                add_validation_errors(form, error)
                status = 400
            except FrozenError as error:
                form.add_error(None, str(error))
                status = 409
            else:
                saved = True
                if not request.htmx:
                    messages.success(request, _("%(code)s saved.") % {"code": score.norm.code})
                    return redirect(
                        "assessments:norm", access.board.pk, assessment.pk, score.norm.code
                    )
        else:
            status = 400
    context = {
        "access": access,
        "board": access.board,
        "assessment": assessment,
        "score": score,
        "norm": score.norm,
        "form": form,
        "conflict": conflict,
        "saved": saved,
        "editable": editable,
    }
    if not partial:
        context["previous"], context["following"] = neighbours(norm=score.norm)
        context["carried"] = selectors.carried_sources(score=score)
    if partial:
        # The form stays as the person filled it in; only the saved state and revision change.
        # htmx swaps only 2xx answers; the status is in the partial itself.
        return render(request, "assessments/_save_state.html", context)
    return render(request, "assessments/norm.html", context, status=status)


@login_required
@board_view(Action.EDIT)
@require_POST
def confirm(
    request: AuthenticatedHttpRequest, access: BoardAccess, assessment_id: int
) -> HttpResponse:
    """Confirm the carried-over values unchanged: of the posted domain, or all of them."""
    assessment = selectors.get_assessment(access=access, assessment_id=assessment_id)
    back = redirect("assessments:overview", access.board.pk, assessment.pk)
    try:
        done = services.scores_confirm(
            access=access,
            actor=request.user,
            assessment=assessment,
            domain_code=request.POST.get("domain") or None,
        )
    except (ValidationError, FrozenError) as error:
        messages.error(request, error_text(error))
        return back
    messages.success(
        request,
        ngettext(
            "%(count)d carried-over value confirmed unchanged.",
            "%(count)d carried-over values confirmed unchanged.",
            len(done.confirmed),
        )
        % {"count": len(done.confirmed)},
    )
    if done.left:
        messages.warning(
            request,
            _("Still to confirm on the norm's own page, as it has no level yet: %(codes)s.")
            % {"codes": ", ".join(done.left)},
        )
    return back


@login_required
@board_view(Action.MANAGE_BOARD)
@require_POST
def submit(request: HttpRequest, access: BoardAccess, assessment_id: int) -> HttpResponse:
    return _status_step(
        request,
        access,
        assessment_id,
        service=services.assessment_submit,
        done=_("Submitted to the executive for approval."),
    )


@login_required
@board_view(Action.APPROVE)
@require_POST
def approve(request: HttpRequest, access: BoardAccess, assessment_id: int) -> HttpResponse:
    return _status_step(
        request,
        access,
        assessment_id,
        service=services.assessment_approve,
        done=_("Approved. The evaluation is now frozen."),
    )


@login_required
@board_view(Action.APPROVE)
@require_POST
def send_back(request: HttpRequest, access: BoardAccess, assessment_id: int) -> HttpResponse:
    return _status_step(
        request,
        access,
        assessment_id,
        service=services.assessment_send_back,
        done=_("Sent back to the coordinator with your reason."),
        posted=("reason",),
    )


@login_required
@board_view(Action.APPROVE)
@require_POST
def reopen(request: HttpRequest, access: BoardAccess, assessment_id: int) -> HttpResponse:
    return _status_step(
        request,
        access,
        assessment_id,
        service=services.assessment_reopen,
        done=_("Reopened as a new version; the approved one is kept."),
        posted=("reason",),
    )


def _status_step(
    request: HttpRequest,
    access: BoardAccess,
    assessment_id: int,
    *,
    service: Callable[..., SelfAssessment | None],
    done: str,
    posted: tuple[str, ...] = (),
) -> HttpResponse:
    """Run one status service and go back to the overview: of the new version, if it made one.

    `posted` names the texts of the post the service takes, as keyword arguments.
    """
    assessment = selectors.get_assessment(access=access, assessment_id=assessment_id)
    try:
        extra = {name: posted_text(request.POST, name) for name in posted}
        result = service(access=access, actor=request.user, assessment=assessment, **extra)
    except (ValidationError, FrozenError) as error:
        messages.error(request, error_text(error))
        return redirect("assessments:overview", access.board.pk, assessment.pk)
    messages.success(request, done)
    shown = assessment if result is None else result
    return redirect("assessments:overview", access.board.pk, shown.pk)


@login_required
@board_view(Action.VIEW)
@require_safe
def comparison(request: HttpRequest, access: BoardAccess, assessment_id: int) -> HttpResponse:
    later = selectors.get_assessment(access=access, assessment_id=assessment_id)
    # Periods of the same version, and of versions a mapping reads in this one's norms.
    candidates = (
        selectors.assessments_of(access=access)
        .filter(
            Q(framework_version=later.framework_version)
            | Q(framework_version__mappings_from__target=later.framework_version)
        )
        .exclude(pk=later.pk)
        .select_related("framework_version")
        .distinct()
    )
    chosen = request.GET.get("with", "")
    earlier = None
    if chosen.isdigit():
        earlier = get_object_or_404(candidates, pk=int(chosen))
    elif later.started_from_id:
        earlier = candidates.filter(pk=later.started_from_id).first()
    result = None
    if earlier is not None:
        result = selectors.compare(earlier=earlier, later=later)
    return render(
        request,
        "assessments/compare.html",
        {
            "access": access,
            "board": access.board,
            "later": later,
            "earlier": earlier,
            "candidates": candidates,
            "comparison": result,
        },
    )


@login_required
@board_view(Action.VIEW)
@require_safe
def export_xlsx(request: HttpRequest, access: BoardAccess, assessment_id: int) -> HttpResponse:
    assessment = selectors.get_assessment(access=access, assessment_id=assessment_id)
    content = workbook_bytes(assessment=assessment)
    audit_record(
        action=AuditAction.EXPORT,
        actor=request.user,
        board_id=access.board.pk,
        obj=assessment,
        object_repr=f"{assessment} (xlsx)",
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"zelfevaluatie-{access.board.bg_number}-{slugify(assessment.period)}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


IMPORT_SALT = "kompas.assessments.import"
# The preview is signed and expires: what is confirmed is exactly what was shown, recently.
IMPORT_VALID_SECONDS = 60 * 60


@login_required
@board_view(Action.EDIT)
def import_xlsx(request: HttpRequest, access: BoardAccess, assessment_id: int) -> HttpResponse:
    """Upload a filled-in workbook and see exactly what it would change; nothing is saved yet."""
    assessment = selectors.get_assessment(access=access, assessment_id=assessment_id)
    if not assessment.is_editable:
        messages.error(request, _("This self-evaluation is submitted or approved."))
        return redirect("assessments:overview", access.board.pk, assessment.pk)
    form = WorkbookForm(request.POST or None, request.FILES or None)
    preview = None
    plan = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                preview = read_workbook(
                    data=_read_limited(form.cleaned_data["workbook"]), assessment=assessment
                )
            except WorkbookRefused as refusal:
                form.add_error("workbook", str(refusal))
        if not form.is_valid() or (preview and preview.problems):
            status = 400
        elif preview and preview.changes:
            plan = signing.dumps(
                {
                    "assessment": assessment.pk,
                    "user": request.user.pk,
                    "changes": [asdict(item.planned) for item in preview.changes],
                },
                salt=IMPORT_SALT,
                compress=True,
            )
    return render(
        request,
        "assessments/import.html",
        {
            "access": access,
            "board": access.board,
            "assessment": assessment,
            "form": form,
            "preview": preview,
            "plan": plan,
        },
        status=status,
    )


def _read_limited(upload: Any) -> bytes:
    """The upload's bytes, refused before reading when it is over the limit."""
    check_size(upload.size)
    return bytes(upload.read())


@login_required
@board_view(Action.EDIT)
@require_POST
def import_xlsx_confirm(
    request: AuthenticatedHttpRequest, access: BoardAccess, assessment_id: int
) -> HttpResponse:
    """Apply a previewed workbook, all of it in one transaction, or nothing."""
    assessment = selectors.get_assessment(access=access, assessment_id=assessment_id)
    try:
        plan = signing.loads(
            request.POST.get("plan", ""), salt=IMPORT_SALT, max_age=IMPORT_VALID_SECONDS
        )
    except signing.BadSignature:
        messages.error(request, _("The preview has expired or was altered; upload the file again."))
        return redirect("assessments:import_xlsx", access.board.pk, assessment.pk)
    if plan["assessment"] != assessment.pk or plan["user"] != request.user.pk:
        messages.error(request, _("That preview belongs to another evaluation or person."))
        return redirect("assessments:import_xlsx", access.board.pk, assessment.pk)
    planned = [
        services.PlannedChange(
            code=item["code"], revision=item["revision"], change=ScoreChange(**item["change"])
        )
        for item in plan["changes"]
    ]
    try:
        count = services.scores_import(
            access=access, actor=request.user, assessment=assessment, planned=planned
        )
    except services.ImportConflict as conflict:
        messages.error(
            request,
            _(
                "Nothing was imported: colleagues changed %(codes)s after your preview. "
                "Download the workbook again or upload yours again to see the new differences."
            )
            % {"codes": ", ".join(conflict.codes)},
        )
        return redirect("assessments:import_xlsx", access.board.pk, assessment.pk)
    except (ValidationError, FrozenError) as error:
        messages.error(request, error_text(error))
        return redirect("assessments:overview", access.board.pk, assessment.pk)
    messages.success(request, _("%(count)s norms updated from the workbook.") % {"count": count})
    return redirect("assessments:overview", access.board.pk, assessment.pk)
