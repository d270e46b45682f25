"""`unlock [--for 8h]` and `lock`: stay unlocked for a while, or stop.

`unlock` asks for the passphrase once (or takes it from the environment), derives the key as
every unlock does, and keeps the vault's data key in this machine's kernel keyring
(`store.vault.keyring`) for the time given; until then the board, every command and `remind`
open the vault without the passphrase and without Argon2id. `lock` forgets it at once. Off
until `unlock` is run; nothing is kept on a disk.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime, timedelta

from store.config import Config
from store.errors import FollowupError
from store.vault import keyring
from store.vault.crypto import Vault
from tui.cli.context import ask_passphrase, vault_path
from tui.launch import tilde

DEFAULT = "8h"
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
    until = (datetime.now().astimezone() + timedelta(seconds=seconds)).strftime("%a %H:%M")
    print(
        f"Unlocked {tilde(path)} for {in_words(seconds)} (until {until}): the board and "
        "commands open it without the passphrase until then. `followup-tui lock` forgets "
        "the key sooner.",
        file=sys.stderr,
    )
    return 0


def cmd_lock(args: argparse.Namespace) -> int:
    config = Config.load()
    path = vault_path(args.vault, config)
    header = Vault.read_header(path)
    if keyring.forget(str(header.get("vault"))):
        print(
            f"Locked {tilde(path)}: the key is forgotten; the passphrase is asked again.",
            file=sys.stderr,
        )
    else:
        print(f"{tilde(path)} was not unlocked: nothing to forget.", file=sys.stderr)
    return 0
