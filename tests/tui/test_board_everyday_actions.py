"""Every CLI action a user needs day to day is on a board key and in the palette: the profile
(a form), the trash, a next round, export and a passphrase change (issue 11, item 9)."""

from __future__ import annotations

import asyncio
import csv
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, PASSPHRASE, SIZE, make_app, shown, until
from textual import events
from textual.widgets import Input, TextArea

from store.config import Config
from store.errors import WrongPassphrase
from store.vault.crypto import Vault
from tui.app import ActionCommands
from tui.board.screen import BoardScreen


def sample(laptop: Any) -> tuple[Any, dict[str, str]]:
    session = laptop.session()

    def add(board: Any) -> dict[str, str]:
        when = NOW - timedelta(days=2)
        return {
            "Acme": board.add(
                {"company": "Acme", "role": "Backend developer", "interviewed_at": when}, at=when
            ),
            "Globex": board.add({"company": "Globex", "interviewed_at": when}, at=when),
        }

    return session, session.change(add)


async def back_on_board(pilot: Any) -> None:
    await until(pilot, "the board", lambda: isinstance(pilot.app.screen, BoardScreen))


async def test_the_palette_offers_every_everyday_action(laptop) -> None:
    session, _ = sample(laptop)
    app = make_app(session)
    async with app.run_test(size=SIZE):
        provider = ActionCommands(app.screen)
        names = {name for name, _help, _run in provider._commands()}
    wanted = {"Profile", "Trash", "Next round", "Export", "Change passphrase", "Undo", "Redo"}
    wanted |= {"Mark", "Tag", "Answered", "Compose", "Today", "Insight", "New", "Delete"}
    assert wanted - names <= {"Undo", "Redo"}  # (nothing to undo yet: those are hidden)
    assert wanted - {"Undo", "Redo"} <= names


