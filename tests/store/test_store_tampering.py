"""Damaged and tampered replica files: each is one clear error naming the file, never a crash,
and the other replicas still open. A damaged replica of our own is never written over.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import PASSPHRASE, Laptop

from store.config import Config
from store.errors import DeviceMismatch, FollowupError, ForeignReplica, ReplicaUnreadable
from store.vault.crypto import Vault
from store.vault.replica import read_replica
from store.vault.session import Session


def device_of(laptop: Laptop) -> str:
    with laptop.active():
        return Config.load().device_id


def replica_of(laptop: Laptop) -> Path:
    return laptop.vault / "replicas" / f"{device_of(laptop)}.json"


def open_as(laptop: Laptop, vault: Vault | None = None) -> Session:
    with laptop.active():
        return Session.open(vault or Vault.unlock(laptop.vault, PASSPHRASE), Config.load())


def companies(session: Session) -> set[str]:
    return {card.company for card in session.board.all()}


@pytest.fixture(scope="module")
def three_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once: three laptops on one vault, each with one card, all seen by all."""
    root = tmp_path_factory.mktemp("three")
    (root / "passphrase").write_text(PASSPHRASE + "\n")
    for name, company in zip("abc", ("Acme", "Globex", "Initech"), strict=True):
        laptop = _laptop(root, name)
        if name == "a":
            assert laptop.cli("init", str(laptop.vault), "--device-name", name).code == 0
        assert laptop.cli("add", "--company", company).code == 0
    return root


def _laptop(root: Path, name: str) -> Laptop:
    return Laptop(name, root / f"config-{name}", root / "passphrase", root / "vault")


@pytest.fixture
def three(three_template: Path, tmp_path: Path) -> tuple[Laptop, Laptop, Laptop]:
    root = tmp_path / "three"
    shutil.copytree(three_template, root)
    return tuple(_laptop(root, name) for name in "abc")


def flip(path: Path, index: int, mask: int = 0x01) -> None:
    data = bytearray(path.read_bytes())
    data[index % len(data)] ^= mask
    path.write_bytes(bytes(data))


def assert_one_clear_line(error: Exception, path: Path) -> None:
    text = str(error)
    assert "\n" not in text and path.name in text, text


def test_every_flipped_byte_is_refused_or_harmless(three) -> None:
    """Flip bytes of a replica (every one of its header and nonce, then every 7th): opening it
    is always a clear error naming the file, never another exception, never other content."""
    a, b, _ = three
    vault = Vault.unlock(a.vault, PASSPHRASE)
    path = replica_of(b)
    original = path.read_bytes()
    expected = vault.open(original, path, device_of(b)).plaintext
    body = original.index(b"\n") + 1  # the header line, then the nonce and ciphertext
    positions = [*range(body + 20), *range(body + 20, len(original), 7), len(original) - 1]
    refused = 0
    for index in positions:
        for mask in (0x01, 0x80):
            data = bytearray(original)
            data[index] ^= mask
            try:
                assert vault.open(bytes(data), path, device_of(b)).plaintext == expected
            except ReplicaUnreadable as exc:
                assert_one_clear_line(exc, path)
                refused += 1
    assert refused == 2 * len(positions)


def test_a_flipped_byte_leaves_the_other_replicas_open(three) -> None:
    a, b, _ = three
    flip(replica_of(b), len(replica_of(b).read_bytes()) // 2)
    session = open_as(a)
    assert companies(session) >= {"Acme", "Initech"}
    assert "integrity" in session.problems[replica_of(b)]
    assert session.writable
    with pytest.raises(ReplicaUnreadable) as caught:
        session.merge_file(replica_of(b), device_of(b))
    assert_one_clear_line(caught.value, replica_of(b))


def test_a_truncated_replica_is_reported_as_incomplete(three) -> None:
    a, b, _ = three
    path = replica_of(b)
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 3])
    session = open_as(a)
    assert "not a complete replica" in session.problems[path]
    assert companies(session) >= {"Acme", "Initech"}
    path.write_bytes(b"")
    assert "not a complete replica" in open_as(a).problems[path]


