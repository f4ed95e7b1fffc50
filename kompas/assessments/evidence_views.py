"""Evidence on a norm's page: add (a file or a link), remove, download.

Adding and removing are plain form posts that come back to the norm page with a message, so
they work without JavaScript and never touch the score form beside them. Downloads go through
the access layer and are always attachments: an uploaded file is never shown inline.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from kompas.accounts.http import AuthenticatedHttpRequest
from kompas.assessments import evidence as services
from kompas.assessments import selectors
from kompas.assessments.evidence_selectors import get_evidence
from kompas.assessments.models import FrozenError
from kompas.boards.access import BoardAccess, board_view
from kompas.boards.roles import Action
from kompas.core.forms import error_text

logger = logging.getLogger(__name__)
# Room for the form's other fields and the multipart boundaries around the file.
FORM_OVERHEAD_BYTES = 64 * 1024


def _back_to_norm(access: BoardAccess, assessment_id: int, code: str) -> HttpResponse:
    return redirect("assessments:norm", access.board.pk, assessment_id, code)


@login_required
@board_view(Action.EDIT)
@require_POST
@csrf_exempt  # checked below, once the size is known to be acceptable
def evidence_add(
    request: AuthenticatedHttpRequest, access: BoardAccess, assessment_id: int, code: str
) -> HttpResponse:
    """Refuse an oversized upload from its Content-Length, before the body is read into a file.

    CSRF protection reads the body, so it runs after this check; refusing changes nothing.
    """
    declared = request.META.get("CONTENT_LENGTH") or "0"
    limit = settings.EVIDENCE_MAX_BYTES
    if declared.isdigit() and int(declared) > limit + FORM_OVERHEAD_BYTES:
        messages.error(
            request,
            _("The file is larger than %(limit)s, the most a file may be.")
            % {"limit": filesizeformat(limit)},
        )
        return _back_to_norm(access, assessment_id, code)
    return _evidence_add(request, access, assessment_id, code)


@csrf_protect
def _evidence_add(
    request: AuthenticatedHttpRequest, access: BoardAccess, assessment_id: int, code: str
) -> HttpResponse:
    score = selectors.get_score(access=access, assessment_id=assessment_id, code=code)
    assessment = score.assessment
    upload = request.FILES.get("file")
    try:
        if request.POST.get("kind") == "link":
            item = services.evidence_add_link(
                access=access,
                actor=request.user,
                score=score,
                url=request.POST.get("url", ""),
                title=request.POST.get("title", ""),
            )
        elif upload is not None:
            item = services.evidence_add_file(
                access=access, actor=request.user, score=score, upload=upload
            )
        else:
            raise ValidationError(_("Choose a file to add."))
    except (ValidationError, FrozenError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Evidence added: %(label)s.") % {"label": item.label})
    return _back_to_norm(access, assessment.pk, score.norm.code)


@login_required
@board_view(Action.EDIT)
@require_POST
def evidence_remove(
    request: AuthenticatedHttpRequest,
    access: BoardAccess,
    assessment_id: int,
    code: str,
    evidence_id: int,
) -> HttpResponse:
    item = get_evidence(access=access, evidence_id=evidence_id)
    if item.score.assessment_id != assessment_id or item.score.norm.code != code:
        raise Http404("No such evidence on this norm.")
    try:
        services.evidence_remove(access=access, actor=request.user, evidence=item)
    except FrozenError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Evidence removed: %(label)s.") % {"label": item.label})
    return _back_to_norm(access, assessment_id, code)


@login_required
@board_view(Action.VIEW_EVIDENCE)
@require_safe
def evidence_download(
    request: AuthenticatedHttpRequest, access: BoardAccess, evidence_id: int
) -> HttpResponseBase:
    item = get_evidence(access=access, evidence_id=evidence_id)
    if not item.file:
        raise Http404("This evidence is a link, not a file.")
    try:
        handle = services.evidence_open(access=access, actor=request.user, evidence=item)
    except FileNotFoundError:
        logger.error("Evidence file %s of evidence %s is missing", item.file.name, item.pk)
        raise Http404("The file is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type or "application/octet-stream",
    )
    # Even a browser that ignored the attachment would neither sniff nor run anything in it.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
