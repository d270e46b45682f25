"""The last good version of each template file, remembered per device so that every command and
the board answer a broken template the same way.

The board keeps a file's last good version in memory while it runs; a command starts afresh
and has no such memory. So whenever a vault's template file reads well, its exact bytes are
kept here, in this device's config dir (`<config>/last-good-templates/<vault id>/<name>.yaml`),
and a file that is broken when a command (or the board) starts is answered with that copy,
as the board would have. Only when no good copy was ever seen here does the built-in default
stand in. The copies are the user's own templates: plaintext that is already in the synced
folder, kept outside it, readable only by the user.

Never written into the vault folder; never deletes anything; a copy it cannot read or write
is passed over (the built-in one is used), never an error that stops a note.
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

from store.config import config_dir
from store.files import atomic_write, ensure_folder
from store.untrusted import read_capped

FOLDER = "last-good-templates"
MAX_COPY = 64 * 1024  # as big as a template file may be
_VAULT_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")


class LastGood:
    """The remembered copies for one vault on this device."""

    def __init__(self, folder: Path, write: bool = True) -> None:
        self.folder = folder
        self.write = write  # False: only read them (`doctor` looks, it never writes)
        self._known: dict[str, bytes] = {}

    def _path(self, name: str) -> Path:
        return self.folder / f"{name}.yaml"

    def recall(self, name: str) -> bytes | None:
        """The last good bytes of template `name`, or None when none were kept."""
        if name in self._known:
            return self._known[name]
        try:
            data = read_capped(self._path(name), MAX_COPY)
        except OSError:  # none yet, or unreadable: the built-in one stands in
            return None
        self._known[name] = data
        return data

    def remember(self, name: str, data: bytes) -> None:
        """Keep `data` as the last good version of `name` (only when it changed)."""
        if not self.write or self.recall(name) == data:
            return
        with contextlib.suppress(OSError):
            ensure_folder(self.folder)
            atomic_write(self._path(name), data, mode=0o600)
            self._known[name] = data


def vault_id(vault_path: Path) -> str | None:
    """The vault's id from its plaintext header, or None when it cannot be read."""
    try:
        header = json.loads(read_capped(Path(vault_path) / "vault.json", 64 * 1024))
    except (OSError, ValueError, RecursionError):
        return None
    found = header.get("vault") if isinstance(header, dict) else None
    return found if isinstance(found, str) and _VAULT_ID.fullmatch(found) else None


def for_vault(vault_path: Path, write: bool = True) -> LastGood | None:
    """This device's copies for the vault at `vault_path` (None without a readable header)."""
    found = vault_id(vault_path)
    if found is None:
        return None
    return LastGood(config_dir() / FOLDER / found, write=write)
