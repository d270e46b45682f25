"""The key bar at the bottom of every screen, made to fit the terminal's width.

Textual's `Footer` cuts off whatever does not fit, and what goes first is at the end: Help and
Quit. This one tightens its spacing, then leaves out the ctrl+p key (Help lists it), when the
keys would not all fit; a wider terminal gets the roomy form back.

The widths follow `Footer`'s own stylesheet (a key has one cell of padding each side and its
description one after it; compact drops the padding for one cell of margin). It must never
change which keys a screen has: it only decides how they are spaced.
"""

from __future__ import annotations

from itertools import groupby

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer


class FittingFooter(Footer):
    # The space between a key and its description belongs to the key's own padding, never to
    # the start of the description: a text that begins with a space loses it in some
    # renderings (an SVG screenshot read "^ppalette", "nNew"). Same widths as Textual's.
    DEFAULT_CSS = """
    FittingFooter.-compact FooterLabel {
        margin: 0 1 0 0;  /* Textual's compact footer runs a group's label into the next key */
    }
    FittingFooter.-compact FooterKey .footer-key--key,
    FittingFooter FooterKey.-command-palette .footer-key--key {
        padding: 0 1 0 0;
    }
    FittingFooter.-compact FooterKey .footer-key--description,
    FittingFooter FooterKey.-command-palette .footer-key--description {
        padding: 0;
    }
    """

    def compose(self) -> ComposeResult:
        if self._bindings_ready:  # (before, the screen may still be mounting its widgets)
            self._fit(self.app.size.width)  # docked at the bottom, as wide as the terminal
        yield from super().compose()

    def on_resize(self, event: events.Resize) -> None:
        if self._bindings_ready and self._fit(event.size.width):
            self.refresh(recompose=True)

    def _fit(self, width: int) -> bool:
        """Pick the roomiest spacing that fits `width`; True when it changed."""
        for compact, palette in ((False, True), (True, True), (True, False)):
            if self.needed_width(compact, palette) <= width:
                break
        changed = (compact, palette) != (self.compact, self.show_command_palette)
        self.set_reactive(Footer.compact, compact)
        self.set_class(compact, "-compact")
        self.set_reactive(Footer.show_command_palette, palette)
        return changed

    def needed_width(self, compact: bool, palette: bool) -> int:
        """Cells the screen's keys take in this spacing (as `Footer.compose` lays them out)."""
        if not self.is_attached:
            return 0
        active = self.screen.active_bindings
        first: dict[str, Binding] = {}
        for _node, binding, _enabled, _tooltip in active.values():
            if binding.show:
                first.setdefault(binding.action, binding)
        total = 0
        for group, members in groupby(first.values(), lambda binding: binding.group):
            keys = list(members)
            if group is not None and len(keys) > 1:
                shown = sum(cell_len(self.app.get_key_display(b)) for b in keys)
                spacing = 2 if group.compact else 2 * len(keys)
                total += shown + spacing + cell_len(group.description) + 1
                continue
            for binding in keys:
                total += self._key_width(binding) + (2 if compact else 3)
        if palette and self.app.ENABLE_COMMAND_PALETTE:
            found = active.get(self.app.COMMAND_PALETTE_BINDING)
            if found is not None:
                total += self._key_width(found.binding) + (2 if compact else 5)
        return total

    def _key_width(self, binding: Binding) -> int:
        return cell_len(self.app.get_key_display(binding)) + cell_len(binding.description)
