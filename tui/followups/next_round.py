"""A next interview round (`r` on the board or the card): when it is, what it is called and how
long it lasts (an hour unless said); the card goes back to interviewed, so that round's own
thank-you comes due after its end. The same as `followup-tui round`.

A modal that returns the card id when it recorded the round (None: cancelled). The date is read
by the one date parser (`store.cards.fields`); a bad one is a line in the dialog with the
field focused, and nothing typed is lost. Must never write the vault other than through
`AppContext.change` (so it can be undone).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from store.cards.fields import field_value
from store.errors import BadValue, FollowupError
from store.notes.flow import record_round
from tui.followups.card_dialog import CardDialog
from tui.widgets.setup_row import setup_input, setup_row


class NextRoundScreen(CardDialog):
    DIALOG_ID = "next-round"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="round-save", tooltip="Record the next round"),
        Binding("escape", "cancel", "Cancel", id="round-cancel", tooltip="Leave the card as it is"),
    ]

    def compose(self) -> ComposeResult:
        card = self.card
        with Vertical(classes="dialog"):
            yield Label(f"Next round with {card.company}", classes="dialog-title", markup=False)
            blink = self.context.cursor_blink
            when = setup_input(
                blink, id="round-at", placeholder="e.g. 2026-03-18 10:00, tomorrow 14:00"
            )
            yield setup_row("When", when)
            name = setup_input(
                blink, id="round-name", placeholder="second, on-site, final… (optional)"
            )
            yield setup_row("Round", name)
            length = setup_input(
                blink, id="round-duration", placeholder="1 h (the default), 45 min, 3h"
            )
            yield setup_row("Length", length)
            yield Static("", id="round-error", classes="form-error", markup=False)
            yield Label(
                "enter saves · esc cancels · the card goes back to interviewed",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#round-error").display = False
        self.query_one("#round-at").focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "round-at" and not self.query_one("#round-name", Input).value:
            self.query_one("#round-name").focus()
            return
        self.action_save()

    def action_save(self) -> None:
        at_field = self.query_one("#round-at", Input)
        length_field = self.query_one("#round-duration", Input)
        name = self.query_one("#round-name", Input).value.strip()
        bad = at_field
        try:
            if not at_field.value.strip():
                raise BadValue("When is the next interview? e.g. 2026-03-18 10:00.")
            order = self.context.config.date_reading
            when = field_value("interviewed_at", at_field.value, self.context.now(), order=order)
            bad = length_field
            length = field_value("duration", length_field.value)
            bad = at_field
            moved = self.context.change(
                lambda board: record_round(board, self.card_id, when, name or None, duration=length)
            )
        except FollowupError as exc:
            error = self.query_one("#round-error", Static)
            error.update(str(exc))
            error.display = True
            bad.focus()
            return
        label = f"{name} round" if name else "Next round"
        self.notify(
            f"{label} on {when.astimezone():%a %d %b %H:%M}: {moved.company} is back to "
            "interviewed; its thank-you comes due after it.",
            title="Next round",
        )
        self.dismiss(self.card_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
