"""Crash safety: a writer killed (SIGKILL) at random moments never leaves a replica that fails
to open, and every write that had returned is still there.

The writer is a real process doing what the app does, `Session.change` in a loop (adding a
card, then moving and editing it), and it appends each card id to a side file only after
`change` returned. The kill lands anywhere: mid-encryption, mid-write, between fsync and
rename, during the folder fsync.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import PASSPHRASE, PROJECT_DIR

from store.config import Config
from store.files import TEMP_SUFFIX
from store.vault.crypto import Vault
from store.vault.session import Session

WRITER = r"""
import sys
from pathlib import Path
from store.config import Config
from store.vault.session import Session
from store.vault.crypto import Vault

vault_path, passphrase_file, done_file = sys.argv[1:4]
session = Session.open(Vault.unlock(Path(vault_path), Path(passphrase_file).read_text().strip()),
                       Config.load())
print("ready", flush=True)
with open(done_file, "a", encoding="utf-8") as done:
    n = 0
    while True:
        n += 1
        card_id = session.change(lambda b: b.add({"company": f"Co {n}", "notes": "x" * 200}))
        session.change(lambda b: b.move(card_id, "thanked"))
        session.change(lambda b: b.edit(card_id, {"notes": f"edited {n}"}))
        done.write(card_id + "\n")
        done.flush()
"""

KILLS = 12


def _writer(laptop, done: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, **laptop.env())
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(laptop.vault), str(laptop.password_file), str(done)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=PROJECT_DIR,
    )


def _open(laptop, vault: Vault) -> Session:
    with laptop.active():
        return Session.open(vault, Config.load())


def test_a_writer_killed_at_random_moments_loses_no_completed_write(make_laptop) -> None:
    laptop = make_laptop("a")
    done = laptop.vault.parent / "done.txt"
    done.touch()
    rng = random.Random(20261125)
    vault = Vault.unlock(laptop.vault, PASSPHRASE)
    for _ in range(KILLS):
        writer = _writer(laptop, done)
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        # Kill after a random number of completed rounds (not after a fixed time: a loaded
        # machine writes slower), then a random instant into the next write.
        target = len(done.read_text().split()) + rng.randint(5, 30)
        deadline = time.monotonic() + 120
        while len(done.read_text().split()) < target and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.03))
        writer.send_signal(signal.SIGKILL)
        writer.wait()

        session = _open(laptop, vault)
        assert not session.problems, session.problems
        assert session.writable
        completed = done.read_text().split()
        for card_id in completed:
            card = session.board.card(card_id)
            assert card.stage == "thanked" and card.notes.startswith("edited")
    completed = done.read_text().split()
    print(f"{len(completed) * 3} completed writes")
    assert len(completed) * 3 >= 200, "the writers should have made hundreds of writes"
    # A killed writer may leave a temp file behind; the next write sweeps it away.
    session = _open(laptop, vault)
    session.change(lambda board: board.add({"company": "After the crashes"}))
    leftovers = [p.name for p in laptop.vault.rglob("*") if p.name.endswith(TEMP_SUFFIX)]
    assert leftovers == []
