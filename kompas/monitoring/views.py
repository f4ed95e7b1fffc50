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
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kompas.accounts.http import AuthenticatedHttpRequest
from kompas.assessments.models import SelfAssessment
from kompas.assessments.selectors import approval_order
from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record
from kompas.boards.access import BoardAccess, board_view, sector_roles, sector_view
from kompas.boards.roles import Action, SectorRole
from kompas.core.forms import add_validation_errors, error_text
from kompas.frameworks.models import Mapping
from kompas.frameworks.selectors import default_version, offered_versions
from kompas.monitoring import release_report, selectors, services
from kompas.monitoring.forms import RoundForm, SubmissionForm
from kompas.monitoring.models import (
    MonitoringRound,
    Release,
    ReleaseStatus,
    RoundStatus,
    Submission,
)
from kompas.monitoring.tasks import compute_release

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
    held: Submission | None  # the board's current snapshot in the round, if it submitted
    assessment: SelfAssessment | None
    why_not: str
    form: SubmissionForm | None
    mapping: Mapping | None = None  # the evaluation is translated through it

    @property
    def submitted(self) -> bool:
        return self.held is not None

    @property
    def resubmit(self) -> bool:
        """An approval newer than the snapshot's stands for the round: it may replace it."""
        return (
            self.held is not None
            and self.assessment is not None
            and self.assessment.pk != self.held.assessment_id
            and approval_order(self.assessment) > approval_order(self.held.assessment)
        )


def _form_prefix(round_: MonitoringRound) -> str:
    return f"round-{round_.pk}"


def _shared_now(submission: Submission | None) -> list[str]:
    """The audiences a snapshot is shared with now: a resubmission's choice starts from them."""
    if submission is None:
        return []
    return [c.audience for c in submission.consents.all() if c.withdrawn_at is None]


@login_required
@board_view(Action.VIEW)
@require_safe
def board_rounds(request: AuthenticatedHttpRequest, access: BoardAccess) -> HttpResponse:
    board = access.board
    rounds = selectors.open_rounds_for(board=board)
    submissions = selectors.board_submissions(board=board)
    held = {s.round_id: s for s in submissions if not s.is_replaced}
    can_submit = access.may(Action.APPROVE)
    open_rounds = []
    fitting = selectors.round_evaluations(board=board, rounds=rounds)
    for round_ in rounds:
        fits = fitting.get(round_.pk, selectors.RoundEvaluation(None))
        current = held.get(round_.pk)
        form = SubmissionForm(
            prefix=_form_prefix(round_), initial={"share_with": _shared_now(current)}
        )
        open_rounds.append(
            OpenRound(
                round=round_,
                held=current,
                assessment=fits.assessment,
                why_not=fits.why_not,
                form=form if can_submit else None,
                mapping=fits.mapping,
            )
        )
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


