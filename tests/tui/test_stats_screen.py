"""The insight screen: opened with `s` or from the palette, the same numbers as `stats`, and a
snapshot of how it looks on a fixed search at a fixed moment."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from conftest import make_app, palette_highlights, tell_the_story, until

from store.vault.session import Session
from tui.board.screen import BoardScreen
from tui.insight.screen import InsightScreen

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
SIZE = (90, 34)


def fixed_now() -> datetime:
    return NOW


def story_session(laptop: Any) -> Session:
    session = laptop.session()
    session.change(tell_the_story)
    return session


def section(screen: InsightScreen, name: str) -> str:
    return str(screen.query_one(f"#section-{name}").render())


async def test_s_opens_insight_with_the_numbers_of_the_search(laptop) -> None:
    app = make_app(story_session(laptop), now=fixed_now)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InsightScreen)
        title = str(screen.query_one("#insight-title").render())
        assert "7 cards, all time" in title
        assert "4 of 7 (57%)" in section(screen, "answers")
        assert "median time from interview to answer: 7 days" in section(screen, "answers")
        assert "2 of 3 (67%)" in section(screen, "timing")
        assert "1 of 3 (33%)" in section(screen, "timing")
        for period in ("1 card, the last 30 days", "5 cards, the last 90 days"):
            await pilot.press("p")
            await pilot.pause()
            assert period in str(screen.query_one("#insight-title").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


async def test_insight_is_in_the_command_palette(laptop) -> None:
    app = make_app(story_session(laptop), now=fixed_now)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"insight")
        await until(pilot, "the palette on Insight", lambda: palette_highlights(app, "Insight"))
        await pilot.press("enter")
        await until(pilot, "the insight screen", lambda: isinstance(app.screen, InsightScreen))
        assert isinstance(app.screen, InsightScreen)


async def test_insight_follows_a_change_to_the_board(laptop) -> None:
    session = story_session(laptop)
    app = make_app(session, now=fixed_now)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        session.change(lambda board: board.add({"company": "Late arrival"}))

        def title() -> str:
            return str(app.screen.query_one("#insight-title").render())

        await until(pilot, "8 cards", lambda: "8 cards" in title())
        assert "8 cards" in title()


def test_insight_screen_snapshot(laptop, snap_compare) -> None:
    session = story_session(laptop)

    async def open_insight(pilot) -> None:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()

    assert snap_compare(
        make_app(session, now=fixed_now), terminal_size=SIZE, run_before=open_insight
    )
