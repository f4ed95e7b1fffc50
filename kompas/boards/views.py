from django.contrib import messages
from django.contrib.auth import get_user_model, login, password_validation
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kompas.accounts.http import AuthenticatedHttpRequest
from kompas.boards import selectors, services
from kompas.boards.access import BoardAccess, access_board_object, active_memberships, board_view
from kompas.boards.forms import (
    AcceptInvitationForm,
    ContributorScopeForm,
    InvitationForm,
    SchoolForm,
)
from kompas.boards.models import Board, Group, GroupMembership, Membership, SectorAssignment
from kompas.boards.roles import Action, SectorRole
from kompas.boards.services import InvitationError
from kompas.boards.todo import tasks_for
from kompas.core.forms import add_validation_errors


def sector_start(assignment: SectorAssignment) -> str:
    """Where a sector role starts its work: the page that says what to do next."""
    if assignment.role == SectorRole.PROGRAMME_ANALYST:
        return reverse("monitoring:rounds")
    if assignment.role == SectorRole.REGIONAL_COORDINATOR:
        if assignment.group_id:
            return reverse("monitoring:group", args=[assignment.group_id])
        return reverse("monitoring:groups")
    if assignment.role == SectorRole.INSPECTOR:
        return reverse("monitoring:inspectorate")
    return reverse("platform:boards")


