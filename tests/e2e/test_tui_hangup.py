"""Closing the terminal ends the app, even when the hang-up signal never reaches it.

Under `make run` the terminal's hang-up goes to make, which waits for its child; the app must
notice on its own that its terminal is gone instead of spinning on end-of-file for ever.
Here the app ignores SIGHUP, so only that check can end it. It must end however loaded the
machine is: Textual's writer thread used to die on the closed terminal and block the app's exit
once 30 writes had queued up (tui/closed_terminal.py).
"""

from __future__ import annotations

import os
import shlex
import sys
import time
from pathlib import Path

import pytest
from terminal import alive

pytestmark = pytest.mark.tmux

APP = """
import os, signal, sys
signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as if the hang-up went to a parent (make)
open(sys.argv[1], "w").write(str(os.getpid()))
from tui.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_closing_the_terminal_ends_the_app(terminal, laptop, tmp_path: Path) -> None:
    assert laptop.cli("add", "--company", "Acme").code == 0
    pid_file = tmp_path / "app.pid"
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env |= laptop.env() | {"TERM": "xterm-256color", "PYTHONPATH": str(Path.cwd())}
    command = [sys.executable, "-c", APP, str(pid_file), "--vault", str(laptop.vault)]
    line = shlex.join(["env", "-i", *(f"{k}={v}" for k, v in env.items()), *command])
    terminal.run(
        "-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", "120", "-y", "36", line
    )
    terminal.wait_for("the board", lambda screen: "Acme" in screen)
    pid = int(pid_file.read_text())
    assert alive(pid)

    terminal.run("kill-server")  # the window closes: the pty is gone
    deadline = time.monotonic() + 30
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    still = alive(pid)
    if still:
        os.kill(pid, 9)
    assert not still, "the app kept running after its terminal was closed"
