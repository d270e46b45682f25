"""A device's own history of a vault, kept in its config dir: what it last wrote, and so what
it can tell when the folder disagrees.

Sync tools roll files back (a restore, a stale copy pulled), config dirs get copied to another
machine (a restored home, a cloned VM) and folders get emptied (a share not mounted). The
replicated state cannot see any of it: a rolled-back replica still looks like a replica. So the
device keeps, outside the synced folder:

- the hash and clock of the replica it last wrote (and of the one it is about to write, so a
  write killed half-way is not taken for someone else's);
- the writer ids it stamps with: its device id, then a fresh one each time its history could
  no longer be one line (a rollback, a clock that went back below its own stamps);
- the replicas it saw in the folder at its last write, and the key it wrote with;
- what it found and did (the events), and where each was already said.

`judge_own` reads a replica of ours against that record. The rules, as DESIGN.md states them:
our replica older than what we wrote (or than what other replicas have seen from us) is a
rollback — recover from the other replicas and write on under a new writer id, so new writes
are concurrent with the lost ones instead of dominating them; our replica holding writes we
never made is a clone — the copy that did not make them takes a new device id; every replica we
knew gone at once is a missing folder, not an empty board.

This file holds no card data (ids, stamps, hashes, dates) and must never be in the vault folder.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from store.cards.clock import later, newest, stamp_wall_ms
from store.files import atomic_write, ensure_folder
from store.untrusted import MAX_SMALL_FILE_BYTES, parse_json, read_capped

HISTORY_DIR = "history"
MAX_EVENTS = 30
CHANNELS = ("stderr", "board")


def replica_hash(blob: bytes) -> str:
    """What identifies one write of a replica (every write has a fresh nonce)."""
    return hashlib.sha256(blob).hexdigest()[:32]


def stamp_date(stamp: str) -> str:
    """The day a stamp says it was written, as a person reads it (`2286-11-20`)."""
    try:
        return datetime.fromtimestamp(stamp_wall_ms(stamp) / 1000, UTC).strftime("%Y-%m-%d")
    except (OverflowError, OSError, ValueError):
        return "a date past the calendar"


@dataclass(frozen=True)
class Finding:
    """Something a device found about its own replica: what it is and the line that says it."""

    kind: str  # "rollback", "clone", "clock" or "emptied"
    text: str


@dataclass
class DeviceHistory:
    path: Path
    vault: str
    device: str | None = None
    writer: str | None = None
    writers: list[str] = field(default_factory=list)
    wrote: dict[str, str] | None = None  # {"hash", "clock"} of the last write
    pending: dict[str, str] | None = None  # the write under way
    accepted: str | None = None  # a copy judged and dealt with, until the next write
    known: list[str] = field(default_factory=list)  # replicas in the folder at the last write
    key: str | None = None  # the key id the last write was sealed with
    older_keys: list[str] = field(default_factory=list)  # key ids older than `key`
    events: list[dict[str, Any]] = field(default_factory=list)
    exists: bool = False
    problem: str | None = None  # the file could not be read: no judgement this time

    # --- the file ---------------------------------------------------------------------------

    @classmethod
    def load(cls, config_dir: Path, vault_id: str) -> DeviceHistory:
        path = Path(config_dir) / HISTORY_DIR / f"{vault_id}.json"
        history = cls(path, vault_id)
        try:
            data = parse_json(read_capped(path, MAX_SMALL_FILE_BYTES))
            if not isinstance(data, dict) or data.get("vault") != vault_id:
                raise ValueError
        except FileNotFoundError:
            return history
        except (OSError, ValueError):
            history.problem = f"{path}: cannot be read; this device's history starts again"
            return history
        history.exists = True
        history.device = _text(data.get("device"))
        history.writer = _text(data.get("writer"))
        history.writers = _texts(data.get("writers"))
        history.wrote = _written(data.get("wrote"))
        history.pending = _written(data.get("pending"))
        history.accepted = _text(data.get("accepted"))
        history.known = _texts(data.get("known"))
        history.key = _text(data.get("key"))
        history.older_keys = _texts(data.get("older_keys"))
        events = data.get("events")
        history.events = (
            [e for e in events if isinstance(e, dict)] if isinstance(events, list) else []
        )
        return history

    def reload(self) -> DeviceHistory:
        return DeviceHistory.load(self.path.parent.parent, self.vault)

    def save(self) -> None:
        ensure_folder(self.path.parent, private=True)
        data = {
            "vault": self.vault,
            "device": self.device,
            "writer": self.writer,
            "writers": self.writers,
            "wrote": self.wrote,
            "pending": self.pending,
            "accepted": self.accepted,
            "known": sorted(self.known),
            "key": self.key,
            "older_keys": self.older_keys,
            "events": self.events[-MAX_EVENTS:],
        }
        atomic_write(self.path, json.dumps(data, indent=1).encode() + b"\n")
        self.exists, self.problem = True, None

    # --- what it knows ----------------------------------------------------------------------

    def start(self, device: str, writer: str) -> None:
        """Begin the record of `device` (a new device, or this one under a new id)."""
        self.device, self.writer = device, writer
        if writer not in self.writers:
            self.writers.append(writer)

    def matches(self, digest: str) -> bool:
        if digest == self.accepted:
            return True
        return any(w and w.get("hash") == digest for w in (self.wrote, self.pending))

    @property
    def has_written(self) -> bool:
        return self.wrote is not None or self.pending is not None

    def last_clock(self) -> str:
        """The newest clock this device wrote with (the write under way included)."""
        return newest([w["clock"] for w in (self.wrote, self.pending) if w and w.get("clock")])

    def record(self, kind: str, text: str, said: tuple[str, ...] = ()) -> None:
        self.events.append(
            {
                "kind": kind,
                "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "text": text,
                "said": list(said),
            }
        )
        del self.events[:-MAX_EVENTS]

    def unsaid(self, channel: str) -> list[dict[str, Any]]:
        return [e for e in self.events if channel not in (e.get("said") or [])]

    def mark_said(self, channel: str) -> None:
        for event in self.events:
            said = event.setdefault("said", [])
            if isinstance(said, list) and channel not in said:
                said.append(channel)


def judge_own(
    history: DeviceHistory,
    digest: str | None,
    writer: str | None,
    clock: str,
    file_name: str,
) -> Finding | None:
    """What our replica as read says about this device, against its record: `digest` is the
    file's `replica_hash` (None when it is missing), `writer` and `clock` what it says wrote it.
    None when all is as this device left it."""
    if not history.exists or history.problem or not history.has_written:
        return None  # nothing to compare with (a new device, or the first run of this rule)
    own = f"this device's replica (replicas/{file_name})"
    if digest is None:
        return Finding("rollback", f"{own} had gone from the folder")
    if history.matches(digest):
        return None
    if (writer or history.device) not in history.writers or later(clock, history.last_clock()):
        return Finding(
            "clone",
            f"{own} holds writes this device never made "
            "(a copy of this device's config on another machine wrote it)",
        )
    return Finding("rollback", f"{own} was rolled back to an older copy")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _texts(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _written(value: Any) -> dict[str, str] | None:
    if isinstance(value, dict) and isinstance(value.get("hash"), str):
        clock = value.get("clock")
        return {"hash": value["hash"], "clock": clock if isinstance(clock, str) else ""}
    return None
