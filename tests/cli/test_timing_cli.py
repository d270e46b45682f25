"""The timing commands as a user runs them: `due --count`, `due --json` kinds, an interview
typed for later today, and the note before re-applying (add and import)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import Laptop, add

ROOT = Path(__file__).resolve().parents[2]


def local_text(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def test_due_count_is_the_number_of_lines_due_lists(laptop: Laptop) -> None:
    now = datetime.now().astimezone()
    add(laptop, "Acme", "--interviewed-at", local_text(now - timedelta(days=3)))  # thank-you over
    add(laptop, "Globex", "--interviewed-at", local_text(now + timedelta(hours=3)))  # interview
    add(laptop, "Hooli", "--interviewed-at", local_text(now + timedelta(days=9)))  # later on
    listed = laptop.cli("due")
    assert listed.code == 0, listed.err
    counted = laptop.cli("due", "--count")
    assert counted.code == 0 and counted.err == ""
    assert counted.out == f"{len(listed.out.splitlines())}\n"
    assert counted.out == "2\n"
    # --all: Acme's follow-up to come and Hooli's interview in nine days as well.
    assert laptop.cli("due", "--all", "--count").out == "4\n"


def test_due_count_never_imports_textual(laptop: Laptop) -> None:
    add(laptop, "Acme", "--interviewed-at", "3 days ago")
    env = {**os.environ, **laptop.env()}
    env.pop("FOLLOWUP_PASSWORD_COMMAND", None)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import sys, tui.cli; sys.exit(tui.cli.main())",
         "--vault", str(laptop.vault), "due", "--count"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == "1\n"
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()]
    assert "store.notes.due" in imported  # the measure saw what the command reads
    assert not [name for name in imported if name.split(".")[0] in ("textual", "rich")]


def test_due_json_gives_each_item_its_kind(laptop: Laptop) -> None:
    now = datetime.now().astimezone()
    add(laptop, "Acme", "--interviewed-at", local_text(now - timedelta(days=2)))
    add(
        laptop, "Globex", "--interviewed-at", local_text(now + timedelta(hours=2)), "--round", "two"
    )
    result = laptop.cli("due", "--all", "--json")
    assert result.code == 0, result.err
    items = json.loads(result.out)
    kinds = sorted((i["company"], i["kind"], i["template"]) for i in items)
    assert kinds == [
        ("Acme", "note", "follow-up"),
        ("Acme", "note", "thank-you"),
        ("Globex", "interview", None),  # and no note for Globex before its interview is over
    ]
    [interview] = [i for i in items if i["kind"] == "interview"]
    assert interview["status"] == "due" and interview["ends_at"] is not None
    assert interview["title"] == "Interview (two)"


@pytest.fixture
def at_noon(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A time zone where it is about noon now: "later today" exists at any hour of the run
    (run at 23:45, +20 minutes was tomorrow, and the test failed)."""
    hours = (12 - datetime.now(UTC).hour) % 24
    hours = hours - 24 if hours > 14 else hours
    monkeypatch.setenv("TZ", f"NOON{-hours:+d}")  # POSIX: the sign is the other way round
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_an_interview_typed_for_later_today_is_said_on_add_edit_list_and_show(
    laptop: Laptop, at_noon: None
) -> None:
    now = datetime.now().astimezone()
    assert 10 <= now.hour <= 13
    soon = now + timedelta(minutes=90)
    result = laptop.cli("add", "--company", "Acme", "--interviewed-at", local_text(soon))
    assert result.code == 0
    card_id = result.out.strip()
    assert result.err.startswith("Acme: interview in ")
    assert "no note is owed before its end" in result.err
    assert "[interview in " in laptop.cli("list").out
    shown = laptop.cli("show", card_id).out
    assert "interview: " in shown and "(in " in shown
    edited = laptop.cli("edit", card_id, "--duration", "2h")
    assert edited.code == 0 and "interview in " in edited.err
    assert "duration: 2 h" in laptop.cli("show", card_id).out
    past = laptop.cli("edit", card_id, "--interviewed-at", local_text(now - timedelta(hours=3)))
    assert past.code == 0 and past.err == ""
    bad = laptop.cli("edit", card_id, "--duration", "a while")
    assert bad.code == 1 and bad.err.startswith("followup-tui: Bad duration 'a while'")
    assert len(bad.err.splitlines()) == 1


def test_preparing_fields_go_in_through_the_cli_and_come_back_out(laptop: Laptop) -> None:
    card_id = add(
        laptop, "Acme", "--ask", "What does on-call look like?", "--ask", "Who reviews designs?",
        "--research", "Series B in 2025; moved to Go.",
    )  # fmt: skip
    shown = json.loads(laptop.cli("show", card_id, "--json").out)
    assert shown["questions_to_ask"] == ["What does on-call look like?", "Who reviews designs?"]
    assert shown["research"] == "Series B in 2025; moved to Go."
    text = laptop.cli("show", card_id).out
    assert "to ask: What does on-call look like?" in text
    assert "research: Series B in 2025; moved to Go." in text


def test_adding_a_card_for_a_company_already_there_says_how_it_went(laptop: Laptop) -> None:
    first = add(laptop, "Initech", "--role", "Analyst", "--interviewed-at", "2026-10-01 10:00")
    assert laptop.cli("move", first, "closed", "--outcome", "rejected").code == 0
    closed_on = datetime.now().astimezone().strftime("%Y-%m-%d")
    result = laptop.cli("add", "--company", "INITECH, Inc.", "--role", "Data")
    assert result.code == 0  # the exit status is unchanged
    assert result.out.strip() and "\n" not in result.out.strip()  # stdout: only the new id
    assert result.err == f"note: Initech — rejected {closed_on} (Analyst)\n"
    other = laptop.cli("add", "--company", "Initrode")
    assert other.code == 0 and other.err == ""


def test_importing_a_row_for_a_company_already_there_notes_it(
    laptop: Laptop, tmp_path: Path
) -> None:
    add(laptop, "Hooli Ltd", "--role", "SRE", "--interviewed-at", "2026-09-01 10:00")
    sheet = tmp_path / "apps.csv"
    sheet.write_text("Company,Role,Interview date\nHOOLI,Backend,2026-11-02\nAcme,Dev,2026-11-03\n")
    dry = laptop.cli("import", str(sheet))
    assert dry.code == 0
    assert "note: line 2: Hooli Ltd — interviewed, interviewed 2026-09-01 (SRE)" in dry.err
    assert "Acme" not in dry.err
    applied = laptop.cli("import", str(sheet), "--apply")
    assert applied.code == 0 and "note: line 2: Hooli Ltd" in applied.err
    again = laptop.cli("import", str(sheet), "--apply")  # nothing new: nothing to note
    assert "note:" not in again.err


def test_due_lines_its_ids_up_when_a_silent_card_asks_to_be_closed(laptop: Laptop) -> None:
    silent = add(laptop, "Initech", "--interviewed-at", "12 weeks ago")
    add(laptop, "Acme", "--interviewed-at", "yesterday 10:00")
    lines = laptop.cli("due").out.splitlines()
    assert any(line.startswith("no answer in 12 weeks") for line in lines), lines
    assert any(silent in line and "close" in line for line in lines)
    ids = [re.search(r"\b[0-9a-f]{12}\b", line) for line in lines]
    assert all(ids) and len({found.start() for found in ids if found}) == 1, lines
