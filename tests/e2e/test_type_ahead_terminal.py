"""A fast typist in a real terminal: keys sent in one burst while forms open and close all land
where they were typed (issue 11, item 11: `n` + "Hooli" right after a save gave "ooli")."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import PASSPHRASE
from terminal import WAIT, Terminal, installed_script

pytestmark = pytest.mark.tmux


@pytest.fixture
def typist(tmp_path: Path) -> tuple[str, dict[str, str], Path]:
    secret = tmp_path / "passphrase"
    secret.write_text(PASSPHRASE + "\n")
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        FOLLOWUP_CONFIG_DIR=str(tmp_path / "config"),
        FOLLOWUP_PASSWORD_FILE=str(secret),
        FOLLOWUP_DATA_DIR=str(tmp_path / "data"),
        TERM="xterm-256color",
    )
    vault = tmp_path / "vault"
    cli(installed_script(), env, vault, "init", str(vault), "--device-name", "typist")
    return installed_script(), env, vault


def cli(script: str, env: dict[str, str], vault: Path, *args: str) -> str:
    done = subprocess.run(
        [script, "--vault", str(vault), *args], env=env, capture_output=True, text=True,
        timeout=WAIT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_burst_of_keys_across_saves_and_new_forms_loses_nothing(
    terminal: Terminal, typist: tuple[str, dict[str, str], Path]
) -> None:
    script, env, vault = typist
    cli(script, env, vault, "add", "--company", "Acme", "--role", "Backend developer")
    terminal.start([script, "--vault", str(vault)], env)
    terminal.wait_for("the board", lambda s: "Acme" in s and "Interviewed" in s)
    terminal.keys("e")
    terminal.wait_for("the card's form", lambda s: "Edit Acme" in s)
    # One send-keys: tmux writes them all at once, far faster than the forms open and close.
    terminal.keys("C-s", "n", "Hooli", "C-s", "n", "Globex", "Enter", "q")
    assert terminal.exit_status() == 0

    cards = json.loads(cli(script, env, vault, "list", "--json"))
    assert sorted(card["company"] for card in cards) == ["Acme", "Globex", "Hooli"]
    acme = next(card for card in cards if card["company"] == "Acme")
    assert acme["role"] == "Backend developer"  # nothing typed after the save went into it
