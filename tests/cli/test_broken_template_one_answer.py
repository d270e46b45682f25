"""A broken template has one answer on this laptop, in every command and on the board: its last
good version, remembered in the config dir (the built-in one only when none was ever seen
here); and the error names the line to fix (issue 11, item 8)."""

from __future__ import annotations

from datetime import UTC, datetime

from conftest import Laptop

from tui.app import FollowupApp
from tui.board.screen import BoardScreen
from tui.followups.compose import ComposeScreen

GOOD = """\
title: Thank-you note
stage: interviewed
due: {after: interview, hours: 24}
moves_to: thanked
subject: "Many thanks, {{ company }}"
body: |
  Dear {{ interviewer.first_name or "team" }}, thank you. (my own words)
"""
# An unclosed [ on line 5: PyYAML notices on line 6.
BROKEN = """\
title: Thank-you note
stage: interviewed
due: {after: interview, hours: 24}
moves_to: thanked
outcome: [offer
subject: "Many thanks, {{ company }}"
body: |
  Dear team, thank you.
"""


def add_card(laptop: Laptop) -> str:
    result = laptop.cli("add", "--company", "Acme", "--interviewed-at", "today 08:00")
    assert result.code == 0, result.err
    return result.out.strip()


def test_an_unclosed_bracket_is_reported_on_the_line_it_opened(laptop: Laptop) -> None:
    (laptop.vault / "templates" / "thank-you.yaml").write_text(BROKEN)
    result = laptop.cli("templates")
    assert result.code == 1
    assert "templates/thank-you.yaml, line 5: not valid YAML (a [ is never closed)" in result.err


def test_the_cli_uses_the_last_good_version_as_the_board_does(laptop: Laptop) -> None:
    card_id = add_card(laptop)
    template = laptop.vault / "templates" / "thank-you.yaml"
    template.write_text(GOOD)
    assert "Many thanks, Acme" in laptop.cli("compose", card_id, "thank-you").out
    template.write_text(BROKEN)
    result = laptop.cli("compose", card_id, "thank-you")
    assert result.code == 0
    assert "Subject: Many thanks, Acme" in result.out and "(my own words)" in result.out
    assert "line 5" in result.err and "its last good version is in use" in result.err
    due = laptop.cli("due", "--all")
    assert "its last good version is in use" in due.err


def test_a_laptop_that_never_saw_a_good_version_uses_the_built_in_one(make_laptop) -> None:
    a = make_laptop("a")
    card_id = add_card(a)
    (a.vault / "templates" / "thank-you.yaml").write_text(BROKEN)
    b = make_laptop("b")  # joins now: it never read a good thank-you.yaml
    result = b.cli("compose", card_id, "thank-you")
    assert result.code == 0
    assert result.out.startswith("Subject: Thank you for the interview")
    assert "the built-in one is in use" in result.err
    doctor = b.cli("doctor")
    assert "line 5" in doctor.out and "the built-in one is in use" in doctor.out


async def test_the_board_started_on_a_broken_file_uses_the_same_last_good_version(
    laptop: Laptop,
) -> None:
    card_id = add_card(laptop)
    template = laptop.vault / "templates" / "thank-you.yaml"
    template.write_text(GOOD)
    assert laptop.cli("templates").code == 0  # read once while good
    template.write_text(BROKEN)
    cli_letter = laptop.cli("compose", card_id, "thank-you").out
    session = laptop.session()
    app = FollowupApp(session=session, now=lambda: datetime.now(UTC), cursor_blink=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("c")
        await pilot.pause()
        compose = app.screen
        assert isinstance(compose, ComposeScreen)
        assert compose.template_name == "thank-you"
        assert compose.note is not None
        assert compose.note.text == cli_letter and "(my own words)" in cli_letter
        problems = app.context.templates.problems()
        assert [p.line for p in problems] == [5]
