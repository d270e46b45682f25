"""The failures sync tools really produce, run as a user meets them (issue 13, items 1-7).

Each laptop has its own copy of the vault folder, and the test plays the sync tool: it copies
files late, puts an old version back, empties the folder, or makes a Dropbox conflicted copy.
"""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest
from conftest import PASSPHRASE, Laptop

from store.config import Config
from store.errors import ReplicaUnreadable
from store.vault.crypto import Vault
from store.vault.replica import read_replica


def device_of(laptop: Laptop) -> str:
    with laptop.active():
        return Config.load().device_id


def ok(result) -> str:
    assert result.code == 0, result.out + result.err
    return result.out


def carry(
    source: Path, target: Path, *, skip: set[str] = frozenset(), since: dict | None = None
) -> None:
    """The sync tool brings the replicas of `source`'s folder into `target`'s, except those
    of the devices in `skip` (a sync tool never replaces a file with an older one of itself)
    and, given a `snapshot` taken earlier, those `source` did not change since."""
    (target / "replicas").mkdir(exist_ok=True)
    for path in sorted((source / "replicas").iterdir()):
        if path.stem in skip or path.name.startswith("."):
            continue
        if since is None or since.get(path.name) != path.read_bytes():
            shutil.copy2(path, target / "replicas" / path.name)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (folder / "replicas").iterdir()}


def dropbox_carry(source: Path, target: Path, since: dict[str, bytes]) -> None:
    """Dropbox's way: what `source` changed since `since` travels; a file both sides changed
    arrives as a conflicted copy beside the other."""
    for path in sorted((source / "replicas").iterdir()):
        if since.get(path.name) == path.read_bytes():
            continue
        there = target / "replicas" / path.name
        if there.exists() and there.read_bytes() != since.get(path.name):
            there = there.with_name(f"{path.stem} (b's conflicted copy 2026-12-01){path.suffix}")
        shutil.copy2(path, there)


def notes_versions(laptop: Laptop, card: str) -> set[str]:
    shown = json.loads(ok(laptop.cli("show", card, "--json")))
    return {shown["notes"], *(c["value"] for c in shown["conflicts"].get("notes", []))}


def second_laptop(make_laptop, tmp_path: Path, name: str, first: Laptop) -> Laptop:
    """Another laptop with its own copy of `first`'s vault folder, joined once."""
    folder = tmp_path / f"folder-{name}"
    shutil.copytree(first.vault, folder)
    laptop = make_laptop(name, folder)
    ok(laptop.cli("--device-name", name, "list"))
    return laptop


# --- 1. a laptop's own replica rolled back ---------------------------------------------------


def test_an_edit_lost_to_a_rolled_back_replica_comes_back_as_a_conflict(
    make_laptop, tmp_path: Path
) -> None:
    a = make_laptop("a")
    card = ok(a.cli("add", "--company", "Acme", "--notes", "v1")).strip()
    b = second_laptop(make_laptop, tmp_path, "b", a)
    own = a.vault / "replicas" / f"{device_of(a)}.json"
    saved = own.read_bytes()
    ok(a.cli("edit", card, "--notes", "v2"))
    carry(a.vault, b.vault, skip={device_of(b)})
    ok(b.cli("sync"))
    own.write_bytes(saved)  # "restore previous version"

    edited = a.cli("edit", card, "--notes", "v3")

    assert edited.code == 0, edited.err
    carry(a.vault, b.vault, skip={device_of(b)})
    ok(b.cli("sync"))
    assert notes_versions(b, card) == {"v2", "v3"}
    assert "rolled back" in edited.err  # said once, on the command that found it
    assert "rolled back" not in a.cli("list").err  # once: the next command is quiet


