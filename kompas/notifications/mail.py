"""Notifications by e-mail: at once, or in one daily digest per person.

The job (`send_notifications`: the task the worker runs after each event, and the command for a
periodic run) may run often and twice at once: a notification is marked `emailed_at` in the
same transaction as its message is handed to the mailer, under a row lock, so each goes out
once; a failed send rolls the mark back and the next run tries again. Messages are Dutch, plain
text with an HTML part; the subject names the kind only, never a board's weaknesses.
"""

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kompas.notifications.clock import clock_warnings, round_warnings
from kompas.notifications.models import Delivery, Kind, Notification

logger = logging.getLogger(__name__)


def send_notifications(*, now: datetime.datetime | None = None, digests: bool = False) -> int:
    """Make the clocks' warnings that are due (the 72 hours, a round's closing date), then send
    what is owed: every immediate notification not sent yet, and with `digests` the daily
    digests. Returns the number of messages sent."""
    now = now or timezone.now()
    clock_warnings(now=now)
    round_warnings(now=now)
    sent = 0
    pending = Notification.objects.filter(
        delivery=Delivery.IMMEDIATE, emailed_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(pending):
        sent += _send_one(pk, now)
    if digests:
        by_person: dict[int, list[int]] = defaultdict(list)
        for pk, person in Notification.objects.filter(
            delivery=Delivery.DIGEST, emailed_at__isnull=True
        ).values_list("pk", "recipient_id"):
            by_person[person].append(pk)
        for person, pks in sorted(by_person.items()):
            sent += _send_digest(person, pks, now)
    return sent


def _send_one(pk: int, now: datetime.datetime) -> int:
    try:
        with transaction.atomic():
            found = (
                Notification.objects.select_for_update()
                .select_related("recipient")
                .filter(pk=pk, emailed_at__isnull=True)
                .first()
            )
            if found is None or not found.recipient.email or not found.recipient.is_active:
                return 0
            mail.mailers.default.send_messages([message([found])])
            found.emailed_at = now
            found.save(update_fields=["emailed_at"])
    except Exception:
        logger.exception("Notification %s not e-mailed; the next run tries again.", pk)
        return 0
    return 1


def _send_digest(person: int, pks: list[int], now: datetime.datetime) -> int:
    try:
        with transaction.atomic():
            found = list(
                Notification.objects.select_for_update()
                .select_related("recipient")
                .filter(pk__in=pks, emailed_at__isnull=True)
                .order_by("created_at", "pk")
            )
            if not found or not found[0].recipient.email or not found[0].recipient.is_active:
                return 0
            mail.mailers.default.send_messages([message(found)])
            Notification.objects.filter(pk__in=[n.pk for n in found]).update(emailed_at=now)
    except Exception:
        logger.exception("Digest for person %s not e-mailed; the next run tries again.", person)
        return 0
    return 1


def message(notifications: list[Notification]) -> EmailMultiAlternatives:
    """One message for one notification, or a digest of several, to their one recipient."""
    recipient = notifications[0].recipient
    with translation.override(settings.LANGUAGE_CODE):
        items = [
            {"text": n.text, "link": settings.SITE_URL + n.url, "kind": Kind(n.kind).label}
            for n in notifications
        ]
        context = {
            "items": items,
            "digest": len(notifications) > 1 or (notifications[0].delivery == Delivery.DIGEST),
            "settings_link": settings.SITE_URL + "/account/notifications/",
        }
        subject = render_to_string("notifications/email/subject.txt", context)
        body = render_to_string("notifications/email/body.txt", context)
        html = render_to_string("notifications/email/body.html", context)
    email = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=body, to=[recipient.email]
    )
    email.attach_alternative(html, "text/html")
    return email
