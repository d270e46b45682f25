"""Key points typed in the board's form are one per line, however they were typed, and the
letter lists them one per line (issue 11, item 5). Pilot on a real vault."""

from __future__ import annotations

from conftest import Laptop, make_app
from textual.widgets import Input, TextArea

from tui.board.screen import BoardScreen
from tui.card.edit import CardEditScreen
from tui.followups.compose import ComposeScreen


async def test_key_points_typed_in_the_form_become_a_list_in_the_letter(laptop: Laptop) -> None:
    session = laptop.session()
    app = make_app(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CardEditScreen)
        form.query_one("#field-company", Input).value = "Acme"
        form.query_one("#field-interviewed_at", Input).value = "yesterday 14:00"
        points = form.query_one("#field-key_points", TextArea)
        points.focus()
        await pilot.press(*"Their migration to k8s", "enter", *"- My work on billing - On-call")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        (card,) = session.board.all()
        assert card.key_points == ("Their migration to k8s", "My work on billing", "On-call")
        await pilot.press("c")
        await pilot.pause()
        compose = app.screen
        assert isinstance(compose, ComposeScreen)
        assert compose.note is not None
        assert (
            "A few things have stayed with me since:\n"
            "- Their migration to k8s\n"
            "- My work on billing\n"
            "- On-call\n"
        ) in compose.note.body
