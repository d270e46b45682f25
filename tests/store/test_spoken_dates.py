"""Dates as people say them (issue 11, item 6): one rule for a day without a time (09:00 local),
the spoken forms (`2 weeks ago`, `last monday`, `next friday`, `in 7 days`), slashed dates read
in the device's order (config.yaml's `date_order`, else the locale), and an error that lists
what works. Properties check the rule over many days and forms."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.cards.dates import DAY_START, HINT, parse_day, read_moment
from store.errors import BadValue
from store.language import MONTHS, WEEKDAYS, locale_date_order, preferred_date_order, reading_order

BERLIN = ZoneInfo("Europe/Berlin")
# A Wednesday afternoon in Berlin, winter time (UTC+1).
NOW = datetime(2026, 11, 25, 15, 42, tzinfo=BERLIN)


def local(text: str, now: datetime = NOW, order=None) -> datetime:
    return read_moment(text, now=now, tz=BERLIN, order=order).at.astimezone(BERLIN)


def at_nine(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), BERLIN)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("today", date(2026, 11, 25)),
        ("yesterday", date(2026, 11, 24)),
        ("tomorrow", date(2026, 11, 26)),
        ("3 days ago", date(2026, 11, 22)),
        ("2 weeks ago", date(2026, 11, 11)),
        ("a week ago", date(2026, 11, 18)),
        ("in 7 days", date(2026, 12, 2)),
        ("in a week", date(2026, 12, 2)),
        ("in two weeks", date(2026, 12, 9)),
        ("last monday", date(2026, 11, 23)),
        ("last wednesday", date(2026, 11, 18)),  # today is a Wednesday: a week ago
        ("next friday", date(2026, 11, 27)),
        ("next wed", date(2026, 12, 2)),
        ("31/12/2026", date(2026, 12, 31)),
        ("2026-03-03", date(2026, 3, 3)),
        ("3 March 2026", date(2026, 3, 3)),
    ],
)
def test_every_day_without_a_time_means_nine_in_the_morning(typed: str, day: date) -> None:
    moment = read_moment(typed, now=NOW, tz=BERLIN)
    assert moment.at.astimezone(BERLIN) == at_nine(day)
    assert moment.day_only


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("3 March 2026 2pm", datetime(2026, 3, 3, 14, 0, tzinfo=BERLIN)),
        ("last monday at 2pm", datetime(2026, 11, 23, 14, 0, tzinfo=BERLIN)),
        ("next friday 10am", datetime(2026, 11, 27, 10, 0, tzinfo=BERLIN)),
        ("in 2 days 14:00", datetime(2026, 11, 27, 14, 0, tzinfo=BERLIN)),
        ("2 weeks ago 16:30", datetime(2026, 11, 11, 16, 30, tzinfo=BERLIN)),
        ("now", NOW),
    ],
)
def test_a_typed_time_is_kept(typed: str, expected: datetime) -> None:
    moment = read_moment(typed, now=NOW, tz=BERLIN)
    assert moment.at == expected.astimezone(UTC)
    assert not moment.day_only


def test_a_bare_weekday_asks_which_one() -> None:
    with pytest.raises(BadValue, match="say last friday or next friday"):
        local("friday")


def test_the_error_lists_every_form_that_works() -> None:
    with pytest.raises(BadValue) as caught:
        local("the other day")
    message = str(caught.value)
    assert "\n" not in message and "'the other day'" in message
    for form in ("2 weeks ago", "last monday", "next friday", "in 7 days", "20/03/2026", "2pm"):
        assert form in message, form
    assert "09:00" in message  # and the rule for a day without a time
    assert HINT in message


def test_a_date_that_reads_two_ways_follows_the_order_given() -> None:
    assert local("03/04/2026", order="dmy").date() == date(2026, 4, 3)
    assert local("03/04/2026", order="mdy").date() == date(2026, 3, 4)
    with pytest.raises(BadValue, match="date_order"):
        local("03/04/2026")  # no order: both readings are shown, and where to set one
    assert local("31/12/2026", order="mdy").date() == date(2026, 12, 31)  # unambiguous: always


def test_the_locale_decides_the_order_only_when_a_date_reads_two_ways() -> None:
    asked: list[str] = []

    def order() -> str:
        asked.append("asked")
        return "dmy"

    assert local("31/12/2026", order=order).date() == date(2026, 12, 31)
    assert local("next friday", order=order).date() == date(2026, 11, 27)
    assert asked == []
    assert local("03/04/2026", order=order).date() == date(2026, 4, 3)
    assert asked == ["asked"]


def test_config_date_order_wins_over_the_locale() -> None:
    assert locale_date_order("en_US") == "mdy"
    assert locale_date_order("en_GB") == "dmy"
    assert locale_date_order("de_DE.UTF-8") == "dmy"
    assert locale_date_order(None) is None
    assert preferred_date_order("mdy", "de_DE") == "mdy"
    assert preferred_date_order(None, "de_DE") == "dmy"
    assert reading_order("dmy", "en_US") == "dmy"
    reader = reading_order(None, "en_US")
    assert callable(reader) and reader() == "mdy"


def test_a_promised_day_takes_the_spoken_forms_too() -> None:
    assert parse_day("next friday", now=NOW, tz=BERLIN) == date(2026, 11, 27)
    assert parse_day("in 7 days", now=NOW, tz=BERLIN) == date(2026, 12, 2)


# --- properties -------------------------------------------------------------------------------

days = st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31))
moments = st.datetimes(
    min_value=datetime(1950, 1, 1), max_value=datetime(2150, 12, 31), timezones=st.just(BERLIN)
)


@given(day=days, style=st.sampled_from(["iso", "dmy", "mdy", "words", "dotted"]))
def test_a_written_day_reads_as_that_day_at_nine(day: date, style: str) -> None:
    text = {
        "iso": day.isoformat(),
        "dmy": f"{day.day:02d}/{day.month:02d}/{day.year}",
        "mdy": f"{day.month:02d}/{day.day:02d}/{day.year}",
        "words": f"{day.day} {MONTHS[day.month - 1]} {day.year}",
        "dotted": f"{day.day}.{day.month}.{day.year}",
    }[style]
    order = "mdy" if style == "mdy" else "dmy"
    moment = read_moment(text, now=NOW, tz=BERLIN, order=order)
    assert moment.at.astimezone(BERLIN) == datetime.combine(day, DAY_START, BERLIN)


@given(
    now=moments,
    count=st.integers(min_value=0, max_value=400),
    unit=st.sampled_from(["day", "week"]),
)
def test_n_days_or_weeks_ago_and_ahead_are_whole_calendar_days(
    now: datetime, count: int, unit: str
) -> None:
    days_ = count * (7 if unit == "week" else 1)
    plural = "s" if count != 1 else ""
    today = now.date()
    back = read_moment(f"{count} {unit}{plural} ago", now=now, tz=BERLIN).at.astimezone(BERLIN)
    ahead = read_moment(f"in {count} {unit}{plural}", now=now, tz=BERLIN).at.astimezone(BERLIN)
    assert back.date() == today - timedelta(days=days_) and back.time() == DAY_START
    assert ahead.date() == today + timedelta(days=days_) and ahead.time() == DAY_START


@given(now=moments, weekday=st.sampled_from(range(7)))
def test_last_and_next_weekday_are_the_nearest_ones_not_today(now: datetime, weekday: int) -> None:
    name = WEEKDAYS[weekday].lower()  # as people type it
    last = read_moment(f"last {name}", now=now, tz=BERLIN).at.astimezone(BERLIN).date()
    upcoming = read_moment(f"next {name}", now=now, tz=BERLIN).at.astimezone(BERLIN).date()
    today = now.date()
    assert last.weekday() == weekday == upcoming.weekday()
    assert 1 <= (today - last).days <= 7
    assert 1 <= (upcoming - today).days <= 7
