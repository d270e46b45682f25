"""The board's sync status line, and the worker that keeps the open board merged with the folder.

`SyncStatus` sits in the board's status line. When the session knows the folder (a
`SyncedSession`, which every vault opened through `open_unlocked` is), it runs the folder
watcher in a thread worker; each batch of changes is applied on the app's thread (a session is
not thread-safe), then what shows the cards that changed repaints them (`merged`: the app's
`board_changed`, handed over by the board), keeping the focus on its card and leaving an open
edit alone.
The line shows the last merge, every other device with its name and when it was last seen,
and how many files could not be read (the tooltip names them). A device whose replica cannot be
read now is named among the unreadable, with no age: the damaged file's time is no sign that it
synced. A file that could never be read names no device: it is counted as unreadable, not shown
as a laptop. When the line is short,
devices go first (counted: "+2 more"), so what needs the user's attention is never cut.

Must never touch the session off the app's thread, and never let a sync failure end the app.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.markup import escape
from rich.text import Text
from textual.content import Content
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from store.untrusted import one_line
from store.vault.session import Session
from sync.doctor import ago, device_rows
from sync.folder import SyncedSession

if TYPE_CHECKING:  # imported where used: watchfiles is not needed before the board shows
    from sync.loop import Applied
    from sync.watcher import Change, FolderWatcher, Timing


class SyncStatus(Static):
    DEFAULT_CSS = """
    SyncStatus {
        width: auto;
        height: 1;
        color: $text-muted;
    }
    SyncStatus.-problem {
        color: $warning;
    }
    """

    class Merged(Message):
        """A batch from the folder was applied to the board (cards in `applied.cards`)."""

        def __init__(self, applied: Applied) -> None:
            super().__init__()
            self.applied = applied

    class Arrived(Message, bubble=False):
        """A batch from the watcher's thread, to apply on the app's thread."""

        def __init__(self, batch: list[Change]) -> None:
            super().__init__()
            self.batch = batch

    class TemplatesChanged(Message):
        """Template files were added, edited or removed (by hand, or by another laptop)."""

        def __init__(self, paths: tuple[Path, ...]) -> None:
            super().__init__()
            self.paths = paths

    def __init__(
        self,
        session: Session,
        *,
        merged: Callable[[set[str]], None] | None = None,
        watch: bool = True,
        timing: Timing | None = None,
        id: str | None = "sync-status",
    ) -> None:
        super().__init__("", id=id)
        self.session = session
        self.merged = merged  # told the ids of the cards a merge changed, before it is saved
        self.watch_folder = watch and isinstance(session, SyncedSession)
        self.timing = timing
        self.watching = threading.Event()  # set once the watcher sees the folder (tests wait)
        self._watcher_started = False
        self.stopped: str | None = None  # why live sync stopped, if it did
        self.reserved = 0  # cells the rest of the status line needs (the board says)
        self._stop = threading.Event()

    # --- lifetime -------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.show()
        self.set_interval(30, self.show)  # "seen 2 min ago" ages

    def start_watching(self) -> None:
        """Called by the board once it is painted: the watcher's first look at the folder finds
        anything that landed before it started (it compares what the session has read)."""
        from sync.watcher import FolderWatcher

        if not self.watch_folder or self._stop.is_set() or self._watcher_started:
            return  # nothing to watch, unmounted before the paint, or watching already
        self._watcher_started = True
        assert isinstance(self.session, SyncedSession)
        # Made here, on the app's thread: it copies what the session has read so far.
        watcher = FolderWatcher(
            self.session.vault,
            self.session.device,
            self.session.read_signatures,
            self.timing,
            positions=self.session.read_positions,
        )
        self.run_worker(
            partial(self._watch, watcher),
            name="folder watcher",
            group="sync",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def on_unmount(self) -> None:
        self._stop.set()

    def _watch(self, watcher: FolderWatcher) -> None:
        """On the worker's thread: watch, and post every batch to the app's thread.

        Posting never blocks, so the thread ends within a tick of the widget going away or
        the app cancelling its workers, and the app never waits on it at exit.
        """
        stop = _Either(self._stop, get_current_worker().cancelled_event)
        for batch in watcher.batches(stop, on_ready=self.watching.set):
            if not self.post_message(self.Arrived(batch)):
                return

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "sync" and event.state is WorkerState.ERROR:
            self._stopped_by(event.worker.error or RuntimeError("the watcher ended"))

    # --- applying (the app's thread) --------------------------------------------------------------

    def on_sync_status_arrived(self, message: Arrived) -> None:
        try:
            self._apply(message.batch)
        except Exception as exc:  # a bug must not end the app: stop syncing, say so
            self._stopped_by(exc)

    def _stopped_by(self, exc: BaseException) -> None:
        self._stop.set()
        self.stopped = f"{type(exc).__name__}: {exc}"
        self.notify(
            f"Live sync stopped ({self.stopped}); your changes are still saved. "
            "Restart the app to resume it.",
            title="Sync",
            severity="error",
            timeout=10,
        )
        self.show()

    def _apply(self, batch: list[Change]) -> None:
        from sync.loop import apply_changes

        assert isinstance(self.session, SyncedSession)
        before = set(self.session.problems)
        applied = apply_changes(self.session, batch, save=False)
        if applied.cards and self.merged is not None:
            self.merged(applied.cards)
        for path, reason in applied.unreadable.items():
            if path not in before:
                self.notify(
                    f"{path.name}: {reason}",
                    title="Replica not read",
                    severity="warning",
                    markup=False,  # a file name from the synced folder is text, not markup
                )
        self.show()
        # Paint first, then save: what shows is already durable in the other device's replica.
        self.call_after_refresh(self._save, applied)

    def _save(self, applied: Applied) -> None:
        from sync.loop import save_merged

        assert isinstance(self.session, SyncedSession)
        try:
            save_merged(self.session, applied)
        except Exception as exc:  # as above: never end the app over a sync failure
            self._stopped_by(exc)
            return
        if applied.error:
            self.notify(applied.error, title="Not saved", severity="error", timeout=10)
        if applied.templates:
            self.post_message(self.TemplatesChanged(applied.templates))
        self.post_message(self.Merged(applied))
        self.show()

    # --- showing --------------------------------------------------------------------------------

    def show(self) -> None:
        line = self.parent
        room = None
        if line is not None and line.size.width:
            room = max(0, line.content_region.width - self.reserved)
        text, problems = self.describe(room)
        self.update(text)
        self.set_class(bool(problems), "-problem")
        self.tooltip = Content("\n".join(problems)) if problems else None  # text, not markup

    def describe(self, room: int | None = None) -> tuple[str, list[str]]:
        """The line's markup (the longest form that fits `room` cells), and one line per file
        that could not be read (for the tooltip)."""
        session = self.session
        if not isinstance(session, SyncedSession):
            return "", []
        first = []
        if self.stopped:
            first.append("[b]live sync stopped[/]")
        elif session.last_merge is not None:
            first.append(f"merged {session.last_merge.astimezone():%H:%M}")
        known = session.board.devices  # a device is one whose replica was read, some time
        others = [row for row in device_rows(session) if not row.this_device]
        devices = [
            f"{escape(row.name)} {ago(row.last_seen)}"
            for row in others
            if row.device in known and not row.unreadable
        ]
        # A damaged replica is no sign of life: its device is named among the unreadable.
        damaged = [escape(row.name) for row in others if row.device in known and row.unreadable]
        problems = [
            f"{one_line(path.name)}: {reason}" for path, reason in sorted(session.problems.items())
        ]
        tails = [[]]
        if problems:
            count = f"[b]{len(problems)} unreadable[/]"
            named = count
            if damaged:
                rest = len(problems) - len(damaged)
                named = f"[b]{len(problems)} unreadable: {', '.join(damaged)}[/]"
                named += f" +{rest} more" if rest > 0 else ""
            tails = [
                [f"{named} (followup-tui doctor)"],
                [f"{named} (doctor)"],
                [named],
                [f"{count} (doctor)"],
                [count],
            ]
        if not devices and damaged:
            devices_forms = [[]]  # other devices there are: their replicas say so, unread
        elif not devices:
            devices_forms = [["only this device so far"], []]
        else:
            devices_forms = [
                devices[:n] + ([f"+{len(devices) - n} more"] if n < len(devices) else [])
                for n in range(len(devices), -1, -1)
            ]
            devices_forms.append([])
        candidates = [
            "sync: " + "  ·  ".join(first + shown + tail)
            for tail in tails
            for shown in devices_forms
        ]
        if not problems:
            candidates.append("")  # no room, and nothing wrong: say nothing rather than "sync:"
        if room is not None:
            for text in candidates:
                if cell_len(Text.from_markup(text).plain) <= room:
                    return text, problems
        return candidates[0] if room is None else candidates[-1], problems


class _Either:
    """Stop when either event is set (watchfiles asks only `is_set()`)."""

    def __init__(self, *events: threading.Event) -> None:
        self.events = events

    def is_set(self) -> bool:
        return any(event.is_set() for event in self.events)
