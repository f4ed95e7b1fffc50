"""The board's export as a download for its coordinator, and the platform admin's restore."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kompas.accounts.http import AuthenticatedHttpRequest
from kompas.boards.access import BoardAccess, board_view, sector_view
from kompas.boards.roles import Action, SectorRole
from kompas.exports.board_export import BoardExportError, board_export
from kompas.exports.document import BoardFileError
from kompas.exports.forms import RestoreForm
from kompas.exports.restore import (
    Preview,
    RestoreRefused,
    refused,
    restore_confirm,
    restore_preview,
)

admin_only = sector_view(SectorRole.PLATFORM_ADMIN)


@login_required
@board_view(Action.EXPORT_BOARD)
@require_safe
def board_download(request: AuthenticatedHttpRequest, access: BoardAccess) -> HttpResponse:
    """The board's complete data as JSON; the download is recorded on the board's trail."""
    board = access.board
    try:
        text = board_export(board=board, actor=request.user)
    except BoardExportError as error:
        messages.error(request, _("The export was not made: %(reason)s") % {"reason": error})
        return redirect("boards:home", board.pk)
    response = HttpResponse(text.encode("utf-8"), content_type="application/json; charset=utf-8")
    name = f"ibp-kompas-{board.bg_number}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _render(
    request: AuthenticatedHttpRequest,
    form: RestoreForm,
    preview: Preview | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request, "exports/restore.html", {"form": form, "preview": preview}, status=status
    )


@login_required
@admin_only
def restore(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a board export and see what it would restore; nothing is written yet."""
    form = RestoreForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _render(request, form)
    if not form.is_valid():
        return _render(request, form, status=400)
    upload = form.cleaned_data["export"]
    if upload.size > settings.BOARD_RESTORE_MAX_BYTES:
        # Refused before it is read.
        form.add_error(
            "export",
            _("The file is larger than %(max)d MB, the most this installation accepts.")
            % {"max": settings.BOARD_RESTORE_MAX_BYTES // (1024 * 1024)},
        )
        return _render(request, form, status=400)
    try:
        preview = restore_preview(actor=request.user, filename=upload.name, data=upload.read())
    except RestoreRefused as refusal:
        form.add_error("export", str(refusal))
        return _render(request, form, status=400)
    return _render(request, RestoreForm(), preview, status=400 if preview.problems else 200)


@login_required
@admin_only
@require_POST
def restore_confirm_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Restore the previewed file, checked once more; a refusal changes nothing."""
    try:
        result = restore_confirm(actor=request.user, ticket=request.POST.get("ticket", ""))
    except RestoreRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("exports:restore")
    except BoardFileError as error:
        return _render(request, RestoreForm(), refused(error), status=400)
    board = result.board
    messages.success(
        request,
        _("%(name)s (%(bg_number)s) was restored.")
        % {"name": board.name, "bg_number": board.bg_number},
    )
    for warning in result.warnings:
        messages.warning(request, warning)
    if result.created_people:
        messages.info(
            request,
            _(
                "Accounts created without a password (they sign in through a password reset "
                "or single sign-on): %(emails)s"
            )
            % {"emails": ", ".join(result.created_people)},
        )
    return redirect("platform:board", board.pk)
