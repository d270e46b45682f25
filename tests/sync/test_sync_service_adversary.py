"""The project's own adversary: three laptops, each with its own copy of the vault folder, and a
simulated sync service between them that does what Syncthing and Dropbox really do.

The service delivers files late (or not at all until the end), replays old versions, delivers
a file cut short, deletes files and empties whole folders, makes both Syncthing's and Dropbox's
conflict copies, rolls a laptop's own replica back ("restore previous version"), restores a
laptop's whole home (config dir and folder) from an old snapshot, and copies one laptop's config
dir onto another machine. The laptops do what a CLI command does, through the store API: open
the folder (`sync.folder.open_session`, real files, real encryption), make one change, done.

After each schedule every file reaches every folder and every laptop syncs, and then:
- the three boards are equal (cards and devices);
- every write that still existed somewhere (in the newest version of some file, which the
  service spreads at the end) is in the state, as its field's value or a conflict, unless a
  version in the state was written by someone who had seen it;
- versions kept side by side were truly concurrent (neither writer had seen the other);
- no timeline event that still existed somewhere is lost.
What the harness knows of who saw what is its own bookkeeping (which file versions each session
read), independent of the stamps and version vectors the store uses.

Each schedule is small so that at least 1,000 run in about a minute on a 2-core machine: the key
is derived once, and the folders live on tmpfs when there is one. The count and the seed are
printed; `FOLLOWUP_ADVERSARY_SEED=N` replays a run, `FOLLOWUP_ADVERSARY_SCHEDULES=N` sets how many.
A replay is exact: while a schedule runs, the ids the store draws (devices, writers, cards,
events) come from a generator seeded with the schedule's seed, and its clocks read a wall clock
that moves one millisecond per reading from a fixed start (`pinned`), so one seed is one run.
"""

from __future__ import annotations

import contextlib
import copy
import os
import random
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import store.cards.clock
import store.ids
from store.cards.board import new_id
from store.cards.model import STAGES
from store.config import Config, new_device_id
from store.errors import FollowupError
from store.vault.crypto import Vault
from sync.folder import SyncedSession, open_session
from sync.names import Kind, classify

SCHEDULES = int(os.environ.get("FOLLOWUP_ADVERSARY_SCHEDULES", "1000"))
LAPTOPS = 3
NOTES = ("call back", "sent portfolio", "ask about remote", "")
Key = tuple[str, ...]  # (card, field, stamp) of a write, or ("event", card, id)


@dataclass
class Version:
    """One version of a replica file as the service holds it."""

    data: bytes
    knows: frozenset[Key]  # every write and event its writer's board had seen
    origin: int = -1  # the laptop whose app wrote it


@dataclass
class Write:
    key: Key
    knew: frozenset[Key]  # the writes of the same field its writer had seen


@dataclass
class Laptop:
    slot: int
    config_dir: Path
    folder: Path
    machine: str
    snapshot: tuple[Path, dict[str, bytes]] | None = None


