"""Your profile (`@` on the board): the name and signature notes are signed with, and the email
and phone a template may use (`{{ me.email }}`). The same settings as `followup-tui profile`.

Kept in this device's config, never in the vault (it is not card data, and the synced folder
holds no plaintext). The form reads the config file again before saving, so a change made
meanwhile by the CLI (a device name, a theme) is not written over. Leaving with changes asks
first; a field left empty is removed from the profile.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

from store.cards.fields import parse_email
from store.config import Config
from store.errors import BadValue, FollowupError
from store.notes.placeholders import PROFILE_KEYS
from tui.context import AppContext
from tui.widgets.setup_row import setup_input, setup_row

LABELS = {"name": "Your name", "signature": "Signature", "email": "Email", "phone": "Phone"}
HINTS = {
    "name": "Sam Doe",
    "signature": "what ends every note, one line or several",
    "email": "sam@example.com",
    "phone": "+1 555 0100",
}


class ProfileScreen(ModalScreen[bool]):
    """Returns True when the profile was saved."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="profile-save", tooltip="Save the profile"),
        Binding("escape", "cancel", "Cancel", id="profile-cancel", tooltip="Leave unchanged"),
    ]

    def __init__(self, context: AppContext) -> None:
        super().__init__(id="profile")
        self.context = context
        self.before = {key: str(context.config.profile.get(key, "")) for key in PROFILE_KEYS}

    def compose(self) -> ComposeResult:
        blink = self.context.cursor_blink
        with Vertical(classes="dialog", id="profile-dialog"):
            yield Label("Your profile", classes="dialog-title")
            yield Static(
                "Notes are signed with it ({{ signature }}, {{ me.name }}…). It stays on this "
                "laptop, in its config: each laptop has its own.",
                classes="dialog-text",
                markup=False,
            )
            for key in PROFILE_KEYS:
                label = LABELS.get(key, key.title())
                value, hint = self.before[key], HINTS.get(key, "")
                if key == "signature":
                    area = TextArea(value, id=f"profile-{key}", soft_wrap=True, compact=True)
                    area.placeholder = hint
                    area.cursor_blink = blink
                    yield setup_row(label, area)
                else:
                    field = setup_input(blink, value, placeholder=hint, id=f"profile-{key}")
                    yield setup_row(label, field)
            yield Static("", id="profile-error", classes="form-error", markup=False)
            yield Label("ctrl+s saves · esc leaves it as it was", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#profile-error").display = False
        self.query_one("#profile-name").focus()

    def values(self) -> dict[str, str]:
        values = {}
        for key in PROFILE_KEYS:
            widget = self.query_one(f"#profile-{key}")
            text = widget.text if isinstance(widget, TextArea) else widget.value  # type: ignore[attr-defined]
            values[key] = text.rstrip() if key == "signature" else text.strip()
        return values

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def action_save(self) -> None:
        values = self.values()
        error = self.query_one("#profile-error", Static)
        try:  # the From: of every letter handed to a mail client
            values["email"] = parse_email(values["email"])
        except BadValue as exc:
            error.update(f"Email: {exc}")
            error.display = True
            self.query_one("#profile-email").focus()
            return
        profile = {key: value for key, value in values.items() if value}
        try:
            fresh = Config.load()  # what the CLI (or another window) saved meanwhile stays
            fresh.profile = profile
            fresh.save()
        except (FollowupError, OSError) as exc:
            error.update(f"Not saved: {getattr(exc, 'strerror', None) or exc}")
            error.display = True
            return
        self.context.config.profile = dict(profile)
        if self.context.is_open and self.context.session.config is not self.context.config:
            self.context.session.config.profile = dict(profile)
        name = profile.get("name")
        self.notify(f"Notes are signed {name}." if name else "Saved.", title="Profile saved")
        self.dismiss(True)

    def action_cancel(self) -> None:
        before = {k: v.rstrip() if k == "signature" else v.strip() for k, v in self.before.items()}
        if self.values() == before:
            self.dismiss(False)
            return
        from tui.card.edit import DiscardScreen

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(False)

        self.app.push_screen(DiscardScreen("Leave your profile as it was?"), answered)
