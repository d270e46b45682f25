"""First run: pick the vault folder, create a vault there or open the one already there, name
this device. Then the board.

The folder decides the mode: a folder holding `vault.json` (another laptop's vault, synced
here) is opened with its passphrase; any other folder gets a new vault (passphrase twice,
with a strength hint). The folders of the sync tools found in the home dir (Dropbox,
Syncthing's ~/Sync, Nextcloud…) are offered, and the first of them is the default: a vault a
laptop already synced there first of all, then the first sync folder present; only without
any does the default stay in this laptop's own data dir. Enter goes on to the next field and,
in the last one a user must type (the second passphrase), sets the vault up.

The screen returns what it opened (`dismiss`): the app shows the board.

Must never overwrite an existing vault, and never keep or write the passphrase.
"""

from __future__ import annotations

import math
import socket
import string
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, LoadingIndicator, Static

from store.config import default_vault_dir
from store.errors import FollowupError, WrongPassphrase
from store.vault.crypto import HEADER_NAME
from tui.context import AppContext
from tui.launch import set_up_vault, tilde
from tui.opened import OpenedVault
from tui.widgets.setup_row import setup_input, setup_row

# Folders a file-sync tool usually keeps in the home dir, in the order they are offered:
# Dropbox, Syncthing's default share (~/Sync) and the name people give their own, Nextcloud,
# ownCloud, Seafile, pCloud, MEGA, and OneDrive and Google Drive as their Linux clients name them.
SYNC_FOLDERS = (
    "Dropbox",
    "Sync",
    "Syncthing",
    "Nextcloud",
    "ownCloud",
    "Seafile",
    "pCloudDrive",
    "MEGA",
    "OneDrive",
    "Google Drive",
)
VAULT_FOLDER_NAME = "followup"
DIFFER = "The two passphrases differ: type them again."


def sync_folder_choices(home: Path) -> list[Path]:
    """`~/Dropbox/followup`, `~/Sync/followup`… for each sync folder that exists; one that
    already holds a vault (another laptop's, synced here) comes first."""
    found = [home / name / VAULT_FOLDER_NAME for name in SYNC_FOLDERS if (home / name).is_dir()]
    return sorted(found, key=lambda path: not has_vault(path))  # (a stable sort keeps the rest)


def default_folder(home: Path, given: Path | None = None) -> Path:
    """Where the vault goes unless the user says otherwise: the folder the config names, else
    the first sync folder on offer, else this laptop's own data dir (synced by nothing)."""
    if given is not None:
        return given
    choices = sync_folder_choices(home)
    return choices[0] if choices else default_vault_dir()


def passphrase_strength(passphrase: str) -> tuple[str, str]:
    """(word, advice): a rough, deliberately pessimistic guess of how hard it is to guess.

    Words separated by spaces count about 11 bits each (a word from a large list); anything
    else counts half the bits its character classes would suggest, because people pick
    characters predictably ("Tr0ub4dor&3" is not random).
    """
    if not passphrase:
        return ("", "")
    words = passphrase.split()
    if len(words) >= 2:
        bits = 11.0 * len(words)
    else:
        pool = sum(
            len(chars)
            for chars in (string.ascii_lowercase, string.ascii_uppercase, string.digits)
            if any(c in chars for c in passphrase)
        )
        if any(not c.isalnum() for c in passphrase):
            pool += 32
        bits = len(passphrase) * math.log2(max(pool, 2)) / 2
    if bits < 35 or len(passphrase) < 10:
        return ("weak", "anyone with the synced files could guess it: use four or more words")
    if bits < 44:
        return ("fair", "a word or two more would make it strong")
    return ("strong", "keep it somewhere safe: it cannot be recovered")


def has_vault(path: Path) -> bool:
    return (path / HEADER_NAME).exists()


