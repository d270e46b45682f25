"""Reading what nobody vouches for: files in a synced folder, backups, pasted text, env vars.

Anything here may come from another laptop, a sync tool, a spreadsheet or a hostile hand: a
FIFO or `/dev/zero` where a replica should be, a 2 GB file, JSON nested a million deep, a
company name holding terminal escape codes. These helpers turn each of those into an ordinary
error (`OSError` with a readable `strerror`, or `ValueError`) or into harmless text, so the
callers' existing error paths stay the only ones.

This module must never write, delete or rename a file, and never block on a read.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

MIB = 1024 * 1024
# Caps on what one read may take into memory. A replica of 10,000 cards is a few tens of MB;
# the others are small by nature. A file over its cap is reported, never read.
MAX_REPLICA_BYTES = 256 * MIB
MAX_HEADER_BYTES = 64 * 1024  # vault.json
MAX_SMALL_FILE_BYTES = 4 * MIB  # config.yaml, .stignore, a theme, a note typed in $EDITOR
MAX_PASSPHRASE_BYTES = 64 * 1024
MAX_IMPORT_BYTES = 512 * MIB  # a CSV or a JSON backup of many thousands of cards

_CHUNK = MIB


def _size_text(limit: int) -> str:
    if limit >= MIB:
        return f"{limit // MIB} MB"
    return f"{limit // 1024} KB"


def read_capped(
    path: Path | str, limit: int, allow_pipe: bool = False, follow: bool = True
) -> bytes:
    """The bytes of a regular file no bigger than `limit`, read without ever blocking.
    (`read_file` also says which file, by its `stat`.)

    Opening never waits on a FIFO (O_NONBLOCK) and never follows a read into a device: a
    path that is not a regular file raises `OSError`; a folder, `IsADirectoryError`; a file
    over `limit` (even one that grows while read), `OSError(EFBIG)`. Each has a `strerror` a
    person can read, as the callers print it. `allow_pipe` reads a pipe the user set up on
    purpose (`FOLLOWUP_PASSWORD_FILE=<(pass show x)`), still capped. Without `follow`, a
    symbolic link is an error (ELOOP) instead of the file it points to.
    """
    return read_file(path, limit, allow_pipe, follow)[0]


def read_file(
    path: Path | str, limit: int, allow_pipe: bool = False, follow: bool = True
) -> tuple[bytes, os.stat_result]:
    """`read_capped`, with the `stat` of the very file the bytes came from (taken on the open
    file, so a writer replacing the path meanwhile cannot pair one file's bytes with another
    file's identity)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        if allow_pipe and stat.S_ISFIFO(mode):
            os.set_blocking(fd, True)
        elif not stat.S_ISREG(mode):
            raise OSError(
                errno.EINVAL, "not a regular file (a pipe, a device or a socket)", str(path)
            )
        too_big = OSError(errno.EFBIG, f"bigger than the {_size_text(limit)} allowed", str(path))
        if os.fstat(fd).st_size > limit:
            raise too_big
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise too_big
        return b"".join(chunks), os.fstat(fd)
    finally:
        os.close(fd)


def read_after(
    path: Path | str, spans: tuple[tuple[int, int], ...], tail_from: int, limit: int
) -> tuple[list[bytes], bytes, os.stat_result]:
    """A few small spans of a regular file and everything from `tail_from` to its end, read
    as `read_file` reads (never blocking, never a device, a tail over `limit` refused), with
    the `stat` of the file they came from. A span or tail past the end comes back short.

    For reading only what was appended to a file since it was last read: the spans are the
    bytes that say it is still the file read before.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        if not stat.S_ISREG(st.st_mode):
            raise OSError(
                errno.EINVAL, "not a regular file (a pipe, a device or a socket)", str(path)
            )
        if st.st_size - tail_from > limit:
            raise OSError(errno.EFBIG, f"bigger than the {_size_text(limit)} allowed", str(path))
        parts = [os.pread(fd, length, offset) for offset, length in spans]
        chunks: list[bytes] = []
        offset = tail_from
        while True:
            chunk = os.pread(fd, _CHUNK, offset)
            if not chunk:
                break
            chunks.append(chunk)
            offset += len(chunk)
            if offset - tail_from > limit:
                raise OSError(
                    errno.EFBIG, f"bigger than the {_size_text(limit)} allowed", str(path)
                )
        return parts, b"".join(chunks), os.fstat(fd)
    finally:
        os.close(fd)


def parse_json(text: str | bytes) -> Any:
    """`json.loads` whose every failure is a `json.JSONDecodeError` (a `ValueError`).

    Plain `json.loads` raises `RecursionError` on `[[[[…` nested deep, and a bare `ValueError`
    on an integer of thousands of digits; neither is what a caller guarding a parse expects.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", "", 0) from None
    except ValueError as exc:  # e.g. an integer too long to convert
        raise json.JSONDecodeError(str(exc).split(";")[0], "", 0) from None


def json_exact_copy(value: Any) -> Any:
    """`value` as its JSON reads back, when that is exactly `value` (same types, same text);
    else None. What a file remembered as JSON may hold in place of a slower parse's result: a
    YAML date, a key that is not text or a tuple would come back as something else."""
    try:
        # No NaN: it reads back as another object that equals nothing, not even itself, so a
        # caller comparing two reads of the same text would find them different.
        kept = json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError, RecursionError):
        return None
    return kept if repr(kept) == repr(value) else None


