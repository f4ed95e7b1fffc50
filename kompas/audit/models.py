"""The audit trail: append-only events, hash-chained per board (and one chain for the platform).

Each event's hash covers its content and the previous event's hash in the same chain, so
changing or removing an event breaks the chain where it happened (`manage.py verify_audit`).
The chain head records the last sequence number and hash, so removing the newest event shows
too. Rows are never updated or deleted through the ORM.
"""

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _

PLATFORM_CHAIN = "platform"


def board_chain(board_id: int) -> str:
    return f"board:{board_id}"


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")
    APPROVE = "approve", _("approved")
    EXPORT = "export", _("exported")
    LOGIN = "login", _("signed in")
    LOGIN_FAILED = "login_failed", _("sign-in failed")
    LOGOUT = "logout", _("signed out")
    ACCESS_DENIED = "access_denied", _("access denied")
    INVITE = "invite", _("invited")
    ACCEPT_INVITATION = "accept_invitation", _("accepted invitation")
    DEACTIVATE = "deactivate", _("deactivated")
    VIEW = "view", _("viewed")


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("Audit events are append-only; they cannot be updated.")

    def delete(self) -> NoReturn:
        raise TypeError("Audit events are append-only; they cannot be deleted.")


class AuditChain(models.Model):
    """The head of one chain, locked while an event is appended so chains never fork."""

    key = models.CharField(max_length=40, unique=True)
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.key} #{self.last_sequence}"


class AuditEvent(models.Model):
    chain = models.CharField(max_length=40)
    sequence = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(_("time"))
    board_id = models.BigIntegerField(_("board"), null=True, blank=True, db_index=True)
    # Plain values, not foreign keys: the trail must outlive and not change with other rows.
    actor_id = models.BigIntegerField(_("actor"), null=True, blank=True)
    actor_email = models.CharField(_("actor e-mail"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=24, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ("chain", "sequence")
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [
            models.UniqueConstraint(fields=["chain", "sequence"], name="auditevent_unique_seq"),
        ]
        indexes = [models.Index(fields=["board_id", "-created_at"], name="audit_board_time")]

    def __str__(self) -> str:
        return f"{self.chain} #{self.sequence} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("Audit events are append-only; they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("Audit events are append-only; they cannot be deleted.")
