"""The user's language for dates: which locale notes and the board write days in, and whether
a slashed date is read day first or month first.

The locale is `locale:` in config.yaml, else the environment's (`LC_ALL`, `LC_TIME`, `LANG`, as
the C library reads them). English, or no locale at all (`C`, `POSIX`), writes days the app's
own way ("Thursday 1 October") without loading Babel; any other locale loads Babel the first
time a day is written or a slashed date needs its order, never at start-up, and writes days as
that language does ("Donnerstag, 1. Oktober"). A locale Babel does not know falls back to
English and says so once (`LocaleProblem`), never stopping a note.

Must never read a file, the vault or the clock; the environment is read only when no locale is
configured.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from store.errors import FollowupError

if TYPE_CHECKING:
    from store.cards.dates import DateOrder

# What a locale name looks like: "de", "de_DE", "pt-BR", "sr_Latn_RS", "de_DE.UTF-8", "ca@valencia".
LOCALE_NAME = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*(?:\.[A-Za-z0-9_-]+)?(?:@\w+)?")
_NO_LOCALE = frozenset({"", "c", "posix"})

# English days and months, written without Babel (most users); tests write dates with them too.
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class LocaleProblem(FollowupError):
    """A configured locale that Babel does not know (days are then written in English)."""


def environment_locale(environ: Mapping[str, str] | None = None) -> str | None:
    """The locale the environment asks for dates, as the C library picks it; None for none."""
    env = os.environ if environ is None else environ
    for key in ("LC_ALL", "LC_TIME", "LANG"):
        value = env.get(key, "").strip()
        if value:
            return None if value.split(".")[0].lower() in _NO_LOCALE else value
    return None


def chosen_locale(configured: str | None, environ: Mapping[str, str] | None = None) -> str | None:
    """The locale in use: the configured one, else the environment's (None: no locale)."""
    if configured and configured.strip():
        name = configured.strip()
        return None if name.split(".")[0].lower() in _NO_LOCALE else name
    return environment_locale(environ)


def babel_name(locale: str) -> str:
    """`de_DE.UTF-8` or `pt-BR` as Babel names it (`de_DE`, `pt_BR`)."""
    return locale.split(".")[0].split("@")[0].replace("-", "_")


def is_english(locale: str | None) -> bool:
    """English or no locale: days are written the app's own way, without Babel."""
    return locale is None or babel_name(locale).lower().split("_")[0] == "en"


@lru_cache(maxsize=32)
def _babel_locale(locale: str):  # -> babel.Locale
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(babel_name(locale))
    except (UnknownLocaleError, ValueError, TypeError):
        raise LocaleProblem(
            f"locale {locale!r} is not one the app knows; days are written in English "
            "(set locale: in config.yaml to e.g. de_DE or fr)."
        ) from None


def check_locale(locale: str | None) -> None:
    """Raise `LocaleProblem` when days cannot be written in `locale` (English never fails)."""
    if not is_english(locale):
        _babel_locale(locale)  # type: ignore[arg-type]


def _spelt_out(pattern: str) -> str:
    """A CLDR pattern with its weekday and month spelt out (`E, d. MMM` → `EEEE, d. MMMM`),
    leaving quoted literals alone: the closest skeleton a locale has may abbreviate them."""
    parts = pattern.split("'")
    for index in range(0, len(parts), 2):  # even parts are outside quotes
        part = re.sub(r"(?<![Ec])[Ec]{1,3}(?![Ec])", "EEEE", parts[index])
        parts[index] = re.sub(r"(?<![ML])([ML])\1\1(?![ML])", r"\1\1\1\1", part)
    return "'".join(parts)


@lru_cache(maxsize=64)
def _pattern(locale: str, skeleton: str, full_weekday: bool) -> str:
    from babel.dates import match_skeleton

    found = _babel_locale(locale)
    skeletons = found.datetime_skeletons
    key = skeleton if skeleton in skeletons else match_skeleton(skeleton, skeletons)
    pattern = skeletons[key].pattern if key else "EEEE d MMMM"
    return _spelt_out(pattern) if full_weekday else pattern


def _babel_day(day: date, locale: str, skeleton: str, full_weekday: bool) -> str:
    from babel.dates import format_date

    return format_date(day, _pattern(locale, skeleton, full_weekday), locale=_babel_locale(locale))


def day_text(day: date, locale: str | None = None) -> str:
    """A day as a letter writes it: "Thursday 1 October", "Donnerstag, 1. Oktober".

    A locale Babel does not know raises `LocaleProblem`; callers that must not fail use
    `day_text_or_english`.
    """
    if is_english(locale):
        return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"
    return _babel_day(day, locale, "MMMMEEEEd", True)  # type: ignore[arg-type]


def short_day(day: date, locale: str | None = None, today: date | None = None) -> str:
    """A day in a few cells, for a card on the board: "1 Oct", "1. Okt."; a day in another
    year than `today` is its month and year ("Oct 2025")."""
    other_year = today is not None and day.year != today.year
    if is_english(locale):
        month = MONTHS[day.month - 1][:3]
        return f"{month} {day.year}" if other_year else f"{day.day} {month}"
    return _babel_day(day, locale, "yMMM" if other_year else "MMMd", False)  # type: ignore[arg-type]


def day_text_or_english(day: date, locale: str | None) -> str:
    try:
        return day_text(day, locale)
    except LocaleProblem:
        return day_text(day, None)


def short_day_or_english(day: date, locale: str | None, today: date | None = None) -> str:
    try:
        return short_day(day, locale, today)
    except LocaleProblem:
        return short_day(day, None, today)


# --- day first or month first -------------------------------------------------------------------

DATE_ORDER_WORDS = {"dmy": "dmy", "day-first": "dmy", "mdy": "mdy", "month-first": "mdy"}


@lru_cache(maxsize=32)
def locale_date_order(locale: str | None) -> str | None:
    """ "dmy" or "mdy" as the locale writes a short date (en_US `M/d/yy`, de `dd.MM.yy`), or
    None without a locale (or one written year first, or one Babel does not know)."""
    if locale is None:
        return None
    try:
        pattern = _babel_locale(locale).date_formats["short"].pattern
    except (LocaleProblem, KeyError, AttributeError):
        return None
    day, month, year = (pattern.find(letter) for letter in "dMy")
    if day < 0 or month < 0 or (0 <= year < min(day, month)):
        return None
    return "dmy" if day < month else "mdy"


def preferred_date_order(date_order: str | None, locale: str | None) -> str | None:
    """How a slashed date like 03/04/2026 is read: `date_order` from config.yaml, else the
    locale's way, else None (such a date is then refused, with both readings shown)."""
    if date_order:
        return DATE_ORDER_WORDS.get(date_order.strip().lower())
    return locale_date_order(locale)


def reading_order(date_order: str | None, configured_locale: str | None) -> DateOrder:
    """What the date parser gets as its `order` for this device: config.yaml's `date_order`,
    else a function that asks the locale only when a date reads two ways (Babel stays unloaded
    for every other date)."""
    if date_order:
        return DATE_ORDER_WORDS.get(date_order.strip().lower())
    locale = chosen_locale(configured_locale)
    if locale is None:
        return None
    return lambda: locale_date_order(locale)
