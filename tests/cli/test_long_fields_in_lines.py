"""A 5,000-character company or role in the one-line outputs (`list`, `due`, `remind`,
`people`, `offers`): cut with "…" so the table stays a table, the ids in line; `--json` and
`show` keep every character."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from conftest import Laptop, add

from tui.cli.lines import cells, clip, column

LONG_ROLE = "Senior " * 700 + "Engineer"  # 4,908 characters
LONG_COMPANY = "Globex" * 850
ID = re.compile(r"\b[0-9a-f]{12}\b")


def long_board(laptop: Laptop) -> tuple[str, str]:
    long = add(
        laptop,
        "Acme",
        "--role",
        LONG_ROLE,
        "--interviewed-at",
        "3 days ago",
        "--interviewer",
        f"{'Eve ' * 300}Adams <eve@acme.com>",
    )
    short = add(laptop, "Initech", "--role", "SRE", "--interviewed-at", "2 days ago")
    return long, short


def assert_one_table(lines: list[str], longest: int = 200) -> None:
    """Every line is short, and each line's card id starts in the same column."""
    assert lines
    assert all(len(line) <= longest for line in lines), [len(line) for line in lines]
    starts = {found.start() for found in map(ID.search, lines) if found}
    assert len(starts) == 1, lines


def test_list_cuts_a_long_role_and_keeps_it_whole_in_json(laptop: Laptop) -> None:
    long, _ = long_board(laptop)
    lines = laptop.cli("list").out.splitlines()
    assert_one_table(lines)
    line = next(line for line in lines if line.startswith(long))
    assert "Acme — Senior Senior" in line and line.endswith("…")
    assert any(line.endswith("Initech — SRE") for line in lines)
    listed = json.loads(laptop.cli("list", "--json").out)
    assert next(card["role"] for card in listed if card["id"] == long) == LONG_ROLE
    ids = laptop.cli("list", "--ids").out.splitlines()
    assert all(len(line) < 100 for line in ids) and f"{long}\tAcme — Senior" in ids[0]


def test_due_and_remind_cut_a_long_company_and_keep_the_ids_in_line(laptop: Laptop) -> None:
    add(laptop, LONG_COMPANY, "--interviewed-at", "4 days ago")
    long_board(laptop)
    due = laptop.cli("due")
    assert due.code == 0, due.err
    assert_one_table(due.out.splitlines())
    assert "Globex" * 5 in due.out and "…" in due.out
    assert "(24 h after the interview)" in due.out  # what comes after the cut is still there
    reminded = laptop.cli("remind", "--dry-run").out.splitlines()
    assert len(reminded) == 3
    assert_one_table(reminded)
    as_json = json.loads(laptop.cli("due", "--json").out)
    assert {item["company"] for item in as_json} == {LONG_COMPANY, "Acme", "Initech"}


def test_people_cuts_a_long_name_and_role_but_keeps_the_counts(laptop: Laptop) -> None:
    long, _ = long_board(laptop)
    lines = laptop.cli("people").out.splitlines()
    assert all(len(line) <= 200 for line in lines), [len(line) for line in lines]
    eve = next(line for line in lines if "<eve@acme.com>" in line)
    assert eve.startswith("Eve Eve") and "…" in eve
    assert re.search(r"  ·  Acme  ·  1 card  ·  last contact \d{4}-\d{2}-\d{2}$", eve), eve
    card_line = next(line for line in lines if long in line)
    assert card_line.endswith("…  (interviewer)")


def test_offers_cuts_a_long_company_in_its_table(laptop: Laptop) -> None:
    answer_by = (date.today() + timedelta(days=9)).isoformat()
    add(laptop, LONG_COMPANY, "--salary", "100000", "--currency", "EUR", "--answer-by", answer_by)
    lines = laptop.cli("offers").out.splitlines()
    assert len(lines) == 2 and all(len(line) < 140 for line in lines), lines
    assert lines[1].startswith("Globex" * 6) and "100,000 EUR" in lines[1]
    assert lines[0].index("Base") == lines[1].index("100,000 EUR")


def test_a_cut_counts_terminal_cells_so_wide_letters_line_up() -> None:
    assert clip("Acme", 10) == "Acme"
    assert clip("Acme\nCorp  Ltd", 20) == "Acme Corp Ltd"  # one line, as before
    assert clip("abcdefghij", 5) == "abcd…"
    wide = clip("株式会社" * 10, 11)
    assert wide == "株式会社株…" and cells(wide) == 11
    assert cells(column("株式会社", 12)) == 12 and cells(column("Acme", 12)) == 12
    assert cells("é") == 1 and cells("e\u0301") == 1  # a combining accent takes no column
