"""The trash (`T` on the board): every deleted card, the most recently deleted first; enter
brings the highlighted one back to the stage it was in. The same as `followup-tui restore`.

Nothing is ever deleted for good here (a deleted card is a stamped tombstone every laptop
keeps). Restoring is a change like any other: `u` on the board undoes it. The screen stays open
to restore more and returns the ids it restored, for the board to repaint and focus.

Must never write the vault other than through `AppContext.change`.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static
from textual.widgets.option_list import Option

from store.cards.model import Card
from store.errors import FollowupError
from tui.board.card_face import days_since
from tui.context import AppContext
from tui.widgets.choice_list import ChoiceList
from tui.widgets.fitting_footer import FittingFooter


def deleted_at(card: Card) -> datetime | None:
    """When the card went to the trash (its last `deleted` event), if the timeline says."""
    moments = [e.at for e in card.timeline if e.kind == "deleted"]
    return max(moments) if moments else None


def _when_deleted(when: datetime | None, now: datetime) -> str:
    days = days_since(when, now)
    if days is None:
        return "deleted"
    if days <= 0:
        return "deleted today"
    return "deleted yesterday" if days == 1 else f"deleted {days} days ago"


class TrashScreen(Screen[list[str] | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,r", "restore", "Restore", id="trash-restore", tooltip="Bring the card back"),
        Binding("escape,T", "close", "Board", id="trash-close", tooltip="Back to the board"),
    ]

    def __init__(self, context: AppContext) -> None:
        super().__init__(id="trash")
        self.context = context
        self.cards: list[Card] = []
        self.restored: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="trash-body"):
            yield Static(id="trash-title", classes="detail-title")
            yield ChoiceList(id="trash-list")
            yield Static(id="trash-empty", classes="dialog-text")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.show_cards()
        self.query_one("#trash-list").focus()

    def cards_changed(self, card_ids: set[str]) -> None:
        """A merge may have deleted or restored cards on another laptop."""
        self.show_cards()

    def show_cards(self) -> None:
        now = self.context.now()
        board = self.context.session.board
        trashed = [card for card in board.all(include_deleted=True) if card.deleted]
        never = datetime.min.replace(tzinfo=now.tzinfo)
        trashed.sort(key=lambda c: deleted_at(c) or never, reverse=True)
        self.cards = trashed
        options = self.query_one("#trash-list", ChoiceList)
        highlighted = options.highlighted or 0
        options.clear_options()
        for card in trashed:
            what = f"{card.company} — {card.role}" if card.role else card.company
            ago = _when_deleted(deleted_at(card), now)
            options.add_option(
                Option(
                    Content.assemble(
                        (f"{what:<44} ", "$text"),
                        (f"{card.stage:<12} ", "$text-muted"),
                        (ago, "$text-muted"),
                    ),
                    id=card.id,
                )
            )
        count = len(trashed)
        self.query_one("#trash-title", Static).update(
            Content.assemble(
                ("Trash", "bold"),
                f"  {count} card" + ("" if count == 1 else "s"),
            )
        )
        empty = self.query_one("#trash-empty", Static)
        empty.display = not trashed
        empty.update("The trash is empty: d on the board puts a card here, and u takes it back.")
        options.display = bool(trashed)
        if trashed:
            options.highlighted = min(highlighted, count - 1)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "restore":
            return bool(self.cards)
        return True

    @on(ChoiceList.OptionSelected, "#trash-list")
    def _selected(self) -> None:
        self.action_restore()

    def action_restore(self) -> None:
        index = self.query_one("#trash-list", ChoiceList).highlighted
        if index is None or not 0 <= index < len(self.cards):
            return
        card = self.cards[index]
        try:
            self.context.change(lambda board: board.restore(card.id))
        except FollowupError as exc:
            self.notify(str(exc), title="Not restored", severity="error", timeout=8)
            return
        self.restored.append(card.id)
        self.notify(f"{card.company} is back in {card.stage}.", title="Restored", markup=False)
        self.show_cards()

    def action_close(self) -> None:
        self.dismiss(self.restored or None)
