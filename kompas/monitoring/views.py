"""Monitoring pages: a board submits to open rounds; the programme analyst opens rounds and reads
their figures, which come from RoundFigure rows only (disclosure control already applied)."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kompas.accounts.http import AuthenticatedHttpRequest
from kompas.assessments.models import SelfAssessment
from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record
from kompas.boards.access import BoardAccess, board_view, sector_roles, sector_view
from kompas.boards.roles import Action, SectorRole
from kompas.core.forms import add_validation_errors, error_text
from kompas.monitoring import selectors, services
from kompas.monitoring.forms import RoundForm, SubmissionForm
from kompas.monitoring.models import MonitoringRound
from kompas.monitoring.tasks import recompute_round_figures

logger = logging.getLogger(__name__)

analyst_only = sector_view(SectorRole.PROGRAMME_ANALYST)
# Published figures are for every sector role that reads them; the platform admin runs the
# platform and reads none.
figure_readers = sector_view(
    SectorRole.PROGRAMME_ANALYST, SectorRole.REGIONAL_COORDINATOR, SectorRole.INSPECTOR
)


def record_inspector_view(
    request: AuthenticatedHttpRequest, roles: set[str], description: str
) -> None:
    """The Inspectorate's every look at monitoring is on the record, figures included."""
    if SectorRole.INSPECTOR in roles:
        audit_record(action=AuditAction.VIEW, actor=request.user, object_repr=description[:300])


# Board side --------------------------------------------------------------------------------


@dataclass
class OpenRound:
    round: MonitoringRound
    submitted: bool
    assessment: SelfAssessment | None
    form: SubmissionForm | None


def _form_prefix(round_: MonitoringRound) -> str:
    return f"round-{round_.pk}"


@login_required
@board_view(Action.VIEW)
@require_safe
def board_rounds(request: AuthenticatedHttpRequest, access: BoardAccess) -> HttpResponse:
    board = access.board
    rounds = selectors.open_rounds_for(board=board)
    submissions = selectors.board_submissions(board=board)
    submitted = {submission.round_id for submission in submissions}
    can_submit = access.may(Action.APPROVE)
    approved = selectors.approved_assessments(
        board_id=board.pk,
        version_ids={
            round_.framework_version_id for round_ in rounds if round_.pk not in submitted
        },
    )
    open_rounds = [
        OpenRound(
            round=round_,
            submitted=round_.pk in submitted,
            assessment=approved.get(round_.framework_version_id),
            form=SubmissionForm(prefix=_form_prefix(round_)) if can_submit else None,
        )
        for round_ in rounds
    ]
    return render(
        request,
        "monitoring/board_rounds.html",
        {
            "access": access,
            "board": board,
            "open_rounds": open_rounds,
            "submissions": submissions,
            "can_submit": can_submit,
        },
    )


def refresh_figures(round_: MonitoringRound) -> None:
    """Have the worker recompute the round's figures once the current transaction commits.

    A failed enqueue must not make the board believe its submission was lost (and submit
    again): it is logged, and the next submission or the analyst's "recompute" asks again.
    """

    def enqueue() -> None:
        try:
            recompute_round_figures.enqueue(round_.pk, timezone.now().isoformat())
        except Exception:
            logger.exception("Could not ask for the figures of round %s.", round_.pk)

    transaction.on_commit(enqueue)


@login_required
@board_view(Action.APPROVE)
@require_POST
def submit(request: AuthenticatedHttpRequest, access: BoardAccess, round_id: int) -> HttpResponse:
    round_ = selectors.get_round(round_id=round_id)
    back = redirect("monitoring:board_rounds", access.board.pk)
    form = SubmissionForm(request.POST, prefix=_form_prefix(round_))
    if not form.is_valid():
        messages.error(request, _("Choose whom to share with from the list."))
        return back
    assessment = selectors.approved_assessment(
        board_id=access.board.pk, version_id=round_.framework_version_id
    )
    if assessment is None:
        messages.error(
            request,
            _("There is no approved self-evaluation of this framework version to submit."),
        )
        return back
    try:
        services.submission_create(
            access=access,
            actor=request.user,
            round_=round_,
            assessment=assessment,
            share_with=set(form.cleaned_data["share_with"]),
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return back
    refresh_figures(round_)
    messages.success(
        request, _("Your evaluation was submitted to %(round)s.") % {"round": round_.name}
    )
    return back


@login_required
@board_view(Action.APPROVE)
@require_POST
def consent_withdraw(
    request: AuthenticatedHttpRequest, access: BoardAccess, consent_id: int
) -> HttpResponse:
    consent = selectors.board_consent(board=access.board, consent_id=consent_id)
    if consent is None:
        raise Http404("No such consent on this board.")
    services.consent_withdraw(access=access, actor=request.user, consent=consent)
    messages.success(
        request,
        _("From now on your results are no longer shared by name with: %(audience)s.")
        % {"audience": consent.get_audience_display()},
    )
    return redirect("monitoring:board_rounds", access.board.pk)


# Sector side -------------------------------------------------------------------------------


@login_required
@analyst_only
def rounds(request: AuthenticatedHttpRequest) -> HttpResponse:
    # A round uses the latest imported version of the framework the programme monitors.
    version = selectors.programme_version()
    form = RoundForm(request.POST or None)
    if request.method == "POST" and version is None:
        form.add_error(None, _("No framework has been loaded."))
    elif request.method == "POST" and version is not None and form.is_valid():
        try:
            round_ = services.round_open(
                actor=request.user, framework_version=version, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Round %(name)s opened.") % {"name": round_.name})
            return redirect("monitoring:round", round_.pk)
    return render(
        request,
        "monitoring/rounds.html",
        {"rounds": selectors.round_list(), "form": form, "version": version},
        status=400 if form.errors else 200,
    )


@login_required
@analyst_only
@require_POST
def recompute(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = selectors.get_round(round_id=round_id)
    refresh_figures(round_)
    messages.success(
        request,
        _("The figures of %(round)s are being recomputed in the background.")
        % {"round": round_.name},
    )
    return redirect("monitoring:round", round_.pk)


@login_required
@figure_readers
@require_safe
def round_detail(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = selectors.get_round_with_framework(round_id=round_id)
    cells = selectors.round_cells(round_=round_)
    roles = sector_roles(request.user)
    record_inspector_view(request, roles, f"round figures: {round_.name}")
    return render(
        request,
        "monitoring/round.html",
        {
            "round": round_,
            "cells": cells,
            # How many boards took part is no board's level; the analyst runs the round with it.
            "submissions": selectors.submission_count(round_=round_),
            "k": settings.MONITORING_MIN_BOARDS,
            "analyst": SectorRole.PROGRAMME_ANALYST in roles,
        },
    )
