"""`python -m bench remind`: `due --count` and `remind` as a status bar and a timer run them.

Both are whole commands in a process of their own (what starship, tmux or the hourly timer
start), on a vault of 1,000 and 10,000 cards, beside the least any such command costs: a
`python -c` that derives the key with Argon2id and unlocks the same vault, nothing else.
- `due --count`: the number for a prompt (open the vault, read the templates, count);
- `remind`, the first run (every item due is new: each one is printed, as without a desktop)
  and a later run (nothing new: the log says everything was reminded).

It must never touch the user's config or vaults: everything lives in a temp folder, and the
commands see no session bus (reminders go to stdout, which is discarded).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import header, measure, row
from store.cards.board import Board
from store.cards.model import STAGES
from store.config import Config
from store.notes.templates import install_defaults
from store.vault.crypto import Vault
from store.vault.session import Session

PASSPHRASE = "bench passphrase"
ROOT = Path(__file__).resolve().parent.parent
CLI = "import sys, tui.cli; sys.exit(tui.cli.main())"
UNLOCK = "import sys; from store.vault.crypto import Vault; Vault.unlock(sys.argv[1], sys.argv[2])"


def fill(board: Board, count: int, seed: int = 5) -> None:
    """Cards as a long search leaves them: most closed, some waiting, a few just interviewed,
    some interviews ahead; a note sent on most."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    for number in range(count):
        when = now - timedelta(hours=rng.randint(-24 * 7, 24 * 300))
        card_id = board.add(
            {"company": f"Company {number}", "role": "Backend developer", "interviewed_at": when},
            at=min(when, now),
        )
        stage = rng.choice(STAGES)
        if stage != "interviewed" and when < now:
            board.log(card_id, "note_sent", at=when + timedelta(hours=5), template="thank-you")
            board.move(card_id, stage, outcome="rejected" if stage == "closed" else None)


def vault_of(root: Path, count: int) -> tuple[Path, dict[str, str]]:
    folder = root / f"vault-{count}"
    vault = Vault.create(folder, PASSPHRASE)
    install_defaults(folder)
    config_dir = root / f"config-{count}"
    config = Config("b0000000000a", "bench", vault=str(folder), path=config_dir / "config.yaml")
    config.save()
    session = Session(vault, config)
    fill(session.board, count)
    session.persist_if_changed()
    secret = root / "passphrase"
    secret.write_text(PASSPHRASE + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "FOLLOWUP_"))}
    env.update(
        FOLLOWUP_CONFIG_DIR=str(config_dir),
        FOLLOWUP_PASSWORD_FILE=str(secret),
        XDG_RUNTIME_DIR=str(root / "no-runtime"),  # no session bus: reminders are printed
    )
    return folder, env


def run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=True)


def bench_size(root: Path, count: int) -> None:
    folder, env = vault_of(root, count)
    unlock = measure(lambda: run([sys.executable, "-c", UNLOCK, str(folder), PASSPHRASE], env), 3)
    command = [sys.executable, "-c", CLI, "--vault", str(folder)]
    counted = measure(lambda: run([*command, "due", "--count"], env), 3)
    row(f"due --count, {count:,} cards", counted, unlock)
    log = Path(env["FOLLOWUP_CONFIG_DIR"]) / "reminders.json"
    forget = lambda: log.unlink(missing_ok=True)  # noqa: E731
    first = measure(lambda: run([*command, "remind"], env), 3, setup=forget)
    row(f"remind, first run (all new), {count:,} cards", first, unlock)
    later = measure(lambda: run([*command, "remind"], env), 3)
    row(f"remind, a later run (nothing new), {count:,} cards", later, unlock)


def main(sizes: list[int]) -> None:
    header("due --count and remind, whole commands (baseline: python -c + Argon2id unlock)")
    with tempfile.TemporaryDirectory(prefix="followup-bench-") as temp:
        for count in sizes:
            bench_size(Path(temp), count)


if __name__ == "__main__":
    main([1000, 10000])
