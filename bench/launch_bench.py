"""`python -m bench launch`: launch → first painted board, as a user starts it, in a real terminal.

The console script `followup-tui` runs in a tmux pane of 120x36 (bench/terminal.py) and the
clock stops when the board's last column title, with its count, is on the terminal: the board
is painted with its cards. Beside each launch, in the same run and the same way, the baseline:
a Textual app that paints one label. Two ways to give the passphrase:
- `FOLLOWUP_PASSWORD_FILE`: nothing to type, the unlock starts before the app loads;
- typed: the unlock screen, then the passphrase typed and enter; the time is launch → prompt
  on screen plus enter → board on screen (the typing itself is not counted).
Also the peak memory (VmHWM) of the board with the most cards, Argon2id's 64 MiB included.

Children run with bytecode caching on (as an installed app does: pip compiles it), and one
warm-up launch of each kind comes first (it writes the caches). `FOLLOWUP_BENCH_CODE=DIR` runs
another copy of the code (e.g. a `git archive` of main) in the children, for before/after
figures on one machine. It must never touch the user's config or vaults.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.common import header, row
from bench.terminal import Painted, Tmux
from bench.tui_bench import PASSPHRASE, Place, make_place

ROUNDS = 7
BASELINE_TEXT = "followup-tui baseline"
BASELINE_APP = f"""
from textual.app import App, ComposeResult
from textual.widgets import Label

class OneLabel(App[None]):
    def compose(self) -> ComposeResult:
        yield Label({BASELINE_TEXT!r})

OneLabel().run()
"""
PROMPT_TEXT = "Unlock your board"


def child_env(place: Place | None, typed: bool = False) -> dict[str, str]:
    """What a user's shell would hand the app: its few usual variables, our FOLLOWUP_ ones,
    bytecode caching on (`typed`: no passphrase in the environment)."""
    keep = ("HOME", "PATH", "LANG", "LC_ALL", "USER", "LOGNAME", "TMPDIR")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(TERM="xterm-256color", COLORTERM="truecolor")
    code = os.environ.get("FOLLOWUP_BENCH_CODE")
    if code:
        env["PYTHONPATH"] = str(Path(code).resolve())
    if place is not None:
        env.update({k: v for k, v in place.env().items() if k.startswith("FOLLOWUP_")})
        if typed:
            del env["FOLLOWUP_PASSWORD_FILE"]
    return env


def closed_title(place: Place) -> str:
    """The last column's title as the board paints it ("Closed  665"): the board is up."""
    from store.cards.board import Board
    from store.vault.crypto import Vault
    from store.vault.replica import read_replica

    vault = Vault.unlock(place.vault, PASSPHRASE)
    board = Board("b0000000000a")
    for path in sorted((place.vault / "replicas").iterdir()):
        board.merge(read_replica(vault, path, None))
    closed = sum(1 for card in board.all() if card.stage == "closed")
    return f"Closed  {closed}"


def keep_keys(places: dict[int, Place]) -> list[int]:
    """Run `followup-tui unlock` for each board (the sizes where it worked)."""
    done = []
    for n, place in places.items():
        unlocked = subprocess.run(
            [script(), "unlock", "--for", "15m"], env=child_env(place), capture_output=True
        )
        if unlocked.returncode == 0:
            done.append(n)
    return done


def board_kept(tmux: Tmux, place: Place, title: str) -> Callable[[], Painted]:
    def launch() -> Painted:
        with tmux.pane([script()], child_env(place, typed=True), place.vault.parent) as pane:
            start = pane.go()
            seconds = pane.wait_for(title) - start
            return Painted(seconds, pane.peak_mib())

    return launch


def script() -> str:
    found = Path(sys.executable).with_name("followup-tui")
    return str(found) if found.exists() else shutil.which("followup-tui") or "followup-tui"


