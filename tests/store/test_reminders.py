"""Which due items `remind` shows, with an injected clock: once when an item falls due, an
overdue one at most once a day, a missed run caught up, and its log kept per device."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from store.cards.board import Board
from store.errors import FollowupError
from store.notes.due import KINDS, board_items
from store.notes.reminders import REMINDED_KINDS, ReminderLog, pick, remembered
from store.notes.templates import TemplateSet

BERLIN = ZoneInfo("Europe/Berlin")
INTERVIEW = datetime(2026, 3, 10, 14, 0, tzinfo=BERLIN).astimezone(UTC)


@pytest.fixture(scope="module")
def templates() -> TemplateSet:
    return TemplateSet(None)


class Device:
    """One laptop running `remind` now and then: the board, and its log between runs."""

    def __init__(self, board: Board, templates: TemplateSet) -> None:
        self.board = board
        self.templates = templates
        self.log: dict[str, str] = {}

    def run(self, now: datetime) -> list[tuple[str, str]]:
        items = board_items(
            self.board.all(), self.templates.everything(), now, BERLIN, kinds=REMINDED_KINDS
        )
        reminders = pick(items, self.log, now, BERLIN)
        self.log = remembered(self.log, reminders, items, now)
        return [(r.item.name, r.reason) for r in reminders]


def device(templates: TemplateSet, when: datetime = INTERVIEW) -> tuple[Device, str]:
    board = Board("aaaaaaaaaaaa")
    card_id = board.add({"company": "Acme", "interviewed_at": when}, at=when - timedelta(days=3))
    return Device(board, templates), card_id


def test_each_item_is_reminded_once_when_it_falls_due(templates) -> None:
    laptop, _ = device(templates)
    assert laptop.run(INTERVIEW - timedelta(days=2)) == []  # two days ahead: not yet
    assert laptop.run(INTERVIEW - timedelta(hours=20)) == [("interview", "due")]
    assert laptop.run(INTERVIEW - timedelta(hours=19)) == []  # an hour later: once is enough
    assert laptop.run(INTERVIEW + timedelta(minutes=30)) == []  # while it lasts
    assert laptop.run(INTERVIEW + timedelta(hours=1)) == [("thank-you", "due")]
    assert laptop.run(INTERVIEW + timedelta(hours=2)) == []


def test_an_overdue_note_is_reminded_again_at_most_once_a_day(templates) -> None:
    laptop, _ = device(templates)
    laptop.run(INTERVIEW + timedelta(hours=1))  # the thank-you, once
    overdue = INTERVIEW + timedelta(hours=25)  # 15:00 the next day
    assert laptop.run(overdue) == [("thank-you", "overdue")]
    for hours in range(1, 9):  # every hourly run until midnight
        assert laptop.run(overdue + timedelta(hours=hours)) == []
    next_day = datetime(2026, 3, 12, 0, 30, tzinfo=BERLIN).astimezone(UTC)
    assert laptop.run(next_day) == [("thank-you", "overdue")]
    assert laptop.run(next_day + timedelta(hours=5)) == []


def test_a_missed_run_catches_up_once_with_what_fell_due_meanwhile(templates) -> None:
    laptop, _ = device(templates)
    laptop.run(INTERVIEW - timedelta(days=3))  # the laptop was then closed for a while
    back = INTERVIEW + timedelta(hours=30)  # the thank-you fell due and is now overdue
    assert laptop.run(back) == [("thank-you", "overdue")]
    assert laptop.run(back + timedelta(hours=1)) == []


def test_a_next_round_is_a_new_reminder(templates) -> None:
    laptop, card_id = device(templates)
    laptop.run(INTERVIEW - timedelta(hours=20))
    second = INTERVIEW + timedelta(days=9)
    laptop.board.edit(card_id, {"interviewed_at": second})
    assert laptop.run(second - timedelta(hours=3)) == [("interview", "due")]


def test_close_suggestions_wait_for_the_board(templates) -> None:
    board = Board("aaaaaaaaaaaa")
    board.add({"company": "Hooli", "interviewed_at": INTERVIEW, "stage": "waiting"}, at=INTERVIEW)
    now = INTERVIEW + timedelta(days=200)
    items = board_items(board.all(), templates.everything(), now, BERLIN, kinds=KINDS)
    assert {i.kind for i in items} == {"note", "close"}
    assert [(r.item.kind, r.reason) for r in pick(items, {}, now, BERLIN)] == [("note", "overdue")]


def test_the_log_lives_in_a_file_and_a_damaged_one_reads_as_empty(tmp_path: Path) -> None:
    log = ReminderLog(tmp_path)
    assert log.read() == {}
    log.write({"a:note:thank-you@2026-03-11T13:00:00+00:00": "2026-03-10T15:00:00+00:00"})
    assert json.loads((tmp_path / "reminders.json").read_text())["reminded"]
    assert ReminderLog(tmp_path).read() == {
        "a:note:thank-you@2026-03-11T13:00:00+00:00": "2026-03-10T15:00:00+00:00"
    }
    (tmp_path / "reminders.json").write_text("{not json")
    damaged = ReminderLog(tmp_path)
    assert damaged.read() == {}
    assert damaged.problem is not None and "damaged" in damaged.problem


def test_a_log_that_cannot_be_written_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(FollowupError, match="nothing was reminded") as error:
        ReminderLog(tmp_path / "file" / "config").write({})
    assert "\n" not in str(error.value)


def test_old_entries_of_items_gone_are_forgotten(templates) -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    log = {
        "gone:note:x@1": (now - timedelta(days=90)).isoformat(),
        "recent:note:y@1": now.isoformat(),
    }
    assert set(remembered(log, [], [], now)) == {"recent:note:y@1"}
