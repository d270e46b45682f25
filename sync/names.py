"""What a file in `replicas/` is, from its name alone: ours, another device's, a conflict copy, a temp.

Sync tools leave their own files beside ours (temp files while a file arrives, conflict copies
when two writers met), so every name is matched against exact patterns and anything that fits
none of them is `UNKNOWN`: ignored by the merge and listed by `followup-tui doctor`.

This module only looks at names; it must never open, move or delete a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from store.vault.session import REPLICA_NAME

# Syncthing: `STEM.sync-conflict-YYYYMMDD-HHMMSS-XXXXXXX.EXT`, where the seven characters are the
# winning device's short id (base32, upper case).
SYNCTHING_CONFLICT = re.compile(
    r"^(?P<device>[0-9a-f]{12})\.sync-conflict-(?P<date>\d{8})-(?P<time>\d{6})-(?P<winner>[A-Z2-7]{7})\.json$"
)
# Dropbox: `STEM (HOST's conflicted copy YYYY-MM-DD).EXT`, optionally ` (N)` before the extension.
# The apostrophe has been both ASCII and typographic over Dropbox's versions.
DROPBOX_CONFLICT = re.compile(
    r"^(?P<device>[0-9a-f]{12}) \((?P<host>[^()/]+?)['’]s conflicted copy (?P<date>\d{4}-\d{2}-\d{2})\)"
    r"(?: \((?P<n>[1-9]\d*)\))?\.json$"
)
# Files a sync tool (or we) write while a file is being replaced; never read as replicas.
TEMP_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^\.syncthing\..+\.tmp$"),  # Syncthing, while a file arrives
    re.compile(r"^~syncthing~.+\.tmp$"),  # Syncthing on some platforms
    re.compile(r"^\.dropbox.*$"),  # Dropbox's own bookkeeping (.dropbox, .dropbox.cache...)
    re.compile(r"^\.followup-.+\.tmp$"),  # store.files.atomic_write
)
# The `.stignore` pattern that keeps our own temp files from travelling (see sync.folder).
OUR_TEMP_GLOB = ".followup-*.tmp"


class Kind(Enum):
    OWN = "own replica"
    REPLICA = "replica"
    CONFLICT = "conflict copy"
    TEMP = "temp file"
    UNKNOWN = "unknown file"


@dataclass(frozen=True)
class Name:
    """A classified file name; `device` is the device whose replica it is (or was copied from)."""

    kind: Kind
    device: str | None = None
    tool: str | None = None  # "syncthing" or "dropbox" for a conflict copy

    @property
    def is_replica(self) -> bool:
        """Holds a device's state, so it is merged (ours is handled apart: it is where we write)."""
        return self.kind in (Kind.REPLICA, Kind.CONFLICT)


def classify(path: Path | str, own_device: str) -> Name:
    """Classify one entry of `replicas/` by its name; `own_device` tells ours from the others."""
    name = Path(path).name
    match = REPLICA_NAME.match(name)
    if match:
        device = match["device"]
        return Name(Kind.OWN if device == own_device else Kind.REPLICA, device)
    for pattern, tool in ((SYNCTHING_CONFLICT, "syncthing"), (DROPBOX_CONFLICT, "dropbox")):
        match = pattern.match(name)
        if match:
            return Name(Kind.CONFLICT, match["device"], tool)
    if any(pattern.match(name) for pattern in TEMP_PATTERNS):
        return Name(Kind.TEMP)
    return Name(Kind.UNKNOWN)


# --- attachments/ (issue 14): blobs are named by 64 hex digits and have no extension ----------
BLOB = re.compile(r"^(?P<blob>[0-9a-f]{64})$")
BLOB_SYNCTHING_CONFLICT = re.compile(
    r"^(?P<blob>[0-9a-f]{64})\.sync-conflict-\d{8}-\d{6}-[A-Z2-7]{7}$"
)
BLOB_DROPBOX_CONFLICT = re.compile(
    r"^(?P<blob>[0-9a-f]{64}) \([^()/]+?['’]s conflicted copy \d{4}-\d{2}-\d{2}\)(?: \([1-9]\d*\))?$"
)


@dataclass(frozen=True)
class BlobName:
    """A classified entry of `attachments/`; `blob` is the blob it is (or is a copy of)."""

    kind: Kind  # REPLICA for a blob, CONFLICT, TEMP or UNKNOWN
    blob: str | None = None
    tool: str | None = None


def classify_blob(path: Path | str) -> BlobName:
    """Classify one entry of `attachments/` by its name, as `classify` does for `replicas/`.

    Two laptops that attach the same file write the same blob name with different bytes (a
    fresh nonce each): a sync tool may keep one as a conflict copy. Both open to the same
    plaintext, so a copy is merely a spare (`sync/blobs.py`).
    """
    name = Path(path).name
    match = BLOB.match(name)
    if match:
        return BlobName(Kind.REPLICA, match["blob"])
    for pattern, tool in (
        (BLOB_SYNCTHING_CONFLICT, "syncthing"),
        (BLOB_DROPBOX_CONFLICT, "dropbox"),
    ):
        match = pattern.match(name)
        if match:
            return BlobName(Kind.CONFLICT, match["blob"], tool)
    if any(pattern.match(name) for pattern in TEMP_PATTERNS):
        return BlobName(Kind.TEMP)
    return BlobName(Kind.UNKNOWN)
