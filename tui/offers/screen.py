"""Offers (`O` on the board, or "Offers" in the palette): the open and recent offers side by side.

Base, currency, bonus, equity, start, the day to answer by and the days left, soonest deadline
first (store/cards/offers.py decides which and in what order, as `followup-tui offers` does).
No currency conversion: each amount is shown in its own currency. Enter goes back to the board
with the focus on that offer's card: the screen returns the card's id (None: just back).

This screen must never change the board: it reads `session.board` and nothing else.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Static

from store.cards.offers import OfferRow, offer_rows
from store.notes.due import local
from store.untrusted import one_line
from tui.context import AppContext
from tui.widgets.fitting_footer import FittingFooter

COLUMNS: tuple[str, ...] = (
    "Company",
    "Base",
    "Bonus",
    "Equity",
    "Start",
    "Answer by",
    "Left",
    "Status",
)


def row_cells(row: OfferRow, colours: dict[str, str]) -> tuple[str | Text, ...]:
    """One offer as table cells; a deadline passed (or two days away) in the error (warning)
    colour of the theme. Plain text and `rich` Text: the table measures those to size columns."""
    card, offer = row.card, row.offer
    what = f"{card.company} — {card.role}" if card.role else card.company
    days = row.days_left
    colour = (
        colours.get("text-muted", "")
        if not row.open or days is None
        else colours.get("error", "")
        if days < 0
        else colours.get("warning", "")
        if days <= 2
        else ""
    )
    return (
        one_line(what),
        offer.salary_text() or "—",
        one_line(offer.bonus) or "—",
        one_line(offer.equity) or "—",
        offer.start.isoformat() if offer.start else "—",
        offer.answer_by.isoformat() if offer.answer_by else "—",
        Text(row.days_text(), style=f"bold {colour}".strip() if colour else ""),
        Text(row.status(), style=colours.get("text-muted", "") if not row.open else ""),
    )


class OffersScreen(Screen[str | None]):
    """Returns the id of the card to show on the board (enter), or None."""

    CSS_PATH = "offers.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "show_card", "Card", id="offers-show", tooltip="Show it on the board"),
        Binding("a", "toggle_all", "All", id="offers-all", tooltip="Older closed offers too"),
        Binding("escape,O,q", "close", "Board", id="offers-close", tooltip="Back to the board"),
    ]

    def __init__(self, context: AppContext) -> None:
        super().__init__(id="offers")
        self.context = context
        self.session = context.session
        self.now = context.now
        self.everything = False
        self.rows: list[OfferRow] = []
        self._shown_version = -1

    def compose(self) -> ComposeResult:
        with Vertical(id="offers-body"):
            yield Static(id="offers-title")
            table: DataTable[str | Text] = DataTable(id="offers-table", cursor_type="row")
            table.add_columns(*COLUMNS)
            yield table
            yield Static(id="offers-empty")
            yield Static(
                "Amounts are as each employer gave them: no currency is converted.",
                id="offers-note",
            )
        yield FittingFooter()

    def on_mount(self) -> None:
        self.show()
        self.query_one("#offers-table", DataTable).focus()
        self.set_interval(1.0, self._follow_board)

    def show(self) -> None:
        now = self.now()
        today = local(now, self.context.tz).date()
        self.rows = offer_rows(self.session.board.all(), today, self.everything)
        self._shown_version = self.session.board.version
        table = self.query_one("#offers-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for row in self.rows:
            table.add_row(*row_cells(row, self.app.theme_variables), key=row.card.id)
        if self.rows:
            table.move_cursor(row=min(keep, len(self.rows) - 1))
        open_count = sum(1 for r in self.rows if r.open)
        scope = "every offer" if self.everything else "open and recent"
        self.query_one("#offers-title", Static).update(
            Content.assemble(
                ("Offers", "bold"),
                "  ",
                (
                    f"{open_count} open, {len(self.rows) - open_count} closed · {scope}",
                    "$text-muted",
                ),
            )
        )
        empty = self.query_one("#offers-empty", Static)
        empty.display = not self.rows
        empty.update(
            "No offers yet. When one comes, e on its card sets the base, currency and the day "
            "to answer by."
        )
        table.display = bool(self.rows)

    def _follow_board(self) -> None:
        if self.session.board.version != self._shown_version:
            self.show()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_card":
            return True if self.rows else None
        return True

    @on(DataTable.RowSelected, "#offers-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_show_card()

    def action_show_card(self) -> None:
        table = self.query_one("#offers-table", DataTable)
        if self.rows and 0 <= table.cursor_row < len(self.rows):
            self.dismiss(self.rows[table.cursor_row].card.id)

    def action_toggle_all(self) -> None:
        self.everything = not self.everything
        self.show()

    def action_close(self) -> None:
        self.dismiss(None)
