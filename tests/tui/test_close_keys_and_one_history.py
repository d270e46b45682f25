"""Where issue 10's `x` (close as no answer) meets issue 11's marks, card view, next round and
undo: `x` closes the marked cards after one question, works in the card's own view, and Today
and the board undo through one history; `E` (not `x`) exports. Pilot on real vaults, each
result read back through the CLI as another process sees it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from conftest import NOW, SIZE, board_screen, make_app, shown, until
from textual.widgets import Input, OptionList

from tui.board.close_outcome import CloseOutcomeScreen
from tui.board.screen import BoardScreen
from tui.card.detail import CardDetailScreen
from tui.followups.next_round import NextRoundScreen
from tui.followups.today import TodayScreen


def add(session: Any, company: str, days_ago: int, stage: str = "interviewed") -> str:
    when = NOW - timedelta(days=days_ago)

    def write(board: Any) -> str:
        card_id = board.add({"company": company, "interviewed_at": when}, at=when)
        if stage != "interviewed":
            board.move(card_id, stage, at=when + timedelta(hours=5))
        return card_id

    return session.change(write)


async def test_x_asks_once_and_closes_every_marked_card_as_no_answer(laptop) -> None:
    session = laptop.session()
    acme, globex = add(session, "Acme", 9, "waiting"), add(session, "Globex", 10, "waiting")
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        board_screen(app).focus_card(acme)
        await pilot.press("space")
        board_screen(app).focus_card(globex)
        await pilot.press("space")
        await pilot.press("x")
        await until(pilot, "the close question", lambda: isinstance(app.screen, CloseOutcomeScreen))
        options = app.screen.query_one("#outcomes", OptionList)
        assert options.get_option_at_index(options.highlighted or 0).id == "no-answer"
        await pilot.press("enter")
        await until(pilot, "both closed", lambda: shown(laptop, globex)["stage"] == "closed")
        assert [shown(laptop, c)["outcome"] for c in (acme, globex)] == ["no-answer"] * 2
        await pilot.press("u")  # one change, one undo
        await until(pilot, "both reopened", lambda: shown(laptop, acme)["stage"] == "waiting")
        assert shown(laptop, globex)["stage"] == "waiting"


async def test_x_in_the_card_view_closes_a_card_whose_silence_asks(laptop) -> None:
    session = laptop.session()
    silent = add(session, "Initech", 60, "waiting")
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        board_screen(app).focus_card(silent)
        await pilot.press("enter")
        await until(pilot, "the card", lambda: isinstance(app.screen, CardDetailScreen))
        await pilot.press("x")  # it asks, so no dialog: closed at once
        await until(pilot, "closed", lambda: shown(laptop, silent)["stage"] == "closed")
        assert shown(laptop, silent)["outcome"] == "no-answer"
        assert isinstance(app.screen, CardDetailScreen)
        await pilot.press("x")  # closed already: the key does nothing
        assert not isinstance(app.screen, CloseOutcomeScreen)


async def test_u_and_ctrl_r_in_the_card_view_undo_and_redo_what_was_done_there(laptop) -> None:
    session = laptop.session()
    card_id = add(session, "Initech", 3, "waiting")
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        board_screen(app).focus_card(card_id)
        await pilot.press("enter")
        await until(pilot, "the card", lambda: isinstance(app.screen, CardDetailScreen))
        view = app.screen
        await pilot.press("5")  # closing asks how it ended
        await until(pilot, "the question", lambda: isinstance(app.screen, CloseOutcomeScreen))
        await pilot.press("3")  # "I withdrew": a slip of the finger
        await until(pilot, "closed", lambda: shown(laptop, card_id)["stage"] == "closed")
        await until(pilot, "the card view", lambda: app.screen is view)
        await pilot.press("u")
        await until(pilot, "reopened", lambda: shown(laptop, card_id)["stage"] == "waiting")
        assert app.screen is view
        await until(pilot, "the view repainted", lambda: view.card.stage == "waiting")
        await pilot.press("ctrl+r")
        await until(pilot, "closed again", lambda: shown(laptop, card_id)["stage"] == "closed")
        assert shown(laptop, card_id)["outcome"] == "withdrew"


async def test_what_x_closed_in_today_is_undone_on_the_board(laptop) -> None:
    session = laptop.session()
    silent = add(session, "Initech", 60, "waiting")
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await until(pilot, "Today", lambda: isinstance(app.screen, TodayScreen))
        today = app.screen
        index = [item.kind for item in today.items].index("close")
        today.query_one("#today-list", OptionList).highlighted = index
        await pilot.press("x")
        await until(pilot, "closed", lambda: shown(laptop, silent)["stage"] == "closed")
        await pilot.press("escape")
        await until(pilot, "the board", lambda: isinstance(app.screen, BoardScreen))
        await pilot.press("u")
        await until(pilot, "reopened", lambda: shown(laptop, silent)["stage"] == "waiting")
        await pilot.press("ctrl+r")
        await until(pilot, "closed again", lambda: shown(laptop, silent)["stage"] == "closed")


async def test_the_next_round_dialog_takes_how_long_it_lasts_and_refuses_a_bad_length(
    laptop,
) -> None:
    session = laptop.session()
    card_id = add(session, "Hooli", 5, "waiting")
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        board_screen(app).focus_card(card_id)
        await pilot.press("r")
        await until(pilot, "the dialog", lambda: isinstance(app.screen, NextRoundScreen))
        dialog = app.screen
        dialog.query_one("#round-at", Input).value = "2026-03-18 10:00"
        length = dialog.query_one("#round-duration", Input)
        length.value = "a week"
        await pilot.press("ctrl+s")
        await until(pilot, "the error", lambda: length.has_focus)
        assert "duration" in str(dialog.query_one("#round-error").render()).lower()
        assert shown(laptop, card_id)["stage"] == "waiting"  # nothing written
        length.value = "3h"
        await pilot.press("ctrl+s")
        await until(pilot, "the round", lambda: shown(laptop, card_id)["stage"] == "interviewed")
        assert shown(laptop, card_id)["duration"] == 180


async def test_e_exports_and_x_never_opens_the_export(laptop) -> None:
    session = laptop.session()
    add(session, "Acme", 1)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")  # a fresh card does not ask: the close dialog, not the export
        await until(pilot, "the close dialog", lambda: isinstance(app.screen, CloseOutcomeScreen))
        await pilot.press("escape")
        await until(pilot, "the board", lambda: isinstance(app.screen, BoardScreen))
        await pilot.press("E")
        await until(pilot, "the export", lambda: app.screen.id == "export")
