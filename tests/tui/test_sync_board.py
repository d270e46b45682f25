"""The live board: a replica another laptop drops into the folder updates the running app.

No key is pressed between the file landing and the check: the board's sync worker merges it on
its own, keeps the focus on its card, and leaves an open edit form as the user left it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import Laptop, make_app, synced, until
from syncthing import deliver_like_syncthing
from textual.widgets import Input

from store.config import Config
from sync.folder import SyncedSession
from tui.board.sync_status import SyncStatus


def replica_of(laptop: Laptop) -> Path:
    with laptop.active():
        return laptop.vault / "replicas" / f"{Config.load().device_id}.json"


def two_laptops(make_laptop, tmp_path: Path) -> tuple[Laptop, Laptop, SyncedSession, list[str]]:
    """a with two cards and its board's session; b in its own copy of the folder."""
    a = make_laptop("a")
    session = synced(a)
    ids = session.change(lambda board: [board.add({"company": c}) for c in ("Acme", "Globex")])
    shutil.copytree(a.vault, tmp_path / "vault-b")
    b = make_laptop("b", tmp_path / "vault-b")
    assert b.cli("--device-name", "b", "list").code == 0
    return a, b, session, ids


def arrive(b: Laptop, a: Laptop) -> None:
    """b's replica reaches a's folder the way Syncthing delivers it."""
    deliver_like_syncthing(replica_of(b), a.vault / "replicas" / replica_of(b).name)


async def test_replica_from_another_laptop_updates_the_running_board(make_laptop, tmp_path):
    a, b, session, (acme, globex) = two_laptops(make_laptop, tmp_path)
    app = make_app(session)
    async with app.run_test(size=(120, 36)) as pilot:
        status = app.screen.query_one(SyncStatus)
        await until(pilot, "the watcher running", status.watching.is_set)
        board = app.board_screen
        assert board is not None and board.focus_card(globex)

        new = b.cli("add", "--company", "Initech").out.strip()
        assert b.cli("move", acme, "waiting").code == 0
        arrive(b, a)
        await until(
            pilot,
            "b's changes",
            lambda: new in board.lists and board.lists.stage_of(acme) == "waiting",
        )

        assert board.focused_card is not None and board.focused_card.id == globex
        assert new in board.column("interviewed").ids
        assert "b " in str(status.render()) and "merged" in str(status.render())
        await until(pilot, "the merge saved", lambda: not session.unsaved)
        assert new in synced(a).board.cards  # in our replica, too


async def test_an_open_edit_stays_as_typed_while_the_board_merges(make_laptop, tmp_path):
    a, b, session, (acme, _) = two_laptops(make_laptop, tmp_path)
    app = make_app(session)
    async with app.run_test(size=(120, 36)) as pilot:
        status = app.screen.query_one(SyncStatus)
        await until(pilot, "the watcher running", status.watching.is_set)
        board = app.board_screen
        assert board is not None and board.focus_card(acme)
        await pilot.press("e")
        await until(pilot, "the edit form", lambda: app.screen.id == "edit")
        role = app.screen.query_one("#field-role", Input)
        role.focus()
        await pilot.press(*"lead")
        editing = app.screen

        assert b.cli("edit", acme, "--notes", "from b").code == 0
        arrive(b, a)
        await until(pilot, "b's edit", lambda: session.board.card(acme).notes == "from b")
        # The board repaints, then saves the merge (`SyncStatus._apply`): wait for the save, the
        # end of what the merge does, then for the app to settle.
        await until(pilot, "the merge saved", lambda: not session.unsaved)
        await pilot.pause()

        assert app.screen is editing
        assert role.value == "lead"
        assert app.focused is role


async def test_unreadable_file_shows_on_the_status_line(make_laptop, tmp_path):
    a, b, session, _ = two_laptops(make_laptop, tmp_path)
    app = make_app(session)
    async with app.run_test(size=(120, 36)) as pilot:
        status = app.screen.query_one(SyncStatus)
        await until(pilot, "the watcher running", status.watching.is_set)
        garbage = a.vault / "replicas" / replica_of(b).name
        garbage.write_bytes(b"half a replica")

        # Reported once it has stayed bad for a while: a file still arriving is not an error.
        await until(pilot, "the unreadable file", lambda: "1 unreadable" in str(status.render()))

        assert status.has_class("-problem")
        assert garbage.name in str(status.tooltip)
        assert garbage.read_bytes() == b"half a replica"


async def test_a_device_whose_replica_turns_unreadable_is_named_unreadable_with_no_age(
    make_laptop, tmp_path
):
    a, b, session, _ = two_laptops(make_laptop, tmp_path)
    app = make_app(session)
    async with app.run_test(size=(120, 36)) as pilot:
        status = app.screen.query_one(SyncStatus)
        await until(pilot, "the watcher running", status.watching.is_set)
        arrive(b, a)
        await until(pilot, "b seen", lambda: "·  b " in str(status.render()))
        assert "ago" in str(status.render())
        (a.vault / "replicas" / replica_of(b).name).write_bytes(b"half a replica")

        await until(pilot, "the unreadable file", lambda: "unreadable" in str(status.render()))

        line = str(status.render())
        assert "1 unreadable: b (followup-tui doctor)" in line
        assert "ago" not in line  # a damaged file is no sign that b synced
        narrow = status.describe(room=40)[0]  # the hint goes first, then b's name
        assert narrow.endswith("  ·  [b]1 unreadable: b[/]"), narrow
