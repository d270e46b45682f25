"""Search over everything, the people and the record of the search from the command line, on
real vaults (two laptops on one vault folder where it matters)."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

import pytest
from conftest import Laptop, add, assert_error

CANARY = "CANARY-report-7f3a"


def card_with_everything(laptop: Laptop, tmp_path: Path) -> str:
    posting = tmp_path / "posting.txt"
    posting.write_text("Senior developer. We stream with Apache Kafka.\n")
    card = add(
        laptop,
        "Umbrella",
        "--role",
        "Security engineer",
        "--interviewed-at",
        "2026-11-03 14:00",
        "--interviewer",
        "Eve Adams, CISO <eve@umbrella.com>",
        "--notes",
        "Talked about the café downstairs",
        "--posting-file",
        str(posting),
    )
    note = tmp_path / "note.txt"
    note.write_text("Subject: Thank you, Eve\n\nThe threat-model exercise was fun.\n")
    sent = laptop.cli("compose", card, "thank-you", "--sent", "--from-file", str(note))
    assert sent.code == 0, sent.err
    assert laptop.cli("answered", card, "--note", "We decide by Friday").code == 0
    return card


def listed(laptop: Laptop, *args: str) -> list[dict]:
    result = laptop.cli("list", "--json", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)


# --- search -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "where"),
    [
        ("kafka", "posting"),
        ("CAFE", "notes"),
        ("threat-model", "note sent"),
        ("friday", "answer"),
        ("eve@UMBRELLA", "interviewers"),
    ],
)
def test_list_search_finds_every_text_and_says_where(
    laptop: Laptop, tmp_path: Path, query: str, where: str
) -> None:
    card = card_with_everything(laptop, tmp_path)
    add(laptop, "Globex")
    found = listed(laptop, "--search", query)
    assert [c["id"] for c in found] == [card]
    assert where in [m["where"] for m in found[0]["matched"]]
    text = laptop.cli("list", "--search", query).out.splitlines()
    assert text[0].startswith(card) and text[1].lstrip().startswith(f"{where}:")


def test_a_search_that_finds_nothing_says_so_and_an_empty_one_is_refused(laptop: Laptop) -> None:
    add(laptop, "Acme")
    result = laptop.cli("list", "--search", "nothing-like-it")
    assert result.code == 0 and result.out == "" and "No card holds" in result.err
    assert_error(laptop.cli("list", "--search", "  "), "--search needs a word")


def test_search_finds_what_the_other_laptop_wrote(make_laptop) -> None:
    a, b = make_laptop("a"), make_laptop("b")
    card = add(a, "Acme")
    assert listed(b, "--search", "acme")  # b has read the card (and indexed it)
    assert b.cli("edit", card, "--notes", "They use Flink, not Kafka").code == 0
    assert [c["id"] for c in listed(a, "--search", "flink")] == [card]


# --- people -----------------------------------------------------------------------------------


def test_people_lists_each_person_once_with_their_cards(make_laptop) -> None:
    a, b = make_laptop("a"), make_laptop("b")
    one = add(a, "Acme", "--interviewer", "Rita Recruiter, Talent <rita@hire.example>")
    two = add(
        b,
        "Globex",
        "--interviewer",
        "Rita R. <RITA@hire.example>",
        "--contact-email",
        "jobs@globex.example",
    )
    result = a.cli("people", "--json")
    assert result.code == 0, result.err
    found = {p["email"]: p for p in json.loads(result.out)}
    assert set(found) == {"rita@hire.example", "jobs@globex.example"}
    rita = found["rita@hire.example"]
    assert {c["id"] for c in rita["cards"]} == {one, two}
    assert set(rita["companies"]) == {"Acme", "Globex"} and rita["titles"] == ["Talent"]
    assert found["jobs@globex.example"]["cards"][0]["as"] == "contact"
    text = a.cli("people", "globex").out
    assert "Rita" in text and "jobs@globex.example" in text
    assert a.cli("people", "initech").err.startswith("No people matching")


# --- the record and every export --------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["report", "activity", "md", "csv", "ics", "json"])
def test_every_plaintext_export_is_readable_by_its_owner_alone(
    laptop: Laptop, tmp_path: Path, fmt: str
) -> None:
    add(laptop, "Acme", "--interviewed-at", "2 days ago")
    out = tmp_path / f"export.{fmt}"
    out.write_text("an older file, readable by everyone")
    out.chmod(0o644)
    result = laptop.cli("export", "--format", fmt, "-o", str(out))
    assert result.code == 0, result.err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_report_and_activity_list_the_period_in_date_order(laptop: Laptop, tmp_path: Path) -> None:
    card_with_everything(laptop, tmp_path)
    add(laptop, "Older", "--interviewed-at", "2026-01-05 10:00")
    result = laptop.cli(
        "export", "--format", "activity", "--since", "2026-11-01", "--until", "2026-11-30"
    )
    assert result.code == 0, result.err
    rows = list(csv.reader(io.StringIO(result.out.lstrip("\ufeff"))))
    assert rows[0] == ["date", "company", "role", "event", "detail"]
    assert [r[3] for r in rows[1:3]] == ["application", "interview"]
    assert all(r[1] == "Umbrella" for r in rows[1:]) and all(
        "2026-11-01" <= r[0] <= "2026-11-30" for r in rows[1:]
    )
    report = laptop.cli(
        "export", "--format", "report", "--since", "2026-11-01", "--until", "2026-11-30"
    )
    assert "# Record of the job search" in report.out
    assert "| 2026-11-03 | Umbrella | Security engineer | interview |" in report.out
    assert "Older" not in report.out


def test_a_bad_period_is_one_line_and_nothing_is_written(laptop: Laptop, tmp_path: Path) -> None:
    add(laptop, "Acme")
    out = tmp_path / "report.md"
    args = ("export", "--format", "report", "-o", str(out))
    assert_error(
        laptop.cli(*args, "--since", "2026-12-01", "--until", "2026-11-01"), "after --until"
    )
    assert_error(laptop.cli(*args, "--since", "the day after never"), "Bad date")
    assert_error(
        laptop.cli("export", "--format", "md", "--since", "2026-11-01"), "report or activity"
    )
    assert not out.exists()


def test_the_markdown_export_shows_addresses_without_backslashes(laptop: Laptop) -> None:
    add(
        laptop,
        "Umbrella",
        "--interviewer",
        "Eve Adams, CISO <eve@umbrella.com>",
        "--notes",
        f"<b>{CANARY}</b>",
    )
    text = laptop.cli("export", "--format", "md").out
    assert "Eve Adams, CISO <eve@umbrella.com>" in text and "\\<" not in text
    assert f"&lt;b>{CANARY}&lt;/b>" in text  # a tag typed on a card is shown, not run
