"""Moments in the user's time zone, and in the words a card shows for them.

Time zone arithmetic the due rules count with (`local`, `local_moment`, `start_of_day`), and
the wording of what is neither a deadline nor a note: when the next interview is
("tomorrow 14:00", "in 3 d", "in 1 h") and how long the employer has been silent ("5 weeks").
Pure functions of the moments, `now` and a time zone (`None`: the system's own rules,
daylight saving included); must never read the clock, a file or the environment.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache


def local(moment: datetime, tz: tzinfo | None) -> datetime:
    return moment.astimezone(tz) if tz is not None else moment.astimezone()


@lru_cache(maxsize=64)
def local_date(moment: datetime, tz: tzinfo | None) -> date:
    """The user's calendar day at `moment`. Asked for every item of a list with the same
    `now`, and a system time zone conversion is the slowest step of a due list; `now` moves
    on between lists, so a moved clock or time zone is read afresh."""
    return local(moment, tz).date()


def local_moment(day: date, at: time, tz: tzinfo | None) -> datetime:
    """A wall-clock time on a day, as an aware UTC moment (system rules when `tz` is None)."""
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()
    return aware.astimezone(UTC)


def start_of_day(day: date, tz: tzinfo | None) -> datetime:
    return local_moment(day, time(0, 0), tz)


def plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def interview_when(
    start: datetime, end: datetime, now: datetime, tz: tzinfo | None, short: bool = False
) -> str:
    """When an interview that is not over yet takes place, as the board says it.

    Later today in hours or minutes ("in 1 h", "in 40 min"), tomorrow with its time
    ("tomorrow 14:00"), later in days ("in 3 d"); "now" while it lasts. Rounded down, like the
    note deadlines: "today 09:00" typed at 07:45 is "in 1 h". `short` is for a narrow card.
    """
    if now >= start:
        return "now" if short else f"now, until {local(end, tz):%H:%M}"
    seconds = (start - now).total_seconds()
    today, day = local(now, tz).date(), local(start, tz).date()
    if day == today:
        if seconds < 3600:
            minutes = max(1, math.floor(seconds / 60))
            return f"in {minutes}m" if short else f"in {minutes} min"
        hours = math.floor(seconds / 3600)
        return f"in {hours}h" if short else f"in {hours} h"
    if day == today + timedelta(days=1):
        return f"{'tmrw' if short else 'tomorrow'} {local(start, tz):%H:%M}"
    days = (day - today).days
    return f"in {days}d" if short else f"in {days} d"


def silence(since: datetime, now: datetime, tz: tzinfo | None, short: bool = False) -> str:
    """How long the employer has been silent: days for two weeks, then whole weeks."""
    days = max(0, (local(now, tz).date() - local(since, tz).date()).days)
    if days < 14:
        return f"{days}d" if short else plural(days, "day")
    return f"{days // 7}w" if short else plural(days // 7, "week")
