"""Background work of the notifications, run by the tasks worker (`manage.py db_worker`)."""

from django.tasks import task

from kompas.notifications import mail


@task
def send_notifications(*, digests: bool = False) -> int:
    """E-mail the notifications that are owed (and with `digests` the daily digests)."""
    return mail.send_notifications(digests=digests)
