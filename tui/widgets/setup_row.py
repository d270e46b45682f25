"""One labelled line of a dialog's form (the first run, the passphrase, the profile, a next
round, the export): a label in the left column (`setup-label`, the same width on every line)
and its field, hint or buttons beside it (`app.tcss` draws `.setup-row`).

A label of "" keeps the column, for a hint or buttons under a field. It only lays out what it
is given: it never reads or checks a field.
"""

from __future__ import annotations

from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label


def setup_row(label: str, *widgets: Widget, id: str | None = None) -> Horizontal:
    return Horizontal(Label(label, classes="setup-label"), *widgets, classes="setup-row", id=id)


def setup_input(blink: bool, value: str = "", **options: object) -> Input:
    """A compact field of such a line, its cursor blinking as the app's does (`cursor_blink`:
    off in tests and snapshots)."""
    widget = Input(value, compact=True, **options)  # type: ignore[arg-type]
    widget.cursor_blink = blink
    return widget
