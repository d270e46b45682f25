"""A replica file as a snapshot followed by appended changes (store/vault/changes.py): a move
appends one sealed change, a reader reads only what was appended since it last read, and every
property of the whole-file replica still holds: tamper evidence, a change cut short left out,
compaction, rollback found, replicas of the earlier format still open."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from store.cards.board import Board
from store.config import Config
from store.errors import DeviceMismatch, ReplicaUnreadable
from store.vault.changes import read_file_whole, read_since
from store.vault.crypto import Vault
from store.vault.replica import COMPACT_FLOOR, read_replica
from store.vault.session import Session
from sync.folder import read_replica_file
from sync.names import classify

DEVICE, OTHER = "d0000000000a", "d0000000000b"
FAST_KDF = {"memory_kib": 65536, "iterations": 3, "lanes": 1}


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Vault:
    return Vault.create(tmp_path_factory.mktemp("changes") / "vault", "passphrase", FAST_KDF)


@pytest.fixture
def folder(vault: Vault, tmp_path: Path) -> Vault:
    """The module's vault (its key) in a folder of this test's own."""
    (tmp_path / "vault" / "replicas").mkdir(parents=True)
    return vault.at(tmp_path / "vault")


def session_of(vault: Vault, tmp_path: Path, device: str = DEVICE) -> Session:
    config = Config(device, f"laptop {device[-1]}", path=tmp_path / f"config-{device}" / "c.yaml")
    return Session.open(vault, config)


def with_cards(vault: Vault, tmp_path: Path, count: int = 20) -> tuple[Session, list[str]]:
    session = session_of(vault, tmp_path)
    ids = session.change(lambda b: [b.add({"company": f"Co {n}"}) for n in range(count)])
    return session, ids


def state(board: Board) -> dict:
    return json.loads(json.dumps(board.cards, sort_keys=True))


def test_a_move_appends_one_change_and_leaves_what_was_written_before(folder, tmp_path) -> None:
    session, ids = with_cards(folder, tmp_path)
    path = session.replica.path
    before = path.read_bytes()
    session.change(lambda b: b.move(ids[3], "thanked"))
    after = path.read_bytes()
    assert after.startswith(before)  # appended: nothing written before is touched
    added = after[len(before) :]
    assert len(added) < len(before) / 4  # one card's worth, not the board's
    assert b"Co 3" not in added  # sealed like the rest
    assert session_of(folder, tmp_path).board.card(ids[3]).stage == "thanked"


def test_reading_again_reads_only_what_was_appended(folder, tmp_path) -> None:
    session, ids = with_cards(folder, tmp_path)
    path = session.replica.path
    first, _ = read_file_whole(folder, path, DEVICE)
    session.change(lambda b: b.edit(ids[5], {"notes": "asked about on-call"}))
    session.change(lambda b: b.move(ids[7], "waiting"))
    later, _ = read_since(folder, path, first.position, DEVICE)
    assert not later.from_start
    assert [set(piece["cards"]) for piece in later.pieces] == [{ids[5]}, {ids[7]}]
    nothing, _ = read_since(folder, path, later.position, DEVICE)
    assert nothing.pieces == [] and nothing.position == later.position
    # The sync layer's read: the changed card alone, ready to merge.
    read = read_replica_file(folder, path, classify(path, OTHER), first.position)
    assert set(read.data["cards"]) == {ids[5], ids[7]}
    board = Board(OTHER)
    board.merge(read_replica(folder, path, DEVICE))
    assert state(board) == state(session.board)


def test_changes_are_compacted_into_a_fresh_snapshot_when_they_outgrow_it(folder, tmp_path) -> None:
    session, ids = with_cards(folder, tmp_path, count=5)
    path = session.replica.path
    sizes = []
    for n in range(400):
        session.change(lambda b, n=n: b.edit(ids[n % 5], {"notes": f"note {n} " + "x" * 900}))
        sizes.append(path.stat().st_size)
    assert max(sizes) <= COMPACT_FLOOR + 64 * 1024  # never far past the budget
    assert any(later < earlier for earlier, later in itertools.pairwise(sizes))
    position = session.replica.storage.position
    assert position is not None and position.seq < 399  # a snapshot began the file again
    reopened = session_of(folder, tmp_path)
    assert state(reopened.board) == state(session.board)


def test_a_change_cut_short_is_left_out_and_cut_off_by_the_next_write(folder, tmp_path) -> None:
    session, ids = with_cards(folder, tmp_path)
    path = session.replica.path
    whole = path.read_bytes()
    session.change(lambda b: b.move(ids[1], "closed", outcome="offer"))
    grown = path.read_bytes()
    for cut in (len(whole) + 1, len(whole) + 40, len(grown) - 1):  # a writer killed mid-append
        path.write_bytes(grown[:cut])
        board = Board(OTHER)
        board.merge(read_replica(folder, path, DEVICE))
        assert board.card(ids[1]).stage == "interviewed"  # the cut change is not there yet
    reopened = session_of(folder, tmp_path)  # (its record: the write it made was the cut one)
    reopened.change(lambda b: b.move(ids[2], "thanked"))
    board = Board(OTHER)
    board.merge(read_replica(folder, path, DEVICE))
    assert board.card(ids[2]).stage == "thanked"
    content, _ = read_file_whole(folder, path, DEVICE)
    assert content.position.end == path.stat().st_size  # the cut bytes are gone


def _changes(path: Path) -> tuple[bytes, list[bytes]]:
    """A replica file split into its snapshot and its changes."""
    data = path.read_bytes()
    pieces, at = [], 0
    while at < len(data):
        newline = data.index(b"\n", at)
        end = newline + 1 + json.loads(data[at:newline])["length"]
        pieces.append(data[at:end])
        at = end
    return pieces[0], pieces[1:]


def test_a_change_out_of_its_place_is_refused(folder, tmp_path) -> None:
    session, ids = with_cards(folder, tmp_path)
    for n in range(3):
        session.change(lambda b, n=n: b.move(ids[n], "thanked"))
    path = session.replica.path
    snapshot, changes = _changes(path)
    for wrong in (
        [changes[1], changes[0], changes[2]],  # reordered
        [changes[0], changes[2]],  # one dropped from the middle
        [changes[0], changes[0], changes[1]],  # one repeated
        [changes[1], changes[2]],  # the first dropped
    ):
        path.write_bytes(snapshot + b"".join(wrong))
        with pytest.raises(ReplicaUnreadable) as caught:
            read_replica(folder, path, DEVICE)
        assert "out of its place" in caught.value.reason
        assert "\n" not in str(caught.value) and path.name in str(caught.value)


def test_a_change_of_another_device_or_another_file_is_refused(folder, tmp_path) -> None:
    mine, _ = with_cards(folder, tmp_path)
    theirs = session_of(folder, tmp_path, OTHER)
    theirs.change(lambda b: b.add({"company": "Globex"}))
    theirs.change(lambda b: b.add({"company": "Initech"}))
    snapshot, _ = _changes(mine.replica.path)
    _, their_changes = _changes(theirs.replica.path)
    mine.replica.path.write_bytes(snapshot + their_changes[-1])
    with pytest.raises(DeviceMismatch):
        read_replica(folder, mine.replica.path, DEVICE)
    (tmp_path / "again" / "vault" / "replicas").mkdir(parents=True)
    again = folder.at(tmp_path / "again" / "vault")
    mine2, _ = with_cards(again, tmp_path / "again")  # a change from an older file of ours
    before, _ = _changes(mine2.replica.path)
    mine2.change(lambda b: b.add({"company": "Hooli"}))
    _, after = _changes(mine2.replica.path)
    mine2.change(lambda b: b.add({"company": "Vandelay"}))  # compacted or not: a new place
    mine2.replica.path.write_bytes(before + after[-1] + after[-1])
    with pytest.raises(ReplicaUnreadable):
        read_replica(again, mine2.replica.path, DEVICE)


def test_every_flipped_byte_of_a_change_is_refused(folder, tmp_path) -> None:
    session, ids = with_cards(folder, tmp_path)
    session.change(lambda b: b.edit(ids[0], {"notes": "follow up on the migration"}))
    path = session.replica.path
    original = path.read_bytes()
    _, changes = _changes(path)
    start = len(original) - len(changes[-1])  # the edit's change, the last one
    for index in [*range(start, start + 60), *range(start + 60, len(original), 5)]:
        data = bytearray(original)
        data[index] ^= 0x01
        path.write_bytes(bytes(data))
        try:
            tables = read_replica(folder, path, DEVICE)
        except ReplicaUnreadable as exc:
            assert "\n" not in str(exc)
            continue
        # Only a change that no longer reads as whole is left out (a cut one); never one
        # that reads as another.
        assert tables["cards"][ids[0]]["f"].get("notes") is None, index


def test_a_replica_written_in_the_earlier_format_opens_and_is_compacted_on_write(
    folder, tmp_path
) -> None:
    board = Board(DEVICE)
    card = board.add({"company": "Acme"})
    blob = folder.seal(DEVICE, board.tables_json())
    header, _, body = blob.partition(b"\n")
    fields = json.loads(header) | {"format": 3}
    from store.vault.crypto import canonical

    sealed = folder._aead.encrypt(body[:12], board.tables_json(), canonical(fields))
    old = canonical(fields) + b"\n" + body[:12] + sealed
    path = folder.replicas_dir / f"{DEVICE}.json"
    path.write_bytes(old)
    assert read_replica(folder, path, DEVICE)["cards"][card]
    path.write_bytes(old + b"x")  # bytes after an earlier format's envelope: damage, as ever
    with pytest.raises(ReplicaUnreadable):
        read_replica(folder, path, DEVICE)
    path.write_bytes(old)
    session = session_of(folder, tmp_path)
    session.change(lambda b: b.move(card, "thanked"))
    snapshot, _ = _changes(path)
    assert json.loads(snapshot.partition(b"\n")[0])["format"] == 4  # a fresh snapshot
    assert session_of(folder, tmp_path).board.card(card).stage == "thanked"


@pytest.mark.parametrize("kept", [0, 1, 2])
def test_a_file_cut_back_to_an_earlier_prefix_of_its_changes_is_found_as_a_rollback(
    folder, tmp_path, kept
) -> None:
    session, ids = with_cards(folder, tmp_path)
    path = session.replica.path
    _, earlier = _changes(path)
    for n in range(3):
        session.change(lambda b, n=n: b.edit(ids[0], {"notes": f"v{n}"}))
    snapshot, changes = _changes(path)
    assert len(changes) == len(earlier) + 3  # appended, not compacted
    recorded = session.history.wrote["hash"]
    # A sync tool brings back the file as it was `kept` changes in: whole envelopes, each in
    # its place, so it opens; only the device's record of its last write tells it is old.
    path.write_bytes(snapshot + b"".join(changes[: len(earlier) + kept]))
    reopened = session_of(folder, tmp_path)
    kinds = [event["kind"] for event in reopened.history.events]
    assert "rollback" in kinds
    assert reopened.board.writer != session.board.writer  # writes on under a new writer id
    assert reopened.history.wrote["hash"] != recorded


def test_two_sessions_of_one_device_read_each_others_changes(folder, tmp_path) -> None:
    one, ids = with_cards(folder, tmp_path)
    two = session_of(folder, tmp_path)
    two.change(lambda b: b.move(ids[0], "thanked"))
    one.change(lambda b: b.move(ids[1], "waiting"))
    two.change(lambda b: b.move(ids[2], "closed", outcome="rejected"))
    one.reload()
    three = session_of(folder, tmp_path)
    for session in (one, three):
        stages = [session.board.card(i).stage for i in ids[:3]]
        assert stages == ["thanked", "waiting", "closed"]
    assert state(three.board) == state(one.board)
    assert not three.history.events  # nothing taken for a rollback or a copy
