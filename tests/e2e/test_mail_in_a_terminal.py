"""The mail hand-off in a real terminal (tmux): compose → `m` runs the configured
`mail_command` (a stand-in that keeps the message file) → "did the note go out?" → yes →
the note on the card's timeline, with whom it went to. Nothing here imports the app."""

from __future__ import annotations

import email
import json
import os
import subprocess
from email import policy
from pathlib import Path

import pytest
import yaml
from conftest import PASSPHRASE
from terminal import WAIT, Terminal, installed_script

pytestmark = pytest.mark.tmux


def test_compose_mail_asks_whether_it_went_out_and_the_timeline_shows_it(
    terminal: Terminal, tmp_path: Path
) -> None:
    secret = tmp_path / "passphrase"
    secret.write_text(PASSPHRASE + "\n")
    config_dir, vault = tmp_path / "config", tmp_path / "vault"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "FOLLOWUP_CONFIG_DIR": str(config_dir),
        "FOLLOWUP_PASSWORD_FILE": str(secret),
    }

    def cli(*args: str) -> str:
        done = subprocess.run(
            [installed_script(), "--vault", str(vault), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=WAIT,
        )
        assert done.returncode == 0, f"followup-tui {' '.join(args)}: {done.stderr}"
        return done.stdout

    cli("init", str(vault), "--device-name", "tmux-laptop")
    card = cli(
        "add", "--company", "Acme Robotics", "--role", "Backend developer",
        "--interviewed-at", "yesterday 14:00", "--interviewer", "Änne Lee, CTO <ann@acme.io>",
    ).strip()  # fmt: skip
    kept = tmp_path / "sent.eml"
    mailer = tmp_path / "fake-mailer"
    mailer.write_text(f'#!/bin/sh\ncp "$2" "{kept}"\necho "$2" > "{kept}.path"\n')
    mailer.chmod(0o755)
    config_file = config_dir / "config.yaml"
    settings = yaml.safe_load(config_file.read_text())
    settings["mail_command"] = f"{mailer} -H {{file}}"
    config_file.write_text(yaml.safe_dump(settings))

    terminal.start([installed_script(), "--vault", str(vault)], env)
    terminal.wait_for("the board", lambda s: "Acme Robotics" in s and "Interviewed" in s)
    terminal.keys("c")
    terminal.wait_for("compose with a To: line", lambda s: "To: Änne Lee <ann@acme.io>" in s)
    terminal.keys("m")  # the app gives the terminal to the mail program, then takes it back
    terminal.wait_for("the sent? question", lambda s: "go out?" in s)
    assert kept.exists()
    message = email.message_from_bytes(kept.read_bytes(), policy=policy.default)
    assert message["To"] == "Änne Lee <ann@acme.io>"
    assert message["Subject"] == "Thank you — Backend developer interview"
    assert message.get_content().startswith("Dear Änne,")
    assert not Path(Path(f"{kept}.path").read_text().strip()).exists()  # the temp file is gone
    terminal.keys("y")
    terminal.wait_for("the card moved on", lambda s: "Recorded thank-you note as sent" in s)
    terminal.keys("Enter")  # open the card: its timeline
    terminal.wait_for(
        "the note on the timeline", lambda s: "interview” to Änne Lee <ann@acme.io>" in s
    )
    terminal.keys("Escape")
    terminal.wait_for(
        "the board again", lambda s: s.rstrip().endswith("palette") and "Id " not in s
    )
    terminal.keys("q")
    assert terminal.exit_status() == 0

    shown = json.loads(cli("show", card, "--json"))
    assert shown["stage"] == "thanked"
    (sent,) = [e for e in shown["timeline"] if e["kind"] == "note_sent"]
    assert sent["to"] == "Änne Lee <ann@acme.io>"
    assert sent["text"].rstrip("\n") == message.get_content().rstrip("\n")
