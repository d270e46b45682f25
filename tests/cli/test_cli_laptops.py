"""Two "laptops" (two config dirs) on one vault folder, as two machines sharing a synced folder."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import PASSPHRASE, PROJECT_DIR


def ids(laptop) -> set[str]:
    listed = laptop.cli("list", "--json")
    assert listed.code == 0, listed.err
    return {card["id"] for card in json.loads(listed.out)}


def test_each_laptop_adds_cards_and_lists_everyones(make_laptop) -> None:
    a, b = make_laptop("a"), make_laptop("b")
    from_a = {a.cli("add", "--company", f"A{n}").out.strip() for n in range(3)}
    from_b = {b.cli("add", "--company", f"B{n}").out.strip() for n in range(2)}
    assert len(from_a | from_b) == 5
    assert ids(a) == ids(b) == from_a | from_b
    # Each can act on the other's cards by id prefix.
    card = sorted(from_a)[0]
    assert b.cli("move", card[:6], "waiting").code == 0
    assert json.loads(a.cli("show", card, "--json").out)["stage"] == "waiting"


def _run(config_dir: Path, *args: str, stdin: str | None = None, **env: str):
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("FOLLOWUP_") and k not in ("PYTHONSTARTUP",)
    }
    environment.update(FOLLOWUP_CONFIG_DIR=str(config_dir), **env)
    return subprocess.run(
        [str(Path(sys.executable).parent / "followup-tui"), *args],  # the installed script
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        env=environment,
        cwd=PROJECT_DIR,
        timeout=60,
    )


def test_a_fresh_config_joins_without_a_prompt_when_stdin_is_not_a_terminal(
    make_laptop, tmp_path: Path
) -> None:
    a = make_laptop("a")
    card = a.cli("add", "--company", "Acme").out.strip()
    fresh = tmp_path / "fresh-config"
    joined = _run(
        fresh, "--vault", str(a.vault), "list", FOLLOWUP_PASSWORD_FILE=str(a.password_file)
    )
    assert joined.returncode == 0, joined.stderr
    assert card in joined.stdout and joined.stderr == ""
    config = yaml.safe_load((fresh / "config.yaml").read_text())
    assert config["device_name"] == socket.gethostname()
    assert config["vault"] == str(a.vault.resolve())
    # A script can also pipe the passphrase on stdin; the vault is now remembered.
    piped = _run(fresh, "list", "--json", stdin=PASSPHRASE + "\n")
    assert piped.returncode == 0, piped.stderr
    assert [c["id"] for c in json.loads(piped.stdout)] == [card]


def test_device_name_option_names_this_device_for_every_laptop(make_laptop) -> None:
    a = make_laptop("a")
    b = make_laptop("b")
    assert b.cli("--device-name", "work laptop", "list").code == 0
    assert yaml.safe_load((b.config_dir / "config.yaml").read_text())["device_name"] == (
        "work laptop"
    )
    board = a.session().board  # b's replica told a its name
    assert {board.device_name(device) for device in board.devices} == {"a", "work laptop"}