@login_required
@require_safe
def my_boards(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where a person lands: their board's home, their sector role's start page, or a choice."""
    memberships = list(active_memberships(request.user).order_by("board__name"))
    roles = list(request.user.sector_assignments.select_related("group").order_by("role", "pk"))
    if len(memberships) == 1 and not roles:
        return redirect("boards:home", memberships[0].board_id)
    if not memberships and len(roles) == 1:
        return redirect(sector_start(roles[0]))
    return render(
        request,
        "boards/my_boards.html",
        {"memberships": memberships, "sector_roles": roles},
    )


@login_required
@board_view(Action.VIEW_REPORTS)
@require_safe
def board_home(request: HttpRequest, access: BoardAccess) -> HttpResponse:
    board = selectors.board_overview(board_id=access.board.pk)
    tasks = tasks_for(access, now=timezone.now())
    return render(
        request,
        "boards/home.html",
        {
            "access": access,
            "board": board,
            "warnings": [task for task in tasks if task.is_warning],
            "tasks": [task for task in tasks if not task.is_warning],
            "may_export": access.may(Action.EXPORT_BOARD),
        },
    )


def invite_from_form(request: AuthenticatedHttpRequest, board: Board, form: InvitationForm) -> bool:
    """Create and e-mail the invitation the form asks for; False (errors on the form) if not."""
    if not form.is_valid():
        return False
    try:
        issued = services.invitation_create(
            actor=request.user,
            board=board,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
        )
    except ValidationError as error:
        add_validation_errors(form, error)
        return False
    link = request.build_absolute_uri(reverse("boards:invitation", args=[issued.token]))
    services.invitation_send(invitation=issued.invitation, link=link)
    messages.success(
        request, _("Invitation sent to %(email)s.") % {"email": issued.invitation.email}
    )
    return True


@login_required
@board_view(Action.MANAGE_MEMBERS)
def members(request: AuthenticatedHttpRequest, access: BoardAccess) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and invite_from_form(request, access.board, form):
        return redirect("boards:members", access.board.pk)
    scope_form = ContributorScopeForm(initial={"scope": access.board.contributors_edit})
    return render(
        request,
        "boards/members.html",
        {
            "access": access,
            "board": access.board,
            "form": form,
            "memberships": selectors.board_memberships(board=access.board),
            "invitations": selectors.open_invitations(board=access.board),
            "scope_form": scope_form,
        },
    )


@login_required
@board_view(Action.MANAGE_MEMBERS)
@require_POST
def contributor_scope(request: AuthenticatedHttpRequest, access: BoardAccess) -> HttpResponse:
    form = ContributorScopeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what contributors may edit."))
    else:
        services.contributor_scope_set(
            access=access, actor=request.user, scope=form.cleaned_data["scope"]
        )
        messages.success(request, _("Saved: what contributors may edit."))
    return redirect("boards:members", access.board.pk)


@login_required
@board_view(Action.MANAGE_MEMBERS)
@require_POST
def member_deactivate(
    request: AuthenticatedHttpRequest, access: BoardAccess, membership_id: int
) -> HttpResponse:
    membership = access_board_object(
        access=access, queryset=Membership.objects.select_related("user"), pk=membership_id
    )
    if membership.user_id == request.user.pk:
        messages.error(request, _("You cannot remove yourself from the board."))
    else:
        services.membership_deactivate(actor=request.user, membership=membership)
        messages.success(
            request, _("%(name)s no longer has a role on this board.") % {"name": membership.user}
        )
    return redirect("boards:members", access.board.pk)


@login_required
@board_view(Action.MANAGE_BOARD)
def schools(request: AuthenticatedHttpRequest, access: BoardAccess) -> HttpResponse:
    form = SchoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            school = services.school_add(
                actor=request.user, board=access.board, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("School %(name)s added.") % {"name": school.name})
            return redirect("boards:schools", access.board.pk)
    return render(
        request,
        "boards/schools.html",
        {
            "access": access,
            "board": access.board,
            "form": form,
            "schools": access.board.schools.order_by("name"),
        },
    )


@login_required
@board_view(Action.MANAGE_BOARD)
@require_safe
def groups(request: HttpRequest, access: BoardAccess) -> HttpResponse:
    joined = {
        membership.group_id: membership
        for membership in GroupMembership.objects.filter(board=access.board)
    }
    rows = [(group, joined.get(group.pk)) for group in Group.objects.order_by("name")]
    return render(
        request, "boards/groups.html", {"access": access, "board": access.board, "rows": rows}
    )


@login_required
@board_view(Action.MANAGE_BOARD)
@require_POST
def group_join(
    request: AuthenticatedHttpRequest, access: BoardAccess, group_id: int
) -> HttpResponse:
    group = get_object_or_404(Group, pk=group_id)
    services.group_join(
        actor=request.user,
        board=access.board,
        group=group,
        shares_named_results=request.POST.get("shares_named_results") == "on",
    )
    messages.success(
        request, _("Your board's membership of %(group)s is saved.") % {"group": group}
    )
    return redirect("boards:groups", access.board.pk)


@login_required
@board_view(Action.MANAGE_BOARD)
@require_POST
def group_leave(
    request: AuthenticatedHttpRequest, access: BoardAccess, group_id: int
) -> HttpResponse:
    group = get_object_or_404(Group, pk=group_id)
    services.group_leave(actor=request.user, board=access.board, group=group)
    messages.success(request, _("Your board has left %(group)s.") % {"group": group})
    return redirect("boards:groups", access.board.pk)


@require_POST
@login_required
def switch_board(request: HttpRequest) -> HttpResponse:
    board_id = request.POST.get("board", "")
    if not board_id.isdigit():
        return redirect("boards:mine")
    return redirect("boards:home", int(board_id))


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation: as the signed-in invitee, or by creating the account."""
    try:
        invitation = services.invitation_for_token(token)
    except InvitationError as error:
        return render(
            request, "boards/invitation_invalid.html", {"problem": str(error)}, status=410
        )
    user_model = get_user_model()
    has_account = user_model.objects.filter(email=invitation.email).exists()
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                membership = services.invitation_accept(token=token, user=request.user)
                return redirect("boards:home", membership.board_id)
            if not has_account and form.is_valid():
                password = form.cleaned_data["password1"]
                password_validation.validate_password(password)
                user = services.account_create_for_invitation(
                    token=token, full_name=form.cleaned_data["full_name"], password=password
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect("boards:home", invitation.board_id)
        except ValidationError as error:
            form.add_error("password1", error)
        except InvitationError as error:
            messages.error(request, str(error))
    return render(
        request,
        "boards/invitation_accept.html",
        {"invitation": invitation, "has_account": has_account, "form": form, "token": token},
    )
