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


def test_today_after_changes_on_a_few_cards_lists_what_the_due_rules_list(templates) -> None:
    """The merged list kept between reads: a change on one card, on a few, on most, a card
    added, deleted or restored, each read compared with the rules' own list, ties included
    (cards of one company interviewed at one moment keep the order of the cards)."""
    import random

    rng = random.Random(5)
    board = Board("aaaaaaaaaaaa")
    moments = [START + timedelta(hours=h) for h in (0, 0, 5, 5, 30)]
    for n in range(60):
        board.add(
            {"company": f"Co {n % 3}", "role": "Dev", "interviewed_at": rng.choice(moments)},
            at=START,
        )
    index = DueIndex(UTC)
    rules = templates.everything()
    now = START + timedelta(days=2)
    for step in range(40):
        cards = sorted(board.cards)
        touched = rng.sample(cards, rng.choice((1, 1, 2, 3, 50)))
        for card_id in touched:
            what = rng.random()
            if what < 0.5:
                board.edit(card_id, {"company": f"Co {rng.randrange(3)}"})
            elif what < 0.6:
                board.edit(card_id, {"interviewed_at": rng.choice(moments)})
            elif what < 0.7:  # notes falling due in the hours ahead, listed while nothing changes
                ago = timedelta(days=rng.choice((0, 1, 6, 13)), hours=rng.randint(0, 23))
                board.edit(card_id, {"interviewed_at": now - ago})
            elif what < 0.8:
                board.move(card_id, rng.choice(("thanked", "waiting", "interviewed")))
            elif what < 0.9:
                board.delete(card_id)
            else:
                board.restore(card_id)
        if step % 7 == 3:
            board.add({"company": "Co 1", "role": "Dev", "interviewed_at": moments[0]}, at=now)
        now += timedelta(hours=rng.choice((0, 1, 9)))
        for upcoming in (False, True):
            expected = board_items(board.all(), rules, now, UTC, upcoming, kinds=KINDS)
            listed = index.listed(board.all(), rules, now, upcoming)
            assert said(listed) == said(expected), (step, upcoming)
            again = index.listed(board.all(), rules, now, upcoming)  # the kept list, as it is
            assert said(again) == said(expected), (step, upcoming)
        for hours in (1, 3, 8, 20):  # time goes by, no card changes
            later = now + timedelta(hours=hours)
            expected = board_items(board.all(), rules, later, UTC, kinds=KINDS)
            assert said(index.listed(board.all(), rules, later)) == said(expected), (step, hours)


def test_an_item_a_change_brings_is_listed_when_its_time_comes(templates) -> None:
    """A card changed to an interview the day after tomorrow: not listed tonight, listed from
    midnight (the day before it), though no card changed in between."""
    board = Board("aaaaaaaaaaaa")
    for n in range(12):
        board.add({"company": f"Co {n}", "role": "Dev", "interviewed_at": START}, at=START)
    index = DueIndex(UTC)
    rules = templates.everything()
    tonight = datetime(2026, 3, 20, 20, 0, tzinfo=UTC)
    index.listed(board.all(), rules, tonight)
    card = board.all()[4].id
    board.edit(card, {"interviewed_at": datetime(2026, 3, 22, 10, 0, tzinfo=UTC)})
    assert card not in [i.card_id for i in index.listed(board.all(), rules, tonight)]
    after_midnight = datetime(2026, 3, 21, 0, 30, tzinfo=UTC)
    listed = index.listed(board.all(), rules, after_midnight)
    assert said(listed) == said(board_items(board.all(), rules, after_midnight, UTC, kinds=KINDS))
    assert card in [i.card_id for i in listed if i.kind == "interview"]
