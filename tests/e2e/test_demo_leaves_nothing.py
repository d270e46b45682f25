"""`followup-tui demo` in a real terminal (issue 11, item 16): the board on sample cards with no
question asked, nothing written to the user's config, and its temp folder removed however it
ends: `q`, SIGTERM, or the terminal closing (SIGHUP)."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest
from terminal import alive

pytestmark = pytest.mark.tmux

COMPANIES = ("Acme Robotics", "Initech", "Hooli", "Soylent")


def demo_env(tmp_path: Path) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL")
    env = {k: v for k, v in os.environ.items() if k in keep}
    (tmp_path / "tmp").mkdir()
    return env | {
        "TERM": "xterm-256color",
        "TMPDIR": str(tmp_path / "tmp"),
        "FOLLOWUP_CONFIG_DIR": str(tmp_path / "my-config"),  # the user's: must stay untouched
        "FOLLOWUP_PASSWORD_FILE": str(tmp_path / "no-such-file"),  # never read by the demo
    }


def demo_folders(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "tmp").glob("followup-demo-*"))


def start(terminal, tmp_path: Path, size: tuple[int, int] = (120, 36)) -> str:
    terminal.columns, terminal.lines = size
    command = [str(Path(sys.executable).parent / "followup-tui"), "demo"]
    terminal.start(command, demo_env(tmp_path))
    return terminal.wait_for("the sample board", lambda s: all(c in s for c in COMPANIES[1:]))


def wait_until_gone(tmp_path: Path) -> None:
    deadline = time.monotonic() + 60
    while demo_folders(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert demo_folders(tmp_path) == [], "the demo left its folder behind"


def app_pid(terminal) -> int:
    """The demo's own process: the child of the shell that runs it in the pane."""
    shell = int(terminal.run("display-message", "-p", "-t", "main", "#{pane_pid}").strip())
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    pytest.fail("the demo's process did not start")


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_the_demo_shows_a_sample_board_and_quitting_removes_it(terminal, tmp_path, size) -> None:
    screen = start(terminal, tmp_path, size)
    assert "Passphrase" not in screen and "passphrase" not in screen
    assert len(demo_folders(tmp_path)) == 1
    terminal.keys("q")
    assert terminal.exit_status() == 0
    wait_until_gone(tmp_path)
    assert not (tmp_path / "my-config").exists()  # nothing written to the user's config


def test_sigterm_ends_the_demo_and_removes_its_folder(terminal, tmp_path) -> None:
    start(terminal, tmp_path)
    os.kill(app_pid(terminal), signal.SIGTERM)
    terminal.exit_status()
    wait_until_gone(tmp_path)
    assert not (tmp_path / "my-config").exists()


def test_closing_the_terminal_ends_the_demo_and_removes_its_folder(terminal, tmp_path) -> None:
    start(terminal, tmp_path)
    pid = app_pid(terminal)
    terminal.run("kill-server")  # the window closes: SIGHUP, and the pty is gone
    wait_until_gone(tmp_path)
    deadline = time.monotonic() + 30
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    still = alive(pid)
    if still:
        os.kill(pid, signal.SIGKILL)  # the process this test started, by its id
    assert not still, "the demo kept running after its terminal was closed"
