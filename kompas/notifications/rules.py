"""Which events on the audit trail notify whom (docs/notifications.md).

A rule reads one event (its object type, action and changes) and names the kind, the people
(by their role on the board, or for a round the executives of the boards it is for) and where
the notification leads. The person who did it is never told of it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from kompas.assessments.models import SelfAssessment
from kompas.audit.models import AuditAction, AuditEvent
from kompas.boards.models import Board, BoardSector, Membership
from kompas.boards.roles import BoardRole
from kompas.incidents.models import Incident, IncidentKind
from kompas.monitoring.models import MonitoringRound
from kompas.notifications.models import Kind
from kompas.plans.models import Plan, PlanVersion, RiskAcceptance


@dataclass(frozen=True)
class Planned:
    """Notifications one event asks for: per board, its members in `roles`."""

    kind: Kind
    url_of: Any  # board id -> the page it leads to
    params: dict[str, Any]
    boards: list[Board] = field(default_factory=list)
    roles: tuple[str, ...] = ()


def plan_for(event: AuditEvent) -> Planned | None:
    """The notifications `event` asks for, or None."""
    rule = RULES.get(event.object_type)
    if rule is None or not event.object_id.isdigit():
        return None
    status = (event.changes or {}).get("status")
    new_status = status[1] if isinstance(status, list) and len(status) == 2 else None
    return rule(event, new_status)


# A self-evaluation's status step: the kind it notifies of, and who hears of it.
EVALUATION_STEPS = {
    ("draft", "submitted"): (Kind.EVALUATION_SUBMITTED, BoardRole.EXECUTIVE),
    ("submitted", "approved"): (Kind.EVALUATION_APPROVED, BoardRole.COORDINATOR),
    ("submitted", "draft"): (Kind.EVALUATION_SENT_BACK, BoardRole.COORDINATOR),
}


def _evaluation(event: AuditEvent, status: str | None) -> Planned | None:
    step = EVALUATION_STEPS.get(tuple(event.changes.get("status") or ()))
    if step is None:
        return None
    found = SelfAssessment.objects.select_related("board").filter(pk=event.object_id).first()
    if found is None:
        return None
    kind, role = step
    params = {"evaluation": found.label}
    if kind == Kind.EVALUATION_SENT_BACK:
        reason = event.changes.get("reason") or ["", ""]
        params["reason"] = str(reason[-1])[:300]
    return Planned(
        kind=kind,
        url_of=lambda board_id: reverse("assessments:overview", args=[board_id, found.pk]),
        params=params,
        boards=[found.board],
        roles=(role,),
    )


def _risk(event: AuditEvent, status: str | None) -> Planned | None:
    if status not in ("proposed", "accepted"):
        return None
    found = RiskAcceptance.objects.select_related("board", "norm").filter(pk=event.object_id)
    acceptance = found.first()
    if acceptance is None:
        return None
    proposed = status == "proposed"
    return Planned(
        kind=Kind.RISK_PROPOSED if proposed else Kind.RISK_ACCEPTED,
        url_of=lambda board_id: reverse("plans:plan", args=[board_id]) + "#risks-heading",
        params={"norm": acceptance.norm.code},
        boards=[acceptance.board],
        roles=(BoardRole.EXECUTIVE,) if proposed else (BoardRole.COORDINATOR,),
    )


# The plan's status steps, as the evaluation's.
PLAN_STEPS = {
    ("draft", "submitted"): (Kind.PLAN_SUBMITTED, BoardRole.EXECUTIVE),
    ("submitted", "draft"): (Kind.PLAN_SENT_BACK, BoardRole.COORDINATOR),
}


def _plan_url(board_id: int) -> str:
    return reverse("plans:plan", args=[board_id]) + "#approval-heading"


def _plan(event: AuditEvent, status: str | None) -> Planned | None:
    step = PLAN_STEPS.get(tuple(event.changes.get("status") or ()))
    if step is None:
        return None
    plan = Plan.objects.select_related("board").filter(pk=event.object_id).first()
    if plan is None:
        return None
    kind, role = step
    params = {}
    if kind == Kind.PLAN_SENT_BACK:
        reason = event.changes.get("reason") or ["", ""]
        params["reason"] = str(reason[-1])[:300]
    return Planned(kind=kind, url_of=_plan_url, params=params, boards=[plan.board], roles=(role,))


def _plan_version(event: AuditEvent, status: str | None) -> Planned | None:
    if event.action != AuditAction.APPROVE:
        return None
    version = PlanVersion.objects.select_related("board").filter(pk=event.object_id).first()
    if version is None:
        return None
    return Planned(
        kind=Kind.PLAN_APPROVED,
        url_of=lambda board_id: reverse("plans:version", args=[board_id, version.number]),
        params={},
        boards=[version.board],
        roles=(BoardRole.COORDINATOR,),
    )


def _breach(event: AuditEvent, status: str | None) -> Planned | None:
    if event.action != AuditAction.CREATE:
        return None
    incident = Incident.objects.select_related("board").filter(pk=event.object_id).first()
    if incident is None or incident.kind != IncidentKind.BREACH:
        return None
    return Planned(
        kind=Kind.BREACH_REGISTERED,
        url_of=lambda board_id: reverse("incidents:incident", args=[board_id, incident.pk]),
        params={"number": incident.number},
        boards=[incident.board],
        roles=(BoardRole.PRIVACY_OFFICER, BoardRole.COORDINATOR),
    )


def _round(event: AuditEvent, status: str | None) -> Planned | None:
    if event.action != AuditAction.CREATE:
        return None
    round_ = MonitoringRound.objects.filter(pk=event.object_id).first()
    if round_ is None:
        return None
    for_round = BoardSector.objects.filter(board=OuterRef("pk"), sector__in=round_.sectors)
    return Planned(
        kind=Kind.ROUND_OPENED,
        url_of=lambda board_id: reverse("monitoring:board_rounds", args=[board_id]),
        params={"round": round_.name},
        boards=list(Board.objects.filter(is_active=True).filter(Exists(for_round))),
        roles=(BoardRole.EXECUTIVE,),
    )


RULES: dict[str, Callable[[AuditEvent, str | None], Planned | None]] = {
    "assessments.selfassessment": _evaluation,
    "plans.riskacceptance": _risk,
    "plans.plan": _plan,
    "plans.planversion": _plan_version,
    "incidents.incident": _breach,
    "monitoring.monitoringround": _round,
}


def members(boards: list[Board], roles: tuple[str, ...]) -> list[Membership]:
    """The active members of the boards in those roles (one query)."""
    today = timezone.localdate()
    return list(
        Membership.objects.filter(
            board__in=boards, role__in=roles, is_active=True, user__is_active=True
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("board")
    )
