"""One date parser and one rule for a day without a time in every place a date is typed
(issue 11, item 6): the CLI, the board's form and dialogs, and the importer; `date_order` in
config.yaml reads 03/04/2026; an error lists what works."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from pathlib import Path

import yaml
from conftest import Laptop
from textual.widgets import Input

from tui.app import FollowupApp
from tui.board.screen import BoardScreen
from tui.card.edit import CardEditScreen


def interviewed(laptop: Laptop, card_id: str) -> datetime:
    shown = json.loads(laptop.cli("show", card_id, "--json").out)
    return datetime.fromisoformat(shown["interviewed_at"].replace("Z", "+00:00")).astimezone()


def add(laptop: Laptop, when: str) -> str:
    result = laptop.cli("add", "--company", "Acme", "--interviewed-at", when)
    assert result.code == 0, result.err
    return result.out.strip()


def test_the_cli_reads_every_day_without_a_time_as_nine(laptop: Laptop) -> None:
    today = datetime.now().astimezone().date()
    for typed, day in (
        ("today", today),
        ("3 days ago", today - timedelta(days=3)),
        ("2 weeks ago", today - timedelta(days=14)),
        ("yesterday", today - timedelta(days=1)),
    ):
        moment = interviewed(laptop, add(laptop, typed))
        assert (moment.date(), moment.time()) == (day, time(9, 0)), typed
    last_monday = interviewed(laptop, add(laptop, "last monday 14:30"))
    assert last_monday.weekday() == 0 and last_monday.time() == time(14, 30)
    assert 1 <= (today - last_monday.date()).days <= 7
    card_id = add(laptop, "3 March 2026 2pm")
    assert interviewed(laptop, card_id).replace(tzinfo=None) == datetime(2026, 3, 3, 14, 0)
    edited = laptop.cli("edit", card_id, "--promised-by", "next friday")
    assert edited.code == 0, edited.err
    promised = json.loads(laptop.cli("show", card_id, "--json").out)["promised_by"]
    assert datetime.fromisoformat(promised).weekday() == 4


def test_a_bad_date_on_the_cli_lists_what_works(laptop: Laptop) -> None:
    result = laptop.cli("add", "--company", "Acme", "--interviewed-at", "the other day")
    assert result.code == 1 and result.err.count("\n") == 1
    for form in ("2 weeks ago", "last monday", "next friday", "in 7 days", "09:00"):
        assert form in result.err


def test_date_order_in_the_config_reads_slashed_dates(laptop: Laptop) -> None:
    refused = laptop.cli("add", "--company", "Acme", "--interviewed-at", "03/04/2026")
    assert refused.code == 1 and "date_order" in refused.err
    path = laptop.config_dir / "config.yaml"
    path.write_text(yaml.safe_dump({**yaml.safe_load(path.read_text()), "date_order": "dmy"}))
    card_id = add(laptop, "03/04/2026")
    assert interviewed(laptop, card_id).date().isoformat() == "2026-04-03"
    assert laptop.cli("info", "--json").code == 0
    assert json.loads(laptop.cli("info", "--json").out)["date_order"] == "dmy"


def test_the_importer_reads_a_day_without_a_time_as_nine_too(
    laptop: Laptop, tmp_path: Path
) -> None:
    sheet = tmp_path / "applications.csv"
    sheet.write_text("Company,Interview date\nInitech,2026-03-10\n", encoding="utf-8")
    assert laptop.cli("import", str(sheet), "--apply").code == 0
    (card,) = json.loads(laptop.cli("list", "--json").out)
    moment = datetime.fromisoformat(card["interviewed_at"].replace("Z", "+00:00")).astimezone()
    assert moment.replace(tzinfo=None) == datetime(2026, 3, 10, 9, 0)


async def test_the_form_takes_the_spoken_forms_and_the_same_rule(laptop: Laptop) -> None:
    session = laptop.session()
    app = FollowupApp(session=session, cursor_blink=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CardEditScreen)
        form.query_one("#field-company", Input).value = "Hooli"
        form.query_one("#field-interviewed_at", Input).value = "2 weeks ago"
        form.query_one("#field-promised_by", Input).value = "in 7 days"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
    (card,) = session.board.all()
    today = datetime.now().astimezone().date()
    moment = card.interviewed_at.astimezone()
    assert (moment.date(), moment.time()) == (today - timedelta(days=14), time(9, 0))
    assert card.promised_by == today + timedelta(days=7)
