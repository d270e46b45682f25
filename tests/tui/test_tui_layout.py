"""The board and its screens at the sizes people's terminals have: 80x24 up to 200x50.

What must hold at every size: the footer shows every key the screen offers (Help and Quit
included), a column's heading keeps its count, the Today list does not wrap a note over two
lines, and the help dialog keeps its title and hint in view.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import make_app

from tui.board.help import HelpScreen
from tui.board.screen import BoardScreen
from tui.board.stage_column import CARD_HEIGHT, CARD_LINES, StageTitle
from tui.followups.today import TodayScreen
from tui.widgets.fitting_footer import FittingFooter

SIZES = [(80, 24), (100, 30), (120, 36), (200, 50)]


def footer_text(app: Any) -> str:
    footer = app.screen.query_one(FittingFooter)
    shown = [
        w for w in footer.query("FooterKey, FooterLabel") if w.region.right <= footer.size.width
    ]
    return " ".join(str(w.render()) for w in shown)


@pytest.mark.parametrize("size", SIZES)
async def test_the_footer_shows_every_board_key_at_every_size(sample, size) -> None:
    app = make_app(sample)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(FittingFooter)
        text = footer_text(app)
        for word in ("New", "Open", "Edit", "Move", "Delete", "Filter", "Compose", "Today"):
            assert word in text, (size, text)
        assert "Help" in text and "Quit" in text, (size, text)
        keys = list(footer.query("FooterKey, FooterLabel, KeyGroup"))
        assert max(w.region.right for w in keys) <= size[0]
        assert footer.compact == (size[0] < 110)


async def test_a_wider_terminal_gets_the_roomy_footer_back(sample) -> None:
    app = make_app(sample)
    async with app.run_test(size=(80, 24)) as pilot:
        footer = app.screen.query_one(FittingFooter)
        await pilot.pause()
        assert footer.compact and not footer.show_command_palette
        await pilot.resize_terminal(160, 40)
        await pilot.pause()
        assert not footer.compact and footer.show_command_palette


@pytest.mark.parametrize("size", SIZES)
async def test_a_column_heading_keeps_its_count(sample, size) -> None:
    app = make_app(sample)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for title in app.screen.query(StageTitle):
            shown = str(title.render())
            assert shown.endswith(title.count) and title.count, shown
            assert len(shown) <= title.content_region.width


async def test_the_filter_counts_one_card_in_the_singular(sample) -> None:
    app = make_app(sample)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("slash", *"globex", "enter")
        await pilot.pause()
        assert "1 card " in str(app.screen.query_one("#status").render())


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_today_gives_each_note_one_line(sample, size) -> None:
    app = make_app(sample)
    async with app.run_test(size=size) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        options = app.screen.query_one("#today-list")
        assert app.screen.items, "the sample board owes notes"
        assert options.virtual_size.height == len(app.screen.items)


async def test_help_keeps_its_hint_in_view_on_a_small_terminal(sample) -> None:
    app = make_app(sample)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        hint = app.screen.query_one(".dialog-hint")
        dialog = app.screen.query_one(".dialog")
        assert hint.region.bottom <= dialog.region.bottom - 1  # inside the border
        assert "esc closes" in str(hint.render())


async def test_the_palette_offers_the_board_actions_not_textual_focus_keys(sample) -> None:
    from tui.app import ActionCommands

    app = make_app(sample)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        provider = ActionCommands(app.screen)
        names = [name for name, _, _ in provider._commands()]
        assert "Next stage" in names and "Today" in names
        assert "Focus Next" not in names and "Copy selected text" not in names


async def test_a_board_emptied_into_the_trash_says_how_to_add_a_card(laptop) -> None:
    session = laptop.session()
    session.change(lambda board: board.add({"company": "Acme"}))
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        status = app.screen.query_one("#status")
        said = str(status.render())
        assert "No cards yet" in said
        assert len(said) <= status.content_region.width  # beside the sync line, not under it


async def test_a_board_whose_replicas_are_all_gone_does_not_invite_adding_a_card(laptop) -> None:
    session = laptop.session()
    session.change(lambda board: board.add({"company": "Acme"}))
    for path in (laptop.vault / "replicas").iterdir():
        path.unlink()  # a sync tool emptied the folder: writes are refused until they are back
    app = make_app(laptop.session())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        status = app.screen.query_one("#status")
        said = str(status.render())
        assert "No cards yet" not in said and "press n" not in said, said
        assert "replicas are gone" in said and "doctor" in said
        assert len(said) <= status.content_region.width  # beside the sync line, not under it


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 37)])
async def test_a_long_column_scrolls_by_whole_cards(laptop, size) -> None:
    session = laptop.session()
    session.change(lambda board: [board.add({"company": f"Company {i}"}) for i in range(12)])
    app = make_app(session)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        column = app.screen.column("interviewed")
        assert column.scrollable_content_region.height < 12 * CARD_HEIGHT
        for keys in (["G"], ["g"], ["pagedown"], ["pagedown"], ["up"], ["G"], ["up"] * 5):
            await pilot.press(*keys)
            await pilot.pause()
            top, view = column.scroll_offset.y, column.scrollable_content_region.height
            assert top % CARD_HEIGHT == 0, (keys, top)
            assert top <= column.cursor * CARD_HEIGHT
            assert column.cursor * CARD_HEIGHT + CARD_LINES <= top + view
