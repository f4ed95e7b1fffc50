"""What needs a board member now: the items of their board's home, most urgent first.

The apps above contribute their own items (`register_source`, called from each app's
`ready()`), so that the home can name AP decisions, assigned norms, measures and rounds while
`boards` imports none of them. A source returns the items for one person on one board and keeps
a constant number of queries, whatever the number of norms, measures, incidents or rounds.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import IntEnum

from kompas.boards.access import BoardAccess


class Urgency(IntEnum):
    """The order of the home: a legal deadline first, then what is late, then what waits."""

    DEADLINE = 0  # the 72 hours of an AP decision: a warning at the top
    LATE = 1  # past its date
    WAITING = 2  # waits for this person's decision (an approval, a proposal)
    SOON = 3  # due within weeks
    OPEN = 4  # work of theirs that is still open


@dataclass(frozen=True)
class Task:
    """One thing for the person to do, with where it is done."""

    urgency: Urgency
    title: str
    url: str
    detail: str = ""
    due: datetime.datetime | None = None  # aware; orders items of one urgency
    late: bool = False  # its date has passed

    @property
    def is_warning(self) -> bool:
        return self.urgency == Urgency.DEADLINE


Source = Callable[[BoardAccess, datetime.datetime], Iterable[Task]]

_SOURCES: dict[str, Source] = {}


def register_source(key: str, source: Source) -> None:
    """Add the items of one app to every board home (again under the same key: replaced)."""
    _SOURCES[key] = source


def tasks_for(access: BoardAccess, *, now: datetime.datetime) -> list[Task]:
    """Everything the sources find for this person now, most urgent first."""
    found = [task for source in _SOURCES.values() for task in source(access, now)]
    latest = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return sorted(found, key=lambda task: (task.urgency, task.due or latest, task.title))
