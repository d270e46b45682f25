"""Offers (`O` on the board, or "Offers" in the palette): the open and recent offers side by side.

Base, currency, bonus, equity, start, the day to answer by and the days left, soonest deadline
first (store/cards/offers.py decides which and in what order, as `followup-tui offers` does).
No currency conversion: each amount is shown in its own currency. Enter goes back to the board
with the focus on that offer's card: the screen returns the card's id (None: just back).

Every column fits the window, sideways scrolling never hides the deadline: the company (and
role) column takes what the others leave and is cut with "…", a bonus or equity longer than
`MAX_TERMS` is cut, and where even that is too wide (80 columns) the columns a decision needs
least go, Start first, then Equity, then Bonus (`fit_columns`); a line under the table names
what a wider window would show. The card itself has them all.

This screen must never change the board: it reads `session.board` and nothing else.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.events import Resize
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
COMPANY = 0
OPTIONAL: tuple[str, ...] = ("Start", "Equity", "Bonus")  # left out first when it is narrow
MIN_COMPANY = 20  # cells the company keeps before a column is left out for it
MAX_COMPANY = 40
MAX_TERMS = 16  # a bonus or equity: "10% target", "0.1% / 4 years"
PADDING = 2  # the table's cell padding, one cell each side
ROOM_AROUND = 4 + 2  # the screen's padding, and a scrollbar when the offers are many
NOTE = "Amounts are as each employer gave them: no currency is converted."


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
        cut(one_line(offer.bonus), MAX_TERMS) or "—",
        cut(one_line(offer.equity), MAX_TERMS) or "—",
        offer.start.isoformat() if offer.start else "—",
        offer.answer_by.isoformat() if offer.answer_by else "—",
        Text(row.days_text(), style=f"bold {colour}".strip() if colour else ""),
        Text(row.status(), style=colours.get("text-muted", "") if not row.open else ""),
    )


def cut(text: str, width: int) -> str:
    """`text` in at most `width` cells, the cut marked by "…"."""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, max(0, width - 1)).rstrip() + "…"


def _plain(cell: str | Text) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def fit_columns(rows: list[tuple[str | Text, ...]], room: int) -> tuple[list[int], int]:
    """(the columns shown, by index, and the company column's width) for a table `room` cells
    wide: every column as wide as its widest cell, the company whatever is left (at most
    `MAX_COMPANY`), and the `OPTIONAL` columns left out, in order, while the company would get
    fewer than `MIN_COMPANY` cells (or fewer than its longest name, when that is shorter)."""
    widths = [
        max(cell_len(name), *(cell_len(_plain(row[index])) for row in rows))
        for index, name in enumerate(COLUMNS)
    ]
    wanted = min(widths[COMPANY], MAX_COMPANY)
    shown = list(range(len(COLUMNS)))
    for leaving in (None, *OPTIONAL):
        if leaving is not None:
            shown.remove(COLUMNS.index(leaving))
        others = sum(widths[i] + PADDING for i in shown if i != COMPANY)
        company = room - others - PADDING
        if company >= min(wanted, MIN_COMPANY):
            break
    return shown, max(cell_len(COLUMNS[COMPANY]), min(company, wanted))


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
        self._layout = (0, 0)

    def compose(self) -> ComposeResult:
        with Vertical(id="offers-body"):
            yield Static(id="offers-title")
            yield DataTable(id="offers-table", cursor_type="row")
            yield Static(id="offers-empty")
            yield Static(NOTE, id="offers-note")
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
        rows = [row_cells(row, self.app.theme_variables) for row in self.rows]
        shown, company = fit_columns(rows, (self.size.width or self.app.size.width) - ROOM_AROUND)
        self._layout = (self.size.width, self.size.height)
        table.clear(columns=True)
        table.add_columns(*(COLUMNS[i] for i in shown))
        for row, cells in zip(self.rows, rows, strict=True):
            fitted = [cut(cells[i], company) if i == COMPANY else cells[i] for i in shown]
            table.add_row(*fitted, key=row.card.id)
        left_out = [COLUMNS[i].lower() for i in range(len(COLUMNS)) if i not in shown]
        self.query_one("#offers-note", Static).update(
            f"No currency is converted · a wider window shows {', '.join(left_out)}"
            if left_out and self.rows
            else NOTE
        )
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

    def on_resize(self, event: Resize) -> None:
        if self.is_mounted and (event.size.width, event.size.height) != self._layout:
            self.show()  # the columns that fit are the window's to say

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
