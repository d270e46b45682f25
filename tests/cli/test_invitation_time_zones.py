"""An invitation's time zone, as `followup-tui import invite.ics` reads it: a zone the file
defines in a VTIMEZONE is used; a zone nobody defines is read as local time and the plan says
so in one line, in the dry run and on --apply; a vendor-prefixed TZID is no Python warning."""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Laptop

BERLIN_ZONE_LINE = (
    "  time zone 'Mars/Olympus' is unknown: read as local time (Europe/Berlin, UTC+01:00); "
    "check the time."
)


def invitation(tzid: str, vtimezone: str = "") -> str:
    return "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Test//EN",
            "METHOD:REQUEST",
            *([vtimezone] if vtimezone else []),
            "BEGIN:VEVENT",
            "UID:zone-1@umbrella.com",
            "DTSTAMP:20261201T100000Z",
            f"DTSTART;TZID={tzid}:20261210T140000",
            f"DTEND;TZID={tzid}:20261210T150000",
            "ORGANIZER;CN=Rita Recruiter:mailto:rita@umbrella.com",
            "SUMMARY:Technical interview",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )


OLYMPUS = "\r\n".join(
    [
        "BEGIN:VTIMEZONE",
        "TZID:Mars/Olympus",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0500",
        "TZOFFSETTO:+0500",
        "TZNAME:MOT",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
)


@pytest.fixture
def in_berlin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def me(laptop: Laptop, in_berlin: None) -> Laptop:
    assert laptop.cli("profile", "--email", "sam@example.org").code == 0
    return laptop


def interview_at(laptop: Laptop) -> str:
    (card,) = json.loads(laptop.cli("list", "--json").out)
    return card["interviewed_at"]


def test_an_unknown_time_zone_is_read_as_local_time_and_said_under_the_time(
    me: Laptop, tmp_path: Path
) -> None:
    ics = tmp_path / "invite.ics"
    ics.write_text(invitation("Mars/Olympus"))
    dry = me.cli("import", str(ics))
    assert dry.code == 0, dry.err
    lines = dry.out.splitlines()
    assert lines[0].startswith("An invitation to an interview on Thu 2026-12-10 14:00")
    assert lines[1] == BERLIN_ZONE_LINE
    applied = me.cli("import", str(ics), "--apply")
    assert applied.code == 0, applied.err
    assert applied.out.splitlines()[1] == BERLIN_ZONE_LINE
    assert "Created a card for Umbrella" in applied.out
    assert interview_at(me) == "2026-12-10T13:00:00Z"  # 14:00 in Berlin, as the line says


def test_a_time_zone_the_file_defines_is_used_and_needs_no_word(me: Laptop, tmp_path: Path) -> None:
    ics = tmp_path / "invite.ics"
    ics.write_text(invitation("Mars/Olympus", OLYMPUS))
    applied = me.cli("import", str(ics), "--apply")
    assert applied.code == 0, applied.err
    assert "time zone" not in applied.out
    assert "on Thu 2026-12-10 10:00" in applied.out  # 14:00 at UTC+05:00 is 10:00 in Berlin
    assert interview_at(me) == "2026-12-10T09:00:00Z"


def test_a_vendor_prefixed_zone_is_read_without_a_python_warning(
    me: Laptop, tmp_path: Path
) -> None:
    ics = tmp_path / "invite.ics"
    ics.write_text(invitation("/mozilla.org/20050126_1/America/New_York"))
    with warnings.catch_warnings(record=True) as seen:  # what a terminal would have shown
        warnings.simplefilter("always")
        applied = me.cli("import", str(ics), "--apply")
    assert applied.code == 0, applied.err
    assert [str(w.message) for w in seen] == []
    assert "time zone" not in applied.out
    assert interview_at(me) == "2026-12-10T19:00:00Z"
