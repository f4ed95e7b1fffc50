"""Making notifications from events, reading them, and how each person wants them."""

import logging

from django.db import transaction
from django.utils import timezone

from kompas.accounts.models import User
from kompas.audit.models import AuditEvent
from kompas.notifications.models import ALWAYS_SENT, Delivery, Kind, Notification, Preference
from kompas.notifications.rules import members, plan_for
from kompas.notifications.tasks import send_notifications

logger = logging.getLogger(__name__)


def notify_for_event(*, event: AuditEvent) -> list[Notification]:
    """The notifications an event asks for, made once (in the event's transaction); those to
    e-mail at once go to the task worker when it commits."""
    planned = plan_for(event)
    if planned is None:
        return []
    found = [m for m in members(planned.boards, planned.roles) if m.user_id != event.actor_id]
    if not found:
        return []
    chosen = dict(
        Preference.objects.filter(
            user__in={m.user_id for m in found}, kind=planned.kind
        ).values_list("user_id", "delivery")
    )
    made = []
    seen: set[int] = set()
    for membership in found:
        if membership.user_id in seen:
            continue  # one person, several roles in one rule: told once
        seen.add(membership.user_id)
        made.append(
            Notification(
                recipient_id=membership.user_id,
                board=membership.board,
                event=event,
                kind=planned.kind,
                params={**planned.params, "board": membership.board.name},
                url=planned.url_of(membership.board_id),
                created_at=event.created_at,
                delivery=delivery_for(planned.kind, chosen.get(membership.user_id)),
            )
        )
    created = Notification.objects.bulk_create(made, ignore_conflicts=True)
    if any(n.delivery == Delivery.IMMEDIATE for n in made):
        transaction.on_commit(_mail_soon)
    return created


def delivery_for(kind: str, chosen: str | None) -> str:
    """The person's choice; the 72-hour warnings are mailed even when they chose "off"."""
    delivery = chosen or Delivery.IMMEDIATE
    if kind in ALWAYS_SENT and delivery == Delivery.OFF:
        return Delivery.IMMEDIATE
    return delivery


def _mail_soon() -> None:
    try:
        send_notifications.enqueue()
    except Exception:  # the periodic run sends it later
        logger.exception("Could not ask the worker to send notifications.")


def notification_open(*, user: User, notification_id: int) -> Notification | None:
    """The person's notification, marked read now if it was not; None for anyone else's."""
    notification = Notification.objects.filter(recipient=user, pk=notification_id).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preferences_save(*, user: User, choices: dict[str, str]) -> None:
    """Store a delivery per kind; refuses "off" for the 72-hour warnings with a ValueError."""
    for kind, delivery in choices.items():
        if kind not in Kind.values or delivery not in Delivery.values:
            raise ValueError(f"Unknown kind or delivery: {kind}={delivery}")
        if kind in ALWAYS_SENT and delivery == Delivery.OFF:
            raise ValueError(f"{kind} cannot be switched off.")
    with transaction.atomic():
        for kind, delivery in choices.items():
            Preference.objects.update_or_create(
                user=user, kind=kind, defaults={"delivery": delivery}
            )


def preferences_of(*, user: User) -> dict[str, str]:
    stored = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: stored.get(kind, Delivery.IMMEDIATE) for kind in Kind.values}
