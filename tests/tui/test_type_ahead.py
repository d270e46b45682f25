"""Keys typed in one burst, faster than screens open and close, all reach the screen they were
typed for, in order (`tui.type_ahead`). Pilot's `press` waits for the app between keys, so these
tests post the whole burst at once, as a terminal delivers a fast typist's keys."""

from __future__ import annotations

from conftest import make_app, until
from textual import events

from tui.app import FollowupApp
from tui.board.screen import BoardScreen
from tui.card.edit import CardEditScreen


def burst(app: FollowupApp, *keys: str) -> None:
    """Every key into the app's queue at once: nothing waits for the screens to catch up."""
    for key in keys:
        named = {"enter": ("enter", "\r"), "ctrl+s": ("ctrl+s", None), "space": ("space", " ")}
        name, char = named.get(key, (key, key))
        event = events.Key(name, char)
        event.set_sender(app)
        app.post_message(event)


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
