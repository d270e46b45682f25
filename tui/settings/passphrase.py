"""A new passphrase for the vault (`K` on the board), as `followup-tui passwd` does it: the
current one first, then the new one twice, with the same strength hint as the first run.

The store changes it (`Vault.change_passphrase`, which also gives what is written from now on a
new key); this screen only asks. The current passphrase is checked, and the new one's key derived,
on a worker thread (the key derivation is slow on purpose); the change itself is written on
the app's thread, since the open session writes with that vault, and not at all once escape
closed the dialog. Must never keep, log or write a passphrase anywhere.
"""

from __future__ import annotations

import os
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, LoadingIndicator, Static

from store.errors import FollowupError, WrongPassphrase
from store.vault.crypto import Vault
from store.vault.opened import NewPassphrase
from tui.context import AppContext
from tui.opening.first_run import passphrase_strength
from tui.widgets.setup_row import setup_input, setup_row

DIFFER = "The two new passphrases differ: type the second again."


class PassphraseScreen(ModalScreen[bool]):
    """Returns True when the passphrase was changed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="passphrase-cancel", tooltip="Keep it as it is"),
    ]

    def __init__(self, context: AppContext) -> None:
        super().__init__(id="change-passphrase")
        self.context = context
        self._error = ""  # what the error line says now
        self._cancelled = False

    def compose(self) -> ComposeResult:
        def field(name: str, placeholder: str = "") -> Input:
            blink = self.context.cursor_blink
            return setup_input(blink, password=True, placeholder=placeholder, id=name)

        with Vertical(classes="dialog", id="passphrase-dialog"):
            yield Label("Change the vault's passphrase", classes="dialog-title")
            yield Static(
                "Every laptop of this vault then unlocks with the new one, and what is written "
                "from now on uses a new key.",
                classes="dialog-text",
            )
            yield setup_row("Current", field("current-passphrase"))
            yield setup_row("New", field("new-passphrase", "a few random words"))
            yield setup_row("", Static("", id="new-strength", classes="setup-hint"))
            yield setup_row("Again", field("again-passphrase"))
            yield Static("", id="passphrase-error", classes="form-error", markup=False)
            yield LoadingIndicator(id="changing")
            yield Label("enter goes on · esc keeps the passphrase", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#changing").display = False
        self.query_one("#passphrase-error").display = False
        self.query_one("#current-passphrase").focus()

    def _value(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value

    @on(Input.Changed, "#new-passphrase")
    def _new_typed(self, event: Input.Changed) -> None:
        word, advice = passphrase_strength(event.value)
        self.query_one("#new-strength", Static).update(f"[b]{word}[/b]: {advice}" if word else "")
        self._clear_stale_differ()

    @on(Input.Changed, "#again-passphrase")
    def _again_typed(self) -> None:
        self._clear_stale_differ()

    def _clear_stale_differ(self) -> None:
        """ "They differ" goes as soon as they no longer do."""
        if self._error == DIFFER and self._value("new-passphrase") == self._value(
            "again-passphrase"
        ):
            self.show_error("")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        order = ["current-passphrase", "new-passphrase", "again-passphrase"]
        name = event.input.id or ""
        if name in order[:-1] and not self._value(order[order.index(name) + 1]):
            self.query_one(f"#{order[order.index(name) + 1]}").focus()
            return
        self.submit()

    def submit(self) -> None:
        current, new = self._value("current-passphrase"), self._value("new-passphrase")
        if not current:
            self.show_error("Type the current passphrase.", "current-passphrase")
            return
        if not new:
            self.show_error("Type a new passphrase.", "new-passphrase")
            return
        if new != self._value("again-passphrase"):
            self.show_error(DIFFER, "again-passphrase")
            return
        if new == current:
            self.show_error("That is the passphrase it has now: type a new one.", "new-passphrase")
            return
        self.show_error("")
        self.query_one("#changing").display = True
        for name in ("current-passphrase", "new-passphrase", "again-passphrase"):
            self.query_one(f"#{name}", Input).disabled = True
        self.check_current(current, new)

    @work(thread=True, exclusive=True, group="passphrase")
    def check_current(self, current: str, new: str) -> None:
        """Both derivations (the current passphrase checked, the new one's key) run here, so
        the app's thread stays free: keys typed meanwhile reach this dialog, not the board."""
        app, vault = self.app, self.context.session.vault  # (no `self.app` once closed)
        try:
            Vault.unlock(vault.path, current)
        except WrongPassphrase:
            app.call_from_thread(
                self.failed, "That is not the current passphrase.", "current-passphrase"
            )
            return
        except FollowupError as exc:
            app.call_from_thread(self.failed, str(exc), "current-passphrase")
            return
        try:
            prepared = vault.prepare_passphrase(new)
        except FollowupError as exc:
            app.call_from_thread(self.failed, f"Not changed: {exc}", "new-passphrase")
            return
        app.call_from_thread(self.change, prepared)

    def change(self, prepared: NewPassphrase) -> None:
        """On the app's thread: the open session writes with this vault from now on. Not after
        escape: the dialog closed on "keep the passphrase", so nothing is written."""
        if self._cancelled:
            return
        try:
            self.context.session.vault.apply_passphrase(prepared)
        except (FollowupError, OSError) as exc:
            self.failed(f"Not changed: {getattr(exc, 'strerror', None) or exc}", "new-passphrase")
            return
        given = [
            n for n in ("FOLLOWUP_PASSWORD_FILE", "FOLLOWUP_PASSWORD_COMMAND") if os.environ.get(n)
        ]
        text = "The other laptops unlock with the new one from now on."
        if given:
            text += f" {given[0]} still gives the old one: update it before the next start."
        self.notify(text, title="Passphrase changed", timeout=12 if given else 6)
        self.dismiss(True)

    def failed(self, message: str, field: str) -> None:
        if self._cancelled:
            return  # closed meanwhile: nothing to say it on
        self.query_one("#changing").display = False
        for name in ("current-passphrase", "new-passphrase", "again-passphrase"):
            self.query_one(f"#{name}", Input).disabled = False
        self.show_error(message, field)

    def show_error(self, message: str, field: str | None = None) -> None:
        self._error = message
        error = self.query_one("#passphrase-error", Static)
        error.update(message)
        error.display = bool(message)
        if field is not None:
            widget = self.query_one(f"#{field}", Input)
            if field == "again-passphrase":
                widget.value = ""
            widget.focus()

    def action_cancel(self) -> None:
        self._cancelled = True  # a check still running changes nothing when it ends
        self.dismiss(False)
