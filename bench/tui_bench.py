"""`python -m bench tui`: launch to first painted board, beside a one-label Textual app.

Each launch is a fresh Python process (imports, unlock, decrypt, merge, first paint), run
headless at 120x36, that prints a line the moment its first screen is painted and exits; the
parent times spawn to that line and reads the child's peak memory (ru_maxrss) from `wait4`.
Runs alternate between the board and the baseline so both see the same machine load.
Vaults are made with the store API in a temp folder: N cards spread over the five stages,
most of them closed, as a long job search leaves them.

It must never touch the user's config or vaults: every child gets a temp config dir.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import header, row

PASSPHRASE = "bench passphrase, not a secret"
SIZE = (120, 36)
ROUNDS = 5
PAINTED = "PAINTED"
CHILD_TIMEOUT = 300  # seconds
# Where a search of N applications ends up: most of them closed long ago.
STAGE_SHARE = {
    "interviewed": 0.08,
    "thanked": 0.08,
    "waiting": 0.10,
    "followed-up": 0.09,
    "closed": 0.65,
}
COMPANIES = [
    "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries", "Wayne Enterprises",
    "Tyrell", "Cyberdyne", "Soylent", "Wonka", "Aperture", "Black Mesa", "Vandelay", "Dunder",
]  # fmt: skip
ROLES = ["Backend developer", "Data engineer", "SRE", "Frontend developer", "Staff engineer"]
OUTCOMES = ["rejected", "no-answer", "withdrew", "offer"]


# --- the vaults -------------------------------------------------------------------------------


@dataclass
class Place:
    """A vault and the config dir of the device that opens it."""

    vault: Path
    config_dir: Path
    password_file: Path

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWUP_")}
        env.update(
            FOLLOWUP_CONFIG_DIR=str(self.config_dir),
            FOLLOWUP_PASSWORD_FILE=str(self.password_file),
            FOLLOWUP_DATA_DIR=str(self.config_dir.parent / "data"),
        )
        return env


def make_place(root: Path, cards: int, seed: int = 7) -> Place:
    """A vault holding `cards` cards, made through the store like the app would make them."""
    from store.config import CONFIG_FILE, Config, new_device_id
    from store.vault.crypto import Vault
    from store.vault.session import Session

    place = Place(root / "vault", root / "config", root / "passphrase")
    place.password_file.write_text(PASSPHRASE + "\n")
    config = Config(
        device_id=new_device_id(),
        device_name="bench-laptop",
        vault=str(place.vault),
        path=place.config_dir / CONFIG_FILE,
    )
    config.save()
    session = Session.open(Vault.create(place.vault, PASSPHRASE), config)
    rng = random.Random(seed)
    now = datetime.now(UTC)
    stages = list(STAGE_SHARE)
    weights = list(STAGE_SHARE.values())

    def add_all(board) -> None:  # store.board.Board
        for number in range(cards):
            stage = rng.choices(stages, weights)[0]
            company = f"{rng.choice(COMPANIES)} {number}"
            fields = {
                "company": company,
                "role": rng.choice(ROLES),
                "stage": stage,
                "interviewed_at": now
                - timedelta(days=rng.randint(0, 400), hours=rng.randint(0, 9)),
                "tags": rng.sample(["remote", "python", "startup", "referral", "onsite"], 2),
                "key_points": ["Team of six, owns the billing pipeline"],
            }
            if stage == "closed":
                fields["outcome"] = rng.choice(OUTCOMES)
            board.add(fields)

    session.change(add_all)
    return place


# --- the children -----------------------------------------------------------------------------

BASELINE_CHILD = f"""
from textual.app import App, ComposeResult
from textual.widgets import Label

class OneLabel(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("followup-tui")

    def on_mount(self) -> None:
        self.call_after_refresh(self.painted)

    def painted(self) -> None:
        print({PAINTED!r}, flush=True)
        self.exit()

OneLabel().run(headless=True, size={SIZE!r})
"""

# The board counts as painted at the first layout refresh of the mounted board screen: Textual
# publishes `screen_layout_refresh_signal` right after the compositor has rendered the screen
# (headless skips only turning that render into escape codes). The app is started as `run()`
# starts it; the passphrase comes from FOLLOWUP_PASSWORD_FILE, so the unlock screen only unlocks.
BOARD_CHILD = f"""
import inspect
import sys
from pathlib import Path
from tui.app import FollowupApp
from tui.board.screen import BoardScreen

def beside_app(path):  # the app's stylesheet, found from here as it is from tui/app.py
    return Path(inspect.getfile(FollowupApp)).parent / path

class TimedApp(FollowupApp):
    CSS_PATH = (
        [beside_app(p) for p in FollowupApp.CSS_PATH]
        if isinstance(FollowupApp.CSS_PATH, list)
        else beside_app(FollowupApp.CSS_PATH)
    )

    def on_mount(self) -> None:  # runs before FollowupApp.on_mount (Textual walks the MRO)
        self.screen_change_signal.subscribe(self, screen_changed, immediate=True)

app = TimedApp(vault=sys.argv[1], cursor_blink=False)
reported = []

def painted(screen) -> None:
    if screen.is_mounted and not reported:
        reported.append(screen)
        print({PAINTED!r}, flush=True)
        app.exit()

def screen_changed(screen) -> None:
    if isinstance(screen, BoardScreen):
        screen.screen_layout_refresh_signal.subscribe(app, painted, immediate=True)

app.run(headless=True, size={SIZE!r})
"""

# The same, launched as the console script runs it: `tui.cli.main` reads the arguments (and
# imports what a launch of the board needs), then `tui.app.run` builds the app by its name.
COMMAND_CHILD = f"""
import inspect
import sys
from pathlib import Path
import tui.app
from tui.board.screen import BoardScreen

def beside_app(path):  # the app's stylesheet, found from here as it is from tui/app.py
    return Path(inspect.getfile(tui.app.FollowupApp)).parent / path

class TimedApp(tui.app.FollowupApp):
    CSS_PATH = (
        [beside_app(p) for p in tui.app.FollowupApp.CSS_PATH]
        if isinstance(tui.app.FollowupApp.CSS_PATH, list)
        else beside_app(tui.app.FollowupApp.CSS_PATH)
    )

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, screen_changed, immediate=True)

    def run(self, *args, **kwargs):
        return super().run(headless=True, size={SIZE!r})

