"""Hostile input in a real terminal (tmux): escape codes in a card must not drive it, and an
editor that cannot start must leave the app usable.

The installed console script runs as a user's shell would start it (`shell_user`, in
tests/e2e/conftest.py).
"""

from __future__ import annotations

import pytest
from conftest import ESCAPES


def _launch(terminal, user) -> None:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TERM", "COLORTERM", "EDITOR", "VISUAL")
    env = {k: v for k, v in user.env.items() if k.startswith("FOLLOWUP_") or k in keep}
    terminal.start([user.script, "--vault", str(user.vault)], env)


def _title(terminal) -> str:
    return terminal.run("display-message", "-p", "-t", "main", "#{pane_title}")


@pytest.mark.tmux
def test_escape_codes_in_a_card_do_not_drive_a_real_terminal(terminal, shell_user) -> None:
    shell_user.cli("add", "--company", ESCAPES, "--role", "Spoof")
    _launch(terminal, shell_user)
    terminal.wait_for("the card", lambda s: "Spoof" in s and "]0;PWNED" in s)
    terminal.keys("Enter")
    terminal.wait_for("the card's view", lambda s: "Timeline" in s and "Corp" in s)
    assert "PWNED" not in _title(terminal)
    terminal.keys("Escape")
    terminal.wait_for("the board again", lambda s: "Compose" in s and "Timeline" not in s)
    terminal.keys("q")
    assert terminal.exit_status() == 0


@pytest.mark.tmux
def test_an_editor_that_does_not_exist_leaves_the_app_usable(terminal, shell_user) -> None:
    """Textual takes the terminal back only when its suspend block ends normally: an editor
    that cannot start left a blank screen that no key could leave."""
    shell_user.cli("add", "--company", "Acme", "--interviewed-at", "yesterday 10:00")
    shell_user.env["EDITOR"] = shell_user.env["VISUAL"] = "no-such-editor-anywhere --wait"
    _launch(terminal, shell_user)
    terminal.wait_for("the board", lambda s: "Acme" in s)
    terminal.keys("c")
    terminal.wait_for("the compose screen", lambda s: "Mark sent" in s)
    terminal.keys("e")
    terminal.wait_for("the error", lambda s: "not found" in s and "Mark sent" in s)
    terminal.keys("Escape")
    terminal.wait_for("the board again", lambda s: "Acme" in s and "Compose" in s)
    terminal.keys("q")
    assert terminal.exit_status() == 0
