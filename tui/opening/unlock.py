"""Unlock: the passphrase prompt shown on every launch after the first.

Argon2id takes a noticeable moment (by design) and merging a big board takes another, so the
work runs in a thread worker while the screen stays responsive; the note templates are read on
another thread beside it. A wrong passphrase says so and the user simply types again. The
screen returns what it opened (`dismiss`): the app shows the board.

Must never keep, log or write the passphrase anywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, LoadingIndicator, Static

from store.errors import FollowupError, WrongPassphrase
from tui.context import AppContext
from tui.launch import TemplatesLoading, UnlockInAdvance, tilde, unlock_session
from tui.opened import OpenedVault


class UnlockScreen(Screen[OpenedVault]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "app.quit", "Quit", id="unlock-quit")
    ]

    def __init__(
        self,
        context: AppContext,
        path: Path,
        passphrase: str | None = None,
        error: str = "",
        advance: UnlockInAdvance | None = None,
        waiting: bool = False,
    ) -> None:
        super().__init__(id="unlock")
        self.context = context
        self.path = path
        self.config = context.config
        self.given = passphrase
        self.error = error
        self.advance = advance  # the unlock of `passphrase`, already under way
        # The app is opening the vault already (with the passphrase from the environment) and
        # dismisses this screen when it is open, or shows its error here to type another.
        self.waiting = waiting
        self.templates_loading: TemplatesLoading | None = None  # read beside the unlock

    def compose(self) -> ComposeResult:
        blink = self.context.cursor_blink
        with Vertical(classes="dialog", id="unlock-dialog"):
            yield Label("Unlock your board", classes="dialog-title")
            yield Static(f"Vault  {tilde(self.path)}", classes="dialog-hint", markup=False)
            field = Input(password=True, placeholder="Passphrase", id="passphrase")
            field.cursor_blink = blink
            yield field
            yield Static(self.error, id="unlock-error", classes="form-error", markup=False)
            yield LoadingIndicator(id="unlocking")
            yield Static(
                "enter unlocks · ctrl+q quits · FOLLOWUP_PASSWORD_FILE skips this screen",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#unlock-error").display = bool(self.error)
        if self.waiting:
            self.query_one("#passphrase", Input).disabled = True
            return
        self.templates_loading = TemplatesLoading(self.path)
        self.query_one("#unlocking").display = False
        if self.given is not None:
            self.start(self.given)
        else:
            self.query_one("#passphrase").focus()

    @on(Input.Submitted, "#passphrase")
    def _submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            self.show_error("Type the vault's passphrase.")
            return
        self.start(event.value)

    def start(self, passphrase: str) -> None:
        self.query_one("#passphrase", Input).disabled = True
        self.query_one("#unlocking").display = True
        self.query_one("#unlock-error").display = False
        advance, self.advance = self.advance, None  # once: a retry is typed, and unlocks anew
        if advance is not None and advance.passphrase != passphrase:
            advance = None
        self.unlock(passphrase, advance)

    @work(thread=True, exclusive=True, group="unlock")
    def unlock(self, passphrase: str, advance: UnlockInAdvance | None = None) -> None:
        try:
            session = unlock_session(self.path, passphrase, self.config, advance)
        except WrongPassphrase:
            self.app.call_from_thread(
                self.show_error, "Wrong passphrase: that is not this vault's passphrase. Try again."
            )
            return
        except FollowupError as exc:
            self.app.call_from_thread(self.show_error, str(exc))
            return
        loading = self.templates_loading
        templates = loading.result(session.vault.path) if loading is not None else None
        self.app.call_from_thread(self.dismiss, OpenedVault(session, templates))

    def show_error(self, message: str) -> None:
        self.waiting = False
        error = self.query_one("#unlock-error", Static)
        error.update(message)
        error.display = True
        self.query_one("#unlocking").display = False
        field = self.query_one("#passphrase", Input)
        field.disabled = False
        field.value = ""
        field.focus()
