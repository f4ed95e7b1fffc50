"""The incident register's pages: report, register, incident, edit, AP decision, hand-off.

Reporting is for every role with REPORT_INCIDENT; everything else about incidents is for the
roles with VIEW_INCIDENTS (executive, coordinator, privacy officer). Every page that shows an
incident, and the register itself, is recorded in the board's audit trail as a view.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kompas.accounts.http import AuthenticatedHttpRequest
from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record
from kompas.boards.access import (
    BoardAccess,
    access_board,
    access_board_object,
    board_view,
)
from kompas.boards.roles import Action
from kompas.core.forms import add_validation_errors, error_text
from kompas.incidents import handoff, selectors, services
from kompas.incidents.forms import DecisionForm, IncidentForm, ReportForm
from kompas.incidents.models import Incident, IncidentStatus, NotifyDecision, Risk


def _record_view(request: HttpRequest, access: BoardAccess, incident: Incident) -> None:
    audit_record(
        action=AuditAction.VIEW,
        actor=request.user,
        board_id=access.board.pk,
        obj=incident,
        object_repr=f"{access.board} · {_('incident')} {incident.number}",
    )


def _incident(access: BoardAccess, incident_id: int) -> Incident:
    return access_board_object(
        access=access, queryset=selectors.incident_detail(board=access.board), pk=incident_id
    )


@login_required
@board_view(Action.VIEW_INCIDENTS)
@require_safe
def register(request: HttpRequest, access: BoardAccess) -> HttpResponse:
    now = timezone.now()
    rows = [(found, found.clock(now)) for found in selectors.register_of(board=access.board)]
    audit_record(
        action=AuditAction.VIEW,
        actor=request.user,
        board_id=access.board.pk,
        object_type="incidents.register",
        object_id=str(access.board.pk),
        object_repr=f"{access.board} · {_('incident register')}",
    )
    return render(
        request,
        "incidents/register.html",
        {
            "access": access,
            "board": access.board,
            "rows": rows,
            "pending": sum(1 for _incident, clock in rows if clock.is_pending),
        },
    )


@login_required
@board_view(Action.REPORT_INCIDENT)
def report(request: AuthenticatedHttpRequest, access: BoardAccess) -> HttpResponse:
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_report(
                access=access, actor=request.user, data=form.report_data()
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            if access.may(Action.VIEW_INCIDENTS):
                messages.success(
                    request,
                    _("Incident %(number)s is registered.") % {"number": incident.number},
                )
                return redirect("incidents:incident", access.board.pk, incident.pk)
            request.session["incident_reported"] = incident.number
            return redirect("incidents:reported", access.board.pk)
    return render(
        request,
        "incidents/report.html",
        {"access": access, "board": access.board, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@board_view(Action.REPORT_INCIDENT)
@require_safe
def reported(request: HttpRequest, access: BoardAccess) -> HttpResponse:
    """The reporter's confirmation: the number, and who takes it from here; not the register."""
    return render(
        request,
        "incidents/reported.html",
        {
            "access": access,
            "board": access.board,
            "number": request.session.pop("incident_reported", None),
        },
    )


@login_required
@board_view(Action.VIEW_INCIDENTS)
@require_safe
def incident(request: HttpRequest, access: BoardAccess, incident_id: int) -> HttpResponse:
    found = _incident(access, incident_id)
    _record_view(request, access, found)
    return render(
        request,
        "incidents/incident.html",
        {
            "access": access,
            "board": access.board,
            "incident": found,
            "clock": found.clock(timezone.now()),
            "can_make_measure": access.may(Action.EDIT),
            "must_notify": (
                found.notify_decision == NotifyDecision.NOT_NOTIFIED
                and found.risk in (Risk.RISK, Risk.HIGH_RISK)
            ),
        },
    )


def _initial(incident: Incident) -> dict[str, Any]:
    subjects = {f"subjects_{key}": value for key, value in incident.subjects.items()}
    return {
        "revision": incident.revision,
        "kind": incident.kind,
        "title": incident.title,
        "occurred_at": incident.occurred_at,
        "became_aware_at": incident.became_aware_at,
        "description": incident.description,
        "data_kinds": incident.data_kinds,
        **subjects,
        "consequences": incident.consequences,
        "measures_taken": incident.measures_taken,
        "risk": incident.risk,
        "subjects_informed": incident.subjects_informed,
        "subjects_informed_on": incident.subjects_informed_on,
        "subjects_not_informed_reason": incident.subjects_not_informed_reason,
        "school_cert_involved": incident.school_cert_involved,
        "school_cert_reference": incident.school_cert_reference,
        "norms": [norm.pk for norm in incident.norms.all()],
        "lessons": incident.lessons,
        "status": incident.status,
    }


@dataclass
class Saved:
    """The outcome of a form post: the redirect when saved, else the conflict and the status."""

    response: HttpResponse | None = None
    conflict: Incident | None = None
    status: int = 200