@dataclass
class World:
    root: Path
    vault: Vault
    rng: random.Random
    laptops: list[Laptop] = field(default_factory=list)
    newest: dict[str, Version] = field(default_factory=dict)  # what the service spreads
    versions: dict[str, list[bytes]] = field(default_factory=dict)  # every version, per name
    known: dict[bytes, frozenset[Key]] = field(default_factory=dict)  # bytes -> what it knows
    writes: dict[Key, Write] = field(default_factory=dict)
    acknowledged: int = 0
    refused: int = 0
    log: list[str] = field(default_factory=list)
    configs: dict[Path, tuple[Any, Config]] = field(default_factory=dict)

    # --- the laptops --------------------------------------------------------------------------

    @contextlib.contextmanager
    def on(self, laptop: Laptop) -> Iterator[None]:
        os.environ["FOLLOWUP_CONFIG_DIR"] = str(laptop.config_dir)
        os.environ["FOLLOWUP_MACHINE_ID"] = laptop.machine
        yield

    def files(self, laptop: Laptop) -> dict[str, bytes]:
        folder = laptop.folder / "replicas"
        if not folder.is_dir():
            return {}
        return {
            p.name: p.read_bytes()
            for p in sorted(folder.iterdir())
            if classify(p, "").kind in (Kind.REPLICA, Kind.CONFLICT)
        }

    def open(
        self, laptop: Laptop, before: dict[str, bytes]
    ) -> tuple[SyncedSession, frozenset[Key]]:
        """Open the folder as a command does; what the session read, as the harness knows it."""
        with self.on(laptop):
            session = open_session(self.vault.at(laptop.folder), self.config(laptop))
        assert isinstance(session, SyncedSession)
        read = laptop.folder / "replicas"
        knows: set[Key] = set()
        for name, data in before.items():
            if read / name not in session.problems:
                knows |= self.knowledge(name, data)
        return session, frozenset(knows)

    def knowledge(self, name: str, data: bytes) -> frozenset[Key]:
        """What a file's bytes hold: a version's, or, for a file cut short, the longest version
        of that name it begins with. A replica is a snapshot followed by appended changes and a
        reader leaves out a last change cut short, so a cut file reads as an earlier version;
        crediting nothing would call a write that saw it a lost one (and crediting the version
        it was cut from would hide a loss)."""
        if data in self.known:
            return self.known[data]
        prefixes = [v for v in self.versions.get(name, ()) if data.startswith(v)]
        return self.known[max(prefixes, key=len)] if prefixes else frozenset()

    def command(self, laptop: Laptop, action: Any = None) -> SyncedSession:
        before = self.files(laptop)
        session, knows = self.open(laptop, before)
        # Opening writes our replica when what it merged is new: a version of its own, which
        # a file cut short later may read as (`knowledge`).
        opened = self.files(laptop)
        self.register(laptop, before, knows)
        if action is not None:
            try:
                session.change(action)
                self.acknowledged += 1
            except FollowupError as exc:  # refused (an emptied folder, a damaged replica)
                self.refused += 1
                self.log.append(f"  refused: {exc}")
        new = self.record_writes(session, knows)
        self.register(laptop, opened, knows | new)
        return session

    def record_writes(self, session: SyncedSession, knows: frozenset[Key]) -> frozenset[Key]:
        """Writes in the session's board that no version it read knew: this command's."""
        new: set[Key] = set()
        for card_id, state in session.board.cards.items():
            for name, entries in state["f"].items():
                for entry in entries:
                    key = (card_id, name, entry[1])
                    if key not in knows and key not in self.writes:
                        knew = frozenset(k for k in knows if k[:2] == (card_id, name))
                        self.writes[key] = Write(key, knew)
                        new.add(key)
            new.update(("event", card_id, e) for e in state["t"])
        return frozenset(new - knows)

    def register(self, laptop: Laptop, before: dict[str, bytes], knows: frozenset[Key]) -> None:
        """Replica files the laptop's app wrote are new versions the service now holds.

        Two machines writing one file (a copied config) meet as the sync tools make them meet:
        the version the writer had not read is kept beside the new one as a conflict copy.
        """
        for name, data in self.files(laptop).items():
            if classify(name, "").kind is not Kind.REPLICA or data == before.get(name):
                continue
            assert data not in self.known, f"{name}: the app wrote bytes it wrote before"
            previous = self.newest.get(name)
            if (
                previous
                and previous.origin not in (-1, laptop.slot)
                and (before.get(name) != previous.data)
            ):
                stem = name.removesuffix(".json")
                copy = f"{stem} (laptop {previous.origin}'s conflicted copy 2026-12-01).json"
                self.newest[copy] = previous
            self.known[data] = knows
            self.newest[name] = Version(data, knows, laptop.slot)
            self.versions.setdefault(name, []).append(data)

    def config(self, laptop: Laptop) -> Config:
        """The laptop's config as `Config.load` reads it (read again only when it changed)."""
        path = laptop.config_dir / "config.yaml"
        st = path.stat() if path.exists() else None
        mark = (st.st_ino, st.st_mtime_ns, st.st_size) if st else None
        cached = self.configs.get(path)
        if cached is None or cached[0] != mark or mark is None:
            with self.on(laptop):
                cached = self.configs[path] = (mark, Config.load())
        return copy.copy(cached[1])

    def own_file(self, laptop: Laptop) -> Path:
        return laptop.folder / "replicas" / f"{self.config(laptop).device_id}.json"

    # --- the sync service ---------------------------------------------------------------------

    def deliver(self, to: Laptop, name: str, data: bytes) -> None:
        """As Syncthing does: the new content lands in a temp file, then replaces the old."""
        folder = to.folder / "replicas"
        folder.mkdir(exist_ok=True)
        temp = folder / f".syncthing.{name}.tmp"
        temp.write_bytes(data)
        temp.replace(folder / name)

    def spread(self, to: Laptop) -> None:
        for name, version in sorted(self.newest.items()):
            self.deliver(to, name, version.data)

    def step(self) -> None:
        rng = self.rng
        laptop = rng.choice(self.laptops)
        names = sorted(self.versions)  # replicas; conflict copies are in `newest` only
        kind = rng.choices(FAULTS, weights=WEIGHTS)[0]
        self.log.append(f"{kind} on laptop {laptop.slot}")
        if kind == "command":
            self.command(laptop, self.random_action(laptop))
        elif not names:
            return
        elif kind == "deliver":  # some of the newest versions, late as they may be
            spread = sorted(self.newest)
            for name in rng.sample(spread, rng.randint(1, len(spread))):
                self.deliver(laptop, name, self.newest[name].data)
        elif kind == "replay":  # an old version of some file, delivered again
            name = rng.choice(names)
            self.deliver(laptop, name, rng.choice(self.versions[name]))
        elif kind == "truncate":  # a file cut short (still arriving, or a tool's bug)
            name = rng.choice(names)
            data = self.newest[name].data
            self.deliver(laptop, name, data[: rng.randint(0, len(data) - 1)])
        elif kind == "delete":
            present = sorted((laptop.folder / "replicas").glob("*.json"))
            if present:
                rng.choice(present).unlink()
        elif kind == "empty":  # a share not mounted, a tool that emptied the folder
            for path in (laptop.folder / "replicas").glob("*.json"):
                path.unlink()
        elif kind == "conflict":  # both kinds of conflict copy, holding some version
            name = rng.choice(names)
            stem = name.removesuffix(".json")
            copy = rng.choice(
                [
                    f"{stem}.sync-conflict-20261201-101010-ABCDEFG.json",
                    f"{stem} (laptop {laptop.slot}'s conflicted copy 2026-12-01).json",
                ]
            )
            self.deliver(laptop, copy, rng.choice(self.versions[name]))
        elif kind == "rollback":  # "restore previous version" of the laptop's own replica
            own = self.own_file(laptop)
            older = self.versions.get(own.name, [])[:-1]
            if older:
                data = rng.choice(older)
                self.deliver(laptop, own.name, data)
                self.newest[own.name] = Version(data, self.known[data], laptop.slot)
        elif kind == "snapshot":  # a backup of the laptop's home: config dir and replica
            own = self.own_file(laptop)
            place = self.root / f"home-{laptop.slot}-{store.ids.random_hex(3)}"
            shutil.copytree(laptop.config_dir, place)
            laptop.snapshot = (place, {own.name: own.read_bytes()} if own.exists() else {})
        elif kind == "restore" and laptop.snapshot:  # ... restored, both at once
            place, files = laptop.snapshot
            shutil.rmtree(laptop.config_dir)
            shutil.copytree(place, laptop.config_dir)
            for name, data in files.items():
                self.deliver(laptop, name, data)
                if data in self.known:
                    self.newest[name] = Version(data, self.known[data], laptop.slot)
        elif kind == "clone":  # another laptop's config dir copied onto this machine
            source = rng.choice([other for other in self.laptops if other is not laptop])
            shutil.rmtree(laptop.config_dir)
            shutil.copytree(source.config_dir, laptop.config_dir)
            if rng.random() < 0.5:  # a cloned VM: its folder comes along too
                for name, data in self.files(source).items():
                    self.deliver(laptop, name, data)

    def random_action(self, laptop: Laptop) -> Any:
        rng = self.rng
        choice, pick = rng.random(), rng.random()
        text, stage = rng.choice(NOTES), rng.choice(STAGES)

        def act(board: Any) -> None:
            cards = sorted(board.cards)
            if not cards or choice < 0.08:
                board.add({"company": "Acme", "notes": text})
            elif choice < 0.6:
                board.edit(cards[int(pick * len(cards))], {"notes": f"{text} ({laptop.slot})"})
            elif choice < 0.7:
                board.edit(cards[int(pick * len(cards))], {"tags": [text or "remote"]})
            elif choice < 0.85:
                card = cards[int(pick * len(cards))]
                board.move(card, stage, outcome="offer" if stage == "closed" else None)
            elif choice < 0.9:
                board.delete(cards[int(pick * len(cards))])
            elif choice < 0.95:
                board.restore(cards[int(pick * len(cards))])
            else:
                card = cards[int(pick * len(cards))]
                conflicts = board.card(card).conflicts
                if conflicts:
                    board.resolve(card, sorted(conflicts)[0], 0)

        return act

    # --- the end of a schedule ----------------------------------------------------------------

    def settle_everything(self) -> list[SyncedSession]:
        """Every file reaches every folder and every laptop syncs, until they agree."""
        for _ in range(4):
            for laptop in self.laptops:
                self.spread(laptop)
            sessions = [self.command(laptop) for laptop in self.laptops]
            boards = [s.board for s in sessions]
            if all(b.cards == boards[0].cards and b.devices == boards[0].devices for b in boards):
                return sessions
        differ = [
            f"{name}: {[getattr(b, name) for b in boards]}"
            for name in ("cards", "devices")
            if any(getattr(b, name) != getattr(boards[0], name) for b in boards)
        ]
        raise AssertionError(f"the laptops never came to agree: {differ}")

    def check(self, sessions: list[SyncedSession]) -> None:
        boards = [s.board for s in sessions]
        for other in boards[1:]:
            assert other.cards == boards[0].cards, "the boards differ"
            assert other.devices == boards[0].devices, "the devices tables differ"
        state = boards[0].cards
        reachable: set[Key] = set()
        for version in self.newest.values():
            reachable |= version.knows
        for key in sorted(reachable):
            if key[0] == "event":
                assert key[2] in state[key[1]]["t"], f"timeline event {key} lost"
                continue
            card, name, stamp = key
            present = [e[1] for e in state[card]["f"][name]]
            if stamp in present:
                continue
            seen_by = [s for s in present if key in self.writes[(card, name, s)].knew]
            assert seen_by, f"the write {key} vanished though nothing that replaced it saw it"
        for card, card_state in state.items():
            for name, entries in card_state["f"].items():
                stamps = [e[1] for e in entries]
                for one in stamps:
                    for other in stamps:
                        if one != other:
                            knew = self.writes[(card, name, one)].knew
                            assert (card, name, other) not in knew, (
                                f"{name} of {card} keeps {other} beside {one}, which had seen it"
                            )


