"""Unlock: the passphrase prompt shown on every launch after the first.

Argon2id takes a noticeable moment (by design) and merging a big board takes another, so the
work runs in a thread worker while the screen stays responsive. A wrong passphrase says so
and the user simply types again.

Must never keep, log or write the passphrase anywhere.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, LoadingIndicator, Static

from store.config import Config
from store.errors import FollowupError, WrongPassphrase
from store.vault.crypto import Vault
from store.vault.session import Session
from tui.opening.first_run import tilde


@contextmanager
def long_lived_objects() -> Iterator[None]:
    """Opening a board makes a great many objects that live as long as the app.

    The cyclic garbage collector would walk them over and over while they are made (and
    after); pausing it, then freezing what was made, halves the time to open 10,000 cards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


if TYPE_CHECKING:
    from store.notes.templates import TemplateSet
    from tui.cli.context import UnlockInAdvance


def _folder_signature(folder: Path) -> tuple[tuple[str, int, int], ...] | None:
    """What the templates folder holds, cheaply: a name, size and mtime per entry."""
    try:
        with os.scandir(folder) as entries:
            return tuple(sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in entries))
    except OSError:
        return None


class TemplatesLoading:
    """The vault's note templates, read on a thread while the vault unlocks.

    Reading and compiling them (Jinja, YAML) took a good part of the time before the board
    showed; Argon2id lets go of Python while it works, so they now come for free beside it.
    `result` gives them only if the folder still holds what was read, else None (the caller
    reads it again, as it always did).
    """

    def __init__(self, vault_path: Path) -> None:
        self.folder = Path(vault_path) / "templates"
        self._signature = _folder_signature(self.folder)
        self._templates: TemplateSet | None = None
        self._thread = threading.Thread(target=self._load, name="followup-templates", daemon=True)
        self._thread.start()

    def _load(self) -> None:
        from store.notes.templates import TemplateSet

        try:
            self._templates = TemplateSet(self.folder)
        except Exception:
            self._templates = None  # read again where it is needed: the error shows there

    def result(self, vault_path: Path) -> TemplateSet | None:
        if Path(vault_path) / "templates" != self.folder:
            return None
        self._thread.join()
        if self._templates is None or _folder_signature(self.folder) != self._signature:
            return None
        return self._templates


def unlock_session(
    path: Path, passphrase: str, config: Config, advance: UnlockInAdvance | None = None
) -> Session:
    """Unlock the vault and open this device's session on it (runs in a worker thread).

    `advance` is the same unlock started before the app loaded (`followup-tui` does that when
    the environment holds the passphrase): its key, or its error, is taken instead.
    """
    from tui.cli.context import open_unlocked

    vault = advance.vault() if advance is not None else Vault.unlock(path, passphrase)
    if config.vault != str(path):
        config.vault = str(path)
        config.save()
    with long_lived_objects():
        return open_unlocked(vault, config)


class UnlockScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "app.quit", "Quit", id="unlock-quit")
    ]

    def __init__(
        self,
        path: Path,
        config: Config,
        passphrase: str | None = None,
        error: str = "",
        advance: UnlockInAdvance | None = None,
    ) -> None:
        super().__init__(id="unlock")
        self.path = path
        self.config = config
        self.given = passphrase
        self.error = error
        self.advance = advance  # the unlock of `passphrase`, already under way

    def compose(self) -> ComposeResult:
        blink = getattr(self.app, "cursor_blink", True)
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
        if getattr(self.app, "templates_loading", None) is None:
            self.app.templates_loading = TemplatesLoading(self.path)  # type: ignore[attr-defined]
        self.query_one("#unlocking").display = False
        self.query_one("#unlock-error").display = bool(self.error)
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
        self.app.call_from_thread(self.app.session_opened, session)  # type: ignore[attr-defined]

    def show_error(self, message: str) -> None:
        error = self.query_one("#unlock-error", Static)
        error.update(message)
        error.display = True
        self.query_one("#unlocking").display = False
        field = self.query_one("#passphrase", Input)
        field.disabled = False
        field.value = ""
        field.focus()
