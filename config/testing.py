"""Pytest plugin (loaded with -p from pyproject.toml) that sets the test environment.

It runs before pytest-django reads the settings, which a conftest.py would be too late for.
Tests run as local use (DEBUG on, generated key); connections are not kept between requests so
that the live server's threads never hold the test database open at teardown.

`KOMPAS_TEST_TODAY=YYYY-MM-DD` moves the whole suite's clock to that day (09:00 in Amsterdam,
then ticking; `YYYY-MM-DDTHH:MM` names the time of day too, in Amsterdam), so that CI can prove
no test depends on the day it happens to run: a test whose outcome depends on the date pins its
own clock (`kompas.testing.clock`).
"""

import datetime
import os
import zoneinfo

import pytest

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "0")


def _moved_clock() -> datetime.datetime | None:
    value = os.environ.get("KOMPAS_TEST_TODAY", "").strip()
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(
            f"KOMPAS_TEST_TODAY must be a date as YYYY-MM-DD (or YYYY-MM-DDTHH:MM), not {value!r}"
        ) from None
    if "T" not in value and " " not in value:
        moment = moment.replace(hour=9)
    return moment.replace(tzinfo=zoneinfo.ZoneInfo("Europe/Amsterdam"))


def pytest_configure(config: pytest.Config) -> None:
    moment = _moved_clock()
    if moment is None:
        return
    import time_machine  # noqa: PLC0415  (a development dependency, needed only here)

    traveller = time_machine.travel(moment, tick=True)
    traveller.start()
    config.add_cleanup(traveller.stop)


def pytest_report_header(config: pytest.Config) -> str | None:
    moment = _moved_clock()
    if moment is None:
        return None
    return f"clock moved to {moment:%Y-%m-%d %H:%M} Amsterdam (KOMPAS_TEST_TODAY)"