FAULTS = (
    "command",
    "deliver",
    "replay",
    "truncate",
    "delete",
    "empty",
    "conflict",
    "rollback",
    "snapshot",
    "restore",
    "clone",
)
WEIGHTS = (10, 8, 1.5, 1, 1, 0.3, 1.5, 3, 1, 1.5, 1)


class _PinnedTime:
    """What `store.cards.clock` reads as `time`: a wall clock that moves 1 ms per reading."""

    def __init__(self, start_ms: int) -> None:
        self._ns = start_ms * 1_000_000

    def time_ns(self) -> int:
        self._ns += 1_000_000
        return self._ns


@contextlib.contextmanager
def pinned(seed: int) -> Iterator[None]:
    """Ids and clocks drawn from `seed`, so that replaying a seed replays its schedule."""
    drawn = random.Random(f"ids {seed}")
    saved = store.ids.random_hex, store.cards.clock.time
    store.ids.random_hex = lambda n: drawn.randbytes(n).hex()  # type: ignore[assignment]
    store.cards.clock.time = _PinnedTime(1_796_137_000_000)  # type: ignore[assignment]
    try:
        yield
    finally:
        store.ids.random_hex, store.cards.clock.time = saved  # type: ignore[assignment]


def test_a_seed_pinned_draws_the_same_ids_and_stamps_again() -> None:
    """What makes a failing seed replay: every id the store makes comes from the seed."""

    def drawn() -> list[str]:
        with pinned(11):
            return [new_id(), new_device_id(), store.ids.random_hex(4)]

    assert drawn() == drawn()
    assert drawn() != [new_id(), new_device_id(), store.ids.random_hex(4)]


