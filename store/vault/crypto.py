"""The vault: its plaintext header (`vault.json`), the passphrase-wrapped data key, envelopes.

A random 256-bit data key encrypts every replica; Argon2id turns the passphrase into the key
that wraps it. Changing the passphrase also rotates the data key: the new key is wrapped by the
new passphrase, and every older key is kept in `vault.json` wrapped by the newest one, so old
replicas still open while everything written afterwards is sealed with the new key. An old copy
of `vault.json` (a sync tool's restore) with the old passphrase opens only what was written
before the change. Every replica is an envelope whose whole header is the AES-GCM associated
data: a file carries its identity (vault, device, key) with its content, whatever a sync tool
renames it to.

This module must never write the passphrase, the data key in clear, or any card data in clear.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store import ids
from store.errors import (
    DeviceMismatch,
    FollowupError,
    ForeignReplica,
    ReplicaUnreadable,
    VaultNotFound,
    VaultUnreadable,
    WrongPassphrase,
)
from store.files import atomic_write, ensure_folder
from store.untrusted import MAX_HEADER_BYTES, parse_json, read_capped

if TYPE_CHECKING:
    from store.vault.opened import NewPassphrase, Sealed

FORMAT = 2  # of vault.json: 2 adds `older_keys` (written once the passphrase was changed)
FORMATS_READ = (1, 2)
# Of a replica envelope. 2: the header as one line of canonical JSON (it is the associated
# data, and says how many bytes follow, so a file still arriving is told from a damaged one),
# a newline, then the 12-byte nonce and the AES-GCM ciphertext as raw bytes. 1 (still read):
# one JSON object with the nonce and ciphertext in base64, a third bigger and slower.
# 3: the envelope of 2, whose cards may hold compact entries `[value, stamp]` (store/cards/model.py);
# an app that reads only 2 would call them malformed, so it says "update the app" instead.
# 4: a replica file whose snapshot envelope may be followed by appended change envelopes
# (store/vault/changes.py); an app that reads only 3 would take the appended bytes for damage.
# Blobs (attachments) hold one envelope each and stay at 3, so older apps still open them.
ENVELOPE_FORMAT = 4
SINGLE_FORMAT = 3  # what an envelope of any other kind than a replica is written as
REPLICA_KINDS = ("replica", "change")
NONCE_BYTES = 12
TAG_BYTES = 16
HEADER_NAME = "vault.json"
REPLICAS_DIR = "replicas"
TEMPLATES_DIR = "templates"

# RFC 9106's second recommended option: 64 MiB, t=3, p=4. Never write weaker parameters.
KDF_DEFAULT = {"memory_kib": 65536, "iterations": 3, "lanes": 4}
KDF_FLOOR = {"memory_kib": 65536, "iterations": 3, "lanes": 1}
# A hostile header must not make unlocking take forever or eat the machine's memory: at most
# 1 GiB, and at most about ten times the default's work (memory × passes; 2 s here, not hours).
KDF_CEILING = {"memory_kib": 1024 * 1024, "iterations": 16, "lanes": 64}
KDF_MAX_WORK = 2 * 1024 * 1024  # KiB × iterations


def _require_argon2() -> Any:
    try:
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
    except ImportError:  # pragma: no cover - depends on the installed cryptography
        import cryptography

        raise FollowupError(
            f"followup-tui needs cryptography>=44 for Argon2id, found {cryptography.__version__}; "
            "run `pip install -U 'cryptography>=44'` in the app's environment."
        ) from None
    return Argon2id


def prepare_unlock() -> None:
    """Import what an unlock's derive needs (Argon2id) on the calling thread.

    The unlock begun in advance calls this before it starts its thread: imported on that
    thread, the module would compete for the interpreter with the imports its caller goes on
    with, and the derive would start later (up to twice the import's time). What unwraps the
    key after the derive (AES-GCM, 4 ms) is `prepare_unwrap`'s, for the caller to import while
    Argon2id runs."""
    _require_argon2()
    from cryptography.exceptions import InvalidTag  # noqa: F401


def prepare_unwrap() -> None:
    """Import AES-GCM, which unwraps the data key once it is derived and opens every replica."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: F401


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("expected base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


# One Argon2id derive at a time in a process: two at once (the unlock begun in advance and
# another) never return with OpenSSL's Argon2id under cryptography 50, each waiting on the
# other's threads. Argon2id is memory-hard anyway: a second one at once only halves both.
_derive_lock = threading.Lock()


def _derive(passphrase: str, kdf: dict[str, Any]) -> bytes:
    argon2id = _require_argon2()
    with _derive_lock:
        return _argon2id_derive(argon2id, passphrase, kdf)


def _argon2id_derive(argon2id: Any, passphrase: str, kdf: dict[str, Any]) -> bytes:
    return argon2id(
        salt=_unb64(kdf["salt"]),
        length=32,
        iterations=int(kdf["iterations"]),
        lanes=int(kdf["lanes"]),
        memory_cost=int(kdf["memory_kib"]),
    ).derive(passphrase.encode("utf-8"))


def _check_kdf(kdf: Any, path: Path) -> None:
    if not isinstance(kdf, dict) or kdf.get("name") != "argon2id":
        raise VaultUnreadable(f"{path}: unknown key derivation; this vault needs a newer app.")
    for key, ceiling in KDF_CEILING.items():
        value = kdf.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= ceiling:
            raise VaultUnreadable(
                f"{path}: key derivation parameter {key}={value!r} is outside the accepted range."
            )
    if kdf["lanes"] * 8 > kdf["memory_kib"]:
        raise VaultUnreadable(f"{path}: key derivation parameters are inconsistent.")
    if kdf["memory_kib"] * kdf["iterations"] > KDF_MAX_WORK:
        raise VaultUnreadable(
            f"{path}: key derivation would take too long (memory_kib × iterations is over "
            f"{KDF_MAX_WORK:,}); this header was not written by followup-tui."
        )


def _wrap_aad(vault_id: str, key_id: str, kdf: dict[str, Any]) -> bytes:
    return canonical({"vault": vault_id, "key": key_id, "kdf": kdf})


class Vault:
    """An unlocked vault folder: it can seal and open replica envelopes."""

    def __init__(
        self,
        path: Path,
        header: dict[str, Any],
        data_key: bytes,
        older: dict[str, bytes] | None = None,
    ) -> None:
        self.path = path
        self.header = header
        self._data_key = data_key
        self._older = dict(older or {})
        self._aead = _aesgcm(data_key)
        self._keys = {str(header["key"]): self._aead}
        self._keys.update({kid: _aesgcm(key) for kid, key in self._older.items()})
        self._header_seen = _signature(self.path / HEADER_NAME)
        self._replaced = False

    @property
    def id(self) -> str:
        return str(self.header["vault"])

    @property
    def key_id(self) -> str:
        return str(self.header["key"])

    @property
    def key_ids(self) -> frozenset[str]:
        """Every key this vault can open with: the newest and the older ones."""
        return frozenset(self._keys)

    @property
    def older_key_ids(self) -> frozenset[str]:
        return frozenset(self._older)

    def header_replaced(self) -> bool:
        """True once `vault.json` names a newer key than the one this vault seals with (the
        passphrase was changed by another process or device): writing on with ours would
        seal new data with a key the old passphrase opens."""
        if self._replaced:
            return True
        seen = _signature(self.path / HEADER_NAME)
        if seen == self._header_seen:
            return False
        try:
            header = Vault.read_header(self.path)
        except FollowupError:
            return False  # missing or damaged for a moment: what opens it says so
        self._header_seen = seen
        self._replaced = str(header.get("key")) not in self._keys
        return self._replaced

    @property
    def replicas_dir(self) -> Path:
        return self.path / REPLICAS_DIR

    @property
    def templates_dir(self) -> Path:
        return self.path / TEMPLATES_DIR

    # --- creating and unlocking -------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, passphrase: str, kdf_params: dict[str, int] | None = None) -> Vault:
        path = Path(path).expanduser()
        if (path / HEADER_NAME).exists():
            raise FollowupError(f"{path} already holds a vault; open it instead of creating one.")
        if not passphrase:
            raise FollowupError("The passphrase must not be empty.")
        params = dict(KDF_DEFAULT, **(kdf_params or {}))
        for key, floor in KDF_FLOOR.items():
            if params[key] < floor:
                raise FollowupError(
                    f"Key derivation {key}={params[key]} is below the minimum {floor}."
                )
        _check_kdf({"name": "argon2id", **params}, path / HEADER_NAME)  # readable once written
        ensure_folder(path, private=not path.exists())  # a folder the user made stays theirs
        ensure_folder(path / REPLICAS_DIR, private=True)
        data_key = os.urandom(32)
        header = {
            "followup": "vault",
            "format": 1,  # readable by every app until the passphrase is first changed
            "vault": ids.random_hex(8),
            "key": ids.random_hex(4),
        }
        header.update(_wrap(data_key, passphrase, header["vault"], header["key"], params))
        atomic_write(path / HEADER_NAME, json.dumps(header, indent=2).encode() + b"\n")
        return cls(path, header, data_key)

    @staticmethod
    def read_header(path: Path) -> dict[str, Any]:
        path = Path(path).expanduser()
        header_path = path / HEADER_NAME
        try:
            raw = read_capped(header_path, MAX_HEADER_BYTES)
        except FileNotFoundError:
            raise VaultNotFound(
                f"No vault at {path}: run `followup-tui init {path}` or pick another folder."
            ) from None
        except OSError as exc:
            raise VaultUnreadable(f"{header_path}: cannot read it ({exc.strerror}).") from None
        try:
            header = parse_json(raw)
            if not isinstance(header, dict) or header.get("followup") != "vault":
                raise ValueError
        except ValueError:
            raise VaultUnreadable(f"{header_path} is not a followup-tui vault header.") from None
        if header.get("format") not in FORMATS_READ:
            raise VaultUnreadable(
                f"{header_path} has format {header.get('format')!r}; this app reads formats "
                f"up to {FORMAT}: update the app."
            )
        _check_kdf(header.get("kdf"), header_path)
        return header

    @classmethod
    def unlock(cls, path: Path, passphrase: str) -> Vault:
        path = Path(path).expanduser()
        header = cls.read_header(path)
        data_key = _unwrap(header, passphrase, path / HEADER_NAME)
        older = _unwrap_older(header, data_key, path / HEADER_NAME)
        return cls(path, header, data_key, older)

    @classmethod
    def from_kept_key(cls, path: Path, header: dict[str, Any] | None = None) -> Vault | None:
        """The vault opened with the key `followup-tui unlock` kept in the kernel keyring
        (`store.vault.keyring`), or None: none kept, expired, or kept for another header."""
        from store.vault import keyring

        path = Path(path).expanduser()
        header = header if header is not None else cls.read_header(path)
        data_key = keyring.recall(str(header.get("vault")), canonical(header))
        if data_key is None:
            return None
        try:
            older = _unwrap_older(header, data_key, path / HEADER_NAME)
        except VaultUnreadable:
            return None
        return cls(path, header, data_key, older)

    def keep_key(self, seconds: int) -> None:
        """Stay unlocked: keep this vault's data key in the kernel keyring for `seconds`."""
        from store.vault import keyring

        keyring.keep(self.id, canonical(self.header), self._data_key, seconds)

    def change_passphrase(self, new_passphrase: str) -> None:
        """A new passphrase and a new data key; the older keys, wrapped by the new one, stay
        in `vault.json`, so replicas sealed before still open. Replicas are not rewritten:
        each device seals its next write with the new key."""
        self.apply_passphrase(self.prepare_passphrase(new_passphrase))

    def prepare_passphrase(self, new_passphrase: str) -> NewPassphrase:
        """The slow half of `change_passphrase` (Argon2id for the new passphrase), which
        changes nothing: a screen runs it on a worker and applies it, or drops it."""
        if not new_passphrase:
            raise FollowupError("The new passphrase must not be empty.")
        params = {k: max(int(self.header["kdf"][k]), KDF_FLOOR[k]) for k in KDF_DEFAULT}
        older = {**self._older, self.key_id: self._data_key}
        key_id = ids.random_hex(4)
        while key_id in older:
            key_id = ids.random_hex(4)
        data_key = os.urandom(32)
        header = {k: v for k, v in self.header.items() if k not in ("kdf", "wrapped", "older_keys")}
        header.update(format=FORMAT, key=key_id)
        header.update(_wrap(data_key, new_passphrase, self.id, key_id, params))
        header["older_keys"] = {
            kid: _wrap_older(key, kid, data_key, key_id, self.id)
            for kid, key in sorted(older.items())
        }
        from store.vault.opened import NewPassphrase

        return NewPassphrase(self.key_id, header, data_key, older)

    def apply_passphrase(self, change: NewPassphrase) -> None:
        """Write the prepared header; from now on this vault seals with the new key."""
        if change.replaces != self.key_id or self.header_replaced():
            raise FollowupError(
                "The passphrase changed meanwhile (here or on another laptop): nothing was "
                "changed; open the board again, then change it."
            )
        atomic_write(self.path / HEADER_NAME, json.dumps(change.header, indent=2).encode() + b"\n")
        Vault.__init__(self, self.path, change.header, change.data_key, change.older)
        from store.vault import keyring

        keyring.forget(self.id)  # kept by `unlock` for the old passphrase: it opens no more

    def at(self, path: Path) -> Vault:
        """This unlocked vault in another copy of its folder: the same vault as another machine
        holds it (its sync tool carries the files), without deriving the key again."""
        return Vault(Path(path), self.header, self._data_key, self._older)

    # --- envelopes --------------------------------------------------------------------------

    def subkey(self, purpose: str) -> bytes:
        """A key for one purpose derived from the data key (HKDF-SHA256), e.g. the keyed hash
        that names attachment blobs: it never leaves memory and is never stored."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        info = f"followup-tui {purpose} {self.id}".encode()
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
            self._data_key
        )

    def seal(
        self,
        device: str,
        plaintext: bytes,
        kind: str = "replica",
        extra: dict[str, Any] | None = None,
    ) -> bytes:
        """An envelope; `extra` header fields (an attachment's blob name) are sealed with it."""
        header = {
            **(extra or {}),
            "followup": kind,
            "format": ENVELOPE_FORMAT if kind in REPLICA_KINDS else SINGLE_FORMAT,
            "vault": self.id,
            "device": device,
            "key": self.key_id,
        }
        header["length"] = NONCE_BYTES + len(plaintext) + TAG_BYTES
        aad = canonical(header)
        nonce = os.urandom(NONCE_BYTES)
        return b"".join((aad, b"\n", nonce, self._aead.encrypt(nonce, plaintext, aad)))

    def open(self, blob: bytes, where: Path | str, expect_device: str | None = None) -> Sealed:
        """Open an envelope; `expect_device` is the device its file name says wrote it."""
        try:
            header, nonce, ciphertext = _split_envelope(blob)
        except (ValueError, KeyError, TypeError):
            raise ReplicaUnreadable(where, INCOMPLETE) from None
        return self._open_split(header, nonce, ciphertext, where, expect_device)

    def open_piece(
        self, data: bytes, start: int, where: Path | str, expect_device: str | None = None
    ) -> tuple[Sealed, int]:
        """Open the envelope that starts at `start` in `data` (a replica file holds a snapshot
        and the changes appended to it, one after the other); also return where it ends.

        Raises `ReplicaUnreadable` with `INCOMPLETE` when the bytes end before the envelope
        does (a file still arriving, or a write cut short), as `open` does."""
        try:
            header, nonce, ciphertext, end = _split_piece(data, start)
        except _Cut:
            raise EnvelopeCut(where, INCOMPLETE) from None
        except (ValueError, KeyError, TypeError):
            # A whole header line that is not an envelope's: the first may be a file just
            # begun (as `open` says); one after it sits after a whole envelope, so is damage.
            raise ReplicaUnreadable(where, INCOMPLETE if start == 0 else DAMAGED) from None
        return self._open_split(header, nonce, ciphertext, where, expect_device), end

    def _open_split(
        self,
        header: dict[str, Any],
        nonce: bytes,
        ciphertext: bytes | memoryview,
        where: Path | str,
        expect_device: str | None,
    ) -> Sealed:
        from cryptography.exceptions import InvalidTag

        if not isinstance(header.get("format"), int) or header["format"] > ENVELOPE_FORMAT:
            raise ReplicaUnreadable(
                where, "was written by a newer followup-tui; update the app to read it"
            )
        if header.get("vault") != self.id:
            raise ForeignReplica(where, "belongs to another vault; it was not opened")
        aead = self._keys.get(str(header.get("key")))
        if aead is None:
            raise ReplicaUnreadable(
                where,
                "sealed with a key this vault.json does not hold (a newer one: was the "
                "passphrase changed on another device? open the vault with the new one)",
            )
        try:
            plaintext = aead.decrypt(nonce, ciphertext, canonical(header))
        except (InvalidTag, ValueError):
            raise ReplicaUnreadable(where, DAMAGED) from None
        device = str(header.get("device", ""))
        if expect_device is not None and device != expect_device:
            raise DeviceMismatch(
                where, f"is sealed by device {device}, not {expect_device} as its name says"
            )
        from store.vault.opened import Sealed

        return Sealed(self.id, device, self.key_id, header, plaintext)


INCOMPLETE = "not a complete replica (still arriving, or damaged)"
DAMAGED = "failed its integrity check (damaged or tampered)"
MAX_HEADER_LINE = 4096  # bytes: an envelope's header is a few hundred


class EnvelopeCut(ReplicaUnreadable):
    """The bytes end before the envelope does: a file still arriving, or a write cut short."""


class _Cut(ValueError):
    pass


def _split_piece(data: bytes, start: int) -> tuple[dict[str, Any], bytes, memoryview, int]:
    """Header, nonce, ciphertext and end of the envelope (format 2 and later) at `start`."""
    newline = data.find(b"\n", start, start + MAX_HEADER_LINE)
    if newline < 0:
        if len(data) - start < MAX_HEADER_LINE:
            raise _Cut("the header line is not whole")
        raise ValueError("no header line")
    header = parse_json(data[start:newline])
    if not isinstance(header, dict) or "ciphertext" in header:
        raise ValueError("not an envelope")
    length = header.get("length")
    if type(length) is not int or length < NONCE_BYTES + TAG_BYTES:
        raise ValueError("no length")
    end = newline + 1 + length
    if end > len(data):
        raise _Cut("too short")
    body = memoryview(data)[newline + 1 : end]
    return header, bytes(body[:NONCE_BYTES]), body[NONCE_BYTES:], end


def _split_envelope(blob: bytes) -> tuple[dict[str, Any], bytes, bytes | memoryview]:
    """Header, nonce and ciphertext of an envelope of either format (ValueError if it is not)."""
    newline = blob.find(b"\n")
    first = blob if newline < 0 else blob[:newline]
    header = parse_json(first)
    if not isinstance(header, dict):
        raise ValueError("not an envelope")
    if "ciphertext" in header:  # format 1: everything in one JSON object
        envelope = header
        header = {k: v for k, v in envelope.items() if k not in ("nonce", "ciphertext")}
        return header, _unb64(envelope["nonce"]), _unb64(envelope["ciphertext"])
    body = memoryview(blob)[newline + 1 :]
    if newline < 0 or len(body) < header.get("length", NONCE_BYTES + TAG_BYTES):
        raise ValueError("too short")
    return header, bytes(body[:NONCE_BYTES]), body[NONCE_BYTES:]


def _aesgcm(key: bytes) -> Any:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def _wrap(
    data_key: bytes, passphrase: str, vault_id: str, key_id: str, params: dict[str, int]
) -> dict[str, Any]:
    kdf = {"name": "argon2id", **params, "salt": _b64(os.urandom(16))}
    kek = _derive(passphrase, kdf)
    nonce = os.urandom(12)
    wrapped = _aesgcm(kek).encrypt(nonce, data_key, _wrap_aad(vault_id, key_id, kdf))
    return {"kdf": kdf, "wrapped": {"nonce": _b64(nonce), "ciphertext": _b64(wrapped)}}


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _older_aad(vault_id: str, key_id: str, by: str) -> bytes:
    return canonical({"vault": vault_id, "key": key_id, "wrapped_by": by})


def _wrap_older(
    key: bytes, key_id: str, by_key: bytes, by_id: str, vault_id: str
) -> dict[str, str]:
    """An older data key wrapped by the newest one (never by a passphrase)."""
    nonce = os.urandom(12)
    wrapped = _aesgcm(by_key).encrypt(nonce, key, _older_aad(vault_id, key_id, by_id))
    return {"nonce": _b64(nonce), "ciphertext": _b64(wrapped)}


def _unwrap_older(header: dict[str, Any], data_key: bytes, where: Path) -> dict[str, bytes]:
    from cryptography.exceptions import InvalidTag

    older = header.get("older_keys") or {}
    if not isinstance(older, dict):
        raise VaultUnreadable(f"{where} is damaged: its older keys cannot be read.")
    aead = _aesgcm(data_key)
    keys: dict[str, bytes] = {}
    for key_id, wrapped in older.items():
        try:
            aad = _older_aad(str(header["vault"]), str(key_id), str(header["key"]))
            keys[str(key_id)] = aead.decrypt(
                _unb64(wrapped["nonce"]), _unb64(wrapped["ciphertext"]), aad
            )
        except (KeyError, TypeError, ValueError, InvalidTag):
            raise VaultUnreadable(
                f"{where} is damaged: the older key {key_id!r} cannot be opened."
            ) from None
    return keys


def _unwrap(header: dict[str, Any], passphrase: str, where: Path) -> bytes:
    from cryptography.exceptions import InvalidTag

    try:
        kdf = header["kdf"]
        nonce = _unb64(header["wrapped"]["nonce"])
        wrapped = _unb64(header["wrapped"]["ciphertext"])
        aad = _wrap_aad(str(header["vault"]), str(header["key"]), kdf)
        kek = _derive(passphrase, kdf)
    except (KeyError, TypeError, ValueError):
        raise VaultUnreadable(f"{where} is damaged: its wrapped key cannot be read.") from None
    try:
        return _aesgcm(kek).decrypt(nonce, wrapped, aad)
    except InvalidTag:
        raise WrongPassphrase(f"Wrong passphrase for the vault at {where.parent}.") from None
