"""Closing the terminal while an attachment is open in a viewer leaves no decrypted copy behind.

The hang-up signal ends a Python process without `atexit` and without the app's own exit, so the
private copy handed to `xdg-open` (a résumé, an offer letter) stayed in the temp folder until
another attachment was opened. Here a real terminal (tmux) runs the app, `o` opens a copy with
an `xdg-open` stand-in that records it, and the terminal is closed.
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
import os, sys
open(sys.argv[1], "w").write(str(os.getpid()))
from tui.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_closing_the_terminal_removes_the_copy_of_an_opened_attachment(
    terminal, laptop, tmp_path: Path
) -> None:
    card = laptop.cli("add", "--company", "Acme").out.strip()
    resume = tmp_path / "resume-v3.pdf"
    resume.write_bytes(b"%PDF-1.4 CANARY-resume-in-a-viewer")
    assert laptop.cli("attach", card, str(resume)).code == 0
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    seen = tmp_path / "viewer-saw"
    viewer = bin_dir / "xdg-open"
    viewer.write_text(f'#!/bin/sh\necho "$1" > "{seen}.tmp"\nmv "{seen}.tmp" "{seen}"\n')
    viewer.chmod(0o755)
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    pid_file = tmp_path / "app.pid"
    keep = ("HOME", "LANG", "LC_ALL", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env |= laptop.env() | {
        "TERM": "xterm-256color",
        "PYTHONPATH": str(Path.cwd()),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "XDG_RUNTIME_DIR": str(runtime),
    }
    command = [sys.executable, "-c", APP, str(pid_file), "--vault", str(laptop.vault)]
    line = shlex.join(["env", "-i", *(f"{k}={v}" for k, v in env.items()), *command])
    terminal.run(
        "-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", "120", "-y", "36", line
    )
    terminal.wait_for("the board", lambda screen: "Acme" in screen)
    terminal.keys("Enter")
    terminal.wait_for("the card view", lambda screen: "resume-v3.pdf" in screen)
    terminal.keys("o")
    terminal.wait_for("the viewer", lambda screen: seen.exists())
    copy = Path(seen.read_text().strip())
    assert copy.is_relative_to(runtime) and copy.exists()
    pid = int(pid_file.read_text())

    terminal.run("kill-server")  # the window closes: the app gets SIGHUP
    deadline = time.monotonic() + 30
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if alive(pid):
        os.kill(pid, 9)
        pytest.fail("the app kept running after its terminal was closed")

    assert not copy.exists()
    assert [p.name for p in runtime.iterdir()] == []
