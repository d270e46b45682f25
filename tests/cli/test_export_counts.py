"""The line an export ends with counts what the file holds: cards, or a calendar's events."""

from __future__ import annotations

from pathlib import Path

from conftest import Laptop, add


def test_a_calendar_export_counts_its_events_not_the_cards(laptop: Laptop, tmp_path: Path) -> None:
    add(laptop, "Acme", "--interviewed-at", "yesterday 10:00")  # a thank-you due: one event
    add(laptop, "Hooli", "--interviewed-at", "in 3 days 10:00")  # the interview, its thank-you
    add(laptop, "Initech")  # no date: nothing to put in a calendar
    add(laptop, "Umbrella")
    out = tmp_path / "due.ics"
    result = laptop.cli("export", "--format", "ics", "-o", str(out))
    assert result.code == 0, result.err
    events = out.read_text().count("BEGIN:VEVENT")
    assert events == 3
    assert result.err == f"Wrote 3 events to {out}.\n"
    csv = tmp_path / "cards.csv"
    result = laptop.cli("export", "--format", "csv", "-o", str(csv))
    assert result.err == f"Wrote 4 cards to {csv}.\n"
