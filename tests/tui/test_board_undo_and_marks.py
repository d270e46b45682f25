"""Undo and redo of every change made since the board opened (`u`, `ctrl+r`), and marked cards
(`space`) that a move, closing, delete or tag acts on at once: Pilot on a real vault, each
result read back through the CLI as another process sees it (issue 11, item 14)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from conftest import NOW, SIZE, board_screen, make_app, notices, shown, until
from textual.widgets import Input

from tui.board.screen import BoardScreen


def sample(laptop: Any) -> tuple[Any, dict[str, str]]:
    session = laptop.session()

    def add(board: Any) -> dict[str, str]:
        ids = {}
        for company, stage, days in (
            ("Acme", "interviewed", 1),
            ("Globex", "interviewed", 3),
            ("Hooli", "waiting", 12),
        ):
            when = NOW - timedelta(days=days)
            ids[company] = board.add(
                {"company": company, "role": "Engineer", "interviewed_at": when}, at=when
            )
            if stage != "interviewed":
                board.move(ids[company], stage, at=when + timedelta(hours=5))
        return ids

    return session, session.change(add)


async def test_an_edit_in_the_form_is_undone_and_redone(laptop) -> None:
    session, ids = sample(laptop)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        board_screen(app).focus_card(ids["Acme"])
        await pilot.press("e")
        field = app.screen.query_one("#field-role", Input)
        field.value = "Staff engineer"
        await pilot.press("ctrl+s")
        await until(pilot, "the board back", lambda: isinstance(app.screen, BoardScreen))
        assert shown(laptop, ids["Acme"])["role"] == "Staff engineer"
        await pilot.press("u")
        assert shown(laptop, ids["Acme"])["role"] == "Engineer"
        assert "Undone: edited Acme (role)." in notices(app)
        await pilot.press("ctrl+r")
        assert shown(laptop, ids["Acme"])["role"] == "Staff engineer"
        assert "Redone: edited Acme (role)." in notices(app)


async def test_closing_is_undone_and_the_move_no_longer_counts(laptop) -> None:
    session, ids = sample(laptop)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        board_screen(app).focus_card(ids["Hooli"])
        await pilot.press("5", "1")  # closed, as an offer
        assert shown(laptop, ids["Hooli"])["outcome"] == "offer"
        await pilot.press("u")
    card = shown(laptop, ids["Hooli"])
    assert (card["stage"], card["outcome"]) == ("waiting", None)
    moves = [(e["from"], e["to"]) for e in card["timeline"] if e["kind"] == "moved"]
    assert moves == [("interviewed", "waiting")]  # the close, and its undo, are not history


async def test_a_note_marked_sent_by_mistake_is_undone_and_is_due_again(laptop) -> None:
    session, ids = sample(laptop)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        board_screen(app).focus_card(ids["Globex"])
        await pilot.press("c")
        await until(pilot, "compose", lambda: app.screen.id == "compose")
        await until(pilot, "a note to send", lambda: app.screen.note is not None)  # type: ignore[attr-defined]
        await pilot.press("s")
        await until(pilot, "the board back", lambda: isinstance(app.screen, BoardScreen))
        assert shown(laptop, ids["Globex"])["stage"] == "thanked"
        await pilot.press("u")
        await pilot.press("t")
        await until(pilot, "Today", lambda: app.screen.id == "today")
        due = [(item.card_id, item.template) for item in app.screen.items]  # type: ignore[attr-defined]
    card = shown(laptop, ids["Globex"])
    assert card["stage"] == "interviewed"
    assert not [e for e in card["timeline"] if e["kind"] == "note_sent"]
    assert (ids["Globex"], "thank-you") in due


async def test_undo_leaves_what_another_laptop_changed_since_and_says_so(make_laptop) -> None:
    a, b = make_laptop("a"), make_laptop("b")
    with a.active():
        session, ids = sample(a)
    b.cli("sync")
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        board_screen(app).focus_card(ids["Acme"])
        await pilot.press("e")
        app.screen.query_one("#field-role", Input).value = "Staff engineer"
        app.screen.query_one("#field-notes").load_text("Ask about on-call")  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await until(pilot, "the board back", lambda: isinstance(app.screen, BoardScreen))
        b.cli("sync")
        assert b.cli("edit", ids["Acme"], "--role", "Engineering manager").code == 0
        changed = session.merge_folder()  # what the folder watcher does when b's file lands
        app.board_changed(changed)
        await pilot.press("u")
        assert "Left as another laptop changed it: Acme's role." in notices(app)
    with a.active():
        card = shown(a, ids["Acme"])
    assert card["role"] == "Engineering manager"  # b's edit, not written over
    assert card["notes"] == ""  # the rest of the change is undone


async def test_marked_cards_move_together_and_one_undo_takes_the_move_back(laptop) -> None:
    session, ids = sample(laptop)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        board = board_screen(app)
        board.focus_card(ids["Globex"])
        await pilot.press("space")  # marks Globex, steps to Acme
        assert board.focused_card is not None and board.focused_card.company == "Acme"
        await pilot.press("space")
        assert board.marked == {ids["Acme"], ids["Globex"]}
        assert "2 marked" in str(board.query_one("#status").render())
        strip = board.column("interviewed").render_line(0)  # the first card's title line
        assert "✓" in strip.text
        await pilot.press(">")
        assert {shown(laptop, ids[c])["stage"] for c in ("Acme", "Globex")} == {"thanked"}
        await pilot.press(">")
        assert {shown(laptop, ids[c])["stage"] for c in ("Acme", "Globex")} == {"waiting"}
        await pilot.press("u")
        assert {shown(laptop, ids[c])["stage"] for c in ("Acme", "Globex")} == {"thanked"}
        assert "Undone: moved 2 cards to waiting." in notices(app)
        assert shown(laptop, ids["Hooli"])["stage"] == "waiting"  # not marked: not moved


async def test_closing_marked_cards_asks_how_they_ended_once(laptop) -> None:
    session, ids = sample(laptop)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        board = board_screen(app)
        board.focus_card(ids["Globex"])
        await pilot.press("space", "space", "5")
        assert app.screen.id == "close-outcome"
        assert "2 cards" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press("2")  # rejected
        await until(pilot, "the board back", lambda: isinstance(app.screen, BoardScreen))
    for company in ("Acme", "Globex"):
        card = shown(laptop, ids[company])
        assert (card["stage"], card["outcome"]) == ("closed", "rejected")


async def test_marked_cards_are_tagged_and_deleted_together(laptop) -> None:
    session, ids = sample(laptop)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        board = board_screen(app)
        board.focus_card(ids["Globex"])
        await pilot.press("space", "space", "#")
        assert app.screen.id == "tags"
        app.screen.query_one("#tags-typed", Input).value = "remote, python"
        await pilot.press("enter")
        await until(pilot, "the board back", lambda: isinstance(app.screen, BoardScreen))
        assert shown(laptop, ids["Acme"])["tags"] == ["remote", "python"]
        assert shown(laptop, ids["Globex"])["tags"] == ["remote", "python"]
        await pilot.press("d")
        assert shown(laptop, ids["Acme"])["deleted"] and shown(laptop, ids["Globex"])["deleted"]
        assert board.marked == set()
        await pilot.press("u")
        assert not shown(laptop, ids["Acme"])["deleted"]
        assert not shown(laptop, ids["Globex"])["deleted"]


async def test_escape_unmarks_first_and_then_clears_the_filter(laptop) -> None:
    session, ids = sample(laptop)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        board = board_screen(app)
        await pilot.press("slash", *"o", "enter")  # "o": Acme, Globex, Hooli all match
        board.focus_card(ids["Acme"])
        await pilot.press("space")
        await pilot.press("escape")
        assert board.marked == set() and board.lists.query == "o"
        await pilot.press("escape")
        assert board.lists.query == ""
