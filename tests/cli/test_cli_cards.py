"""The card CLI on real vaults: its errors (one line on stderr, exit 1), passphrase changes,
passphrase sources, the `--json` shape, the trash, and resolving a real concurrent edit."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import PASSPHRASE, Laptop, Result, add, assert_error

from tui.cli import main

JSON_KEYS = {
    "id", "company", "role", "stage", "round", "interviewed_at", "interviewers", "key_points",
    "questions", "promised_by", "links", "contact_email", "notes", "tags", "outcome", "learned",
    "deleted", "created_at", "conflicts", "timeline", "duration", "questions_to_ask", "research",
    "posting", "resume", "attachments", "offer",  # issue 14, parts 1–3
}  # fmt: skip


def run_main(*args: str) -> Result:
    """`followup-tui ARGS` with the environment as it is (no --vault added)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    return Result(code, out.getvalue(), err.getvalue())


# --- errors -----------------------------------------------------------------------------------


def test_wrong_passphrase_is_one_line(laptop: Laptop, tmp_path: Path) -> None:
    add(laptop)
    (tmp_path / "wrong").write_text("not the passphrase\n")
    laptop.password_file = tmp_path / "wrong"
    assert_error(laptop.cli("list"), "Wrong passphrase", str(laptop.vault))


def test_unknown_and_ambiguous_ids_are_one_line(laptop: Laptop) -> None:
    session = laptop.session()
    # Seventeen ids cannot all start with different hex digits: one digit is ambiguous.
    made = [session.change(lambda b, n=n: b.add({"company": f"Co {n}"})) for n in range(17)]
    first_digits = [card_id[0] for card_id in made]
    shared = next(d for d in first_digits if first_digits.count(d) > 1)
    assert_error(laptop.cli("show", shared), "ambiguous", "type more")
    assert_error(laptop.cli("move", "zzzz", "thanked"), "No card with id or company 'zzzz'")
    assert_error(laptop.cli("show", " "), "Give a card id")
    whole = next(card_id for card_id in made if card_id[0] == shared)
    assert laptop.cli("show", whole).code == 0


def test_unknown_stage_is_a_usage_error_and_bad_values_are_one_line(laptop: Laptop) -> None:
    card = add(laptop)
    moved = laptop.cli("move", card, "hired")
    assert moved.code == 2 and "invalid choice: 'hired'" in moved.err and moved.out == ""
    assert laptop.cli("add", "--company", "X", "--stage", "nope").code == 2
    assert_error(laptop.cli("edit", card, "--outcome", "ghosted"), "Unknown outcome 'ghosted'")
    assert_error(laptop.cli("edit", card), "Nothing to change")
    assert_error(laptop.cli("edit", card, "--company", ""), "needs a company")
    assert_error(laptop.cli("resolve", card, "notes", "--keep", "0"), "no conflict on 'notes'")
    assert_error(
        laptop.cli("resolve", card, "shoe_size", "--keep", "0"), "Unknown field 'shoe_size'"
    )


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--interviewed-at", "next blursday", "Bad date 'next blursday'"),
        ("--interviewed-at", "today 25:00", "Bad time in 'today 25:00'"),
        ("--promised-by", "2026-02-30", "no such day"),
        ("--interviewer", "<>", "Bad interviewer"),
    ],
)
def test_bad_dates_and_values_are_one_line(laptop: Laptop, option, value, says) -> None:
    assert_error(laptop.cli("add", "--company", "Acme", option, value), says)
    assert laptop.cli("list", "--all").out == ""  # nothing was added


def test_an_unreadable_vault_file_is_one_line(laptop: Laptop) -> None:
    header = laptop.vault / "vault.json"
    good = header.read_text()
    header.write_text("{not json")
    assert_error(laptop.cli("list"), "is not a followup-tui vault header", str(header))
    hostile = json.loads(good)
    hostile["kdf"]["memory_kib"] = 1 << 30  # would take a terabyte and forever to derive
    header.write_text(json.dumps(hostile))
    assert_error(laptop.cli("list"), "memory_kib", "outside the accepted range")
    newer = json.loads(good) | {"format": 99}
    header.write_text(json.dumps(newer))
    assert_error(laptop.cli("list"), "format 99")
    tampered = json.loads(good)
    ciphertext = tampered["wrapped"]["ciphertext"]  # one character changed, whatever it was
    tampered["wrapped"]["ciphertext"] = ("B" if ciphertext[0] == "A" else "A") + ciphertext[1:]
    header.write_text(json.dumps(tampered))
    assert_error(laptop.cli("list"))


