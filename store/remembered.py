"""What a slow, pure reading of a small text gave, remembered in a JSON file by the text itself.

The board and every command read config.yaml and the theme files before anything else, and
importing PyYAML alone took 20-30 ms of a start that is a few hundred; a theme's checks (its
colours, its palette, Textual's stylesheet parser) as many again. What such a reading gives
depends only on the text, where it was read from and the code that read it. So a reading is
kept under a key holding the whole text (no hash to trust), in a file stamped with that code
(each module's file, size and time: another version is another file, or the same one
rewritten), and taken only for the very same key and stamp. Only what JSON gives back exactly
is kept (a YAML date, a tuple or a key that is not text is read again each time).

The file lives in this device's config dir, readable by the user alone. One that cannot be
read, or is not what this module writes, is passed over; one that cannot be written only means
the next start reads the texts again. Never raises for either.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

from store.files import atomic_write, ensure_folder
from store.untrusted import MAX_SMALL_FILE_BYTES, json_exact_copy, parse_json, read_capped

FORMAT = 1
MAX_ENTRIES = 64
MAX_FILE = 16 * MAX_SMALL_FILE_BYTES


def code_stamp(*modules: str) -> list[Any] | None:
    """The files of `modules` as they are now (the loaded one, else the one an import would
    load, found without importing it), or None when one cannot be found: nothing is kept."""
    from importlib.machinery import PathFinder

    stamp: list[Any] = []
    for name in modules:
        loaded = sys.modules.get(name)
        try:
            origin = getattr(loaded, "__file__", None) if loaded is not None else None
            if origin is None:
                spec = PathFinder.find_spec(name)
                origin = spec.origin if spec is not None else None
            if not origin:
                return None
            found = os.stat(origin)
        except (OSError, ImportError, ValueError):
            return None
        stamp += [name, origin, found.st_size, found.st_mtime_ns]
    return stamp


class Remembered:
    """The readings kept in one file, under one code stamp."""

    def __init__(self, path: Path, stamp: list[Any] | None, most: int = MAX_ENTRIES) -> None:
        self.path = path
        self.stamp = stamp
        self.most = most  # entries kept; the oldest go first
        self._lock = threading.Lock()
        self._entries: dict[str, Any] | None = None
        self._dirty = False

    def _read(self) -> dict[str, Any]:
        if self._entries is None:
            self._entries = {}
            if self.stamp is not None:
                try:
                    kept = parse_json(read_capped(self.path, MAX_FILE))
                except (OSError, ValueError):
                    kept = None
                if (
                    isinstance(kept, dict)
                    and kept.get("format") == FORMAT
                    and kept.get("stamp") == self.stamp
                    and isinstance(kept.get("entries"), dict)
                ):
                    self._entries = kept["entries"]
        return self._entries

    def get(self, key: str) -> Any:
        """What was kept under `key`, or None. The same object on every call: a caller that
        changes what it got makes its own copy first."""
        with self._lock:
            return self._read().get(key)

    def add(self, key: str, value: Any) -> None:
        """Keep `value` for `key`, if JSON gives it back exactly; `save` writes it."""
        if self.stamp is None:
            return
        kept = json_exact_copy(value)
        if kept is None:
            return
        with self._lock:
            entries = self._read()
            if key in entries and repr(entries[key]) == repr(kept):
                return
            entries.pop(key, None)
            entries[key] = kept
            while len(entries) > self.most:
                del entries[next(iter(entries))]
            self._dirty = True

    def save(self) -> None:
        """Write what was added since the last save (best effort)."""
        with self._lock:
            if not self._dirty or self._entries is None:
                return
            document = {"format": FORMAT, "stamp": self.stamp, "entries": self._entries}
            self._dirty = False
            with contextlib.suppress(OSError, ValueError):
                ensure_folder(self.path.parent, private=True)
                atomic_write(self.path, json.dumps(document).encode(), mode=0o600)