# C0 controls but tab and newline, DEL and the C1 controls (which include a one-byte CSI), the
# line and paragraph separators, and the bidirectional overrides and isolates that make text
# read in another order than it is stored ("Trojan Source").
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_OR_BREAK = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in "\r\n\u2028\u2029":
        return "\n"
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object) -> str:
    """`text` safe to print on a terminal: control characters shown as `\\x1b`-style escapes.

    Newlines and tabs stay; a carriage return (which would let text overwrite its own line)
    and the Unicode line separators become newlines. Use it wherever text from a card, a file
    name or another device reaches a screen.
    """
    text = str(text)
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(_escape, text.replace("\r\n", "\n"))


def one_line(text: object) -> str:
    """`printable(text)` on a single line: every run of whitespace and line breaks is a space."""
    text = str(text)
    if _CONTROL_OR_BREAK.search(text):
        text = _CONTROL.sub(_escape, text.replace("\r\n", "\n"))
    return " ".join(text.split())


# What `clean_text` removes: `_CONTROL` but the carriage return, which it handles apart.
_STORED_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LONE_BREAK = re.compile("\r(?!\n)|[\u2028\u2029]")


def clean_text(text: str) -> str:
    """`text` without the characters no person types (controls but newline and tab, bidi
    overrides), for the view of a card. A spreadsheet's CR LF line ends stay as they are; a
    lone CR (which would let text overwrite its own line) and the Unicode separators become
    newlines."""
    # `isprintable` answers first, and for nearly every text of a card: a printable text holds
    # none of the characters removed here (tests/store/test_card_view.py checks every one).
    if text.isprintable() or not _CONTROL_OR_BREAK.search(text):
        return text
    return _STORED_CONTROL.sub("", _LONE_BREAK.sub("\n", text))


def quoted(text: object, limit: int = 60) -> str:
    """What a person typed, quoted in an error message: `repr`, cut to `limit` characters."""
    text = str(text)
    if len(text) <= limit:
        return repr(text)
    return repr(text[:limit]) + f"… ({len(text):,} characters)"


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection):
# `=HYPERLINK(...)` in a company name would become a link that leaks the sheet when clicked.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(text: str) -> str:
    """`text` as a CSV cell a spreadsheet shows and never runs: a leading `'` before a formula
    character (and before any `'`s already leading up to one, so the escape can be undone)."""
    if text.lstrip("'").startswith(_FORMULA_START):
        return "'" + text
    return text


def from_spreadsheet_cell(text: str) -> str:
    """The text `spreadsheet_cell` escaped, as it was (any other cell is left as it is)."""
    if text.startswith("'") and text.lstrip("'").startswith(_FORMULA_START):
        return text[1:]
    return text
