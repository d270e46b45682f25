"""`attachments/` as a synced folder: which blobs the cards need, which arrived, which nobody needs.

A blob is written once and never rewritten, but sync tools still leave their marks: temp files
while a blob arrives (never read), and conflict copies when two laptops attached the same file
at once (the same name, different nonces: both open to the same bytes). `settle_copies` puts a
verified copy in place of a missing blob and removes copies of a blob that is there and opens.

Orphans (blobs no card this laptop knows refers to) are listed by `doctor` and removed only by
`doctor --prune`: another laptop, offline, may hold a card that still refers to one. Even then
nothing is removed while a replica cannot be read (its cards may refer to it), nor a blob that
arrived in the last `PRUNE_GRACE` (its card may still be on the way).

Must never remove a blob that a known card refers to, never write over a blob, and never
remove anything unless asked (`prune`) or proven spare (`settle_copies`).
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from store.cards.documents import Attachment
from store.cards.model import Card
from store.errors import FollowupError
from store.vault.attachments import (
    AttachmentNotSynced,
    AttachmentUnavailable,
    attachments_dir,
    blob_path,
    open_blob,
    read_blob,
)
from store.vault.crypto import Vault
from store.vault.session import Session
from sync.names import Kind, classify_blob

PRUNE_GRACE = timedelta(minutes=10)


@dataclass(frozen=True)
class Wanted:
    """One attachment of one card, and the blob it needs."""

    card: Card
    attachment: Attachment

    def to_json(self) -> dict[str, Any]:
        return {
            "card_id": self.card.id,
            "company": self.card.company,
            "name": self.attachment.name,
            "blob": self.attachment.blob,
        }


@dataclass
class BlobSurvey:
    """What `attachments/` holds beside what the cards need, from file names alone."""

    present: dict[str, Path] = field(default_factory=dict)
    missing: list[Wanted] = field(default_factory=list)
    orphans: list[Path] = field(default_factory=list)
    copies: list[Path] = field(default_factory=list)  # conflict copies of a blob
    unknown: list[Path] = field(default_factory=list)

    @property
    def attention(self) -> list[str]:
        lines = [
            f"{w.card.company} ({w.card.id}): attachment {w.attachment.name} not synced yet"
            for w in self.missing
        ]
        lines += [
            f"attachments/{p.name}: no card refers to it; `followup-tui doctor --prune` removes it"
            for p in self.orphans
        ]
        lines += [
            f"attachments/{p.name}: a conflict copy of a blob; `followup-tui sync` settles it"
            for p in self.copies
        ]
        lines += [f"attachments/{p.name}: unknown file in attachments/" for p in self.unknown]
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "blobs": len(self.present),
            "missing": [w.to_json() for w in self.missing],
            "orphans": [str(p) for p in self.orphans],
            "conflict_copies": [str(p) for p in self.copies],
            "unknown": [str(p) for p in self.unknown],
        }


def wanted(session: Session) -> dict[str, list[Wanted]]:
    """Every blob a card refers to (cards in the trash too: they can be restored)."""
    found: dict[str, list[Wanted]] = {}
    for card in session.board.all(include_deleted=True):
        for attachment in card.attachments:
            found.setdefault(attachment.blob, []).append(Wanted(card, attachment))
    return found


def survey(session: Session) -> BlobSurvey:
    """Compare the folder with the cards; opens no file."""
    result = BlobSurvey()
    folder = attachments_dir(session.vault)
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        entries = []
    for path in entries:
        name = classify_blob(path)
        if name.kind is Kind.REPLICA and name.blob:
            result.present[name.blob] = path
        elif name.kind is Kind.CONFLICT:
            result.copies.append(path)
        elif name.kind is Kind.UNKNOWN:
            result.unknown.append(path)
    needed = wanted(session)
    for blob, uses in sorted(needed.items()):
        if blob not in result.present:
            result.missing.extend(uses)
    result.orphans = [path for blob, path in result.present.items() if blob not in needed]
    return result


def settle_copies(vault: Vault) -> list[str]:
    """Deal with conflict copies of blobs; returns what was done, one line each.

    A copy of a blob that is there and opens is a spare: removed. A copy of a missing blob that
    opens as that blob takes its place. A copy that does not open is left for `doctor`.
    """
    done: list[str] = []
    try:
        entries = sorted(attachments_dir(vault).iterdir())
    except OSError:
        return done
    for path in entries:
        name = classify_blob(path)
        if name.kind is not Kind.CONFLICT or not name.blob:
            continue
        target = blob_path(vault, name.blob)
        try:
            open_blob(vault, path, name.blob)
        except AttachmentUnavailable:
            continue  # still arriving, or not a blob of ours: never removed here
        if target.exists():
            try:
                open_blob(vault, target, name.blob)
            except AttachmentUnavailable:
                continue  # the original is damaged: keep the good copy beside it
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            done.append(f"removed attachments/{path.name} (a spare copy of a blob)")
            continue
        try:
            os.link(path, target)  # never over a blob that arrived meanwhile
        except FileExistsError:
            continue
        except OSError:
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        done.append(f"attachments/{path.name} now stands in for its missing blob")
    return done


def attachment_bytes(vault: Vault, attachment: Attachment) -> bytes:
    """The plaintext of an attachment, checked; a missing blob with a good conflict copy is
    settled first. Raises `AttachmentUnavailable` (one line) when it cannot be had."""
    try:
        return read_blob(vault, attachment.blob, attachment.sha256)
    except AttachmentNotSynced:
        if not settle_copies(vault):
            raise
    return read_blob(vault, attachment.blob, attachment.sha256)


def prune(session: Session, grace: timedelta = PRUNE_GRACE) -> tuple[list[Path], list[Path]]:
    """Remove orphan blobs (asked for by the user); returns (removed, kept because too new).

    Refuses while any replica cannot be read: its cards may refer to the orphans.
    """
    if session.problems:
        unreadable = ", ".join(sorted(p.name for p in session.problems))
        raise FollowupError(
            f"Nothing was pruned: {unreadable} cannot be read, and its cards may refer to "
            "these blobs. Fix that first (followup-tui doctor)."
        )
    result = survey(session)
    removed: list[Path] = []
    kept: list[Path] = []
    now = time.time()
    for path in result.orphans:
        try:
            arrived = path.stat().st_ctime
        except FileNotFoundError:
            continue
        if now - arrived < grace.total_seconds():
            kept.append(path)
            continue
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise FollowupError(
                f"attachments/{path.name}: cannot remove it ({exc.strerror or exc})."
            ) from None
        removed.append(path)
    return removed, kept