def test_no_vault_yet_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOLLOWUP_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("FOLLOWUP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FOLLOWUP_PASSWORD_FILE", str(tmp_path / "none"))
    assert_error(run_main("list"), "No vault yet", "followup-tui init")
    assert_error(run_main("--vault", str(tmp_path / "empty"), "list"), "No vault at")
    (tmp_path / "a-file").write_text("x")
    assert_error(run_main("init", str(tmp_path / "a-file")), "is a file, not a folder")


def test_init_refuses_an_existing_vault_before_asking(laptop: Laptop) -> None:
    laptop.password_file = laptop.vault / "missing"  # asking would fail differently
    assert_error(laptop.cli("init", str(laptop.vault)), "already holds a vault")


# --- passphrases ------------------------------------------------------------------------------


def test_passwd_rewrites_no_replica_and_the_old_passphrase_stops_working(
    laptop: Laptop, tmp_path: Path
) -> None:
    card = add(laptop)
    replicas = {p: p.read_bytes() for p in (laptop.vault / "replicas").iterdir()}
    new = tmp_path / "new-passphrase"
    new.write_text("a brand new passphrase\n")
    changed = laptop.cli("passwd", "--new-password-file", str(new))
    assert changed.code == 0, changed.err
    assert {p: p.read_bytes() for p in (laptop.vault / "replicas").iterdir()} == replicas
    assert_error(laptop.cli("list"), "Wrong passphrase")
    laptop.password_file = new
    assert card in laptop.cli("list").out
    assert PASSPHRASE.encode() not in (laptop.vault / "vault.json").read_bytes()
    assert_error(laptop.cli("passwd", "--new-password-file", str(tmp_path / "gone")), "gone")
    (tmp_path / "empty").write_text("\n")
    assert_error(
        laptop.cli("passwd", "--new-password-file", str(tmp_path / "empty")), "must not be empty"
    )
    assert card in laptop.cli("list").out  # a refused change changed nothing


def test_the_passphrase_can_come_from_a_command(laptop: Laptop, tmp_path: Path) -> None:
    card = add(laptop)
    with laptop.active():
        os.environ.pop("FOLLOWUP_PASSWORD_FILE")
        os.environ["FOLLOWUP_PASSWORD_COMMAND"] = f"cat {laptop.password_file}"
        try:
            assert card in run_main("--vault", str(laptop.vault), "list").out
            os.environ["FOLLOWUP_PASSWORD_COMMAND"] = "false"
            assert_error(run_main("--vault", str(laptop.vault), "list"), "exited with status 1")
            os.environ["FOLLOWUP_PASSWORD_COMMAND"] = str(tmp_path / "no-such-tool")
            assert_error(run_main("--vault", str(laptop.vault), "list"), "failed to run")
        finally:
            os.environ.pop("FOLLOWUP_PASSWORD_COMMAND")


# --- cards ------------------------------------------------------------------------------------


def test_json_output_has_the_documented_shape(laptop: Laptop) -> None:
    card = add(
        laptop,
        "Acme",
        "--role", "Backend dev",
        "--interviewed-at", "2026-11-20 10:30",
        "--interviewer", "Ann Lee, CTO <ann@acme.io>",
        "--promised-by", "2026-12-01",
        "--tag", "remote",
    )  # fmt: skip
    shown = json.loads(laptop.cli("show", card, "--json").out)
    assert set(shown) == JSON_KEYS
    assert shown["interviewers"] == [{"name": "Ann Lee", "title": "CTO", "email": "ann@acme.io"}]
    assert shown["interviewed_at"].endswith("Z") and shown["promised_by"] == "2026-12-01"
    assert shown["stage"] == "interviewed" and shown["conflicts"] == {}
    assert {"id", "kind", "at", "device"} <= set(shown["timeline"][0])
    listed = json.loads(laptop.cli("list", "--json").out)
    assert listed == [shown]