reported = []

def painted(screen) -> None:
    if screen.is_mounted and not reported:
        reported.append(screen)
        print({PAINTED!r}, flush=True)
        screen.app.exit()

def screen_changed(screen) -> None:
    if isinstance(screen, BoardScreen):
        screen.screen_layout_refresh_signal.subscribe(screen.app, painted, immediate=True)

tui.app.FollowupApp = TimedApp
from tui.cli import main
sys.exit(main(["--vault", sys.argv[1]]))
"""

OPEN_ONLY_CHILD = f"""
import sys
from tui.cli.context import open_session

session = open_session(sys.argv[1])
assert len(session.board.cards) >= 0
print({PAINTED!r}, flush=True)
"""


# A small process that starts one child and reports on it. The child's peak RSS counts the
# memory of the process it was forked from (Linux keeps the high-water mark across exec), so
# the bench's own, possibly large, process must not be that parent.
LAUNCHER = f"""
import json, os, subprocess, sys, threading, time

start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
watchdog = threading.Timer({CHILD_TIMEOUT}, child.kill)  # a child that never paints must not hang
watchdog.daemon = True
watchdog.start()
seconds = None
for line in child.stdout:
    if line.strip() == {PAINTED!r}:
        seconds = time.perf_counter() - start
        break
child.stdout.read()
errors = child.stderr.read()
_, status, usage = os.wait4(child.pid, 0)
watchdog.cancel()
code = os.waitstatus_to_exitcode(status)
print(json.dumps({{"seconds": seconds, "peak_kib": usage.ru_maxrss, "code": code, "errors": errors}}))
"""


@dataclass
class Launch:
    seconds: float
    peak_mib: float


def launch(code: str, args: list[str], env: dict[str, str]) -> Launch:
    """Run one child; the time is spawn to its PAINTED line, the memory its peak RSS."""
    result = subprocess.run(
        [sys.executable, "-c", LAUNCHER, sys.executable, "-c", code, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise RuntimeError(f"benchmark launcher failed: {result.stderr.strip()[-2000:]}") from None
    if report["seconds"] is None or report["code"] != 0:
        raise RuntimeError(
            f"benchmark child failed ({report['code']}): {report['errors'].strip()[-2000:]}"
        )
    return Launch(report["seconds"], report["peak_kib"] / 1024)  # Linux reports KiB


def median(launches: list[Launch]) -> Launch:
    return Launch(
        statistics.median(x.seconds for x in launches),
        statistics.median(x.peak_mib for x in launches),
    )


def main(sizes: list[int]) -> None:
    sizes = sorted({0, *sizes})
    largest = sizes[-1]
    with tempfile.TemporaryDirectory(prefix="followup-bench-tui-") as tmp:
        places: dict[int, Place] = {}
        for n in sizes:
            root = Path(tmp) / f"cards-{n}"
            root.mkdir()
            places[n] = make_place(root, n)
        baseline_env = places[0].env()
        runs: dict[str, list[Launch]] = {"baseline": [], "open": [], "command": []}
        for n in sizes:
            runs[f"board-{n}"] = []
        for _ in range(ROUNDS):
            runs["baseline"].append(launch(BASELINE_CHILD, [], baseline_env))
            for n in sizes:
                place = places[n]
                runs[f"board-{n}"].append(launch(BOARD_CHILD, [str(place.vault)], place.env()))
            empty = places[0]
            runs["command"].append(launch(COMMAND_CHILD, [str(empty.vault)], empty.env()))
            big = places[largest]
            runs["open"].append(launch(OPEN_ONLY_CHILD, [str(big.vault)], big.env()))
        base = median(runs["baseline"])

    header(f"TUI start-up: launch to first painted board (headless {SIZE[0]}x{SIZE[1]})")
    row("one-label Textual app (baseline)", base.seconds, base.seconds)
    for n in sizes:
        board = median(runs[f"board-{n}"])
        row(f"board, {n:,} cards", board.seconds, base.seconds)
    command = median(runs["command"])
    row("board, 0 cards, as `followup-tui --vault PATH`", command.seconds, base.seconds)
    opened = median(runs["open"])
    row(f"vault only, no UI (start, unlock, merge), {largest:,}", opened.seconds, base.seconds)
    board = median(runs[f"board-{largest}"])
    row(
        f"peak memory (ru_maxrss), board with {largest:,} cards",
        board.peak_mib,
        base.peak_mib,
        "MiB",
    )


if __name__ == "__main__":  # pragma: no cover
    main([1000, 10000])