def _save(
    request: HttpRequest,
    access: BoardAccess,
    incident: Incident,
    *,
    form: IncidentForm | DecisionForm,
    save: Callable[[int], object],
    done: str,
) -> Saved:
    """Post a form the way the edit and decision pages share: a GET only records the view;
    a valid post saves at the form's revision (409 on a colleague's change, 400 on an error)."""
    if request.method != "POST":
        _record_view(request, access, incident)
        return Saved()
    if not form.is_valid():
        return Saved(status=400)
    try:
        save(form.cleaned_data["revision"] or 0)
    except services.IncidentConflict as clash:
        return Saved(conflict=clash.current, status=409)
    except ValidationError as error:
        add_validation_errors(form, error)
        return Saved(status=400)
    messages.success(request, done)
    return Saved(response=redirect("incidents:incident", access.board.pk, incident.pk))


@login_required
@board_view(Action.VIEW_INCIDENTS)
def edit(request: AuthenticatedHttpRequest, access: BoardAccess, incident_id: int) -> HttpResponse:
    found = _incident(access, incident_id)
    form = IncidentForm(
        request.POST or None,
        initial=_initial(found),
        norms=selectors.linkable_norms(board=access.board).select_related("domain"),
    )
    saved = _save(
        request,
        access,
        found,
        form=form,
        save=lambda revision: services.incident_update(
            access=access,
            actor=request.user,
            incident=found,
            revision=revision,
            data=form.incident_data(),
        ),
        done=_("Incident saved."),
    )
    if saved.response:
        return saved.response
    return render(
        request,
        "incidents/edit.html",
        {
            "access": access,
            "board": access.board,
            "incident": found,
            "form": form,
            "conflict": saved.conflict,
            "statuses": IncidentStatus,
        },
        status=saved.status,
    )


@login_required
@board_view(Action.VIEW_INCIDENTS)
def decision(
    request: AuthenticatedHttpRequest, access: BoardAccess, incident_id: int
) -> HttpResponse:
    found = _incident(access, incident_id)
    initial: dict[str, Any] = {"revision": found.revision}
    if found.notify_decision != NotifyDecision.UNDECIDED:
        initial |= {
            "decision": found.notify_decision,
            "reference": found.notification_reference,
            "not_notified_reason": found.not_notified_reason,
            "delay_reason": found.delay_reason,
        }
        if found.notified_at:
            initial["notified_at"] = found.notified_at
    form = DecisionForm(request.POST or None, initial=initial)
    saved = _save(
        request,
        access,
        found,
        form=form,
        save=lambda revision: services.incident_decide(
            access=access,
            actor=request.user,
            incident=found,
            revision=revision,
            data=form.decision_data(),
        ),
        done=_("Decision recorded."),
    )
    if saved.response:
        return saved.response
    return render(
        request,
        "incidents/decision.html",
        {
            "access": access,
            "board": access.board,
            "incident": found,
            "clock": found.clock(timezone.now()),
            "form": form,
            "conflict": saved.conflict,
        },
        status=saved.status,
    )


@login_required
@board_view(Action.VIEW_INCIDENTS)
@require_POST
def make_measure(
    request: AuthenticatedHttpRequest, access: BoardAccess, incident_id: int
) -> HttpResponse:
    if not access.may(Action.EDIT):
        # Raises 403 and records the refusal: only a role that edits the plan adds to it.
        access_board(user=request.user, board_id=access.board.pk, action=Action.EDIT)
    found = _incident(access, incident_id)
    try:
        measure = services.lesson_to_measure(access=access, actor=request.user, incident=found)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("incidents:incident", access.board.pk, found.pk)
    messages.success(
        request,
        _("The lessons of incident %(number)s are now a measure in the improvement plan.")
        % {"number": found.number},
    )
    return redirect("plans:measure", access.board.pk, measure.pk)


def _handoff_response(
    request: HttpRequest, access: BoardAccess, incident_id: int, *, as_json: bool
) -> HttpResponse:
    found = _incident(access, incident_id)
    suffix = "json" if as_json else "txt"
    audit_record(
        action=AuditAction.EXPORT,
        actor=request.user,
        board_id=access.board.pk,
        obj=found,
        object_repr=f"{access.board} · {_('incident')} {found.number} (School-CERT, {suffix})",
    )
    if as_json:
        response = HttpResponse(
            handoff.handoff_json(incident=found), content_type="application/json"
        )
    else:
        response = HttpResponse(
            handoff.handoff_text(incident=found), content_type="text/plain; charset=utf-8"
        )
    name = f"school-cert-{access.board.bg_number}-incident-{found.number}.{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@board_view(Action.VIEW_INCIDENTS)
@require_safe
def handoff_txt(request: HttpRequest, access: BoardAccess, incident_id: int) -> HttpResponse:
    return _handoff_response(request, access, incident_id, as_json=False)


@login_required
@board_view(Action.VIEW_INCIDENTS)
@require_safe
def handoff_json(request: HttpRequest, access: BoardAccess, incident_id: int) -> HttpResponse:
    return _handoff_response(request, access, incident_id, as_json=True)
