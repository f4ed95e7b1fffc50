"""The 72-hour clock of GDPR art. 33: notify the Autoriteit Persoonsgegevens within 72 hours of
becoming aware of a personal-data breach, unless it is unlikely to result in a risk.

The deadline is 72 hours of real time after the moment of awareness: computed on the UTC
instant, so a night in which the clocks change is 71 or 73 hours on the wall clock but still 72
real hours. It is shown in Europe/Amsterdam. Pure functions: `now` is always passed in.
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

DECISION_WINDOW = datetime.timedelta(hours=72)
LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")
UTC = datetime.UTC


class ClockState(StrEnum):
    RUNNING = "running"  # undecided, the deadline still ahead
    OVERDUE = "overdue"  # undecided, the deadline passed
    DECIDED = "decided"  # a decision was recorded within the 72 hours
    DECIDED_LATE = "decided_late"  # a decision was recorded after the 72 hours
    NOT_APPLICABLE = "not_applicable"  # not a personal-data breach: there is nothing to notify


def decision_deadline(aware_at: datetime.datetime) -> datetime.datetime:
    """72 real hours after awareness, in UTC."""
    if aware_at.tzinfo is None:
        raise ValueError("The moment of awareness must be an aware datetime.")
    return aware_at.astimezone(UTC) + DECISION_WINDOW


def local(moment: datetime.datetime) -> datetime.datetime:
    """The moment on the wall clock in the Netherlands."""
    return moment.astimezone(LOCAL_ZONE)


@dataclass(frozen=True)
class Clock:
    state: ClockState
    deadline: datetime.datetime | None = None  # UTC
    remaining: datetime.timedelta | None = None  # RUNNING: time left; OVERDUE: time past

    @property
    def local_deadline(self) -> datetime.datetime | None:
        return local(self.deadline) if self.deadline else None

    @property
    def is_pending(self) -> bool:
        """A decision is still owed: the dashboard warns about it."""
        return self.state in (ClockState.RUNNING, ClockState.OVERDUE)

    @property
    def hours(self) -> int:
        return int(self.remaining.total_seconds() // 3600) if self.remaining else 0

    @property
    def minutes(self) -> int:
        return int(self.remaining.total_seconds() // 60 % 60) if self.remaining else 0


def clock_for(
    *,
    is_breach: bool,
    aware_at: datetime.datetime,
    decided_at: datetime.datetime | None,
    now: datetime.datetime,
) -> Clock:
    """Where the clock stands at `now`; `decided_at` is when the AP decision was recorded."""
    if not is_breach:
        return Clock(ClockState.NOT_APPLICABLE)
    deadline = decision_deadline(aware_at)
    if decided_at is not None:
        late = decided_at > deadline
        return Clock(ClockState.DECIDED_LATE if late else ClockState.DECIDED, deadline)
    if now < deadline:
        return Clock(ClockState.RUNNING, deadline, deadline - now)
    return Clock(ClockState.OVERDUE, deadline, now - deadline)


class NonexistentTime(ValueError):
    """A wall-clock time skipped when the clocks go forward (02:00-03:00, last Sunday of March)."""


def from_local(wall_clock: datetime.datetime) -> datetime.datetime:
    """A time on the Dutch wall clock as an aware datetime.

    In the hour that occurs twice when the clocks go back, the first occurrence (summer time) is
    taken: the deadline then falls an hour early, never late. A time skipped when the clocks go
    forward raises NonexistentTime.
    """
    naive = wall_clock.replace(tzinfo=None)
    aware = naive.replace(tzinfo=LOCAL_ZONE, fold=0)
    if aware.astimezone(UTC).astimezone(LOCAL_ZONE).replace(tzinfo=None) != naive:
        raise NonexistentTime(naive.isoformat())
    return aware
