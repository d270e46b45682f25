"""Start-up work done beside the unlock: the note templates are read while Argon2id runs.

What the board uses must be exactly what the templates folder holds when the vault opens,
whether the read beside the unlock is used or the folder changed meanwhile.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import PASSPHRASE, SIZE, fixed_now, until, wait_for_screen

from tui.app import FollowupApp


@pytest.fixture
def locked(laptop, monkeypatch: pytest.MonkeyPatch):
    """A configured laptop (its vault holds the default templates), passphrase not in the env."""
    monkeypatch.delenv("FOLLOWUP_PASSWORD_FILE", raising=False)
    return laptop


async def unlock(pilot: Any) -> None:
    field = pilot.app.screen.query_one("#passphrase")
    field.focus()
    field.value = PASSPHRASE
    await pilot.press("enter")
    await wait_for_screen(pilot, "board")


async def test_templates_read_while_the_vault_unlocks_are_the_ones_in_use(locked) -> None:
    app = FollowupApp(now=fixed_now, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        loading = app.screen.templates_loading  # the unlock screen reads them beside the key
        assert loading is not None and app.screen.id == "unlock"
        read_beside = loading.result(locked.vault)
        assert read_beside is not None and "thank-you" in read_beside.names()
        await unlock(pilot)
        assert app.context.templates is read_beside


async def test_a_template_edited_while_the_unlock_screen_waits_is_read_again(locked) -> None:
    app = FollowupApp(now=fixed_now, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        loading = app.screen.templates_loading
        assert loading is not None
        stale = loading.result(locked.vault)
        path = locked.vault / "templates" / "thank-you.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("Thank you —", "Many thanks —"), encoding="utf-8")
        await unlock(pilot)
        assert app.context.templates is not stale
        assert "Many thanks —" in app.context.templates.get("thank-you").subject


def test_themes_read_by_the_fast_parser_are_the_ones_the_pure_one_reads(monkeypatch) -> None:
    import yaml

    import themes

    fast = themes.builtin_themes()
    assert hasattr(yaml, "CSafeLoader")  # PyYAML built with libyaml, as the wheels are

    def not_the_pure_parser(*_: object) -> None:
        raise AssertionError("libyaml's parser used with USE_FAST_LOADER off")

    monkeypatch.setattr(themes, "USE_FAST_LOADER", False)
    monkeypatch.setattr(yaml, "CSafeLoader", not_the_pure_parser)
    assert themes.builtin_themes() == fast
    broken = 'primary: "#7aa2c8"\nsurface: "#zzzzzz"\n'
    with pytest.raises(themes.ThemeError) as pure:
        themes.parse_theme(broken, "t.yaml", "t")
    monkeypatch.undo()
    with pytest.raises(themes.ThemeError) as quick:
        themes.parse_theme(broken, "t.yaml", "t")
    assert str(quick.value) == str(pure.value)


# --- the key derived while the app loads ---------------------------------------------------------


async def test_an_unlock_begun_before_the_app_loads_opens_the_board_asking_once(
    laptop, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`followup-tui` starts Argon2id before importing the app: the password command still
    runs once, and the board opens on the key derived then."""
    from tui import launch

    runs = tmp_path / "runs"
    monkeypatch.delenv("FOLLOWUP_PASSWORD_FILE")
    command = tmp_path / "password-command"
    command.write_text(f"#!/bin/sh\necho run >> '{runs}'\necho '{PASSPHRASE}'\n")
    command.chmod(0o700)
    monkeypatch.setenv("FOLLOWUP_PASSWORD_COMMAND", str(command))
    launch.unlock_in_advance(str(laptop.vault))
    assert launch._in_advance is not None
    app = FollowupApp(vault=str(laptop.vault), now=fixed_now, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "board")
        assert app.context.session.vault.path == laptop.vault
    assert runs.read_text().splitlines() == ["run"]
    assert launch._in_advance is None


async def test_a_wrong_passphrase_unlocked_in_advance_is_said_and_a_typed_one_unlocks(
    laptop, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui import launch

    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase\n")
    monkeypatch.setenv("FOLLOWUP_PASSWORD_FILE", str(wrong))
    launch.unlock_in_advance(str(laptop.vault))
    monkeypatch.delenv("FOLLOWUP_PASSWORD_FILE")  # what the user types next is what counts
    app = FollowupApp(vault=str(laptop.vault), now=fixed_now, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:

        def said_wrong() -> bool:
            error = app.screen.query("#unlock-error")
            return bool(
                error
                and error.first().display
                and "Wrong passphrase" in str(error.first().render())
            )

        await until(pilot, "the wrong passphrase reported", said_wrong)
        await unlock(pilot)
        assert app.context.is_open


# --- the collector paused for the start ------------------------------------------------------


@pytest.fixture
def no_net(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's last resort (resume the collector seconds after mount) out of the way: what
    resumes it must be the first screen showing."""
    import tui.app

    monkeypatch.setattr(tui.app, "COLLECTOR_PAUSED_AT_MOST", 3600.0)


async def test_the_collector_paused_for_the_start_runs_again_once_the_board_shows(
    laptop, no_net: None
) -> None:
    await _the_board_runs_the_collector_again(laptop)


async def _the_board_runs_the_collector_again(laptop) -> None:
    """The collector paused as `followup-tui` pauses it, first thing, is back once the board
    is up (and in any case once the app is over)."""
    import gc

    from tui import launch

    assert gc.isenabled()
    resume = launch.pause_collector_for_start()
    try:
        assert not gc.isenabled()
        app = FollowupApp(vault=str(laptop.vault), now=fixed_now, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for_screen(pilot, "board")
            await until(pilot, "the collector running again", gc.isenabled)
    finally:
        resume()
    assert gc.isenabled()


async def test_the_collector_runs_again_while_the_unlock_screen_waits_for_a_passphrase(
    locked, no_net: None
) -> None:
    import gc

    from tui import launch

    frozen = gc.get_freeze_count()
    resume = launch.pause_collector_for_start()
    try:
        app = FollowupApp(now=fixed_now, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            assert app.screen.id == "unlock"
            await until(pilot, "the collector running again", gc.isenabled)
            # What the start made is frozen, not left for the next passes to walk after
            # the passphrase (the board, frozen in its turn, is not open yet).
            assert gc.get_freeze_count() > frozen
            await unlock(pilot)
    finally:
        resume()


async def test_the_collector_runs_again_within_seconds_whatever_the_first_screen_does(
    laptop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last resort: a way to the first screen that never says it showed still has the
    collector back seconds after mount, never off for the app's life."""
    import tui.app

    monkeypatch.setattr(tui.app, "COLLECTOR_PAUSED_AT_MOST", 0.5)
    monkeypatch.setattr(tui.app.FollowupApp, "_first_screen_shown", lambda self: None)
    await _the_board_runs_the_collector_again(laptop)
