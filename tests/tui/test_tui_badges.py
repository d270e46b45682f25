"""Due badges that fit their card: short forms from the due rules, full text in the card view.

A card on a 120-column board has about 20 cells for its badge; "follow-up-2 18 days overdue"
must become "follow-up-2 18d over", not "follow-up-2 18 days …" (what is due and when matter
more than the note's whole name).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import NOW, SIZE, add_sample_cards, make_app
from rich.cells import cell_len

from store.cards.board import Board
from store.notes.due import DueItem, parse_rule
from tui.board.card_face import Badge, fit_badge
from tui.board.screen import BoardScreen
from tui.board.stage_column import CARD_HEIGHT
from tui.card.detail import CardDetailScreen

DUE_AT = datetime(2026, 3, 11, 14, 0, tzinfo=UTC)  # a thank-you, 24 h after a 14:00 interview
DUE_DAY = date(2026, 3, 20)  # a follow-up, due on that day


def timed_item() -> DueItem:
    board = Board("aaaaaaaaaaaa")
    card = board.card(board.add({"company": "Acme"}, at=DUE_AT - timedelta(hours=24)))
    rule = parse_rule({"after": "interview", "hours": 24})
    return DueItem(card, "thank-you", "Thank-you note", rule, DUE_AT, None)


def day_item() -> DueItem:
    board = Board("aaaaaaaaaaaa")
    card = board.card(board.add({"company": "Acme"}, at=DUE_AT))
    rule = parse_rule({"after": "last_contact", "days": 7})
    return DueItem(card, "follow-up", "Follow-up", rule, datetime(2026, 3, 21, tzinfo=UTC), DUE_DAY)


@pytest.mark.parametrize(
    ("before_deadline", "full", "short"),
    [
        (timedelta(days=3, hours=1), "due in 3 days", "in 3d"),
        (timedelta(hours=30), "due in 30 h", "in 30h"),
        (timedelta(hours=5, minutes=20), "due in 5 h", "due 5h"),
        (timedelta(minutes=40), "due in 40 min", "due 40m"),
        (timedelta(seconds=20), "due now", "due now"),
        (-timedelta(minutes=15), "15 min overdue", "15m over"),
        (-timedelta(hours=3, minutes=5), "3 h overdue", "3h over"),
        (-timedelta(days=2, hours=1), "2 days overdue", "2d over"),
    ],
)
def test_a_timed_note_has_a_short_form_with_the_same_rounding(before_deadline, full, short):
    item, now = timed_item(), DUE_AT - before_deadline
    assert (item.relative(now, UTC), item.short_relative(now, UTC)) == (full, short)


@pytest.mark.parametrize(
    ("today", "full", "short"),
    [
        (date(2026, 3, 17), "due in 3 days", "in 3d"),
        (date(2026, 3, 19), "due tomorrow", "in 1d"),
        (date(2026, 3, 20), "due today", "due today"),
        (date(2026, 3, 21), "1 day overdue", "1d over"),
        (date(2026, 3, 25), "5 days overdue", "5d over"),
    ],
)
def test_a_day_long_note_has_a_short_form_in_calendar_days(today, full, short):
    item, now = day_item(), datetime.combine(today, datetime.min.time(), UTC) + timedelta(hours=9)
    assert (item.relative(now, UTC), item.short_relative(now, UTC)) == (full, short)


LATE = Badge("follow-up-2 18 days overdue", "follow-up-2", "18d over")


@pytest.mark.parametrize(
    ("width", "shown"),
    [
        (40, "follow-up-2 18 days overdue"),
        (27, "follow-up-2 18 days overdue"),
        (26, "follow-up-2 18d over"),
        (20, "follow-up-2 18d over"),
        (16, "follow… 18d over"),
        (13, "fol… 18d over"),
        (12, "18d over"),
        (8, "18d over"),
        (5, "18d…"),
        (1, "…"),
        (0, ""),
    ],
)
def test_a_badge_keeps_what_is_due_and_when_as_the_card_narrows(width, shown) -> None:
    assert fit_badge(LATE, width) == shown


def test_every_form_of_a_badge_fits_its_width() -> None:
    badges = [LATE, Badge("thank-you due in 3 h", "thank-you", "due 3h"), "a plain badge text"]
    for badge in badges:
        for width in range(0, 45):
            assert cell_len(fit_badge(badge, width)) <= width


def test_a_badge_without_short_forms_is_cut_with_an_ellipsis() -> None:
    assert fit_badge("thank-you 3 h overdue", 12) == "thank-you 3…"
    assert fit_badge("thank-you 3 h overdue", 30) == "thank-you 3 h overdue"


def test_a_badge_is_its_full_text() -> None:
    assert LATE == "follow-up-2 18 days overdue" and "overdue" in LATE


# --- on the board -------------------------------------------------------------------------------


def column_text(screen: BoardScreen, stage: str, card: int, row: int) -> str:
    return screen.column(stage).render_line(card * CARD_HEIGHT + row).text.strip()


async def test_badges_on_a_120_column_board_are_short_not_cut(laptop) -> None:
    session = laptop.session()
    ids = add_sample_cards(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        globex = screen.column("interviewed").ids.index(ids["Globex"])
        assert (
            app.context.due_badge(session.board.card(ids["Globex"]), NOW)
            == "thank-you 2 days overdue"
        )
        assert column_text(screen, "interviewed", globex, 2) == "thank-you 2d over"
        for stage in ("interviewed", "thanked", "waiting", "followed-up"):
            for card in range(len(screen.column(stage).ids)):
                assert "…" not in column_text(screen, stage, card, 2)


async def test_the_card_view_says_what_is_due_in_full(laptop) -> None:
    session = laptop.session()
    ids = add_sample_cards(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        screen.focus_card(ids["Globex"])
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CardDetailScreen)
        text = " ".join(str(w.render()) for w in app.screen.query(".detail-value"))
        assert "thank-you: 2 days overdue  (24 h after the interview)" in text