def main(sizes: list[int]) -> None:
    if shutil.which("tmux") is None:
        header("Launch → first painted board, in a real terminal (tmux 120x36)")
        print("  skipped: tmux is not installed (apt-get install tmux)")
        return
    with tempfile.TemporaryDirectory(prefix="followup-bench-launch-") as tmp:
        root = Path(tmp)
        places: dict[int, Place] = {}
        titles: dict[int, str] = {}
        for n in sizes:
            folder = root / f"cards-{n}"
            folder.mkdir()
            places[n] = make_place(folder, n)
            titles[n] = closed_title(places[n])
        baseline_file = root / "one_label.py"
        baseline_file.write_text(BASELINE_APP)
        with Tmux(root) as tmux:

            def baseline() -> Painted:
                argv = [sys.executable, str(baseline_file)]
                with tmux.pane(argv, child_env(None), root) as pane:
                    start = pane.go()
                    seconds = pane.wait_for(BASELINE_TEXT) - start
                    return Painted(seconds, pane.peak_mib())

            def board(n: int, typed: bool) -> Callable[[], Painted]:
                place = places[n]

                def launch() -> Painted:
                    with tmux.pane([script()], child_env(place, typed), root) as pane:
                        start = pane.go()
                        if not typed:
                            seconds = pane.wait_for(titles[n]) - start
                            return Painted(seconds, pane.peak_mib())
                        prompt = pane.wait_for(PROMPT_TEXT) - start
                        pane.type(PASSPHRASE)
                        entered = pane.press("Enter")
                        seconds = prompt + pane.wait_for(titles[n]) - entered
                        return Painted(seconds, pane.peak_mib())

                return launch

            subjects: dict[tuple[int, bool | None], Callable[[], Painted]] = {
                (n, typed): board(n, typed) for n in sizes for typed in (False, True)
            }
            # Warm-up: every kind once (bytecode caches written, files in the page cache).
            baseline()
            for launch in subjects.values():
                launch()
            base: list[Painted] = []
            runs: dict[tuple[int, bool | None], list[Painted]] = {key: [] for key in subjects}

            def measure(kinds: dict[tuple[int, bool | None], Callable[[], Painted]]) -> None:
                for _ in range(ROUNDS):
                    for key, launch in kinds.items():
                        base.append(baseline())  # one baseline beside every launch: load drifts
                        runs.setdefault(key, []).append(launch())

            measure(subjects)
            # Then `followup-tui unlock` (the typed launches above would find the key kept):
            # the board with no Argon2id and nothing typed.
            kept = keep_keys(places)
            try:
                measure({(n, None): board_kept(tmux, places[n], titles[n]) for n in kept})
            finally:
                for n in kept:
                    subprocess.run(
                        [script(), "lock"], env=child_env(places[n]), capture_output=True
                    )

    base_seconds = statistics.median(p.seconds for p in base)
    header("Launch → first painted board, in a real terminal (tmux 120x36; console script)")
    row("one-label Textual app (baseline)", base_seconds, base_seconds)
    for (n, typed), launches in runs.items():
        how = "passphrase typed (typing not counted)" if typed else "FOLLOWUP_PASSWORD_FILE"
        if typed is None:
            how = "after `unlock` (key kept, nothing typed)"
        seconds = statistics.median(p.seconds for p in launches)
        row(f"board, {n:,} cards, {how}", seconds, base_seconds)
    largest = max(sizes)
    peak = statistics.median(p.peak_mib for p in runs[(largest, False)])
    base_peak = statistics.median(p.peak_mib for p in base)
    row(f"peak memory (VmHWM), board with {largest:,} cards", peak, base_peak, "MiB")
    if os.environ.get("FOLLOWUP_BENCH_JSON"):
        print(
            json.dumps(
                {
                    "baseline": [p.seconds for p in base],
                    **{
                        f"{n}-{'kept' if t is None else 'typed' if t else 'file'}": [
                            p.seconds for p in v
                        ]
                        for (n, t), v in runs.items()
                    },
                }
            )
        )


if __name__ == "__main__":  # pragma: no cover
    main([1000, 10000])
