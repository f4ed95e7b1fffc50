"""Background work of monitoring, run by the tasks worker (`manage.py db_worker`)."""

from django.tasks import task

from kompas.monitoring.aggregates import release_compute
from kompas.monitoring.models import Release, ReleaseStatus


@task
def compute_release(release_id: int) -> str:
    """Compute a requested release; returns its status afterwards (a second run does nothing)."""
    release = Release.objects.filter(pk=release_id).first()
    if release is None:
        return "missing"
    if release.status == ReleaseStatus.PENDING:
        release_compute(release=release)
        release.refresh_from_db(fields=["status"])
    return release.status
