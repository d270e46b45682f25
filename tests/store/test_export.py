"""`followup-tui export`: every format round-trips or reads as promised, and a plaintext backup
is handled as the secret it is."""

from __future__ import annotations

import json
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from store.transfer.exporter import CSV_COLUMNS
from store.transfer.importer.headers import IMPORT_FIELDS


def listed(laptop, *extra: str) -> list[dict]:
    result = laptop.cli("list", "--all", "--json", *extra)
    assert result.code == 0, result.err
    return sorted(json.loads(result.out), key=lambda c: c["id"])


def add(laptop, *args: str) -> str:
    result = laptop.cli("add", *args)
    assert result.code == 0, result.err
    return result.out.strip()


def fill_board(laptop) -> dict[str, str]:
    """Cards with every kind of value a spreadsheet finds awkward."""
    ids = {}
    ids["acme"] = add(
        laptop,
        "--company", "Acme, Inc.",
        "--role", 'Backend "platform" dev',
        "--round", "second",
        "--interviewed-at", "2025-03-13 14:00",
        "--interviewer", "Ann Lee, CTO <ann@acme.io>",
        "--interviewer", "Bob Stone <bob@acme.io>",
        "--key-point", "On-call: one week in six, paid",
        "--key-point", "Kafka; lots of it",
        "--question", "Why leave your job?",
        "--promised-by", "2025-03-24",
        "--link", "https://acme.io/jobs/42",
        "--link", "https://acme.io/team?x=1,2",
        "--contact-email", "jobs@acme.io",
        "--notes", "Line one, with a comma\nLine two; with a semicolon\n=SUM(A1) is not a formula",
        "--tag", "remote",
        "--tag", "python",
        "--learned", "Ask about the team size",
    )  # fmt: skip
    ids["globex"] = add(laptop, "--company", "Globex", "--role", "Ops", "--stage", "waiting")
    ids["hooli"] = add(laptop, "--company", "Hooli", "--interviewed-at", "2025-02-01 10:30")
    assert laptop.cli("move", ids["hooli"], "closed", "--outcome", "rejected").code == 0
    ids["trash"] = add(laptop, "--company", "Trashed Ltd")
    assert laptop.cli("delete", ids["trash"]).code == 0
    return ids


# Every field a file carries, but the id (a card imported into another vault gets its own).
CARD_FIELDS = tuple(field for field in IMPORT_FIELDS if field != "id")


def by_company(cards: list[dict]) -> dict[str, dict]:
    return {c["company"]: {k: c[k] for k in CARD_FIELDS} for c in cards if not c["deleted"]}


def test_csv_round_trips_into_an_empty_vault(make_laptop, tmp_path: Path) -> None:
    a = make_laptop("a")
    fill_board(a)
    out = tmp_path / "board.csv"
    result = a.cli("export", "--format", "csv", "--output", str(out))
    assert result.code == 0, result.err
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # spreadsheets then read it as UTF-8
    b = make_laptop("b", vault=tmp_path / "other-vault")
    imported = b.cli("import", str(out), "--apply")
    assert imported.code == 0, imported.err
    assert "Created 3 cards" in imported.out and "skipped" not in imported.out
    assert by_company(listed(b)) == by_company(listed(a))


def test_csv_export_read_back_into_the_same_vault_changes_nothing(laptop, tmp_path: Path) -> None:
    fill_board(laptop)
    out = tmp_path / "board.csv"
    laptop.cli("export", "--format", "csv", "-o", str(out))
    before = listed(laptop)
    again = laptop.cli("import", str(out), "--apply")
    assert "Created 0 cards and updated 0 (3 unchanged)" in again.out
    assert listed(laptop) == before


