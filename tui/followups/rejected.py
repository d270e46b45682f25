"""Closing a card as rejected: what I learned (kept on the card), and the offer of a reply.

A modal the board opens right after the move. It returns "reply" when the user wants to write
the rejection reply now (the board then opens compose on it), "saved" or None; it never opens
compose itself. Must never write the vault other than through `AppContext.change` (so
it can be undone).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, Static, TextArea

from store.errors import FollowupError
from store.notes.flow import record_learned
from tui.followups.card_dialog import CardDialog


class RejectedScreen(CardDialog):
    """After closing as rejected: what I learned (kept on the card) and the reply.

    Returns "reply" when the user wants to write the rejection reply now, "saved" or None.
    """

    DIALOG_ID = "rejected"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reply", "Save and reply", id="rejected-reply"),
        Binding("ctrl+s", "save", "Save", id="rejected-save"),
        Binding("escape", "skip", "Skip", id="rejected-skip"),
    ]

    def compose(self) -> ComposeResult:
        card = self.card
        with Vertical(classes="dialog"):
            yield Label(f"{card.company} said no. That stings.", classes="dialog-title")
            yield Static(
                "Thank them and ask for feedback: a gracious reply keeps the door open. "
                "And while it is fresh: what did you learn? (kept on the card)",
                classes="dialog-text",
            )
            yield TextArea(id="rejected-learned", soft_wrap=True)
            yield Label(
                "ctrl+r saves and writes the reply · ctrl+s saves · esc skips",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        area = self.query_one("#rejected-learned", TextArea)
        area.styles.height = 6
        area.focus()

    def _save(self) -> bool:
        text = self.query_one("#rejected-learned", TextArea).text
        if not text.strip():
            return True
        try:
            self.context.change(lambda board: record_learned(board, self.card_id, text))
        except FollowupError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=8)
            return False
        return True

    def action_reply(self) -> None:
        if self._save():
            self.dismiss("reply")

    def action_save(self) -> None:
        if self._save():
            self.dismiss("saved")

    def action_skip(self) -> None:
        self.dismiss(None)
