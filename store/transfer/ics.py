"""The due notes as an iCalendar file (RFC 5545), for a calendar app.

One VEVENT per due item. Its UID is stable (card id + template), so importing a newer export
updates the event instead of adding a second one. A day-long item is an all-day event
(`DTSTART;VALUE=DATE`); a timed one (a thank-you due 24 h after the interview) is a short
event ending at the deadline, in UTC. Lines end in CRLF and are folded at 75 octets without
splitting a UTF-8 character; text values are escaped.

This module only builds text: it never writes a file and never reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from store.notes.due import DueItem, board_items

PRODID = "-//followup-tui//due notes//EN"
UID_DOMAIN = "followup-tui"
TIMED_EVENT = timedelta(minutes=30)


def escape_text(value: str) -> str:
    """TEXT escaping (RFC 5545 3.3.11): backslash, semicolon, comma, newline."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets (continuations start with one space)."""
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


def _event(item: DueItem, now: datetime) -> list[str]:
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
        "END:VEVENT",
    ]
    return lines


def calendar_from_items(items: Iterable[DueItem], now: datetime, name: str = "Follow-ups") -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for item in items:
        lines += _event(item, now)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def calendar(source: Any, now: datetime, tz: tzinfo | None = None) -> str:
    """Every note due, overdue or coming up, as an .ics text.

    `source` is either the due items themselves or an open `store.session.Session` (whose
    board and vault templates are read: what `followup-tui export --format ics` passes).
    """
    if hasattr(source, "board") and hasattr(source, "vault"):
        from store.notes.templates import TemplateSet

        templates = TemplateSet.for_vault(source.vault.path).all()
        items = board_items(source.board.all(), templates, now, tz, include_upcoming=True)
    else:
        items = list(source)
    return calendar_from_items(items, now)
