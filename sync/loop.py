"""Applying the watcher's changes to a session, on the session's own thread.

The watcher reads and decrypts on its thread; everything that touches the board happens here,
called by whoever owns the session: `run` for the headless `followup-tui sync --watch`, the
board's worker (through `call_from_thread`) for the live board. After a batch, our replica is
written only when the merge changed our state (so devices never ping-pong), and conflict copies
are removed only once that write is done.

Must never merge a file that did not read whole, and never delete or overwrite one that did
not; must never import textual.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from store.errors import FollowupError, ReplicaUnreadable
from sync.folder import ReplicaRead, SyncedSession
from sync.watcher import (
    Change,
    FolderWatcher,
    OwnReplicaTouched,
    ReplicaGone,
    StillUnreadable,
    TemplatesChanged,
    Timing,
)


@dataclass
class Applied:
    """What one batch did: for a UI to refresh what changed and for logs to say so."""

    changed: set[str] = field(default_factory=set)  # card ids ("<devices>" for device names)
    merged: list[Path] = field(default_factory=list)
    persisted: bool = False
    removed: list[Path] = field(default_factory=list)
    unreadable: dict[Path, str] = field(default_factory=dict)
    recovered: list[Path] = field(default_factory=list)  # reported before, fine now or gone
    templates: tuple[Path, ...] = ()
    error: str | None = None  # our replica could not be written (the state stays in memory)

    @property
    def cards(self) -> set[str]:
        return {c for c in self.changed if not c.startswith("<")}

    @property
    def anything(self) -> bool:
        return bool(
            self.changed
            or self.merged
            or self.persisted
            or self.removed
            or self.unreadable
            or self.recovered
            or self.templates
            or self.error
        )


def apply_changes(session: SyncedSession, batch: list[Change], save: bool = True) -> Applied:
    """Merge a batch into the session and (with `save`) make the result durable.

    Call on the session's thread. A board may pass `save=False`, repaint, then call `save`:
    what it shows early is already durable in the other device's replica, so nothing is lost
    if it never gets to save; only the conflict copies wait for the save.
    """
    applied = Applied()
    templates: list[Path] = []
    for change in batch:
        if isinstance(change, ReplicaRead):
            had_problem = change.path in session.problems
            try:
                applied.changed |= session.merge_read(change)
            except ReplicaUnreadable as exc:
                applied.unreadable[change.path] = exc.reason
                continue
            applied.merged.append(change.path)
            if had_problem:
                applied.recovered.append(change.path)
        elif isinstance(change, OwnReplicaTouched):
            if not session.replica.is_ours(change.path):
                had_problem = session.own_problem is not None
                applied.changed |= session.refresh_own()
                if session.own_problem:
                    applied.unreadable[change.path] = session.own_problem
                elif had_problem:
                    applied.recovered.append(change.path)
        elif isinstance(change, StillUnreadable):
            session.problems[change.path] = change.reason
            applied.unreadable[change.path] = change.reason
        elif isinstance(change, ReplicaGone):
            if session.problems.pop(change.path, None) is not None:
                applied.recovered.append(change.path)
            session.read_signatures.pop(change.path, None)
        elif isinstance(change, TemplatesChanged):
            templates.extend(p for p in change.paths if p not in templates)
    applied.templates = tuple(templates)
    return save_merged(session, applied) if save else applied


def save_merged(session: SyncedSession, applied: Applied | None = None) -> Applied:
    """Write our replica if merging changed our state, then remove the conflict copies it holds."""
    applied = applied or Applied()
    try:
        applied.persisted = session.persist_if_changed()
    except FollowupError as exc:  # e.g. our replica turned unreadable: never overwrite it
        applied.error = str(exc)
        return applied
    applied.removed = session.remove_merged_copies()
    return applied


def run(
    session: SyncedSession,
    stop: threading.Event,
    on_applied: Callable[[Applied], None],
    timing: Timing | None = None,
    ready: Callable[[], None] | None = None,
    on_idle: Callable[[], None] | None = None,
) -> None:
    """Watch and merge on the calling thread until `stop` is set (`followup-tui sync --watch`).

    The session is used only here, so nothing else may touch it while this runs; `on_idle`
    is called on this thread too, after each batch and on each quiet tick of the watcher.
    """
    watcher = FolderWatcher(session.vault, session.device, session.read_signatures, timing)
    for batch in watcher.batches(stop, on_ready=ready, yield_idle=on_idle is not None):
        if batch:
            applied = apply_changes(session, batch)
            if applied.anything:
                on_applied(applied)
        if on_idle is not None:
            on_idle()
