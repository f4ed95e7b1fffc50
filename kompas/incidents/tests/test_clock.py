"""The 72-hour clock: real hours on the UTC instant, shown on the Dutch wall clock."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import translation

from kompas.incidents.clock import (
    ClockState,
    NonexistentTime,
    clock_for,
    decision_deadline,
    from_local,
    local,
)
from kompas.incidents.forms import LocalDateTimeField

UTC = datetime.UTC
CET = datetime.timezone(datetime.timedelta(hours=1))
CEST = datetime.timezone(datetime.timedelta(hours=2))
# 2026: the clocks go forward on Sunday 29 March (02:00 CET -> 03:00 CEST, 01:00 UTC) and back
# on Sunday 25 October (03:00 CEST -> 02:00 CET, 01:00 UTC).
BEFORE_SPRING_FORWARD = datetime.datetime(2026, 3, 29, 1, 30, tzinfo=CET)
BEFORE_FALL_BACK = datetime.datetime(2026, 10, 25, 1, 30, tzinfo=CEST)


def breach_clock(aware, now, decided_at=None):
    return clock_for(is_breach=True, aware_at=aware, decided_at=decided_at, now=now)


def shown(clock):
    with translation.override("en"):
        return " ".join(render_to_string("incidents/_clock.html", {"clock": clock}).split())


def test_the_deadline_is_72_real_hours_later_across_the_spring_forward():
    deadline = decision_deadline(BEFORE_SPRING_FORWARD)

    assert deadline == datetime.datetime(2026, 4, 1, 0, 30, tzinfo=UTC)
    assert deadline - BEFORE_SPRING_FORWARD == datetime.timedelta(hours=72)
    # On the wall clock it is 73 hours later: the night of the 29th had 23 hours.
    assert local(deadline).isoformat() == "2026-04-01T02:30:00+02:00"


def test_the_deadline_is_72_real_hours_later_across_the_fall_back():
    deadline = decision_deadline(BEFORE_FALL_BACK)

    assert deadline == datetime.datetime(2026, 10, 27, 23, 30, tzinfo=UTC)
    # On the wall clock it is 71 hours later: the night of the 25th had 25 hours.
    assert local(deadline).isoformat() == "2026-10-28T00:30:00+01:00"


def test_the_page_shows_the_local_wall_clock_deadline_and_the_time_left():
    deadline = decision_deadline(BEFORE_SPRING_FORWARD)
    clock = breach_clock(BEFORE_SPRING_FORWARD, now=deadline - datetime.timedelta(minutes=75))

    assert clock.state == ClockState.RUNNING
    assert (clock.hours, clock.minutes) == (1, 15)
    assert shown(clock) == (
        '<span class="tag tag--warning">1 h 15 min left</span> '
        '<span class="clock__deadline">decision due by Wednesday 1 April 2026, 02:30</span>'
    )


def test_the_time_left_counts_real_hours_through_the_night_the_clocks_go_back():
    # At noon on the Saturday before, 36 hours of the 72 are gone (the 25th has 25 hours).
    now = datetime.datetime(2026, 10, 24, 13, 30, tzinfo=CEST)
    clock = breach_clock(datetime.datetime(2026, 10, 23, 1, 30, tzinfo=CEST), now=now)

    assert (clock.hours, clock.minutes) == (36, 0)
    assert local(clock.deadline).isoformat() == "2026-10-26T00:30:00+01:00"
    assert "Monday 26 October 2026, 00:30" in shown(clock)


def test_a_breach_past_its_deadline_without_a_decision_is_overdue():
    deadline = decision_deadline(BEFORE_FALL_BACK)

    at_deadline = breach_clock(BEFORE_FALL_BACK, now=deadline)
    later = breach_clock(BEFORE_FALL_BACK, now=deadline + datetime.timedelta(hours=2, minutes=5))

    assert at_deadline.state == ClockState.OVERDUE
    assert (later.state, later.hours, later.minutes) == (ClockState.OVERDUE, 2, 5)
    assert later.is_pending
    assert shown(later) == (
        '<span class="tag tag--danger">overdue by 2 h 5 min</span> '
        '<span class="clock__deadline">decision was due by Wednesday 28 October 2026, '
        "00:30</span>"
    )


def test_a_decision_stops_the_clock_and_says_whether_it_was_in_time():
    deadline = decision_deadline(BEFORE_SPRING_FORWARD)
    now = deadline + datetime.timedelta(days=3)

    in_time = breach_clock(BEFORE_SPRING_FORWARD, now, decided_at=deadline)
    late = breach_clock(BEFORE_SPRING_FORWARD, now, decided_at=deadline + datetime.timedelta(1))

    assert (in_time.state, in_time.is_pending) == (ClockState.DECIDED, False)
    assert late.state == ClockState.DECIDED_LATE
    assert "decided after the 72 hours" in shown(late)


def test_a_security_incident_without_personal_data_has_no_clock():
    clock = clock_for(
        is_breach=False, aware_at=BEFORE_FALL_BACK, decided_at=None, now=BEFORE_FALL_BACK
    )

    assert (clock.state, clock.deadline, clock.is_pending) == (
        ClockState.NOT_APPLICABLE,
        None,
        False,
    )


def test_the_repeated_hour_in_october_is_read_as_summer_time():
    # 02:30 happens twice that night; the first one gives the earlier deadline, never a later.
    aware = from_local(datetime.datetime(2026, 10, 25, 2, 30))  # noqa: DTZ001 - a wall-clock time

    assert aware.isoformat() == "2026-10-25T02:30:00+02:00"
    assert decision_deadline(aware) == datetime.datetime(2026, 10, 28, 0, 30, tzinfo=UTC)


def test_the_skipped_hour_in_march_does_not_exist():
    with pytest.raises(NonexistentTime):
        from_local(datetime.datetime(2026, 3, 29, 2, 30))  # noqa: DTZ001 - a wall-clock time


def test_the_form_reads_wall_clock_times_and_refuses_the_skipped_hour():
    field = LocalDateTimeField()

    assert field.clean("2026-03-29T01:30") == BEFORE_SPRING_FORWARD
    assert field.clean("2026-03-29T03:00").isoformat() == "2026-03-29T03:00:00+02:00"
    assert field.clean("2026-10-25T02:30").utcoffset() == datetime.timedelta(hours=2)
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="does not exist") as refused,
    ):
        field.clean("2026-03-29T02:30")
    assert "29 March 2026 02:30" in str(refused.value)


def test_an_unaware_moment_is_refused():
    with pytest.raises(ValueError, match="aware"):
        decision_deadline(datetime.datetime(2026, 3, 29, 1, 30))  # noqa: DTZ001
