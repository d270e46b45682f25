"""`python -m bench transfer`: importing N spreadsheet rows, and the board opening on them.

Import figures sit beside a plain `csv.DictReader` pass over the same file, measured in the
same run: reading and checking the rows, a dry run (read + plan), and `--apply` (read, plan,
write every card, one encrypted write of the replica) into a fresh vault; then the whole
`followup-tui import --apply` command as a process beside a Python process that only runs
DictReader over the file. The board's first paint on a vault filled by the importer is timed
with `bench/tui_bench.py`'s launcher, beside its one-label Textual app.

It must never touch the user's config or vaults: everything lives in a temp folder.
"""

from __future__ import annotations

import csv
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.common import header, measure, row

COMPANIES = [
    "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries", "Wayne Enterprises",
    "Tyrell", "Cyberdyne", "Soylent", "Wonka", "Aperture", "Black Mesa", "Vandelay", "Dunder",
]  # fmt: skip
ROLES = ["Backend developer", "Data engineer", "SRE", "Frontend developer", "Staff engineer"]
STATUSES = [
    "Interviewed", "Thank you sent", "Waiting", "Awaiting response", "Followed up",
    "Rejected", "Ghosted", "Offer", "Withdrawn", "",
]  # fmt: skip
HEADER = [
    "Company",
    "Job Title",
    "Status",
    "Interview Date",
    "Recruiter",
    "E-mail",
    "Notes",
    "Tags",
]


def write_rows(path: Path, count: int, seed: int = 11) -> None:
    """A spreadsheet export of `count` applications, as messy as real ones are."""
    rng = random.Random(seed)
    start = date(2024, 1, 1)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for number in range(count):
            day = start + timedelta(days=rng.randint(0, 500))
            when = rng.choice(
                (day.isoformat(), f"{day:%m/%d/%Y} 2:30 PM", f"{day:%b} {day.day}, {day.year}")
            )
            person = rng.choice(["Ann Lee", "Bob Stone", "Cleo Park"])
            writer.writerow(
                [
                    f"{rng.choice(COMPANIES)} {number}",
                    rng.choice(ROLES),
                    rng.choice(STATUSES),
                    when,
                    f"{person}, Recruiter <{person.split()[0].lower()}@example.com>",
                    "jobs@example.com",
                    'Talked about on-call, the team, and "the rewrite"',
                    "remote, python",
                ]
            )


def dict_reader_pass(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


BASELINE_PROCESS = """
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as handle:
    print(sum(1 for _ in csv.DictReader(handle)))
"""


def process_seconds(args: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


CLI = "import sys; from tui.cli import main; sys.exit(main())"


def open_session(place: Any) -> Any:  # (bench.tui_bench.Place) -> store.session.Session
    """The bench device's session on a place, read with that place's own config dir."""
    import os

    from bench.tui_bench import PASSPHRASE
    from store.config import Config
    from store.vault.crypto import Vault
    from store.vault.session import Session

    saved = os.environ.get("FOLLOWUP_CONFIG_DIR")
    os.environ["FOLLOWUP_CONFIG_DIR"] = str(place.config_dir)
    try:
        config = Config.load()
    finally:
        if saved is None:
            os.environ.pop("FOLLOWUP_CONFIG_DIR", None)
        else:
            os.environ["FOLLOWUP_CONFIG_DIR"] = saved
    return Session.open(Vault.unlock(place.vault, PASSPHRASE), config)


def import_figures(n: int, path: Path, new_place: Callable[[], Any]) -> Any:
    """Rows of the import table for one file; returns the place the last --apply filled."""
    from store.cards.board import Board
    from store.transfer import importer

    base = measure(lambda: dict_reader_pass(path))
    row(f"read and check {n:,} rows", measure(lambda: importer.read_source(path)), base)

    def dry_run() -> None:
        importer.plan(Board("0123456789ab"), importer.read_source(path))

    row(f"dry run, {n:,} rows, empty vault", measure(dry_run), base)

    # --apply into a fresh vault each time (made outside the timing): a real session.
    state: dict[str, Any] = {}

    def new_vault() -> None:
        state["place"] = new_place()
        state["session"] = open_session(state["place"])

    def apply() -> None:
        source = importer.read_source(path)
        state["session"].change(lambda b: importer.apply(b, importer.plan(b, source)))

    applied = measure(apply, repeat=3, setup=new_vault)
    row(f"--apply, {n:,} rows (one encrypted write)", applied, base)
    filled, source = state["session"].board, importer.read_source(path)
    again = measure(lambda: importer.plan(filled, source))
    row(f"  plan a re-import onto those {n:,} cards", again, base)
    return state["place"]


def main(sizes: list[int]) -> None:
    from bench import tui_bench

    with tempfile.TemporaryDirectory(prefix="followup-bench-transfer-") as tmp:
        root = Path(tmp)
        files = {}
        for n in sizes:
            files[n] = root / f"rows-{n}.csv"
            write_rows(files[n], n)
        fresh = iter(range(10**6))

        def empty_place() -> tui_bench.Place:
            folder = root / f"vault-{next(fresh)}"
            folder.mkdir()
            return tui_bench.make_place(folder, 0)

        header("Import: spreadsheet rows into cards, beside csv.DictReader over the same file")
        places = {n: import_figures(n, files[n], empty_place) for n in sizes}

        header("`followup-tui import FILE --apply` as a process, beside a DictReader process")
        for n in sizes:
            place = empty_place()
            base = process_seconds([sys.executable, "-c", BASELINE_PROCESS, str(files[n])])
            command = [
                sys.executable, "-c", CLI, "--vault", str(place.vault),
                "import", str(files[n]), "--apply",
            ]  # fmt: skip
            took = process_seconds(command, place.env())
            row(f"import --apply, {n:,} rows (unlock included)", took, base)

        header("First painted board on an imported vault, beside the one-label Textual app")
        runs: dict[str, list[tui_bench.Launch]] = {"baseline": []}
        for n in sizes:
            runs[f"board-{n}"] = []
        for _ in range(tui_bench.ROUNDS):
            env = places[sizes[0]].env()
            runs["baseline"].append(tui_bench.launch(tui_bench.BASELINE_CHILD, [], env))
            for n in sizes:
                place = places[n]
                runs[f"board-{n}"].append(
                    tui_bench.launch(tui_bench.BOARD_CHILD, [str(place.vault)], place.env())
                )
        base_launch = tui_bench.median(runs["baseline"])
        row("one-label Textual app (baseline)", base_launch.seconds, base_launch.seconds)
        for n in sizes:
            board_launch = tui_bench.median(runs[f"board-{n}"])
            row(f"board, {n:,} imported cards", board_launch.seconds, base_launch.seconds)


if __name__ == "__main__":  # pragma: no cover
    main([1000, 10000])