@pytest.fixture(scope="module")
def template() -> Iterator[World]:
    """One vault and three laptops that joined it, made once (the key derived once): every
    schedule starts from a copy of their config dirs and folders."""
    shm = Path("/dev/shm")
    root = Path(tempfile.mkdtemp(prefix="followup-adversary-", dir=shm if shm.is_dir() else None))
    saved = {k: os.environ.get(k) for k in ("FOLLOWUP_CONFIG_DIR", "FOLLOWUP_MACHINE_ID")}
    try:
        with pinned(0):
            vault = Vault.create(root / "start" / "vault", "adversary passphrase")
            world = World(root / "start", vault, random.Random(0))
            for slot in range(LAPTOPS):
                folder = world.root / f"folder-{slot}"
                (folder / "replicas").mkdir(parents=True)
                shutil.copy(vault.path / "vault.json", folder / "vault.json")
                laptop = Laptop(slot, world.root / f"config-{slot}", folder, f"machine-{slot}")
                world.laptops.append(laptop)
                world.command(laptop)  # joins: the first command on a new laptop
            # One card every laptop has: then their edits meet, as the adversary wants.
            world.command(world.laptops[0], lambda board: board.add({"company": "Acme"}))
            world.settle_everything()
        yield world
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(root, ignore_errors=True)


