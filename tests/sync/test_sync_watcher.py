"""The folder watcher with real watchfiles: what lands in `replicas/` is merged once, whole.

The watcher runs on its own thread, as in the app; the test thread owns the session and applies
each batch, as the board's thread does.
"""

from __future__ import annotations

import queue
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import PASSPHRASE, Laptop, synced
from syncthing import deliver_in_chunks, deliver_like_syncthing

from store.config import Config
from store.vault.crypto import Vault
from sync.folder import ReplicaRead, SyncedSession, open_folder
from sync.loop import Applied, apply_changes
from sync.watcher import (
    Change,
    FolderWatcher,
    OwnReplicaTouched,
    ReplicaGone,
    StillUnreadable,
    TemplatesChanged,
    Timing,
    watch_in_thread,
)

WAIT = 20.0  # generous: the machine is shared; nothing here asserts how long anything took


class Watched:
    """A session with its watcher running; `until()` applies batches on the calling thread."""

    def __init__(self, session: SyncedSession, timing: Timing | None = None) -> None:
        self.session = session
        self.batches: queue.Queue[list[Change]] = queue.Queue()
        self.stop = threading.Event()
        self.watcher = FolderWatcher(
            session.vault, session.device, session.read_signatures, timing or Timing()
        )
        self.thread = watch_in_thread(self.watcher, self.batches.put, self.stop)
        assert self.watcher.ready.wait(WAIT), "the watcher did not start"
        self.changes: list[Change] = []
        self.applied: list[Applied] = []

    def pump(self, timeout: float) -> bool:
        try:
            batch = self.batches.get(timeout=timeout)
        except queue.Empty:
            return False
        self.changes.extend(batch)
        self.applied.append(apply_changes(self.session, batch))
        return True

    def until(self, what: str, done: Callable[[], bool]) -> None:
        deadline = time.monotonic() + WAIT
        while not done():
            if time.monotonic() > deadline:
                raise AssertionError(f"watcher never saw {what}; changes: {self.changes}")
            self.pump(0.05)

    def settle(self, quiet: float = 0.8) -> None:
        """Apply batches until none has come for `quiet` seconds (no assertion on time)."""
        while self.pump(quiet):
            pass

    def close(self) -> None:
        self.stop.set()
        self.thread.join(WAIT)

    def reads_of(self, path: Path) -> list[ReplicaRead]:
        return [c for c in self.changes if isinstance(c, ReplicaRead) and c.path == path]


@pytest.fixture
def watched() -> Iterator[Callable[..., Watched]]:
    started: list[Watched] = []

    def start(session: SyncedSession, timing: Timing | None = None) -> Watched:
        started.append(Watched(session, timing))
        return started[-1]

    yield start
    for watch in started:
        watch.close()


@pytest.fixture
def elsewhere(make_laptop, tmp_path: Path):
    """Laptop b working in its own copy of the folder (as with a real sync tool between them)."""

    def make() -> tuple[Laptop, Laptop]:
        a = make_laptop("a")
        copy = tmp_path / "vault-b"
        shutil.copytree(a.vault, copy)
        b = make_laptop("b", copy)
        assert b.cli("--device-name", "b", "list").code == 0
        return a, b

    return make


def replica_of(laptop: Laptop) -> Path:
    with laptop.active():
        device = Config.load().device_id
    return laptop.vault / "replicas" / f"{device}.json"


def test_replica_landing_in_the_folder_is_merged_and_ours_saved(make_laptop, watched) -> None:
    a, b = make_laptop("a"), make_laptop("b")
    watch = watched(synced(a))

    card = b.cli("--device-name", "b", "add", "--company", "Acme").out.strip()

    watch.until("b's card", lambda: card in watch.session.board.cards)
    assert any(card in applied.changed and applied.persisted for applied in watch.applied)
    assert watch.session.board.device_name(synced(b).device) == "b"
    assert watch.session.last_merge is not None


def test_own_writes_are_recognised_and_not_merged_back(make_laptop, watched) -> None:
    a = make_laptop("a")
    session = synced(a)
    watch = watched(session)

    session.change(lambda board: board.add({"company": "Acme"}))
    watch.until(
        "our own write", lambda: any(isinstance(c, OwnReplicaTouched) for c in watch.changes)
    )
    watch.settle()

    assert all(not applied.changed and not applied.persisted for applied in watch.applied)
    assert not any(isinstance(c, ReplicaRead) for c in watch.changes)


def test_another_process_of_this_device_is_merged_without_rewriting(make_laptop, watched) -> None:
    a = make_laptop("a")
    watch = watched(synced(a))
    written = replica_of(a).stat().st_mtime_ns

    card = a.cli("add", "--company", "Acme").out.strip()  # the CLI in another terminal
    watch.until("the CLI's card", lambda: card in watch.session.board.cards)
    watch.settle()

    assert replica_of(a).stat().st_mtime_ns != written  # the CLI wrote it...
    assert not any(applied.persisted for applied in watch.applied)  # ...and we did not again


