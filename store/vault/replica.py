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
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tinydb import Storage, TinyDB

from store.cards.board import fold_tables
from store.errors import ReplicaUnreadable, WriteFailed
from store.files import append_at, atomic_write, refuse_link, remove_stale_temps
from store.vault.changes import (
    CHANGE_KIND,
    Content,
    Position,
    read_file_whole,
    read_since,
    written,
)
from store.vault.collector import collector_paused, long_lived_objects
from store.vault.crypto import Vault
from store.vault.encoding import compact_json

__all__ = ["collector_paused", "long_lived_objects"]  # kept where callers import them from

REPLICA_SUFFIX = ".json"
# When a write compacts (a fresh snapshot) instead of appending a change: once the changes
# would pass a quarter of the snapshot (at least 256 KiB of them), or this many changes.
COMPACT_FLOOR = 256 * 1024
MAX_CHANGES = 4096


class EncryptedStorage(Storage):
    """TinyDB storage: `read()` opens the snapshot and the changes after it, `write()` seals the
    whole state as a fresh snapshot written atomically, `append()` seals one change after it."""

    def __init__(self, path: Path, vault: Vault, device: str, expect_device: str | None = None):
        self.path = Path(path)
        self.vault = vault
        self.device = device
        self.expect_device = expect_device
        self.position: Position | None = None  # where the last read or write left the file
        self.last_stat: os.stat_result | None = None  # of the file last read

    def read(self) -> dict[str, dict[str, Any]] | None:
        content = self.read_content()
        return None if content is None else fold_tables(content.pieces, self.path)

    def read_content(self, since: Position | None = None) -> Content | None:
        """The file's envelopes (all of them, or those after `since` when it still holds what
        `since` read); None when there is no file."""
        try:
            if since is None:
                content, stat = read_file_whole(self.vault, self.path, self.expect_device)
            else:
                content, stat = read_since(self.vault, self.path, since, self.expect_device)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ReplicaUnreadable(self.path, f"cannot be read ({exc.strerror})") from None
        self.position, self.last_stat = content.position, stat
        return content

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self.write_json(compact_json(data))

    def write_json(self, plaintext: bytes, intent: Callable[[bytes], None] | None = None) -> None:
        """Write the whole state, already encoded as JSON (`Board.tables_json`), as a snapshot.

        `intent` gets the sealed bytes before they are written (the device's history records
        the write it is about to make)."""
        blob = self.vault.seal(self.device, plaintext)
        if intent is not None:
            intent(blob)
        atomic_write(self.path, blob)
        self.position = written(blob, None, self.device, self.vault.key_id)

    def append(self, plaintext: bytes, intent: Callable[[bytes], None] | None = None) -> None:
        """Seal one change (`Board.changes_json`) in its place after what was last read or
        written, and append it, durably; a change cut short before it (a killed writer's) is
        cut off first. Only after `can_append` said yes."""
        after = self.position
        assert after is not None and after.takes_changes
        blob = self.vault.seal(
            self.device,
            plaintext,
            kind=CHANGE_KIND,
            extra={"seq": after.seq + 1, "prev": after.tip},
        )
        if intent is not None:
            intent(blob)
        append_at(self.path, blob, after.end)
        self.position = written(blob, after, self.device, self.vault.key_id)


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
        self.meta: dict[str, Any] = {}  # `meta.replica` of the newest envelope read

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

    @property
    def digest(self) -> str | None:
        """What names the content of our file as last read or written (the hash of its last
        envelope: store/vault/changes.py), or None when it was not there."""
        position = self.storage.position
        return position.tip if position is not None else None

    def read(self) -> dict[str, Any] | None:
        """Our file whole, as one set of tables (the snapshot and every change after it)."""
        return self._read(None)

    def read_changes(self) -> dict[str, Any] | None:
        """What our file holds that this process has not read yet: only the changes appended
        since it last read or wrote the file, when the file still holds those; else the whole
        file. None when the file is gone."""
        return self._read(self.storage.position)

    def _read(self, since: Position | None) -> dict[str, Any] | None:
        content = self.storage.read_content(since)
        # The identity of the file these bytes came from, not of whatever the path names now:
        # another process may have replaced it since, and taking its identity for what we read
        # would make our next write skip merging it (its cards lost).
        stat = self.storage.last_stat
        if content is None or stat is None:
            self._signature, self.storage.position, self.meta = None, None, {}
            return None
        self._signature = _signature_of(stat)
        if content.from_start or content.meta is not None:
            self.meta = content.meta or {}
        if not content.pieces:
            return {"cards": {}}
        return fold_tables(content.pieces, self.path)

    def can_append(self, size: int) -> bool:
        """May the next write be `size` bytes of change appended to our file, rather than a
        fresh snapshot? Only while the file is exactly as this process last saw it, sealed
        with the vault's current key, and the changes stay small beside the snapshot (a
        reader opening the file reads them all); else it is time to compact."""
        position = self.storage.position
        return (
            position is not None
            and position.takes_changes
            and position.key == self.vault.key_id
            and position.device == self.device
            and position.seq + 1 < MAX_CHANGES
            and position.changes_bytes + size <= max(COMPACT_FLOOR, position.snapshot_end // 4)
            and not self.changed_on_disk()
        )

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

    def append(self, plaintext: bytes, intent: Callable[[bytes], None] | None = None) -> None:
        """Append one change (`Board.changes_json`) to our file, durably. Call it holding
        `locked()`, after `can_append` said yes."""
        self.storage.append(plaintext, intent)
        self._signature = self._stat_signature()

    def is_ours(self, path: Path) -> bool:
        """A watcher event for our own write: same file and the bytes we last wrote."""
        if Path(path) != self.path:
            return False
        return not self.changed_on_disk()
