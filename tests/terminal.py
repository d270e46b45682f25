"""A real terminal for tests: a tmux server of our own, one window of a fixed size, and a user
of the installed console script to start in it.

The app runs under `env -i` with exactly the environment given (a test runner's COLUMNS=80
would otherwise make Textual ignore the window's real size). The exit status comes from a
shell around the app, written to a file: tmux 3.3a here leaves some dead panes unreaped, with
no status, for good, so `pane_dead_status` cannot be trusted.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

WAIT = 60.0  # seconds; generous, for a loaded two-core machine (Argon2id unlock included)


@dataclass
class Terminal:
    tmux: str
    socket: str
    status_file: Path
    columns: int = 120
    lines: int = 36

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [self.tmux, "-L", self.socket, *args], capture_output=True, text=True, timeout=30
        )
        if done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def start(self, command: list[str], env: dict[str, str]) -> None:
        wrapped = ["sh", "-c", '"$@"; echo $? > "$0"', str(self.status_file), *command]
        line = shlex.join(["env", "-i", *(f"{k}={v}" for k, v in env.items()), *wrapped])
        self.run("-f", "/dev/null", "new-session", "-d", "-s", "main",
                 "-x", str(self.columns), "-y", str(self.lines))  # fmt: skip
        self.run("set-option", "-t", "main", "remain-on-exit", "on")
        self.run("respawn-pane", "-k", "-t", "main", line)

    def screen(self) -> str:
        """Everything the pane showed, wrapped lines joined, the scrollback included."""
        return self.run("capture-pane", "-p", "-J", "-S", "-", "-t", "main")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "main", *keys)

    def wait_for(self, what: str, ready: Callable[[str], bool]) -> str:
        """Poll the screen until `ready(screen)`; fail with what the terminal shows."""
        deadline = time.monotonic() + WAIT
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if ready(screen):
                return screen
            if self.status_file.exists() and self.status_file.read_text().strip():
                break  # the app exited: it will not show anything more
            time.sleep(0.2)
        pytest.fail(f"waited for {what}; the terminal shows:\n{screen}")

    def exit_status(self) -> int:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.status_file.exists() and self.status_file.read_text().strip():
                return int(self.status_file.read_text())
            time.sleep(0.2)
        pytest.fail(f"the app did not exit; the terminal shows:\n{self.screen()}")


def installed_script() -> str:
    """The console script of this venv (not a module run): what a user's shell would start."""
    beside_python = Path(sys.executable).with_name("followup-tui")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("followup-tui")
    if not found:
        pytest.fail("the followup-tui console script is not installed (pip install -e .)")
    return found


def alive(pid: int) -> bool:
    """The process `pid` still runs: it exists and is not a zombie waiting to be reaped."""
    try:
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False


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
