"""`followup-tui sync`, `sync --watch` and `doctor`, run as a user runs them."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest
from conftest import start_watch
from syncthing import wait_for

from store.config import Config
from store.vault.crypto import Vault
from store.vault.replica import read_replica


def join(make_laptop, name: str, vault: Path | None = None):
    """A laptop on the vault folder that has opened it once, under its own device name."""
    laptop = make_laptop(name, vault)
    assert laptop.cli("--device-name", name, "list").code == 0
    return laptop


def device_of(laptop) -> str:
    with laptop.active():
        return Config.load().device_id


def replica_ids(laptop, device: str) -> set[str]:
    from conftest import PASSPHRASE

    vault = Vault.unlock(laptop.vault, PASSPHRASE)
    return set(read_replica(vault, vault.replicas_dir / f"{device}.json", device)["cards"])


def test_sync_merges_the_other_devices_replica_into_ours(make_laptop) -> None:
    a, b = make_laptop("a"), join(make_laptop, "b")
    card = b.cli("add", "--company", "Acme").out.strip()

    result = a.cli("sync")

    assert result.code == 0, result.err
    assert "Merged b: 1 card changed; our replica saved." in result.err
    assert card in replica_ids(a, device_of(a))


def test_doctor_on_a_healthy_folder_lists_devices_and_exits_zero(make_laptop) -> None:
    a, b = make_laptop("a"), join(make_laptop, "b")
    b.cli("add", "--company", "Acme")

    result = a.cli("doctor")

    assert result.code == 0, result.out + result.err
    assert "All good." in result.out
    devices = result.out.split("Devices:")[1].split("Unreadable")[0]
    assert f"a                    {device_of(a)}  this device" in devices
    assert f"b                    {device_of(b)}  last seen" in devices


def test_doctor_reports_every_problem_changes_nothing_and_exits_non_zero(make_laptop) -> None:
    a, b = make_laptop("a"), join(make_laptop, "b")
    b.cli("add", "--company", "Acme")
    replicas = a.vault / "replicas"
    garbage = replicas / "0123456789ab.json"
    garbage.write_bytes(b"garbage")
    copy = replicas / f"{device_of(b)}.sync-conflict-20260102-030405-ABCDE27.json"
    copy.write_bytes((replicas / f"{device_of(b)}.json").read_bytes())
    (replicas / "stray.txt").write_text("?")
    (a.vault / "templates").mkdir(exist_ok=True)
    (a.vault / "templates" / "broken.yaml").write_text("stage: [waiting\n")
    before = {p: p.read_bytes() for p in replicas.iterdir()}

    result = a.cli("doctor")

    assert result.code == 1
    assert "0123456789ab.json: not a complete replica" in result.out
    assert f"{copy.name}: merges cleanly; `followup-tui sync` removes it" in result.out
    assert "stray.txt" in result.out
    assert "templates/broken.yaml, line" in result.out
    assert {p: p.read_bytes() for p in replicas.iterdir()} == before  # doctor only looks

    shown = json.loads(a.cli("doctor", "--json").out)
    assert [c["path"] for c in shown["conflict_copies"]] == [str(copy)]
    assert {d["name"] for d in shown["devices"]} == {"a", "b", "0123456789ab"}  # a file says so
    assert len(shown["attention"]) == 4


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_sync_watch_merges_as_files_land_and_stops_cleanly(make_laptop, stop_signal) -> None:
    a, b = make_laptop("a"), join(make_laptop, "b")
    watch = start_watch(a, sigint_ignored=True)
    try:
        wait_for(lambda: any("Watching" in line for line in watch.err), 30, "the watcher to start")
        card = b.cli("add", "--company", "Acme").out.strip()
        wait_for(
            lambda: any("merged b: 1 card changed" in line for line in watch.out), 30, "a merge"
        )
        assert card in replica_ids(a, device_of(a))
    finally:
        code = watch.stop(stop_signal)
    wait_for(lambda: any("Stopped watching" in line for line in watch.err), 10, "the goodbye line")
    assert code in (0, 130)
    assert not any("Traceback" in line for line in watch.err), "".join(watch.err)


def test_doctor_names_a_device_with_a_damaged_replica_unreadable_not_last_seen(
    make_laptop,
) -> None:
    a, b = make_laptop("a"), join(make_laptop, "b")
    b.cli("add", "--company", "Acme")
    assert a.cli("sync").code == 0  # a has read b's replica: b is a device it knows
    (a.vault / "replicas" / f"{device_of(b)}.json").write_bytes(b"half a replica")

    result = a.cli("doctor")

    assert result.code == 1
    devices = result.out.split("Devices:")[1].split("Clocks")[0]
    assert f"b                    {device_of(b)}  replica unreadable (below)\n" in devices
    assert "last seen" not in devices
    shown = json.loads(a.cli("doctor", "--json").out)
    row = next(d for d in shown["devices"] if d["name"] == "b")
    assert row["unreadable"] is True and row["last_seen"] is None
