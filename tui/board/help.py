"""Help: every key of the screen it was opened from, as the user's keymap has them now.

Built from the live bindings (never a hand-written list), so it cannot go stale.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static


def binding_rows(screen: Screen[object]) -> list[tuple[str, str, str]]:
    """(keys, description, binding id) for each action of the screen: its own keys first.

    The id is what `keymap:` in config.yaml remaps.
    """
    app = screen.app
    by_action: dict[tuple[str, str], list[str]] = {}
    ids: dict[tuple[str, str], str] = {}
    own: list[tuple[str, str]] = []
    for active in screen.active_bindings.values():
        binding: Binding = active.binding
        if not binding.description or binding.system:
            continue
        if binding.action in ("command_palette", "app.command_palette"):
            continue  # listed once, below, in words
        slot_key = (binding.action, binding.description)
        if slot_key not in by_action and active.node is screen:
            own.append(slot_key)
        slot = by_action.setdefault(slot_key, [])
        if binding.id:
            ids.setdefault(slot_key, binding.id)
        shown = app.get_key_display(replace(binding, key_display=None))
        if shown not in slot:
            slot.append(shown)
    if app.ENABLE_COMMAND_PALETTE:
        by_action[("command_palette", "Command palette: every action by name")] = [
            app.get_key_display(Binding(app.COMMAND_PALETTE_BINDING, "command_palette"))
        ]
    declared = [
        (b.action, b.description)
        for b in getattr(type(screen), "BINDINGS", ())
        if isinstance(b, Binding)
    ]
    own.sort(key=lambda key: declared.index(key) if key in declared else len(declared))
    order = own + [key for key in by_action if key not in own]
    return [(" ".join(by_action[key]), key[1], ids.get(key, "")) for key in order]


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close", id="close-help")
    ]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__(id="help")
        self.rows = binding_rows(screen)

    def compose(self) -> ComposeResult:
        width = max((len(keys) for keys, _, _ in self.rows), default=4) + 2
        with Vertical(classes="dialog"):
            yield Label("Keys", classes="dialog-title")
            with VerticalScroll(id="help-rows"):
                for keys, description, binding_id in self.rows:
                    with Horizontal(classes="help-row"):
                        yield Static(
                            f"{keys:<{width}}{description}", classes="help-keys", markup=False
                        )
                        yield Static(binding_id, classes="help-id", markup=False)
            yield Label(
                "esc closes · ctrl+p finds any action by name · "
                "remap a key by its id: keymap in config.yaml",
                classes="dialog-hint",
            )

    def on_resize(self, event: events.Resize) -> None:
        # The list scrolls; the title and the hint stay in view however short the terminal.
        rows = self.query_one("#help-rows", VerticalScroll)
        rows.styles.max_height = max(3, event.size.height - 14)

    def action_close(self) -> None:
        self.dismiss(None)