def compute_later(release: Release) -> None:
    """Have the worker compute a requested release once the current transaction commits.

    A failed enqueue leaves the release pending; it is logged, and the round page offers to
    ask the worker again.
    """

    def enqueue() -> None:
        try:
            compute_release.enqueue(release.pk)
        except Exception:
            logger.exception("Could not ask for release %s.", release.pk)

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
    fits = selectors.round_evaluation(board=access.board, round_=round_)
    assessment = fits.assessment
    if assessment is None:
        messages.error(request, fits.why_not)
        return back
    try:
        submission = services.submission_create(
            access=access,
            actor=request.user,
            round_=round_,
            assessment=assessment,
            share_with=set(form.cleaned_data["share_with"]),
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return back
    if submission.replaces_id is None:
        done = _("Your evaluation was submitted to %(round)s.")
    else:
        done = _(
            "Your evaluation %(evaluation)s was submitted to %(round)s again; it replaces the "
            "earlier submission in the round's next release."
        )
    messages.success(request, done % {"round": round_.name, "evaluation": assessment.label})
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
    # The analyst chooses the version; the newest shipped Normenkader is offered first.
    versions = offered_versions()
    form = RoundForm(request.POST or None, versions=versions, default_version=default_version())
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_open(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Round %(name)s opened.") % {"name": round_.name})
            return redirect("monitoring:round", round_.pk)
    return render(
        request,
        "monitoring/rounds.html",
        {"rounds": selectors.round_list(), "form": form, "has_versions": versions.exists()},
        status=400 if form.errors else 200,
    )


@login_required
@analyst_only
@require_POST
def release(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    """An interim release of an open round, or the round's closing and final release."""
    round_ = selectors.get_round(round_id=round_id)
    closing = request.POST.get("close") == "1"
    try:
        if closing:
            made = services.round_close(actor=request.user, round_=round_)
        else:
            made = services.release_request(actor=request.user, round_=round_)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("monitoring:round", round_.pk)
    compute_later(made)
    messages.success(
        request,
        (
            _("%(round)s is closed; its final release is being computed.")
            if closing
            else _("Release %(number)d of %(round)s is being computed.")
        )
        % {"round": round_.name, "number": made.number},
    )
    return redirect("monitoring:round", round_.pk)


@login_required
@analyst_only
@require_POST
def release_retry(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    """Ask the worker again for a release left pending (its enqueue failed)."""
    pending = selectors.pending_release(round_id=round_id)
    if pending is not None:
        compute_later(pending)
        messages.success(request, _("The worker has been asked again."))
    return redirect("monitoring:round", round_id)


@login_required
@figure_readers
@require_safe
def round_detail(
    request: AuthenticatedHttpRequest, round_id: int, number: int | None = None
) -> HttpResponse:
    """A round with its latest published release, or (by number) any earlier one as published."""
    round_ = selectors.get_round_with_framework(round_id=round_id)
    releases = selectors.releases_of(round_=round_)
    published = [found for found in releases if found.status == ReleaseStatus.PUBLISHED]
    if number is None:
        shown = published[0] if published else None
    else:
        shown = next((found for found in published if found.number == number), None)
        if shown is None:
            raise Http404("No such published release of this round.")
    if shown is not None:
        shown.round = round_
    roles = sector_roles(request.user)
    record_inspector_view(request, roles, f"round figures: {round_.name}")
    analyst = SectorRole.PROGRAMME_ANALYST in roles
    return render(
        request,
        "monitoring/round.html",
        {
            "round": round_,
            "release": shown,
            "latest": bool(published) and shown == published[0],
            "cells": selectors.round_cells(release=shown),
            # The analyst sees every release with its state; other readers the published ones.
            "releases": releases if analyst else published,
            "pending": any(found.status == ReleaseStatus.PENDING for found in releases),
            "k": settings.MONITORING_MIN_BOARDS,
            "analyst": analyst,
            "open": round_.status == RoundStatus.OPEN,
        },
    )


DOWNLOADS = {
    "pdf": ("application/pdf", release_report.release_pdf),
    "xlsx": (release_report.XLSX_CONTENT_TYPE, release_report.release_xlsx),
    "csv": ("text/csv; charset=utf-8", release_report.release_csv),
}


@login_required
@figure_readers
@require_safe
def release_download(
    request: AuthenticatedHttpRequest, round_id: int, number: int, kind: str
) -> HttpResponse:
    """A published release as the "state of the sector" PDF, a workbook or a CSV file."""
    if kind not in DOWNLOADS:
        raise Http404("No such download.")
    release = selectors.published_release(round_id=round_id, number=number)
    record_inspector_view(
        request, sector_roles(request.user), f"release {number} of {release.round.name} ({kind})"
    )
    content_type, write = DOWNLOADS[kind]
    response = HttpResponse(
        write(report=release_report.release_report(release=release)), content_type=content_type
    )
    name = f"staat-van-de-sector-{slugify(release.round.name)}-publicatie-{number}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
