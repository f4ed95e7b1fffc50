from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kompas.notifications.mail import send_notifications


class Command(BaseCommand):
    help = "E-mail the notifications that are owed; with --digests also the daily digests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--digests", action="store_true", help="also send the daily digests (run once a day)"
        )

    def handle(self, *args: Any, digests: bool, **options: Any) -> None:
        sent = send_notifications(digests=digests)
        self.stdout.write(f"{sent} message(s) sent.")
