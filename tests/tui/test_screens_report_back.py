"""Screens report back instead of driving each other: the board acts on what Today returns."""

from __future__ import annotations

from datetime import UTC, datetime

from conftest import make_app
from textual.widgets import OptionList

from tui.board.screen import BoardScreen
from tui.followups.today import TodayScreen


async def test_today_puts_the_focus_on_the_card_it_was_asked_to_show(laptop) -> None:
    session = laptop.session()
    acme = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)  # a thank-you due this morning
    globex = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)  # waiting for weeks: a follow-up due
    session.change(lambda board: board.add({"company": "Acme", "interviewed_at": acme}, at=acme))
    waiting = session.change(
        lambda board: board.add(
            {"company": "Globex", "interviewed_at": globex, "stage": "waiting"}, at=globex
        )
    )
    app = make_app(session)
    async with app.run_test(size=(130, 40)) as pilot:
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.focused_card is not None and board.focused_card.company == "Acme"
        await pilot.press("t")
        today = app.screen
        assert isinstance(today, TodayScreen)
        wanted = [item.card_id for item in today.items].index(waiting)
        today.query_one("#today-list", OptionList).highlighted = wanted
        await pilot.press("o")
        for _ in range(100):
            if app.screen is board and board.focused_card.company == "Globex":
                break
            await pilot.pause(0.05)
        assert app.screen is board
        assert board.focused_card.company == "Globex"
        assert board.focused_card.stage == "waiting"
        assert board.active_column.stage == "waiting"
