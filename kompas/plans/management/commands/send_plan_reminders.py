import datetime
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand

from kompas.plans.reminders import send_reminders
from kompas.plans.tasks import send_plan_reminders


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(
            f"give the date as YYYY-MM-DD (for example 2027-03-01), not {value!r}"
        ) from None


class Command(BaseCommand):
    help = (
        "E-mail the owners of open measures that are due soon or overdue; each reminder goes "
        "out once, however often this runs. Run it daily, e.g. from cron."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--date",
            type=iso_date,
            help="Send the reminders as if today were this date (YYYY-MM-DD).",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the job to the background worker (db_worker) instead of running it here.",
        )

    def handle(self, *args: Any, date: datetime.date | None, enqueue: bool, **options: Any) -> None:
        if enqueue:
            result = send_plan_reminders.enqueue(date.isoformat() if date else None)
            self.stdout.write(f"Reminder job queued for the background worker (task {result.id}).")
            return
        sent = send_reminders(today=date)
        self.stdout.write(self.style.SUCCESS(f"{sent} reminder(s) sent."))
