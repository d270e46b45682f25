"""The employer answered (`a` on the board or on Today): what they said, and a new date they
promised an answer by. Recording it stops the follow-up clock until the user writes again.

A modal that returns the card id when it recorded the answer (None: cancelled); whoever opened
it repaints. Must never write the vault other than through `AppContext.change` (so it can
be undone).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, Static

from store.cards.dates import parse_day
from store.errors import FollowupError
from store.notes.flow import record_answer
from tui.followups.card_dialog import CardDialog


class AnsweredScreen(CardDialog):
    """Record an answer (and a new promised date); returns the card id when recorded."""

    DIALOG_ID = "answered"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="answered-cancel"),
        Binding("ctrl+s", "save", "Save", id="answered-save"),
    ]

    def compose(self) -> ComposeResult:
        card = self.card
        with Vertical(classes="dialog"):
            yield Label(f"{card.company} answered", classes="dialog-title")
            yield Label("What did they say? (optional)", classes="dialog-text")
            yield Input(id="answered-note", placeholder="e.g. still deciding, back to me next week")
            yield Label(
                "A new date they promised an answer by (optional)",
                classes="dialog-text",
                id="answered-promised-label",
            )
            yield Input(
                id="answered-promised", placeholder="e.g. 2026-03-20, next friday, in 7 days"
            )
            yield Static(id="answered-error", classes="dialog-text")
            yield Label(
                "enter saves · esc cancels · this stops the follow-up clock",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#answered-error", Static).display = False
        self.query_one("#answered-note", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "answered-note":
            self.query_one("#answered-promised", Input).focus()
        else:
            self.action_save()

    def action_save(self) -> None:
        note = self.query_one("#answered-note", Input).value
        promised_text = self.query_one("#answered-promised", Input).value.strip()
        error = self.query_one("#answered-error", Static)
        try:
            order = self.context.config.date_reading
            promised = parse_day(promised_text, order=order) if promised_text else None
            self.context.change(
                lambda board: record_answer(board, self.card_id, note, promised_by=promised)
            )
        except FollowupError as exc:
            error.display = True
            error.update(Content.styled(str(exc), "$error"))
            return
        self.notify("The follow-up clock stops until you write again.", title="Answer recorded")
        self.dismiss(self.card_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
