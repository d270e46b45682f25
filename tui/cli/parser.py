"""The argument parser of `followup-tui`: the full one, or one command's alone.

Imported once a command's key derive has begun (`tui.cli.main`), never before: argparse and
gettext are 3 ms a command would otherwise wait for before Argon2id starts.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from tui.cli.commands import COMMAND_MODULE, COMMAND_MODULES, command_of


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


class _NotThisParser(Exception):
    """The one-command parser could not read the arguments: the full parser reads them."""


class _OneCommandParser(_Parser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _NotThisParser(message)

    def exit(self, status: int = 0, message: str | None = None) -> None:  # type: ignore[override]
        raise _NotThisParser(message or "")  # --help: every command's help, from the full one


class _VersionAction(argparse.Action):
    """argparse's own `version` action, with the version looked up only when it is asked:
    the lookup reads the installed package's metadata (`importlib.metadata`, which imports
    the `email` package), some 20–40 ms every command paid to print nothing of it."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS) -> None:
        super().__init__(
            option_strings=option_strings,
            dest=dest,
            default=argparse.SUPPRESS,
            nargs=0,
            help="show program's version number and exit",
        )

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from tui.cli.version import version

        parser._print_message(f"followup-tui {version()}\n", sys.stdout)
        parser.exit()


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = (_OneCommandParser if only else _Parser)(
        prog="followup-tui",
        description="A local-first, encrypted board for following up after job interviews. "
        "With no command it opens the board.",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument("--vault", metavar="PATH", help="vault folder (default: the last one used)")
    parser.add_argument(
        "--device-name",
        metavar="NAME",
        default=None,
        help="this device's name, kept in its config (default: the host name)",
    )
    subparsers = parser.add_subparsers(
        dest="command",
        metavar="COMMAND",
        parser_class=_OneCommandParser if only else _Parser,
    )
    for name in (only,) if only else COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    if only:  # help, the one place examples show, is the full parser's
        return parser
    from tui.cli.examples import add_examples

    add_examples(parser)
    return parser


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """The arguments, read by the parser of the named command alone when it can (importing
    only that command's module); anything it cannot read, the full parser reads or refuses,
    with its own words, as it always did."""
    command, _ = command_of(argv)
    module = COMMAND_MODULE.get(command or "")
    if module is not None:
        try:
            return build_parser(only=module).parse_args(argv)
        except _NotThisParser:
            pass
    return build_parser().parse_args(argv)
