"""Closing a card: which way did it end? (offer, rejected, withdrew, no answer).

A modal that only answers the question; the board makes the move. Escape closes nothing.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label
from textual.widgets.option_list import Option

from store.cards.model import Card
from store.cards.stages import OUTCOME_SENTENCES, OUTCOME_WORDS, OUTCOMES
from tui.widgets.choice_list import ChoiceList


class CloseOutcomeScreen(ModalScreen[str | None]):
    """Returns the chosen outcome, or None when the user backs out."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel-close"),
        *(
            Binding(str(n), f"pick({n})", OUTCOME_WORDS[o], id=f"outcome-{o}", show=False)
            for n, o in enumerate(OUTCOMES, start=1)
        ),
    ]

    def __init__(
        self, what: Card | str, plural: bool = False, suggested: str | None = None
    ) -> None:
        super().__init__(id="close-outcome")
        self.what = what.company if isinstance(what, Card) else what  # a company, "3 cards"
        self.plural = plural
        self.suggested = suggested  # the outcome highlighted first (enter picks it)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            question = "how did they end?" if self.plural else "how did it end?"
            yield Label(f"Close {self.what}: {question}", classes="dialog-title", markup=False)
            yield ChoiceList(
                *(
                    Option(f"{n}  {OUTCOME_SENTENCES[o]}", id=o)
                    for n, o in enumerate(OUTCOMES, start=1)
                ),
                id="outcomes",
            )
            yield Label(
                "enter picks · esc keeps "
                + ("them where they are" if self.plural else "the card where it is"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        options = self.query_one("#outcomes", ChoiceList)
        options.highlighted = OUTCOMES.index(self.suggested) if self.suggested in OUTCOMES else 0
        options.focus()

    @on(ChoiceList.OptionSelected, "#outcomes")
    def _selected(self, event: ChoiceList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_pick(self, number: int) -> None:
        if 1 <= number <= len(OUTCOMES):
            self.dismiss(OUTCOMES[number - 1])

    def action_cancel(self) -> None:
        self.dismiss(None)
