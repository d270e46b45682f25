"""Two unlocks of a vault at once in one process (the unlock begun in advance of a command,
and another) both finish: OpenSSL's Argon2id never returned when two derives ran at once."""

from __future__ import annotations

import threading
from pathlib import Path

from store.vault.crypto import Vault


def test_two_unlocks_at_once_on_two_threads_both_open_the_vault(tmp_path: Path) -> None:
    path = tmp_path / "vault"
    created = Vault.create(path, "correct horse")  # the default key derivation, lanes and all
    opened: list[str] = []

    def unlock() -> None:
        opened.append(Vault.unlock(path, "correct horse").key_id)

    threads = [threading.Thread(target=unlock, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)  # a guard against a hang, never reached when it works
    assert opened == [created.key_id, created.key_id]
