"""The open board keeps `calendar_file` current: written when it opens, rewritten after a
change (built off the screen's thread), and a setting that cannot be used said once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from conftest import make_app, until

from tui.board.screen import BoardScreen

SIZE = (130, 40)


def text_of(path: Path) -> str:
    return path.read_text() if path.exists() else ""


async def test_the_board_writes_the_calendar_and_follows_a_note_sent(laptop, tmp_path) -> None:
    session = laptop.session()
    calendar = tmp_path / "followup.ics"
    session.config.calendar_file = str(calendar)
    acme = session.change(
        lambda b: b.add({"company": "Acme", "interviewed_at": datetime(2026, 3, 11, 9, tzinfo=UTC)})
    )
    initech = session.change(
        lambda b: b.add(
            {"company": "Initech", "interviewed_at": datetime(2026, 3, 13, 9, tzinfo=UTC)}
        )
    )
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, "the calendar", lambda: f"UID:{acme}-thank-you@" in text_of(calendar))
        assert f"UID:{initech}-interview@followup-tui" in text_of(calendar)
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.focus_card(acme)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("s")  # the thank-you is sent: it leaves the calendar
        await until(
            pilot,
            "the calendar to follow",
            lambda: f"UID:{acme}-thank-you@" not in text_of(calendar),
        )
        assert f"UID:{initech}-interview@followup-tui" in text_of(calendar)


async def test_a_calendar_file_in_the_vault_is_refused_once_and_the_board_works_on(laptop) -> None:
    session = laptop.session()
    session.config.calendar_file = str(laptop.vault / "due.ics")
    session.change(lambda b: b.add({"company": "Acme"}))
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:

        def refusals() -> list[str]:
            return [n.message for n in app._notifications if "inside the vault folder" in n.message]

        await until(pilot, "the refusal", refusals)
        await pilot.press("right", "left")  # the board still answers
        session.change(lambda b: b.add({"company": "Globex"}))
        keeper = app._calendar_keeper
        assert keeper is not None and keeper.file is not None

        def built_again() -> bool:  # the change was seen, and its build has finished
            seen = keeper.file._seen
            done = all(w.is_finished for w in app.workers if w.group == "calendar")
            return isinstance(seen, tuple) and seen[0] == session.board.version and done

        await until(pilot, "the calendar to be built again", built_again)
        await pilot.pause()
        assert len(refusals()) == 1
    assert not (laptop.vault / "due.ics").exists()
