"""A yes-or-no question about a letter: "Send it now with msmtp?", "Did the note go out?".

A modal that only answers (y / n; esc is no); the screen that asked acts on the answer.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static


class AskScreen(ModalScreen[bool]):
    """Returns True for yes, False for no (or esc)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="ask-yes", tooltip="Yes"),
        Binding("n,escape", "answer(False)", "No", id="ask-no", tooltip="No"),
    ]

    def __init__(self, question: str, detail: str, yes: str, no: str) -> None:
        super().__init__(classes="ask")
        self.question = question
        self.detail = detail
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self.question), classes="dialog-title")
            if self.detail:
                yield Static(Content(self.detail), classes="dialog-text")
            yield Static(
                Content.assemble(("y", "bold"), f"  {self.yes}\n", ("n", "bold"), f"  {self.no}"),
                classes="dialog-text",
            )
            yield Label("esc is no", classes="dialog-hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