def test_a_rolled_back_replica_and_config_are_caught_by_what_others_saw(
    make_laptop, tmp_path: Path
) -> None:
    """A whole home folder restored from a backup: our replica and our record of it agree,
    but another laptop's replica holds a write of ours that neither has, so the next edit
    must not replace a later write of ours that a third laptop still holds."""
    a = make_laptop("a")
    card = ok(a.cli("add", "--company", "Acme", "--notes", "v1")).strip()
    b = second_laptop(make_laptop, tmp_path, "b", a)
    c = second_laptop(make_laptop, tmp_path, "c", a)
    ok(a.cli("list"))
    backup_folder, backup_config = tmp_path / "backup-folder", tmp_path / "backup-config"
    shutil.copytree(a.vault, backup_folder)
    shutil.copytree(a.config_dir, backup_config)
    ok(a.cli("edit", card, "--notes", "v2"))
    for other in (b, c):
        carry(a.vault, other.vault, skip={device_of(other)})
        ok(other.cli("sync"))
    ok(a.cli("edit", card, "--notes", "v2, reached only c"))
    carry(a.vault, c.vault, skip={device_of(c)})
    ok(c.cli("sync"))
    for backup, place in ((backup_folder, a.vault), (backup_config, a.config_dir)):
        shutil.rmtree(place)
        shutil.copytree(backup, place)
    carry(b.vault, a.vault, skip={device_of(a)})  # b's replica, holding v2, arrives

    edited = a.cli("edit", card, "--notes", "v3")

    carry(a.vault, c.vault, skip={device_of(c)})
    ok(c.cli("sync"))
    assert notes_versions(c, card) == {"v2, reached only c", "v3"}
    assert edited.code == 0 and "newer than its own record" in edited.err


def test_doctor_names_a_rollback_and_how_it_was_recovered(make_laptop, tmp_path: Path) -> None:
    a = make_laptop("a")
    card = ok(a.cli("add", "--company", "Acme", "--notes", "v1")).strip()
    own = a.vault / "replicas" / f"{device_of(a)}.json"
    saved = own.read_bytes()
    ok(a.cli("edit", card, "--notes", "v2"))
    own.write_bytes(saved)

    doctor = a.cli("doctor")

    assert "rolled back" in doctor.out, doctor.out
    assert doctor.code == 1  # not recovered yet: doctor only looks
    ok(a.cli("list"))
    after = a.cli("doctor")
    assert after.code == 0, after.out
    assert "rolled back" in after.out and "new writer id" in after.out
    # alone in the folder: nothing was recovered from other replicas, and it does not say so
    assert "recovered from the other replicas" not in after.out, after.out
    assert "no other replica to recover from" in after.out


# --- 2. a config dir copied to a second laptop -----------------------------------------------


def cloned_laptop(tmp_path: Path, first: Laptop) -> Laptop:
    """A second machine made from a copy of `first`'s config dir and its vault folder."""
    config = tmp_path / "config-clone"
    shutil.copytree(first.config_dir, config)
    folder = tmp_path / "folder-clone"
    shutil.copytree(first.vault, folder)
    return Laptop("clone", config, first.password_file, folder)


@pytest.fixture
def machines(monkeypatch: pytest.MonkeyPatch):
    """Run a laptop's commands as if on its own machine (`FOLLOWUP_MACHINE_ID`)."""

    def on(machine: str, laptop: Laptop, *args: str):
        monkeypatch.setenv("FOLLOWUP_MACHINE_ID", machine)
        return laptop.cli(*args)

    monkeypatch.setenv("FOLLOWUP_MACHINE_ID", "one")  # where the first laptop is set up
    return on


def test_concurrent_edits_on_a_cloned_laptop_are_both_kept_through_a_conflicted_copy(
    make_laptop, tmp_path: Path, machines
) -> None:
    a = make_laptop("a")
    card = ok(machines("one", a, "add", "--company", "Acme", "--notes", "v1")).strip()
    clone = cloned_laptop(tmp_path, a)
    copied = snapshot(clone.vault)

    ok(machines("one", a, "edit", card, "--notes", "from a"))
    cloned = machines("two", clone, "edit", card, "--notes", "from the clone")
    assert cloned.code == 0, cloned.err
    dropbox_carry(clone.vault, a.vault, since=copied)
    ok(machines("one", a, "sync"))

    shown = json.loads(ok(machines("one", a, "show", card, "--json")))
    versions = {shown["notes"], *(c["value"] for c in shown["conflicts"].get("notes", []))}
    assert versions == {"from a", "from the clone"}
    assert "copy" in cloned.err  # the copy says it took a new device id
    assert device_of(clone) != device_of(a)


