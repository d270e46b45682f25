"""Reading a file to import: which kind it is (CSV or JSON), then the reader for that kind.

Raises `FollowupError` only when the file cannot be read at all (missing, a folder, not text,
not CSV or JSON); everything wrong inside it is a `Problem` on the `Source`.
Must never write anything.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from store.cards.dates import DATE_ORDERS
from store.errors import BadValue, FollowupError
from store.transfer.importer.backup import read_json
from store.transfer.importer.csv_file import read_csv
from store.transfer.importer.source import Progress, Source
from store.untrusted import MAX_IMPORT_BYTES, read_capped


def read_source(
    path: Path,
    mapping: dict[str, str] | None = None,
    date_order: str = "auto",
    kind: str = "auto",
    progress: Progress | None = None,
    preferred_order: str | None = None,
    data: bytes | None = None,
) -> Source:
    """Read and check FILE; raises `FollowupError` when it cannot be read at all.

    `preferred_order` ("dmy"/"mdy": the user's `date_order` or locale) reads slashed dates
    when the file's own dates do not settle it. `data`: the bytes, already read (stdin:
    `import -`); `path` then only names them."""
    path = Path(path)
    if data is None:
        data = read_input(path)
    if date_order not in DATE_ORDERS:
        raise BadValue(f"--date-order must be one of {', '.join(DATE_ORDERS)}.")
    if kind == "auto":
        head = data[:64].lstrip(codecs.BOM_UTF8).lstrip()
        looks_json = path.suffix.lower() == ".json" or head[:1] in (b"{", b"[")
        kind = "json" if looks_json else "csv"
    if kind == "json":
        if mapping:
            raise BadValue("--map is for CSV files; a JSON backup names its fields itself.")
        return read_json(data, path.name, progress)
    return read_csv(data, path.name, mapping, date_order, progress, preferred_order)


def read_input(path: Path) -> bytes:
    """The bytes of a file to import (a pipe the user set up too); one line when it cannot be
    read: missing, a folder, a device, unreadable, over `MAX_IMPORT_BYTES`."""
    try:
        return read_capped(path, MAX_IMPORT_BYTES, allow_pipe=True)
    except FileNotFoundError:
        raise FollowupError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise FollowupError(f"{path}: is a folder; give a CSV, JSON or .ics file.") from None
    except OSError as exc:
        raise FollowupError(f"{path}: cannot read it ({exc.strerror or exc}).") from None
