"""Background tasks of the improvement plan, run by the tasks worker (`manage.py db_worker`)."""

import datetime

from django.tasks import task

from kompas.plans.reminders import send_reminders


@task
def send_plan_reminders(today: str | None = None) -> int:
    """Send the reminders that are due (as on `today`, an ISO date; default: today)."""
    return send_reminders(today=datetime.date.fromisoformat(today) if today else None)
