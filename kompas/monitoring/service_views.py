"""The board's record of the sector services it uses: one form per service, on one page."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kompas.accounts.http import AuthenticatedHttpRequest
from kompas.boards.access import BoardAccess, board_view
from kompas.boards.roles import Action
from kompas.core.forms import add_validation_errors
from kompas.monitoring import selectors, services
from kompas.monitoring.forms import ServiceUseForm
from kompas.monitoring.models import SectorService, ServiceUse


@dataclass
class ServiceEntry:
    service: SectorService
    use: ServiceUse | None
    form: ServiceUseForm | None
    conflict: bool = False


def _form(service: str, use: ServiceUse | None, data: object = None) -> ServiceUseForm:
    initial = (
        {
            "status": use.status,
            "started_on": use.started_on,
            "ended_on": use.ended_on,
            "note": use.note,
            "revision": use.revision,
        }
        if use
        else {"revision": 0}
    )
    return ServiceUseForm(data, prefix=service, initial=initial)  # type: ignore[arg-type]


def _page(
    request: AuthenticatedHttpRequest,
    access: BoardAccess,
    posted: ServiceEntry | None = None,
    status: int = 200,
) -> HttpResponse:
    uses = selectors.service_uses(board=access.board)
    editable = access.may(Action.MANAGE_BOARD)
    entries = [
        posted
        if posted is not None and posted.service == service
        else ServiceEntry(
            service=service,
            use=uses.get(service),
            form=_form(service, uses.get(service)) if editable else None,
        )
        for service in SectorService
    ]
    return render(
        request,
        "monitoring/services.html",
        {"access": access, "board": access.board, "entries": entries, "editable": editable},
        status=status,
    )


@login_required
@board_view(Action.VIEW)
@require_http_methods(["GET", "HEAD"])
def service_uses(request: AuthenticatedHttpRequest, access: BoardAccess) -> HttpResponse:
    return _page(request, access)


@login_required
@board_view(Action.MANAGE_BOARD)
@require_POST
def service_use_save(
    request: AuthenticatedHttpRequest, access: BoardAccess, service: str
) -> HttpResponse:
    if service not in SectorService.values:
        raise Http404("No such sector service.")
    chosen = SectorService(service)
    form = _form(service, None, request.POST)
    if not form.is_valid():
        entry = ServiceEntry(chosen, selectors.service_uses(board=access.board).get(chosen), form)
        return _page(request, access, entry, status=400)
    data = form.cleaned_data
    try:
        services.service_use_save(
            access=access,
            actor=request.user,
            service=service,
            status=data["status"],
            started_on=data["started_on"],
            ended_on=data["ended_on"],
            note=data["note"],
            revision=data["revision"],
        )
    except services.ServiceUseConflict as clash:
        # What is stored now beside the form as the user filled it in: saving again, knowingly,
        # replaces the newer record; nothing is lost without being seen.
        posted = request.POST.copy()
        posted[f"{service}-revision"] = str(clash.current.revision if clash.current else 0)
        entry = ServiceEntry(chosen, clash.current, _form(service, None, posted), conflict=True)
        return _page(request, access, entry, status=409)
    except ValidationError as error:
        add_validation_errors(form, error)
        entry = ServiceEntry(chosen, selectors.service_uses(board=access.board).get(chosen), form)
        return _page(request, access, entry, status=400)
    messages.success(request, _("Saved: %(service)s.") % {"service": chosen.label})
    return redirect(reverse("monitoring:services", args=[access.board.pk]) + f"#service-{service}")
