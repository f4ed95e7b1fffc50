"""The date the tests mean when the date matters.

The suite must pass on any day it runs (CI also runs it with the clock moved; see
`config/testing.py`). A test whose outcome depends on the date marks itself `pinned` and then
works with `TODAY`, `NOW` and dates relative to them; every other test may use the real clock.

TODAY is an ordinary autumn Monday of the 2026 reporting year: the 2027 deadline is more than a
year away, review dates a month or two ahead still fall in 2026, and the roadmap has four years
left to 2030.
"""

import datetime
import zoneinfo

import pytest

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
TODAY = datetime.date(2026, 11, 2)
NOW = datetime.datetime.combine(TODAY, datetime.time(10), tzinfo=AMSTERDAM)

# The clock stands still at NOW for the whole test (time-machine's marker).
pinned = pytest.mark.time_machine(NOW, tick=False)
# The clock starts at NOW and runs on: for browser tests, whose waits need time to pass.
pinned_ticking = pytest.mark.time_machine(NOW, tick=True)


def days_from_today(days: int) -> datetime.date:
    """TODAY plus (or minus) a number of days."""
    return TODAY + datetime.timedelta(days=days)
