"""The vault as a synced folder: the one place a vault becomes a session.

`open_session` merges our replica, every other device's replica and every conflict copy a sync
tool left in `replicas/`, persists our replica, and only then removes the conflict copies that
merged cleanly (their state is now in our replica, so nothing is lost). It also keeps the
Syncthing `.stignore` holding our temp-file pattern, so a write caught mid-way never travels.

Must never delete or overwrite a file it could not read, never remove a conflict copy before
its state is durable in our replica, and never touch a line of `.stignore` it did not write.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from store.config import Config
from store.errors import FollowupError, ReplicaUnreadable
from store.files import atomic_write, make_private
from store.untrusted import MAX_SMALL_FILE_BYTES, read_capped
from store.vault.crypto import Vault
from store.vault.replica import read_replica
from store.vault.session import Session
from sync.names import OUR_TEMP_GLOB, Kind, Name, classify

# A file's identity on disk: a change in any of these means new content may have arrived.
Signature = tuple[int, int, int]

STIGNORE = ".stignore"
SYNCTHING_MARKER = ".stfolder"
_BEGIN_MARK = "// followup-tui begin"
_END_MARK = "// followup-tui end"
STIGNORE_BEGIN = f"{_BEGIN_MARK}: this device's temp files must never travel"
STIGNORE_END = _END_MARK
STIGNORE_BLOCK: tuple[str, ...] = (STIGNORE_BEGIN, OUR_TEMP_GLOB, STIGNORE_END)


def signature(path: Path) -> Signature | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


@dataclass(frozen=True)
class ReplicaRead:
    """A replica file read and decrypted whole, ready to merge (made on any thread)."""

    path: Path
    name: Name
    data: dict[str, Any]
    signature: Signature | None  # what was read; None when the file changed during the read


def read_replica_file(vault: Vault, path: Path, name: Name) -> ReplicaRead:
    """Read and decrypt one replica or conflict copy; raises `ReplicaUnreadable`, touches nothing.

    Safe off the session's thread: it uses only the vault's key, never the board.
    """
    before = signature(path)
    data = read_replica(vault, path, name.device)
    after = signature(path)
    return ReplicaRead(path, name, data, before if before == after else None)


def written_at(data: dict[str, Any]) -> datetime | None:
    """When the replica's device wrote it (inside the sealed data, so it cannot be forged)."""
    meta = data.get("meta")
    meta = meta.get("replica") if isinstance(meta, dict) else None
    if not isinstance(meta, dict):
        return None  # not a mapping: from a newer app or a bug, never a reason to crash
    try:
        when = datetime.fromisoformat(str(meta["written_at"]))
    except (KeyError, ValueError, TypeError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class SyncedSession(Session):
    """A `Session` that also knows the folder: conflict copies, unknown files, who was seen when.

    Like `Session` it is not thread-safe: every method runs on the one thread that owns it.
    """

    def __init__(self, vault: Vault, config: Config) -> None:
        super().__init__(vault, config)
        self.last_seen: dict[str, datetime] = {}
        self.last_merge: datetime | None = None
        self.unknown_files: list[Path] = []
        self.stignore_problem: str | None = None
        # What we last read of each replica file: the watcher skips files that did not change.
        self.read_signatures: dict[Path, Signature] = {}
        # Conflict copies merged into the board, removed once our replica holds their state.
        self._merged_copies: dict[Path, Signature] = {}
        # What opening did (`followup-tui sync` reports it); `merged_files` is per folder merge.
        self.merged_files: list[Path] = []
        self.changed_at_open: set[str] = set()
        self.removed_at_open: list[Path] = []
        self.saved_at_open = False

    # --- merging --------------------------------------------------------------------------------

    def merge_file(self, path: Path, expect_device: str | None) -> set[str]:
        name = classify(path, self.device)
        if not name.is_replica and name.kind is not Kind.OWN:
            name = Name(Kind.REPLICA, expect_device)
        try:
            read = read_replica_file(self.vault, Path(path), name)
        except ReplicaUnreadable as exc:
            self.problems[Path(path)] = exc.reason
            raise
        return self.merge_read(read)

    def merge_read(self, read: ReplicaRead) -> set[str]:
        """Merge a replica read on any thread (raises `ReplicaUnreadable` for a bad card; the
        board is then left as it was)."""
        try:
            changed = self.board.merge(read.data, read.path)
        except ReplicaUnreadable as exc:
            self.problems[read.path] = exc.reason
            raise
        self.problems.pop(read.path, None)
        now = datetime.now(UTC)
        self.last_merge = now
        device = read.name.device
        seen = written_at(read.data)
        if device and seen and (device not in self.last_seen or seen > self.last_seen[device]):
            self.last_seen[device] = seen
        if read.signature is not None:
            self.read_signatures[read.path] = read.signature
            if read.name.kind is Kind.CONFLICT:
                self._merged_copies[read.path] = read.signature
        return changed

    def merge_folder(self) -> set[str]:
        """Merge every other device's replica and every conflict copy; note unknown files."""
        changed: set[str] = set()
        unknown: list[Path] = []
        merged: list[Path] = []
        try:
            entries = sorted(self.vault.replicas_dir.iterdir())
        except OSError:
            entries = []
        for path in entries:
            name = classify(path, self.device)
            if name.kind is Kind.UNKNOWN:
                unknown.append(path)
            if not name.is_replica:
                continue
            with contextlib.suppress(ReplicaUnreadable):
                changed |= self.merge_file(path, name.device)
                merged.append(path)
        self.unknown_files = unknown
        self.merged_files = merged
        self.forget_missing()
        return changed

    def forget_missing(self) -> None:
        """Problems and read marks of files that are gone (a removed copy, a renamed temp)."""
        for path in [p for p in self.problems if p != self.replica.path and not p.exists()]:
            del self.problems[path]
        for path in [p for p in self.read_signatures if not p.exists()]:
            del self.read_signatures[path]

    def refresh_own(self) -> set[str]:
        """Merge our replica when another process of this device (a CLI command) wrote it,
        or judge it when someone else did (a restore, a copy of this config); write our state
        again when the file vanished (deleted by hand, or by a sync tool)."""
        if not self.own_problem and not self.replica.changed_on_disk():
            return set()
        with self.replica.locked():
            return self.read_own_again()

    def reload(self) -> set[str]:
        changed = super().reload()
        self.remove_merged_copies()
        return changed

    # --- tidying --------------------------------------------------------------------------------

    @property
    def pending_copies(self) -> list[Path]:
        return sorted(self._merged_copies)

    def remove_merged_copies(self) -> list[Path]:
        """Remove conflict copies whose state our replica now holds; a copy that changed since
        we read it is kept (its new content is not merged yet)."""
        if self.unsaved or self.own_problem:
            return []
        removed = []
        for path, seen in sorted(self._merged_copies.items()):
            del self._merged_copies[path]
            if signature(path) != seen:
                continue
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            except OSError as exc:
                self.problems[path] = f"merged, but could not be removed ({exc.strerror})"
                continue
            self.read_signatures.pop(path, None)
            removed.append(path)
        return removed


def open_folder(vault: Vault, config: Config, tidy: bool = True) -> SyncedSession:
    """Open the vault and merge the whole folder.

    With `tidy` (every command but `doctor`) it also writes `.stignore`, persists our replica
    and removes the conflict copies merged into it; without, nothing on disk changes.
    """
    session = SyncedSession(vault, config)
    if tidy:
        for folder in (config.dir, vault.replicas_dir, vault.templates_dir):
            make_private(folder)  # folders made by an earlier version were 0755
        try:
            ensure_stignore(vault.path)
        except FollowupError as exc:
            session.stignore_problem = str(exc)
    else:
        session.stignore_problem = stignore_status(vault.path)
    session.settle_machine(act=tidy)
    session.load_own()
    session.changed_at_open = session.merge_folder()
    session.settle(act=tidy)
    if tidy:
        session.board.set_device_name(config.device_name)
        session.saved_at_open = session.persist_if_changed()
        session.removed_at_open = session.remove_merged_copies()
    return session


def open_session(vault: Vault, config: Config) -> Session:
    """The single place a vault becomes a session (CLI commands, the board, `sync`)."""
    return open_folder(vault, config)


# --- .stignore --------------------------------------------------------------------------------


def stignore_path(vault_path: Path) -> Path:
    """Syncthing reads `.stignore` only at its folder's root: the nearest folder holding the
    `.stfolder` marker. Without one (Dropbox, or Syncthing not set up yet) it is the vault."""
    vault_path = Path(vault_path)
    for folder in (vault_path, *vault_path.parents):
        if (folder / SYNCTHING_MARKER).exists():
            return folder / STIGNORE
    return vault_path / STIGNORE


def _read_stignore(path: Path) -> list[str] | None:
    if path.is_symlink():
        # It could point at any file of the user's: reading it would copy that text into a
        # plain file in the synced folder.
        raise FollowupError(
            f"{path} is a link; followup-tui neither reads nor replaces it: add the line "
            f"{OUR_TEMP_GLOB} to the file it points to yourself."
        )
    try:
        raw = read_capped(path, MAX_SMALL_FILE_BYTES, follow=False)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise FollowupError(
            f"{path}: cannot read it ({exc.strerror}); add the line {OUR_TEMP_GLOB} to it yourself."
        ) from None
    try:
        return raw.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise FollowupError(
            f"{path} is not UTF-8 text; it was left alone: add the line {OUR_TEMP_GLOB} yourself."
        ) from None


def _with_our_block(lines: list[str]) -> list[str]:
    """The user's lines untouched, with exactly one current copy of our block at the end.

    Every line between our markers is ours (maybe an older version's); a begin marker without
    its end takes only itself and our pattern with it, so no user line is ever lost.
    """
    stripped = [line.strip() for line in lines]
    out: list[str] = []
    index = 0
    while index < len(lines):
        if stripped[index].startswith(_BEGIN_MARK):
            end = next(
                (i for i in range(index + 1, len(lines)) if stripped[i].startswith(_END_MARK)),
                None,
            )
            if end is not None:
                index = end + 1
                continue
            index += 1
            while index < len(lines) and stripped[index] == OUR_TEMP_GLOB:
                index += 1
            continue
        out.append(lines[index])
        index += 1
    while out and not out[-1].strip():
        out.pop()
    if out:
        out.append("")
    return [*out, *STIGNORE_BLOCK]


def stignore_status(vault_path: Path) -> str | None:
    """What is wrong with `.stignore` (missing, outdated, unreadable), or None when current."""
    path = stignore_path(vault_path)
    try:
        lines = _read_stignore(path)
    except FollowupError as exc:
        return str(exc)
    if lines is None:
        return f"{path} is missing; `followup-tui sync` writes it."
    if not _has_current_block(lines):
        return f"{path} lacks the current {OUR_TEMP_GLOB} block; `followup-tui sync` adds it."
    return None


def _has_current_block(lines: list[str]) -> bool:
    stripped = [line.strip() for line in lines]
    starts = [i for i, line in enumerate(stripped) if line.startswith(_BEGIN_MARK)]
    size = len(STIGNORE_BLOCK)
    return len(starts) == 1 and tuple(stripped[starts[0] : starts[0] + size]) == STIGNORE_BLOCK


def ensure_stignore(vault_path: Path) -> bool:
    """Write our block into `.stignore` when missing or outdated; True when it wrote.

    Raises `FollowupError` for a file it cannot read, which it then leaves exactly as it is.
    """
    path = stignore_path(vault_path)
    lines = _read_stignore(path)
    if lines is not None and _has_current_block(lines):
        return False
    wanted = _with_our_block(lines or [])
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    atomic_write(path, ("\n".join(wanted) + "\n").encode("utf-8"), mode=mode)
    return True
