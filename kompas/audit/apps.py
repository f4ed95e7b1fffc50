from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kompas.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from kompas.audit import signals  # noqa: F401 - connects the authentication receivers
