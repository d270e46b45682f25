"""`python -m bench attachments`: attaching and reading back a 10 MB file, beside plain AES-GCM.

Two figures, each beside a baseline measured in the same run on the same bytes:
- attaching (`store_blob`: keyed hash for the name, seal with the header as associated data,
  atomic write with fsync and rename) beside AES-256-GCM of the bytes plus a plain write+fsync;
- reading it back (`read_blob`: read, open the envelope, check the header and the SHA-256)
  beside reading the file and AES-256-GCM decrypting it.

Each attach uses fresh random bytes (a blob is never rewritten, so the same bytes twice would
only measure the check of an existing blob). Everything lives in a temp folder.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from bench.common import header, measure, row
from store.vault.attachments import read_blob, store_blob
from store.vault.crypto import Vault

SIZE_MB = 10


def main(sizes: list[int]) -> None:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    header(f"attachments: one {SIZE_MB} MB file")
    with tempfile.TemporaryDirectory(prefix="followup-bench-") as folder:
        vault = Vault.create(Path(folder) / "vault", "bench passphrase")
        size = SIZE_MB * 1024 * 1024
        pending: list[bytes] = []
        written: list[tuple[str, str]] = []

        def fresh() -> None:
            pending[:] = [os.urandom(size)]

        def attach() -> None:
            stored = store_blob(vault, "aaaaaaaaaaaa", pending[0])
            written.append((stored.blob, stored.sha256))

        key = AESGCM(secrets.token_bytes(32))
        plain_path = Path(folder) / "plain.bin"

        def plain_write() -> None:
            nonce = secrets.token_bytes(12)
            sealed = nonce + key.encrypt(nonce, pending[0], None)
            with open(plain_path, "wb") as handle:
                handle.write(sealed)
                handle.flush()
                os.fsync(handle.fileno())

        row(
            "attach (keyed name, seal, atomic write)",
            measure(attach, setup=fresh),
            measure(plain_write, setup=fresh),
        )
        blob, sha = written[-1]

        def read_back() -> None:
            read_blob(vault, blob, sha)

        def plain_read() -> None:
            data = plain_path.read_bytes()
            key.decrypt(data[:12], data[12:], None)

        row("read back (open, check header and sha256)", measure(read_back), measure(plain_read))