def test_a_card_added_on_a_cloned_laptop_survives_a_sync_tool_that_overwrites(
    make_laptop, tmp_path: Path, machines
) -> None:
    a = make_laptop("a")
    ok(machines("one", a, "list"))
    clone = cloned_laptop(tmp_path, a)
    copied = snapshot(clone.vault)
    mine = ok(machines("one", a, "add", "--company", "Mine")).strip()
    theirs = ok(machines("two", clone, "add", "--company", "Theirs")).strip()
    # What each changed travels; a file both changed is simply overwritten, as some tools do.
    carry(clone.vault, a.vault, since=copied)
    carry(a.vault, clone.vault, since=copied)

    for laptop, machine in ((a, "one"), (clone, "two")):
        listed = json.loads(ok(machines(machine, laptop, "list", "--json")))
        assert {c["id"] for c in listed} == {mine, theirs}


def test_doctor_names_both_the_cloned_laptop_and_the_one_it_was_copied_from(
    make_laptop, tmp_path: Path, machines
) -> None:
    a = make_laptop("a")
    ok(machines("one", a, "add", "--company", "Acme"))
    clone = cloned_laptop(tmp_path, a)
    copied = snapshot(clone.vault)
    ok(machines("two", clone, "add", "--company", "Globex"))
    carry(clone.vault, a.vault, since=copied)

    on_clone = machines("two", clone, "doctor")
    on_first = machines("one", a, "doctor")

    old, new = device_of(a), device_of(clone)
    assert "copy" in on_clone.out and old in on_clone.out and new in on_clone.out, on_clone.out
    assert "copy" in on_first.out and new in on_first.out, on_first.out


# --- 3. a stamp from the far future ------------------------------------------------------------


def test_a_stage_stamped_far_in_the_future_does_not_freeze_the_card(
    make_laptop, tmp_path: Path
) -> None:
    a = make_laptop("a")
    b = make_laptop("b")
    ok(b.cli("--device-name", "b", "list"))
    card = ok(a.cli("add", "--company", "Acme")).strip()
    backup = tmp_path / "backup.json"
    ok(a.cli("export", "--format", "json", "-o", str(backup)))
    data = json.loads(backup.read_text())
    state = data["cards"][0]["state"]
    state["f"]["stage"] = [["waiting", f"9999999999999.99999.{device_of(a)}"]]
    backup.write_text(json.dumps(data))
    ok(a.cli("import", str(backup), "--apply"))
    ok(b.cli("list"))  # b now holds the stamp from the future too

    moved = a.cli("move", card, "thanked")

    assert moved.code == 0, moved.err
    for laptop in (a, b):
        assert json.loads(ok(laptop.cli("show", card, "--json")))["stage"] == "thanked"
    assert "ahead of this machine's clock" in a.cli("doctor").out


def test_another_devices_stamp_far_ahead_is_said_once_not_at_every_command(
    make_laptop, tmp_path: Path
) -> None:
    a = make_laptop("a")
    ok(a.cli("add", "--company", "Acme"))
    backup = tmp_path / "backup.json"
    ok(a.cli("export", "--format", "json", "-o", str(backup)))
    data = json.loads(backup.read_text())
    data["cards"][0]["state"]["f"]["stage"] = [["waiting", "9999999999999.99999.aaaaaaaaaaaa"]]
    backup.write_text(json.dumps(data))
    imported = a.cli("import", str(backup), "--apply")
    assert imported.code == 0, imported.err

    later = [a.cli("list") for _ in range(3)]
    doctor = a.cli("doctor")

    said = imported.err + "".join(r.err for r in later)
    assert said.count("far ahead of this machine's clock") == 1, said
    history = doctor.out.split("This device's history:")[1].split("Cards:")[0]
    assert history.count("far ahead") == 1, doctor.out
    assert "far ahead" in doctor.out.split("Clocks:")[1].split("Unreadable")[0]  # still shown


# --- 4. every replica gone -----------------------------------------------------------------------


def test_an_emptied_folder_is_not_an_empty_board(laptop: Laptop) -> None:
    card = ok(laptop.cli("add", "--company", "Acme")).strip()
    replicas = laptop.vault / "replicas"
    saved = {p.name: p.read_bytes() for p in replicas.iterdir()}
    for path in replicas.iterdir():
        path.unlink()

    listed = laptop.cli("list")
    added = laptop.cli("add", "--company", "Globex")
    doctor = laptop.cli("doctor")

    assert "gone" in listed.err and listed.err.count("\n") == 1
    assert added.code == 1 and "gone" in added.err and added.err.count("\n") == 1
    assert list(replicas.iterdir()) == []  # nothing written over the missing files
    assert doctor.code == 1 and "gone" in doctor.out
    for name, data in saved.items():  # the files come back: all is well again
        (replicas / name).write_bytes(data)
    assert card in ok(laptop.cli("list"))
    assert laptop.cli("add", "--company", "Globex").code == 0


