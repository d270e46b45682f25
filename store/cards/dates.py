"""Reading dates the way people type them (and spreadsheets write them), in the local time
zone, stored as UTC. The one date parser of the app: the CLI, the card form, the dialogs and
the importer all read a date here.

Accepts ISO 8601 (with or without an offset), `YYYY-MM-DD HH:MM`, `now`, and days spoken the
way people say them: `today`, `yesterday`, `tomorrow`, `3 days ago`, `2 weeks ago`, `in 7 days`,
`in a week`, `last monday`, `next friday`; each may be followed by a time (`today 14:00`,
`last monday at 2pm`, `in 2 days 9am`). Also what spreadsheets write: `31/12/2026`,
`13.03.2025 14:00`, `Mar 3, 2025`, `3 March 2026 2pm`, `Tue, 4 March 2025 2pm`. A slashed date
whose day and month could be swapped (`03/04/2026`) is read in the `order` given (`date_order`
in config.yaml, the locale, or the importer's reading of the file); without one it is refused,
since a person typing it meant only one of the two. Anything else is a `BadValue` that quotes
what was typed and lists what works (`HINT`).

One rule for a day without a time, everywhere: it means `DAY_START` (09:00) local time on that
day. Only `now` (and a typed time) give another moment.

Only years `FIRST_YEAR`..`LAST_YEAR` are accepted: an interview in year 1 or 9999 is a typo,
and a moment at the edge of what `datetime` holds would overflow the day arithmetic of the due
rules and the calendar export later. This module must never raise anything but `BadValue`,
and never reads the config, the locale or the clock unless `now` is left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from store.errors import BadValue
from store.untrusted import quoted

FIRST_YEAR = 1900
LAST_YEAR = 2199

DATE_ORDERS = ("auto", "dmy", "mdy")
# Day or month first for a date like 03/04/2026: "dmy", "mdy", None (ask), or a function that
# says which when such a date is typed (the locale's way is looked up only then).
DateOrder = str | Callable[[], str | None] | None

_TIME = re.compile(r"(\d{1,2})(?::(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(am|pm)?", re.IGNORECASE)
# "3 days ago", "2 weeks ago", "in 7 days", "in a week".
_AGO = re.compile(r"^(\w+)\s+(day|week)s?\s+ago$")
_IN = re.compile(r"^in\s+(\w+)\s+(day|week)s?$")
_LAST_NEXT = re.compile(r"^(last|next)\s+(\w+?)\.?$")
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_WEEKDAY_NAMES = (
    ("mon", "monday"),
    ("tue", "tues", "tuesday"),
    ("wed", "weds", "wednesday"),
    ("thu", "thur", "thurs", "thursday"),
    ("fri", "friday"),
    ("sat", "saturday"),
    ("sun", "sunday"),
)
_WEEKDAY = {name: number for number, names in enumerate(_WEEKDAY_NAMES) for name in names}
DAY_START = time(9, 0)  # a day typed without a time means 09:00 local time on that day
MAX_SPOKEN_DAYS = 366 * 300  # "99999 days ago" is a typo, not a date
# What works, for every error that says a date could not be read.
HINT = (
    "use e.g. 2026-03-20 14:00, 20 March 2026 2pm, 20/03/2026, today 14:00, yesterday, "
    "3 days ago, 2 weeks ago, last monday, next friday 10am or in 7 days "
    "(a day without a time means 09:00)"
)
_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = re.compile(
    r"^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE
)
_TRAILING_TIME = re.compile(
    r"^(?P<day>.*?)[\sT,@]+(?:at\s+)?(?P<time>\d{1,2}(?::\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:am|pm)?|\s*(?:am|pm)))$",
    re.IGNORECASE,
)
# A day written with numbers: 2025-03-04, 03/04/2025, 4.3.25 (the separator used twice).
NUMERIC_DATE = re.compile(r"^(\d{1,4})([/.\-])(\d{1,2})\2(\d{2,4})$")
ISO_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Moment:
    """A date as read: a moment, and whether the text gave a time of day at all."""

    at: datetime
    day_only: bool

    @property
    def day(self) -> date:
        return self.at.astimezone().date()


def local_tz() -> tzinfo:
    return datetime.now().astimezone().tzinfo or UTC


def _time_of_day(text: str, original: str) -> time:
    match = _TIME.fullmatch(text.strip())
    if not match:
        raise BadValue(f"Bad time in {quoted(original)}: use HH:MM, e.g. 14:00.")
    hour, minute, second = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    half = (match[4] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            raise BadValue(
                f"Bad time in {quoted(original)}: {hour} is not an hour on a 12-hour clock."
            )
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise BadValue(
            f"Bad time in {quoted(original)}: {hour:02d}:{minute:02d} is not a time of day."
        )
    return time(hour, minute, second)


def _localize(day: date, at: time, tz: tzinfo | None) -> datetime:
    naive = datetime.combine(day, at)
    if tz is None:
        return naive.astimezone()  # the system's rules, daylight saving included
    return naive.replace(tzinfo=tz)


def parse_when(
    text: str, now: datetime | None = None, tz: tzinfo | None = None, order: DateOrder = None
) -> datetime:
    """A moment typed by a person, as an aware UTC datetime (years `FIRST_YEAR`..`LAST_YEAR`).

    `order` ("dmy" or "mdy") reads a slashed date whose day and month could be swapped; None
    refuses one, saying both readings."""
    return read_moment(text, now, tz, order).at


def read_moment(
    text: str, now: datetime | None = None, tz: tzinfo | None = None, order: DateOrder = None
) -> Moment:
    """`parse_when`, also saying whether the text gave a time of day (a spreadsheet's date
    alone matches any time that day)."""
    try:
        moment = _read(text, now, tz, order)
    except (OverflowError, ValueError) as exc:  # a day beyond what a datetime can hold
        if isinstance(exc, BadValue):
            raise
        raise _out_of_range(text) from None
    if not FIRST_YEAR <= moment.at.year <= LAST_YEAR:
        raise _out_of_range(text)
    return moment


def _out_of_range(text: str) -> BadValue:
    return BadValue(
        f"Date {quoted(text)} is out of range: use a year from {FIRST_YEAR} to {LAST_YEAR}."
    )


def _read(text: str, now: datetime | None, tz: tzinfo | None, order: DateOrder) -> Moment:
    original = text
    text = " ".join(str(text).strip().split())
    if not text:
        raise BadValue(f"Empty date: {HINT}.")
    now = now or datetime.now(UTC)
    local_now = now.astimezone(tz) if tz is not None else now.astimezone()
    lowered = text.lower()
    if lowered == "now":
        return Moment(now.astimezone(UTC), False)
    today = local_now.date()
    day = _spoken_day(lowered, today, original)
    if day is not None:
        return Moment(_localize(day, DAY_START, tz).astimezone(UTC), True)
    with_time = _TRAILING_TIME.match(lowered)
    if with_time:
        day = _spoken_day(with_time["day"].strip(" ,"), today, original)
        if day is not None:
            clock = _time_of_day(with_time["time"], original)
            return Moment(_localize(day, clock, tz).astimezone(UTC), False)
    word, _, rest = lowered.partition(" ")
    if word in _WORDS:  # "yesterday noonish": the day is fine, the time is not
        _time_of_day(rest.removeprefix("at "), original)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass  # "2025-03-04 2pm" is still a date: the spreadsheet forms below read it
    else:
        has_time = len(text) > 10
        if parsed.tzinfo is None:
            parsed = _localize(parsed.date(), parsed.time() if has_time else DAY_START, tz)
        day_only = not has_time and ISO_DATE_PREFIX.match(text) is not None
        return Moment(parsed.astimezone(UTC), day_only)
    spreadsheet = _spreadsheet_moment(text, original, tz, order)
    if spreadsheet is None:
        raise BadValue(f"Bad date {quoted(original)}: {HINT}.")
    return spreadsheet


def _count(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


def _spoken_day(text: str, today: date, original: str) -> date | None:
    """The day a spoken date names (`yesterday`, `2 weeks ago`, `next friday`), or None when
    `text` is not one. A bare weekday is refused: last week's or next week's is for the person
    to say."""
    if text in _WORDS:
        return today + timedelta(days=_WORDS[text])
    relative = _AGO.match(text) or _IN.match(text)
    if relative:
        count = _count(relative[1])
        if count is None:
            return None
        days = count * (7 if relative[2] == "week" else 1)
        if days > MAX_SPOKEN_DAYS:
            raise _out_of_range(original)
        return today + timedelta(days=-days if text.endswith("ago") else days)
    last_next = _LAST_NEXT.match(text)
    if last_next:
        weekday = _WEEKDAY.get(last_next[2])
        if weekday is None:
            return None
        if last_next[1] == "last":  # the latest one before today (a week ago on that day)
            return today - timedelta(days=(today.weekday() - weekday) % 7 or 7)
        return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
    weekday = _WEEKDAY.get(text.rstrip("."))
    if weekday is not None:
        name = _WEEKDAY_NAMES[weekday][-1]
        raise BadValue(
            f"Bad date {quoted(original)}: say last {name} or next {name} (or give the date)."
        )
    return None


def _spreadsheet_moment(
    text: str, original: str, tz: tzinfo | None, order: DateOrder
) -> Moment | None:
    """`Tue, 4 March 2025 2pm`, `03/04/2025 14:00`…: None when `text` is none of those."""
    body = _WEEKDAYS.sub("", text)
    clock: time | None = None
    with_time = _TRAILING_TIME.match(body)
    try:
        if with_time and not NUMERIC_DATE.match(body):
            clock = _time_of_day(with_time["time"], original)
            body = with_time["day"].strip(" ,")
        numeric = NUMERIC_DATE.match(body)
        day = _numeric_day(numeric, order, original) if numeric else _named_day(body)
    except _Ambiguous:
        raise  # a real date, but which one is for the person to say
    except (ValueError, BadValue):
        return None
    return Moment(_localize(day, clock or DAY_START, tz).astimezone(UTC), clock is None)


class _Ambiguous(BadValue):
    """A slashed date that reads as two days, and no order to pick one."""


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if len(text) <= 2 else value


def _numeric_day(match: re.Match[str], order: DateOrder, original: str) -> date:
    first, sep, second, third = match[1], match[2], match[3], match[4]
    if len(first) == 4:
        return date(int(first), int(second), int(third))
    year, one, other = _year(third), int(first), int(second)
    if sep == "." or (one > 12 >= other):  # dotted dates are day first everywhere
        return date(year, other, one)
    if other > 12 >= one or one == other:  # only one reading: whatever the order says
        return date(year, one, other)
    if callable(order):
        order = order()  # only a date that reads two ways needs to know
    if order == "dmy":
        return date(year, other, one)
    if order == "mdy":
        return date(year, one, other)
    raise _Ambiguous(
        f"Bad date {quoted(original)}: it could be {date(year, other, one).isoformat()} (day "
        f"first) or {date(year, one, other).isoformat()} (month first); type it as YYYY-MM-DD, "
        "or set date_order: dmy (or mdy) in config.yaml."
    )


def _named_day(text: str) -> date:
    tokens = [
        t
        for t in re.findall(r"[a-z]+|\d+", text.lower())
        if t not in ("st", "nd", "rd", "th", "of")
    ]
    months = [t for t in tokens if t in _MONTHS]
    numbers = [t for t in tokens if t.isdigit()]
    if len(months) != 1 or len(numbers) != 2 or len(tokens) != 3:
        raise ValueError(text)
    year_token = next((n for n in numbers if len(n) == 4 or int(n) > 31), numbers[1])
    day_token = numbers[0] if year_token is numbers[1] else numbers[1]
    return date(_year(year_token), _MONTHS[months[0]], int(day_token))


def parse_moment(
    text: str, order: str = "mdy", now: datetime | None = None, tz: tzinfo | None = None
) -> Moment:
    """A date (and maybe a time) from a file's cell: `read_moment` with the file's day order
    (`order` "mdy" or "dmy"; dotted dates are always day first), and an error worded for the
    line of a report ("line 7: bad date '32/13/2024'")."""
    try:
        return read_moment(text, now, tz, order)
    except BadValue:
        raise BadValue(f"bad date {str(text).strip()!r}") from None


def infer_date_order(values: Iterable[str], fallback: str) -> str:
    """Day or month first for slashed dates: the file's own dates settle it when any can."""
    day_first = month_first = 0
    for value in values:
        match = NUMERIC_DATE.match(" ".join(value.split()[:1]))
        if not match or len(match[1]) == 4 or match[2] == ".":
            continue
        first, second = int(match[1]), int(match[3])
        if first > 12 >= second:
            day_first += 1
        elif second > 12 >= first:
            month_first += 1
    if day_first > month_first:
        return "dmy"
    if month_first > day_first:
        return "mdy"
    return fallback


