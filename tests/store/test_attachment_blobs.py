"""Attachment blobs on disk: sealed, content-addressed by a keyed hash, written once, and checked
on every read (missing, half-arrived, tampered, swapped, from another vault)."""

from __future__ import annotations

import hashlib
import os
import shutil

import pytest
from conftest import PASSPHRASE, Laptop

from store.vault.attachments import (
    AttachmentNotSynced,
    AttachmentTampered,
    attachments_dir,
    blob_name,
    read_blob,
    store_blob,
)
from store.vault.crypto import Vault

CANARY = b"CANARY-inside-an-attached-file-7f3a"


def _vault(laptop: Laptop) -> Vault:
    return laptop.session().vault


def test_a_blob_reads_back_as_the_same_bytes_and_its_name_is_not_the_plain_sha256(
    laptop: Laptop,
) -> None:
    vault = _vault(laptop)
    data = b"%PDF-1.7 " + CANARY + os.urandom(5000)
    stored = store_blob(vault, "aaaaaaaaaaaa", data)
    assert stored.written and stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.blob != stored.sha256  # the cloud cannot tell which public file it is
    assert read_blob(vault, stored.blob, stored.sha256) == data
    path = attachments_dir(vault) / stored.blob
    assert path.stat().st_mode & 0o777 == 0o600
    for file in laptop.vault.rglob("*"):
        if file.is_file():
            assert CANARY not in file.read_bytes(), file


def test_the_attachments_folder_is_private_like_the_vaults_other_folders(laptop: Laptop) -> None:
    vault = _vault(laptop)
    old_umask = os.umask(0o022)  # a usual umask: folders made without a mode are 0755
    try:
        store_blob(vault, "aaaaaaaaaaaa", b"resume v3")
    finally:
        os.umask(old_umask)
    assert attachments_dir(vault).stat().st_mode & 0o777 == 0o700


def test_the_same_file_twice_is_one_blob_never_rewritten(laptop: Laptop) -> None:
    vault = _vault(laptop)
    first = store_blob(vault, "aaaaaaaaaaaa", b"resume v3")
    before = (attachments_dir(vault) / first.blob).stat()
    again = store_blob(vault, "bbbbbbbbbbbb", b"resume v3")
    after = (attachments_dir(vault) / first.blob).stat()
    assert again.blob == first.blob and not again.written
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)


def test_a_missing_or_half_arrived_blob_is_not_synced_yet(laptop: Laptop) -> None:
    vault = _vault(laptop)
    stored = store_blob(vault, "aaaaaaaaaaaa", b"x" * 10_000)
    path = attachments_dir(vault) / stored.blob
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])  # the sync tool is still writing it
    with pytest.raises(AttachmentNotSynced, match="not synced yet"):
        read_blob(vault, stored.blob, stored.sha256)
    path.unlink()
    with pytest.raises(AttachmentNotSynced, match="not synced yet"):
        read_blob(vault, stored.blob, stored.sha256)


def test_a_flipped_byte_is_tampering_and_the_blob_is_left_as_it_is(laptop: Laptop) -> None:
    vault = _vault(laptop)
    stored = store_blob(vault, "aaaaaaaaaaaa", b"offer letter " * 100)
    path = attachments_dir(vault) / stored.blob
    data = bytearray(path.read_bytes())
    data[-20] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(AttachmentTampered, match="integrity"):
        read_blob(vault, stored.blob, stored.sha256)
    assert path.read_bytes() == bytes(data)  # never removed or repaired behind the user's back
    with pytest.raises(AttachmentTampered, match="move it out"):
        store_blob(vault, "aaaaaaaaaaaa", b"offer letter " * 100)  # and never written over


def test_a_blob_renamed_to_another_blobs_name_is_caught(laptop: Laptop) -> None:
    vault = _vault(laptop)
    resume = store_blob(vault, "aaaaaaaaaaaa", b"resume")
    other = store_blob(vault, "aaaaaaaaaaaa", b"something else")
    folder = attachments_dir(vault)
    shutil.copyfile(folder / other.blob, folder / resume.blob)
    with pytest.raises(AttachmentTampered, match="another file than its name"):
        read_blob(vault, resume.blob, resume.sha256)


def test_a_checksum_that_does_not_match_the_card_is_tampering(laptop: Laptop) -> None:
    vault = _vault(laptop)
    stored = store_blob(vault, "aaaaaaaaaaaa", b"resume")
    with pytest.raises(AttachmentTampered, match="checksum"):
        read_blob(vault, stored.blob, hashlib.sha256(b"other").hexdigest())


def test_a_blob_from_another_vault_is_refused(make_laptop, tmp_path) -> None:
    mine = make_laptop("a")
    theirs = make_laptop("x", vault=tmp_path / "other-vault")
    with mine.active():
        my_vault = _vault(mine)
    with theirs.active():
        their_vault = Vault.unlock(theirs.vault, PASSPHRASE)
        stored = store_blob(their_vault, "cccccccccccc", b"their file")
    name = blob_name(my_vault, b"their file")
    attachments_dir(my_vault).mkdir(exist_ok=True)
    shutil.copyfile(attachments_dir(their_vault) / stored.blob, attachments_dir(my_vault) / name)
    with pytest.raises(AttachmentTampered, match="another vault"):
        read_blob(my_vault, name, stored.sha256)
