"""The due index (store/notes/due_index.py): the same items, in the same order, as the due
rules list them, at any moment and in any time zone, each card's rules worked out once per
version of the card, so a change on one card works out that card alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import store.notes.templates as templates_module
from store.cards.board import Board
from store.notes.due import board_items
from store.notes.due_index import DueIndex
from store.notes.flow import record_answer, record_sent
from store.notes.templates import Note, TemplateSet

DEFAULTS = Path(templates_module.__file__).parent / "default_templates"
BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def templates() -> TemplateSet:
    return TemplateSet(None)  # the built-in defaults


def busy_board(templates: TemplateSet) -> Board:
    """Cards at every stage: due, overdue, dropped (a thank-you a week late), answered,
    promised dates, offers with an answer-by day, closed and deleted ones."""
    board = Board("aaaaaaaaaaaa")
    for n in range(40):
        interviewed = START + timedelta(hours=13 * n)
        fields = {"company": f"Co {n % 7}", "role": "Dev", "interviewed_at": interviewed}
        if n % 5 == 0:
            fields["promised_by"] = interviewed + timedelta(days=4)
        card = board.add(fields, at=interviewed)
        if n % 3 == 0:
            record_sent(
                board,
                card,
                templates.get("thank-you"),
                Note("thank-you", "s", "text"),
                at=interviewed + timedelta(hours=5),
            )
        if n % 4 == 1:
            board.move(card, "waiting", at=interviewed + timedelta(days=1))
        if n % 6 == 2:
            record_answer(board, card, at=interviewed + timedelta(days=2))
        if n % 9 == 4:
            board.move(card, "closed", outcome="rejected", at=interviewed + timedelta(days=3))
        if n % 11 == 7:
            board.delete(card)
    return board


def said(items) -> list[tuple[str, str, datetime]]:
    return [(i.card_id, i.template, i.at) for i in items]


@pytest.mark.parametrize("tz", [None, UTC, BERLIN])
def test_the_index_lists_what_the_due_rules_list_at_every_moment(templates, tz) -> None:
    board = busy_board(templates)
    index = DueIndex(tz)
    for hours in range(0, 24 * 40, 17):  # before, during and long after: items come and go
        now = START + timedelta(hours=hours)
        for upcoming in (False, True):
            expected = board_items(board.all(), templates.all(), now, tz, upcoming)
            listed = index.listed(board.all(), templates.all(), now, upcoming)
            assert said(listed) == said(expected), (hours, upcoming)
    assert index.worked_out == len(board.all())  # once per card, whatever the moment


def test_a_badge_says_the_most_urgent_item_listed_for_its_card(templates) -> None:
    board = busy_board(templates)
    index = DueIndex(BERLIN)
    for hours in (0, 30, 200, 900):
        now = START + timedelta(hours=hours)
        for card in board.all():
            listed = board_items([card], templates.all(), now, BERLIN)
            badge = index.badge(card, templates.all(), now, lambda item, _now: item)
            assert (badge.template if badge else None) == (listed[0].template if listed else None)


def test_a_change_on_one_card_works_out_that_card_alone(templates) -> None:
    board = busy_board(templates)
    index = DueIndex(None)
    now = START + timedelta(days=3)
    for card in board.all():
        index.badge(card, templates.all(), now, lambda item, _now: item.template)
    before = index.worked_out
    changed = board.all()[5]
    board.edit(changed.id, {"notes": "called them back"})
    for card in board.all():  # every card painted again, a minute later
        index.badge(card, templates.all(), now + timedelta(minutes=1), lambda i, _n: i.template)
    index.listed(board.all(), templates.all(), now)  # and the Today list
    assert index.worked_out - before == 1


def test_edited_templates_work_every_card_out_again(templates, tmp_path) -> None:
    board = busy_board(templates)
    mine = TemplateSet(tmp_path)
    index = DueIndex(None)
    now = START + timedelta(days=3)
    index.listed(board.all(), mine.all(), now)
    first = index.worked_out
    builtin = DEFAULTS / "thank-you.yaml"
    text = builtin.read_text().replace("hours: 24,", "hours: 2,")
    assert text != builtin.read_text()
    (tmp_path / "thank-you.yaml").write_text(text)
    mine.reload_all()
    assert said(index.listed(board.all(), mine.all(), now)) == said(
        board_items(board.all(), mine.all(), now, None)
    )
    assert index.worked_out == 2 * first
