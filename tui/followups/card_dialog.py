"""The frame of a small dialog about one card, opened from the board, the card's screen or
Today: the employer answered, a next round, what a rejection taught. It knows which card and
the app's context; each dialog adds its fields and what it records.

A dialog returns what it did (the card id, "reply", None when cancelled); whoever opened it
repaints. Must never write the vault other than through `AppContext.change` (so it can be
undone).
"""

from __future__ import annotations

from typing import ClassVar

from textual.screen import ModalScreen

from store.cards.model import Card
from tui.context import AppContext


class CardDialog(ModalScreen[str | None]):
    """A dialog about the card `card_id`; `DIALOG_ID` is its screen id (for the stylesheet and
    tests)."""

    DIALOG_ID: ClassVar[str]

    def __init__(self, context: AppContext, card_id: str) -> None:
        super().__init__(id=self.DIALOG_ID)
        self.context = context
        self.card_id = card_id

    @property
    def card(self) -> Card:
        """The card as it is now (a merge may have changed it since the dialog opened)."""
        return self.context.session.board.card(self.card_id)
