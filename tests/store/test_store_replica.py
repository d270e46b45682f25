"""The replica file: its envelope, its cached encoding, and several writers of one device."""

from __future__ import annotations

import base64
import json
import secrets
from datetime import UTC, datetime
from pathlib import Path

import pytest

from store.cards.board import Board
from store.config import Config
from store.errors import ReplicaUnreadable, WriteFailed
from store.files import atomic_write
from store.vault.crypto import ENVELOPE_FORMAT, Vault, canonical
from store.vault.replica import read_replica
from store.vault.session import Session

DEVICE = "d0000000000a"
WHEN = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Vault:
    return Vault.create(tmp_path_factory.mktemp("replica") / "vault", "passphrase")


def config(tmp_path: Path, device: str = DEVICE) -> Config:
    return Config(device, "laptop", path=tmp_path / f"config-{device}" / "config.yaml")


def plain_json(board: Board) -> bytes:
    return json.dumps(board.tables(WHEN), separators=(",", ":"), ensure_ascii=False).encode()


def test_the_cached_encoding_is_exactly_the_tables_after_every_kind_of_change() -> None:
    board, other = Board(DEVICE), Board("d0000000000b")
    first = board.add({"company": 'Acme "quoted"', "notes": "line\nbreak ✓"})
    assert board.tables_json(WHEN) == plain_json(board)
    second = other.add({"company": "Globex"})
    board.merge(json.loads(plain_json(other)))
    assert board.tables_json(WHEN) == plain_json(board)
    for change in (
        lambda: board.edit(first, {"notes": "edited", "tags": ["a", "b"]}),
        lambda: board.move(second, "closed", outcome="offer"),
        lambda: board.log(first, "note-sent", text="Dear Ann"),
        lambda: board.delete(second),
        lambda: board.restore(second),
        lambda: board.set_device_name("renamed"),
    ):
        change()
        assert board.tables_json(WHEN) == plain_json(board)
    other.edit(second, {"notes": "concurrent"})
    board.edit(second, {"notes": "here"})
    board.merge(json.loads(plain_json(other)))
    assert board.card(second).conflicts
    assert board.tables_json(WHEN) == plain_json(board)
    board.resolve(second, "notes", "0")
    assert board.tables_json(WHEN) == plain_json(board)


def _seal_format_1(vault: Vault, device: str, plaintext: bytes) -> bytes:
    """The first envelope format, as the app wrote it before: one JSON object, base64 inside."""
    header = {"followup": "replica", "format": 1, "vault": vault.id, "device": device}
    header["key"] = vault.key_id
    nonce = secrets.token_bytes(12)
    ciphertext = vault._aead.encrypt(nonce, plaintext, canonical(header))
    envelope = dict(header, nonce=base64.b64encode(nonce).decode())
    envelope["ciphertext"] = base64.b64encode(ciphertext).decode()
    return json.dumps(envelope, separators=(",", ":")).encode()


def test_a_replica_in_the_first_envelope_format_still_opens(vault: Vault, tmp_path) -> None:
    path = tmp_path / f"{DEVICE}.json"
    path.write_bytes(_seal_format_1(vault, DEVICE, b'{"cards":{}}'))
    assert read_replica(vault, path, DEVICE) == {"cards": {}}


def test_an_envelope_says_whether_it_is_incomplete_damaged_or_newer(vault: Vault) -> None:
    blob = vault.seal(DEVICE, b'{"cards":{}}' * 100)

    def reason(data: bytes) -> str:
        with pytest.raises(ReplicaUnreadable) as caught:
            vault.open(data, "r.json", DEVICE)
        return caught.value.reason

    assert "not a complete replica" in reason(blob[:-1])  # a sync tool still writing it
    assert "not a complete replica" in reason(blob[:40])
    assert "integrity" in reason(blob + b"x")
    header, _, body = blob.partition(b"\n")
    lying = json.loads(header) | {"length": len(body) - 5}
    assert "integrity" in reason(canonical(lying) + b"\n" + body)
    newer = json.loads(header) | {"format": ENVELOPE_FORMAT + 1}
    assert "newer followup-tui" in reason(canonical(newer) + b"\n" + body)


def test_a_failed_write_is_one_line_and_leaves_the_old_file(tmp_path: Path) -> None:
    (tmp_path / "not-a-folder").write_text("x")
    with pytest.raises(WriteFailed) as caught:
        atomic_write(tmp_path / "not-a-folder" / "replica.json", b"data")
    assert "cannot write it" in str(caught.value) and "\n" not in str(caught.value)
    assert isinstance(caught.value, OSError)


def test_two_processes_of_one_device_never_lose_each_others_writes(vault, tmp_path) -> None:
    """The TUI and a CLI command share the device's replica: each re-reads it under the lock."""
    folder = tmp_path / "vault"
    (folder / "replicas").mkdir(parents=True)
    here = vault.at(folder)
    tui, cli = Session.open(here, config(tmp_path)), Session.open(here, config(tmp_path))
    one = tui.change(lambda board: board.add({"company": "From the board"}))
    two = cli.change(lambda board: board.add({"company": "From a script"}))
    three = tui.change(lambda board: board.add({"company": "From the board again"}))
    on_disk = Session.open(here, config(tmp_path)).board
    assert set(on_disk.cards) == {one, two, three}
    # Reading what the other process wrote is not a change of ours: nothing is rewritten.
    written = tui.replica.path.read_bytes()
    cli.reload()
    assert not cli.unsaved and tui.replica.path.read_bytes() == written


def test_a_vault_folder_without_replicas_gets_the_folder_back(vault, tmp_path) -> None:
    folder = tmp_path / "copied-without-replicas"
    folder.mkdir()
    session = Session.open(vault.at(folder), config(tmp_path))
    session.change(lambda board: board.add({"company": "Acme"}))
    assert session.replica.path.exists()
