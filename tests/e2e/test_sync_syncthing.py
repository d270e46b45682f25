"""End to end through two real Syncthing daemons: two laptops, each with its own copy of the vault."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import require_tool
from syncthing import SyncthingPair

pytestmark = pytest.mark.syncthing


def leftovers(folder: Path) -> list[str]:
    """Conflict copies and sync temp files anywhere in a laptop's folder."""
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if ".sync-conflict-" in p.name or "conflicted copy" in p.name or p.name.endswith(".tmp")
    )


def test_two_laptops_converge_and_keep_the_concurrent_edit(make_laptop, tmp_path: Path) -> None:
    binary = require_tool("syncthing")
    folder_a, folder_b = tmp_path / "laptop-a" / "vault", tmp_path / "laptop-b" / "vault"
    a = make_laptop("a", folder_a)
    folder_b.mkdir(parents=True)

    with SyncthingPair(tmp_path / "syncthing", folder_a, folder_b, binary) as pair:
        b = make_laptop("b", folder_b)  # the vault arrived through Syncthing
        card = a.cli("add", "--company", "Acme", "--notes", "first").out.strip()
        pair.wait_in_sync()

        listed = b.cli("--device-name", "b", "list", "--json")
        assert listed.code == 0, listed.err
        assert [c["id"] for c in json.loads(listed.out)] == [card]

        pair.wait_in_sync()
        with pair.offline():
            assert a.cli("edit", card, "--notes", "edited on A").code == 0
            assert b.cli("edit", card, "--notes", "edited on B").code == 0
        pair.wait_in_sync()
        for _ in range(2):  # each merges what arrived; its own replica then travels back
            assert a.cli("sync").code == 0
            assert b.cli("sync").code == 0
            pair.wait_in_sync()

        on_a = json.loads(a.cli("show", card, "--json").out)
        on_b = json.loads(b.cli("show", card, "--json").out)

    assert on_a == on_b
    versions = {on_a["notes"], *(c["value"] for c in on_a["conflicts"]["notes"])}
    assert versions == {"edited on A", "edited on B"}
    assert leftovers(folder_a) == [] and leftovers(folder_b) == []
    for folder in (folder_a, folder_b):  # each laptop wrote its own (it is not synced)
        assert ".followup-*.tmp" in (folder / ".stignore").read_text().splitlines()
