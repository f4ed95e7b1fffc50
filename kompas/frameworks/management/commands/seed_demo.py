from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from kompas.core.demo import DEMO_ACCOUNTS, seed_demo


class Command(BaseCommand):
    help = (
        "Load the shipped framework and the demo data. Safe to run again: what is already "
        "there is left as it is. Demo accounts are created only when DEBUG is on."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = seed_demo(with_accounts=settings.DEBUG)
        for line in report:
            self.stdout.write(line)
        if settings.DEBUG:
            self.stdout.write("Demo logins (password for each: the one shown):")
            for account in DEMO_ACCOUNTS:
                self.stdout.write(f"  {account.email:<32} {account.password:<20} {account.role}")
