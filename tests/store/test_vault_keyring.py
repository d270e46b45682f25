"""Staying unlocked (store/vault/keyring.py): a vault's data key kept in the real kernel
keyring opens the vault in another process without the passphrase, for that header only,
until it is forgotten, it expires, or the passphrase changes; a forged key is never taken."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import require_kernel_keyring

from store.errors import FollowupError
from store.vault import keyring
from store.vault.crypto import HEADER_NAME, Vault, canonical

PASSPHRASE = "kept for a while"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def vault(tmp_path: Path):
    """A fresh vault (its own random id: no test shares a keyring entry), forgotten after."""
    require_kernel_keyring()
    made = Vault.create(tmp_path / "vault", PASSPHRASE, {"t": 1, "m": 8 * 1024, "p": 1})
    yield made
    keyring.forget(made.id)


def test_a_kept_key_opens_the_vault_in_another_process_without_the_passphrase(
    vault: Vault,
) -> None:
    sealed = vault.seal("d1", b"hello")
    (vault.path / "sealed").write_bytes(sealed)
    vault.keep_key(3600)
    script = (
        "from pathlib import Path\n"
        "from store.vault.crypto import Vault\n"
        f"v = Vault.from_kept_key(Path({str(vault.path)!r}))\n"
        "print(v.open((v.path / 'sealed').read_bytes(), 'sealed').plaintext.decode())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == "hello", done.stderr


def test_a_changed_header_is_not_opened_by_the_key_kept_for_the_old_one(vault: Vault) -> None:
    vault.keep_key(3600)
    assert Vault.from_kept_key(vault.path) is not None
    header = vault.path / HEADER_NAME
    header.write_text(header.read_text().replace('"format"', '"note": "x", "format"', 1))
    assert Vault.from_kept_key(vault.path) is None


def test_a_new_passphrase_forgets_the_kept_key(vault: Vault) -> None:
    vault.keep_key(3600)
    vault.change_passphrase("a new one")
    assert keyring.recall(vault.id, canonical(vault.header)) is None
    assert Vault.from_kept_key(vault.path) is None


def test_lock_forgets_it_and_time_ends_it(vault: Vault) -> None:
    vault.keep_key(3600)
    assert keyring.forget(vault.id) is True
    assert Vault.from_kept_key(vault.path) is None
    assert keyring.forget(vault.id) is False  # nothing left to forget
    vault.keep_key(1)
    deadline = time.monotonic() + 30
    while Vault.from_kept_key(vault.path) is not None:
        assert time.monotonic() < deadline, "the kernel never let the key expire"
        time.sleep(0.1)


@pytest.mark.parametrize(
    "payload",
    [b"", b"x" * 83, b"followup-tui key 1\n" + b"\0" * 64, b"followup-tui key 2\n" + b"\0" * 64],
)
def test_a_forged_or_damaged_entry_is_never_taken(vault: Vault, payload: bytes) -> None:
    kernel = keyring._the_kernel()
    kernel.add(f"followup-tui:{vault.id}".encode(), payload or b"\0")
    assert keyring.recall(vault.id, canonical(vault.header)) is None
    assert Vault.from_kept_key(vault.path) is None


def test_a_key_that_opens_nothing_here_is_not_taken(vault: Vault, tmp_path: Path) -> None:
    """A key kept for this header but not this vault's (older keys do not unwrap with it)."""
    vault.change_passphrase("second")  # the header now holds an older key to unwrap
    keyring.keep(vault.id, canonical(vault.header), b"w" * 32, 3600)
    assert Vault.from_kept_key(vault.path) is None


@pytest.mark.parametrize("seconds", [0, -5, keyring.MAX_SECONDS + 1])
def test_keep_refuses_a_time_out_of_bounds(vault: Vault, seconds: int) -> None:
    with pytest.raises(FollowupError):
        vault.keep_key(seconds)


def test_unlocking_again_replaces_the_key_kept_before(vault: Vault) -> None:
    """No process may write into a kept key (not even this user's): a new `unlock` forgets
    the old one and keeps the new."""
    keyring.keep(vault.id, canonical(vault.header), b"a" * 32, 3600)
    vault.keep_key(3600)
    assert keyring.recall(vault.id, canonical(vault.header)) == vault._data_key


def test_a_stale_vault_never_writes_a_passphrase_over_a_newer_one(vault: Vault) -> None:
    """Another laptop changed the passphrase: a board still holding the old header refuses to
    change it, and the newer vault.json (its key) stays."""
    stale = Vault.unlock(vault.path, PASSPHRASE)
    vault.change_passphrase("changed elsewhere")
    newer = (vault.path / HEADER_NAME).read_bytes()
    prepared = stale.prepare_passphrase("changed here")
    with pytest.raises(FollowupError, match="changed meanwhile"):
        stale.apply_passphrase(prepared)
    assert (vault.path / HEADER_NAME).read_bytes() == newer
    Vault.unlock(vault.path, "changed elsewhere")