class FirstRunScreen(Screen[OpenedVault]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "app.quit", "Quit", id="first-run-quit")
    ]

    def __init__(
        self, context: AppContext, folder: Path | None = None, home: Path | None = None
    ) -> None:
        super().__init__(id="first-run")
        self.context = context
        self.config = context.config
        self.home = home or Path.home()
        self.folder = default_folder(self.home, folder)
        self.error_shown = ""  # what the error line says now

    def compose(self) -> ComposeResult:
        blink = self.context.cursor_blink
        with Vertical(classes="dialog", id="first-run-dialog"):
            yield Label("Set up followup", classes="dialog-title")
            yield Static(
                "Your cards live encrypted in a folder you choose. Put it in Dropbox or a "
                "Syncthing share to use the board on several laptops.",
                classes="dialog-text",
            )
            folder = setup_input(blink, tilde(self.folder, self.home), id="folder")
            yield setup_row("Vault folder", folder)
            choices = sync_folder_choices(self.home)
            if choices:
                yield setup_row(
                    "",
                    *(
                        Button(
                            "use " + tilde(choice, self.home),
                            id=f"choice-{index}",
                            classes="folder-choice",
                            compact=True,
                        )
                        for index, choice in enumerate(choices)
                    ),
                    id="folder-choices",
                )
            yield setup_row("", Static("", id="folder-hint", classes="setup-hint", markup=False))
            passphrase = setup_input(
                blink, password=True, placeholder="a few random words", id="passphrase"
            )
            yield setup_row("Passphrase", passphrase)
            strength = Static("", id="strength", classes="setup-hint")
            yield setup_row("", strength, id="strength-row")
            confirm = setup_input(blink, password=True, id="confirm")
            yield setup_row("Again", confirm, id="confirm-row")
            device = setup_input(blink, self.device_name_default(), id="device-name")
            yield setup_row("This device", device)
            yield Static("", id="setup-error", classes="form-error", markup=False)
            yield LoadingIndicator(id="setting-up")
            with Horizontal(id="setup-buttons"):
                yield Button("Create vault", id="go", variant="primary", compact=True)

    def device_name_default(self) -> str:
        if self.config.exists and self.config.device_name:
            return self.config.device_name
        return socket.gethostname() or "this laptop"

    def on_mount(self) -> None:
        self.query_one("#setting-up").display = False
        self.query_one("#setup-error").display = False
        self._folder_changed()
        self.query_one("#passphrase").focus()

    @property
    def chosen_folder(self) -> Path:
        text = self.query_one("#folder", Input).value.strip()
        if not text:
            return self.folder
        if text == "~" or text.startswith("~/"):
            return self.home / text[2:]
        return Path(text).expanduser()

    @property
    def creating(self) -> bool:
        return not has_vault(self.chosen_folder)

    def _folder_changed(self) -> None:
        creating = self.creating
        hint = self.query_one("#folder-hint", Static)
        if creating:
            hint.update("A new vault will be created here.")
        else:
            hint.update("A vault is already here (another laptop's): it will be opened.")
        self.query_one("#confirm-row").display = creating
        self.query_one("#strength-row").display = creating
        self.query_one("#go", Button).label = "Create vault" if creating else "Open vault"

    @on(Input.Changed, "#folder")
    def _folder_typed(self) -> None:
        self._folder_changed()

    @on(Input.Changed, "#passphrase")
    def _passphrase_typed(self, event: Input.Changed) -> None:
        word, advice = passphrase_strength(event.value)
        self.query_one("#strength", Static).update(f"[b]{word}[/b]: {advice}" if word else "")
        self._clear_stale_differ()

    @on(Input.Changed, "#confirm")
    def _confirm_typed(self) -> None:
        self._clear_stale_differ()

    def _clear_stale_differ(self) -> None:
        """ "They differ" goes as soon as the two no longer do."""
        passphrase = self.query_one("#passphrase", Input).value
        if self.error_shown == DIFFER and passphrase == self.query_one("#confirm", Input).value:
            self.query_one("#setup-error").display = False
            self.error_shown = ""

    @on(Button.Pressed, ".folder-choice")
    def _choice(self, event: Button.Pressed) -> None:
        index = int((event.button.id or "choice-0").split("-")[1])
        choice = sync_folder_choices(self.home)[index]
        self.query_one("#folder", Input).value = tilde(choice, self.home)
        self.query_one("#passphrase").focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter goes on to the next field to type; in the last one, it sets the vault up.

        The device name comes filled in (the host name), so the second passphrase (or, opening
        another laptop's vault, the passphrase) is the last one a user must type.
        """
        order = ["folder", "passphrase", "confirm"] if self.creating else ["folder", "passphrase"]
        name = event.input.id or ""
        if name in order[:-1]:
            following = self.query_one(f"#{order[order.index(name) + 1]}", Input)
            following.focus()
            return
        self.submit()

    @on(Button.Pressed, "#go")
    def submit(self) -> None:
        folder = self.chosen_folder
        passphrase = self.query_one("#passphrase", Input).value
        device_name = self.query_one("#device-name", Input).value.strip()
        creating = self.creating
        if not passphrase:
            self.show_error("Type a passphrase.")
            return
        if creating and passphrase != self.query_one("#confirm", Input).value:
            self.show_error(DIFFER)
            self.query_one("#confirm", Input).value = ""
            self.query_one("#confirm").focus()
            return
        if not device_name:
            self.show_error("Name this device (e.g. work laptop): other laptops show it.")
            return
        if folder.exists() and not folder.is_dir():
            self.show_error(f"{folder} is a file, not a folder: pick another path.")
            return
        self.query_one("#setting-up").display = True
        self.query_one("#setup-error").display = False
        self.query_one("#go", Button).disabled = True
        self.set_up(folder, passphrase, device_name, creating)

    @work(thread=True, exclusive=True, group="set-up")
    def set_up(self, folder: Path, passphrase: str, device_name: str, creating: bool) -> None:
        try:
            session = set_up_vault(folder, passphrase, device_name, self.config, creating)
        except WrongPassphrase:
            self.app.call_from_thread(
                self.show_error, "Wrong passphrase for the vault in that folder. Try again."
            )
            return
        except FollowupError as exc:
            self.app.call_from_thread(self.show_error, str(exc))
            return
        except OSError as exc:
            self.app.call_from_thread(
                self.show_error, f"{folder}: cannot create the vault there ({exc.strerror})."
            )
            return
        self.app.call_from_thread(self.dismiss, OpenedVault(session))

    def show_error(self, message: str) -> None:
        self.error_shown = message
        error = self.query_one("#setup-error", Static)
        error.update(message)
        error.display = True
        self.query_one("#setting-up").display = False
        self.query_one("#go", Button).disabled = False
        self.call_after_refresh(error.scroll_visible, animate=False)  # below a short screen's edge
