"""Watching the vault folder: turns file events into `Change`s a session can apply.

`FolderWatcher.batches()` runs `watchfiles` on `replicas/` and `templates/` (and the vault root,
to notice `templates/` appearing) and yields lists of changes:
- `ReplicaRead`: another device's replica or a conflict copy, read and decrypted whole;
- `OwnReplicaTouched`: our replica changed on disk (our own write, or another process of ours);
- `StillUnreadable`: a replica that stayed undecryptable for `report_after` seconds;
- `ReplicaGone`: a replica that disappeared and did not come back;
- `TemplatesChanged`: template files that were added, edited or removed.

What Syncthing really does (see SYNCTHING.md) shapes this: a file arrives as a temp file that is
renamed over a deleted original, so DELETE + ADDED of one path is one update and "not found"
for a moment is normal. A file that fails to decrypt or parse is half-arrived: retried with
backoff and reported only if it stays bad.

It reads and decrypts (with the vault's key only) but never touches a board, a session or a
file: nothing here merges, writes, moves or deletes. The caller merges, on its own thread.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import watchfiles

from store.errors import DeviceMismatch, ForeignReplica, ReplicaUnreadable
from store.vault.crypto import Vault
from sync.folder import ReplicaRead, Signature, read_replica_file, signature
from sync.names import Kind, Name, classify

TEMPLATE_SUFFIXES = (".yaml", ".yml")


class StopSignal(Protocol):
    """A `threading.Event`, or anything else that says when to stop."""

    def is_set(self) -> bool: ...


@dataclass(frozen=True)
class OwnReplicaTouched:
    path: Path


@dataclass(frozen=True)
class StillUnreadable:
    path: Path
    reason: str


@dataclass(frozen=True)
class ReplicaGone:
    path: Path


@dataclass(frozen=True)
class TemplatesChanged:
    paths: tuple[Path, ...]


Change = ReplicaRead | OwnReplicaTouched | StillUnreadable | ReplicaGone | TemplatesChanged


@dataclass
class _Pending:
    """A replica path to read again: it changed, or it failed to read a moment ago."""

    name: Name
    next_try: float
    attempts: int = 0
    missing: int = 0
    bad_since: float | None = None
    reported: bool = False
    last_signature: Signature | None = None


@dataclass
class Timing:
    """How fast the watcher reacts and how patient it is with files still arriving."""

    step_ms: int = 20  # quiet time that ends a batch of raw events
    tick_ms: int = 100  # wake-up period for retries when nothing happens
    first_retry: float = 0.05  # seconds; doubles each attempt
    max_retry: float = 5.0
    report_after: float = 3.0  # a file bad for this long is reported as unreadable
    missing_tries: int = 5  # "not found" this many times in a row: the file is gone


def is_template_name(path: Path) -> bool:
    name = path.name
    return not name.startswith(".") and path.suffix.lower() in TEMPLATE_SUFFIXES


class FolderWatcher:
    """Watches one vault folder for one device; see the module docstring for what it yields."""

    def __init__(
        self,
        vault: Vault,
        own_device: str,
        known: dict[Path, Signature] | None = None,
        timing: Timing | None = None,
    ) -> None:
        self.vault = vault
        self.own_device = own_device
        self.timing = timing or Timing()
        self.replicas_dir = vault.replicas_dir
        self.templates_dir = vault.templates_dir
        # Files whose content the session already merged: the start-up scan skips them.
        self.known: dict[Path, Signature] = dict(known or {})
        self._pending: dict[Path, _Pending] = {}
        self._real: dict[Path, Path] = {}
        self.ready = threading.Event()  # set once the OS watch is in place (tests and bench)

    # --- the loop -------------------------------------------------------------------------------

    def batches(
        self,
        stop: StopSignal,
        on_ready: Callable[[], None] | None = None,
        yield_idle: bool = False,
    ) -> Iterator[list[Change]]:
        """Yield batches of changes until `stop` is set. Blocks; run it on one thread.

        `on_ready` is called once the OS watch is in place: a file written after that is seen.
        `yield_idle`: also yield an empty batch on each quiet tick, for work that follows the
        clock (a calendar file whose interviews end) on the thread that owns the session.
        """
        self.replicas_dir.mkdir(parents=True, exist_ok=True)
        while not stop.is_set():
            watching_templates = self.templates_dir.is_dir()
            paths = [self.vault.path, self.replicas_dir]
            if watching_templates:
                paths.append(self.templates_dir)
            restart = False
            first = True
            for raw in watchfiles.watch(
                *paths,
                watch_filter=None,
                step=self.timing.step_ms,
                rust_timeout=self.timing.tick_ms,
                yield_on_timeout=True,
                stop_event=stop,
                recursive=False,
            ):
                changes: list[Change] = []
                if first:
                    # The OS watch exists now: anything that lands from here on is seen, so
                    # this scan closes the gap between the session's merge and the watch.
                    first = False
                    self._scan()
                    if not self.ready.is_set():
                        self.ready.set()
                        if on_ready is not None:
                            on_ready()
                templates: set[Path] = set()
                for _, raw_path in raw:
                    path = self._as_given(Path(raw_path))
                    if path.parent == self.replicas_dir:
                        self._replica_event(path, changes)
                    elif path.parent == self.templates_dir and is_template_name(path):
                        templates.add(path)
                    elif path == self.templates_dir and self.templates_dir.is_dir() != (
                        watching_templates
                    ):
                        templates.add(path)
                        restart = True
                    elif path == self.replicas_dir:
                        restart = True  # replaced or recreated: watch the new one
                self._retry_due(changes)
                if templates:
                    changes.append(TemplatesChanged(tuple(sorted(templates))))
                if changes or yield_idle:
                    yield changes
                if restart or stop.is_set():
                    break
            else:
                return  # watchfiles stopped on its own (stop_event set)

    def _as_given(self, path: Path) -> Path:
        """An event's path spelled as the vault spells it (the OS may report the real path of
        a symlinked or relative vault), so it matches the session's paths exactly."""
        for folder in (self.replicas_dir, self.templates_dir, self.vault.path):
            if path.parent == folder or path == folder:
                return path
        for folder in (self.replicas_dir, self.templates_dir, self.vault.path):
            real = self._real.get(folder)
            if real is None:
                real = self._real[folder] = Path(os.path.realpath(folder))
            if path.parent == real:
                return folder / path.name
            if path == real:
                return folder
        return path

    def _scan(self) -> None:
        try:
            entries = list(self.replicas_dir.iterdir())
        except OSError:
            entries = []
        for path in entries:
            name = classify(path, self.own_device)
            if name.is_replica and signature(path) != self.known.get(path):
                self._schedule(path, name)

    def _replica_event(self, path: Path, changes: list[Change]) -> None:
        name = classify(path, self.own_device)
        if name.kind is Kind.OWN:
            if OwnReplicaTouched(path) not in changes:
                changes.append(OwnReplicaTouched(path))
        elif name.is_replica:
            self._schedule(path, name)

    def _schedule(self, path: Path, name: Name) -> None:
        """Read this path as soon as possible (again); a fresh event resets the backoff."""
        pending = self._pending.get(path)
        if pending is None:
            self._pending[path] = _Pending(name, next_try=0.0)
        else:
            pending.next_try = 0.0
            pending.attempts = 0
            pending.missing = 0

    # --- reading and retrying ----------------------------------------------------------------------

    def _retry_due(self, changes: list[Change]) -> None:
        now = time.monotonic()
        for path, pending in list(self._pending.items()):
            if pending.next_try <= now:
                change = self._try(path, pending, now)
                if change is not None:
                    changes.append(change)

    def _backoff(self, pending: _Pending, now: float) -> None:
        delay = min(self.timing.max_retry, self.timing.first_retry * 2**pending.attempts)
        pending.attempts += 1
        pending.next_try = now + delay

    def _try(self, path: Path, pending: _Pending, now: float) -> Change | None:
        current = signature(path)
        if current is None:
            pending.missing += 1
            if pending.missing >= self.timing.missing_tries:
                del self._pending[path]
                self.known.pop(path, None)
                return ReplicaGone(path)
            self._backoff(pending, now)
            return None
        pending.missing = 0
        if current == self.known.get(path):  # the very bytes we handed over last time
            del self._pending[path]
            return None
        try:
            read = read_replica_file(self.vault, path, pending.name)
        except ReplicaUnreadable as exc:
            return self._failed(path, pending, now, exc, current)
        if read.signature is None:  # it changed while we read it: read the newer one
            self._backoff(pending, now)
            return None
        del self._pending[path]
        self.known[path] = read.signature
        return read

    def _failed(
        self,
        path: Path,
        pending: _Pending,
        now: float,
        exc: ReplicaUnreadable,
        current: Signature,
    ) -> Change | None:
        if signature(path) is None:  # replaced while we read it (Syncthing's delete + rename)
            self._backoff(pending, now)
            return None
        permanent = isinstance(exc, (ForeignReplica, DeviceMismatch))
        if pending.bad_since is None:
            pending.bad_since = now
        unchanged = pending.last_signature == current
        pending.last_signature = current
        report = not pending.reported and (
            permanent or now - pending.bad_since >= self.timing.report_after
        )
        if report:
            pending.reported = True
        if permanent or (pending.reported and unchanged):
            # Nothing will change until the file does, and a new event will say so.
            del self._pending[path]
        else:
            self._backoff(pending, now)
        return StillUnreadable(path, exc.reason) if report else None


def watch_in_thread(
    watcher: FolderWatcher,
    deliver: Callable[[list[Change]], None],
    stop: threading.Event,
    on_error: Callable[[BaseException], None] | None = None,
) -> threading.Thread:
    """Run `watcher` on a daemon thread, handing each batch to `deliver` (on that thread).

    `deliver` must pass the batch to the session's own thread (the board's `call_from_thread`,
    a queue...) and should block until it is applied, so batches stay in order.
    """

    def run() -> None:
        try:
            for batch in watcher.batches(stop):
                deliver(batch)
        except BaseException as exc:  # reported to the owner; a watcher thread must not vanish
            if on_error is None:
                raise
            on_error(exc)

    thread = threading.Thread(target=run, name="followup-sync-watcher", daemon=True)
    thread.start()
    return thread
