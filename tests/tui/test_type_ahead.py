"""Keys typed in one burst, faster than screens open and close, all reach the screen they were
typed for, in order (`tui.type_ahead`). Pilot's `press` waits for the app between keys, so these
tests post the whole burst at once, as a terminal delivers a fast typist's keys."""

from __future__ import annotations

import pytest
from conftest import PASSPHRASE, fixed_now, make_app, until, wait_for_screen
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from tui.app import FollowupApp
from tui.board.screen import BoardScreen
from tui.card.detail import CardDetailScreen
from tui.card.edit import CardEditScreen


def burst(app: FollowupApp, *keys: str) -> None:
    """Every key into the app's queue at once: nothing waits for the screens to catch up."""
    for key in keys:
        named = {"enter": ("enter", "\r"), "ctrl+s": ("ctrl+s", None), "space": ("space", " ")}
        name, char = named.get(key, (key, key))
        event = events.Key(name, char)
        event.set_sender(app)
        app.post_message(event)


def typed_now(app: FollowupApp, *keys: str) -> list[events.Event]:
    """Keys a terminal reads from the typist now; `post_all` hands them to the app."""
    typed = []
    for key in keys:
        event = events.Key(key, "\r" if key == "enter" else key)
        event.set_sender(app)
        typed.append(event)
    return typed


def post_all(app: FollowupApp, typed: list[events.Event]) -> None:
    for event in typed:
        app.post_message(event)


def typed_as_it_goes(app: FollowupApp, screen_id: str, *keys: str) -> list[events.Event]:
    """Keys typed at the very moment the screen `screen_id` comes to the front, while the work
    that brings it there still holds the app's thread (a slow dialog closing itself): the app
    gets them only after, as it gets a terminal's keys read meanwhile. Filled in then."""
    typed: list[events.Event] = []

    def changed(screen: object) -> None:
        if getattr(screen, "id", None) == screen_id and not typed:
            typed.extend(typed_now(app, *keys))

    app.screen_change_signal.subscribe(app, changed, immediate=True)
    return typed


async def all_keys_handled(pilot: Pilot) -> None:
    app = pilot.app
    await pilot.pause()
    await until(
        pilot, "every key handled", lambda: not app.type_ahead.busy and not app.type_ahead.waiting
    )
    await pilot.pause()


def companies(session) -> list[str]:
    return sorted(card.company for card in session.board.all())


async def test_a_new_card_typed_right_after_saving_one_keeps_its_first_letter(laptop) -> None:
    session = laptop.session()
    session.change(lambda board: board.add({"company": "Acme", "role": "Dev"}))
    app = make_app(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("e")
        assert isinstance(app.screen, CardEditScreen)
        burst(app, "ctrl+s", "n", *"Hooli", "ctrl+s")
        await until(pilot, "both cards saved", lambda: len(session.board.all()) == 2)
        await until(pilot, "the board back", lambda: isinstance(app.screen, BoardScreen))
    assert companies(session) == ["Acme", "Hooli"]  # not "nHooli", not "ooli"


async def test_cards_saved_with_enter_in_one_burst_are_all_saved_whole(laptop) -> None:
    session = laptop.session()
    app = make_app(session)
    async with app.run_test(size=(120, 36)) as pilot:
        burst(app, "n", *"Globex", "enter", "n", *"Initech", "enter", "n", *"Umbrella", "enter")
        await until(pilot, "three cards saved", lambda: len(session.board.all()) == 3)
        await until(pilot, "the board back", lambda: isinstance(app.screen, BoardScreen))
    assert companies(session) == ["Globex", "Initech", "Umbrella"]


async def test_an_enter_typed_while_the_passphrase_changes_does_not_open_a_card(laptop) -> None:
    session = laptop.session()
    session.change(lambda board: board.add({"company": "Acme", "role": "Dev"}))
    app = make_app(session)
    new = "a brand new passphrase of words"
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("K")
        dialog = app.screen
        assert dialog.id == "change-passphrase"
        dialog.query_one("#current-passphrase", Input).value = PASSPHRASE
        dialog.query_one("#new-passphrase", Input).value = new
        dialog.query_one("#again-passphrase", Input).value = new
        dialog.query_one("#again-passphrase", Input).focus()
        await pilot.pause()
        during = typed_as_it_goes(app, "board", "enter", "enter")  # Enter pressed twice more
        post_all(app, typed_now(app, "enter"))
        await until(pilot, "the board back", lambda: isinstance(app.screen, BoardScreen))
        assert during  # typed while the dialog was still what the user saw
        post_all(app, during)
        await all_keys_handled(pilot)
        assert isinstance(app.screen, BoardScreen)  # the Enters were the dialog's, not the card's
        post_all(app, typed_now(app, "enter"))  # typed on the board: that one opens the card
        await until(pilot, "the card open", lambda: isinstance(app.screen, CardDetailScreen))


async def test_keys_typed_while_the_vault_unlocks_do_not_reach_the_board(
    laptop, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = laptop.session()
    session.change(lambda board: board.add({"company": "Acme", "role": "Dev"}))
    monkeypatch.delenv("FOLLOWUP_PASSWORD_FILE", raising=False)
    app = FollowupApp(now=fixed_now, cursor_blink=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for_screen(pilot, "unlock")
        app.screen.query_one("#passphrase", Input).value = PASSPHRASE
        during = typed_as_it_goes(app, "board", "enter", "d")  # "d": the card to the trash
        post_all(app, typed_now(app, "enter"))
        await wait_for_screen(pilot, "board")
        assert during
        post_all(app, during)
        await all_keys_handled(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert len(app.context.session.board.all()) == 1
        post_all(app, typed_now(app, "enter"))
        await until(pilot, "the card open", lambda: isinstance(app.screen, CardDetailScreen))
