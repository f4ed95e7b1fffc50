"""Writes to the incident register: report, edit, record the AP decision, lesson to measure.

Every write checks the role, validates before it saves (rules.py; free text included),
runs in one transaction and leaves an event in the board's audit trail. Free text goes into the
trail as a digest, not as text: the trail is kept forever and cannot be corrected, the
incident's text can (docs/incidents.md, "Audit trail").
"""

import datetime
import hashlib
from dataclasses import asdict, fields
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kompas.accounts.models import User
from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record, diff
from kompas.boards.access import BoardAccess
from kompas.boards.models import Board
from kompas.boards.roles import Action
from kompas.incidents.models import (
    Incident,
    IncidentMeasure,
    NotifyDecision,
    SubjectsInformed,
)
from kompas.incidents.rules import (
    FREE_TEXT,
    DecisionData,
    IncidentData,
    ReportData,
    decision_errors,
    detail_errors,
    report_errors,
)
from kompas.incidents.selectors import linkable_norms
from kompas.plans.models import Measure, MeasureStatus, Priority
from kompas.plans.selectors import current_assessment, plan_of
from kompas.plans.services import MeasureData, measure_create

# A lesson becomes a measure due about three months on: soon enough to matter, and editable.
LESSON_DUE_AFTER = datetime.timedelta(days=91)


class IncidentConflict(Exception):
    """A colleague saved the incident after this form was opened; nothing was overwritten."""

    def __init__(self, current: Incident) -> None:
        super().__init__("The incident was changed by someone else.")
        self.current = current


def _require(access: BoardAccess, *actions: Action) -> None:
    for action in actions:
        if not access.may(action):
            raise PermissionDenied(f"Your role may not {action}.")


def digest(text: str) -> str | None:
    """Free text as the audit trail keeps it: a fingerprint that shows a change, not the text."""
    if not text:
        return None
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


TRAIL_AS_DIGEST = frozenset(FREE_TEXT) - {"notification_reference", "school_cert_reference"}


def _trail(values: dict[str, Any]) -> dict[str, Any]:
    """Values as the audit trail records them: JSON-friendly, free text as digests."""
    result: dict[str, Any] = {}
    for name, value in values.items():
        if name in TRAIL_AS_DIGEST:
            result[name] = digest(value)
        elif isinstance(value, datetime.datetime):
            result[name] = value.astimezone(datetime.UTC).isoformat()
        elif isinstance(value, datetime.date):
            result[name] = value.isoformat()
        elif isinstance(value, tuple):
            result[name] = list(value)
        else:
            result[name] = value
    return result


def _repr(incident: Incident) -> str:
    # The title is free text: the trail names the incident by board and number only.
    return f"{incident.board} · {_('incident')} {incident.number}"


def _record(
    access: BoardAccess, actor: User, action: str, incident: Incident, changes: Any
) -> None:
    audit_record(
        action=action,
        actor=actor,
        board_id=access.board.pk,
        obj=incident,
        object_repr=_repr(incident),
        changes=changes,
    )


def incident_report(*, access: BoardAccess, actor: User, data: ReportData) -> Incident:
    """Any member but the supervisor and auditor reports an incident; it gets the next number."""
    _require(access, Action.REPORT_INCIDENT)
    now = timezone.now()
    errors = report_errors(data, now)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The board's row is the lock that hands out numbers one at a time.
        Board.objects.select_for_update().filter(pk=access.board.pk).first()
        last = Incident.objects.filter(board=access.board).aggregate(last=Max("number"))["last"]
        values = asdict(data) | {"data_kinds": list(data.data_kinds)}
        incident = Incident.objects.create(
            board=access.board,
            number=(last or 0) + 1,
            reported_by=actor,
            **_cleaned(values),
        )
        _record(access, actor, AuditAction.CREATE, incident, diff({}, _trail(_cleaned(values))))
    return incident


def _cleaned(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: value.strip() if isinstance(value, str) and name != "kind" else value
        for name, value in values.items()
    }


DETAIL_FIELDS = tuple(
    field.name for field in fields(IncidentData) if field.name not in ("norm_ids",)
)


