"""E-mail reminders to the owners of open measures: shortly before the due date, and overdue.

The job runs daily (the `send_plan_reminders` task or management command) and may run more
often, or twice at once: a ReminderSent row per (measure, kind, due date) makes each reminder go
out once. Moving a measure's due date re-arms both reminders.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from kompas.boards.models import Membership
from kompas.plans.models import OPEN_STATUSES, Measure, ReminderKind, ReminderSent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reminder:
    measure: Measure
    kind: ReminderKind

    @property
    def key(self) -> tuple[int, str, datetime.date]:
        return (self.measure.pk, self.kind.value, self.measure.due_date)


def reminder_kind(*, due_date: datetime.date, today: datetime.date) -> ReminderKind | None:
    """Which reminder an open measure due on `due_date` is owed today, if any."""
    if due_date < today:
        return ReminderKind.OVERDUE
    if due_date <= today + datetime.timedelta(days=settings.PLAN_REMINDER_DAYS_BEFORE):
        return ReminderKind.DUE_SOON
    return None


def measures_to_remind(*, today: datetime.date) -> QuerySet[Measure]:
    """Open measures due within the reminder window or overdue, whose owner is still on board."""
    owner_is_member = Membership.objects.filter(
        board=OuterRef("board"), user=OuterRef("owner"), is_active=True
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    horizon = today + datetime.timedelta(days=settings.PLAN_REMINDER_DAYS_BEFORE)
    return (
        Measure.objects.filter(
            status__in=OPEN_STATUSES,
            due_date__lte=horizon,
            board__is_active=True,
            owner__is_active=True,
        )
        .exclude(owner__email="")
        .filter(Exists(owner_is_member))
        .select_related("owner", "board")
        .order_by("due_date", "pk")
    )


def send_reminders(*, today: datetime.date | None = None) -> int:
    """Send every reminder that is due and not sent before; the number sent."""
    today = today or timezone.localdate()
    measures = measures_to_remind(today=today)
    already_sent = set(
        ReminderSent.objects.filter(measure__in=measures.values("pk")).values_list(
            "measure_id", "kind", "due_date"
        )
    )
    mailer = mail.mailers.default
    sent = 0
    for measure in measures:
        kind = reminder_kind(due_date=measure.due_date, today=today)
        if kind is None:
            continue
        reminder = Reminder(measure=measure, kind=kind)
        if reminder.key in already_sent:
            continue
        try:
            message = reminder_email(reminder=reminder)
            # The row and the e-mail stand or fall together: a failed send rolls the row back,
            # so the next run tries again; a second worker racing this one hits the unique
            # constraint (waiting for this transaction first) and skips.
            with transaction.atomic():
                ReminderSent.objects.create(
                    measure=measure, kind=kind, due_date=measure.due_date, recipient=message.to[0]
                )
                mailer.send_messages([message])
        except IntegrityError:
            continue
        except Exception:
            logger.exception(
                "Reminder %s for measure %s not sent; the next run tries again.",
                kind.value,
                measure.pk,
            )
            continue
        sent += 1
    return sent


def reminder_email(*, reminder: Reminder) -> EmailMessage:
    """The reminder e-mail to the measure's owner, in the application's language (Dutch)."""
    measure = reminder.measure
    owner = measure.owner
    assert owner is not None  # measures_to_remind only yields owned measures
    link = settings.SITE_URL + reverse("plans:measure", args=[measure.board_id, measure.pk])
    context = {
        "measure": measure,
        "owner": owner,
        "overdue": reminder.kind == ReminderKind.OVERDUE,
        "link": link,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("plans/email/reminder_subject.txt", context)
        body = render_to_string("plans/email/reminder_body.txt", context)
    # A subject is one header line, whatever the measure's title holds.
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[owner.email])