def test_doctor_accept_empty_lets_a_deliberately_emptied_folder_start_over(
    laptop: Laptop,
) -> None:
    ok(laptop.cli("add", "--company", "Acme"))
    shutil.rmtree(laptop.vault / "replicas")
    assert laptop.cli("add", "--company", "Globex").code == 1

    accepted = laptop.cli("doctor", "--accept-empty")

    assert accepted.code == 0, accepted.out + accepted.err
    added = laptop.cli("add", "--company", "Globex")
    assert added.code == 0
    # the user said the folder is empty on purpose: no warning that this device's replica is
    # gone and was "recovered from the other replicas" (there are none)
    assert added.err == "", added.err
    doctor = laptop.cli("doctor")
    assert doctor.code == 0
    assert "had gone from the folder" not in doctor.out, doctor.out


# --- 5. passwd rotates the data key ----------------------------------------------------------------


def test_an_old_vault_header_and_the_old_passphrase_read_nothing_written_after_passwd(
    make_laptop, tmp_path: Path
) -> None:
    a, b = make_laptop("a"), make_laptop("b")
    before = ok(a.cli("add", "--company", "Before")).strip()
    ok(b.cli("--device-name", "b", "list"))
    old_header = (a.vault / "vault.json").read_bytes()
    new_secret = tmp_path / "new-passphrase"
    new_secret.write_text("a brand new passphrase\n")

    changed = a.cli("passwd", "--new-password-file", str(new_secret))

    assert changed.code == 0, changed.err
    shutil.copy(new_secret, a.password_file)
    after = ok(a.cli("add", "--company", "After")).strip()
    ok(b.cli("add", "--company", "From b"))  # b's next write uses the newest key too
    listed = {c["company"] for c in json.loads(ok(b.cli("list", "--json")))}
    assert listed == {"Before", "After", "From b"}
    # Someone holding the old header (a sync tool's restore) and the old passphrase:
    stolen = tmp_path / "stolen"
    shutil.copytree(a.vault, stolen)
    (stolen / "vault.json").write_bytes(old_header)
    old = Vault.unlock(stolen, PASSPHRASE)
    for path in (stolen / "replicas").iterdir():
        with pytest.raises(ReplicaUnreadable):
            read_replica(old, path, None)
    assert before and after


def test_an_old_vault_json_come_back_refuses_writes_naming_it_not_the_replica(
    laptop: Laptop, tmp_path: Path
) -> None:
    ok(laptop.cli("add", "--company", "Before"))
    old_header = (laptop.vault / "vault.json").read_bytes()
    old_secret = tmp_path / "old-passphrase"
    shutil.copy(laptop.password_file, old_secret)
    new_secret = tmp_path / "new-passphrase"
    new_secret.write_text("a brand new passphrase\n")
    ok(laptop.cli("passwd", "--new-password-file", str(new_secret)))
    shutil.copy(new_secret, laptop.password_file)
    ok(laptop.cli("add", "--company", "After"))
    (laptop.vault / "vault.json").write_bytes(old_header)  # a sync tool brought it back
    shutil.copy(old_secret, laptop.password_file)
    replicas = {p: p.read_bytes() for p in (laptop.vault / "replicas").iterdir()}

    added = laptop.cli("add", "--company", "Globex")

    assert added.code == 1
    refusal = added.err.splitlines()[-1]
    assert "vault.json is older" in refusal, added.err
    # not the advice to move this device's replica away: it is sound, the header is old
    assert "Move that file" not in added.err, added.err
    assert {p: p.read_bytes() for p in (laptop.vault / "replicas").iterdir()} == replicas


def test_replicas_sealed_before_passwd_still_open_with_the_new_passphrase(
    make_laptop, tmp_path: Path
) -> None:
    a = make_laptop("a")
    card = ok(a.cli("add", "--company", "Acme")).strip()
    for round_ in range(3):  # the older keys are carried along, however many changes
        secret = tmp_path / f"new-{round_}"
        secret.write_text(f"passphrase number {round_}\n")
        ok(a.cli("passwd", "--new-password-file", str(secret)))
        shutil.copy(secret, a.password_file)
    stale = tmp_path / "stale"
    shutil.copytree(a.vault, stale)
    vault = Vault.unlock(stale, "passphrase number 2")
    own = next((stale / "replicas").iterdir())
    assert card in read_replica(vault, own, None)["cards"]


