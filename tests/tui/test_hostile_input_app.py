"""Hostile text reaching the running app: a file name in the vault folder made of escape codes
and markup, a filter ending in a backslash. Shown as text, never acted on.

The CLI's side of these inputs is tests/cli/test_hostile_input.py; a real terminal's is
tests/e2e/test_hostile_terminal.py.
"""

from __future__ import annotations

from datetime import UTC, datetime

from conftest import Laptop, synced, until

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


async def test_a_file_name_with_escape_codes_in_the_folder_reaches_no_terminal_from_the_app(
    make_laptop,
) -> None:
    """Dropbox names a conflicted copy after a host name anyone on the account picks; the app
    tells the user about the copy it cannot read, as text: no title change, no screen clear,
    no markup (a `[@click=…]` would be an action)."""
    from tui.app import FollowupApp
    from tui.board.sync_status import SyncStatus

    a = make_laptop("a")
    session = synced(a)
    session.change(lambda board: board.add({"company": "Acme"}))
    hostile = "\x1b]0;HACKED\x07\x1b[2J[@click=app.quit]x"
    app = FollowupApp(session=session, now=lambda: NOW, cursor_blink=False)
    async with app.run_test(size=(120, 36)) as pilot:
        status = app.screen.query_one(SyncStatus)
        await until(pilot, "the watcher running", status.watching.is_set)
        name = f"{session.device} ({hostile}'s conflicted copy 2026-01-01).json"
        (a.vault / "replicas" / name).write_bytes(b"garbage")
        await until(
            pilot,
            "the bad copy reported",
            lambda: any("conflicted copy" in n.message for n in app._notifications),
        )
        for note in app._notifications:
            assert "\x1b" not in note.message and "\x07" not in note.message
        shown = [n for n in app._notifications if "conflicted copy" in n.message]
        assert "HACKED" in shown[0].message and not shown[0].markup
        assert status.tooltip is not None and "\x1b" not in str(status.tooltip)
        assert app.is_running


async def test_a_filter_ending_in_a_backslash_is_shown_as_typed(laptop: Laptop) -> None:
    """What was typed into the filter is text: in markup, a trailing backslash escaped the
    closing tag and the status line showed it (`Filter [(*.?\\\\[/]`)."""
    from textual.widgets import Static

    from tui.app import FollowupApp

    session = laptop.session()
    session.change(lambda board: board.add({"company": "Acme"}))
    app = FollowupApp(session=session, now=lambda: NOW, cursor_blink=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("slash")
        for key in ("left_square_bracket", "asterisk", "backslash"):
            await pilot.press(key)
        await pilot.pause()
        shown = str(app.screen.query_one("#status", Static).render())
        assert shown.startswith("Filter [*\\: 0 cards"), shown
        assert "[/]" not in shown
