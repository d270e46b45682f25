"""Opening a synced folder: conflict copies merged then removed, bad files left alone, .stignore."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import PASSPHRASE, Laptop

from store.config import Config
from store.errors import FollowupError
from store.vault.crypto import Vault
from store.vault.replica import read_replica
from sync.folder import (
    STIGNORE_BLOCK,
    SyncedSession,
    ensure_stignore,
    open_folder,
    stignore_path,
    stignore_status,
)

WINNER = "ABCDE27"


def synced(laptop: Laptop, tidy: bool = True) -> SyncedSession:
    with laptop.active():
        return open_folder(Vault.unlock(laptop.vault, PASSPHRASE), Config.load(), tidy)


def device_of(laptop: Laptop) -> str:
    with laptop.active():
        return Config.load().device_id


def companies(session: SyncedSession) -> set[str]:
    return {card.company for card in session.board.all()}


def replica_companies(laptop: Laptop, device: str, path: Path | None = None) -> set[str]:
    vault = Vault.unlock(laptop.vault, PASSPHRASE)
    data = read_replica(vault, path or vault.replicas_dir / f"{device}.json", device)
    return {card["f"]["company"][-1][0] for card in data["cards"].values()}


def conflict_name(device: str, tool: str) -> str:
    if tool == "syncthing":
        return f"{device}.sync-conflict-20260102-030405-{WINNER}.json"
    return f"{device} (b-laptop's conflicted copy 2026-01-02) (1).json"


@pytest.fixture
def copy_of_b(make_laptop, tmp_path: Path):
    """A real conflict copy of b's replica: b's config cloned onto a second machine ("b2") that
    wrote the same replica in its own copy of the folder, as a restored backup would."""
    a, b = make_laptop("a"), make_laptop("b")
    assert b.cli("add", "--company", "Acme").code == 0
    elsewhere = tmp_path / "vault-b2"
    shutil.copytree(a.vault, elsewhere)
    clone_config = tmp_path / "config-b2"
    shutil.copytree(b.config_dir, clone_config)
    b2 = Laptop("b2", clone_config, b.password_file, elsewhere)
    assert b2.cli("add", "--company", "Globex").code == 0
    return a, b, b2


@pytest.mark.parametrize("tool", ["syncthing", "dropbox"])
def test_conflict_copy_is_merged_persisted_then_removed(copy_of_b, tool: str) -> None:
    a, b, b2 = copy_of_b
    device_b = device_of(b)
    copy = a.vault / "replicas" / conflict_name(device_b, tool)
    shutil.copy2(b2.vault / "replicas" / f"{device_b}.json", copy)
    canonical = a.vault / "replicas" / f"{device_b}.json"
    canonical_bytes = canonical.read_bytes()

    session = synced(a)

    assert companies(session) == {"Acme", "Globex"}
    assert not copy.exists()
    assert replica_companies(a, device_of(a)) == {"Acme", "Globex"}  # durable before removal
    assert canonical.read_bytes() == canonical_bytes  # b's own replica is b's to write
    assert session.removed_at_open == [copy]


def test_conflict_copy_stays_when_our_replica_cannot_be_written(copy_of_b) -> None:
    a, b, b2 = copy_of_b
    device_b = device_of(b)
    copy = a.vault / "replicas" / conflict_name(device_b, "syncthing")
    shutil.copy2(b2.vault / "replicas" / f"{device_b}.json", copy)
    ours = a.vault / "replicas" / f"{device_of(a)}.json"
    ours.write_bytes(b"{ damaged")

    session = synced(a)

    assert companies(session) == {"Acme", "Globex"}  # merged in memory...
    assert copy.exists()  # ...but not durable, so the copy is kept
    assert ours.read_bytes() == b"{ damaged"
    assert ours in session.problems


def test_unreadable_conflict_copy_is_reported_and_kept(make_laptop) -> None:
    a, b = make_laptop("a"), make_laptop("b")
    copy = a.vault / "replicas" / conflict_name(device_of(b), "dropbox")
    copy.write_bytes(b'{"followup": "replica", "nonce"')

    session = synced(a)

    assert copy.read_bytes() == b'{"followup": "replica", "nonce"'
    assert "not a complete replica" in session.problems[copy]


def test_conflict_copy_sealed_by_another_device_is_reported_not_trusted(copy_of_b) -> None:
    a, b, b2 = copy_of_b
    # b's replica renamed as if it were a copy of a's: its sealed header says otherwise.
    copy = a.vault / "replicas" / conflict_name(device_of(a), "syncthing")
    shutil.copy2(b2.vault / "replicas" / f"{device_of(b)}.json", copy)

    session = synced(a)

    assert copy.exists()
    assert "sealed by device" in session.problems[copy]
    assert "Globex" not in companies(session)


def test_garbage_and_unknown_files_are_reported_and_left_alone(make_laptop) -> None:
    a = make_laptop("a")
    garbage = a.vault / "replicas" / "0123456789ab.json"
    garbage.write_bytes(b"\x00\x01 not a replica")
    unknown = a.vault / "replicas" / "notes.txt"
    unknown.write_text("mine")
    temp = a.vault / "replicas" / ".syncthing.0123456789ab.json.tmp"
    temp.write_bytes(b"half")

    session = synced(a)

    assert garbage.read_bytes() == b"\x00\x01 not a replica"
    assert unknown.read_text() == "mine"
    assert temp.read_bytes() == b"half"
    assert garbage in session.problems
    assert session.unknown_files == [unknown]
    assert temp not in session.problems


def test_looking_without_tidying_changes_nothing(copy_of_b) -> None:
    a, b, b2 = copy_of_b
    device_b = device_of(b)
    copy = a.vault / "replicas" / conflict_name(device_b, "syncthing")
    shutil.copy2(b2.vault / "replicas" / f"{device_b}.json", copy)
    before = {p.name: p.read_bytes() for p in (a.vault / "replicas").iterdir()}

    session = synced(a, tidy=False)

    assert companies(session) == {"Acme", "Globex"}
    assert session.pending_copies == [copy]
    assert {p.name: p.read_bytes() for p in (a.vault / "replicas").iterdir()} == before


# --- .stignore ------------------------------------------------------------------------------------


def test_init_writes_stignore_with_our_temp_pattern(make_laptop) -> None:
    a = make_laptop("a")
    lines = (a.vault / ".stignore").read_text().splitlines()
    assert lines == list(STIGNORE_BLOCK)
    assert ".followup-*.tmp" in lines
    assert stignore_status(a.vault) is None


def test_stignore_keeps_user_lines_and_is_not_rewritten_when_current(tmp_path: Path) -> None:
    path = tmp_path / ".stignore"
    path.write_text("// mine\n*.bak\n(?d).DS_Store\n")

    assert ensure_stignore(tmp_path) is True
    lines = path.read_text().splitlines()
    assert lines[:3] == ["// mine", "*.bak", "(?d).DS_Store"]
    assert lines[-3:] == list(STIGNORE_BLOCK)
    stat = path.stat()

    assert ensure_stignore(tmp_path) is False
    assert path.stat().st_mtime_ns == stat.st_mtime_ns
    assert path.stat().st_ino == stat.st_ino


def test_outdated_stignore_block_is_replaced_and_user_lines_survive(tmp_path: Path) -> None:
    path = tmp_path / ".stignore"
    path.write_text(
        "*.bak\n// followup-tui begin: an older version\n.followup-*\n// followup-tui end\nkeep-me\n"
    )
    assert stignore_status(tmp_path) is not None

    ensure_stignore(tmp_path)

    lines = path.read_text().splitlines()
    assert [line for line in lines if line and line not in STIGNORE_BLOCK] == ["*.bak", "keep-me"]
    assert lines.count(STIGNORE_BLOCK[0]) == 1
    assert stignore_status(tmp_path) is None


def test_stignore_goes_to_the_syncthing_folder_root(tmp_path: Path) -> None:
    (tmp_path / ".stfolder").mkdir()
    vault = tmp_path / "apps" / "followup"
    vault.mkdir(parents=True)

    ensure_stignore(vault)

    assert stignore_path(vault) == tmp_path / ".stignore"
    assert (tmp_path / ".stignore").read_text().splitlines() == list(STIGNORE_BLOCK)
    assert not (vault / ".stignore").exists()


def test_unreadable_stignore_is_left_alone_and_reported(make_laptop) -> None:
    a = make_laptop("a")
    path = a.vault / ".stignore"
    path.write_bytes(b"\xff\xfe not utf-8\n")

    with pytest.raises(FollowupError, match="left alone"):
        ensure_stignore(a.vault)
    session = synced(a)

    assert path.read_bytes() == b"\xff\xfe not utf-8\n"
    assert session.stignore_problem and "not UTF-8" in session.stignore_problem


def test_a_begin_marker_without_end_takes_no_user_line(tmp_path: Path) -> None:
    path = tmp_path / ".stignore"
    path.write_text("// followup-tui begin: cut short\n.followup-*.tmp\nuser-a\nuser-b\n")

    ensure_stignore(tmp_path)

    assert path.read_text().splitlines() == ["user-a", "user-b", "", *STIGNORE_BLOCK]
