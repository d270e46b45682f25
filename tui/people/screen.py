"""People (`P` on the board, or "People" in the palette): everyone on the cards, once each.

The table lists each interviewer and contact with their titles, companies, how many cards they
are on and the last contact (store/cards/people.py decides who is one person, as `followup-tui
people` does). The filter finds people by name, company, email or title; below the table, the
cards of the person highlighted. Enter on a person with one card goes back to the board on that
card; with several, it moves to their cards, where enter picks one. The screen returns the id
of the card to show (None: just back).

This screen must never change the board: it reads `session.board` and nothing else.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Input, OptionList, Static
from textual.widgets.option_list import Option

from store.cards.people import Appearance, Person, matching, people
from store.notes.due import local
from store.untrusted import one_line
from tui.context import AppContext
from tui.widgets.fitting_footer import FittingFooter

# The address last: the longest, and the one to lose first on a narrow terminal.
COLUMNS: tuple[str, ...] = ("Name", "Title", "Companies", "Cards", "Last contact", "Email")


class PeopleScreen(Screen[str | None]):
    """Returns the id of the card to show on the board (enter), or None."""

    CSS_PATH = "people.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_person", "Their cards", id="people-open", show=False),
        Binding(
            "slash", "filter", "Filter", id="people-filter", tooltip="Find people by name, company"
        ),
        Binding(
            "escape", "back", "Back", id="people-back", tooltip="Back (from the filter, the list)"
        ),
        Binding("P,q", "close", "Board", id="people-close", tooltip="Back to the board"),
    ]

    def __init__(self, context: AppContext) -> None:
        super().__init__(id="people")
        self.context = context
        self.session = context.session
        self.now = context.now
        self.everyone: list[Person] = []
        self.rows: list[Person] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="people-body"):
            yield Static(id="people-title")
            field = Input(placeholder="Filter by name, company or email", id="people-filter")
            field.cursor_blink = self.context.cursor_blink
            yield field
            table: DataTable[str] = DataTable(id="people-table", cursor_type="row")
            table.add_columns(*COLUMNS)
            yield table
            yield Static(id="people-empty")
            yield Static(id="people-cards-title")
            yield OptionList(id="people-cards", compact=True)
        yield FittingFooter()

    def on_mount(self) -> None:
        self.show()
        self.query_one("#people-table", DataTable).focus()

    # --- showing ------------------------------------------------------------------------------

    def show(self) -> None:
        """Read the people from the board again, keeping the highlight on the same person."""
        self.everyone = people(self.session.board.all(), self.now())
        self._fill()

    def _fill(self) -> None:
        table = self.query_one("#people-table", DataTable)
        kept = self.highlighted
        text = self.query_one("#people-filter", Input).value
        self.rows = matching(self.everyone, text) if text.strip() else list(self.everyone)
        table.clear()
        for person in self.rows:
            table.add_row(*self._cells(person), key=person.key)
        keys = [p.key for p in self.rows]
        if self.rows:
            table.move_cursor(row=keys.index(kept.key) if kept and kept.key in keys else 0)
        table.display = bool(self.rows)
        cards = len({card_id for p in self.everyone for card_id in p.card_ids})
        count = len(self.everyone)
        shown = f"{len(self.rows)} of {count}" if text.strip() else str(count)
        said = f"{shown} {'person' if count == 1 else 'people'} on {cards} card" + (
            "s" if cards != 1 else ""
        )
        self.query_one("#people-title", Static).update(
            Content.assemble(("People", "bold"), "  ", (said, "$text-muted"))
        )
        empty = self.query_one("#people-empty", Static)
        empty.display = not self.rows
        empty.update(
            "Nobody matches the filter."
            if self.everyone
            else "No people yet: the interviewers and contacts of your cards are listed here."
        )
        self._show_cards()

    def _cells(self, person: Person) -> tuple[str, ...]:
        when = person.last_contact
        return (
            one_line(person.name),
            one_line(", ".join(person.titles)) or "—",
            one_line(", ".join(person.companies)),
            str(len(person.card_ids)),
            local(when, self.context.tz).strftime("%Y-%m-%d") if when else "—",
            one_line(person.email) or "—",
        )

    @property
    def highlighted(self) -> Person | None:
        table = self.query_one("#people-table", DataTable)
        if self.rows and 0 <= table.cursor_row < len(self.rows):
            return self.rows[table.cursor_row]
        return None

    def _show_cards(self) -> None:
        person = self.highlighted
        options = self.query_one("#people-cards", OptionList)
        options.clear_options()
        title = self.query_one("#people-cards-title", Static)
        title.display = options.display = person is not None
        if person is None:
            return
        title.update(Content(f"Cards of {one_line(person.name)}  (enter on one shows it)"))
        options.add_options(
            [
                Option(Content(self._card_text(seen)), id=seen.card.id)
                for seen in self._cards(person)
            ]
        )
        options.highlighted = 0

    @staticmethod
    def _cards(person: Person) -> list[Appearance]:
        """One line per card (a person both interviewer and contact on one card is one line)."""
        lines: dict[str, Appearance] = {}
        for seen in person.appearances:
            lines.setdefault(seen.card.id, seen)
        return list(lines.values())

    @staticmethod
    def _card_text(seen: Appearance) -> str:
        card = seen.card
        what = f"{card.company} — {card.role}" if card.role else card.company
        return one_line(f"{what}  ·  {seen.role}  ·  {card.stage}")

    def cards_changed(self, card_ids: set[str]) -> None:
        """The board changed underneath (a merge from another laptop): list it as it is now."""
        self.show()

    # --- acting -------------------------------------------------------------------------------

    @on(Input.Changed, "#people-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._fill()

    @on(Input.Submitted, "#people-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#people-table", DataTable).focus()

    @on(DataTable.RowHighlighted, "#people-table")
    def _person_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_cards()

    @on(DataTable.RowSelected, "#people-table")
    def _person_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_person()

    @on(OptionList.OptionSelected, "#people-cards")
    def _card_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_person":
            return True if self.rows else None
        if action == "filter":  # not while typing in it
            return not self.query_one("#people-filter", Input).has_focus
        return True

    def action_open_person(self) -> None:
        """One card: show it on the board. Several: go to the list of them."""
        person = self.highlighted
        if person is None:
            return
        cards = self._cards(person)
        if len(cards) == 1:
            self.dismiss(cards[0].card.id)
            return
        options = self.query_one("#people-cards", OptionList)
        options.focus()
        options.highlighted = 0

    def action_filter(self) -> None:
        self.query_one("#people-filter", Input).focus()

    def action_back(self) -> None:
        """Esc steps back: from the filter or the cards to the table, from the table out."""
        table = self.query_one("#people-table", DataTable)
        if table.has_focus or not self.rows:
            self.dismiss(None)
            return
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
