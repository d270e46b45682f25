"""A list to pick from that takes the board's movement keys too: `j`/`k`, `g`/`G`.

Textual's `OptionList` moves with the arrows only; on a board driven by `h j k l` a list that
ignores `j` and `k` feels broken. Used by Today, compose, closing a card and the trash.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import OptionList


class ChoiceList(OptionList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", id="list-down", show=False),
        Binding("k", "cursor_up", "Up", id="list-up", show=False),
        Binding("g", "first", "First", id="list-first", show=False),
        Binding("G", "last", "Last", id="list-last", show=False),
    ]
