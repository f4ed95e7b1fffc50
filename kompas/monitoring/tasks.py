"""Background work of monitoring, run by the tasks worker (`manage.py db_worker`)."""

import datetime

from django.tasks import task

from kompas.monitoring.aggregates import round_aggregate
from kompas.monitoring.models import MonitoringRound


@task
def recompute_round_figures(round_id: int, requested_at: str) -> bool:
    """Recompute a round's figures, unless a recomputation started after the request did it.

    A burst of submissions enqueues one task each; the first to run counts them all, and the
    others find the round computed after they were asked for and stop. Returns whether it
    recomputed.
    """
    round_ = MonitoringRound.objects.filter(pk=round_id).first()
    if round_ is None:
        return False
    asked = datetime.datetime.fromisoformat(requested_at)
    if round_.aggregated_at is not None and round_.aggregated_at > asked:
        return False
    round_aggregate(round_=round_)
    return True
