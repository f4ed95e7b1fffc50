"""The support team's pages: the list of boards that share with it, and one board's named page."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from kompas.accounts.http import AuthenticatedHttpRequest
from kompas.boards.access import sector_view
from kompas.boards.roles import SectorRole
from kompas.core.forms import Form, add_validation_errors
from kompas.monitoring import support
from kompas.monitoring.models import Submission
from kompas.monitoring.named import projection_label

analyst_only = sector_view(SectorRole.PROGRAMME_ANALYST)


class SupportNoteForm(Form):
    # Not required here: the service says what an empty note lacks, the same for every caller.
    text = forms.CharField(
        label=gettext_lazy("Note on support given"),
        help_text=gettext_lazy(
            "What was done or agreed with the board. Notes are kept: they cannot be changed "
            "or removed later."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        strip=False,
    )


@dataclass(frozen=True)
class SupportRow:
    submission: Submission
    reasons: list[str]
    projection: str


@login_required
@analyst_only
@require_safe
def support_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(support.support_queue(), support.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        SupportRow(s, support.need_reasons(s), projection_label(s.projection))
        for s in page.object_list
    ]
    return render(request, "monitoring/support.html", {"page": page, "rows": rows})


@login_required
@analyst_only
@require_http_methods(["GET", "HEAD", "POST"])
def support_board(request: AuthenticatedHttpRequest, board_id: int) -> HttpResponse:
    board = support.support_board(board_id=board_id)
    if board is None:
        # Never shared with the support team, or no longer: the board is not the team's business.
        raise Http404("No such board on the support list.")
    # Bound on every POST, even an empty one: an empty note is refused with its reason.
    form = SupportNoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            support.support_note_add(
                actor=request.user, board=board, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Your note was added."))
            return redirect("monitoring:support_board", board.pk)
    support.support_board_viewed(actor=request.user, board=board)
    return render(
        request,
        "monitoring/support_board.html",
        {"detail": support.support_board_detail(board=board), "board": board, "form": form},
        status=400 if form.errors else 200,
    )
