"""The board home's items from the improvement plan (kompas.boards.todo): the person's own
measures that are late or due soon, and risk acceptances the coordinator proposed."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kompas.boards.access import BoardAccess
from kompas.boards.roles import Action
from kompas.boards.todo import Task, Urgency
from kompas.plans.models import OPEN_STATUSES, Measure, Plan, RiskAcceptance


def _moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())


def plan_work(access: BoardAccess, now: datetime.datetime) -> Iterable[Task]:
    """The person's open measures that are late or due within the reminders' horizon
    (PLAN_REMINDER_DAYS_BEFORE), the plan waiting for the executive or sent back to the
    coordinator, and risk proposals for the executive (three queries)."""
    board_id = access.board.pk
    today = timezone.localdate(now)
    horizon = today + datetime.timedelta(days=settings.PLAN_REMINDER_DAYS_BEFORE)
    tasks = []
    for measure in Measure.objects.filter(
        board_id=board_id,
        owner_id=access.membership.user_id,
        status__in=OPEN_STATUSES,
        due_date__lte=horizon,
    ).order_by("due_date", "pk"):
        late = measure.due_date < today
        tasks.append(
            Task(
                urgency=Urgency.LATE if late else Urgency.SOON,
                title=_("Your measure “%(title)s”") % {"title": measure.title},
                detail=(_("was due on %(date)s") if late else _("due on %(date)s"))
                % {"date": date_format(measure.due_date, "j F Y")},
                url=reverse("plans:measure", args=[board_id, measure.pk]),
                due=_moment(measure.due_date),
                late=late,
            )
        )
    approves, manages = access.may(Action.APPROVE), access.may(Action.MANAGE_BOARD)
    plan = Plan.objects.filter(board_id=board_id).first() if approves or manages else None
    plan_url = reverse("plans:plan", args=[board_id]) + "#approval-heading"
    if plan is not None and plan.submitted_at is not None and approves:
        tasks.append(
            Task(
                urgency=Urgency.WAITING,
                title=_("The improvement plan waits for your approval"),
                detail=_("submitted on %(date)s")
                % {"date": date_format(timezone.localtime(plan.submitted_at), "j F Y")},
                url=plan_url,
                due=plan.submitted_at,
            )
        )
    elif plan is not None and plan.sent_back_reason and manages and not approves:
        tasks.append(
            Task(
                urgency=Urgency.WAITING,
                title=_("The executive sent the improvement plan back"),
                detail=plan.sent_back_reason[:120],
                url=plan_url,
                due=plan.updated_at,
            )
        )
    if access.may(Action.ACCEPT_RISK):
        for proposal in (
            RiskAcceptance.objects.filter(
                board_id=board_id, accepted_at__isnull=True, withdrawn_at__isnull=True
            )
            .select_related("norm")
            .order_by("proposed_at", "pk")
        ):
            tasks.append(
                Task(
                    urgency=Urgency.WAITING,
                    title=_("The coordinator proposes to accept the risk on %(code)s")
                    % {"code": proposal.norm.code},
                    detail=proposal.reason[:120],
                    url=reverse("plans:plan", args=[board_id]) + "#risks-heading",
                    due=proposal.proposed_at,
                )
            )
    return tasks
