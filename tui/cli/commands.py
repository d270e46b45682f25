"""Which commands there are, which module registers each, and which unlock the vault: plain
data, read before anything else is imported.

`followup-tui` looks here before the key derive starts (`tui.cli.main`), so this module imports
nothing: argparse (3 ms with gettext) and each command's code load while Argon2id runs.
"""

from __future__ import annotations

from collections.abc import Sequence

# Each module has `register(subparsers)`; its commands set `func(args) -> int`.
COMMAND_MODULES: tuple[str, ...] = (
    "tui.cli.cards",
    "tui.cli.transfer",
    "tui.cli.sync_commands",
    "tui.cli.notes",
    "tui.cli.documents",
    "tui.cli.people",
    "tui.cli.remind",
    "tui.cli.about",
    "tui.cli.demo",
    "tui.cli.unlocked",
)
# Which module registers each command: a command's parser is built from its module alone, so
# `followup-tui list` imports the card commands, not export's, import's or sync's code. A
# command missing here still works (the full parser reads it); tests/cli/test_cli_imports.py
# checks the table against what the modules register.
COMMAND_MODULE: dict[str, str] = {
    **dict.fromkeys(
        ("init", "add", "list", "show", "move", "edit", "delete", "restore", "resolve"),
        "tui.cli.cards",
    ),
    "passwd": "tui.cli.cards",
    **dict.fromkeys(("import", "export", "stats"), "tui.cli.transfer"),
    **dict.fromkeys(("sync", "doctor"), "tui.cli.sync_commands"),
    **dict.fromkeys(
        ("due", "compose", "answered", "round", "templates", "profile"), "tui.cli.notes"
    ),
    **dict.fromkeys(("attach", "attachment", "detach", "offers"), "tui.cli.documents"),
    "people": "tui.cli.people",
    "remind": "tui.cli.remind",
    **dict.fromkeys(("completion", "info"), "tui.cli.about"),
    "demo": "tui.cli.demo",
    **dict.fromkeys(("unlock", "lock"), "tui.cli.unlocked"),
}
# Commands that unlock the vault with the passphrase from the environment (`open_session`):
# Argon2id starts on a thread before their code is imported. (A command missing here only
# derives the key later, the usual way.)
UNLOCKING_COMMANDS: frozenset[str] = frozenset(
    {
        *("add", "list", "show", "move", "edit", "delete", "restore", "resolve"),
        *("due", "compose", "answered", "round", "export", "stats", "sync"),
        *("attach", "attachment", "detach", "offers", "people", "remind"),
    }
)
# The options before the command that take a value (tui/cli/parser.py must agree).
_VALUE_OPTIONS = ("--vault", "--device-name")


def command_of(argv: Sequence[str]) -> tuple[str | None, str | None]:
    """The command named in `argv` and the `--vault` given before it, read without a parser
    (None when there is no command, or the words do not read plainly)."""
    vault: str | None = None
    tokens = list(argv)
    while tokens:
        token = tokens.pop(0)
        name, equals, value = token.partition("=")
        if name in _VALUE_OPTIONS:
            if not equals:
                if not tokens:
                    return None, vault
                value = tokens.pop(0)
            if name == "--vault":
                vault = value
            continue
        if token.startswith("-"):
            return None, vault
        return token, vault
    return None, vault
