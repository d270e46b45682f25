"""One device's replica file: a TinyDB database whose Storage seals every write in an envelope.

The replica holds the device's whole merged state, so any one replica is a full backup. Only
its own device writes it; several processes of that device take a local lock (outside the
synced folder), re-read, merge and write atomically. A replica that fails to open is never
overwritten or deleted here.

How TinyDB is used (the design card names it): for its storage layer and its file shape, not
its queries. The plaintext of a replica is a TinyDB database, a JSON object of tables
(`cards`: card id → CRDT state, `devices`, `meta`), and `EncryptedStorage` is the TinyDB
`Storage` that opens and seals it (`read()` / `write()`, as TinyDB's own storages). The merge
needs every card in memory at once, so `Board` reads and writes the tables whole through that
storage; nothing goes through TinyDB's `Table` API (its integer document ids would not fit
card ids anyway).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tinydb import Storage, TinyDB

from store.errors import ReplicaUnreadable, WriteFailed
from store.files import atomic_write, refuse_link, remove_stale_temps
from store.untrusted import MAX_REPLICA_BYTES, parse_json, read_file
from store.vault.crypto import Vault
from store.vault.encoding import compact_json

REPLICA_SUFFIX = ".json"


_pause_lock = threading.Lock()
_pauses = 0
_collector_was_enabled = False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Keep the cyclic garbage collector out of a replica's parse.

    Parsing 10,000 cards makes millions of containers, and each burst of them sets the
    collector walking every object the process holds (a whole board, in the app): most of the
    time of a parse went there. Parsed JSON holds no cycles, so there is nothing for it to
    find. Safe from any thread and nested: the collector is back as it was when the last
    pause ends.
    """
    global _pauses, _collector_was_enabled
    with _pause_lock:
        if _pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _collector_was_enabled:
                gc.enable()


@contextlib.contextmanager
def long_lived_objects() -> Iterator[None]:
    """Open a board: make its many objects with the collector paused, then freeze them.

    A board lives as long as the process that opened it; once frozen, the collector never
    walks it again (it had been walking 10,000 cards right after every open). Acyclic data
    is still freed as usual; `gc.unfreeze()` hands the rest back when the board is done.
    """
    with collector_paused():
        yield
        gc.freeze()


class EncryptedStorage(Storage):
    """TinyDB storage: `read()` opens the envelope, `write()` seals and writes atomically."""

    def __init__(self, path: Path, vault: Vault, device: str, expect_device: str | None = None):
        self.path = Path(path)
        self.vault = vault
        self.device = device
        self.expect_device = expect_device
        self.last_raw: bytes | None = None
        self.last_stat: os.stat_result | None = None  # of the file `last_raw` was read from

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw, stat = read_file(self.path, MAX_REPLICA_BYTES)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ReplicaUnreadable(self.path, f"cannot be read ({exc.strerror})") from None
        sealed = self.vault.open(raw, self.path, self.expect_device)
        try:
            with collector_paused():
                data = parse_json(sealed.plaintext)
            if not isinstance(data, dict) or not isinstance(data.get("cards"), dict):
                raise ValueError
        except ValueError:
            raise ReplicaUnreadable(self.path, "decrypted, but does not hold a board") from None
        self.last_raw, self.last_stat = raw, stat
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self.write_json(compact_json(data))

    def write_json(self, plaintext: bytes, intent: Callable[[bytes], None] | None = None) -> None:
        """Write tables already encoded as JSON (`Board.tables_json`, which caches per card).

        `intent` gets the sealed bytes before they are written (the device's history records
        the write it is about to make)."""
        blob = self.vault.seal(self.device, plaintext)
        if intent is not None:
            intent(blob)
        atomic_write(self.path, blob)
        self.last_raw = blob


def _signature_of(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def replica_path(vault: Vault, device: str) -> Path:
    return vault.replicas_dir / f"{device}{REPLICA_SUFFIX}"


def read_replica(vault: Vault, path: Path, expect_device: str | None) -> dict[str, Any]:
    """Open any replica file (ours, another device's, a conflict copy) without changing it."""
    data = EncryptedStorage(path, vault, device="", expect_device=expect_device).read()
    if data is None:
        raise ReplicaUnreadable(path, "is gone (a sync tool may be replacing it)")
    return data


class Replica:
    """This device's own replica file and the local lock that serialises its writers."""

    def __init__(self, vault: Vault, device: str, lock_path: Path) -> None:
        self.vault = vault
        self.device = device
        self.path = replica_path(vault, device)
        self.lock_path = Path(lock_path)
        self.db = TinyDB(self.path, vault, device, device, storage=EncryptedStorage)
        self._signature: tuple[int, int, int] | None = None

    @property
    def storage(self) -> EncryptedStorage:
        return self.db.storage  # type: ignore[return-value]

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        try:
            self.lock_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise WriteFailed(
                f"{self.lock_path}: cannot open this device's lock file "
                f"({exc.strerror or exc}); nothing was written."
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _stat_signature(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return _signature_of(st)

    def changed_on_disk(self) -> bool:
        """Has another process (or a restore) written our replica since we last read or wrote it?"""
        return self._stat_signature() != self._signature

    def read(self) -> dict[str, Any] | None:
        data = self.storage.read()
        # The identity of the file these bytes came from, not of whatever the path names now:
        # another process may have replaced it since, and taking its identity for what we read
        # would make our next write skip merging it (its cards lost).
        stat = self.storage.last_stat
        self._signature = None if data is None or stat is None else _signature_of(stat)
        return data

    def write(
        self, data: dict[str, Any] | bytes, intent: Callable[[bytes], None] | None = None
    ) -> None:
        """Seal and write atomically: the tables, or them already encoded as JSON bytes.

        Call it holding `locked()`; it also sweeps the temp files of killed writers.
        """
        with contextlib.suppress(FileExistsError, FileNotFoundError):
            self.path.parent.mkdir(mode=0o700)  # `replicas/` of a folder copied without it
        refuse_link(self.path.parent, "folder")
        remove_stale_temps(self.path)
        self.storage.write_json(data if isinstance(data, bytes) else compact_json(data), intent)
        self._signature = self._stat_signature()

    def is_ours(self, path: Path) -> bool:
        """A watcher event for our own write: same file and the bytes we last wrote."""
        if Path(path) != self.path:
            return False
        return not self.changed_on_disk()