def test_csv_edited_in_a_spreadsheet_updates_cards_by_id(laptop, tmp_path: Path) -> None:
    ids = fill_board(laptop)
    out = tmp_path / "board.csv"
    laptop.cli("export", "--format", "csv", "-o", str(out))
    text = out.read_text(encoding="utf-8-sig").replace("Globex,Ops", "Globex AG,Operations")
    out.write_text(text, encoding="utf-8")
    result = laptop.cli("import", str(out), "--apply")
    assert "Created 0 cards and updated 1" in result.out
    globex = json.loads(laptop.cli("show", ids["globex"], "--json").out)
    assert (globex["company"], globex["role"]) == ("Globex AG", "Operations")


def test_csv_columns_are_stable(laptop) -> None:
    fill_board(laptop)
    result = laptop.cli("export", "--format", "csv")
    assert result.out.splitlines()[0] == ",".join(CSV_COLUMNS)
    assert not result.out.startswith("\ufeff")  # no BOM on a pipe
    all_ = laptop.cli("export", "--format", "csv", "--all")
    assert "Trashed Ltd" in all_.out and "Trashed Ltd" not in result.out


def test_json_backup_gives_back_cards_timelines_and_conflicts(make_laptop, tmp_path: Path) -> None:
    a, b = make_laptop("a"), make_laptop("b")
    ids = fill_board(a)
    assert b.cli("list").code == 0  # b joins and sees a's cards
    # The same notes edited on both laptops before either saw the other's: a conflict.
    sa, sb = a.session(), b.session()
    sa.change(lambda board: board.edit(ids["globex"], {"notes": "from a"}))
    sb.change(lambda board: board.edit(ids["globex"], {"notes": "from b"}))
    original = listed(a)
    globex = next(c for c in original if c["id"] == ids["globex"])
    assert globex["conflicts"], "the fixture must hold a conflict"
    backup = tmp_path / "backup.json"
    result = a.cli("export", "--format", "json", "--output", str(backup))
    assert result.code == 0, result.err
    assert "NOT encrypted" in result.err
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    fresh = make_laptop("c", vault=tmp_path / "restored")
    dry = fresh.cli("import", str(backup))
    assert "Would create 4 cards" in dry.out and listed(fresh) == []
    applied = fresh.cli("import", str(backup), "--apply")
    assert applied.code == 0, applied.err
    assert listed(fresh) == original
    again = fresh.cli("import", str(backup), "--apply")
    assert "Created 0 cards and updated 0 (4 unchanged)" in again.out


def test_backup_merges_into_a_vault_that_moved_on(make_laptop, tmp_path: Path) -> None:
    a = make_laptop("a")
    ids = fill_board(a)
    backup = tmp_path / "backup.json"
    a.cli("export", "--format", "json", "-o", str(backup))
    a.cli("move", ids["globex"], "followed-up")
    result = a.cli("import", str(backup), "--apply")
    assert "Created 0 cards and updated 0 (4 unchanged)" in result.out
    globex = json.loads(a.cli("show", ids["globex"], "--json").out)
    assert globex["stage"] == "followed-up"  # an older backup never undoes newer moves


def test_a_damaged_card_in_a_backup_is_skipped_and_named(laptop, make_laptop, tmp_path) -> None:
    fill_board(laptop)
    backup = tmp_path / "backup.json"
    laptop.cli("export", "--format", "json", "-o", str(backup))
    doc = json.loads(backup.read_text())
    doc["cards"][1]["state"]["f"]["company"] = [["x", "not a stamp", {}]]
    damaged_id = doc["cards"][1]["id"]
    backup.write_text(json.dumps(doc))
    fresh = make_laptop("c", vault=tmp_path / "restored")
    result = fresh.cli("import", str(backup), "--apply")
    assert result.code == 0, result.err
    assert f"card 2 ({damaged_id}): field 'company' has a malformed version" in result.out
    assert len(listed(fresh)) == 3


