"""Opening the vault for a command: config, vault path, passphrase, joining as a new device.

Shared by every CLI command module. The board's own launch (which vault, the key derived while
the app loads) is `tui/launch.py`, which this reuses for the one step they share
(`open_unlocked`); the app never imports this module.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from store.config import Config, default_vault_dir
from store.errors import FollowupError, VaultNotFound
from store.vault.collector import long_lived_objects
from store.vault.crypto import Vault
from store.vault.passphrase import passphrase_from_env
from tui.launch import given_folder, open_unlocked, take_unlocked_vault

if TYPE_CHECKING:
    from store.vault.session import Session

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


_stdin_taken = False


def take_stdin() -> None:
    """A command read its input from stdin (`--posting-file -`): the passphrase cannot come
    from there too, so it is asked on the terminal, or must come from the environment."""
    global _stdin_taken
    _stdin_taken = True


def ask_passphrase(prompt: str = "Passphrase: ", confirm: bool = False) -> str:
    """From the environment, a prompt without echo, or (for scripts) one line of stdin."""
    from_env = passphrase_from_env()
    if from_env is not None:
        return from_env
    if _stdin_taken and not sys.stdin.isatty():
        try:
            with open("/dev/tty", "rb"):
                pass
        except OSError:
            raise FollowupError(
                "No passphrase: stdin holds the input, so set FOLLOWUP_PASSWORD_FILE or "
                "FOLLOWUP_PASSWORD_COMMAND."
            ) from None
        return getpass.getpass(prompt)  # asks on the terminal (/dev/tty), not stdin
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
        return given_folder(explicit)
    if config.vault:
        return Path(config.vault).expanduser()
    default = default_vault_dir()
    if (default / "vault.json").exists():
        return default
    raise VaultNotFound(
        "No vault yet: run `followup-tui init PATH` (or `followup-tui` to set one up)."
    )


def open_session(
    explicit_vault: str | None, passphrase: str | None = None, kept: bool = True
) -> Session:
    """Unlock the vault and merge every replica; a fresh config joins it as a new device.

    `kept=False`: with the passphrase even when `followup-tui unlock` kept the key (a check
    that the passphrase a timer will use opens the vault)."""
    config = Config.load()
    apply_device_name(config)
    path = vault_path(explicit_vault, config)
    vault = take_unlocked_vault(path, kept) if passphrase is None else None  # begun by `main`
    if vault is None:
        header = Vault.read_header(path)  # a clear error before asking for a passphrase
        if passphrase is None and kept:
            vault = Vault.from_kept_key(path, header)  # `followup-tui unlock` kept the key
        if vault is None:
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
