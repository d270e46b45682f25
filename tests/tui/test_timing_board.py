"""Timing on the board, with Textual's Pilot and an injected clock: an interview ahead says
when it is, a silent card asks to be closed and `x` closes it (never anything by itself),
Today lists both, and the form says what saving a card means."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from conftest import NOW, SIZE, Laptop, shown
from textual.widgets import Input, OptionList

from tui.app import FollowupApp
from tui.board.close_outcome import CloseOutcomeScreen
from tui.board.screen import BoardScreen
from tui.board.stage_column import CARD_HEIGHT
from tui.card.detail import CardDetailScreen
from tui.card.edit import CardEditScreen
from tui.followups.today import TodayScreen


def tomorrow_at(hour: int) -> datetime:
    """Tomorrow at `hour` on this machine's wall clock (the board shows local time)."""
    local = NOW.astimezone()
    return datetime.combine(local.date() + timedelta(days=1), time(hour, 0)).astimezone()


def make_app(laptop: Laptop) -> tuple[FollowupApp, Any]:
    session = laptop.session()
    return FollowupApp(session=session, now=lambda: NOW, cursor_blink=False), session


def add(session: Any, company: str, when: datetime, **fields: Any) -> str:
    at = min(when, NOW) - timedelta(hours=1)
    return session.change(
        lambda board: board.add({"company": company, "interviewed_at": when, **fields}, at=at)
    )


def third_line(screen: BoardScreen, stage: str, card_id: str) -> str:
    column = screen.column(stage)
    return column.render_line(column.ids.index(card_id) * CARD_HEIGHT + 2).text.strip()


async def wait_for(pilot: Any, condition: Any) -> None:
    for _ in range(100):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition()


async def test_an_interview_ahead_says_when_on_its_card_and_in_today(laptop: Laptop) -> None:
    app, session = make_app(laptop)
    hooli = add(session, "Hooli", tomorrow_at(14), role="SRE")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        card = session.board.card(hooli)
        assert app.context.due_badge(card, NOW) == "interview tomorrow 14:00"
        assert third_line(screen, "interviewed", hooli) in (
            "interview tomorrow 14:00",
            "interview tmrw 14:00",
        )
        await pilot.press("t")
        today = app.screen
        assert isinstance(today, TodayScreen)
        assert [(i.kind, i.card_id) for i in today.items] == [("interview", hooli)]
        assert "1 interview" in str(today.query_one("#today-title").render())
        await pilot.press("enter")  # nothing to write yet: the card, to prepare
        await wait_for(pilot, lambda: isinstance(app.screen, CardDetailScreen))
        text = " ".join(str(w.render()) for w in app.screen.query(".detail-value"))
        assert "(tomorrow 14:00)" in text


async def test_a_silent_card_asks_and_x_closes_it_as_no_answer_and_u_undoes_it(
    laptop: Laptop,
) -> None:
    app, session = make_app(laptop)
    silent = add(session, "Initech", NOW - timedelta(days=60), stage="waiting")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        badge = app.context.due_badge(session.board.card(silent), NOW)
        assert badge == "no answer in 8 weeks — close as no answer?"  # not "follow-up 53d over"
        assert shown(laptop, silent)["stage"] == "waiting"  # asked, not closed
        screen.focus_card(silent)
        await pilot.press("x")
        await wait_for(pilot, lambda: shown(laptop, silent)["stage"] == "closed")
        assert shown(laptop, silent)["outcome"] == "no-answer"
        assert any("as no answer" in n.message for n in app._notifications)
        await pilot.press("u")
        await wait_for(pilot, lambda: shown(laptop, silent)["stage"] == "waiting")
        assert shown(laptop, silent)["outcome"] is None


async def test_x_on_a_card_that_does_not_ask_offers_the_close_dialog_on_no_answer(
    laptop: Laptop,
) -> None:
    app, session = make_app(laptop)
    fresh = add(session, "Acme", NOW - timedelta(days=2), stage="thanked")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        screen.focus_card(fresh)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, CloseOutcomeScreen))
        options = app.screen.query_one("#outcomes", OptionList)
        assert options.get_option_at_index(options.highlighted or 0).id == "no-answer"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        assert shown(laptop, fresh)["stage"] == "thanked"


async def test_today_lists_the_close_question_and_x_there_closes_it(laptop: Laptop) -> None:
    app, session = make_app(laptop)
    silent = add(session, "Initech", NOW - timedelta(days=60), stage="waiting")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        today = app.screen
        assert isinstance(today, TodayScreen)
        kinds = sorted(i.kind for i in today.items)
        assert kinds == ["close", "note"]  # the follow-up is still listed, and the question
        index = [i.kind for i in today.items].index("close")
        today.query_one("#today-list", OptionList).highlighted = index
        line = str(today.query_one("#today-list", OptionList).get_option_at_index(index).prompt)
        assert line.startswith("no answer in 8 weeks") and "Close as no answer?" in line
        await pilot.press("x")
        await wait_for(pilot, lambda: shown(laptop, silent)["stage"] == "closed")
        assert [i.kind for i in today.items] == []
        await pilot.press("u")
        await wait_for(pilot, lambda: shown(laptop, silent)["stage"] == "waiting")


async def test_the_form_says_an_interview_for_later_today_and_an_earlier_application(
    laptop: Laptop,
) -> None:
    app, session = make_app(laptop)
    before = add(session, "Initech", NOW - timedelta(days=40), role="Analyst")
    session.change(lambda board: board.move(before, "closed", outcome="rejected", at=NOW))
    later_today = (NOW + timedelta(minutes=75)).astimezone()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, CardEditScreen))
        form = app.screen
        form.query_one("#field-company", Input).value = "INITECH, Inc."
        form.query_one("#field-interviewed_at", Input).value = later_today.strftime(
            "%Y-%m-%d %H:%M"
        )
        form.query_one("#field-duration", Input).value = "45 min"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen))
        messages = [n.message for n in app._notifications]
        titles = [n.title for n in app._notifications]
        assert any(m.startswith("INITECH, Inc.: interview in 1 h (") for m in messages)
        assert "You applied to INITECH, Inc. before" in titles
        day = NOW.astimezone().strftime("%Y-%m-%d")
        assert f"Initech — rejected {day} (Analyst)" in messages
        [new] = [c for c in session.board.all() if c.company == "INITECH, Inc."]
        assert new.duration == 45
