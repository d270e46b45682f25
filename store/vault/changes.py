"""A replica file from envelope format 4 on: a sealed snapshot of the device's whole state, then
the changes made since, each sealed on its own and appended to the file.

Why: a move on a board of 10,000 cards used to seal and rewrite the whole file, and every other
laptop then read, decrypted and merged all of it again. Now a move appends one sealed change
holding the cards it touched (`Replica.append`, durable when it returns), and a reader that has
read the file before reads only what follows what it read (`read_since`). Now and then the
writer compacts: the whole state as a fresh snapshot, written atomically as before.

A change is an envelope like the snapshot's, whose header (the associated data) also says its
place: `seq` (0, 1, 2… after the snapshot) and `prev`, the hash of the envelope before it. So a
change cannot be moved, reordered or dropped from the middle unseen, and the hash of the last
envelope (`Position.tip`) names the content of the whole file: it is what the device's history
records to tell a rolled-back file (store/vault/history.py), as the hash of the whole file was.

What is read: a last change cut short (a writer killed mid-append, a copy caught mid-way) is
left out, as a file still arriving is, until the rest is there; an envelope that is whole but
does not open, or sits out of its place, is damage and the whole file is refused, as ever. A
file of an earlier format is a snapshot alone (bytes after it are damage).

Must never write a file: store/vault/replica.py writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store.errors import ReplicaUnreadable
from store.untrusted import MAX_REPLICA_BYTES, parse_json, read_after, read_file
from store.vault.collector import collector_paused
from store.vault.crypto import (
    DAMAGED,
    ENVELOPE_FORMAT,
    NONCE_BYTES,
    TAG_BYTES,
    EnvelopeCut,
    Vault,
)
from store.vault.history import replica_hash
from store.vault.opened import Sealed

SNAPSHOT_KIND = "replica"
CHANGE_KIND = "change"
OUT_OF_PLACE = "holds a change out of its place (damaged or tampered)"


@dataclass(frozen=True)
class Position:
    """Where a reader of one replica file got to: what it needs to read only what follows."""

    end: int  # just past the last whole envelope read
    tip: str  # `replica_hash` of that envelope (the snapshot, when no change follows it)
    seq: int  # its `seq`; -1 for the snapshot
    last_start: int  # where it starts
    head: bytes  # its first bytes (header line and nonce) and its GCM tag: the same bytes at
    tag: bytes  # the same places mean the same envelope, without reading it all again
    snapshot_end: int  # the snapshot's size: what the changes add is `end - snapshot_end`
    device: str  # the device that sealed it
    key: str  # the key id the snapshot is sealed with
    format: int  # the snapshot's envelope format: changes follow only a format-4 snapshot
    size: int  # the file's size when read (more than `end`: a change cut short follows)

    @property
    def changes_bytes(self) -> int:
        return self.end - self.snapshot_end

    @property
    def takes_changes(self) -> bool:
        return self.format >= ENVELOPE_FORMAT


@dataclass(frozen=True)
class Content:
    """What a read found: the tables of each envelope read, in file order (the snapshot's
    first when read from the start), and where the reader got to."""

    pieces: list[dict[str, Any]]
    position: Position
    from_start: bool
    meta: dict[str, Any] | None  # the `meta.replica` of the newest envelope read, if any


def tables_of(sealed: Sealed, where: Path | str) -> dict[str, Any]:
    """The tables an envelope holds (a JSON object with a `cards` object)."""
    try:
        with collector_paused():
            data = parse_json(sealed.plaintext)
        if not isinstance(data, dict) or not isinstance(data.get("cards"), dict):
            raise ValueError
    except ValueError:
        raise ReplicaUnreadable(where, "decrypted, but does not hold a board") from None
    return data


def _meta(tables: dict[str, Any]) -> dict[str, Any] | None:
    meta = tables.get("meta")
    meta = meta.get("replica") if isinstance(meta, dict) else None
    return meta if isinstance(meta, dict) else None


def _position_of(
    data: bytes | memoryview, start: int, end: int, offset: int, seq: int
) -> dict[str, Any]:
    """The fields of a `Position` that describe the envelope `data[start:end]`, which sits
    at `offset + start` in the file."""
    view = memoryview(data)
    newline = bytes(view[start : min(end, start + 4096)]).find(b"\n")
    head = bytes(view[start : start + newline + 1 + NONCE_BYTES])
    return {
        "end": offset + end,
        "tip": replica_hash(view[start:end]),
        "seq": seq,
        "last_start": offset + start,
        "head": head,
        "tag": bytes(view[end - TAG_BYTES : end]),
    }


def read_whole(vault: Vault, data: bytes, where: Path | str, expect_device: str | None) -> Content:
    """Every envelope of a replica file's bytes: the snapshot, then the changes after it."""
    if b"\n" not in data[:4096]:  # format 1: one JSON object (or a file just begun)
        sealed, end = vault.open(data, where, expect_device), len(data)
    else:
        sealed, end = vault.open_piece(data, 0, where, expect_device)
    if sealed.header.get("followup") == CHANGE_KIND:
        raise ReplicaUnreadable(where, "decrypted, but does not hold a board")
    snapshot = tables_of(sealed, where)
    fmt = sealed.header.get("format")
    fmt = fmt if isinstance(fmt, int) else 1
    if fmt < ENVELOPE_FORMAT and end < len(data):
        raise ReplicaUnreadable(where, DAMAGED)
    fields = (
        _position_of(data, 0, end, 0, -1)
        if fmt >= 2
        else {
            "end": end,
            "tip": replica_hash(data),
            "seq": -1,
            "last_start": 0,
            "head": b"",
            "tag": data[-TAG_BYTES:],
        }
    )
    position = Position(
        **fields,
        snapshot_end=end,
        device=sealed.device,
        key=str(sealed.header.get("key")),
        format=fmt,
        size=len(data),
    )
    pieces, position = _changes(vault, data, end, 0, where, position)
    newest = next((m for m in map(_meta, reversed(pieces)) if m is not None), None)
    return Content([snapshot, *pieces], position, True, newest or _meta(snapshot))


