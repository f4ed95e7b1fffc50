from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from kompas.demo.seed import demo_logins, demo_password, seed_demo


class Command(BaseCommand):
    help = (
        "Load the shipped framework, the threat catalogue and the demo boards. Safe to run "
        "again: what is already there is left as it is. Demo accounts are created only when "
        "DEBUG is on."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for line in seed_demo(with_accounts=settings.DEBUG):
            self.stdout.write(line)
        if settings.DEBUG:
            source = "DEMO_PASSWORD" if settings.DEMO_PASSWORD else "default; set DEMO_PASSWORD"
            self.stdout.write(f"\nDemo logins, all with password {demo_password()} ({source}):")
            for login in demo_logins():
                self.stdout.write(f"  {login.email:<40} {login.role}")
