"""What `followup-tui doctor` and the board's status line say about the folder.

A diagnosis is built from a session that merged the folder without tidying it, so looking
never changes anything: devices and when each was last seen (and which one began as a copy of
which), replicas that cannot be read, conflict copies still waiting, files nobody knows, the
`.stignore` block, stamps from clocks far ahead, and this device's own history: a rollback, a
copied config or an emptied folder it found (or that the next command will act on).

Must never write, move or delete a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from store.vault.history import stamp_date
from sync.folder import SyncedSession
from sync.names import Kind, classify

# What the next command does about what `doctor` found (it only looks).
NEXT_STEP = {
    "rollback": "the next command recovers from the other replicas and writes on under a new "
    "writer id",
    "clock": "the next command writes on under a new writer id",
    "clone": "the next command makes this laptop a new device, keeping every card",
}


@dataclass(frozen=True)
class DeviceRow:
    device: str
    name: str
    last_seen: datetime | None  # when it last wrote its replica (from inside the sealed data)
    this_device: bool
    has_replica: bool
    copied_from: str | None = None  # the device whose config this one began as a copy of
    copied_name: str | None = None
    unreadable: bool = False  # its replica in the folder cannot be read (damaged, half there)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.device,
            "name": self.name,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "this_device": self.this_device,
            "has_replica": self.has_replica,
            "copied_from": self.copied_from,
            "unreadable": self.unreadable,
        }


@dataclass(frozen=True)
class CopyRow:
    path: Path
    device: str | None
    problem: str | None  # None: it merged cleanly and the next sync removes it


@dataclass
class Diagnosis:
    vault: Path
    device: str
    devices: list[DeviceRow]
    unreadable: dict[Path, str]
    conflict_copies: list[CopyRow]
    unknown: list[Path]
    stignore: str | None
    template_errors: list[str] | None  # None: this version has no template loader to ask
    cards: int
    conflicted_cards: int
    history: list[str] = field(default_factory=list)  # what this device found, dated
    findings: list[str] = field(default_factory=list)  # found now; the next command acts
    blocked: str | None = None  # why this device writes nothing (an emptied folder…)
    clocks: list[str] = field(default_factory=list)  # stamps far ahead, per device

    @property
    def attention(self) -> list[str]:
        """One line per thing the user should act on; empty when the folder is healthy."""
        lines = [*self.findings]
        if self.blocked:
            lines.append(self.blocked)
        lines.extend(self.clocks)
        lines.extend(f"{path.name}: {reason}" for path, reason in self.unreadable.items())
        for row in self.conflict_copies:
            if row.problem:
                lines.append(f"{row.path.name}: {row.problem}")
            else:
                lines.append(f"{row.path.name}: merges cleanly; `followup-tui sync` removes it")
        lines.extend(f"{path.name}: unknown file in replicas/" for path in self.unknown)
        if self.stignore:
            lines.append(self.stignore)
        lines.extend(self.template_errors or ())
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "vault": str(self.vault),
            "device": self.device,
            "devices": [d.to_json() for d in self.devices],
            "unreadable": {str(p): r for p, r in self.unreadable.items()},
            "conflict_copies": [
                {"path": str(c.path), "device": c.device, "problem": c.problem}
                for c in self.conflict_copies
            ],
            "unknown": [str(p) for p in self.unknown],
            "stignore": self.stignore,
            "template_errors": self.template_errors,
            "cards": self.cards,
            "conflicted_cards": self.conflicted_cards,
            "history": self.history,
            "findings": self.findings,
            "blocked": self.blocked,
            "clocks": self.clocks,
            "attention": self.attention,
        }


def device_rows(session: SyncedSession) -> list[DeviceRow]:
    """Every device the board or the folder knows, this one first, then by name."""
    on_disk: dict[str, Path] = {}
    try:
        entries = list(session.vault.replicas_dir.iterdir())
    except OSError:
        entries = []
    for path in entries:
        name = classify(path, session.device)
        if name.kind in (Kind.OWN, Kind.REPLICA) and name.device:
            on_disk[name.device] = path
    damaged = {path.name for path in session.problems}
    table = session.board.devices
    # An incarnation (a fresh writer id a device took) is that device, not another one.
    devices = {d for d, info in table.items() if "device" not in info}
    devices |= set(on_disk) | {session.device}
    rows = []
    for device in devices:
        copied_from = (table.get(device) or {}).get("copied_from")
        copied_from = copied_from if isinstance(copied_from, str) else None
        unreadable = device in on_disk and on_disk[device].name in damaged
        seen = session.last_seen.get(device)  # read from inside a replica that opened
        if seen is None and device in on_disk and device != session.device and not unreadable:
            # Not read yet: the file's time, which Syncthing and Dropbox keep. Never a damaged
            # file's: that time says when the damage landed, not that the device synced.
            try:
                seen = datetime.fromtimestamp(on_disk[device].stat().st_mtime, UTC)
            except OSError:
                seen = None
        name = session.board.device_name(device)
        if device == session.device and device not in table:
            name = session.config.device_name  # no replica says it yet (an emptied folder)
        rows.append(
            DeviceRow(
                device=device,
                name=name,
                last_seen=seen,
                this_device=device == session.device,
                has_replica=device in on_disk,
                copied_from=copied_from,
                copied_name=session.board.device_name(copied_from) if copied_from else None,
                unreadable=unreadable,
            )
        )
    return sorted(rows, key=lambda r: (not r.this_device, r.name.lower(), r.device))


def diagnose(session: SyncedSession, template_errors: list[str] | None = None) -> Diagnosis:
    copies = []
    unreadable = {}
    for path, reason in sorted(session.problems.items()):
        name = classify(path, session.device)
        if name.kind is Kind.CONFLICT:
            copies.append(CopyRow(path, name.device, reason))
        else:
            unreadable[path] = reason
    copies.extend(
        CopyRow(path, classify(path, session.device).device, None)
        for path in session.pending_copies
    )
    copies.sort(key=lambda c: c.path.name)
    cards = session.board.all()
    board = session.board
    clocks = [
        f"{board.device_name(writer)} ({writer}): versions stamped up to {stamp_date(stamp)}, "
        "far ahead of this machine's clock; they never move its clock, and an edit of such a "
        "field replaces them"
        for writer, stamp in sorted(board.ahead.items())
        if not (writer == board.writer and session.findings)
    ]
    history = [
        f"{str(event.get('at', ''))[:16].replace('T', ' ')}  {event.get('text', '')}"
        for event in session.history.events
    ]
    return Diagnosis(
        vault=session.vault.path,
        device=session.device,
        devices=device_rows(session),
        unreadable=unreadable,
        conflict_copies=copies,
        unknown=list(session.unknown_files),
        stignore=session.stignore_problem,
        template_errors=template_errors,
        cards=len(cards),
        conflicted_cards=sum(1 for c in cards if c.conflicts),
        history=history[-10:],
        findings=[f"{f.text}: {NEXT_STEP[f.kind]}" for f in session.findings],
        blocked=session.blocked,
        clocks=clocks,
    )


def ago(when: datetime | None, now: datetime | None = None) -> str:
    """`3 min ago`, `2 h ago`, `5 days ago`: how a person reads "last seen"."""
    if when is None:
        return "never"
    seconds = ((now or datetime.now(UTC)) - when).total_seconds()
    if seconds < 0:
        return "just now"
    if seconds < 60:
        return f"{int(seconds)} s ago"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    days = int(seconds // 86400)
    return f"{days} day{'s' if days != 1 else ''} ago"
