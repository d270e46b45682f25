"""Fixtures of the end-to-end tests: users of the installed console script, each with a config
dir, a passphrase file and a vault made by the CLI, for the app started in a real terminal.

Only fixtures live here; `User` and `installed_script` are in tests/terminal.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import PASSPHRASE
from terminal import User, installed_script


def new_user(tmp_path: Path, **env: str) -> User:
    """A user with an environment of its own (`env` added), and a vault made by the CLI."""
    secret = tmp_path / "passphrase"
    secret.write_text(PASSPHRASE + "\n")
    mine = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("FOLLOWUP_") and k not in ("COLUMNS", "LINES")
    }
    mine.update(
        FOLLOWUP_CONFIG_DIR=str(tmp_path / "config"),
        FOLLOWUP_PASSWORD_FILE=str(secret),
        FOLLOWUP_DATA_DIR=str(tmp_path / "data"),
        TERM="xterm-256color",
        **env,
    )
    me = User(installed_script(), mine, tmp_path / "vault")
    me.cli("init", str(me.vault), "--device-name", "tmux-laptop")
    return me


@pytest.fixture
def user(tmp_path: Path) -> User:
    """A user of the installed console script, in a terminal of true colours."""
    return new_user(tmp_path, COLORTERM="truecolor")


@pytest.fixture
def shell_user(tmp_path: Path) -> User:
    """A user of the installed console script whose editor does nothing (`true`)."""
    return new_user(tmp_path, EDITOR="true", VISUAL="true")
