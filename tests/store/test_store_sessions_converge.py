"""Three real sessions, each with its own copy of the vault folder, exchanging encrypted files.

The board-level properties are in `test_store_merge_properties.py`; this one drives what the
app really runs: `Session.change` writing sealed replica files, and `Session.reload` merging
whatever a sync tool has delivered — stale versions, repeats, some never — into each folder.
Once every folder holds every device's newest file, the three boards are identical, a fresh
open of any folder shows the same board, and another round of delivery writes nothing at all.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.cards.model import STAGES
from store.config import Config
from store.vault.crypto import Vault
from store.vault.session import Session

DEVICES = ("aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc")


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Vault:
    return Vault.create(tmp_path_factory.mktemp("origin") / "vault", "passphrase")


class Laptop:
    """One device: its own copy of the vault folder and its own config dir."""

    def __init__(self, vault: Vault, root: Path, device: str) -> None:
        self.folder = root / f"folder-{device}"
        (self.folder / "replicas").mkdir(parents=True)
        shutil.copy(vault.path / "vault.json", self.folder / "vault.json")
        self.config = Config(device, f"laptop {device[0]}", path=root / device / "config.yaml")
        self.session = Session.open(vault.at(self.folder), self.config)
        self.sent: list[bytes] = []  # every version of our replica file a sync tool could carry
        self.note_write()

    @property
    def own_file(self) -> Path:
        return self.session.replica.path

    def note_write(self) -> None:
        if self.own_file.exists():
            data = self.own_file.read_bytes()
            if not self.sent or self.sent[-1] != data:
                self.sent.append(data)

    def receive(self, sender: Laptop, version: int) -> None:
        target = self.folder / "replicas" / sender.own_file.name
        target.write_bytes(sender.sent[version % len(sender.sent)])
        self.session.reload()
        self.note_write()


@pytest.fixture
def world(vault: Vault) -> Iterator[Callable[[], list[Laptop]]]:
    roots: list[str] = []

    def make() -> list[Laptop]:
        root = Path(tempfile.mkdtemp(prefix="followup-prop-"))
        roots.append(str(root))
        return [Laptop(vault, root, device) for device in DEVICES]

    yield make
    for root in roots:
        shutil.rmtree(root, ignore_errors=True)


laptop_index = st.integers(0, 2)
steps = st.one_of(
    st.tuples(st.just("add"), laptop_index, st.sampled_from(["Acme", "Globex"])),
    st.tuples(st.just("edit"), laptop_index, st.integers(0, 3), st.sampled_from(["a", "b", ""])),
    st.tuples(st.just("move"), laptop_index, st.integers(0, 3), st.sampled_from(STAGES)),
    st.tuples(st.just("delete"), laptop_index, st.integers(0, 3)),
    st.tuples(st.just("restore"), laptop_index, st.integers(0, 3)),
    st.tuples(st.just("deliver"), laptop_index, st.integers(1, 2), st.integers(-2, 9)),
    st.tuples(st.just("deliver"), laptop_index, st.integers(1, 2), st.integers(-2, 9)),
)


def run(laptops: list[Laptop], step: tuple) -> None:
    kind, laptop = step[0], laptops[step[1]]
    if kind == "deliver":
        laptop.receive(laptops[(step[1] + step[2]) % 3], step[3])
        return
    session = laptop.session
    if kind == "add":
        session.change(lambda board: board.add({"company": step[2]}))
    else:
        ids = sorted(session.board.cards)
        if not ids:
            return
        card_id = ids[step[2] % len(ids)]
        if kind == "edit":
            session.change(lambda board: board.edit(card_id, {"notes": step[3]}))
        elif kind == "move":
            session.change(lambda board: board.move(card_id, step[3]))
        elif kind == "delete":
            session.change(lambda board: board.delete(card_id))
        else:
            session.change(lambda board: board.restore(card_id))
    laptop.note_write()


@settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(plan=st.lists(steps, min_size=5, max_size=25))
def test_sessions_that_received_every_file_hold_the_same_board_and_stop_writing(
    world, vault: Vault, plan: list[tuple]
) -> None:
    laptops = world()
    for step in plan:
        run(laptops, step)
    for receiver in laptops:
        for sender in laptops:
            if sender is not receiver:
                receiver.receive(sender, -1)
    boards = [laptop.session.board for laptop in laptops]
    for board in boards[1:]:
        assert board.cards == boards[0].cards
    # Whoever wrote while merging above already had everything: its file changes nothing now.
    written = [laptop.own_file.read_bytes() for laptop in laptops]
    for receiver in laptops:
        for sender in laptops:
            if sender is not receiver:
                receiver.receive(sender, -1)
    assert [laptop.own_file.read_bytes() for laptop in laptops] == written, "ping-pong"
    for laptop in laptops:
        reopened = Session.open(vault.at(laptop.folder), laptop.config)
        assert reopened.board.cards == boards[0].cards
        assert not reopened.problems
