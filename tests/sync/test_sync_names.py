"""Every file a sync tool can leave in `replicas/` is told apart by its exact name, near-misses too."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sync.names import Kind, Name, classify

OWN = "aaaaaaaaaaaa"
OTHER = "0123456789ab"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (f"{OWN}.json", Name(Kind.OWN, OWN)),
        (f"{OTHER}.json", Name(Kind.REPLICA, OTHER)),
        # Syncthing conflict copies: the stem's device, whoever won
        (
            f"{OTHER}.sync-conflict-20260102-030405-ABCDE27.json",
            Name(Kind.CONFLICT, OTHER, "syncthing"),
        ),
        (
            f"{OWN}.sync-conflict-20261231-235959-Z2Z2Z2Z.json",
            Name(Kind.CONFLICT, OWN, "syncthing"),
        ),
        # Dropbox conflicted copies, with and without the (N) suffix, both apostrophes
        (
            f"{OTHER} (work-laptop's conflicted copy 2026-01-02).json",
            Name(Kind.CONFLICT, OTHER, "dropbox"),
        ),
        (
            f"{OTHER} (Ann's MacBook Pro's conflicted copy 2026-01-02) (2).json",
            Name(Kind.CONFLICT, OTHER, "dropbox"),
        ),
        (
            f"{OTHER} (O'Brien’s conflicted copy 2026-01-02).json",
            Name(Kind.CONFLICT, OTHER, "dropbox"),
        ),
        # temp files: Syncthing's, Dropbox's, ours
        (f".syncthing.{OTHER}.json.tmp", Name(Kind.TEMP)),
        (f"~syncthing~{OTHER}.json.tmp", Name(Kind.TEMP)),
        (".dropbox", Name(Kind.TEMP)),
        (".dropbox.cache", Name(Kind.TEMP)),
        (f".followup-{OWN}.json.1a2b3c4d.tmp", Name(Kind.TEMP)),
    ],
)
def test_each_known_name_is_classified(name: str, expected: Name) -> None:
    assert classify(name, OWN) == expected


@pytest.mark.parametrize(
    "name",
    [
        "0123456789AB.json",  # device ids are lower-case hex
        "0123456789a.json",  # 11 characters
        "0123456789abc.json",  # 13 characters
        f"{OTHER}.json.bak",
        f"{OTHER}.JSON",
        f"{OTHER}.sync-conflict-2026012-030405-ABCDE27.json",  # 7-digit date
        f"{OTHER}.sync-conflict-20260102-030405-abcde27.json",  # short id in lower case
        f"{OTHER}.sync-conflict-20260102-030405-ABCDE1.json",  # 6 characters
        f"{OTHER}.sync-conflict-20260102-030405-ABCDE18.json",  # 1 and 8 are not base32
        f"{OTHER}.sync-conflict-20260102-030405-ABCDE27.txt",
        "notes.sync-conflict-20260102-030405-ABCDE27.json",  # not a replica's stem
        f"{OTHER} (laptop's conflicted copy 2026-1-02).json",
        f"{OTHER} (laptop's conflicted copy 2026-01-02) (0).json",
        f"{OTHER} (laptop's conflicted copy 2026-01-02)(2).json",
        f"{OTHER} (laptop's conflicted copy 2026-01-02).json.tmp",
        f"{OTHER} (laptop conflicted copy 2026-01-02).json",
        f"{OTHER} (Case Conflict).json",
        f"syncthing.{OTHER}.json.tmp",  # no leading dot
        f".syncthing.{OTHER}.json",  # no .tmp
        f"~syncthing~{OTHER}.json",
        "dropbox.cache",
        f".followup-{OWN}.json",  # our temp files always end in .tmp
        f"followup-{OWN}.json.1a2b.tmp",
        "README.txt",
        ".DS_Store",
    ],
)
def test_near_misses_are_unknown(name: str) -> None:
    assert classify(name, OWN) == Name(Kind.UNKNOWN)


def test_only_replicas_and_conflict_copies_are_merged() -> None:
    merged = {
        kind
        for kind in Kind
        if Name(kind, OTHER).is_replica  # device given to every kind alike
    }
    assert merged == {Kind.REPLICA, Kind.CONFLICT}


def test_sync_never_imports_textual() -> None:
    code = (
        "import sys, sync.names, sync.folder, sync.watcher, sync.loop, sync.doctor; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'tui')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