def play(start: World, seed: int, steps: int) -> World:
    root = start.root.parent / f"schedule-{seed}"
    shutil.copytree(start.root, root, symlinks=True)
    world = World(
        root,
        start.vault,
        random.Random(seed),
        laptops=[
            Laptop(lap.slot, root / lap.config_dir.name, root / lap.folder.name, lap.machine)
            for lap in start.laptops
        ],
        newest=dict(start.newest),
        versions={name: list(v) for name, v in start.versions.items()},
        known=dict(start.known),
        writes=dict(start.writes),
    )
    try:
        with pinned(seed):
            for _ in range(steps):
                world.step()
            world.check(world.settle_everything())
    except AssertionError as exc:
        raise AssertionError(f"{exc}; what happened:\n" + "\n".join(world.log)) from None
    shutil.rmtree(root)
    return world


def test_no_sync_service_fault_loses_a_write_or_keeps_the_laptops_apart(
    template: World, record_property: Callable[[str, object], None]
) -> None:
    seed = int(os.environ.get("FOLLOWUP_ADVERSARY_SEED") or secrets.randbits(32))
    acknowledged = refused = 0
    for schedule in range(SCHEDULES):
        world = None
        try:
            world = play(template, seed + schedule, steps=7)
        except AssertionError as exc:
            raise AssertionError(
                f"schedule {schedule} (FOLLOWUP_ADVERSARY_SEED={seed + schedule} "
                f"FOLLOWUP_ADVERSARY_SCHEDULES=1 replays it): {exc}"
            ) from exc
        acknowledged += world.acknowledged
        refused += world.refused
    record_property(  # printed in the run's summary (conftest.py), from any worker
        "summary",
        f"adversary: {SCHEDULES} schedules, seed {seed}; {acknowledged} writes "
        f"acknowledged, {refused} refused (a folder emptied, a replica still arriving)",
    )
    # The schedules did write (about two acknowledged a schedule; a replay of one may not).
    assert acknowledged > SCHEDULES or SCHEDULES < 100
