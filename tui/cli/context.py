"""Opening the vault for a command: config, vault path, passphrase, joining as a new device.

Shared by every CLI command module and by the TUI's launch path.
"""

from __future__ import annotations

import getpass
import sys
import threading
from pathlib import Path

from store.config import Config, default_vault_dir
from store.errors import FollowupError, VaultNotFound
from store.vault.crypto import HEADER_NAME, Vault
from store.vault.passphrase import passphrase_from_env
from store.vault.replica import long_lived_objects
from store.vault.session import Session
from sync.folder import open_session as open_with_sync

_requested_device_name: str | None = None


def request_device_name(name: str | None) -> None:
    """`--device-name NAME` given before the command: the name this device takes when it opens
    (or joins) a vault. It is kept in the config, so it is needed only once."""
    global _requested_device_name
    _requested_device_name = name.strip() if name and name.strip() else None


def apply_device_name(config: Config) -> None:
    if _requested_device_name and config.device_name != _requested_device_name:
        config.device_name = _requested_device_name
        config.save()


def ask_passphrase(prompt: str = "Passphrase: ", confirm: bool = False) -> str:
    """From the environment, a prompt without echo, or (for scripts) one line of stdin."""
    from_env = passphrase_from_env()
    if from_env is not None:
        return from_env
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise FollowupError(
                "No passphrase: set FOLLOWUP_PASSWORD_FILE or FOLLOWUP_PASSWORD_COMMAND, "
                "or run in a terminal."
            )
        return line.rstrip("\r\n")
    first = getpass.getpass(prompt)
    if confirm:
        second = getpass.getpass("Again: ")
        if first != second:
            raise FollowupError("The two passphrases differ; nothing was changed.")
    return first


def vault_path(explicit: str | None, config: Config) -> Path:
    if explicit:
        return Path(explicit).expanduser().resolve()
    if config.vault:
        return Path(config.vault).expanduser()
    default = default_vault_dir()
    if (default / "vault.json").exists():
        return default
    raise VaultNotFound(
        "No vault yet: run `followup-tui init PATH` (or `followup-tui` to set one up)."
    )


def open_session(explicit_vault: str | None, passphrase: str | None = None) -> Session:
    """Unlock the vault and merge every replica; a fresh config joins it as a new device."""
    config = Config.load()
    apply_device_name(config)
    path = vault_path(explicit_vault, config)
    Vault.read_header(path)  # a clear error before asking for a passphrase
    vault = Vault.unlock(path, passphrase if passphrase is not None else ask_passphrase())
    if config.vault != str(path):
        config.vault = str(path)
        config.save()
    with long_lived_objects():  # `main` unfreezes them when the command is done
        session = open_unlocked(vault, config)
    say_what_happened(session)
    return session


_opened: list[Session] = []


def say_what_happened(session: Session) -> None:
    """On stderr, once: what this device found about its own replica (a rollback, a copied
    config…). Why nothing will be written (an emptied folder) waits for `after_command`: a
    command that tried to write has already said it, as its one line of error."""
    for line in session.take_notices("stderr"):
        print(f"followup-tui: {line}", file=sys.stderr)
    _opened.append(session)


def forget_sessions() -> None:
    _opened.clear()


def after_command() -> None:
    """A command ended well: warn, while it lasts, that this device writes nothing now."""
    while _opened:
        blocked = _opened.pop().blocked
        if blocked:
            print(f"followup-tui: warning: {blocked}", file=sys.stderr)


def open_unlocked(vault: Vault, config: Config) -> Session:
    """The single place a vault becomes a session; the sync layer adds conflict copies."""
    return open_with_sync(vault, config)


# --- the board's launch ---------------------------------------------------------------------------


def board_vault(explicit: Path | None, config: Config) -> tuple[Path | None, bool]:
    """The vault the board opens, and whether it can be unlocked (else: the first-run screen).

    A device that never opened a vault gets named first, even on a synced folder.
    """
    path = explicit or (Path(config.vault).expanduser() if config.vault else None)
    if path is None and (default_vault_dir() / HEADER_NAME).exists():
        path = default_vault_dir()
    ready = path is not None and (path / HEADER_NAME).exists() and bool(config.vault)
    return path, ready


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
