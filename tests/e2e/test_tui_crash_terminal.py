"""A crash in a real terminal (tmux): the user sees one line naming the crash log, never a
traceback, and the exit status is 70.

The app is the real one started by the CLI; the only thing added is a bug behind the "?" key.
The same crash inside the app, driven with Pilot, is in tests/tui/test_tui_crash.py.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from terminal import Terminal

from store.config import config_dir

SCRIPT = """
import sys
from tui.cli import main
from tui.board.screen import BoardScreen

def broken_help(self):
    raise RuntimeError("the help screen fell over")

BoardScreen.action_help = broken_help  # a bug behind the "?" key
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.tmux
def test_a_crash_in_a_real_terminal_ends_with_one_line_and_a_crash_log(
    terminal: Terminal, laptop, tmp_path: Path
) -> None:
    card = laptop.cli("add", "--company", "Acme", "--interviewed-at", "yesterday 14:00")
    assert card.code == 0, card.err
    script = tmp_path / "broken_app.py"
    script.write_text(SCRIPT)
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env |= laptop.env() | {"TERM": "xterm-256color", "PYTHONPATH": str(Path.cwd())}
    terminal.start([sys.executable, str(script), "--vault", str(laptop.vault)], env)
    terminal.wait_for("the board", lambda screen: "Acme" in screen)
    terminal.keys("?")
    assert terminal.exit_status() == 70
    screen = terminal.screen()
    log = config_dir() / "crash.log"
    said = [line for line in screen.splitlines() if "followup-tui:" in line]
    assert len(said) == 1, screen
    assert "unexpected error (RuntimeError: the help screen fell over)" in said[0]
    assert f"details in {log}." in said[0]
    assert "Traceback" not in screen and "broken_help" not in screen
    assert "in broken_help" in log.read_text()
