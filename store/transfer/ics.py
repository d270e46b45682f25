"""The due notes and the upcoming interviews as an iCalendar file (RFC 5545), for a calendar app.

One VEVENT per due item. Its UID is stable (card id + template), so importing a newer export
updates the event instead of adding a second one. A day-long item is an all-day event
(`DTSTART;VALUE=DATE`); a timed one (a thank-you due 24 h after the interview) is a short
event ending at the deadline, in UTC. Lines end in CRLF and are folded at 75 octets without
splitting a UTF-8 character; text values are escaped.

Every due note carries a VALARM: a timed one the lead before its deadline (`calendar_alarm`
in config.yaml, 1 h unless set), a day-long one at 09:00 on its day (a trigger relative to the
all-day start, so it is 09:00 wherever the calendar is). An interview that is not over yet is
an event of its own (its duration, else 1 h; UID card id + "interview", so a moved interview
moves the event), with an alarm the same lead before it starts.

This module only builds text: it never writes a file and never reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from store.cards.model import Card
from store.notes.due import DueItem, board_items

PRODID = "-//followup-tui//due notes//EN"
UID_DOMAIN = "followup-tui"
TIMED_EVENT = timedelta(minutes=30)
DEFAULT_ALARM = timedelta(hours=1)  # how long before a deadline or an interview the alarm rings
DAY_LONG_ALARM = timedelta(hours=9)  # from the start of an all-day item's day: 09:00
DEFAULT_INTERVIEW = timedelta(hours=1)
REFRESH = "PT1H"  # how often a calendar subscribed to the file should read it again


def escape_text(value: str) -> str:
    """TEXT escaping (RFC 5545 3.3.11): backslash, semicolon, comma, newline."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets (continuations start with one space)."""
    if line.isascii():  # one octet a character: cut by position (most lines, and quick)
        if len(line) <= 75:
            return line
        return "\r\n ".join([line[:75], *(line[i : i + 74] for i in range(75, len(line), 74))])
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # the leading space takes one octet
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def duration_text(span: timedelta) -> str:
    """An RFC 5545 DURATION (`-PT1H`, `PT9H`, `-P1DT2H`, `PT0S`)."""
    seconds = int(span.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    clock = "".join(
        f"{amount}{unit}"
        for amount, unit in ((hours, "H"), (minutes, "M"), (seconds, "S"))
        if amount
    )
    if not days and not clock:
        return "PT0S"
    return f"{sign}P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "")


def _alarm(trigger: str, what: str) -> list[str]:
    return [
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{escape_text(what)}",
        trigger,
        "END:VALARM",
    ]


def _item_alarm(item: DueItem, what: str, lead: timedelta) -> list[str]:
    if item.day is not None:
        return _alarm(f"TRIGGER;RELATED=START:{duration_text(DAY_LONG_ALARM)}", what)
    return _alarm(f"TRIGGER;RELATED=END:{duration_text(-lead)}", what)


def _event(item: DueItem, now: datetime, alarm: timedelta | None = None) -> list[str]:
    card = item.card
    what = f"{item.title}: {card.company}" + (f" — {card.role}" if card.role else "")
    description = (
        f"Due {item.rule.describe()}.\n"
        f"Write it with: followup-tui compose {card.id} {item.template}"
        if item.kind == "note"
        else f"Due on {item.rule.describe()}.\nCompare: followup-tui offers"
    )
    lines = [
        "BEGIN:VEVENT",
        f"UID:{card.id}-{item.template}@{UID_DOMAIN}",
        f"DTSTAMP:{_stamp(now)}",
    ]
    if item.day is not None:
        lines += [
            f"DTSTART;VALUE=DATE:{item.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{item.day + timedelta(days=1):%Y%m%d}",
        ]
    else:
        lines += [f"DTSTART:{_stamp(item.at - TIMED_EVENT)}", f"DTEND:{_stamp(item.at)}"]
    lines += [
        f"SUMMARY:{escape_text(what)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"CATEGORIES:{escape_text(item.template)}",
        "TRANSP:TRANSPARENT",
    ]
    if alarm is not None:
        lines += _item_alarm(item, what, alarm)
    lines.append("END:VEVENT")
    return lines


def interview_length(card: Card) -> timedelta:
    """How long this round's interview lasts: the card's `duration` where it has one (a
    timedelta, or whole minutes), else an hour."""
    given = getattr(card, "duration", None)
    if isinstance(given, timedelta) and given > timedelta(0):
        return given
    if isinstance(given, int | float) and not isinstance(given, bool) and 0 < given <= 24 * 60:
        return timedelta(minutes=given)
    return DEFAULT_INTERVIEW


def upcoming_interviews(cards: Iterable[Card], now: datetime) -> list[Card]:
    """The open cards whose interview (this round) is not over yet, soonest first."""
    found = []
    for card in cards:
        start = card.interviewed_at
        if card.deleted or card.stage == "closed" or start is None:
            continue
        try:
            if start + interview_length(card) > now:
                found.append(card)
        except OverflowError:  # a date at the edge of the calendar: nobody's interview
            continue
    return sorted(found, key=lambda c: (c.interviewed_at, c.id))


def _interview_event(card: Card, now: datetime, alarm: timedelta | None) -> list[str]:
    start = card.interviewed_at
    assert start is not None
    what = "Interview: " + card.company + (f" — {card.role}" if card.role else "")
    if card.round:
        what += f" ({card.round} round)"
    details = []
    if card.interviewers:
        details.append("With " + "; ".join(str(i) for i in card.interviewers) + ".")
    if card.questions:
        details.append("Questions:\n" + "\n".join(f"- {q}" for q in card.questions))
    details.append(f"The card: followup-tui show {card.id}")
    lines = [
        "BEGIN:VEVENT",
        f"UID:{card.id}-interview@{UID_DOMAIN}",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART:{_stamp(start)}",
        f"DTEND:{_stamp(start + interview_length(card))}",
        f"SUMMARY:{escape_text(what)}",
        f"DESCRIPTION:{escape_text(chr(10).join(details))}",
        "CATEGORIES:interview",
        "TRANSP:OPAQUE",
    ]
    if alarm is not None:
        lines += _alarm(f"TRIGGER;RELATED=START:{duration_text(-alarm)}", what)
    lines.append("END:VEVENT")
    return lines


def calendar_from_items(
    items: Iterable[DueItem],
    now: datetime,
    name: str = "Follow-ups",
    *,
    alarm: timedelta | None = DEFAULT_ALARM,
    interviews: Iterable[Card] = (),
) -> str:
    """`alarm`: the lead of each alarm (None: no alarms). `interviews`: cards whose coming
    interview is an event too (`upcoming_interviews`)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-PUBLISHED-TTL:{REFRESH}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
    ]
    for item in items:
        lines += _event(item, now, alarm)
    for card in interviews:
        lines += _interview_event(card, now, alarm)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def calendar(
    source: Any,
    now: datetime,
    tz: tzinfo | None = None,
    *,
    alarm: timedelta | None = DEFAULT_ALARM,
    templates: Any = None,
) -> str:
    """Every note due, overdue or coming up, and every interview still to come, as .ics text.

    `source` is either the due items themselves (no interviews then) or an open
    `store.session.Session` (whose board and vault templates are read: what `followup-tui
    export --format ics` passes). `templates`: the templates to use instead of reading them.
    """
    if hasattr(source, "board") and hasattr(source, "vault"):
        if templates is None:
            from store.notes.templates import TemplateSet

            templates = TemplateSet.for_vault(source.vault.path)
        cards = source.board.all()
        items = board_items(cards, templates.all(), now, tz, include_upcoming=True)
        coming = upcoming_interviews(cards, now)
    else:
        items, coming = list(source), []
    return calendar_from_items(items, now, alarm=alarm, interviews=coming)
