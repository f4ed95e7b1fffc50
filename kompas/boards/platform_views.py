"""Screens for the platform admin: boards, their first coordinator, and accounts."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kompas.accounts.http import AuthenticatedHttpRequest
from kompas.boards import services
from kompas.boards.access import sector_view
from kompas.boards.forms import BoardForm, GroupForm, InvitationForm
from kompas.boards.models import Board, Group
from kompas.boards.roles import BoardRole, SectorRole
from kompas.boards.views import invite_from_form
from kompas.core.forms import add_validation_errors

admin_only = sector_view(SectorRole.PLATFORM_ADMIN)


@login_required
@admin_only
def boards(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = BoardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            board = services.board_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Board %(name)s created.") % {"name": board.name})
            return redirect("platform:board", board.pk)
    listing = Board.objects.annotate(
        member_count=Count("memberships", filter=Q(memberships__is_active=True))
    ).order_by("name")
    return render(request, "boards/platform/boards.html", {"boards": listing, "form": form})


@login_required
@admin_only
def board(request: AuthenticatedHttpRequest, board_id: int) -> HttpResponse:
    """A board as the platform admin sees it: no content, only who coordinates it."""
    target = get_object_or_404(Board, pk=board_id)
    form = InvitationForm(request.POST or None, initial={"role": BoardRole.COORDINATOR})
    if request.method == "POST" and invite_from_form(request, target, form):
        return redirect("platform:board", target.pk)
    coordinators = target.memberships.filter(
        is_active=True, role=BoardRole.COORDINATOR
    ).select_related("user")
    return render(
        request,
        "boards/platform/board.html",
        {"board": target, "form": form, "coordinators": coordinators},
    )


@login_required
@admin_only
def groups(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Group %(name)s created.") % {"name": group.name})
            return redirect("platform:groups")
    listing = Group.objects.annotate(board_count=Count("memberships")).order_by("name")
    return render(request, "boards/platform/groups.html", {"groups": listing, "form": form})


@login_required
@admin_only
def users(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:254]
    people = get_user_model().objects.order_by("email")
    if query:
        people = people.filter(Q(email__icontains=query) | Q(full_name__icontains=query))
    return render(request, "boards/platform/users.html", {"people": people[:200], "query": query})


@login_required
@admin_only
@require_POST
def user_deactivate(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(get_user_model(), pk=user_id)
    try:
        services.user_deactivate(actor=request.user, user=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(email)s can no longer sign in.") % {"email": person.email})
    return redirect("platform:users")
