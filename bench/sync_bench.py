"""How fast a change from another laptop reaches the board.

1. In one folder: a replica file lands (written whole, then renamed in, as Syncthing does) and
   we time until the board's state holds the change and our replica is saved, at each size.
   Beside it, in the same run and for the same writes, a bare `watchfiles` watcher on the same
   folder: the floor set by file events alone.
2. End to end through two real Syncthing daemons on loopback: a card edited on laptop A until
   B's board holds it, beside Syncthing carrying a plain file of the same size from A to B.

Each figure is a median of many runs. Nothing here is asserted; people read the ratios.
"""

from __future__ import annotations

import os
import queue
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import watchfiles

from bench.common import header, row
from store.config import Config
from store.files import atomic_write
from store.vault.crypto import Vault
from sync.folder import SyncedSession, open_folder
from sync.loop import apply_changes, save_merged
from sync.watcher import Change, FolderWatcher, Timing, watch_in_thread

PASSPHRASE = "bench passphrase"
TIMEOUT = 60.0
STEP_MS = Timing().step_ms


def config_for(base: Path, name: str) -> Config:
    folder = base / f"config-{name}"
    folder.mkdir(parents=True, exist_ok=True)
    return Config(device_id=secrets.token_hex(6), device_name=name, path=folder / "config.yaml")


class Board:
    """A device's board kept merged by its watcher; the caller's thread applies, as the app's does."""

    def __init__(self, session: SyncedSession) -> None:
        self.session = session
        self.batches: queue.Queue[list[Change]] = queue.Queue()
        self.stop = threading.Event()
        # As the app's watcher: it reads each file on from where the session's reads got to.
        watching = (
            {"positions": session.read_positions} if hasattr(session, "read_positions") else {}
        )
        self.watcher = FolderWatcher(
            session.vault, session.device, session.read_signatures, **watching
        )
        self.thread = watch_in_thread(self.watcher, self.batches.put, self.stop)
        if not self.watcher.ready.wait(TIMEOUT):
            raise RuntimeError("the folder watcher did not start")

    def until(self, done: Callable[[], bool]) -> tuple[float, float]:
        """Apply batches as the board does (merge, show, then save) until `done()`.

        Returns the moments (perf_counter) the board held the change and our replica did.
        """
        deadline = time.monotonic() + TIMEOUT
        while not done():
            if time.monotonic() > deadline:
                raise RuntimeError("the board never got the change")
            try:
                batch = self.batches.get(timeout=0.5)
            except queue.Empty:
                continue
            applied = apply_changes(self.session, batch, save=False)
            if not done():
                save_merged(self.session, applied)
        shown = time.perf_counter()
        save_merged(self.session)
        return shown, time.perf_counter()

    def settle(self, quiet: float = 0.3) -> None:
        while True:
            try:
                batch = self.batches.get(timeout=quiet)
            except queue.Empty:
                return
            apply_changes(self.session, batch)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(TIMEOUT)


class BareWatcher:
    """Only `watchfiles`, same settings: when did an event for a name first arrive after t0?"""

    def __init__(self, folder: Path) -> None:
        self.events: list[tuple[float, str]] = []
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, args=(folder,), daemon=True)
        self.thread.start()
        if not self.ready.wait(TIMEOUT):
            raise RuntimeError("the bare watcher did not start")

    def _run(self, folder: Path) -> None:
        for changes in watchfiles.watch(
            folder,
            watch_filter=None,
            step=STEP_MS,
            rust_timeout=100,
            yield_on_timeout=True,
            stop_event=self.stop,
            recursive=False,
        ):
            now = time.perf_counter()
            self.ready.set()
            with self.lock:
                self.events.extend((now, Path(p).name) for _, p in changes)

    def seen(self, name: str, after: float) -> float:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            with self.lock:
                hits = [t for t, n in self.events if n == name and t >= after]
            if hits:
                return min(hits)
            time.sleep(0.002)
        raise RuntimeError(f"the bare watcher never saw {name}")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(TIMEOUT)


def add_cards(session: SyncedSession, count: int) -> list[str]:
    return session.change(
        lambda board: [
            board.add({"company": f"Company {i}", "role": "Engineer", "tags": ["bench"]})
            for i in range(count)
        ]
    )


def land(source: bytes, target: Path) -> float:
    """Syncthing's way: the temp file whole, delete the old file, rename. Returns t0."""
    temp = target.with_name(f".syncthing.{target.name}.tmp")
    temp.write_bytes(source)
    start = time.perf_counter()
    target.unlink(missing_ok=True)
    os.rename(temp, target)
    return start


