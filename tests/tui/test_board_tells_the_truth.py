"""What the board shows must be true at every size (issue 11, items 1-3), driven with Pilot on
real vaults: a notes conflict is marked at 80, 120 and 200 columns; a closed card shows the
reply it owes and stops ageing; a move taken back with `u` is neither on the card's timeline
nor in the funnel (what an undo takes back is dropped: `store.cards.timeline`)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from conftest import NOW, Laptop, until

from tui.app import FollowupApp
from tui.board.screen import BoardScreen
from tui.board.stage_column import CARD_HEIGHT
from tui.card.detail import CardDetailScreen

SIZES = [(80, 24), (120, 36), (200, 50)]


def app_at(session: Any, now: datetime = NOW) -> FollowupApp:
    return FollowupApp(session=session, now=lambda: now, cursor_blink=False)


def card_lines(screen: BoardScreen, stage: str, card_id: str) -> list[str]:
    column = screen.column(stage)
    index = column.ids.index(card_id)
    return [column.render_line(index * CARD_HEIGHT + row).text.strip() for row in range(3)]


def conflicted_card(make_laptop: Any) -> tuple[Laptop, str]:
    """A card whose notes two laptops edited before seeing each other's edit."""
    a, b = make_laptop("a"), make_laptop("b")
    with a.active():
        session = a.session()
        card_id = session.change(
            lambda board: board.add(
                {"company": "Acme", "interviewed_at": NOW - timedelta(days=2)},
                at=NOW - timedelta(days=2),
            )
        )
        session.change(lambda board: board.move(card_id, "waiting"))
    with b.active():
        b.session()
    assert b.cli("edit", card_id, "--notes", "Call Ann back on Monday.").code == 0
    with a.active():
        session.change(lambda board: board.edit(card_id, {"notes": "Ann liked the demo."}))
    return a, card_id


@pytest.mark.parametrize("size", SIZES)
async def test_a_notes_conflict_is_marked_at_every_board_size(make_laptop, size) -> None:
    a, card_id = conflicted_card(make_laptop)
    with a.active():
        session = a.session()
        assert session.board.card(card_id).conflicts
        app = app_at(session)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, BoardScreen)
            third = card_lines(screen, "waiting", card_id)[2]
            assert "⚠" in third, (size, card_lines(screen, "waiting", card_id))
            if size[0] <= 120:  # alone on its line it says what it is, even when narrow
                assert third.startswith("⚠ confl"), third


@pytest.mark.parametrize("size", SIZES)
async def test_a_conflict_beside_a_badge_keeps_its_mark(make_laptop, size) -> None:
    a, card_id = conflicted_card(make_laptop)
    with a.active():
        session = a.session()
        session.change(lambda board: board.move(card_id, "interviewed"))  # a thank-you is owed
        app = app_at(session)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, BoardScreen)
            third = card_lines(screen, "interviewed", card_id)[2]
            assert (third.endswith("⚠") and "thank-you" in third) or "over" in third, third


async def test_a_card_closed_with_an_offer_shows_the_reply_it_owes(laptop: Laptop) -> None:
    session = laptop.session()

    def story(board: Any) -> str:
        card_id = board.add(
            {"company": "Hooli", "role": "SRE", "interviewed_at": NOW - timedelta(days=21)},
            at=NOW - timedelta(days=21),
        )
        board.move(card_id, "closed", outcome="offer", at=NOW - timedelta(hours=1))
        return card_id

    card_id = session.change(story)
    for size in SIZES:
        app = app_at(session)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, BoardScreen)
            title, _role, third = card_lines(screen, "closed", card_id)
            assert "21d" not in title, (size, title)  # it stopped ageing when it closed
            if size[0] >= 120:  # the day it closed, where there is room beside the name
                assert title == "Hooli 12 Mar" or title.endswith(" 12 Mar"), (size, title)
            assert "due" in third and "23h" in third.replace(" h", "h"), (size, third)
            if size[0] >= 120:
                assert "offer-reply" in third, (size, third)


async def test_a_closed_card_stops_ageing(laptop: Laptop) -> None:
    session = laptop.session()

    def story(board: Any) -> str:
        card_id = board.add(
            {"company": "Globex", "interviewed_at": NOW - timedelta(days=30)},
            at=NOW - timedelta(days=30),
        )
        board.move(card_id, "closed", outcome="withdrew", at=NOW - timedelta(days=20))
        return card_id

    card_id = session.change(story)
    seen = []
    for now in (NOW, NOW + timedelta(days=21)):
        app = app_at(session, now)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, BoardScreen)
            seen.append(card_lines(screen, "closed", card_id))
    assert seen[0] == seen[1]  # three weeks later it says the same: no age ticking on
    title, _role, third = seen[0]
    assert title.endswith("20 Feb") and third == "withdrew"


async def test_an_undone_move_is_left_out_of_the_card_view_and_the_funnel(laptop: Laptop) -> None:
    session = laptop.session()
    card_id = session.change(
        lambda board: board.add(
            {"company": "Initech", "interviewed_at": NOW - timedelta(days=1)},
            at=NOW - timedelta(days=1),
        )
    )
    app = app_at(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, "the board", lambda: isinstance(app.screen, BoardScreen))
        await pilot.press("4")  # to followed-up, by mistake
        await until(pilot, "the move", lambda: session.board.card(card_id).stage == "followed-up")
        await pilot.press("u")
        await until(pilot, "the undo", lambda: session.board.card(card_id).stage == "interviewed")
        await pilot.press("enter")
        await until(pilot, "the card", lambda: isinstance(app.screen, CardDetailScreen))
        timeline = " ".join(str(w.render()) for w in app.screen.query(".timeline-event"))
        assert "created in interviewed" in timeline  # the timeline is there…
        assert "moved" not in timeline and "undone" not in timeline  # …without the mistake
    stats = json.loads(laptop.cli("stats", "--json").out)
    assert stats["funnel"]["followed-up"] == 0
