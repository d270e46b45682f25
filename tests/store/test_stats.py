"""Insight numbers on a fixed search, checked number by number, and `followup-tui stats`.

The search is `tell_the_story` in tests/conftest.py: the insight screen's tests open it too.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from conftest import at, tell_the_story

from store.cards.board import Board
from store.cards.model import Card
from store.transfer import stats

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def fixed_search() -> list[Card]:
    board = Board("0123456789ab")
    tell_the_story(board)
    return board.all(include_deleted=True)


def test_numbers_of_the_whole_search() -> None:
    result = stats.compute(fixed_search(), now=NOW, tz=UTC)
    assert result.cards == 7
    assert result.funnel == {
        "interviewed": 7,
        "thanked": 3,
        "waiting": 2,
        "followed-up": 3,
        "closed": 5,
    }
    assert (result.answered.count, result.answered.total) == (4, 7)
    assert sorted(result.answer_days) == [3.0, 7.0, 15.0]
    assert result.median_days_to_answer == 7.0
    assert (result.thank_you.count, result.thank_you.total) == (2, 3)
    assert (result.follow_up.count, result.follow_up.total) == (1, 3)
    assert result.outcomes == {"offer": 1, "rejected": 2, "withdrew": 1, "no-answer": 1}
    assert result.open == 2


def test_numbers_since_a_date() -> None:
    result = stats.compute(fixed_search(), now=NOW, since=at("2025-04-01T00:00"), tz=UTC)
    assert result.cards == 3  # Hooli, Umbrella, and Stark (no interview date: created then)
    assert result.funnel == {
        "interviewed": 3,
        "thanked": 1,
        "waiting": 0,
        "followed-up": 1,
        "closed": 2,
    }
    assert (result.answered.count, result.answered.total) == (1, 3)
    assert result.median_days_to_answer == 3.0
    assert (result.thank_you.count, result.thank_you.total) == (1, 1)
    assert (result.follow_up.count, result.follow_up.total) == (0, 1)
    assert result.outcomes == {"offer": 0, "rejected": 0, "withdrew": 1, "no-answer": 1}
    assert result.open == 1


def test_an_edited_follow_up_rule_changes_what_is_on_time() -> None:
    lenient = stats.DEFAULT_FOLLOW_UP_RULES | {
        "follow-up": stats.parse_rules({"after": "last_contact", "days": 14})
    }
    result = stats.compute(fixed_search(), now=NOW, follow_up_rules=lenient, tz=UTC)
    assert (result.follow_up.count, result.follow_up.total) == (3, 3)


def test_a_follow_up_after_an_answer_is_not_judged() -> None:
    board = Board("0123456789ab")
    card = board.add({"company": "Acme", "interviewed_at": at("2025-03-03T10:00")})
    board.log(card, "answered", at=at("2025-03-05T10:00"))
    board.log(card, "note_sent", at=at("2025-04-20T10:00"), template="follow-up")
    result = stats.compute(board.all(), now=NOW, tz=UTC)
    assert (result.follow_up.count, result.follow_up.total) == (0, 0)


def test_empty_search_has_no_ratios() -> None:
    result = stats.compute([], now=NOW)
    assert result.answered.ratio is None and result.median_days_to_answer is None
    assert "0 of 0" in stats.render_text(result)
    assert "no answers yet" in stats.render_text(result)


@pytest.mark.parametrize(
    ("value", "maximum", "width", "drawn"),
    [
        (1, 2, 8, "████    "),
        (3, 8, 1, "▍"),
        (2, 2, 4, "████"),
        (5, 2, 4, "████"),
        (0, 2, 4, "    "),
        (1, 0, 3, "   "),
        (1, 3, 4, "█▍  "),  # 10.7 eighths: one full cell and three eighths
    ],
)
def test_bars_are_exact_to_an_eighth(value: float, maximum: float, width: int, drawn: str) -> None:
    assert stats.bar(value, maximum, width) == drawn


def test_text_view_draws_bars_and_figures() -> None:
    text = stats.render_text(stats.compute(fixed_search(), now=NOW, tz=UTC), width=14)
    lines = text.splitlines()
    assert lines[0] == "Job search: 7 cards"
    # 14 cells for the largest figure; 3 of 7 is 6 cells; 2 of 3 is 9 and 3/8 cells.
    assert "  interviewed            ██████████████  7" in lines
    assert "  thanked                ██████          3" in lines
    assert "  answered               ████████        4 of 7 (57%)" in lines
    assert "  median time from interview to answer: 7 days" in lines
    assert "  thank-you within 24 h  █████████▍      2 of 3 (67%)" in lines
    assert "  offer                  ███████         1" in lines
    assert "  still open             ██████████████  2" in lines


def test_stats_command_text_json_and_since(laptop) -> None:
    old = laptop.cli("add", "--company", "Old", "--interviewed-at", "2024-01-10 10:00").out.strip()
    laptop.cli("move", old, "closed", "--outcome", "rejected")
    laptop.cli(
        "add", "--company", "New", "--interviewed-at", "2025-05-02 10:00", "--stage", "waiting"
    )
    shown = laptop.cli("stats")
    assert shown.code == 0, shown.err
    assert shown.out.startswith("Job search: 2 cards\n") and "█" in shown.out
    data = json.loads(laptop.cli("stats", "--json").out)
    assert data["cards"] == 2
    assert data["funnel"]["closed"] == 1 and data["funnel"]["waiting"] == 1
    assert data["answer_rate"] == {"count": 1, "total": 2, "ratio": 0.5}
    assert data["outcomes"]["rejected"] == 1 and data["open"] == 1
    since = json.loads(laptop.cli("stats", "--json", "--since", "2025-01-01").out)
    assert since["cards"] == 1 and since["outcomes"]["rejected"] == 0
    bad = laptop.cli("stats", "--since", "someday")
    assert bad.code == 1 and "Bad date" in bad.err