def test_two_swapped_device_files_are_reported_never_trusted(three) -> None:
    a, b, c = three
    pb, pc = replica_of(b), replica_of(c)
    data_b, data_c = pb.read_bytes(), pc.read_bytes()
    pb.write_bytes(data_c)
    pc.write_bytes(data_b)
    vault = Vault.unlock(a.vault, PASSPHRASE)
    for path, owner in ((pb, b), (pc, c)):
        with pytest.raises(DeviceMismatch) as caught:
            read_replica(vault, path, device_of(owner))
        assert_one_clear_line(caught.value, path)
    session = open_as(a, vault)
    assert set(session.problems) == {pb, pc}
    assert "Acme" in companies(session)


def test_a_replica_moved_into_another_vault_is_refused(three, make_laptop, tmp_path) -> None:
    _, b, _ = three
    stranger = make_laptop("stranger", vault=tmp_path / "other-vault")
    assert stranger.cli("add", "--company", "Elsewhere").code == 0
    moved = stranger.vault / "replicas" / replica_of(b).name
    shutil.copy(replica_of(b), moved)
    session = open_as(stranger)
    assert "another vault" in session.problems[moved]
    assert companies(session) == {"Elsewhere"}
    with pytest.raises(ForeignReplica) as caught:
        session.merge_file(moved, device_of(b))
    assert_one_clear_line(caught.value, moved)


def test_a_damaged_own_replica_is_never_overwritten(three) -> None:
    a, _, _ = three
    own = replica_of(a)
    flip(own, len(own.read_bytes()) // 2)
    damaged = own.read_bytes()

    session = open_as(a)
    assert not session.writable and own.name in str(session.own_problem)
    assert companies(session) == {"Acme", "Globex", "Initech"}  # the others hold every card
    with pytest.raises(FollowupError) as caught:
        session.change(lambda board: board.add({"company": "Lost?"}))
    assert_one_clear_line(caught.value, own)
    assert "Nothing was saved" in str(caught.value)
    session.board.add({"company": "Direct"})  # even a write that skips `change`…
    assert session.persist_if_changed() is False  # …is never persisted over it
    session.reload()
    assert own.read_bytes() == damaged

    added = a.cli("add", "--company", "Refused")
    assert added.code == 1 and added.out == ""
    assert added.err.count("\n") == 2  # the warning about the file, then the error
    assert "Nothing was saved" in added.err
    listed = a.cli("list")
    assert listed.code == 0 and "Initech" in listed.out and own.name in listed.err
    assert own.read_bytes() == damaged

    # Following the advice: move it out, and the next command rebuilds it from the others.
    own.rename(a.vault.parent / "backup-of-a.json")
    assert a.cli("add", "--company", "Rebuilt").code == 0
    rebuilt = open_as(a)
    assert rebuilt.writable and not rebuilt.problems
    assert companies(rebuilt) == {"Acme", "Globex", "Initech", "Rebuilt"}


def test_an_own_replica_damaged_while_open_stops_writes(three) -> None:
    a, _, _ = three
    session = open_as(a)
    own = replica_of(a)
    flip(own, len(own.read_bytes()) // 2)
    damaged = own.read_bytes()
    with pytest.raises(FollowupError):
        session.change(lambda board: board.add({"company": "Lost?"}))
    assert own.read_bytes() == damaged and not session.writable


def test_a_own_replica_swapped_with_another_device_is_not_written(three) -> None:
    a, b, _ = three
    pa, pb = replica_of(a), replica_of(b)
    data_a, data_b = pa.read_bytes(), pb.read_bytes()
    pa.write_bytes(data_b)
    pb.write_bytes(data_a)
    session = open_as(a)
    assert not session.writable and "sealed by device" in str(session.own_problem)
    with pytest.raises(FollowupError):
        session.change(lambda board: board.add({"company": "Lost?"}))
    assert pa.read_bytes() == data_b
