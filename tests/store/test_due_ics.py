"""The due notes as iCalendar text: CRLF lines, folding at 75 octets, escaping, stable UIDs."""

from __future__ import annotations

from datetime import UTC, date, datetime

from store.cards.board import Board
from store.notes.due import board_items
from store.notes.templates import TemplateSet
from store.transfer.ics import calendar, escape_text, fold

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def unfold(text: str) -> list[str]:
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line ends in CRLF, no bare LF
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\":
            out.append("\n" if value[i + 1] in "nN" else value[i + 1])
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def events(text: str) -> list[dict[str, str]]:
    found, current, alarm = [], None, False
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif line in ("BEGIN:VALARM", "END:VALARM"):
            alarm = line == "BEGIN:VALARM"  # the event's own lines, not its alarm's
        elif current is not None and not alarm:
            name, _, value = line.partition(":")
            current[name] = value
    return found


def board_with_due_notes() -> Board:
    board = Board("aaaaaaaaaaaa")
    board.add(
        {
            "company": "Smith, Jones; and \\ Partners — Ünïcödé GmbH with a very long name indeed",
            "role": "Lead",
            "interviewed_at": datetime(2026, 3, 20, 8, 0, tzinfo=UTC),
        }
    )
    board.add(
        {
            "company": "Acme",
            "role": "Dev",
            "stage": "waiting",
            "interviewed_at": datetime(2026, 3, 5, 9, 0, tzinfo=UTC),
        }
    )
    return board


def test_calendar_has_one_event_per_due_note_with_stable_uids() -> None:
    board = board_with_due_notes()
    items = board_items(board.all(), TemplateSet(None).all(), NOW, UTC, include_upcoming=True)
    text = calendar(items, now=NOW)
    found = events(text)
    assert len(found) == len(items) >= 3
    uids = [e["UID"] for e in found]
    assert len(set(uids)) == len(uids)
    assert all(uid.endswith("@followup-tui") for uid in uids)
    assert calendar(items, now=NOW) == text  # the same export twice is byte-identical
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines


def test_day_long_notes_are_all_day_events_and_timed_ones_end_at_the_deadline() -> None:
    board = board_with_due_notes()
    items = board_items(board.all(), TemplateSet(None).all(), NOW, UTC, include_upcoming=True)
    by_uid = {e["UID"]: e for e in events(calendar(items, now=NOW))}
    for item in items:
        event = by_uid[f"{item.card_id}-{item.template}@followup-tui"]
        if item.day is not None:
            assert event["DTSTART;VALUE=DATE"] == f"{item.day:%Y%m%d}"
            assert (
                event["DTEND;VALUE=DATE"] == f"{date.fromordinal(item.day.toordinal() + 1):%Y%m%d}"
            )
        else:
            assert event["DTEND"] == item.at.strftime("%Y%m%dT%H%M%SZ")
    thank_you = next(i for i in items if i.template == "thank-you")
    assert by_uid[f"{thank_you.card_id}-thank-you@followup-tui"]["DTEND"] == "20260321T080000Z"


def test_text_is_escaped_and_long_lines_are_folded_at_75_octets() -> None:
    board = board_with_due_notes()
    items = board_items(board.all(), TemplateSet(None).all(), NOW, UTC)
    text = calendar(items, now=NOW)
    for raw in text.split("\r\n"):
        assert len(raw.encode("utf-8")) <= 75
    summaries = [unescape(e["SUMMARY"]) for e in events(text)]
    assert any(
        "Smith, Jones; and \\ Partners — Ünïcödé GmbH with a very long name indeed" in s
        for s in summaries
    )
    assert "Smith\\, Jones\\; and \\\\ Partners" in "".join(unfold(text))
    description = unescape(events(text)[0]["DESCRIPTION"])
    assert "\nWrite it with: followup-tui compose " in description


def test_fold_never_splits_a_multibyte_character() -> None:
    line = "SUMMARY:" + "é" * 100
    folded = fold(line)
    for part in folded.split("\r\n"):
        part.encode("utf-8").decode("utf-8")
        assert len(part.encode("utf-8")) <= 75
    assert folded.replace("\r\n ", "") == line
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
