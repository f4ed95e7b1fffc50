"""Running one action from several threads at once, each with its own database connection.

For tests marked `django_db(transaction=True)`: the threads' transactions really overlap on
PostgreSQL (and queue for SQLite's write lock), so a race between them shows as it would
between two web requests.
"""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

# SQLite's in-memory test database shares one cache between connections, and a second writer
# gets "table is locked" at once instead of waiting: races are tested where they happen, on
# PostgreSQL, which CI runs the whole suite against.
on_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="concurrent transactions are tested on PostgreSQL (CI runs it)",
)


def at_once(action: Callable[[], Any], times: int) -> list[Any]:
    """Start `times` threads that run `action` together; their results or exceptions, in order."""
    barrier = threading.Barrier(times)
    outcomes: list[Any] = [None] * times

    def run(slot: int) -> None:
        try:
            barrier.wait()
            outcomes[slot] = action()
        except Exception as error:  # noqa: BLE001 - the test looks at every outcome
            outcomes[slot] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
