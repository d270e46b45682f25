"""Tags for a card, or for every marked card at once (`#` on the board).

One card: its tags, to edit as a comma-separated line. Several: the tags to add to each
(`remote, python`), and `-tag` to take one off each; the tags they have now are listed. Tags are
read by the one list parser (`store.cards.fields.split_tags`). One save is one change, so one
undo takes back the tags of every card. Returns the ids of the cards it changed.

Must never write the vault other than through `AppContext.change`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from store.cards.board import Board
from store.cards.fields import split_tags
from store.errors import FollowupError
from tui.context import AppContext


def retagged(current: Iterable[str], typed: str, exact: bool) -> list[str]:
    """The tags a card gets: `typed` replaces them (`exact`, one card) or is added to them;
    a `-tag` takes that one off. Tags compare without case, and keep the first spelling."""
    words = split_tags(typed)
    remove = {w[1:].strip().lower() for w in words if w.startswith("-") and w[1:].strip()}
    result: list[str] = [] if exact else list(current)
    for word in words:
        if not word.startswith("-") and word.lower() not in {t.lower() for t in result}:
            result.append(word)
    return [t for t in result if t.lower() not in remove]


class TagScreen(ModalScreen[list[str] | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "cancel", "Cancel", id="tags-cancel", tooltip="Leave the tags as they are"
        ),
    ]

    def __init__(self, context: AppContext, card_ids: list[str]) -> None:
        super().__init__(id="tags")
        self.context = context
        self.card_ids = list(card_ids)

    @property
    def exact(self) -> bool:
        return len(self.card_ids) == 1

    def compose(self) -> ComposeResult:
        board = self.context.session.board
        cards = [board.card(card_id) for card_id in self.card_ids]
        with Vertical(classes="dialog"):
            if self.exact:
                yield Label(f"Tags of {cards[0].company}", classes="dialog-title", markup=False)
                yield Input(
                    ", ".join(cards[0].tags),
                    id="tags-typed",
                    placeholder="comma separated: remote, python",
                )
                hint = "enter saves · esc cancels · empty: no tags"
            else:
                yield Label(f"Tags of {len(cards)} cards", classes="dialog-title")
                counts = Counter(tag for card in cards for tag in card.tags)
                now = ", ".join(f"{tag} ({n})" for tag, n in counts.most_common()) or "none"
                yield Static(Content.assemble(("Now: ", "$text-muted"), now), classes="dialog-text")
                yield Input(id="tags-typed", placeholder="add: remote, python · take off: -onsite")
                hint = "enter saves · esc cancels · -tag takes one off every card"
            yield Static("", id="tags-error", classes="form-error", markup=False)
            yield Label(hint, classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#tags-error").display = False
        field = self.query_one("#tags-typed", Input)
        field.cursor_blink = self.context.cursor_blink
        field.focus()

    @on(Input.Submitted, "#tags-typed")
    def _submitted(self, event: Input.Submitted) -> None:
        typed = event.value
        exact = self.exact

        def write(board: Board) -> list[str]:
            changed = []
            for card_id in self.card_ids:
                card = board.card(card_id)
                tags = retagged(card.tags, typed, exact)
                if tags != list(card.tags):
                    board.edit(card_id, {"tags": tags})
                    changed.append(card_id)
            return changed

        try:
            changed = self.context.change(write)
        except FollowupError as exc:
            error = self.query_one("#tags-error", Static)
            error.update(str(exc))
            error.display = True
            return
        self.dismiss(changed or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
