"""How a card's free text fits in one line of CLI output (`list`, `due`, `remind`, `people`,
`offers`): on one line, cut with "…" to a width counted in terminal cells.

A company or a role is whatever someone typed or imported, 5,000 characters as easily as five:
in full it would wrap over the screen and push the next line's columns out of line. Only the
lines for people are cut; `--json` keeps every character, and `show` prints a card in full.

Cells, not characters: "株式会社" takes eight columns of a terminal, a combining accent none. The
width is measured here with `unicodedata` rather than `rich`, so `due --count` in a shell prompt
never pays for importing it. Pure: no I/O.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from store.cards.model import Card
from store.untrusted import one_line

TITLE_WIDTH = 60  # "company — role" in a line: room for "Umbrella Corporation — Senior Staff …"
COLUMN_WIDTH = 40  # a cell of the `offers` table


@lru_cache(maxsize=4096)
def _char_cells(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cells(text: str) -> int:
    """How many terminal columns `text` takes."""
    if text.isascii():
        return len(text)
    return sum(map(_char_cells, text))


def clip(text: object, width: int) -> str:
    """`text` on one line (`one_line`), cut to at most `width` cells, the cut marked by "…"."""
    line = one_line(text)
    if 2 * len(line) <= width or cells(line) <= width:  # (no character takes more than two)
        return line
    room, kept = width - 1, []
    for char in line:
        room -= _char_cells(char)
        if room < 0:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…"


def column(text: object, width: int) -> str:
    """`clip(text, width)` padded with spaces to exactly `width` cells: the next column starts
    in the same place on every line."""
    line = clip(text, width)
    return line + " " * (width - cells(line))


def card_title(card: Card, width: int = TITLE_WIDTH) -> str:
    """ "Acme — Backend Developer" (or the company alone), cut to `width` cells."""
    return clip(card.heading, width)