async def test_the_profile_form_saves_the_name_and_signature_notes_are_signed_with(
    laptop,
) -> None:
    session, ids = sample(laptop)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("at")
        assert app.screen.id == "profile"
        app.screen.query_one("#profile-name", Input).value = "Sam Doe"
        app.screen.query_one("#profile-signature", TextArea).load_text("Sam Doe\n+1 555 0100")
        await pilot.press("ctrl+s")
        await back_on_board(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        board.focus_card(ids["Acme"])
        await pilot.press("c")
        await until(pilot, "compose", lambda: getattr(app.screen, "note", None) is not None)
        body = app.screen.note.body  # type: ignore[attr-defined]
    assert Config.load().profile == {"name": "Sam Doe", "signature": "Sam Doe\n+1 555 0100"}
    assert "+1 555 0100" in body
    assert laptop.cli("profile", "--json").out.count("Sam Doe") == 2  # the CLI reads it too


async def test_the_profile_form_refuses_an_email_that_is_no_address(laptop) -> None:
    session, _ = sample(laptop)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("at")
        app.screen.query_one("#profile-name", Input).value = "Sam Doe"
        email = app.screen.query_one("#profile-email", Input)
        email.value = "not an email"
        app.screen.query_one("#profile-name", Input).focus()
        await pilot.press("ctrl+s")
        error = app.screen.query_one("#profile-error")
        await until(pilot, "the error shown", lambda: error.display)
        assert "'not an email' is not an email address" in str(error.render())
        assert app.screen.id == "profile" and email.has_focus  # the bad field, nothing lost
        assert app.screen.query_one("#profile-name", Input).value == "Sam Doe"
        email.value = "<sam@doe.io>"
        await pilot.press("ctrl+s")
        await back_on_board(pilot)
    assert Config.load().profile == {"name": "Sam Doe", "email": "sam@doe.io"}


async def test_the_trash_brings_a_deleted_card_back(laptop) -> None:
    session, ids = sample(laptop)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        board = app.screen
        assert isinstance(board, BoardScreen)
        board.focus_card(ids["Globex"])
        await pilot.press("d")
        await pilot.press("T")
        await until(pilot, "the trash", lambda: app.screen.id == "trash")
        assert [card.company for card in app.screen.cards] == ["Globex"]  # type: ignore[attr-defined]
        await pilot.press("enter")
        assert not shown(laptop, ids["Globex"])["deleted"]
        assert "empty" in str(app.screen.query_one("#trash-empty").render())
        await pilot.press("escape")
        await back_on_board(pilot)
        assert board.focused_card is not None and board.focused_card.id == ids["Globex"]


async def test_a_next_round_gets_its_date_and_the_card_goes_back_to_interviewed(laptop) -> None:
    session, ids = sample(laptop)
    session.change(lambda board: board.move(ids["Acme"], "waiting"))
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        board = app.screen
        assert isinstance(board, BoardScreen)
        board.focus_card(ids["Acme"])
        await pilot.press("r")
        assert app.screen.id == "next-round"
        app.screen.query_one("#round-at", Input).value = "not a date"
        await pilot.press("ctrl+s")
        assert app.screen.id == "next-round"  # a bad date is a line in the dialog
        assert app.screen.query_one("#round-at", Input).has_focus
        app.screen.query_one("#round-at", Input).value = "2026-03-18 10:00"
        app.screen.query_one("#round-name", Input).value = "on-site"
        await pilot.press("ctrl+s")
        await back_on_board(pilot)
    card = shown(laptop, ids["Acme"])
    assert card["stage"] == "interviewed" and card["round"] == "on-site"
    assert (
        datetime.fromisoformat(card["interviewed_at"]).astimezone().strftime("%Y-%m-%d %H:%M")
        == "2026-03-18 10:00"
    )


async def test_export_writes_the_board_where_the_user_says_and_not_into_the_vault(
    laptop, tmp_path: Path
) -> None:
    session, _ = sample(laptop)
    app = make_app(session)
    target = tmp_path / "out" / "board.csv"
    target.parent.mkdir()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("E")
        assert app.screen.id == "export"
        field = app.screen.query_one("#export-file", Input)
        field.value = str(laptop.vault / "board.csv")
        await pilot.press("ctrl+s")
        assert "inside the vault folder" in str(app.screen.query_one("#export-error").render())
        field.value = str(target)
        await pilot.press("ctrl+s")
        await back_on_board(pilot)
        rows = list(csv.DictReader(target.read_text(encoding="utf-8-sig").splitlines()))
        assert sorted(row["company"] for row in rows) == ["Acme", "Globex"]
        await pilot.press("E")
        app.screen.query_one("#export-file", Input).value = str(target)
        await pilot.press("ctrl+s")  # it is there: asked first, nothing written yet
        assert app.screen.id == "export"
        assert "enter again replaces it" in str(app.screen.query_one("#export-error").render())
    assert not (laptop.vault / "board.csv").exists()


async def test_the_passphrase_changes_from_the_board_and_the_board_keeps_writing(laptop) -> None:
    session, ids = sample(laptop)
    app = make_app(session)
    new = "a brand new passphrase of words"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("K")
        assert app.screen.id == "change-passphrase"
        fill_passphrase_form(app, "wrong one", new)
        app.screen.submit()  # type: ignore[attr-defined]
        await until(
            pilot,
            "the wrong passphrase said",
            lambda: "not the current" in str(app.screen.query_one("#passphrase-error").render()),
        )
        await until(  # the focus moves on the app's next turn
            pilot,
            "the current passphrase to type again",
            lambda: app.screen.query_one("#current-passphrase", Input).has_focus,
        )
        app.screen.query_one("#current-passphrase", Input).value = PASSPHRASE
        app.screen.submit()  # type: ignore[attr-defined]
        await back_on_board(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        board.focus_card(ids["Acme"])
        await pilot.press(">")  # written after the change
    Vault.unlock(laptop.vault, new)
    with pytest.raises(WrongPassphrase):
        Vault.unlock(laptop.vault, PASSPHRASE)
    laptop.password_file.write_text(new + "\n")
    assert shown(laptop, ids["Acme"])["stage"] == "thanked"


def fill_passphrase_form(app: Any, current: str, new: str) -> None:
    app.screen.query_one("#current-passphrase", Input).value = current
    app.screen.query_one("#new-passphrase", Input).value = new
    app.screen.query_one("#again-passphrase", Input).value = new


async def test_escape_while_the_passphrase_is_checked_keeps_it(
    laptop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "esc keeps the passphrase" holds even once the check has begun: the worker that ends
    after the dialog closed writes nothing."""
    import threading

    prepared = threading.Event()
    prepare = Vault.prepare_passphrase

    def watched(self: Vault, new: str) -> Any:
        try:
            return prepare(self, new)
        finally:
            prepared.set()

    monkeypatch.setattr(Vault, "prepare_passphrase", watched)
    session, _ = sample(laptop)
    header = (laptop.vault / "vault.json").read_bytes()
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("K")
        fill_passphrase_form(app, PASSPHRASE, "never set")
        app.screen.submit()  # type: ignore[attr-defined]
        await pilot.press("escape")
        await back_on_board(pilot)
        await until(pilot, "the check to end", prepared.is_set)
        for _ in range(5):
            await pilot.pause()  # what the worker handed to the app's thread has run
    assert (laptop.vault / "vault.json").read_bytes() == header
    Vault.unlock(laptop.vault, PASSPHRASE)


async def test_keys_typed_while_the_passphrase_changes_stay_in_the_dialog(laptop) -> None:
    """The slow derivations run off the app's thread: an enter typed while they run reaches
    the dialog (nothing to do there), not the board, where it would open a card."""
    session, ids = sample(laptop)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        board = app.screen
        assert isinstance(board, BoardScreen)
        board.focus_card(ids["Acme"])
        await pilot.press("K")
        fill_passphrase_form(app, PASSPHRASE, "the next passphrase")
        app.screen.submit()  # type: ignore[attr-defined]
        # As a terminal sends them: Pilot's `press` would wait for the process to go idle,
        # that is for the derivations to end, before it typed.
        for _ in range(2):
            app.post_message(events.Key("enter", "\r"))
        for _ in range(50):
            await asyncio.sleep(0)  # the app's loop turns: the keys are handed out
        assert app.screen.id == "change-passphrase"  # still deriving: the keys came here
        await back_on_board(pilot)
        for _ in range(3):
            await pilot.pause()
        assert isinstance(app.screen, BoardScreen), app.screen
    Vault.unlock(laptop.vault, "the next passphrase")
