"""An unlocked vault opened by this device: its board, its own replica and the local lock.

Opening merges every replica in `replicas/` (each is a full copy of some device's state).
Our own replica is rewritten only when the merged state differs from what it holds, so two
devices that have seen each other's files stop writing: no ping-pong.

The device checks its own replica against its history (store/vault/history.py) when it opens
and before every write: a rolled-back replica makes it write on under a new writer id, one that
a copy of its config wrote makes it a new device, an emptied folder or an old `vault.json`
makes it refuse to write. Each is said once (`take_notices`) and shown by `doctor`.

Must never write over a replica it could not read, nor write anything while the folder's
replicas are missing or the vault header is older than the one it last wrote with.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from store.cards.board import Board
from store.cards.clock import Clock, later, newest
from store.config import CONFIG_FILE, Config, config_dir, machine_id, new_device_id
from store.errors import FollowupError, ReplicaUnreadable
from store.vault.crypto import Vault
from store.vault.history import DeviceHistory, Finding, judge_own, replica_hash, stamp_date
from store.vault.replica import Replica, read_replica

T = TypeVar("T")

# The canonical name of a replica: `<device-id>.json`. Conflict copies and temp files are the
# sync layer's business; the store only ever opens names it made itself.
REPLICA_NAME = re.compile(r"^(?P<device>[0-9a-f]{12})\.json$")
GONE = "gone"  # the `wrote` hash of a replica that vanished and was rebuilt


def device_of(path: Path) -> str | None:
    match = REPLICA_NAME.match(Path(path).name)
    return match["device"] if match else None


class Session:
    """What a CLI command or the TUI works with while the vault is open."""

    def __init__(self, vault: Vault, config: Config) -> None:
        self.vault = vault
        self.config = config
        self.device = config.device_id
        self.history = self._history_of(self.device)
        self.replica = Replica(vault, self.device, config.lock_path(vault.id))
        self.board = Board(self.device, Clock(self.history.writer or self.device))
        self.problems: dict[Path, str] = {}
        self.own_problem: str | None = None
        # What opening found that needs acting on, when it did not act (`doctor` only looks).
        self.findings: list[Finding] = []
        self._own_writer: str | None = None  # what our replica says wrote it, as read
        self._own_clock = ""  # the clock our replica was written with, as read
        self._own_hash: str | None = None  # of our replica as this process last read or wrote it
        self._saved_version = -1
        # The next write is a whole snapshot, not a change appended: our file may not hold
        # what the board does besides its unsaved cards (it was rolled back, or is new).
        self._snapshot_next = False

    def _history_of(self, device: str) -> DeviceHistory:
        history = DeviceHistory.load(self.config.dir, self.vault.id)
        if history.device not in (None, device):
            # The config took another id (a copy that became a new device, a hand edit): a new
            # record, but the replicas it knew and what happened stay.
            fresh = DeviceHistory(history.path, self.vault.id, known=history.known)
            fresh.events = history.events
            history = fresh
        if history.device is None:
            history.start(device, history.writer or device)
        return history

    @classmethod
    def open(cls, vault: Vault, config: Config, merge_folder: bool = True) -> Session:
        session = cls(vault, config)
        session.settle_machine()
        session.load_own()
        if merge_folder:
            session.merge_folder()
        session.settle()
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
        self._note_own(data)
        if data is not None:
            self._saved_version = self.board.version
            self.board.saved()

    def _note_own(self, data: dict[str, Any] | None) -> None:
        """Remember what identifies the copy of our replica just read, to judge it by."""
        self._own_hash = self.replica.digest if data is not None else None
        meta = self.replica.meta if data is not None else {}
        writer, clock = meta.get("writer"), meta.get("clock")
        self._own_writer = writer if isinstance(writer, str) else None
        self._own_clock = clock if isinstance(clock, str) else ""

    def _judge(self) -> Finding | None:
        """What the copy of our replica last read says, against this device's record."""
        wrote = self.history.wrote
        if self._own_hash is None and wrote and wrote.get("hash") == GONE:
            return None  # gone before, and already rebuilt from the others
        return judge_own(
            self.history, self._own_hash, self._own_writer, self._own_clock, self.replica.path.name
        )

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

    # --- this device's own history ------------------------------------------------------------

    def settle_machine(self, act: bool = True) -> None:
        """A config last used on another machine is a copy: this one becomes a new device
        before it writes anything, so two machines never write one replica."""
        config = self.config
        if not config.copied_from_another_machine:
            if act and config.machine and not config.machine_saved and config.exists:
                config.save()  # a config from before machines were recorded: record it now
            return
        finding = Finding("clone", "this device's config was copied from another machine")
        if act:
            self._become_new_device(finding)
        else:
            self.findings.append(finding)

    def settle(self, act: bool = True) -> None:
        """Judge what opening read against this device's history; with `act`, recover.

        A rollback (our replica older than what we wrote, or than what other replicas saw from
        us) and a clock gone back below our own stamps make this device write on under a new
        writer id; a replica written by a copy of this config makes it a new device. Without
        `act` (`doctor`), what was found is kept in `findings` and nothing changes. What was
        found without the lock is judged again holding it, against a fresh record: another
        process of this device may have written a moment ago.
        """
        if self.own_problem or self.folder_emptied():
            return
        found = self._judge() or self._merged_finding()
        if found is None:
            if act:
                self._note_clocks_ahead()
            return
        if not act:
            self.findings.append(found)
            return
        with self.replica.locked():
            self.read_own_again(opening=True)
            found = None if self.own_problem else self._merged_finding()
            if found is not None:
                self._take_new_writer(found)

    def _merged_finding(self) -> Finding | None:
        """The rules that read the merged board rather than our file."""
        if later(self.board.own_top, self._own_baseline()):
            return Finding(
                "rollback",
                "another replica holds writes of this device newer than its own record "
                "(its replica and config restored from a backup?)",
            )
        if self.board.needs_new_writer:
            return self._clock_finding()
        return None

    def _clock_finding(self) -> Finding:
        ahead = self.board.ahead.get(self.board.writer) or self.board.clock.latest()
        return Finding(
            "clock",
            f"versions stamped by this device run to {stamp_date(ahead)}, far ahead of this "
            "machine's clock (was the clock wrong, or a backup made by hand?)",
        )

    def _own_baseline(self) -> str:
        """The newest clock this device knows it wrote with: its record, or its replica."""
        return newest([s for s in (self.history.last_clock(), self._own_clock) if s])

    def _new_writer(self, finding: Finding) -> None:
        """Write on under a fresh writer id: what the old id wrote and we lost stays
        concurrent with what we write now, so it comes back as a conflict, never replaced."""
        with self.replica.locked():
            self._take_new_writer(finding)

    def _take_new_writer(self, finding: Finding) -> None:
        """`_new_writer`, holding the lock."""
        history = self.history.reload() if self.history.exists else self.history
        if history.device == self.device and history.writer not in (None, self.board.writer):
            self._adopt_writer(history)  # another process of this device just did it
            return
        if history.device is None:
            history.start(self.device, self.board.writer)
        writer = new_device_id()
        self.board.clock.observe(history.last_clock())  # sort after what we lost
        self.board.take_writer(writer, finding.kind)
        self._snapshot_next = True  # the file starts afresh under the new writer
        history.start(self.device, writer)
        history.wrote = {
            "hash": self._own_hash or GONE,  # this copy is now known: judged once
            "clock": newest([history.last_clock(), self._own_clock]),
        }
        history.pending = None
        what = "this device"
        if finding.kind == "rollback":
            what = (
                "recovered from the other replicas; this device"
                if self.replica_files()
                else "no other replica to recover from; this device"
            )
        history.record(
            finding.kind,
            f"{finding.text}: {what} writes on under a new writer id ({writer}), so an edit "
            "the old copy lost shows as a conflict instead of vanishing.",
        )
        history.save()
        self.history = history

    def _adopt_writer(self, history: DeviceHistory) -> None:
        self.board.clock = self.board.clock.renamed(history.writer or self.device)
        self.board.clock.observe(history.last_clock())
        self.board.own_top = ""
        self.history = history

    def _become_new_device(self, finding: Finding) -> None:
        """This copy of the config becomes a new device, keeping every card it holds; the
        replica it shared stays with the copy that made the writes."""
        with self.replica.locked():
            self._become_new_device_locked(finding)

    def _become_new_device_locked(self, finding: Finding) -> None:
        old = self.device
        here = self.config.path == config_dir() / CONFIG_FILE
        current = Config.load() if here else self.config
        if current.device_id != old and not current.copied_from_another_machine:
            raise FollowupError(
                f"This device took a new id a moment ago ({current.device_id}): run the "
                "command again."
            )
        new = new_device_id()
        host = socket.gethostname()
        name = host if host and host != self.config.device_name else None
        name = name or f"{self.config.device_name} (copy)"
        self.config.device_id, self.config.device_name = new, name
        self.config.machine = machine_id()
        self.config.save()
        history = DeviceHistory(self.history.path, self.vault.id)
        history.known = sorted({*self.history.known, old})
        history.events = self.history.events
        history.start(new, new)
        history.record(
            "clone",
            f"{finding.text}: this laptop is now device {new} ({name}), keeping every "
            f"card; {old} stays with the copy it came from.",
        )
        history.save()
        self.history = history
        self.device = new
        self.replica = Replica(self.vault, new, self.config.lock_path(self.vault.id))
        self.board.become(new, name, copied_from=old)
        self._own_hash = None
        self._saved_version = -1
        self._snapshot_next = True

    def _note_clocks_ahead(self) -> None:
        """Once per device and day, a line saying another device's stamps run far ahead."""
        said = {e.get("text") for e in self.history.events}
        lines = []
        for writer, stamp in sorted(self.board.ahead.items()):
            if writer == self.board.writer:
                continue
            line = (  # as recorded: the same words are what tells it was said before
                f"Device {self.board.device_name(writer)} ({writer}) stamped versions up to "
                f"{stamp_date(stamp)}, far ahead of this machine's clock: they never move this "
                "device's clock, and the next edit of such a field replaces them."
            )
            if line not in said:
                lines.append(line)
        if not lines:
            return
        with self.replica.locked():
            history = self.history.reload() if self.history.exists else self.history
            for line in lines:
                history.record("clock", line)
            history.save()
            self.history = history

    def folder_emptied(self) -> bool:
        """True when every replica this device saw at its last write is gone, and no other
        is there either: a folder emptied (or a share not mounted), not a board to rebuild."""
        return bool(self.history.known) and not self._replicas_present()

    def accept_empty(self) -> None:
        """The user emptied the folder on purpose: forget the replicas it held."""
        with self.replica.locked():
            history = self.history.reload() if self.history.exists else self.history
            history.known = []
            if history.wrote:  # our replica went with the others: not a rollback to recover
                history.wrote = {"hash": GONE, "clock": history.last_clock()}
            history.record("emptied", "The emptied folder was accepted: this device starts over.")
            history.mark_said("stderr")
            history.save()
            self.history = history

    @property
    def blocked(self) -> str | None:
        """Why nothing may be written now (the folder emptied, an old `vault.json`), or None."""
        if self.folder_emptied():
            return (
                f"every replica this device knew is gone from {self.vault.replicas_dir} (a sync "
                "tool emptied it, or the share is not mounted): nothing is written until they "
                "are back; `followup-tui doctor --accept-empty` if you emptied it on purpose."
            )
        key = self.history.key
        if key and key not in self.vault.key_ids:
            return (
                f"{self.vault.path / 'vault.json'} is older than the one this device last wrote "
                "with (the passphrase was changed since, and a sync tool or a restore brought "
                "an old copy back): nothing is written until the newest one is back."
            )
        if self.vault.header_replaced():
            return (
                "the vault's passphrase was changed (vault.json holds a newer key): quit and "
                "open followup-tui again with the new passphrase."
            )
        return None

    def take_notices(self, channel: str) -> list[str]:
        """What happened to this device that was not said yet on `channel` ("stderr" or
        "board"), marked as said: each is said once there."""
        if not self.history.unsaid(channel):
            return []
        lines = [str(e.get("text", "")) for e in self.history.unsaid(channel)]
        try:
            with self.replica.locked():
                history = self.history.reload() if self.history.exists else self.history
                lines = [str(e.get("text", "")) for e in history.unsaid(channel)]
                history.mark_said(channel)
                history.save()
                self.history = history
        except FollowupError:
            pass  # said now all the same; a config dir that cannot be written says it again
        return lines

    # --- writing ------------------------------------------------------------------------------

    @property
    def unsaved(self) -> bool:
        return self.board.version != self._saved_version

    @property
    def writable(self) -> bool:
        """False while our own replica cannot be opened, or writing is `blocked`."""
        return self.own_problem is None and self.blocked is None

    def _check_writable(self) -> None:
        blocked = self.blocked  # first: an old vault.json also leaves our replica unopenable,
        if blocked:  # and moving the replica away, as the line below says, would not help
            raise FollowupError(f"Nothing was saved: {blocked}")
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
        with self.replica.locked():
            self.read_own_again()

    def read_own_again(self, opening: bool = False) -> set[str]:
        """Under the lock, before a write (and when the folder watcher saw our file change):
        what this device's other processes did (their replica, their record) is merged and
        adopted, and our replica is judged against the record as at opening.

        A rollback that lost nothing this session holds in memory is simply written again;
        otherwise this device writes on under a new writer id. A copy of this config writing
        our replica makes this device a new one when `opening`; later (the board open) it makes
        the session read-only until it is opened again. Returns the ids of cards that changed.
        """
        before = self._own_hash
        if self.history.exists or self.history.path.exists():
            history = self.history.reload()
            if history.device == self.device:
                if history.writer and history.writer != self.board.writer:
                    self._adopt_writer(history)
                self.history = history
        changed: set[str] = set()
        reread = self.own_problem is not None or self.replica.changed_on_disk()
        was_saved = not self.unsaved and not self.own_problem
        data: dict[str, Any] | None = None
        if reread:
            try:
                data = self.replica.read_changes()
                changed = self.board.merge(data, self.replica.path) if data else set()
            except ReplicaUnreadable as exc:
                self._own_unreadable(exc)  # never overwritten: every write checks `own_problem`
                return set()
            self.own_problem = None
            self.problems.pop(self.replica.path, None)
            self._note_own(data)
        found = self._judge()
        if found is not None and found.kind == "clone":
            if opening:
                self._become_new_device_locked(found)
                return changed
            self.own_problem = (
                f"{found.text}; quit and open followup-tui again: this device then goes on as "
                "a new device, keeping every card"
            )
            return changed
        if found is not None:
            wrote = self.history.wrote
            if before is not None and wrote and wrote.get("hash") == before:
                # All it lost is in this session's memory: writing it again restores it.
                self.history.record(
                    found.kind,
                    f"{found.text}: this device still held all of it and wrote it again; "
                    "nothing was lost.",
                )
                self.history.accepted = self._own_hash  # judged: not again before we write
                self.history.save()
                self._saved_version = -1
                self._snapshot_next = True
                return changed
            self._take_new_writer(found)
        if reread and data is None:
            self._saved_version = -1
            self._snapshot_next = True
        elif reread and was_saved:
            # The other process merged what we had written: writing again would only wake
            # every other device for nothing.
            self._saved_version = self.board.version
            self.board.saved()
        return changed

    def _write_own(self) -> None:
        """Seal and write our replica, recording the write in this device's history first
        (so a write killed half-way is still known as ours), then as done. Call it holding
        the lock, after `read_own_again`."""
        history = self.history
        if history.device is None:
            history.start(self.device, self.board.writer)

        def intent(blob: bytes) -> None:
            history.pending = {"hash": replica_hash(blob), "clock": self.board.clock.latest()}
            history.save()

        change = None if self._snapshot_next else self.board.changes_json()
        if change is not None and self.replica.can_append(len(change)):
            self.replica.append(change, intent=intent)
        else:
            self.replica.write(self.board.tables_json(), intent=intent)
        self.board.saved()
        self._snapshot_next = False
        history.wrote, history.pending, history.accepted = history.pending, None, None
        history.known = sorted(self._replicas_present() | {self.device})
        history.key, history.older_keys = self.vault.key_id, sorted(self.vault.older_key_ids)
        history.save()
        self._own_hash = history.wrote["hash"] if history.wrote else None
        self._saved_version = self.board.version

    def _replicas_present(self) -> set[str]:
        try:
            names = [p.name for p in self.vault.replicas_dir.iterdir()]
        except OSError:
            return set()
        return {m["device"] for m in map(REPLICA_NAME.match, names) if m}

    def persist_if_changed(self) -> bool:
        """Write our replica if the board changed since it was last written (never otherwise)."""
        if not self.unsaved or not self.writable:
            return False
        with self.replica.locked():
            self.read_own_again()
            if not self.unsaved or not self.writable:
                return False
            self._write_own()
        return True

    def change(self, action: Callable[[Board], T]) -> T:
        """Run one user action on the board and make it durable before returning."""
        self._check_writable()
        with self.replica.locked():
            self.read_own_again()
            self._check_writable()
            if self.board.needs_new_writer:  # merged a far-ahead stamp of ours while open
                self._take_new_writer(self._clock_finding())
            result = action(self.board)
            if self.unsaved:
                self._write_own()
        return result

    def reload(self) -> set[str]:
        """Merge our replica (if another process wrote it) and every other replica."""
        self._refresh_own()
        changed = self.merge_folder()
        if self.unsaved:  # merged something new, or our replica needs writing again
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
