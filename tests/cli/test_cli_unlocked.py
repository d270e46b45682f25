"""`unlock [--for 8h]` and `lock` (tui/cli/unlocked.py): once unlocked, commands and the board
open the vault with no passphrase at all, until `lock`, a new passphrase, or the time is up;
bad input is one line, and nothing is kept until `unlock` is run."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import (
    SIZE,
    Laptop,
    Result,
    add,
    assert_error,
    fixed_now,
    require_kernel_keyring,
    wait_for_screen,
)
from terminal import installed_script

from store.vault import keyring
from store.vault.crypto import Vault
from tui.cli.unlocked import BadDuration, in_words, seconds_in

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def unlockable(laptop: Laptop):
    require_kernel_keyring()
    vault_id = Vault.read_header(laptop.vault)["vault"]
    yield laptop
    keyring.forget(vault_id)


def bare(laptop: Laptop, *args: str) -> Result:
    """A command run as a user would, with no passphrase anywhere: none in the environment,
    stdin not a terminal to ask on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWUP_PASSWORD")}
    env.update(FOLLOWUP_CONFIG_DIR=str(laptop.config_dir), PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [installed_script(), "--vault", str(laptop.vault), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def test_unlocked_commands_need_no_passphrase_until_lock(unlockable: Laptop) -> None:
    card = add(unlockable, "Acme")
    assert_error(bare(unlockable, "list"), "No passphrase")  # off until `unlock`
    done = unlockable.cli("unlock", "--for", "2h")
    assert done.code == 0 and "for 2 hours" in done.err and "lock" in done.err, done
    listed = bare(unlockable, "list")
    assert listed.code == 0 and card in listed.out, listed
    moved = bare(unlockable, "move", card, "thanked")
    assert moved.code == 0, moved
    locked = bare(unlockable, "lock")
    assert locked.code == 0 and "forgotten" in locked.err
    assert_error(bare(unlockable, "list"), "No passphrase")
    assert "not unlocked" in bare(unlockable, "lock").err


def test_a_new_passphrase_ends_it(unlockable: Laptop, tmp_path) -> None:
    assert unlockable.cli("unlock").code == 0
    new = tmp_path / "new"
    new.write_text("another passphrase\n")
    assert unlockable.cli("passwd", "--new-password-file", str(new)).code == 0
    assert_error(bare(unlockable, "list"), "No passphrase")


def test_a_wrong_passphrase_keeps_nothing(unlockable: Laptop, tmp_path, monkeypatch) -> None:
    wrong = tmp_path / "wrong"
    wrong.write_text("not it\n")
    monkeypatch.setattr(unlockable, "password_file", wrong)
    assert_error(unlockable.cli("unlock"), "Wrong passphrase")
    assert_error(bare(unlockable, "list"), "No passphrase")


@pytest.mark.parametrize("given", ["3x", "", "0m", "31d", "h", "-1h", "1.5h"])
def test_a_bad_time_is_one_line_and_unlocks_nothing(unlockable: Laptop, given: str) -> None:
    assert_error(unlockable.cli("unlock", f"--for={given}"), "unlocked")
    assert_error(bare(unlockable, "list"), "No passphrase")


@pytest.mark.parametrize(
    ("given", "seconds", "words"),
    [
        ("8h", 8 * 3600, "8 hours"),
        ("8", 8 * 3600, "8 hours"),
        ("90m", 5400, "1 hour 30 minutes"),
        ("1d", 86400, "24 hours"),
        ("2d", 2 * 86400, "2 days"),
        ("2h30m", 9000, "2 hours 30 minutes"),
        ("1m", 60, "1 minute"),
        (" 1H ", 3600, "1 hour"),
    ],
)
def test_times_read_as_people_write_them(given: str, seconds: int, words: str) -> None:
    assert seconds_in(given) == seconds
    assert in_words(seconds) == words


def test_seconds_alone_below_a_minute_are_refused() -> None:
    with pytest.raises(BadDuration):
        seconds_in("30s")


async def test_the_board_opens_unlocked_with_no_unlock_screen(
    unlockable: Laptop, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui import launch
    from tui.app import FollowupApp

    add(unlockable, "Acme")
    assert unlockable.cli("unlock").code == 0
    monkeypatch.delenv("FOLLOWUP_PASSWORD_FILE", raising=False)
    launch.unlock_in_advance(str(unlockable.vault))
    assert launch._in_advance is not None and launch._in_advance.passphrase is None
    app = FollowupApp(vault=str(unlockable.vault), now=fixed_now, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "board")
        assert [c.company for c in app.context.session.board.all()] == ["Acme"]
    assert launch._in_advance is None


def test_the_reminder_timer_is_not_installed_on_a_kept_key(unlockable: Laptop, tmp_path) -> None:
    """The timer runs when the key may be long gone: installing it checks the passphrase it
    will use, never the kept key."""
    assert unlockable.cli("unlock").code == 0
    assert bare(unlockable, "due", "--count").code == 0  # what the kept key is for
    result = bare(unlockable, "remind", "--install")
    assert_error(result, "without you")


def test_lock_forgets_the_key_even_when_the_vault_is_gone(unlockable: Laptop, tmp_path) -> None:
    """The share is unmounted after `unlock`: `lock` still forgets the key it kept."""
    assert unlockable.cli("unlock").code == 0
    moved = tmp_path / "moved-away"
    unlockable.vault.rename(moved)
    locked = bare(unlockable, "lock")
    assert locked.code == 0 and "forgot 1 kept key" in locked.err, locked
    moved.rename(unlockable.vault)
    assert_error(bare(unlockable, "list"), "No passphrase")
