"""What opening an envelope and preparing a passphrase change give back.

Kept out of `store.vault.crypto`: importing `dataclasses` takes some 14 ms, and a command's
key derive can start only once `crypto` is loaded. Nothing here is needed before the key is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Sealed:
    """What opening an envelope gives: who wrote it and the plaintext."""

    vault: str
    device: str
    key: str
    header: dict[str, Any]
    plaintext: bytes


@dataclass(frozen=True)
class NewPassphrase:
    """A passphrase change worked out and not yet written (`Vault.prepare_passphrase`)."""

    replaces: str  # the key id it was prepared over
    header: dict[str, Any]
    data_key: bytes = field(repr=False)
    older: dict[str, bytes] = field(repr=False)
