"""Attachment blobs: the encrypted bytes of files attached to cards, in `<vault>/attachments/`.

Each blob is its own envelope (store/vault/crypto.py: the whole header is the associated data),
named by a keyed hash of its plaintext: HMAC-SHA256 under a key derived from the data key. The
name tells the cloud nothing about the content (a plain SHA-256 would let anyone holding a copy
of the same résumé see that you attached it), yet the same file attached twice, or on two
laptops, is one blob. The name is also sealed in the header, so a blob renamed to another's
name is caught. A blob is written once, atomically, and never rewritten.

Reading checks everything a sync tool or a hostile hand could have done: a missing file is
"not synced yet" (another laptop attached it and the file has not arrived), a short one is
still arriving, one that fails its integrity check, holds another blob or whose plaintext does
not hash to what the card says is tampered, one from another vault is refused.

This module must never write plaintext anywhere, never delete a blob (pruning orphans is
`sync/blobs.py`'s, and only when the user asks), and never overwrite one.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from pathlib import Path

from store.errors import FollowupError, ForeignReplica, ReplicaUnreadable
from store.files import atomic_write, ensure_folder
from store.untrusted import MIB, parse_json, read_capped
from store.vault.crypto import Vault

ATTACHMENTS_DIR = "attachments"
BLOB_KIND = "attachment"  # the envelope's `followup` header
BLOB_NAME = re.compile(r"[0-9a-f]{64}")
# Reading a blob takes it into memory whole; no attachment may be bigger than `attach --limit`
# allows (1 GiB at most), plus the envelope.
MAX_BLOB_BYTES = 1024 * MIB + 64 * 1024


class AttachmentUnavailable(FollowupError):
    """An attachment whose bytes cannot be had now; `str()` is one line naming it."""


class AttachmentNotSynced(AttachmentUnavailable):
    """The blob has not arrived (or not fully): another laptop attached it; wait for the sync."""


class AttachmentTampered(AttachmentUnavailable):
    """The blob is there but is not what the card attached: damaged, swapped or forged."""


def attachments_dir(vault: Vault) -> Path:
    return vault.path / ATTACHMENTS_DIR


def blob_name(vault: Vault, plaintext: bytes) -> str:
    """The file name of the blob holding `plaintext`: a keyed hash, 64 hex digits."""
    return hmac.new(vault.subkey("attachment names"), plaintext, hashlib.sha256).hexdigest()


def blob_path(vault: Vault, name: str) -> Path:
    if not BLOB_NAME.fullmatch(name):
        raise AttachmentTampered(f"{name!r} is not the name of an attachment blob.")
    return attachments_dir(vault) / name


@dataclass(frozen=True)
class Stored:
    """What `store_blob` wrote (or found already there)."""

    blob: str
    sha256: str
    size: int
    written: bool  # False: the same bytes were attached before (here or on another laptop)


def store_blob(vault: Vault, device: str, plaintext: bytes) -> Stored:
    """Seal `plaintext` as a blob (once: an existing blob of the same bytes is checked, and kept).

    A blob of that name already there that does not open as these bytes is never written over:
    the error says to move it away first.
    """
    name = blob_name(vault, plaintext)
    digest = hashlib.sha256(plaintext).hexdigest()
    path = blob_path(vault, name)
    if path.exists():
        try:
            read_blob(vault, name, digest)
        except AttachmentUnavailable as exc:
            raise type(exc)(
                f"{exc} It was left as it is: move it out of the vault folder and attach again."
            ) from None
        return Stored(name, digest, len(plaintext), written=False)
    ensure_folder(path.parent, private=True)  # 0700, like the vault's other folders
    blob = vault.seal(device, plaintext, kind=BLOB_KIND, extra={"blob": name})
    atomic_write(path, blob, mode=0o600)
    return Stored(name, digest, len(plaintext), written=True)


def open_blob(vault: Vault, path: Path, name: str) -> bytes:
    """The plaintext of a blob file whose name (or the name it was copied from) is `name`.

    Raises `AttachmentNotSynced` for a file that is not there or not whole yet, and
    `AttachmentTampered` for one that is not the blob of that name in this vault.
    """
    shown = f"attachments/{path.name}"
    try:
        raw = read_capped(path, MAX_BLOB_BYTES)
    except FileNotFoundError:
        raise AttachmentNotSynced(f"{shown}: not synced yet.") from None
    except OSError as exc:
        raise AttachmentTampered(f"{shown}: cannot read it ({exc.strerror or exc}).") from None
    if not _whole(raw):
        raise AttachmentNotSynced(f"{shown}: not synced yet (the file has not fully arrived).")
    try:
        sealed = vault.open(raw, shown)
    except ForeignReplica:
        raise AttachmentTampered(f"{shown} belongs to another vault; it was not opened.") from None
    except ReplicaUnreadable as exc:
        if "newer" in exc.reason or "another key" in exc.reason:
            raise AttachmentTampered(f"{shown}: {exc.reason}.") from None
        raise AttachmentTampered(
            f"{shown} failed its integrity check (damaged or tampered); it was not opened."
        ) from None
    if sealed.header.get("followup") != BLOB_KIND or sealed.header.get("blob") != name:
        raise AttachmentTampered(
            f"{shown} holds another file than its name says (tampered); it was not opened."
        )
    return sealed.plaintext


def read_blob(vault: Vault, name: str, sha256: str) -> bytes:
    """The plaintext of blob `name`, checked against the `sha256` the card recorded."""
    plaintext = open_blob(vault, blob_path(vault, name), name)
    if hashlib.sha256(plaintext).hexdigest() != sha256:
        raise AttachmentTampered(
            f"attachments/{name}: its content does not match the card's checksum (tampered); "
            "it was not opened."
        )
    return plaintext


def _whole(raw: bytes) -> bool:
    """The file holds an envelope's header line and every byte the header says follows."""
    newline = raw.find(b"\n")
    if newline < 0:
        return False
    try:
        header = parse_json(raw[:newline])
        length = int(header["length"])
    except (ValueError, KeyError, TypeError):
        return True  # not ours to judge here: opening it says what is wrong
    return len(raw) - newline - 1 >= length
