"""What a file holds once read: the `Source` every reader fills, and the text of the bytes.

Shared by the CSV and the JSON reader. Decoding is forgiving (a BOM, UTF-16 from Excel,
Windows-1252 when the bytes are not UTF-8) and never fails silently: a file that is not text
is one clear error. Must never touch the board or any file.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from store.cards.model import CardState
from store.errors import FollowupError
from store.transfer.importer.rows import Problem, Row

# (step, done, total): the CLI shows it on stderr for big files.
Progress = Callable[[str, int, int], None]


@dataclass
class Source:
    """What a file holds, read and checked: rows for CSV, card states for a backup."""

    name: str
    kind: str  # "csv", "backup" (card states) or "cards" (card objects without states)
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    columns: list[tuple[str, str | None]] = field(default_factory=list)
    states: dict[str, CardState] = field(default_factory=dict)
    devices: dict[str, Any] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)
    records: int = 0  # rows or cards seen, good or bad


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 with BOM"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 with BOM"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8 with BOM"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 with BOM"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 with BOM"),
)


def decode(data: bytes, name: str) -> tuple[str, str]:
    """The text of a file and a word on its encoding: BOMs first, then UTF-8, then Windows-1252."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), label
            except UnicodeDecodeError:
                raise FollowupError(
                    f"{name}: starts like {label} but is not; save it as UTF-8."
                ) from None
    if b"\x00" in data[:4096]:
        raise FollowupError(
            f"{name}: does not look like a text file (it holds NUL bytes); save it as CSV UTF-8."
        )
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"