# --- 1. one folder ------------------------------------------------------------------------------


def landing(cards: int, runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="followup-sync-bench-") as tmp:
        base = Path(tmp)
        vault = Vault.create(base / "a", PASSPHRASE)
        shutil.copytree(vault.path, base / "b")
        vault_b = Vault.unlock(base / "b", PASSPHRASE)
        other = open_folder(vault_b, config_for(base, "b"))
        ids = add_cards(other, cards)
        replica_b = other.replica.path
        target = vault.replicas_dir / replica_b.name
        land(replica_b.read_bytes(), target)
        session = open_folder(vault, config_for(base, "a"))  # holds every card already
        board = Board(session)
        bare = BareWatcher(vault.replicas_dir)
        shown, saved, floor = [], [], []
        try:
            for run in range(runs):
                card = ids[(run * 7919) % len(ids)]
                text = f"edit {run}"
                other.change(lambda b, c=card, t=text: b.edit(c, {"notes": t}))
                start = land(replica_b.read_bytes(), target)
                on_board, on_disk = board.until(
                    lambda c=card, t=text: session.board.card(c).notes == t
                )
                shown.append(on_board - start)
                saved.append(on_disk - start)
                floor.append(bare.seen(target.name, start) - start)
                board.settle()
        finally:
            board.close()
            bare.close()
        size = target.stat().st_size / 1e6
        baseline = statistics.median(floor)
        label = f"{cards:,} cards, {size:.1f} MB"
        row(f"lands → board updated ({label})", statistics.median(shown), baseline)
        row(f"lands → our replica saved ({label})", statistics.median(saved), baseline)


# --- 2. two Syncthing daemons --------------------------------------------------------------------


def through_syncthing(cards: int, runs: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from syncthing import SyncthingPair  # the tests' harness: one recipe for both

    with tempfile.TemporaryDirectory(prefix="followup-sync-bench-st-") as tmp:
        base = Path(tmp)
        folder_a, folder_b = base / "a" / "vault", base / "b" / "vault"
        vault_a = Vault.create(folder_a, PASSPHRASE)
        folder_b.mkdir(parents=True)
        mine = open_folder(vault_a, config_for(base, "a"))
        ids = add_cards(mine, cards)
        with SyncthingPair(base / "syncthing", folder_a, folder_b) as pair:
            session = open_folder(Vault.unlock(folder_b, PASSPHRASE), config_for(base, "b"))
            pair.wait_in_sync()
            mine.reload()
            pair.wait_in_sync()
            probe = folder_a / "probe.bin"
            probe.write_bytes(b"")
            pair.wait_in_sync()
            board = Board(session)
            bare = BareWatcher(folder_b)
            ours, floor = [], []
            try:
                for run in range(runs):
                    card = ids[(run * 7919) % len(ids)]
                    text = f"edit {run}"
                    # Syncthing batches file events on a 1 s timer: write at a random phase of
                    # it, or a fixed rhythm here would favour one side every time.
                    time.sleep(random.uniform(0, 1.1))
                    start = time.perf_counter()
                    mine.change(lambda b, c=card, t=text: b.edit(c, {"notes": t}))
                    done, _ = board.until(lambda c=card, t=text: session.board.card(c).notes == t)
                    ours.append(done - start)
                    board.settle()
                    pair.wait_in_sync()

                    # Written exactly as our replica is (temp file, fsync, rename over it).
                    data = os.urandom(mine.replica.path.stat().st_size)
                    time.sleep(random.uniform(0, 1.1))
                    start = time.perf_counter()
                    atomic_write(probe, data)
                    floor.append(bare.seen(probe.name, start) - start)
                    pair.wait_in_sync()
                    board.settle()
            finally:
                board.close()
                bare.close()
        row(
            f"edit on A → B's board updated ({cards:,} cards)",
            statistics.median(ours),
            statistics.median(floor),
        )


def main(sizes: list[int]) -> None:
    header("Sync: replica lands in the folder → board updated (baseline: bare watchfiles)")
    for cards in sizes:
        landing(cards, runs=25 if cards <= 2000 else 11)
    header("Sync end to end via two Syncthing daemons (baseline: a plain file, same size)")
    if shutil.which("syncthing") is None:
        print("  skipped: syncthing is not installed (apt-get install syncthing)")
        return
    through_syncthing(min(sizes), runs=11)
