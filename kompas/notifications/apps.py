from typing import Any

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "kompas.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from kompas.audit.models import AuditEvent

        post_save.connect(_on_event, sender=AuditEvent, dispatch_uid="notifications.on_event")


def _on_event(*, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """Every notification follows an event on the audit trail (restores replay none)."""
    if created and not raw:
        from kompas.notifications.services import notify_for_event

        notify_for_event(event=instance)
