"""`python -m bench cli`: each everyday command, as a script runs it, beside the unlock alone.

A command is the console script `followup-tui` run as a process with the passphrase in
`FOLLOWUP_PASSWORD_FILE`, timed from spawn to exit, its output read by the parent (a pipe, as
a script reads it). The baseline is the floor every such command has: a Python process that
starts and derives the vault's own Argon2id key (same parameters, same salt) and exits. The two
alternate, one baseline beside each command run, so a load that drifts hits both alike.

Commands: `list --json`, `show ID --json`, `due`, `due --count`, `move ID STAGE` (stages
alternate so every run writes). Children run with bytecode caching on, after one warm-up run
each; `FOLLOWUP_BENCH_CODE=DIR` runs another copy of the code (before/after on one machine).
It must never touch the user's config or vaults.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import header, row
from bench.tui_bench import PASSPHRASE, Place, make_place

ROUNDS = {1000: 9, 10000: 5}
DERIVE = """
import base64, json, sys
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
kdf = json.load(open(sys.argv[1]))["kdf"]
Argon2id(salt=base64.b64decode(kdf["salt"]), length=32, iterations=kdf["iterations"],
         lanes=kdf["lanes"], memory_cost=kdf["memory_kib"]).derive(sys.argv[2].encode())
"""


def child_env(place: Place) -> dict[str, str]:
    env = {k: v for k, v in place.env().items() if k not in ("PYTHONDONTWRITEBYTECODE",)}
    code = os.environ.get("FOLLOWUP_BENCH_CODE")
    if code:
        env["PYTHONPATH"] = str(Path(code).resolve())
    return env


def script() -> str:
    found = Path(sys.executable).with_name("followup-tui")
    return str(found) if found.exists() else "followup-tui"


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {done.stderr.decode(errors='replace')[-2000:]}")
    return seconds


def some_card(place: Place, env: dict[str, str], cwd: Path) -> str:
    out = subprocess.run(
        [script(), "list", "--json", "--stage", "waiting"],
        env=env,
        cwd=cwd,
        capture_output=True,
        check=True,
    )
    return json.loads(out.stdout)[0]["id"]


def main(sizes: list[int]) -> None:
    header("CLI commands (baseline: python start + the vault's own Argon2id derive)")
    with tempfile.TemporaryDirectory(prefix="followup-bench-cli-") as tmp:
        root = Path(tmp)
        for n in sizes:
            folder = root / f"cards-{n}"
            folder.mkdir()
            place = make_place(folder, n)
            env = child_env(place)
            card = some_card(place, env, root)
            stages = iter(["thanked", "waiting"] * 100)
            commands = {
                "list --json": lambda: [script(), "list", "--json"],
                "show ID --json": lambda c=card: [script(), "show", c, "--json"],
                "due": lambda: [script(), "due"],
                "due --count": lambda: [script(), "due", "--count"],
                "move ID STAGE": lambda c=card, s=stages: [script(), "move", c, next(s)],
            }
            has_count = (
                "--count"
                in subprocess.run(
                    [script(), "due", "--help"], env=env, cwd=root, capture_output=True, text=True
                ).stdout
            )
            if not has_count:  # before issue 10's `due --count`
                del commands["due --count"]
            derive = [sys.executable, "-c", DERIVE, str(place.vault / "vault.json"), PASSPHRASE]
            timed(derive, env, root)  # warm-up: caches written, files in the page cache
            for argv in commands.values():
                timed(argv(), env, root)
            base: list[float] = []
            runs: dict[str, list[float]] = {name: [] for name in commands}
            for _ in range(ROUNDS.get(n, 5)):
                for name, argv in commands.items():
                    base.append(timed(derive, env, root))
                    runs[name].append(timed(argv(), env, root))
            kept = kept_key_runs(env, root, commands, derive, ROUNDS.get(n, 5))
            floor = statistics.median(base)
            row(f"python start + Argon2id derive ({n:,} cards' vault)", floor, floor)
            for name, times in runs.items():
                row(f"followup-tui {name}, {n:,} cards", statistics.median(times), floor)
            for name, (times, kept_base) in kept.items():
                row(
                    f"  the same after `unlock` (key kept, no Argon2id): {name}",
                    statistics.median(times),
                    statistics.median(kept_base),
                )


def kept_key_runs(
    env: dict[str, str],
    root: Path,
    commands: dict[str, object],
    derive: list[str],
    rounds: int,
) -> dict[str, tuple[list[float], list[float]]]:
    """What `followup-tui unlock` saves: the read commands with the key kept in the kernel
    keyring and no passphrase given, beside the same baseline; the key is forgotten after."""
    probe = subprocess.run(
        [script(), "unlock", "--for", "10m"], env=env, cwd=root, capture_output=True, check=False
    )
    if probe.returncode != 0:  # before `unlock`, or no kernel keyring here
        return {}
    bare = {k: v for k, v in env.items() if not k.startswith("FOLLOWUP_PASSWORD")}
    chosen = [name for name in ("list --json", "due --count") if name in commands]
    found: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in chosen}
    try:
        for _ in range(rounds):
            for name in chosen:
                argv = commands[name]()  # type: ignore[operator]
                found[name][1].append(timed(derive, env, root))
                found[name][0].append(timed(argv, bare, root))
    finally:
        subprocess.run([script(), "lock"], env=env, cwd=root, capture_output=True, check=False)
    return found


if __name__ == "__main__":  # pragma: no cover
    main([1000, 10000])
