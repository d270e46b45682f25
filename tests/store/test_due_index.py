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
from store.notes.due import KINDS, board_items
from store.notes.due_index import DueIndex
from store.notes.flow import record_answer, record_sent
from store.notes.templates import Note, TemplateSet

DEFAULTS = Path(templates_module.__file__).parent / "default_templates"
BERLIN = ZoneInfo("Europe/Berlin")
SANTIAGO = ZoneInfo("America/Santiago")  # its clocks change at midnight (2026-04-05)
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def templates() -> TemplateSet:
    return TemplateSet(None)  # the built-in defaults


def busy_board(templates: TemplateSet) -> Board:
    """Cards at every stage: interviews still ahead (an hour, or as long as the card says),
    due, overdue, dropped (a thank-you a week late), answered, promised dates, offers with an
    answer-by day, close suggestions weeks later, closed and deleted ones."""
    board = Board("aaaaaaaaaaaa")
    for n in range(40):
        interviewed = START + timedelta(hours=13 * n)
        fields = {"company": f"Co {n % 7}", "role": "Dev", "interviewed_at": interviewed}
        if n % 5 == 0:
            fields["promised_by"] = (interviewed + timedelta(days=4)).date()
        if n % 4 == 3:
            fields["duration"] = 30 + 45 * (n % 3)
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


@pytest.mark.parametrize("tz", [None, UTC, BERLIN, SANTIAGO])
def test_the_index_lists_what_the_due_rules_list_at_every_moment(templates, tz) -> None:
    board = busy_board(templates)
    index = DueIndex(tz)
    # Before, during and long after, in steps that land inside interviews and on either side
    # of each day: items come and go, interviews end, close suggestions arrive.
    for hours in [*range(0, 24 * 3, 1), *range(24 * 3, 24 * 80, 7)]:
        now = START + timedelta(hours=hours)
        for upcoming in (False, True):
            for kinds in (KINDS, ("note", "offer-deadline")):
                expected = board_items(
                    board.all(), templates.everything(), now, tz, upcoming, kinds=kinds
                )
                listed = index.listed(board.all(), templates.everything(), now, upcoming, kinds)
                assert said(listed) == said(expected), (hours, upcoming, kinds)
    # Each card worked out again only at the moments what it owes may change, not each read.
    assert index.worked_out < 0.25 * len(board.all()) * 4 * 250


def test_a_badge_reads_what_the_card_owes_as_the_due_rules_say_it(templates) -> None:
    board = busy_board(templates)
    index = DueIndex(BERLIN)
    for hours in (0, 1, 30, 200, 900, 2000):
        now = START + timedelta(hours=hours)
        for card in board.all():
            expected = board_items(
                [card], templates.everything(), now, BERLIN, include_upcoming=True, kinds=KINDS
            )
            badge = index.badge(card, templates.everything(), now, lambda items, _now: items)
            assert said(badge) == said(expected), (hours, card.company)


def test_a_change_on_one_card_works_out_that_card_alone(templates) -> None:
    board = busy_board(templates)
    index = DueIndex(None)
    now = START + timedelta(days=30)  # every interview long over: nothing owed changes soon
    for card in board.all():
        index.badge(card, templates.everything(), now, lambda items, _now: len(items))
    before = index.worked_out
    changed = board.all()[5]
    board.edit(changed.id, {"notes": "called them back"})
    for card in board.all():  # every card painted again, a minute later
        index.badge(card, templates.everything(), now + timedelta(minutes=1), lambda i, _n: i)
    index.listed(board.all(), templates.everything(), now + timedelta(minutes=2))  # and Today
    assert index.worked_out - before == 1


def test_edited_templates_work_every_card_out_again(templates, tmp_path) -> None:
    board = busy_board(templates)
    mine = TemplateSet(tmp_path)
    index = DueIndex(None)
    now = START + timedelta(days=3)
    index.listed(board.all(), mine.everything(), now)
    first = index.worked_out
    builtin = DEFAULTS / "thank-you.yaml"
    text = builtin.read_text().replace("hours: 24,", "hours: 2,")
    assert text != builtin.read_text()
    (tmp_path / "thank-you.yaml").write_text(text)
    mine.reload_all()
    assert said(index.listed(board.all(), mine.everything(), now)) == said(
        board_items(board.all(), mine.everything(), now, None, kinds=KINDS)
    )
    assert index.worked_out == 2 * first
