"""The board's launch path: which vault it opens, its key derived while the app loads, and the
single place a vault becomes a session.

`followup-tui` with no command calls `unlock_in_advance` before it imports the app; the app then
asks `board_vault` whether to show the first run or the unlock screen, and those screens open
the vault with `set_up_vault` or `unlock_session` (on a worker thread) and return what they
opened. The CLI's commands open theirs through `open_unlocked` too (`tui.cli.context`).

Must never import Textual (it runs before Textual is loaded, and for every command), never
import `tui.cli` (the CLI imports this, not the reverse), and never keep, log or write a
passphrase.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from store.config import Config, default_vault_dir
from store.errors import FollowupError
from store.vault.crypto import HEADER_NAME, Vault
from store.vault.passphrase import passphrase_from_env
from store.vault.replica import long_lived_objects
from store.vault.session import Session
from sync.folder import open_session as open_with_sync

if TYPE_CHECKING:
    from store.notes.templates import TemplateSet


def open_unlocked(vault: Vault, config: Config) -> Session:
    """The single place a vault becomes a session; the sync layer adds conflict copies."""
    return open_with_sync(vault, config)


@dataclass(frozen=True)
class OpenedVault:
    """What the first run and the unlock screen return: the session they opened, and the note
    templates read while it opened (None: nothing read yet, or the folder changed since)."""

    session: Session
    templates: TemplateSet | None = None


def tilde(path: Path, home: Path | None = None) -> str:
    """A path as a person writes it: `~/Sync/followup` rather than `/home/ann/Sync/followup`."""
    home = home or Path.home()
    try:
        return "~/" + str(Path(path).relative_to(home)) if Path(path) != home else "~"
    except ValueError:
        return str(path)


# --- which vault --------------------------------------------------------------------------------


def board_vault(explicit: Path | None, config: Config) -> tuple[Path | None, bool]:
    """The vault the board opens, and whether it can be unlocked (else: the first-run screen).

    A device that never opened a vault gets named first, even on a synced folder.
    """
    path = explicit or (Path(config.vault).expanduser() if config.vault else None)
    if path is None and (default_vault_dir() / HEADER_NAME).exists():
        path = default_vault_dir()
    ready = path is not None and (path / HEADER_NAME).exists() and bool(config.vault)
    return path, ready


# --- opening it (on a worker thread) ----------------------------------------------------------------


def set_up_vault(
    path: Path, passphrase: str, device_name: str, config: Config, create: bool
) -> Session:
    """First run: create or open the vault, remember it and this device's name."""
    vault = Vault.create(path, passphrase) if create else Vault.unlock(path, passphrase)
    if create:
        from store.notes.templates import install_defaults

        install_defaults(path)  # the default note templates, to edit and sync with the rest
    config.vault = str(path)
    config.device_name = device_name
    config.save()
    with long_lived_objects():
        session = open_unlocked(vault, config)
    session.persist_if_changed()
    return session


def unlock_session(
    path: Path, passphrase: str, config: Config, advance: UnlockInAdvance | None = None
) -> Session:
    """Unlock the vault and open this device's session on it.

    `advance` is the same unlock started before the app loaded (`followup-tui` does that when
    the environment holds the passphrase): its key, or its error, is taken instead.
    """
    vault = advance.vault() if advance is not None else Vault.unlock(path, passphrase)
    if config.vault != str(path):
        config.vault = str(path)
        config.save()
    with long_lived_objects():
        return open_unlocked(vault, config)


# --- work done beside the unlock ------------------------------------------------------------------


class UnlockInAdvance:
    """The vault's key, derived on a thread while the app's code is still loading.

    Argon2id takes a good part of a second by design and lets go of Python while it works;
    importing Textual takes about as long and needs Python. When the passphrase comes from the
    environment (FOLLOWUP_PASSWORD_FILE or FOLLOWUP_PASSWORD_COMMAND) both now run at once. The
    unlock screen takes the passphrase, or the error reading it gave, from here, so a password
    command runs once, as it did.
    """

    def __init__(self, path: Path, passphrase: str | None, error: FollowupError | None) -> None:
        self.path = path
        self.passphrase = passphrase
        self.error = error
        self._vault: Vault | None = None
        self._failure: BaseException | None = None
        self._thread: threading.Thread | None = None
        if passphrase is not None:
            self._thread = threading.Thread(
                target=self._unlock, name="followup-unlock", daemon=True
            )
            self._thread.start()

    def _unlock(self) -> None:
        assert self.passphrase is not None
        try:
            self._vault = Vault.unlock(self.path, self.passphrase)
        except BaseException as exc:  # handed to whoever takes the vault, as Vault.unlock raises
            self._failure = exc

    def vault(self) -> Vault:
        """The unlocked vault (waits for the key), or what `Vault.unlock` raised."""
        if self._thread is None:
            raise RuntimeError("no passphrase was given in advance")
        self._thread.join()
        if self._failure is not None:
            raise self._failure
        assert self._vault is not None
        return self._vault


_in_advance: UnlockInAdvance | None = None


def unlock_in_advance(explicit_vault: str | None) -> None:
    """Start unlocking the board's vault now, if the environment holds the passphrase.

    Never raises: whatever is wrong (a bad config, no vault yet) is left to the app, which
    says it as it always did.
    """
    global _in_advance
    try:
        config = Config.load()
        explicit = Path(explicit_vault).expanduser().resolve() if explicit_vault else None
        path, ready = board_vault(explicit, config)
    except (FollowupError, OSError, ValueError):
        return
    if not ready or path is None:
        return
    try:
        passphrase = passphrase_from_env()
    except FollowupError as exc:
        _in_advance = UnlockInAdvance(path, None, exc)
        return
    if passphrase is not None:
        _in_advance = UnlockInAdvance(path, passphrase, None)


def take_unlock_in_advance(path: Path) -> UnlockInAdvance | None:
    """The unlock started for `path` before the app loaded (once), or None."""
    global _in_advance
    advance, _in_advance = _in_advance, None
    return advance if advance is not None and advance.path == path else None


def _folder_signature(folder: Path) -> tuple[tuple[str, int, int], ...] | None:
    """What the templates folder holds, cheaply: a name, size and mtime per entry."""
    try:
        with os.scandir(folder) as entries:
            return tuple(sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in entries))
    except OSError:
        return None


class TemplatesLoading:
    """The vault's note templates, read on a thread while the vault unlocks.

    Reading and compiling them (Jinja, YAML) took a good part of the time before the board
    showed; Argon2id lets go of Python while it works, so they now come for free beside it.
    `result` gives them only if the folder still holds what was read, else None (the caller
    reads it again, as it always did).
    """

    def __init__(self, vault_path: Path) -> None:
        self.folder = Path(vault_path) / "templates"
        self._signature = _folder_signature(self.folder)
        self._templates: TemplateSet | None = None
        self._thread = threading.Thread(target=self._load, name="followup-templates", daemon=True)
        self._thread.start()

    def _load(self) -> None:
        from store.notes.templates import TemplateSet

        try:
            self._templates = TemplateSet.for_vault(self.folder.parent)
        except Exception:
            self._templates = None  # read again where it is needed: the error shows there

    def result(self, vault_path: Path) -> TemplateSet | None:
        if Path(vault_path) / "templates" != self.folder:
            return None
        self._thread.join()
        if self._templates is None or _folder_signature(self.folder) != self._signature:
            return None
        return self._templates
