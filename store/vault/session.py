"""An unlocked vault opened by this device: its board, its own replica and the local lock.

Opening merges every replica in `replicas/` (each is a full copy of some device's state).
Our own replica is rewritten only when the merged state differs from what it holds, so two
devices that have seen each other's files stop writing: no ping-pong.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from store.cards.board import Board
from store.config import Config
from store.errors import FollowupError, ReplicaUnreadable
from store.vault.crypto import Vault
from store.vault.replica import Replica, read_replica

T = TypeVar("T")

# The canonical name of a replica: `<device-id>.json`. Conflict copies and temp files are the
# sync layer's business; the store only ever opens names it made itself.
REPLICA_NAME = re.compile(r"^(?P<device>[0-9a-f]{12})\.json$")


def device_of(path: Path) -> str | None:
    match = REPLICA_NAME.match(Path(path).name)
    return match["device"] if match else None


class Session:
    """What a CLI command or the TUI works with while the vault is open."""

    def __init__(self, vault: Vault, config: Config) -> None:
        self.vault = vault
        self.config = config
        self.device = config.device_id
        self.replica = Replica(vault, self.device, config.lock_path(vault.id))
        self.board = Board(self.device)
        self.problems: dict[Path, str] = {}
        self.own_problem: str | None = None
        self._saved_version = -1

    @classmethod
    def open(cls, vault: Vault, config: Config, merge_folder: bool = True) -> Session:
        session = cls(vault, config)
        session.load_own()
        if merge_folder:
            session.merge_folder()
        session.board.set_device_name(config.device_name)
        session.persist_if_changed()
        return session

    # --- reading ------------------------------------------------------------------------------

    def load_own(self) -> None:
        """Read our own replica; a damaged one is recorded and makes the session read-only."""
        try:
            data = self.replica.read()
            if data is not None:
                self.board.merge(data, self.replica.path)
        except ReplicaUnreadable as exc:
            self._own_unreadable(exc)
            return
        self.own_problem = None
        self.problems.pop(self.replica.path, None)
        if data is not None:
            self._saved_version = self.board.version

    def _own_unreadable(self, exc: ReplicaUnreadable) -> None:
        self.own_problem = str(exc)
        self.problems[self.replica.path] = exc.reason

    def merge_file(self, path: Path, expect_device: str | None) -> set[str]:
        """Merge one replica file (raises `ReplicaUnreadable`; the file is never touched)."""
        try:
            data = read_replica(self.vault, Path(path), expect_device)
            changed = self.board.merge(data, Path(path))
        except ReplicaUnreadable as exc:
            self.problems[Path(path)] = exc.reason
            raise
        self.problems.pop(Path(path), None)
        return changed

    def replica_files(self) -> list[Path]:
        try:
            names = sorted(self.vault.replicas_dir.iterdir())
        except FileNotFoundError:
            return []
        return [p for p in names if device_of(p) and p != self.replica.path]

    def merge_folder(self) -> set[str]:
        """Merge every other device's replica; unreadable ones are recorded in `problems`."""
        changed: set[str] = set()
        for path in self.replica_files():
            try:
                changed |= self.merge_file(path, device_of(path))
            except ReplicaUnreadable:
                continue
        return changed

    # --- writing ------------------------------------------------------------------------------

    @property
    def unsaved(self) -> bool:
        return self.board.version != self._saved_version

    @property
    def writable(self) -> bool:
        """False while our own replica cannot be opened: then nothing may overwrite it."""
        return self.own_problem is None

    def _check_writable(self) -> None:
        if self.own_problem:
            raise FollowupError(
                f"Nothing was saved: this device's replica cannot be opened ({self.own_problem}). "
                "Move that file out of the vault folder (keep it as a backup); the next command "
                "rebuilds it from the other devices' replicas."
            )

    def _refresh_own(self) -> None:
        """Merge our replica if another process of this device wrote it since we last looked.

        A replica that has become unreadable (or one that was unreadable and has since been
        moved away or repaired) updates `own_problem`; an unreadable one is never written over.
        """
        if not self.own_problem and not self.replica.changed_on_disk():
            return
        was_saved = not self.unsaved and not self.own_problem
        try:
            data = self.replica.read()
            if data is not None:
                self.board.merge(data, self.replica.path)
        except ReplicaUnreadable as exc:
            self._own_unreadable(exc)
            return
        self.own_problem = None
        self.problems.pop(self.replica.path, None)
        if was_saved and data is not None:
            # The other process merged what we had written before it wrote, so the file now
            # holds exactly our board: writing it again would only wake every other device.
            self._saved_version = self.board.version

    def persist_if_changed(self) -> bool:
        """Write our replica if the board changed since it was last written (never otherwise)."""
        if not self.unsaved or self.own_problem:
            return False
        with self.replica.locked():
            self._refresh_own()
            if self.own_problem:
                return False
            self.replica.write(self.board.tables_json())
            self._saved_version = self.board.version
        return True

    def change(self, action: Callable[[Board], T]) -> T:
        """Run one user action on the board and make it durable before returning."""
        self._check_writable()
        with self.replica.locked():
            self._refresh_own()
            self._check_writable()
            result = action(self.board)
            if self.unsaved:
                self.replica.write(self.board.tables_json())
                self._saved_version = self.board.version
        return result

    def reload(self) -> set[str]:
        """Merge our replica (if another process wrote it) and every other replica."""
        before = self.board.version
        self._refresh_own()
        changed = self.merge_folder()
        if self.board.version != before:
            self.persist_if_changed()
        return changed

    def describe(self) -> dict[str, Any]:
        return {
            "vault": str(self.vault.path),
            "vault_id": self.vault.id,
            "device": self.device,
            "device_name": self.config.device_name,
            "cards": len(self.board.cards),
        }
