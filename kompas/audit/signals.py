"""Authentication events go to the platform chain of the audit trail."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from kompas.accounts.models import User
from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def record_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    audit_record(action=AuditAction.LOGIN, actor=user, obj=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def record_logout(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, actor=user, obj=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def record_login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    attempted = str(credentials.get("email") or credentials.get("username") or "")
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        actor_email=attempted,
        object_type="accounts.user",
        object_repr=attempted[:300],
    )
