"""The installed `followup-tui` in a real terminal: tmux at a fixed size, real keys, real vault.

What a user does on day one, end to end through the console script pip installed: make a vault
and a card with the CLI, open the board, move the card with the keyboard, quit, and find the
move in the vault with `followup-tui show --json`. Nothing here imports the app.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import PASSPHRASE
from terminal import WAIT, Terminal

pytestmark = pytest.mark.tmux

COLUMNS, LINES = 120, 36


def installed_script() -> str:
    """The console script of this venv (not a module run): what a user's shell would start."""
    beside_python = Path(sys.executable).with_name("followup-tui")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("followup-tui")
    if not found:
        pytest.fail("the followup-tui console script is not installed (pip install -e .)")
    return found


@dataclass
class User:
    """One user's environment: a config dir, a passphrase file, and a vault made by the CLI."""

    script: str
    env: dict[str, str]
    vault: Path

    def cli(self, *args: str) -> str:
        result = subprocess.run(
            [self.script, "--vault", str(self.vault), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=WAIT,
        )
        assert result.returncode == 0, f"followup-tui {' '.join(args)}: {result.stderr}"
        return result.stdout

    def card(self, card_id: str) -> dict:
        return json.loads(self.cli("show", card_id, "--json"))


@pytest.fixture
def user(tmp_path: Path) -> User:
    secret = tmp_path / "passphrase"
    secret.write_text(PASSPHRASE + "\n")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("FOLLOWUP_") and k not in ("COLUMNS", "LINES")
    }
    env.update(
        FOLLOWUP_CONFIG_DIR=str(tmp_path / "config"),
        FOLLOWUP_PASSWORD_FILE=str(secret),
        FOLLOWUP_DATA_DIR=str(tmp_path / "data"),
        TERM="xterm-256color",
        COLORTERM="truecolor",
    )
    me = User(installed_script(), env, tmp_path / "vault")
    me.cli("init", str(me.vault), "--device-name", "tmux-laptop")
    return me


def test_a_card_moved_with_keys_in_a_real_terminal_is_in_the_vault_after_quitting(
    terminal: Terminal, user: User
) -> None:
    card_id = user.cli(
        "add", "--company", "Acme Robotics", "--role", "Backend developer",
        "--interviewed-at", "yesterday 14:00",
    ).strip()  # fmt: skip
    assert user.card(card_id)["stage"] == "interviewed"
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TERM", "COLORTERM")
    launch_env = {k: v for k, v in user.env.items() if k.startswith("FOLLOWUP_") or k in keep}

    terminal.start([user.script, "--vault", str(user.vault)], launch_env)
    board = terminal.wait_for(
        "the board with the card", lambda s: "Acme Robotics" in s and "Interviewed" in s
    )
    assert "Closed" in board

    # The board opens with the focus on the first card; shift+→ then `>` move it two stages.
    terminal.keys("S-Right")
    terminal.wait_for("the card in Thanked", lambda s: re.search(r"Thanked\s+1\b", s) is not None)
    terminal.keys(">")
    terminal.wait_for("the card in Waiting", lambda s: re.search(r"Waiting\s+1\b", s) is not None)
    terminal.keys("q")
    assert terminal.exit_status() == 0

    card = user.card(card_id)
    assert card["stage"] == "waiting"
    moves = [(e["from"], e["to"]) for e in card["timeline"] if e["kind"] == "moved"]
    assert sorted(moves) == [("interviewed", "thanked"), ("thanked", "waiting")]
