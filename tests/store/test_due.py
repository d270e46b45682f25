"""The due rules with an injected clock: thank-you, follow-ups, promised dates, answers,
rounds, around midnight and across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from store.cards.board import Board
from store.cards.model import Card
from store.notes.due import (
    BadRule,
    DueItem,
    board_items,
    card_items,
    due_item,
    parse_rules,
    stage_after_sending,
)
from store.notes.flow import record_answer, record_round, record_sent
from store.notes.templates import Note, TemplateSet

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture(scope="module")
def templates() -> TemplateSet:
    return TemplateSet(None)  # the built-in defaults


def at(tz, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=tz).astimezone(UTC)


def new_card(board: Board, interviewed: datetime | None, **fields) -> str:
    fields = {"company": "Acme", "role": "Dev", "interviewed_at": interviewed, **fields}
    return board.add(fields, at=interviewed or at(BERLIN, 2026, 3, 1))


def item(card: Card, templates: TemplateSet, name: str, now: datetime, tz) -> DueItem | None:
    return due_item(card, templates.get(name), now, tz)


def send(board: Board, card_id: str, templates: TemplateSet, name: str, when: datetime) -> None:
    record_sent(board, card_id, templates.get(name), Note(name, "s", "text"), at=when)


# --- the thank-you ------------------------------------------------------------------------------


def test_thank_you_is_due_24_hours_after_the_interview(templates) -> None:
    board = Board("aaaaaaaaaaaa")
    interview = at(BERLIN, 2026, 3, 10, 14, 0)
    card = board.card(new_card(board, interview))
    now = at(BERLIN, 2026, 3, 10, 16, 0)
    found = item(card, templates, "thank-you", now, BERLIN)
    assert found is not None
    assert found.at == interview + timedelta(hours=24)
    assert found.day is None
    assert found.relative(now, BERLIN) == "due in 22 h"
    assert found.status(now, BERLIN) == "due"
    later = at(BERLIN, 2026, 3, 11, 17, 30)
    assert found.relative(later, BERLIN) == "3 h overdue"
    assert found.status(later, BERLIN) == "overdue"
    assert found.relative(at(BERLIN, 2026, 3, 13, 15, 0), BERLIN) == "2 days overdue"


def test_thank_you_around_midnight_counts_minutes_then_becomes_overdue(templates) -> None:
    board = Board("aaaaaaaaaaaa")
    card = board.card(new_card(board, at(BERLIN, 2026, 3, 9, 23, 30)))
    found = item(card, templates, "thank-you", at(BERLIN, 2026, 3, 10, 23, 0), BERLIN)
    assert found is not None
    assert found.relative(at(BERLIN, 2026, 3, 10, 23, 0), BERLIN) == "due in 30 min"
    assert found.relative(at(BERLIN, 2026, 3, 10, 23, 45), BERLIN) == "15 min overdue"
    assert found.relative(at(BERLIN, 2026, 3, 11, 0, 10), BERLIN) == "40 min overdue"


def test_thank_you_across_spring_forward_is_24_real_hours(templates) -> None:
    # Berlin moves its clocks from 02:00 to 03:00 on 29 March 2026.
    board = Board("aaaaaaaaaaaa")
    card = board.card(new_card(board, at(BERLIN, 2026, 3, 28, 14, 0)))
    found = item(card, templates, "thank-you", at(BERLIN, 2026, 3, 28, 15, 0), BERLIN)
    assert found is not None
    assert found.at.astimezone(BERLIN).replace(tzinfo=None) == datetime(2026, 3, 29, 15, 0)
    assert found.relative(at(BERLIN, 2026, 3, 29, 14, 30), BERLIN) == "due in 30 min"


def test_thank_you_stops_showing_once_a_week_has_passed(templates) -> None:
    board = Board("aaaaaaaaaaaa")
    interview = at(BERLIN, 2026, 3, 2, 10, 0)
    card = board.card(new_card(board, interview))
    assert item(card, templates, "thank-you", interview + timedelta(days=6), BERLIN) is not None
    assert item(card, templates, "thank-you", interview + timedelta(days=7), BERLIN) is None


def test_a_thank_you_already_sent_is_not_due_again(templates) -> None:
    board = Board("aaaaaaaaaaaa")
    interview = at(BERLIN, 2026, 3, 10, 14, 0)
    card_id = new_card(board, interview)
    board.log(card_id, "note_sent", at=interview + timedelta(hours=3), template="thank-you")
    card = board.card(card_id)
    assert card.stage == "interviewed"  # even when the card was not moved on
    assert item(card, templates, "thank-you", interview + timedelta(hours=5), BERLIN) is None


# --- follow-ups -------------------------------------------------------------------------------------


def test_first_follow_up_is_due_a_week_after_the_last_contact(templates) -> None:
    board = Board("aaaaaaaaaaaa")
    interview = at(BERLIN, 2026, 3, 10, 14, 0)
    card_id = new_card(board, interview)
    send(board, card_id, templates, "thank-you", at(BERLIN, 2026, 3, 10, 20, 0))
    card = board.card(card_id)
    assert card.stage == "thanked"
    found = item(card, templates, "follow-up", at(BERLIN, 2026, 3, 16, 12, 0), BERLIN)
    assert found is not None
    assert found.day == date(2026, 3, 17)
    assert found.relative(at(BERLIN, 2026, 3, 16, 12, 0), BERLIN) == "due tomorrow"
    assert found.relative(at(BERLIN, 2026, 3, 17, 0, 1), BERLIN) == "due today"
    assert found.relative(at(BERLIN, 2026, 3, 17, 23, 59), BERLIN) == "due today"
    assert found.relative(at(BERLIN, 2026, 3, 18, 0, 0), BERLIN) == "1 day overdue"
    assert found.relative(at(BERLIN, 2026, 3, 19, 9, 0), BERLIN) == "2 days overdue"
    assert found.relative(at(BERLIN, 2026, 3, 12, 9, 0), BERLIN) == "due in 5 days"


def test_a_week_is_counted_in_local_days_not_utc_days(templates) -> None:
    # 00:30 in Berlin on 11 March is still 10 March in UTC: the local day is the one that counts.
    board = Board("aaaaaaaaaaaa")
    card_id = new_card(board, at(BERLIN, 2026, 3, 10, 9, 0), stage="waiting")
    board.log(card_id, "note_sent", at=at(BERLIN, 2026, 3, 11, 0, 30), template="thank-you")
    card = board.card(card_id)
    now = at(BERLIN, 2026, 3, 12, 9, 0)
    assert item(card, templates, "follow-up", now, BERLIN).day == date(2026, 3, 18)
    assert item(card, templates, "follow-up", now, UTC).day == date(2026, 3, 17)


def test_a_week_across_fall_back_stays_on_the_same_local_day(templates) -> None:
    # New York turns its clocks back on 1 November 2026: the week has 169 hours.
    board = Board("aaaaaaaaaaaa")
    card_id = new_card(board, at(NEW_YORK, 2026, 10, 28, 10, 0), stage="waiting")
    card = board.card(card_id)
    found = item(card, templates, "follow-up", at(NEW_YORK, 2026, 10, 30, 9, 0), NEW_YORK)
    assert found is not None
    assert found.day == date(2026, 11, 4)
    assert found.at == at(NEW_YORK, 2026, 11, 5, 0, 0)  # overdue from local midnight
    assert found.relative(at(NEW_YORK, 2026, 11, 4, 23, 59), NEW_YORK) == "due today"
    assert found.relative(at(NEW_YORK, 2026, 11, 5, 0, 0), NEW_YORK) == "1 day overdue"


def test_second_follow_up_is_due_two_weeks_in_a_week_after_the_first(templates) -> None:
    board = Board("aaaaaaaaaaaa")
    card_id = new_card(board, at(BERLIN, 2026, 3, 10, 14, 0))
    send(board, card_id, templates, "thank-you", at(BERLIN, 2026, 3, 10, 20, 0))
    send(board, card_id, templates, "follow-up", at(BERLIN, 2026, 3, 17, 9, 0))
    card = board.card(card_id)
    assert card.stage == "followed-up"
    now = at(BERLIN, 2026, 3, 20, 9, 0)
    assert item(card, templates, "follow-up", now, BERLIN) is None  # not its stage any more
    second = item(card, templates, "follow-up-2", now, BERLIN)
    assert second is not None and second.day == date(2026, 3, 24)
    send(board, card_id, templates, "follow-up-2", at(BERLIN, 2026, 3, 24, 9, 0))
    card = board.card(card_id)
    assert item(card, templates, "follow-up-2", at(BERLIN, 2026, 4, 20, 9, 0), BERLIN) is None
    continued = item(card, templates, "continued-interest", now, BERLIN)
    assert continued is not None and continued.day == date(2026, 4, 7)


def test_a_promised_date_moves_the_follow_up_to_the_day_after_it(templates) -> None:
    board = Board("aaaaaaaaaaaa")
    card_id = new_card(board, at(BERLIN, 2026, 3, 10, 14, 0), promised_by=date(2026, 3, 20))
    send(board, card_id, templates, "thank-you", at(BERLIN, 2026, 3, 10, 20, 0))
    card = board.card(card_id)
    found = item(card, templates, "follow-up", at(BERLIN, 2026, 3, 12, 9, 0), BERLIN)
    assert found is not None
    assert found.day == date(2026, 3, 21)
    assert found.rule.after == "promised_by"


def test_without_a_promised_date_the_week_rule_applies(templates) -> None:
    board = Board("aaaaaaaaaaaa")
    card_id = new_card(board, at(BERLIN, 2026, 3, 10, 14, 0))
    send(board, card_id, templates, "thank-you", at(BERLIN, 2026, 3, 10, 20, 0))
    found = item(board.card(card_id), templates, "follow-up", at(BERLIN, 2026, 3, 12), BERLIN)
    assert found is not None and found.rule.after == "last_contact"


def test_an_answer_stops_the_follow_up_clock_and_a_later_note_restarts_it(templates) -> None:
    board = Board("aaaaaaaaaaaa")
    card_id = new_card(board, at(BERLIN, 2026, 3, 10, 14, 0))
    send(board, card_id, templates, "thank-you", at(BERLIN, 2026, 3, 10, 20, 0))
    record_answer(board, card_id, "Thanks, we'll be in touch", at=at(BERLIN, 2026, 3, 12, 9, 0))
    card = board.card(card_id)
    assert card.stage == "waiting"
    assert card_items(card, templates.all(), at(BERLIN, 2026, 4, 30), BERLIN) == []
    board.log(card_id, "note_sent", at=at(BERLIN, 2026, 3, 20, 9, 0), template="continued-interest")
    card = board.card(card_id)
    found = item(card, templates, "follow-up", at(BERLIN, 2026, 3, 21), BERLIN)
    assert found is not None and found.day == date(2026, 3, 27)


def test_an_answer_with_a_new_promised_date_brings_the_follow_up_back(templates) -> None:
    board = Board("aaaaaaaaaaaa")
    card_id = new_card(board, at(BERLIN, 2026, 3, 10, 14, 0), promised_by=date(2026, 3, 13))
    send(board, card_id, templates, "thank-you", at(BERLIN, 2026, 3, 10, 20, 0))
    send(board, card_id, templates, "follow-up", at(BERLIN, 2026, 3, 14, 9, 0))
    record_answer(
        board, card_id, "Next week", promised_by=date(2026, 3, 20), at=at(BERLIN, 2026, 3, 15, 9)
    )
    card = board.card(card_id)
    assert card.stage == "waiting"
    found = item(card, templates, "follow-up", at(BERLIN, 2026, 3, 16), BERLIN)
    assert found is not None and found.day == date(2026, 3, 21)
    # They kept their word: an answer on the promised day stops that follow-up too.
    record_answer(board, card_id, "An offer!", at=at(BERLIN, 2026, 3, 20, 16, 0))
    assert (
        item(board.card(card_id), templates, "follow-up", at(BERLIN, 2026, 3, 22), BERLIN) is None
    )


def test_a_next_round_makes_its_own_thank_you_due(templates) -> None:
    board = Board("aaaaaaaaaaaa")
    card_id = new_card(board, at(BERLIN, 2026, 3, 10, 14, 0), promised_by=date(2026, 3, 14))
    send(board, card_id, templates, "thank-you", at(BERLIN, 2026, 3, 10, 20, 0))
    second = at(BERLIN, 2026, 3, 18, 10, 0)
    record_round(board, card_id, second, "second", at=at(BERLIN, 2026, 3, 12, 9, 0))
    card = board.card(card_id)
    assert card.stage == "interviewed"
    assert card.round == "second"
    assert card.promised_by is None
    found = item(card, templates, "thank-you", at(BERLIN, 2026, 3, 18, 12, 0), BERLIN)
    assert found is not None and found.at == second + timedelta(hours=24)
    assert {e.kind for e in card.timeline[-2:]} == {"round", "moved"}
    (event,) = [e for e in card.timeline if e.kind == "round"]
    assert event.get("round") == "second" and event.get("previous_promised_by") == "2026-03-14"


def test_the_rejection_reply_is_due_the_day_after_closing(templates) -> None:
    board = Board("aaaaaaaaaaaa")
    card_id = new_card(board, at(BERLIN, 2026, 3, 10, 14, 0), stage="waiting")
    board.move(card_id, "closed", outcome="rejected", at=at(BERLIN, 2026, 3, 16, 11, 0))
    card = board.card(card_id)
    items = card_items(card, templates.all(), at(BERLIN, 2026, 3, 16, 12), BERLIN)
    assert [(i.template, i.day) for i in items] == [("rejection-reply", date(2026, 3, 17))]
    assert card_items(card, templates.all(), at(BERLIN, 2026, 4, 30), BERLIN) == []


def test_deleted_cards_owe_nothing(templates) -> None:
    board = Board("aaaaaaaaaaaa")
    card_id = new_card(board, at(BERLIN, 2026, 3, 10, 14, 0))
    board.delete(card_id)
    assert card_items(board.card(card_id), templates.all(), at(BERLIN, 2026, 3, 11), BERLIN) == []


def test_without_an_interview_date_nothing_is_due(templates) -> None:
    board = Board("aaaaaaaaaaaa")
    card = board.card(new_card(board, None))
    assert card_items(card, templates.all(), at(BERLIN, 2026, 3, 11), BERLIN) == []


# --- the list ---------------------------------------------------------------------------------------


def test_the_list_is_most_urgent_first_and_leaves_out_what_is_not_due_yet(templates) -> None:
    board = Board("aaaaaaaaaaaa")
    now = at(BERLIN, 2026, 3, 20, 12, 0)
    overdue = new_card(board, at(BERLIN, 2026, 3, 5, 9, 0), stage="waiting")  # due 12 March
    soon = new_card(board, now - timedelta(hours=4))  # thank-you in 20 h
    today = new_card(board, at(BERLIN, 2026, 3, 13, 18, 0), stage="thanked")  # due 20 March
    later = new_card(board, at(BERLIN, 2026, 3, 19, 9, 0), stage="thanked")  # due 26 March
    listed = board_items(board.all(), templates.all(), now, BERLIN)
    assert [i.card_id for i in listed] == [overdue, today, soon]
    assert [i.status(now, BERLIN) for i in listed] == ["overdue", "due", "due"]
    everything = board_items(board.all(), templates.all(), now, BERLIN, include_upcoming=True)
    upcoming = [(i.card_id, i.template) for i in everything if i not in listed]
    assert upcoming == [(later, "follow-up"), (soon, "follow-up")]


# --- the rule language ------------------------------------------------------------------------------


def test_rules_read_as_data() -> None:
    rules = parse_rules(
        [{"after": "promised_by", "days": 1, "at": "09:30"}, {"after": "last_contact", "weeks": 1}]
    )
    assert rules[0].at is not None and rules[0].at.hour == 9 and rules[0].at.minute == 30
    assert rules[1].unit == "weeks" and rules[1].day_long
    assert rules[0].describe() == "the day after the promised answer date, at 09:30"
    assert parse_rules(None) == ()


@pytest.mark.parametrize(
    ("rule", "message", "where"),
    [
        ({"after": "lunch", "days": 1}, "after must be one of", ("after",)),
        ({"after": "interview"}, "exactly one of hours, days or weeks", ()),
        ({"after": "interview", "hours": 2, "days": 1}, "exactly one", ()),
        ({"after": "interview", "hours": -1}, "between 0 and", ("hours",)),
        ({"after": "interview", "days": "soon"}, "whole number", ("days",)),
        ({"after": "interview", "hours": 2, "at": "09:00"}, "at goes with days", ("at",)),
        ({"after": "interview", "days": 2, "at": "nine"}, "time of day", ("at",)),
        ({"after": "interview", "days": 2, "when": 1}, "unknown key 'when'", ("when",)),
        ("tomorrow", "a due rule is a mapping", ()),
    ],
)
def test_bad_rules_say_what_is_wrong_and_where(rule, message: str, where: tuple) -> None:
    with pytest.raises(BadRule, match=message) as caught:
        parse_rules(rule)
    assert caught.value.where == where


def test_a_day_rule_with_a_time_of_day_is_a_moment_in_local_time(templates) -> None:
    (rule,) = parse_rules({"after": "promised_by", "days": 1, "at": "09:00"})
    board = Board("aaaaaaaaaaaa")
    card = board.card(new_card(board, at(BERLIN, 2026, 3, 10), promised_by=date(2026, 3, 28)))

    class Rule:
        name = title = "check"
        stages = ("interviewed",)
        outcomes = ()
        due = (rule,)

    found = due_item(card, Rule(), at(BERLIN, 2026, 3, 20), BERLIN)
    assert found is not None and found.day is None
    assert found.at == at(BERLIN, 2026, 3, 29, 9, 0)  # the first morning of summer time


def test_sending_moves_cards_forward_only() -> None:
    assert stage_after_sending("interviewed", None) == "thanked"
    assert stage_after_sending("waiting", None) == "followed-up"
    assert stage_after_sending("thanked", "followed-up") == "followed-up"
    assert stage_after_sending("waiting", "thanked") is None
    assert stage_after_sending("followed-up", None) is None
    assert stage_after_sending("closed", "thanked") is None
    assert stage_after_sending("interviewed", "stay") is None
