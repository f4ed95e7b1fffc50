from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kompas.audit.models import AuditEvent
from kompas.audit.services import audit_verify


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chains. Exits 0 when every chain is intact, and non-zero "
        "naming the first bad event of each chain where an event was changed or removed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        breaches = list(audit_verify())
        if breaches:
            lines = ["The audit trail has been tampered with:"]
            lines += [f"  {breach}" for breach in breaches]
            raise CommandError("\n".join(lines))
        count = AuditEvent.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {count} events checked."))