_DURATION = re.compile(
    r"(?:(?P<hours>\d+(?:[.,]\d+)?)\s*(?:h|hr|hrs|hours?))?\s*"
    r"(?:(?P<minutes>\d+)\s*(?:m|min|mins|minutes?)?)?",
    re.IGNORECASE,
)
MAX_DURATION_MINUTES = 24 * 60


def parse_duration(text: str) -> int:
    """How long an interview lasts, in minutes: `45 min`, `90`, `1 h`, `1.5h`, `1h30`, `1:30`.

    A bare number is minutes. From one minute to a day: an on-site day is long, a week is a typo.
    """
    original = text
    text = " ".join(str(text).strip().split())
    clock = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    match = None if clock or len(text) > 24 else _DURATION.fullmatch(text)
    if clock:
        minutes = int(clock[1]) * 60 + int(clock[2])
    elif text and match and (match["hours"] or match["minutes"]):
        hours = float((match["hours"] or "0").replace(",", "."))
        minutes = round(hours * 60) + int(match["minutes"] or 0)
    else:
        raise BadValue(f"Bad duration {quoted(original)}: use e.g. 45 min, 1 h, 1h30 or 2 h.")
    if not 0 < minutes <= MAX_DURATION_MINUTES:
        raise BadValue(
            f"Bad duration {quoted(original)}: an interview lasts from a minute to 24 hours."
        )
    return minutes


def duration_text(minutes: int) -> str:
    """Minutes as people say them: "45 min", "1 h", "1 h 30 min"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def parse_day(
    text: str, now: datetime | None = None, tz: tzinfo | None = None, order: DateOrder = None
) -> date:
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
    moment = parse_when(text, now=now, tz=tz, order=order)
    return moment.astimezone(tz).date() if tz is not None else moment.astimezone().date()


def stored_day(value: object, label: str) -> str | None:
    """A day field as a card stores it ("2026-03-20"; None when empty); a moment given for a
    day counts by its own date. Anything else is `BadValue`: "<label> must be a date."."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise BadValue(f"{label} must be a date.")
