"""`unlock [--for 8h]` and `lock`: stay unlocked for a while, or stop.

`unlock` asks for the passphrase once (or takes it from the environment), derives the key as
every unlock does, and keeps the vault's data key in this machine's kernel keyring
(`store.vault.keyring`) for the time given; until then the board, every command and `remind`
open the vault without the passphrase and without Argon2id. `lock` forgets it at once. Off
until `unlock` is run; nothing is kept on a disk.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

from store.config import Config
from store.errors import FollowupError
from store.files import atomic_write
from store.places import config_dir
from store.untrusted import MAX_SMALL_FILE_BYTES, read_capped
from store.vault import keyring
from store.vault.crypto import Vault
from tui.cli.context import ask_passphrase, vault_path
from tui.launch import tilde

DEFAULT = "8h"
_VAULT_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")
_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")


class BadDuration(FollowupError):
    pass


def seconds_in(text: str) -> int:
    """`8h`, `90m`, `1d`, `2h30m`, `45s` (a bare number is hours) as seconds."""
    given = text.strip().lower().replace(" ", "")
    if given.isdigit():
        given += "h"
    match = _DURATION.fullmatch(given)
    if not given or match is None or not any(match.groups()):
        raise BadDuration(
            f"{text!r} is not a time to stay unlocked: write it like 8h, 90m, 1d or 2h30m."
        )
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    total = ((days * 24 + hours) * 60 + minutes) * 60 + seconds
    if not 60 <= total <= keyring.MAX_SECONDS:
        raise BadDuration(f"{text!r}: stay unlocked for between a minute and 30 days.")
    return total


def in_words(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    if hours >= 48 and hours % 24 == 0 and not minutes:
        return f"{hours // 24} days"
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts) or "a minute"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "unlock",
        help="stay unlocked for a while: the board and commands stop asking for the passphrase",
        description="Keeps the vault's key in this machine's kernel keyring (Linux) for the time "
        "given, default 8h: until then the board, every command and `remind` open the vault "
        "without the passphrase, and without the second Argon2id takes. Any program running as "
        "you can read the key meanwhile; `followup-tui lock` forgets it, and so does a restart.",
    )
    p.add_argument("--for", dest="duration", default=DEFAULT, metavar="TIME")
    p.set_defaults(func=cmd_unlock)
    p = subparsers.add_parser(
        "lock", help="forget the key `unlock` kept: the passphrase is asked again"
    )
    p.set_defaults(func=cmd_lock)


def cmd_unlock(args: argparse.Namespace) -> int:
    seconds = seconds_in(args.duration)
    config = Config.load()
    path = vault_path(args.vault, config)
    Vault.read_header(path)  # a clear error before asking for a passphrase
    vault = Vault.unlock(path, ask_passphrase())
    vault.keep_key(seconds)
    _remember_unlocked(config.dir, vault.id)
    until = (datetime.now().astimezone() + timedelta(seconds=seconds)).strftime("%a %H:%M")
    print(
        f"Unlocked {tilde(path)} for {in_words(seconds)} (until {until}): the board and "
        "commands open it without the passphrase until then. `followup-tui lock` forgets "
        "the key sooner.",
        file=sys.stderr,
    )
    return 0


UNLOCKED_FILE = "unlocked-vaults"  # in the config dir: the vault ids `unlock` kept keys for


def _unlocked_here(config_dir: Path) -> list[str]:
    try:
        text = read_capped(config_dir / UNLOCKED_FILE, MAX_SMALL_FILE_BYTES).decode("ascii")
    except (OSError, UnicodeDecodeError):
        return []
    return [line for line in text.split() if _VAULT_ID.fullmatch(line)]


def _remember_unlocked(config_dir: Path, vault_id: str) -> None:
    """Note the vault id, so that `lock` can forget its key even when the vault is gone."""
    known = _unlocked_here(config_dir)
    if vault_id in known or not _VAULT_ID.fullmatch(vault_id):
        return
    with contextlib.suppress(OSError):
        atomic_write(config_dir / UNLOCKED_FILE, "\n".join([*known, vault_id, ""]).encode())


def cmd_lock(args: argparse.Namespace) -> int:
    try:
        config = Config.load()
        path = vault_path(args.vault, config)
        header = Vault.read_header(path)
    except FollowupError as exc:
        # The vault cannot be read now (unmounted, moved): forget the keys `unlock` kept from
        # this config dir, so that none outlives what `lock` was asked to do.
        count = sum(keyring.forget(vault_id) for vault_id in _unlocked_here(config_dir()))
        kept = f"forgot {count} kept key{'s' if count != 1 else ''}" if count else "none kept"
        print(f"{exc} Locked all the same: {kept}.", file=sys.stderr)
        return 0
    if keyring.forget(str(header.get("vault"))):
        print(
            f"Locked {tilde(path)}: the key is forgotten; the passphrase is asked again.",
            file=sys.stderr,
        )
    else:
        print(f"{tilde(path)} was not unlocked: nothing to forget.", file=sys.stderr)
    return 0
