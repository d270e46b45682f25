"""`followup-tui` with no command opens the board without loading any command's module."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tui.cli import COMMAND_MODULES, board_launch, build_parser


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