def incident_update(
    *,
    access: BoardAccess,
    actor: User,
    incident: Incident,
    revision: int,
    data: IncidentData,
) -> Incident:
    """Save the incident if nobody saved it since `revision`; else raise IncidentConflict."""
    _require(access, Action.VIEW_INCIDENTS)
    now = timezone.now()
    with transaction.atomic():
        current = Incident.objects.select_for_update().get(pk=incident.pk, board=access.board)
        if current.revision != revision:
            raise IncidentConflict(current)
        errors = detail_errors(access, data, current, now)
        if errors:
            raise ValidationError(errors)
        after = _cleaned({name: getattr(data, name) for name in DETAIL_FIELDS})
        after["data_kinds"] = list(data.data_kinds)
        if after["subjects_informed"] != SubjectsInformed.INFORMED:
            after["subjects_informed_on"] = None
        if after["subjects_informed"] != SubjectsInformed.NOT_INFORMED:
            after["subjects_not_informed_reason"] = ""
        before = {name: getattr(current, name) for name in after}
        changes = diff(_trail(before), _trail(after))
        norms_before = sorted(current.norms.values_list("code", flat=True))
        norms_after = sorted(
            linkable_norms(board=access.board)
            .filter(pk__in=data.norm_ids)
            .values_list("code", flat=True)
        )
        if norms_before != norms_after:
            changes["norms"] = [norms_before, norms_after]
        if not changes:
            return current
        for name, value in after.items():
            setattr(current, name, value)
        current.revision += 1
        current.updated_by, current.updated_at = actor, now
        current.save(update_fields=[*after, "revision", "updated_by", "updated_at"])
        current.norms.set(data.norm_ids)
        _record(access, actor, AuditAction.UPDATE, current, changes)
    return current


def incident_decide(
    *,
    access: BoardAccess,
    actor: User,
    incident: Incident,
    revision: int,
    data: DecisionData,
) -> Incident:
    """Record whether a breach was notified to the AP: with date and reference, or a reason."""
    _require(access, Action.VIEW_INCIDENTS)
    now = timezone.now()
    with transaction.atomic():
        current = Incident.objects.select_for_update().get(pk=incident.pk, board=access.board)
        if current.revision != revision:
            raise IncidentConflict(current)
        errors = decision_errors(current, data, now)
        if errors:
            raise ValidationError(errors)
        notified = data.decision == NotifyDecision.NOTIFIED
        after = {
            "notify_decision": data.decision,
            "notified_at": data.notified_at if notified else None,
            "notification_reference": data.reference.strip() if notified else "",
            "not_notified_reason": "" if notified else data.not_notified_reason.strip(),
            "delay_reason": data.delay_reason.strip() if notified else "",
        }
        before = {name: getattr(current, name) for name in after}
        changes = diff(_trail(before), _trail(after))
        if not changes:
            return current
        for name, value in after.items():
            setattr(current, name, value)
        current.decided_by, current.decided_at = actor, now
        current.revision += 1
        current.updated_by, current.updated_at = actor, now
        current.save(
            update_fields=[
                *after,
                "decided_by",
                "decided_at",
                "revision",
                "updated_by",
                "updated_at",
            ]
        )
        _record(access, actor, AuditAction.UPDATE, current, changes)
    return current


def lesson_to_measure(*, access: BoardAccess, actor: User, incident: Incident) -> Measure:
    """The incident's lessons learned become a measure in the plan, on the incident's norms."""
    _require(access, Action.VIEW_INCIDENTS, Action.EDIT)
    lesson = incident.lessons.strip()
    if not lesson:
        raise ValidationError(_("Write down the lessons learned first."))
    earlier = (
        IncidentMeasure.objects.filter(incident=incident, lesson=lesson)
        .select_related("measure")
        .first()
    )
    if earlier is not None:
        raise ValidationError(
            _("These lessons are already in the plan as the measure “%(title)s”.")
            % {"title": earlier.measure.title}
        )
    norms = list(incident.norms.all())
    if not norms:
        raise ValidationError(
            _("Link the incident to one or more norms first: the measure works on those norms.")
        )
    assessment = current_assessment(board=access.board)
    targets: dict[int, int] = {}
    if assessment is not None:
        targets = dict(
            assessment.scores.filter(norm__in=norms).values_list("norm_id", "target_level")
        )
    default_target = assessment.framework_version.target_level if assessment else 3
    today = timezone.localdate()
    deadline = plan_of(board=access.board).deadline
    first_line = lesson.splitlines()[0].strip()
    title = _("Lesson from incident %(number)s: %(lesson)s") % {
        "number": incident.number,
        "lesson": first_line,
    }
    with transaction.atomic():
        measure = measure_create(
            access=access,
            actor=actor,
            data=MeasureData(
                title=title if len(title) <= 300 else title[:299] + "…",
                description=lesson,
                owner_id=actor.pk,
                start_date=None,
                due_date=max(today, min(deadline, today + LESSON_DUE_AFTER)),
                status=MeasureStatus.PLANNED,
                effort_days=None,
                cost_euros=None,
                priority=Priority.HIGH,
            ),
            links={norm.pk: targets.get(norm.pk, default_target) for norm in norms},
        )
        IncidentMeasure.objects.create(
            incident=incident, measure=measure, lesson=lesson, created_by=actor
        )
        _record(access, actor, AuditAction.UPDATE, incident, {"plan_measure": [None, measure.pk]})
    return measure
