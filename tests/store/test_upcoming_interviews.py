"""Interviews that have not happened yet, with an injected clock: what they owe (nothing until
they are over), how the board says when they are, and how long they last."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from store.cards.board import Board
from store.cards.dates import duration_text, parse_duration
from store.cards.fields import field_value, normalize
from store.errors import BadValue
from store.notes.due import (
    KINDS,
    board_items,
    card_items,
    interview_end,
    interview_item,
    interview_notice,
)
from store.notes.flow import record_round, record_sent
from store.notes.templates import Note, TemplateSet

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def templates() -> TemplateSet:
    return TemplateSet(None)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=BERLIN).astimezone(UTC)


def card_with_interview(when: datetime, **fields):
    board = Board("aaaaaaaaaaaa")
    card_id = board.add(
        {"company": "Acme", "role": "Dev", "interviewed_at": when, **fields},
        at=when - timedelta(days=2),
    )
    return board, card_id


def names(items) -> list[str]:
    return [i.name for i in items]


def listed(card, templates, now, kinds=KINDS) -> list[str]:
    """What Today and `due` list for the card at `now` (due and overdue only)."""
    return names(board_items([card], templates.everything(), now, BERLIN, kinds=kinds))


def test_a_future_interview_owes_nothing_then_its_thank_you_falls_due_at_its_end(
    templates,
) -> None:
    start = at(2026, 3, 10, 14, 0)
    board, card_id = card_with_interview(start, duration=90)
    card = board.card(card_id)
    everything = templates.everything()
    before = start - timedelta(days=1)
    assert card_items(card, everything, before, BERLIN) == []  # no note owed before it
    assert names(card_items(card, everything, before, BERLIN, KINDS)) == ["interview"]
    during = start + timedelta(minutes=30)
    assert card_items(card, everything, during, BERLIN) == []
    assert listed(card, templates, during) == ["interview"]
    just_over = start + timedelta(minutes=90)
    assert listed(card, templates, just_over) == ["thank-you"]  # the interview is gone
    due = card_items(card, everything, just_over, BERLIN, KINDS)
    assert names(due) == ["thank-you", "follow-up"]  # and the follow-up is on its way
    assert due[0].status(just_over, BERLIN) == "due"
    assert due[0].at == start + timedelta(hours=24)  # its deadline counts from the start
    assert due[0].relative(just_over, BERLIN) == "due in 22 h"


def test_an_interview_lasts_an_hour_unless_the_card_says(templates) -> None:
    start = at(2026, 3, 10, 14, 0)
    board, card_id = card_with_interview(start)
    card = board.card(card_id)
    assert interview_end(card) == start + timedelta(hours=1)
    assert card_items(card, templates.all(), start + timedelta(minutes=59), BERLIN) == []
    assert listed(card, templates, start + timedelta(hours=1), ("note",)) == ["thank-you"]


@pytest.mark.parametrize(
    ("now", "full", "short"),
    [
        (at(2026, 3, 10, 7, 45), "in 1 h", "in 1h"),  # "today 09:00" typed at 07:45
        (at(2026, 3, 10, 8, 20), "in 40 min", "in 40m"),
        (at(2026, 3, 10, 8, 59, 30), "in 1 min", "in 1m"),
        (at(2026, 3, 10, 9, 15), "now, until 10:00", "now"),
        (at(2026, 3, 9, 20, 0), "tomorrow 09:00", "tmrw 09:00"),
        (at(2026, 3, 7, 10, 0), "in 3 d", "in 3d"),
    ],
)
def test_the_board_says_when_the_interview_is(now, full, short) -> None:
    board, card_id = card_with_interview(at(2026, 3, 10, 9, 0))
    item = interview_item(board.card(card_id), now)
    assert item is not None
    assert item.relative(now, BERLIN) == full
    assert item.short_relative(now, BERLIN) == short
    assert item.badge(now, BERLIN) == (f"interview {full}", "interview", short)


def test_todays_and_tomorrows_interviews_are_due_later_ones_upcoming(templates) -> None:
    board, card_id = card_with_interview(at(2026, 3, 12, 23, 0))
    card = board.card(card_id)
    on = {
        at(2026, 3, 9, 12, 0): "upcoming",
        at(2026, 3, 11, 0, 5): "due",  # the day before: Today shows it
        at(2026, 3, 12, 22, 0): "due",
    }
    for now, status in on.items():
        item = interview_item(card, now)
        assert item is not None and item.status(now, BERLIN) == status
    listed = board_items([card], templates.everything(), at(2026, 3, 11, 9, 0), BERLIN, kinds=KINDS)
    assert [(i.kind, i.template) for i in listed] == [("interview", None)]
    assert (
        board_items([card], templates.everything(), at(2026, 3, 9, 9, 0), BERLIN, kinds=KINDS) == []
    )


def test_due_json_gives_every_item_a_kind_and_no_template_where_none_applies(templates) -> None:
    start = at(2026, 3, 12, 14, 0)
    board, card_id = card_with_interview(start, round="second")
    now = at(2026, 3, 11, 9, 0)
    [item] = board_items([board.card(card_id)], templates.everything(), now, BERLIN, kinds=KINDS)
    shown = item.to_json(now, BERLIN)
    assert shown["kind"] == "interview"
    assert shown["template"] is None
    assert shown["due_at"] == "2026-03-12T13:00:00Z"
    assert shown["ends_at"] == "2026-03-12T14:00:00Z"
    assert shown["relative"] == "tomorrow 14:00"
    assert shown["rule"] == "14:00–15:00, second round"
    assert shown["title"] == "Interview (second)"


def test_a_closed_or_deleted_card_lists_no_interview_and_still_owes_its_reply(templates) -> None:
    start = at(2026, 3, 12, 14, 0)
    board, card_id = card_with_interview(start)
    board.move(card_id, "closed", outcome="offer", at=at(2026, 3, 11, 8, 0))
    now = at(2026, 3, 11, 9, 0)
    assert listed(board.card(card_id), templates, now) == ["offer-reply"]
    board, card_id = card_with_interview(start)
    board.delete(card_id)
    assert interview_item(board.card(card_id), now) is None


def test_a_next_round_ahead_owes_nothing_until_it_is_over_and_then_its_own_thank_you(
    templates,
) -> None:
    first = at(2026, 3, 2, 10, 0)
    board, card_id = card_with_interview(first)
    thanks = templates.get("thank-you")
    record_sent(board, card_id, thanks, Note("thank-you", "s", "b"), at=first + timedelta(hours=3))
    second = at(2026, 3, 20, 9, 0)
    record_round(board, card_id, second, "onsite", at=at(2026, 3, 9, 9, 0), duration=6 * 60)
    card = board.card(card_id)
    assert card.duration == 360 and card.stage == "interviewed"
    assert listed(card, templates, at(2026, 3, 20, 12, 0)) == ["interview"]
    assert listed(card, templates, at(2026, 3, 20, 15, 0)) == ["thank-you"]


def test_saving_an_interview_for_later_today_says_so_and_a_past_one_says_nothing() -> None:
    board, card_id = card_with_interview(at(2026, 3, 10, 9, 0))
    card = board.card(card_id)
    notice = interview_notice(card, at(2026, 3, 10, 7, 45), BERLIN)
    assert notice is not None and notice.startswith("interview in 1 h (09:00–10:00)")
    assert interview_notice(card, at(2026, 3, 10, 11, 0), BERLIN) is None


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("90", 90),
        ("45 min", 45),
        ("1h", 60),
        ("1.5h", 90),
        ("1h30", 90),
        ("1:30", 90),
        ("2 hours", 120),
    ],
)
def test_a_duration_reads_as_people_write_it(text, minutes) -> None:
    assert parse_duration(text) == minutes
    assert parse_duration(duration_text(minutes)) == minutes  # what the form shows reads back


@pytest.mark.parametrize("text", ["", "soon", "0", "25 h", "1 day", "9" * 5000])
def test_a_bad_duration_is_one_clear_error(text) -> None:
    with pytest.raises(BadValue, match="duration"):
        parse_duration(text)


def test_the_form_and_a_stored_value_agree_on_duration_and_preparing_fields() -> None:
    assert field_value("duration", " 1h30 ") == 90
    assert field_value("duration", "") is None
    assert field_value("questions_to_ask", "What is on-call like?\n\nWho reviews designs?\n") == [
        "What is on-call like?",
        "Who reviews designs?",
    ]
    assert field_value("research", "Series B.\n  Moved to Go.  \n") == "Series B.\n  Moved to Go."
    assert normalize("duration", 90) == 90
    with pytest.raises(BadValue):
        normalize("duration", 10_000)
    board = Board("aaaaaaaaaaaa")
    card = board.card(
        board.add({"company": "Acme", "questions_to_ask": ["Why now?"], "research": "Founded 2019"})
    )
    assert card.questions_to_ask == ("Why now?",)
    assert card.to_json()["research"] == "Founded 2019"
    assert card.to_json()["duration"] is None


def test_a_duration_of_the_wrong_type_in_a_replica_reads_as_the_usual_hour() -> None:
    board = Board("aaaaaaaaaaaa")
    card_id = board.add({"company": "Acme", "interviewed_at": at(2026, 3, 10, 9, 0)})
    state = board.cards[card_id]
    stamp = state["f"]["company"][0][1]
    for bad in ("90", 10**9, True, -5):
        state["f"]["duration"] = [[bad, stamp]]
        board._views.pop(card_id, None)
        card = board.card(card_id)
        assert card.duration is None
        assert interview_end(card) == at(2026, 3, 10, 10, 0)