def test_slowly_written_replica_is_never_merged_half_and_merged_once_whole(
    elsewhere, watched
) -> None:
    a, b = elsewhere()
    card = b.cli("add", "--company", "Slowly").out.strip()
    source, target = replica_of(b), a.vault / "replicas" / replica_of(b).name
    watch = watched(synced(a), Timing(report_after=30.0))

    deliver_in_chunks(source, target, chunks=8, pause=0.1)
    watch.until("the whole replica", lambda: card in watch.session.board.cards)
    watch.settle()

    assert len(watch.reads_of(target)) == 1
    assert not any(isinstance(c, StillUnreadable) for c in watch.changes)
    assert target.read_bytes() == source.read_bytes()
    assert target not in watch.session.problems


def test_syncthing_delete_then_rename_is_one_update(elsewhere, watched) -> None:
    a, b = elsewhere()
    source = replica_of(b)
    target = a.vault / "replicas" / source.name
    deliver_like_syncthing(source, target)
    watch = watched(synced(a))
    card = b.cli("add", "--company", "Renamed in").out.strip()

    deliver_like_syncthing(source, target)
    watch.until("the replaced replica", lambda: card in watch.session.board.cards)
    watch.settle()

    assert len(watch.reads_of(target)) == 1
    assert not any(isinstance(c, (ReplicaGone, StillUnreadable)) for c in watch.changes)
    assert not target.with_name(f".syncthing.{target.name}.tmp").exists()


def test_garbage_replica_is_reported_left_alone_and_recovers(elsewhere, watched) -> None:
    a, b = elsewhere()
    target = a.vault / "replicas" / replica_of(b).name
    watch = watched(synced(a), Timing(report_after=0.3))

    target.write_bytes(b"\x00garbage")
    watch.until("a report", lambda: any(isinstance(c, StillUnreadable) for c in watch.changes))
    watch.settle()

    assert target.read_bytes() == b"\x00garbage"
    assert "not a complete replica" in watch.session.problems[target]
    assert len([c for c in watch.changes if isinstance(c, StillUnreadable)]) == 1

    card = b.cli("add", "--company", "Fixed").out.strip()
    deliver_like_syncthing(replica_of(b), target)
    watch.until("the good replica", lambda: card in watch.session.board.cards)
    assert target not in watch.session.problems
    assert any(target in applied.recovered for applied in watch.applied)


def test_two_watching_devices_do_not_ping_pong(make_laptop, watched) -> None:
    a, b = make_laptop("a"), make_laptop("b")
    other = synced(b)
    one = synced(a)  # opened last, it already knows everything b knows
    watch_a, watch_b = watched(one), watched(other)
    for watch in (watch_a, watch_b):
        watch.settle(0.3)
        watch.applied.clear()

    card = one.change(lambda board: board.add({"company": "Acme"}))
    deadline = time.monotonic() + WAIT
    while card not in other.board.cards and time.monotonic() < deadline:
        watch_b.pump(0.05)
        watch_a.pump(0.01)
    for _ in range(3):  # let every echo arrive
        watch_a.settle(0.5)
        watch_b.settle(0.5)

    assert card in other.board.cards
    assert sum(applied.persisted for applied in watch_b.applied) == 1  # b took the card in
    assert sum(applied.persisted for applied in watch_a.applied) == 0  # a learnt nothing new
    assert any(watch_a.reads_of(replica_of(b)))  # a did read b's new replica


def test_files_that_landed_before_the_watch_started_are_read_once(elsewhere, watched) -> None:
    a, b = elsewhere()
    session = synced(a)
    card = b.cli("add", "--company", "Early").out.strip()
    deliver_like_syncthing(replica_of(b), a.vault / "replicas" / replica_of(b).name)

    watch = watched(session)
    watch.until("the early replica", lambda: card in session.board.cards)
    watch.settle()

    assert [c.path for c in watch.changes if isinstance(c, ReplicaRead)] == [
        a.vault / "replicas" / replica_of(b).name
    ]


def test_template_changes_are_passed_on_with_their_paths(make_laptop, watched) -> None:
    a = make_laptop("a")
    templates = a.vault / "templates"
    shutil.rmtree(templates, ignore_errors=True)
    watch = watched(synced(a))

    templates.mkdir()  # arrives from another laptop: the watcher starts watching it
    watch.until(
        "the new folder", lambda: any(isinstance(c, TemplatesChanged) for c in watch.changes)
    )
    watch.settle(0.3)
    (templates / "thank-you.yaml").write_text("stage: interviewed\n")
    (templates / ".thank-you.yaml.swp").write_text("editor junk")

    def told() -> list[Path]:
        return [p for c in watch.changes if isinstance(c, TemplatesChanged) for p in c.paths]

    watch.until("the edited template", lambda: templates / "thank-you.yaml" in told())
    assert templates in told()
    assert templates / ".thank-you.yaml.swp" not in told()
    assert any(templates / "thank-you.yaml" in applied.templates for applied in watch.applied)


def test_a_vault_opened_through_a_symlink_is_watched_too(make_laptop, watched, tmp_path) -> None:
    a, b = make_laptop("a"), make_laptop("b")
    link = tmp_path / "link-to-vault"
    link.symlink_to(a.vault, target_is_directory=True)
    with a.active():
        session = open_folder(Vault.unlock(link, PASSPHRASE), Config.load())
    watch = watched(session)

    card = b.cli("add", "--company", "Linked").out.strip()

    watch.until("b's card", lambda: card in session.board.cards)
    reads = [c.path for c in watch.changes if isinstance(c, ReplicaRead)]
    assert reads and all(path.parent == link / "replicas" for path in reads)
