"""Dates as people type them, read in their time zone and stored as UTC, DST included."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from store.cards.dates import parse_day, parse_when
from store.errors import BadValue

BERLIN = ZoneInfo("Europe/Berlin")
# A Wednesday afternoon in Berlin, winter time (UTC+1).
NOW = datetime(2026, 11, 25, 15, 42, tzinfo=BERLIN)


def when(text: str, now: datetime = NOW) -> datetime:
    return parse_when(text, now=now, tz=BERLIN)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-20T10:30:00+00:00", utc(2026, 11, 20, 10, 30)),
        ("2026-11-20T10:30Z", utc(2026, 11, 20, 10, 30)),
        ("2026-11-20 10:30", utc(2026, 11, 20, 9, 30)),  # local: UTC+1
        ("2026-11-20", utc(2026, 11, 20, 8, 0)),  # a day alone means 09:00 local
        ("today 14:00", utc(2026, 11, 25, 13, 0)),
        ("today", utc(2026, 11, 25, 8, 0)),  # a day without a time: 09:00 local, always
        ("yesterday", utc(2026, 11, 24, 8, 0)),
        ("yesterday 9pm", utc(2026, 11, 24, 20, 0)),
        ("tomorrow 9am", utc(2026, 11, 26, 8, 0)),
        ("  Today   14:00 ", utc(2026, 11, 25, 13, 0)),
        ("now", utc(2026, 11, 25, 14, 42)),
        ("3 days ago", utc(2026, 11, 22, 8, 0)),
        ("in 2 days", utc(2026, 11, 27, 8, 0)),
    ],
)
def test_typed_dates_are_read_in_the_local_zone_and_stored_as_utc(typed, expected) -> None:
    moment = when(typed)
    assert moment == expected and moment.tzinfo == UTC


def test_summer_time_is_applied_on_the_day_typed() -> None:
    summer_now = datetime(2026, 7, 1, 12, 0, tzinfo=BERLIN)
    assert when("today 14:00", summer_now) == utc(2026, 7, 1, 12, 0)  # UTC+2 in July
    assert when("2026-11-20 10:30", summer_now) == utc(2026, 11, 20, 9, 30)  # UTC+1 then


def test_a_day_across_the_spring_change_keeps_the_wall_clock_time() -> None:
    # Clocks went forward at 02:00 on Sunday 2026-03-29.
    monday = datetime(2026, 3, 30, 10, 0, tzinfo=BERLIN)
    assert when("yesterday 10:00", monday) == utc(2026, 3, 29, 8, 0)  # already UTC+2
    assert when("yesterday", monday) == utc(2026, 3, 29, 7, 0)
    assert when("3 days ago", monday) == utc(2026, 3, 27, 8, 0)  # 09:00 then, at UTC+1
    assert when("3 days ago 10:00", monday) == utc(2026, 3, 27, 9, 0)
    assert when("2026-03-28 10:00", monday) == utc(2026, 3, 28, 9, 0)


def test_the_autumn_change_reads_the_doubled_hour_as_its_first_time() -> None:
    # 02:30 happened twice on 2026-10-25: first at UTC+2, then at UTC+1.
    assert when("2026-10-25 02:30") == utc(2026, 10, 25, 0, 30)
    assert when("2026-10-25 03:30") == utc(2026, 10, 25, 2, 30)


def test_a_promised_day_is_the_local_calendar_day() -> None:
    late_evening = datetime(2026, 11, 25, 23, 30, tzinfo=BERLIN)  # already the 25th here
    assert parse_day("today", now=late_evening, tz=BERLIN) == date(2026, 11, 25)
    assert parse_day("tomorrow", now=late_evening, tz=BERLIN) == date(2026, 11, 26)
    assert parse_day("2026-12-01", tz=BERLIN) == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Empty date"),
        ("next blursday", "Bad date 'next blursday'"),
        ("today 25:00", "not a time of day"),
        ("today 13pm", "12-hour clock"),
        ("yesterday noonish", "Bad time"),
        ("2026-13-01", "Bad date"),
    ],
)
def test_a_bad_date_is_one_clear_line(typed: str, says: str) -> None:
    with pytest.raises(BadValue) as caught:
        when(typed)
    assert says in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(BadValue):
        parse_day("2026-02-30")
