"""First run offers the synced folder first, Enter in "Again" sets the vault up, and "the
passphrases differ" goes once they match (issue 11, item 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW, PASSPHRASE, until
from textual.widgets import Input

from store.config import Config
from tui.app import FollowupApp
from tui.opening.first_run import default_folder, sync_folder_choices


@pytest.fixture
def home(fresh_device: Path) -> Path:
    """A laptop that never ran the app, with a home dir of its own."""
    folder = fresh_device / "home"
    folder.mkdir()
    return folder


def typed(app: FollowupApp, selector: str, text: str) -> None:
    field = app.screen.query_one(selector, Input)
    field.focus()
    field.value = text


def test_the_default_is_the_first_sync_folder_present(home: Path, tmp_path: Path) -> None:
    assert default_folder(home) == tmp_path / "data" / "vault"  # no sync folder: this laptop's
    (home / "Nextcloud").mkdir()
    assert default_folder(home) == home / "Nextcloud" / "followup"
    (home / "Sync").mkdir()  # Syncthing's default share comes before Nextcloud
    assert default_folder(home) == home / "Sync" / "followup"
    (home / "Nextcloud" / "followup").mkdir()
    (home / "Nextcloud" / "followup" / "vault.json").write_text("{}")
    assert default_folder(home) == home / "Nextcloud" / "followup"  # a synced vault: first
    assert sync_folder_choices(home) == [
        home / "Nextcloud" / "followup",
        home / "Sync" / "followup",
    ]


async def test_first_run_shows_the_synced_folder_and_enter_in_again_sets_it_up(
    home: Path,
) -> None:
    (home / "Dropbox").mkdir()
    (home / "Sync").mkdir()
    app = FollowupApp(now=lambda: NOW, cursor_blink=False, home=home)
    async with app.run_test(size=(120, 36)) as pilot:
        assert app.screen.id == "first-run"
        assert app.screen.query_one("#folder", Input).value == "~/Dropbox/followup"
        typed(app, "#passphrase", PASSPHRASE)
        await pilot.press("enter")
        assert app.screen.query_one("#confirm", Input).has_focus
        app.screen.query_one("#confirm", Input).value = PASSPHRASE
        await pilot.press("enter")  # in "Again": sets the vault up, nothing else to type
        await until(pilot, "the board", lambda: app.screen.id == "board")
    assert (home / "Dropbox" / "followup" / "vault.json").exists()
    assert Config.load().vault == str(home / "Dropbox" / "followup")


async def test_the_passphrases_differ_message_goes_once_they_match(home: Path) -> None:
    app = FollowupApp(now=lambda: NOW, cursor_blink=False, home=home)
    async with app.run_test(size=(120, 36)) as pilot:
        typed(app, "#passphrase", PASSPHRASE)
        typed(app, "#confirm", PASSPHRASE + "!")
        await pilot.press("enter")
        error = app.screen.query_one("#setup-error")
        await until(pilot, "the mismatch said", lambda: error.display)
        assert "differ" in str(error.render())
        assert app.screen.query_one("#confirm", Input).has_focus
        for index, letter in enumerate(PASSPHRASE[:-1]):  # retyped, one key at a time
            await pilot.press(letter if letter != " " else "space")
            assert error.display, f"cleared after {index + 1} letters: too soon"
        await pilot.press(PASSPHRASE[-1])
        await until(pilot, "the stale message gone", lambda: not error.display)
        assert app.screen.id == "first-run"  # matching is not submitting


def on_screen(app: FollowupApp, selector: str) -> bool:
    """Whether the widget is drawn where a person can see it (not clipped by the dialog)."""
    widget = app.screen.query_one(selector)
    return widget in app.screen._compositor.visible_widgets


async def test_at_80x24_the_error_and_the_create_button_come_into_view(home: Path) -> None:
    (home / "Sync").mkdir()  # the folder choices take a row: the tallest first-run dialog
    app = FollowupApp(now=lambda: NOW, cursor_blink=False, home=home)
    async with app.run_test(size=(80, 24)) as pilot:
        typed(app, "#passphrase", PASSPHRASE)
        typed(app, "#confirm", PASSPHRASE + "!")
        await pilot.press("enter")
        error = app.screen.query_one("#setup-error")
        await until(pilot, "the mismatch said", lambda: error.display)
        await until(pilot, "the mismatch in view", lambda: on_screen(app, "#setup-error"))
        app.screen.query_one("#go").focus()
        await until(pilot, "the button in view", lambda: on_screen(app, "#go"))
