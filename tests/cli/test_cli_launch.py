"""`followup-tui` with no command opens the board without loading any command's module."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest

from tui.cli import board_launch, build_parser
from tui.cli.commands import COMMAND_MODULES


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--vault", "v"],
        ["--vault=v"],
        ["--device-name", "my laptop", "--vault", "a", "--vault=b"],
    ],
)
def test_a_board_launch_reads_as_the_full_parser_reads_it(argv: list[str]) -> None:
    fast, full = board_launch(argv), build_parser().parse_args(argv)
    assert fast is not None
    for name in ("command", "vault", "device_name"):
        assert getattr(fast, name) == getattr(full, name)


@pytest.mark.parametrize(
    "argv",
    [["list"], ["--vault"], ["--vault", "-h"], ["-h"], ["--va", "x"], ["--vault", "v", "due"]],
)
def test_anything_but_a_board_launch_goes_to_the_full_parser(argv: list[str]) -> None:
    assert board_launch(argv) is None


def test_opening_the_board_imports_no_command_module(tmp_path) -> None:
    script = f"""
import sys
import tui.app
tui.app.run = lambda vault: print(vault) or 0  # the board itself is not the point here
from tui.cli import main
code = main(["--vault", {str(tmp_path)!r}])
print(sorted(m for m in {COMMAND_MODULES!r} if m in sys.modules))
sys.exit(code)
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWUP_")}
    env |= {"FOLLOWUP_CONFIG_DIR": str(tmp_path / "config"), "FOLLOWUP_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, env=env
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(tmp_path), "[]"]


def test_a_command_gives_back_the_board_it_froze_while_open(laptop) -> None:
    import gc

    assert laptop.cli("add", "--company", "Acme").code == 0
    assert laptop.cli("list").code == 0
    assert gc.get_freeze_count() == 0 and gc.isenabled()


RUN = """
import atexit, sys, threading, time
atexit.register(lambda: print("exit handler ran", file=sys.stderr))
import tui.cli
if "--stay" in sys.argv:  # a thread of ours that is not a daemon, still running as main ends
    sys.argv.remove("--stay")
    returned, real_main = threading.Event(), tui.cli.main

    def main(*args, **kwargs):
        try:
            return real_main(*args, **kwargs)
        finally:
            returned.set()

    def stay():
        returned.wait()
        time.sleep(0.2)
        print("the thread finished", file=sys.stderr, flush=True)

    tui.cli.main = main
    threading.Thread(target=stay, daemon=False).start()
sys.argv[0] = "followup-tui"
tui.cli.run()
"""


def _run(laptop, *args: str) -> subprocess.CompletedProcess[str]:
    """The console script's way in (`tui.cli.run`), in a fresh Python."""
    env = dict(os.environ, **laptop.env())
    return subprocess.run(
        [sys.executable, "-c", RUN, *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_a_command_leaving_at_once_still_writes_everything_and_runs_the_exit_handlers(
    laptop,
) -> None:
    """`run` skips the interpreter's teardown after a command: its output, its exit status
    and the exit handlers (which remove the copies of opened attachments) are as they were."""
    import json

    for number in range(3):  # some 90 KB of JSON: more than a pipe holds at once
        assert laptop.cli("add", "--company", f"Acme {number}", "--notes", "x" * 30_000).code == 0
    done = _run(laptop, "list", "--json")
    assert done.returncode == 0, done.stderr
    assert len(done.stdout) > 90_000
    assert len(json.loads(done.stdout)) == 3  # every byte of a long output, to a pipe
    assert done.stderr.count("exit handler ran") == 1
    failed = _run(laptop, "show", "no-such-card")
    assert failed.returncode == 1
    assert "No card" in failed.stderr and failed.stderr.count("exit handler ran") == 1
    waited = _run(laptop, "--stay", "list")  # the usual way out, which waits for the thread
    assert waited.returncode == 0 and waited.stderr.count("exit handler ran") == 1
    assert "the thread finished" in waited.stderr


def _run_with(laptop, streams: dict[str, Any], *args: str) -> subprocess.CompletedProcess[str]:
    """`_run`, with the child's standard streams as `streams` says (`closed`: an fd to close)."""
    closed = streams.pop("closed", None)
    return subprocess.run(
        [sys.executable, "-c", RUN, *args],
        text=True,
        env=dict(os.environ, **laptop.env()),
        timeout=120,
        preexec_fn=None if closed is None else lambda: os.close(closed),
        **streams,
    )


def test_a_command_whose_output_is_refused_ends_as_before(laptop) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here: a disk with no room left is what it stands for")
    assert laptop.cli("add", "--company", "Acme").code == 0
    with open("/dev/full", "w") as full:  # a disk with no room left
        done = _run_with(laptop, {"stdout": full, "stderr": subprocess.PIPE}, "list")
    assert done.returncode == 1
    assert "cannot write the output" in done.stderr


def test_a_command_started_with_its_streams_closed_ends_as_before(laptop) -> None:
    """Started with `2>&-` (no stderr at all), a command that did its work exits 0; with
    `>&-`, a list with nowhere to go is one line, exit 1."""
    no_stderr = {"stdout": subprocess.PIPE, "stderr": subprocess.DEVNULL, "closed": 2}
    assert _run_with(laptop, no_stderr, "add", "--company", "Acme").returncode == 0
    assert laptop.cli("list").out.count("Acme") == 1
    no_output = _run_with(laptop, {"stderr": subprocess.PIPE, "closed": 1}, "list")
    assert no_output.returncode == 1
    assert "cannot write the output" in no_output.stderr
    assert "Traceback" not in no_output.stderr


def test_a_command_runs_with_the_collector_paused_and_gives_it_back(laptop, monkeypatch) -> None:
    """A command's bursts of objects hold no cycles: the collector waits until it is done.
    `sync --watch` runs until it is stopped, and keeps it."""
    import gc

    import tui.cli.cards
    import tui.cli.sync_commands

    seen: list[tuple[str, bool]] = []

    def recording(name: str):
        def command(args) -> int:
            seen.append((name, gc.isenabled()))
            return 0

        return command

    monkeypatch.setattr(tui.cli.cards, "cmd_list", recording("list"))
    monkeypatch.setattr(tui.cli.sync_commands, "cmd_sync", recording("sync"))
    assert gc.isenabled()
    for args in [("list",), ("sync",), ("sync", "--watch"), ("sync", "--wat")]:
        assert laptop.cli(*args).code == 0, args
        assert gc.isenabled(), args
    # (`--wat`: an abbreviation argparse reads as --watch)
    assert seen == [("list", False), ("sync", False), ("sync", True), ("sync", True)]
    assert laptop.cli("list", "--no-such-option").code == 2  # refused by the parser
    assert gc.isenabled()
