"""The Inspectorate's pages: read-only, for inspectors only, and every look is on the record.

The list's look is written to the platform chain; a board's page to that board's chain, so that
the board sees in its own audit trail that the Inspectorate looked, and at what.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from kompas.accounts.http import AuthenticatedHttpRequest
from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record
from kompas.boards.access import sector_view
from kompas.boards.roles import SectorRole
from kompas.core.forms import Form
from kompas.monitoring import selectors
from kompas.monitoring.inspectorate import (
    Signal,
    board_details,
    deadlines,
    inspectorate_boards,
    sharing_policy,
    signals_of,
)

PAGE_SIZE = 50

inspector_only = sector_view(SectorRole.INSPECTOR)


class SignalFilter(Form):
    signal = forms.ChoiceField(
        label=_("Show boards with the signal"),
        choices=[("", _("All boards")), *Signal.choices],
        required=False,
        error_messages={
            "invalid_choice": _("There is no signal %(value)s. Choose a signal from the list.")
        },
    )


@login_required
@inspector_only
@require_safe
def inspectorate(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SignalFilter(request.GET)
    context = {"form": form, "policy": sharing_policy(), "deadlines": deadlines()}
    if not form.is_valid():
        return render(request, "monitoring/inspectorate.html", context, status=400)
    signal = Signal(form.cleaned_data["signal"]) if form.cleaned_data["signal"] else None
    page = Paginator(inspectorate_boards(signal=signal), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    rows = [signals_of(board, today=today) for board in page]
    audit_record(
        action=AuditAction.VIEW,
        actor=request.user,
        object_type="monitoring.inspectorate",
        object_repr=(
            f"Inspectorate board signals, page {page.number} of {page.paginator.num_pages}, "
            f"signal: {signal.value if signal else 'all'}"
        ),
    )
    return render(
        request,
        "monitoring/inspectorate.html",
        context | {"page": page, "rows": rows, "signal": signal},
    )


@login_required
@inspector_only
@require_safe
def inspectorate_board(request: AuthenticatedHttpRequest, board_id: int) -> HttpResponse:
    board = selectors.inspectorate_board(board_id=board_id)
    if board is None:
        raise Http404("No such board.")
    signals = signals_of(board, today=timezone.localdate())
    details = board_details(board=board, policy=sharing_policy())
    audit_record(
        action=AuditAction.VIEW,
        actor=request.user,
        board_id=board.pk,
        object_type="boards.board",
        object_id=str(board.pk),
        object_repr=f"Inspectorate viewed the board's {details.audit_text}",
    )
    return render(
        request,
        "monitoring/inspectorate_board.html",
        {"board": board, "signals": signals, "details": details, "policy": details.policy},
    )
