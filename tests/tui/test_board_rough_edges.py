"""The small rough edges of the board a new user met in the first hour (issue 11, item 12):
help, Today's words and keys, j/k in lists, the card's own keys, the timeline's indent, the
status line, the space before a card's age and in the footer, and a card's next step."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from conftest import NOW, PASSPHRASE, make_app, until
from rich.style import Style
from textual.widgets import OptionList
from textual.widgets._footer import FooterKey

from store.config import Config
from store.vault.crypto import Vault
from sync.folder import open_folder
from tui.app import FollowupApp
from tui.board.help import binding_rows
from tui.board.screen import BoardScreen
from tui.board.stage_column import StageColumn
from tui.board.sync_status import SyncStatus
from tui.followups.today import today_title


def add(session: Any, company: str, days: float, stage: str = "interviewed", **extra: Any) -> str:
    when = NOW - timedelta(days=days)

    def write(board: Any) -> str:
        card_id = board.add({"company": company, "interviewed_at": when, **extra}, at=when)
        if stage != "interviewed":
            board.move(card_id, stage, at=when + timedelta(hours=1))
        return card_id

    return session.change(write)


def footer_keys(app: FollowupApp) -> list[str]:
    return [key.description for key in app.screen.query(FooterKey)]


async def test_help_lists_the_palette_once(laptop) -> None:
    app = make_app(laptop.session())
    async with app.run_test(size=(120, 36)):
        rows = binding_rows(app.screen)
    palette = [row for row in rows if "palette" in row[1].lower()]
    assert len(palette) == 1, palette


def test_todays_title_says_each_count_once() -> None:
    assert "1 note overdue" in today_title(1, 1) and today_title(1, 1).count("due") == 1
    assert "2 notes due" in today_title(2, 0)
    assert "3 notes: " in today_title(3, 1) and "1 overdue" in today_title(3, 1)
    assert "2 due" in today_title(3, 1)


async def test_an_empty_today_shows_no_keys_for_notes_it_does_not_have(laptop) -> None:
    app = make_app(laptop.session())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("t")
        await until(pilot, "Today", lambda: app.screen.id == "today" and app.screen.is_mounted)
        await pilot.pause()
        keys = footer_keys(app)
    assert "Compose" not in keys and "Answered" not in keys and "Card" not in keys
    assert "Board" in keys


async def test_j_and_k_move_in_the_lists_of_compose_and_today(laptop) -> None:
    session = laptop.session()
    card_id = add(session, "Acme", 2)
    add(session, "Globex", 2)
    app = make_app(session)
    async with app.run_test(size=(120, 36)) as pilot:
        assert isinstance(app.screen, BoardScreen)
        app.screen.focus_card(card_id)
        await pilot.press("c")
        await until(pilot, "compose", lambda: app.screen.id == "compose")
        templates = app.screen.query_one("#compose-templates", OptionList)
        start = templates.highlighted
        await pilot.press("j")
        assert templates.highlighted == (start or 0) + 1
        await pilot.press("k")
        assert templates.highlighted == start
        await pilot.press("escape", "t")
        await until(pilot, "Today", lambda: app.screen.id == "today")
        today = app.screen.query_one("#today-list", OptionList)
        assert today.highlighted == 0
        await pilot.press("j")
        assert today.highlighted == 1


async def test_the_card_screen_takes_the_boards_keys_that_make_sense_there(laptop) -> None:
    session = laptop.session()
    long_note = "A long note " * 40
    card_id = add(session, "Acme", 2, notes="\n".join([long_note] * 6))
    app = make_app(session)
    async with app.run_test(size=(100, 24)) as pilot:
        assert isinstance(app.screen, BoardScreen)
        app.screen.focus_card(card_id)
        await pilot.press("enter")
        await until(pilot, "the card", lambda: app.screen.id == "detail")
        body = app.screen.query_one("#detail-body")
        await pilot.press("j", "j", "j")
        assert body.scroll_y == 3
        await pilot.press("k")
        assert body.scroll_y == 2
        await pilot.press("G")
        assert body.scroll_y == body.max_scroll_y > 0
        await pilot.press(">")
        await until(pilot, "the move", lambda: session.board.card(card_id).stage == "thanked")
        assert app.screen.id == "detail"
        await pilot.press("c")
        await until(pilot, "compose", lambda: app.screen.id == "compose")
        await pilot.press("escape")
        await until(pilot, "the card again", lambda: app.screen.id == "detail")
        await pilot.press("d")
        await until(pilot, "the board", lambda: isinstance(app.screen, BoardScreen))
        assert session.board.card(card_id).deleted
        await pilot.press("u")
        assert not session.board.card(card_id).deleted


async def test_a_notes_text_on_the_timeline_keeps_its_indent_when_it_wraps(laptop) -> None:
    session = laptop.session()
    card_id = add(session, "Acme", 2)
    body = "Dear Ann, " + "thank you for the conversation about the migration. " * 6
    session.change(
        lambda board: board.log(
            card_id, "note_sent", template="thank-you", subject="Thanks", text=body
        )
    )
    app = make_app(session)
    async with app.run_test(size=(80, 40)) as pilot:
        assert isinstance(app.screen, BoardScreen)
        app.screen.focus_card(card_id)
        await pilot.press("enter")
        await until(pilot, "the card", lambda: app.screen.id == "detail")
        await pilot.pause()
        text = app.screen.query_one(".timeline-text")
        event = app.screen.query(".timeline-event").last()
        assert text.size.height > 1  # it wraps
        assert text.content_region.x == event.content_region.x + 4  # every line indented


async def test_a_damaged_replica_is_counted_not_shown_as_a_device_and_fits_the_line(
    laptop,
) -> None:
    (laptop.vault / "replicas" / "deadbeef0000.json").write_bytes(b"not a replica at all")
    with laptop.active():
        session = open_folder(Vault.unlock(laptop.vault, PASSPHRASE), Config.load())
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        status = app.screen.query_one(SyncStatus)
        await until(pilot, "the status line", lambda: "unreadable" in str(status.render()))
        line = str(status.render())
        assert "deadbeef0000" not in line  # not a device
        assert "1 unreadable" in line
        assert status.region.right <= app.size.width - 2  # nothing cut at the edge


def test_the_space_before_a_cards_age_is_padding_not_part_of_the_age() -> None:
    plain = Style()
    for title in ("Wayne Enterprises", "Globex", "Stark Industries International"):
        segments = StageColumn._line([(title, plain)], ("30d", plain), 20, plain)
        assert [s.text for s in segments][-1] == "30d"  # begins with no space
        text = "".join(s.text for s in segments)
        assert len(text) == 20 and text.endswith(" 30d")  # and a space always before it


async def test_the_footer_gives_every_description_its_own_space(laptop) -> None:
    """The gap belongs to the key, never to the start of the description: a text that begins
    with a space loses it in an SVG screenshot ("^ppalette", "nNew")."""
    session = laptop.session()
    for width in (80, 100, 120):
        app = make_app(session)
        async with app.run_test(size=(width, 24)) as pilot:
            await until(pilot, "the footer", lambda: bool(pilot.app.screen.query(FooterKey)))
            keys = [key for key in app.screen.query(FooterKey) if key.description]
            for key in keys:
                text = key.render()
                pieces = [text.plain[s.start : s.end] for s in text.spans]
                described = [p for p in pieces if key.description in p and p != text.plain]
                assert described and not described[0].startswith(" "), (width, pieces)
                start = text.plain.index(key.description)
                assert start > 0 and text.plain[start - 1] == " ", (width, text.plain)


async def test_a_card_with_nothing_due_shows_its_next_step_muted(laptop) -> None:
    session = laptop.session()
    card_id = add(session, "Acme", 1, stage="waiting")  # thank-you not owed once waiting
    app = make_app(session)
    async with app.run_test(size=(120, 36)):
        board = app.screen
        assert isinstance(board, BoardScreen)
        column = board.column("waiting")
        badge = board.due_badge(session.board.card(card_id), NOW)
        assert badge is not None and str(badge).startswith("follow-up due in")
        third = column.render_line(2).text
        assert "follow-up" in third
        muted = column.get_component_rich_style("stage-column--upcoming").color
        painted = {seg.style.color for seg in column.render_line(2) if "follow" in seg.text}
        assert painted == {muted}
