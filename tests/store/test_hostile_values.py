"""Values nobody planned for, met by the store itself: dates beyond any interview, files that
grow or never end, JSON nested absurdly deep, text that would drive a terminal, a passphrase
source that floods or hangs, and the first commands of a new laptop started at once.

Each must be a clear error (or harmless), must not hang or eat the memory, and must lose
nothing. The same inputs reaching a user through the CLI are in tests/cli/test_hostile_input.py.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import PROJECT_DIR

from store.cards.dates import parse_day, parse_when
from store.errors import BadValue, FollowupError
from store.untrusted import parse_json, printable, read_capped
from store.vault.passphrase import run_password_command

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "9999-12-31T23:59-05:00",
        "9999-12-31",
        "0001-01-01",
        "0001-01-01T00:00+05:00",
        "in 10000000000000000000000 days",
        "999999999 days ago",
        "in 100000 days",
    ],
)
def test_dates_beyond_the_years_people_interview_in_are_a_clear_error(typed: str) -> None:
    with pytest.raises(BadValue, match="out of range: use a year from 1900 to 2199"):
        parse_when(typed, now=NOW)


@pytest.mark.parametrize("typed", ["2026-02-30", "24:00", "today 24:00", "tomorrow 25pm", "😀"])
def test_impossible_dates_are_a_bad_value(typed: str) -> None:
    with pytest.raises(BadValue):
        parse_when(typed, now=NOW)


def test_a_promised_day_in_year_9999_is_out_of_range() -> None:
    with pytest.raises(BadValue, match="out of range"):
        parse_day("9999-01-01", now=NOW)


# --- files and text ---------------------------------------------------------------------------


def test_read_capped_stops_at_its_limit_even_when_the_file_grows(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 10)
    assert read_capped(path, 10) == b"x" * 10
    with pytest.raises(OSError) as caught:
        read_capped(path, 9)
    assert caught.value.errno == errno.EFBIG
    with pytest.raises(IsADirectoryError):
        read_capped(tmp_path, 10)


def test_json_nested_a_hundred_thousand_deep_is_a_decode_error() -> None:
    import json

    for text in ("[" * 100_000 + "]" * 100_000, "1" * 5000):
        with pytest.raises(json.JSONDecodeError):
            parse_json(text)


def test_printable_keeps_newlines_tabs_and_ordinary_unicode() -> None:
    text = "Zürich\tجامعة 🙂\nnext"
    assert printable(text) == text


# --- passphrase sources -----------------------------------------------------------------------


def test_a_password_command_that_floods_its_output_is_stopped() -> None:
    with pytest.raises(FollowupError, match="printed far more than a passphrase"):
        run_password_command("yes", timeout=30)


def test_a_password_command_that_hangs_is_stopped_with_its_children(tmp_path: Path) -> None:
    marker = tmp_path / "child-ran"
    command = f"sh -c 'sleep 30; touch {marker}'"
    with pytest.raises(FollowupError, match="did not finish within 1 seconds"):
        run_password_command(command, timeout=1)
    assert not marker.exists()


def test_a_password_command_that_leaves_a_child_running_still_gives_its_passphrase() -> None:
    assert run_password_command("sh -c 'echo secret; sleep 30 &'", timeout=20) == b"secret\n"


# --- several processes of one new device at once ----------------------------------------------


def test_first_commands_of_a_new_laptop_at_once_agree_on_one_device_id(tmp_path: Path) -> None:
    """Two shells on a fresh config: one device, not a second replica under an id nobody
    keeps."""
    env = {**os.environ, "FOLLOWUP_CONFIG_DIR": str(tmp_path / "config")}
    go = tmp_path / "go"
    code = (  # each says it is ready, then all start at one moment: when `go` appears
        "import pathlib, sys, time\n"
        "from store.config import Config\n"
        "pathlib.Path(sys.argv[1]).touch()\n"
        "deadline = time.monotonic() + 60\n"
        "while not pathlib.Path(sys.argv[2]).exists() and time.monotonic() < deadline:\n"
        "    time.sleep(0.001)\n"
        "print(Config.load().device_id)\n"
    )
    ready = [tmp_path / f"ready-{n}" for n in range(6)]
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(mark), str(go)],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.PIPE,
        )
        for mark in ready
    ]
    deadline = time.monotonic() + 60
    while not all(mark.exists() for mark in ready):
        assert time.monotonic() < deadline, "the shells never started"
        time.sleep(0.01)
    go.touch()
    ids = {run.communicate(timeout=60)[0].strip() for run in runs}
    assert len(ids) == 1
    assert ids.pop().decode() in (tmp_path / "config" / "config.yaml").read_text()