# --- 6. links ----------------------------------------------------------------------------------


def test_a_stignore_that_is_a_link_is_neither_read_nor_replaced(
    laptop: Laptop, tmp_path: Path
) -> None:
    private = tmp_path / "private-notes"
    private.write_text("my bank pin is 1234\n")
    private.chmod(0o600)
    link = laptop.vault / ".stignore"
    link.unlink(missing_ok=True)
    link.symlink_to(private)

    synced = laptop.cli("sync")

    assert synced.code == 0
    assert link.is_symlink() and private.read_text() == "my bank pin is 1234\n"
    assert ".stignore" in synced.err and "link" in synced.err
    assert "link" in laptop.cli("doctor").out


def test_templates_are_never_written_through_a_link(laptop: Laptop, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    templates = laptop.vault / "templates"
    for path in templates.iterdir():
        path.unlink()
    (templates / "thank-you.yaml").symlink_to(outside / "thank-you.yaml")  # dangling

    installed = laptop.cli("templates", "--install")

    assert list(outside.iterdir()) == []
    assert (templates / "thank-you.yaml").is_symlink()
    assert "link" in installed.err


# --- 7. modes, and notes longer than the CSV reader's default field limit ---------------------------


def test_the_config_dir_and_the_vault_folders_are_private(laptop: Laptop) -> None:
    ok(laptop.cli("add", "--company", "Acme"))
    for folder in (
        laptop.config_dir,
        laptop.vault,
        laptop.vault / "replicas",
        laptop.vault / "templates",
    ):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_notes_of_two_hundred_thousand_characters_export_and_import_back(
    make_laptop, tmp_path: Path
) -> None:
    a = make_laptop("a")
    long_notes = "x" * 200_000
    ok(a.cli("add", "--company", "Acme", "--notes", long_notes))
    exported = tmp_path / "board.csv"
    ok(a.cli("export", "--format", "csv", "-o", str(exported)))
    other = make_laptop("other", tmp_path / "other-vault")

    imported = other.cli("import", str(exported), "--apply")

    assert imported.code == 0, imported.err
    cards = json.loads(ok(other.cli("list", "--json")))
    assert [len(c["notes"]) for c in cards] == [200_000]


def test_folders_an_earlier_version_made_open_to_others_are_made_private(laptop: Laptop) -> None:
    for folder in (laptop.config_dir, laptop.vault / "replicas", laptop.vault / "templates"):
        folder.chmod(0o755)

    ok(laptop.cli("list"))

    for folder in (laptop.config_dir, laptop.vault / "replicas", laptop.vault / "templates"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_an_export_through_a_link_into_the_vault_folder_is_refused(
    laptop: Laptop, tmp_path: Path
) -> None:
    ok(laptop.cli("add", "--company", "Acme"))
    link = tmp_path / "looks-private.json"
    link.symlink_to(laptop.vault / "templates" / "backup.json")

    exported = laptop.cli("export", "--format", "json", "-o", str(link))

    assert exported.code == 1 and "inside the vault folder" in exported.err
    assert not (laptop.vault / "templates" / "backup.json").exists() and link.is_symlink()


def test_a_rollback_while_the_board_is_open_is_written_again_from_memory(laptop: Laptop) -> None:
    """The open board still holds every edit the old copy lost: it writes them again, under
    the same writer id (nothing was lost, so nothing needs to become a conflict)."""
    board = laptop.session()
    card = board.change(lambda b: b.add({"company": "Acme", "notes": "v1"}))
    own = board.replica.path
    saved = own.read_bytes()
    board.change(lambda b: b.edit(card, {"notes": "v2"}))
    writer = board.board.writer
    own.write_bytes(saved)

    board.reload()  # what the folder watcher makes it do when our file changes

    reopened = laptop.session()
    assert reopened.board.card(card).notes == "v2" and not reopened.board.card(card).conflicts
    assert reopened.board.writer == writer
    assert any("still held all of it" in e["text"] for e in reopened.history.events)
