"""Reading dates the way people type them, in the local time zone, stored as UTC.

Accepts ISO 8601 (with or without an offset), `YYYY-MM-DD HH:MM`, `today`, `yesterday`,
`tomorrow`, `now`, each optionally followed by a time (`today 14:00`, `yesterday 9am`), and
`N days ago` / `in N days`. Anything else is a `BadValue` that quotes what was typed.

Only years `FIRST_YEAR`..`LAST_YEAR` are accepted: an interview in year 1 or 9999 is a typo,
and a moment at the edge of what `datetime` holds would overflow the day arithmetic of the due
rules and the calendar export later. This module must never raise anything but `BadValue`.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from store.errors import BadValue
from store.untrusted import quoted

FIRST_YEAR = 1900
LAST_YEAR = 2199

_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
_RELATIVE = re.compile(r"^(?:(\d+)\s+days?\s+ago|in\s+(\d+)\s+days?)$", re.IGNORECASE)
_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}


def local_tz() -> tzinfo:
    return datetime.now().astimezone().tzinfo or UTC


def _parse_time(text: str, original: str) -> time:
    match = _TIME.match(text.strip())
    if not match:
        raise BadValue(f"Bad time in {quoted(original)}: use HH:MM, e.g. 14:00.")
    hour, minute, half = int(match[1]), int(match[2] or 0), (match[3] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            raise BadValue(
                f"Bad time in {quoted(original)}: {hour} is not an hour on a 12-hour clock."
            )
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise BadValue(
            f"Bad time in {quoted(original)}: {hour:02d}:{minute:02d} is not a time of day."
        )
    return time(hour, minute)


def _localize(day: date, at: time, tz: tzinfo | None) -> datetime:
    naive = datetime.combine(day, at)
    if tz is None:
        return naive.astimezone()  # the system's rules, daylight saving included
    return naive.replace(tzinfo=tz)


def parse_when(text: str, now: datetime | None = None, tz: tzinfo | None = None) -> datetime:
    """A moment typed by a person, as an aware UTC datetime (years `FIRST_YEAR`..`LAST_YEAR`)."""
    try:
        moment = _parse_when(text, now, tz)
    except (OverflowError, ValueError) as exc:  # a day beyond what a datetime can hold
        if isinstance(exc, BadValue):
            raise
        raise _out_of_range(text) from None
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise _out_of_range(text)
    return moment


def _out_of_range(text: str) -> BadValue:
    return BadValue(
        f"Date {quoted(text)} is out of range: use a year from {FIRST_YEAR} to {LAST_YEAR}."
    )


def _parse_when(text: str, now: datetime | None, tz: tzinfo | None) -> datetime:
    original = text
    text = " ".join(str(text).strip().split())
    if not text:
        raise BadValue("Empty date: use e.g. 2026-11-20 10:30, today 14:00 or yesterday.")
    now = now or datetime.now(UTC)
    local_now = now.astimezone(tz) if tz is not None else now.astimezone()
    lowered = text.lower()
    if lowered == "now":
        return now.astimezone(UTC)
    relative = _RELATIVE.match(lowered)
    if relative:
        # Days on the wall clock: "3 days ago" at 10:00 is 10:00 then, across a DST change too.
        days = -int(relative[1]) if relative[1] else int(relative[2])
        day = local_now.date() + timedelta(days=days)
        return _localize(day, local_now.time().replace(tzinfo=None), tz).astimezone(UTC)
    word, _, rest = lowered.partition(" ")
    if word in _WORDS:
        day = local_now.date() + timedelta(days=_WORDS[word])
        at = _parse_time(rest, original) if rest else time(9, 0) if word != "today" else None
        if at is None:
            at = time(local_now.hour, local_now.minute)
        return _localize(day, at, tz).astimezone(UTC)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadValue(
            f"Bad date {quoted(original)}: use ISO 8601 (2026-11-20 10:30), today 14:00 or "
            "yesterday."
        ) from None
    if parsed.tzinfo is None:
        has_time = len(text) > 10
        parsed = _localize(parsed.date(), parsed.time() if has_time else time(9, 0), tz)
    return parsed.astimezone(UTC)


def parse_day(text: str, now: datetime | None = None, tz: tzinfo | None = None) -> date:
    """A calendar day (a promised answer date): the local date of what was typed."""
    original = text
    text = " ".join(str(text).strip().split())
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise BadValue(f"Bad date {quoted(original)}: no such day.") from None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise _out_of_range(original)
        return day
    moment = parse_when(text, now=now, tz=tz)
    return moment.astimezone(tz).date() if tz is not None else moment.astimezone().date()
