"""The People screen and the board's search over everything, driven with Textual's Pilot on a
real vault; the People screen and a card opened from a search are pinned as snapshots."""

from __future__ import annotations

from datetime import timedelta

from conftest import NOW, SIZE, make_app, until
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList, Static

from store.cards.model import Interviewer
from store.vault.session import Session
from tui.board.screen import BoardScreen
from tui.card.detail import CardDetailScreen
from tui.people.screen import PeopleScreen


def people_board(session: Session) -> dict[str, str]:
    counter = iter(range(1, 100))
    session.board._make_id = lambda: f"p{next(counter):011d}"
    rita = Interviewer("Rita Recruiter", "Talent partner", "rita@hire.example")

    def add(board) -> dict[str, str]:
        ids = {}
        for days, company, role, people, extra in (
            (2, "Acme", "Backend", [Interviewer("Ann Lee", "CTO", "ann@acme.io"), rita], {}),
            (5, "Globex", "Data engineer", [Interviewer("RITA@hire.example")], {}),
            (
                9,
                "Initech",
                "SRE",
                [Interviewer("Bill Lumbergh")],
                {"contact_email": "jobs@initech.example"},
            ),
            (12, "Société Générale", "Quant dev", [Interviewer("Zoë Martín", "Head of Data")], {}),
        ):
            when = NOW - timedelta(days=days)
            fields = {
                "company": company,
                "role": role,
                "interviewers": people,
                "interviewed_at": when,
            }
            ids[company] = board.add({**fields, **extra}, at=when)
        board.log(
            ids["Globex"],
            "note_sent",
            at=NOW - timedelta(days=4),
            template="thank-you",
            subject="Thank you",
            text="I enjoyed the talk about Kafka streams.",
        )
        return ids

    return session.change(add)


async def open_people(pilot: Pilot) -> PeopleScreen:
    await pilot.press("P")
    await until(pilot, "the People screen", lambda: isinstance(pilot.app.screen, PeopleScreen))
    return pilot.app.screen


async def test_people_lists_each_person_once_and_enter_with_one_card_shows_it(laptop) -> None:
    session = laptop.session()
    ids = people_board(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        board = app.screen
        people = await open_people(pilot)
        names = [p.name for p in people.rows]
        assert names == [
            "Ann Lee",
            "Bill Lumbergh",
            "jobs@initech.example",
            "Rita Recruiter",
            "Zoë Martín",
        ]
        rita = people.rows[3]
        assert set(rita.card_ids) == {ids["Acme"], ids["Globex"]}  # one person, two cards
        people.query_one("#people-table", DataTable).move_cursor(row=0)
        await pilot.press("enter")  # Ann Lee: one card, straight to it
        await until(pilot, "the board", lambda: app.screen is board)
        assert board.focused_card is not None and board.focused_card.id == ids["Acme"]


async def test_enter_on_a_person_of_several_cards_lists_them_and_enter_picks_one(laptop) -> None:
    session = laptop.session()
    ids = people_board(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        board = app.screen
        people = await open_people(pilot)
        people.query_one("#people-table", DataTable).move_cursor(row=3)  # Rita
        await pilot.press("enter")
        cards = people.query_one("#people-cards", OptionList)
        await until(pilot, "her cards focused", lambda: cards.has_focus)
        assert [cards.get_option_at_index(i).id for i in range(cards.option_count)] == [
            ids["Acme"],
            ids["Globex"],
        ]
        await pilot.press("down", "enter")
        await until(pilot, "the board", lambda: app.screen is board)
        assert board.focused_card is not None and board.focused_card.id == ids["Globex"]


async def test_the_filter_finds_people_by_name_company_or_email_whatever_the_accents(
    laptop,
) -> None:
    session = laptop.session()
    people_board(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        people = await open_people(pilot)
        for typed, expected in (
            ("societe", ["Zoë Martín"]),
            ("zoe", ["Zoë Martín"]),
            ("hire.example", ["Rita Recruiter"]),
            ("globex", ["Rita Recruiter"]),
        ):
            await pilot.press("slash")
            field = people.query_one("#people-filter")
            field.value = ""
            await pilot.press(*typed)
            await until(
                pilot,
                f"people matching {typed}",
                lambda e=expected: [p.name for p in people.rows] == e,
            )
            await pilot.press("enter")  # back to the table
        await pilot.press("slash")
        people.query_one("#people-filter").value = "nobody at all"
        await until(pilot, "no one", lambda: people.rows == [])
        assert people.query_one("#people-empty", Static).display
        await pilot.press("escape", "escape")  # out of the filter, then back to the board
        await until(pilot, "the board", lambda: isinstance(app.screen, BoardScreen))


async def test_the_board_search_finds_a_note_sent_and_the_card_says_where(laptop) -> None:
    session = laptop.session()
    ids = people_board(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        board = app.screen
        await pilot.press("slash", *"KAFKA", "enter")
        await until(pilot, "one card", lambda: board.lists.count("interviewed") == 1)
        assert board.focused_card is not None and board.focused_card.id == ids["Globex"]
        await pilot.press("enter")
        await until(pilot, "the card", lambda: isinstance(app.screen, CardDetailScreen))
        found = str(app.screen.query_one("#detail-found", Static).render())
        assert "Found “KAFKA” in note sent" in found
        await pilot.press("escape")
        await until(pilot, "the board", lambda: app.screen is board)
        await pilot.press("escape")  # the search off: every card again
        await until(pilot, "every card", lambda: board.lists.count("interviewed") == 4)
        await pilot.press("slash", *"societe", "enter")  # accents do not matter either
        await until(pilot, "one card", lambda: board.lists.count("interviewed") == 1)
        assert board.focused_card is not None and board.focused_card.id == ids["Société Générale"]


def test_people_snapshot(snap_compare, laptop) -> None:
    session = laptop.session()
    people_board(session)
    app = make_app(session)
    assert snap_compare(app, press=["P"], terminal_size=SIZE)


def test_a_card_opened_from_a_search_marks_the_match_snapshot(snap_compare, laptop) -> None:
    session = laptop.session()
    people_board(session)
    app = make_app(session)
    assert snap_compare(app, press=["slash", *"kafka", "enter", "enter"], terminal_size=SIZE)
