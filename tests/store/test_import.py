"""`followup-tui import`: messy CSV files read right, bad rows named by line, dry runs that write
nothing, one write for a whole file, no duplicates on a second import."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from pathlib import Path

import pytest

from store.errors import BadValue
from store.transfer import importer
from store.vault.replica import Replica

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def cards_by_company(laptop) -> dict[str, dict]:
    listed = laptop.cli("list", "--all", "--json")
    assert listed.code == 0, listed.err
    return {c["company"]: c for c in json.loads(listed.out)}


def local(moment_iso: str | None) -> str | None:
    if moment_iso is None:
        return None
    moment = datetime.fromisoformat(moment_iso.replace("Z", "+00:00"))
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def folder_bytes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# --- the messy real-world files -----------------------------------------------------------------


def test_messy_spreadsheet_export_is_imported_field_by_field(laptop) -> None:
    result = laptop.cli("import", str(FIXTURES / "messy.csv"), "--apply")
    assert result.code == 0, result.err
    assert "UTF-8 with BOM, comma-separated, header on line 3" in result.out
    assert "Created 7 cards and updated 0" in result.out
    assert "'Salary'" in result.out  # the ignored column is named, with how to map it
    cards = cards_by_company(laptop)
    assert set(cards) == {
        "Acme, Inc.",
        "Globex",
        "Initech",
        "Hooli",
        "Umbrella",
        "Soylent",
        "Stark Industries",
    }
    acme = cards["Acme, Inc."]
    assert acme["role"] == "Backend Developer"
    assert acme["stage"] == "thanked"
    assert local(acme["interviewed_at"]) == "2025-03-13 14:00"
    assert acme["interviewers"] == [{"name": "Ann Lee", "title": "CTO", "email": "ann@acme.io"}]
    assert acme["contact_email"] == "ann@acme.io"
    assert acme["notes"] == 'Talked about on-call, Kafka and "the big rewrite"'
    assert acme["tags"] == ["remote", "python"]
    assert acme["links"] == ["https://acme.io/jobs/42"]
    assert acme["promised_by"] == "2025-03-24"
    assert acme["round"] == "first"
    globex = cards["Globex"]
    assert globex["role"] == "Data Engineer, Platform"
    assert (globex["stage"], globex["outcome"]) == ("closed", "rejected")
    assert local(globex["interviewed_at"]) == "2025-03-03 09:00"
    assert globex["interviewers"] == [{"name": "Bob Stone", "title": "Head of Data", "email": ""}]
    assert globex["notes"] == "Line one\r\nline two, with a comma"
    assert cards["Initech"]["stage"] == "waiting"
    assert local(cards["Initech"]["interviewed_at"]) == "2025-03-18 09:30"
    assert (cards["Hooli"]["stage"], cards["Hooli"]["outcome"]) == ("closed", "no-answer")
    assert (cards["Umbrella"]["stage"], cards["Umbrella"]["outcome"]) == ("closed", "offer")
    assert local(cards["Umbrella"]["interviewed_at"]) == "2025-02-10 09:00"
    assert cards["Soylent"]["stage"] == "followed-up"
    assert cards["Stark Industries"]["stage"] == "interviewed"
    assert cards["Stark Industries"]["interviewed_at"] is None


def test_semicolon_separated_windows_file_with_day_first_dates(laptop) -> None:
    result = laptop.cli("import", str(FIXTURES / "semicolon.csv"), "--apply")
    assert result.code == 0, result.err
    assert "Windows-1252, semicolon-separated" in result.out
    assert "day/month/year" in result.out
    cards = cards_by_company(laptop)
    societe = cards["Société Générale"]
    assert societe["role"] == "Développeur"
    assert local(societe["interviewed_at"]) == "2025-03-13 14:00"
    assert societe["interviewers"][0]["name"] == "Anne Müller"
    assert societe["notes"] == "Gespräch, sehr gut; zweite Runde?"
    assert local(cards["Zalando"]["interviewed_at"]) == "2025-04-02 09:00"
    assert cards["Zalando"]["stage"] == "thanked"
    baker = cards["Bäckerei Schmidt"]
    assert (baker["stage"], baker["outcome"]) == ("closed", "withdrew")
    assert local(baker["interviewed_at"]) == "2025-02-01 09:00"


def test_tab_separated_file_and_utf16_bom_are_read(laptop, tmp_path: Path) -> None:
    text = "Employer\tPosition\tInterviewed\r\nAcme\tDev\t2025-01-05\r\nGlobex\tOps\t2025-01-06\r\n"
    path = tmp_path / "tracker.tsv"
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    result = laptop.cli("import", str(path), "--apply")
    assert result.code == 0, result.err
    assert "UTF-16 with BOM, tab-separated" in result.out
    cards = cards_by_company(laptop)
    assert cards["Acme"]["role"] == "Dev"
    assert local(cards["Globex"]["interviewed_at"]) == "2025-01-06 09:00"


# --- bad rows and dry runs ----------------------------------------------------------------------


def test_dry_run_reports_bad_rows_by_line_and_writes_nothing(laptop) -> None:
    laptop.cli("add", "--company", "Existing")
    before = folder_bytes(laptop.vault)
    result = laptop.cli("import", str(FIXTURES / "bad_rows.csv"))
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert "Would create 2 cards and update 0 (0 unchanged); 5 rows skipped:" in lines
    assert (
        "  line 4: unknown stage 'Pondering' (known: interviewed, thanked, waiting, followed-up, closed, offer, rejected…)"
        in lines
    )
    assert "  line 5: missing company" in lines
    assert "  line 6: bad interview date '2025-02-30'" in lines
    assert any(line.startswith("  line 8: 7 cells but the header has 5") for line in lines)
    assert "  line 10: the same company, role and interview date as line 9" in lines
    assert lines[-1] == "Dry run: nothing was written. Run again with --apply to import."
    assert folder_bytes(laptop.vault) == before
    assert set(cards_by_company(laptop)) == {"Existing"}


def test_apply_skips_bad_rows_and_writes_the_good_ones_in_one_write(laptop, monkeypatch) -> None:
    writes: list[str] = []
    real_write = Replica.write

    def counting_write(self, data, **options):
        writes.append(self.path.name)
        return real_write(self, data, **options)

    monkeypatch.setattr(Replica, "write", counting_write)
    result = laptop.cli("import", str(FIXTURES / "bad_rows.csv"), "--apply")
    assert result.code == 0, result.err
    assert "Created 2 cards and updated 0 (0 unchanged); 5 rows skipped:" in result.out
    assert "  line 5: missing company" in result.out
    assert len(writes) == 1  # every good row in one write of this device's replica
    cards = cards_by_company(laptop)
    assert set(cards) == {"Acme", "Umbrella"}
    assert cards["Acme"]["notes"] == "a note\nover two lines"
    imported = [e for e in cards["Acme"]["timeline"] if e["kind"] == "imported"]
    assert imported[0]["source"] == "bad_rows.csv" and imported[0]["row"] == "line 2"


def test_a_file_that_cannot_be_read_is_one_line_error(laptop, tmp_path: Path) -> None:
    missing = laptop.cli("import", str(tmp_path / "nope.csv"))
    assert missing.code == 1 and missing.err.count("\n") == 1 and "no such file" in missing.err
    binary = tmp_path / "sheet.csv"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    result = laptop.cli("import", str(binary))
    assert result.code == 1 and "NUL bytes" in result.err
    no_company = tmp_path / "nocompany.csv"
    no_company.write_text("Foo,Bar\n1,2\n")
    result = laptop.cli("import", str(no_company))
    assert result.code == 1 and '--map "COLUMN=company"' in result.err


# --- importing again ----------------------------------------------------------------------------


def test_importing_the_same_file_twice_creates_no_duplicates(laptop) -> None:
    first = laptop.cli("import", str(FIXTURES / "messy.csv"), "--apply")
    assert first.code == 0, first.err
    again = laptop.cli("import", str(FIXTURES / "messy.csv"), "--apply")
    assert "Created 0 cards and updated 0 (7 unchanged)" in again.out
    assert len(cards_by_company(laptop)) == 7


def test_reimport_updates_changed_cells_and_never_moves_a_card_back(laptop, tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text("Company,Role,Status,Date,Notes\nAcme,Dev,waiting,2025-03-01,first note\n")
    assert laptop.cli("import", str(path), "--apply").code == 0
    acme = cards_by_company(laptop)["Acme"]
    assert laptop.cli("move", acme["id"], "followed-up").code == 0
    path.write_text("Company,Role,Status,Date,Notes\nACME,dev ,Waiting,2025-03-01,second note\n")
    dry = laptop.cli("import", str(path))
    assert "Would create 0 cards and update 1" in dry.out
    assert "line 2: ACME — dev: company, role, notes" in dry.out
    assert "stays followed-up (the file says waiting; an import never moves a card back)" in dry.out
    applied = laptop.cli("import", str(path), "--apply")
    assert applied.code == 0, applied.err
    (card,) = cards_by_company(laptop).values()
    assert (card["id"], card["stage"], card["notes"]) == (acme["id"], "followed-up", "second note")
    assert card["conflicts"] == {}


def test_a_card_edited_after_import_is_still_the_same_card(laptop, tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text("Company,Role,Date\nAcme,Dev,2025-03-01\n")
    laptop.cli("import", str(path), "--apply")
    card_id = cards_by_company(laptop)["Acme"]["id"]
    laptop.cli("edit", card_id, "--company", "Acme Corporation")
    again = laptop.cli("import", str(path), "--apply")
    assert "Created 0 cards and updated 1" in again.out  # the key is remembered on the timeline
    assert [c["id"] for c in cards_by_company(laptop).values()] == [card_id]


def test_rows_match_cards_added_by_hand(laptop, tmp_path: Path) -> None:
    laptop.cli("add", "--company", "Acme", "--role", "Dev", "--interviewed-at", "2025-03-01 15:00")
    path = tmp_path / "sheet.csv"
    path.write_text("Company,Role,Date,Status\nacme,Dev,2025-03-01,thanked\n")
    result = laptop.cli("import", str(path), "--apply")
    assert "Created 0 cards and updated 1" in result.out
    (card,) = cards_by_company(laptop).values()
    assert card["stage"] == "thanked"
    assert local(card["interviewed_at"]) == "2025-03-01 15:00"  # a date-only cell keeps the time


def test_map_option_names_columns_the_synonyms_miss(laptop, tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text("Where,What,Boss,Title\nAcme,Dev,Ann Lee <ann@acme.io>,ignored title\n")
    result = laptop.cli(
        "import", str(path), "--map", "where=company", "--map", "WHAT=role",
        "--map", "Boss=interviewer", "--map", "title=ignore", "--apply",
    )  # fmt: skip
    assert result.code == 0, result.err
    acme = cards_by_company(laptop)["Acme"]
    assert acme["role"] == "Dev"
    assert acme["interviewers"] == [{"name": "Ann Lee", "title": "", "email": "ann@acme.io"}]
    bad = laptop.cli("import", str(path), "--map", "Nope=company")
    assert bad.code == 1 and "has no column 'nope'" in bad.err
    bad = laptop.cli("import", str(path), "--map", "Where=salary")
    assert bad.code == 1 and "unknown field 'salary'" in bad.err


def test_large_file_shows_progress_and_imports_every_row(laptop, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    rows = ["Company,Role,Interview date,Stage"]
    rows += [f"Company {i},Role {i % 7},2025-01-{1 + i % 28:02d},waiting" for i in range(1500)]
    path.write_text("\n".join(rows) + "\n")
    result = laptop.cli("import", str(path), "--apply")
    assert result.code == 0, result.err
    assert "Created 1,500 cards" in result.out
    assert "reading rows: 1,500/1,500" in result.err
    assert "writing cards: 1,500/1,500" in result.err
    assert len(json.loads(laptop.cli("list", "--json").out)) == 1500


# --- the rules, one by one ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "stage", "outcome"),
    [
        ("Followed up", "followed-up", None),
        ("follow-up sent", "followed-up", None),
        ("Thank you sent", "thanked", None),
        ("THANK-YOU", "thanked", None),
        ("Awaiting response", "waiting", None),
        ("Interviewing", "interviewed", None),
        ("Rejected", "closed", "rejected"),
        ("Offer received", "closed", "offer"),
        ("Ghosted", "closed", "no-answer"),
        ("no answer", "closed", "no-answer"),
        ("Withdrawn", "closed", "withdrew"),
        ("closed", "closed", None),
    ],
)
def test_stage_words_people_use(said: str, stage: str, outcome: str | None) -> None:
    assert importer.parse_stage(said) == (stage, outcome)


def test_unknown_stage_is_refused() -> None:
    with pytest.raises(BadValue, match="unknown stage 'Pondering'"):
        importer.parse_stage("Pondering")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Company", "company"),
        ("  EMPLOYER ", "company"),
        ("Organisation", "company"),
        ("Job Title", "role"),
        ("Position", "role"),
        ("Status", "stage"),
        ("Interview-Date", "interviewed_at"),
        ("Interviewed", "interviewed_at"),
        ("Recruiter", "interviewers"),
        ("E-mail", "contact_email"),
        ("Recruiter E-mail", "contact_email"),
        ("Comments", "notes"),
        ("Labels", "tags"),
        ("URL", "links"),
        ("Decision date", "promised_by"),
        ("Outcome", "outcome"),
        ("Result", "outcome"),
        ("Interview notes", "notes"),
    ],
)
def test_header_synonyms(header: str, field: str) -> None:
    found = importer.field_for_header(header)
    assert found is not None and found[0] == field


def test_stronger_synonym_wins_a_field_and_the_other_column_is_ignored() -> None:
    source = importer.read_csv(b"Date,Interview date,Company\n2025-01-01,2025-02-02,Acme\n", "x")
    (row,) = source.rows
    assert row.fields["interviewed_at"].astimezone().date() == date(2025, 2, 2)
    assert any("Ignored columns: 'Date'" in note for note in source.notes)


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2025-03-13", "mdy", "2025-03-13 09:00"),
        ("2025-03-13T14:05", "mdy", "2025-03-13 14:05"),
        ("03/04/2025", "mdy", "2025-03-04 09:00"),
        ("03/04/2025", "dmy", "2025-04-03 09:00"),
        ("13.03.2025 14:00", "mdy", "2025-03-13 14:00"),
        ("Mar 3, 2025", "mdy", "2025-03-03 09:00"),
        ("3 March 2025 2pm", "mdy", "2025-03-03 14:00"),
        ("Tue, 4 March 2025", "dmy", "2025-03-04 09:00"),
        ("March 5th, 2025 at 9:30 am", "mdy", "2025-03-05 09:30"),
        ("4/3/25", "dmy", "2025-03-04 09:00"),
    ],
)
def test_dates_as_spreadsheets_write_them(text: str, order: str, expected: str) -> None:
    moment = importer.parse_moment(text, order)
    assert moment.at.astimezone().strftime("%Y-%m-%d %H:%M") == expected


@pytest.mark.parametrize("text", ["2025-02-30", "31/02/2025", "next tuesday-ish", "13/13/2025"])
def test_impossible_dates_are_bad(text: str) -> None:
    with pytest.raises(BadValue, match="bad date"):
        importer.parse_moment(text, "dmy")


def test_date_order_is_taken_from_the_files_own_dates() -> None:
    assert importer.infer_date_order(["03/04/2025", "25/04/2025"], "mdy") == "dmy"
    assert importer.infer_date_order(["03/04/2025", "04/25/2025"], "dmy") == "mdy"
    assert importer.infer_date_order(["03/04/2025"], "dmy") == "dmy"


def test_people_cells() -> None:
    people = importer.split_people("Ann Lee, CTO <ann@acme.io>; Bob (Head of Data)\nbob@x.io")
    assert [(p.name, p.title, p.email) for p in people] == [
        ("Ann Lee", "CTO", "ann@acme.io"),
        ("Bob", "Head of Data", ""),
        ("bob@x.io", "", "bob@x.io"),
    ]