def test_backup_restores_missing_templates_and_never_overwrites_one(make_laptop, tmp_path) -> None:
    a = make_laptop("a")
    fill_board(a)
    (a.vault / "templates").mkdir(exist_ok=True)
    (a.vault / "templates" / "my-note.yaml").write_text("name: my-note\n")
    (a.vault / "templates" / "shared.yaml").write_text("from a\n")
    backup = tmp_path / "backup.json"
    a.cli("export", "--format", "json", "-o", str(backup))
    fresh = make_laptop("c", vault=tmp_path / "restored")
    (fresh.vault / "templates").mkdir(exist_ok=True)
    (fresh.vault / "templates" / "shared.yaml").write_text("mine\n")
    fresh.cli("import", str(backup), "--apply")
    assert (fresh.vault / "templates" / "my-note.yaml").read_text() == "name: my-note\n"
    assert (fresh.vault / "templates" / "shared.yaml").read_text() == "mine\n"


def test_plaintext_export_is_refused_inside_the_synced_vault_folder(laptop) -> None:
    fill_board(laptop)
    before = sorted(p.name for p in laptop.vault.rglob("*"))
    for fmt in ("json", "csv"):
        result = laptop.cli("export", "--format", fmt, "-o", str(laptop.vault / f"leak.{fmt}"))
        assert result.code == 1 and "inside the vault folder" in result.err
    assert sorted(p.name for p in laptop.vault.rglob("*")) == before


def test_list_json_output_imports_as_cards(make_laptop, tmp_path: Path) -> None:
    a = make_laptop("a")
    fill_board(a)
    dump = tmp_path / "cards.json"
    dump.write_text(a.cli("list", "--json").out)
    b = make_laptop("b", vault=tmp_path / "other")
    result = b.cli("import", str(dump), "--apply")
    assert "Created 3 cards" in result.out
    assert by_company(listed(b)) == by_company(listed(a))


def test_markdown_report_groups_cards_by_stage(laptop) -> None:
    fill_board(laptop)
    report = laptop.cli("export", "--format", "md").out
    headings = [line for line in report.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Interviewed (1)",
        "## Thanked (0)",
        "## Waiting (1)",
        "## Followed-up (0)",
        "## Closed (1): 1 rejected",
    ]
    sections = report.split("\n## ")
    assert '### Acme, Inc. — Backend "platform" dev' in sections[1]
    assert "- **Interviewers:** Ann Lee, CTO <ann@acme.io>; Bob Stone <bob@acme.io>" in report
    assert "### Globex — Ops" in sections[3]
    assert "### Hooli" in sections[5] and "- **Outcome:** rejected" in sections[5]
    assert "Trashed Ltd" not in report
    assert report.startswith("# Job search report, ")
    assert "3 cards: 1 interviewed, 0 thanked, 1 waiting, 0 followed-up, 1 closed." in report


@pytest.mark.parametrize("fmt", ["csv", "md"])
def test_export_to_a_missing_folder_is_one_line_error(laptop, tmp_path: Path, fmt: str) -> None:
    result = laptop.cli("export", "--format", fmt, "-o", str(tmp_path / "nope" / "x"))
    assert result.code == 1 and result.err.count("\n") == 1 and "no such folder" in result.err


def test_ics_export_holds_each_due_note_of_each_card(laptop, tmp_path: Path) -> None:
    card = add(laptop, "--company", "Acme", "--role", "Dev", "--interviewed-at", "2 days ago")
    closed = add(laptop, "--company", "Gone", "--interviewed-at", "3 days ago")
    laptop.cli("delete", closed)
    out = tmp_path / "due.ics"
    result = laptop.cli("export", "--format", "ics", "-o", str(out))
    assert result.code == 0, result.err
    text = out.read_bytes().decode("utf-8")  # CRLF line ends, as RFC 5545 wants
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    lines = text.replace("\r\n ", "").split("\r\n")
    uids = sorted(line.removeprefix("UID:") for line in lines if line.startswith("UID:"))
    assert uids == [f"{card}-follow-up@followup-tui", f"{card}-thank-you@followup-tui"]
    shown = json.loads(laptop.cli("show", card, "--json").out)
    interviewed = datetime.fromisoformat(shown["interviewed_at"].replace("Z", "+00:00"))
    thank_you_end = (interviewed + timedelta(hours=24)).strftime("DTEND:%Y%m%dT%H%M%SZ")
    assert thank_you_end in lines