def _changes(
    vault: Vault,
    data: bytes,
    start: int,
    offset: int,
    where: Path | str,
    position: Position,
) -> tuple[list[dict[str, Any]], Position]:
    """The changes in `data` from `start` on (`data` begins at `offset` in the file), each in
    its place after `position`; a last one cut short is left for a later read."""
    pieces: list[dict[str, Any]] = []
    at = start
    while at < len(data) and position.takes_changes:
        try:
            sealed, end = vault.open_piece(data, at, where, position.device)
        except EnvelopeCut:
            break
        header = sealed.header
        if (
            header.get("followup") != CHANGE_KIND
            or header.get("seq") != position.seq + 1
            or header.get("prev") != position.tip
        ):
            raise ReplicaUnreadable(where, OUT_OF_PLACE)
        pieces.append(tables_of(sealed, where))
        fields = _position_of(data, at, end, offset, position.seq + 1)
        position = Position(
            **fields,
            snapshot_end=position.snapshot_end,
            device=position.device,
            key=position.key,
            format=position.format,
            size=offset + len(data),
        )
        at = end
    return pieces, _sized(position, offset + len(data))


def _sized(position: Position, size: int) -> Position:
    if position.size == size:
        return position
    fields = {name: getattr(position, name) for name in Position.__dataclass_fields__}
    fields["size"] = size
    return Position(**fields)


def read_file_whole(vault: Vault, path: Path, expect_device: str | None) -> tuple[Content, Any]:
    """Read one replica file whole; also the `stat` of the file the bytes came from.

    Raises `FileNotFoundError`, `OSError` (unreadable, too big) or `ReplicaUnreadable`."""
    raw, stat = read_file(path, MAX_REPLICA_BYTES)
    return read_whole(vault, raw, path, expect_device), stat


def read_since(
    vault: Vault, path: Path, position: Position, expect_device: str | None
) -> tuple[Content, Any]:
    """What was appended to a replica file since `position`: only the new changes when the
    file still holds, at the same places, the envelope that read ended with; else (the
    writer compacted it, a sync tool rolled it back or replaced it) the whole file.

    Raises as `read_file_whole` does."""
    spans = ((position.last_start, len(position.head)), (position.end - TAG_BYTES, TAG_BYTES))
    (head, tag), tail, stat = read_after(path, spans, position.end, MAX_REPLICA_BYTES)
    same = (
        head == position.head
        and tag == position.tag
        and stat.st_size >= position.end
        and position.takes_changes
    )
    if not same:
        return read_file_whole(vault, path, expect_device)
    pieces, moved = _changes(vault, tail, 0, position.end, path, position)
    newest = next((m for m in map(_meta, reversed(pieces)) if m is not None), None)
    return Content(pieces, moved, False, newest), stat


def written(blob: bytes, after: Position | None, device: str, key: str) -> Position:
    """Where a reader of the file stands once `blob` is written: a snapshot (the whole file,
    `after` None) or a change appended after `after`."""
    if after is None:
        fields = _position_of(blob, 0, len(blob), 0, -1)
        return Position(
            **fields,
            snapshot_end=len(blob),
            device=device,
            key=key,
            format=ENVELOPE_FORMAT,
            size=len(blob),
        )
    fields = _position_of(blob, 0, len(blob), after.end, after.seq + 1)
    return Position(
        **fields,
        snapshot_end=after.snapshot_end,
        device=after.device,
        key=after.key,
        format=after.format,
        size=after.end + len(blob),
    )