def test_deleted_cards_go_to_the_trash_and_come_back(laptop: Laptop) -> None:
    card = add(laptop)
    assert laptop.cli("delete", card[:4]).code == 0
    assert laptop.cli("list").out == ""
    assert "[deleted]" in laptop.cli("list", "--all").out
    assert_error(laptop.cli("move", card, "thanked"), "in the trash", f"restore {card}")
    assert laptop.cli("restore", card).code == 0
    assert laptop.cli("move", card, "closed", "--outcome", "offer").code == 0
    shown = json.loads(laptop.cli("show", card, "--json").out)
    assert (shown["stage"], shown["outcome"], shown["deleted"]) == ("closed", "offer", False)
    kinds = [event["kind"] for event in shown["timeline"]]
    assert kinds == ["created", "deleted", "restored", "moved"]


@pytest.fixture
def offline_pair(make_laptop, tmp_path: Path) -> tuple[Laptop, Laptop, str]:
    """Two laptops with a card both know, each now working on its own copy of the folder (the
    sync tool has not run yet): what they do meanwhile is truly concurrent."""
    a = make_laptop("a")
    card = add(a, "Acme", "--notes", "before")
    b_folder = tmp_path / "vault-on-b"
    shutil.copytree(a.vault, b_folder)
    b = make_laptop("b", vault=b_folder)
    assert b.cli("show", card).code == 0
    return a, b, card


def sync(one: Laptop, other: Laptop) -> None:
    """What Syncthing or Dropbox does: every replica file ends up in both folders."""
    for source, target in ((one.vault, other.vault), (other.vault, one.vault)):
        for path in (source / "replicas").glob("*.json"):
            if (
                not (target / "replicas" / path.name).exists()
                or path.stat().st_mtime_ns > (target / "replicas" / path.name).stat().st_mtime_ns
            ):
                shutil.copy2(path, target / "replicas" / path.name)


def test_resolve_picks_a_version_after_a_real_concurrent_edit(offline_pair) -> None:
    a, b, card = offline_pair
    assert a.cli("edit", card, "--notes", "written on a").code == 0
    assert b.cli("edit", card, "--notes", "written on b").code == 0
    sync(a, b)
    shown = json.loads(a.cli("show", card, "--json").out)
    versions = [shown["notes"], *(c["value"] for c in shown["conflicts"]["notes"])]
    assert sorted(versions) == ["written on a", "written on b"]
    described = a.cli("show", card).out
    assert "CONFLICT on notes" in described
    assert f"followup-tui resolve {card} notes --keep" in described
    assert "[conflict]" in a.cli("list").out
    assert_error(a.cli("resolve", card, "notes", "--keep", "7"), "from 0 to 1")
    assert_error(a.cli("resolve", card, "notes", "--keep", "typed on c"), "not one of")

    assert a.cli("resolve", card, "notes", "--keep", "1").code == 0
    resolved = json.loads(a.cli("show", card, "--json").out)
    assert resolved["notes"] == versions[1] and resolved["conflicts"] == {}
    sync(a, b)
    on_b = json.loads(b.cli("show", card, "--json").out)
    assert on_b["notes"] == versions[1] and on_b["conflicts"] == {}


def test_resolve_by_value_and_concurrent_tag_lists(offline_pair) -> None:
    a, b, card = offline_pair
    assert a.cli("edit", card, "--tag", "remote", "--tag", "urgent").code == 0
    assert b.cli("edit", card, "--tag", "onsite").code == 0
    sync(a, b)
    assert "tags" in json.loads(b.cli("show", card, "--json").out)["conflicts"]
    assert b.cli("resolve", card, "tags", "--keep", "remote, urgent").code == 0
    assert json.loads(b.cli("show", card, "--json").out)["tags"] == ["remote", "urgent"]
