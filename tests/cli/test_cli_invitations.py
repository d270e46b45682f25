"""`followup-tui import invite.ics` (and `-`): a dry run unless --apply, a new card or the next
round, a cancellation; real files, a real FIFO, the real vault."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest
from conftest import Laptop, add, assert_error, shown

CANARY = "CANARY-invite-0c4e"


def invitation(
    uid: str = "r1@umbrella.com",
    start: str = "20261210T130000Z",
    end: str = "20261210T134500Z",
    method: str = "REQUEST",
) -> str:
    return "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Test//EN",
            f"METHOD:{method}",
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"DTSTART:{start}",
            f"DTEND:{end}",
            "ORGANIZER;CN=Rita Recruiter:mailto:rita@umbrella.com",
            "ATTENDEE;CN=Eve Adams:mailto:eve@umbrella.com",
            "ATTENDEE;CN=Sam:mailto:sam@example.org",
            f"SUMMARY:Technical interview {CANARY}",
            "LOCATION:https://meet.google.com/abc-defg-hij",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )


def vault_files(laptop: Laptop) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(laptop.vault.rglob("*")) if p.is_file()}


@pytest.fixture
def me(laptop: Laptop) -> Laptop:
    assert laptop.cli("profile", "--email", "sam@example.org").code == 0
    return laptop


def test_a_dry_run_says_what_it_would_make_and_writes_nothing(me: Laptop, tmp_path: Path) -> None:
    ics = tmp_path / "invite.ics"
    ics.write_text(invitation())
    before = vault_files(me)
    result = me.cli("import", str(ics))
    assert result.code == 0, result.err
    assert "Would create a card for Umbrella" in result.out
    assert "interviewers: Eve Adams <eve@umbrella.com>" in result.out and "sam@" not in result.out
    assert "Dry run: nothing was written" in result.out
    assert vault_files(me) == before


def test_an_invitation_piped_in_makes_the_card_and_the_next_one_its_next_round(
    me: Laptop, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(invitation().encode())))
    result = me.cli("import", "-", "--apply", "--role", "Security engineer")
    assert result.code == 0, result.err
    assert "Created a card for Umbrella" in result.out
    (card,) = json.loads(me.cli("list", "--json").out)
    assert (card["company"], card["role"], card["duration"]) == (
        "Umbrella",
        "Security engineer",
        45,
    )
    assert card["interviewed_at"] == "2026-12-10T13:00:00Z"
    assert [p["email"] for p in card["interviewers"]] == ["eve@umbrella.com"]
    assert card["contact_email"] == "rita@umbrella.com"
    assert card["links"] == ["https://meet.google.com/abc-defg-hij"]
    assert CANARY.encode() not in b"".join(vault_files(me).values())  # encrypted, like the rest

    second = tmp_path / "second.ics"
    second.write_text(invitation("r2@umbrella.com", "20261217T090000Z", "20261217T100000Z"))
    result = me.cli("import", str(second), "--apply", "--round", "on-site")
    assert (
        f"Added it as the next round of Umbrella — Security engineer ({card['id']})" in result.out
    )
    after = shown(me, card["id"])
    assert (after["interviewed_at"], after["round"], after["duration"]) == (
        "2026-12-17T09:00:00Z",
        "on-site",
        60,
    )
    assert len(json.loads(me.cli("list", "--json").out)) == 1


def test_a_cancellation_names_the_card_and_needs_apply_to_change_it(
    me: Laptop, tmp_path: Path
) -> None:
    ics = tmp_path / "invite.ics"
    ics.write_text(invitation())
    assert me.cli("import", str(ics), "--apply").code == 0
    (card,) = json.loads(me.cli("list", "--json").out)
    cancel = tmp_path / "cancel.ics"
    cancel.write_text(invitation(method="CANCEL"))
    before = vault_files(me)
    result = me.cli("import", str(cancel))
    assert "A cancellation of the interview" in result.out and card["id"] in result.out
    assert vault_files(me) == before
    assert me.cli("import", str(cancel), "--apply").code == 0
    assert shown(me, card["id"])["interviewed_at"] is None


def test_the_same_cancellation_applied_twice_is_noted_once(me: Laptop, tmp_path: Path) -> None:
    ics = tmp_path / "invite.ics"
    ics.write_text(invitation())
    assert me.cli("import", str(ics), "--apply").code == 0
    (card,) = json.loads(me.cli("list", "--json").out)
    cancel = tmp_path / "cancel.ics"
    cancel.write_text(invitation(method="CANCEL"))
    assert me.cli("import", str(cancel), "--apply").code == 0
    before = vault_files(me)

    again = me.cli("import", str(cancel), "--apply")

    assert again.code == 0, again.err
    assert "A cancellation of the interview" in again.out
    assert "already has this cancellation" in again.out, again.out
    assert "no interview now" not in again.out  # it said "whose interview is no interview now"
    assert vault_files(me) == before
    kinds = [e["kind"] for e in shown(me, card["id"])["timeline"]]
    assert kinds.count("interview_cancelled") == 1


def test_importing_the_same_invitation_twice_makes_one_card(me: Laptop, tmp_path: Path) -> None:
    ics = tmp_path / "invite.ics"
    ics.write_text(invitation())
    me.cli("import", str(ics), "--apply")
    result = me.cli("import", str(ics), "--apply")
    assert "already has this invitation" in result.out
    assert len(json.loads(me.cli("list", "--json").out)) == 1


def test_bad_invitation_files_are_one_line_each_and_nothing_is_written(
    me: Laptop, tmp_path: Path
) -> None:
    add(me, "Acme")
    before = vault_files(me)
    assert_error(me.cli("import", str(tmp_path)), "is a folder")
    assert_error(me.cli("import", str(tmp_path / "nope.ics")), "no such file")
    fifo = tmp_path / "pipe.ics"
    os.mkfifo(fifo)
    assert_error(me.cli("import", str(fifo)), "not an iCalendar file")  # a pipe nobody writes
    text = tmp_path / "notes.ics"
    text.write_text("just some notes\n")
    assert_error(me.cli("import", str(text)), "not an iCalendar file")
    broken = tmp_path / "broken.ics"
    broken.write_text(invitation().replace("DTSTART:20261210T130000Z", "DTSTART:2026-13-45"))
    assert_error(me.cli("import", str(broken), "--apply"), "broken.ics")
    gmail = tmp_path / "gmail.ics"
    gmail.write_text(invitation().replace("umbrella.com", "gmail.com"))
    assert_error(me.cli("import", str(gmail), "--apply"), "--company NAME")
    csv_file = tmp_path / "cards.csv"
    csv_file.write_text("company\nGlobex\n")
    assert_error(me.cli("import", str(csv_file), "--company", "X"), "for an invitation")
    assert vault_files(me) == before
