"""`followup-tui`: with no command it opens the board; with one it acts and exits.

Every failure a user can cause ends as one line on stderr and exit status 1 (usage errors: 2).
No traceback reaches a user: an unexpected error is logged to the config dir and summarised
(`tui/crash.py`). The CLI is the outer layer of `tui/`: it imports the app and the launch path,
and nothing in them imports it.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import importlib
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from store.errors import FollowupError, WriteFailed
from store.untrusted import printable
from tui.crash import crash_line, log_crash, one_line

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
# The options before the command that take a value (the parser below must agree).
_VALUE_OPTIONS = ("--vault", "--device-name")


class UsageError(FollowupError):
    """A command given in a way it cannot run, found after parsing (`move ID closed` without
    `--outcome`): said like argparse's own errors, exit status 2."""


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


class CommandOutput:
    """stdout (and stderr) while a command runs.

    On a terminal every write is made `printable`, so text from a card, a template or another
    device can show escape codes but never send them; output to a pipe or a file is left
    exactly as it is (scripts and exports get the data). A write the system refuses (a full
    disk, `> /dev/full`) is a `WriteFailed`: one line, exit 1, not an unexpected error; so is a
    write to a stream the command was started without (`>&-`: Python's is then None).
    """

    def __init__(self, stream: TextIO | None, terminal: bool) -> None:
        self.stream = stream
        self.terminal = terminal

    def write(self, text: str) -> int:
        if self.stream is None:
            raise WriteFailed("cannot write the output (the command was started without one).")
        try:
            self.stream.write(printable(text) if self.terminal else text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            self._failed(exc)
        return len(text)

    def flush(self) -> None:
        if self.stream is None:
            return
        with self._refused():
            self.stream.flush()

    @contextlib.contextmanager
    def _refused(self) -> Iterator[None]:
        try:
            yield
        except BrokenPipeError:
            raise
        except OSError as exc:
            self._failed(exc)

    def _failed(self, exc: OSError) -> None:
        _drop_unwritten(self.stream)
        raise WriteFailed(f"cannot write the output ({exc.strerror or exc}).") from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def _drop_unwritten(stream: TextIO) -> None:
    """Point the stream's file at /dev/null, so what is still buffered for it does not fail a
    second time as Python exits (with a message that is not ours)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


@contextlib.contextmanager
def output_guard() -> Iterator[None]:
    """Wrap stdout (and stderr while it is a terminal) in `CommandOutput` while a command runs,
    and flush inside, so a refused write is reported like any other error. Never for the
    app, which draws with escape codes of its own."""
    saved = sys.stdout, sys.stderr
    try:
        sys.stdout = CommandOutput(sys.stdout, _is_terminal(sys.stdout))  # type: ignore[assignment]
        if _is_terminal(sys.stderr):
            sys.stderr = CommandOutput(sys.stderr, terminal=True)  # type: ignore[assignment]
        yield
        sys.stdout.flush()
    finally:
        sys.stdout, sys.stderr = saved


def _is_terminal(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return False


def board_launch(argv: Sequence[str]) -> argparse.Namespace | None:
    """The arguments of a launch of the board (no command), read without the full parser.

    Building that parser imports every command module (export, import, sync, notes: Jinja,
    watchfiles…), a good part of the time before the board shows; a plain `followup-tui
    [--vault PATH] [--device-name NAME]` needs none of them. Anything else (a command, --help,
    an abbreviation, a typo) returns None and goes to the full parser, which reads or refuses
    it as it always did.
    """
    values: dict[str, str | None] = {"vault": None, "device_name": None}
    tokens = list(argv)
    while tokens:
        name, equals, value = tokens.pop(0).partition("=")
        key = {"--vault": "vault", "--device-name": "device_name"}.get(name)
        if key is None:
            return None
        if not equals:
            if not tokens or tokens[0].startswith("-"):
                return None
            value = tokens.pop(0)
        values[key] = value
    return argparse.Namespace(command=None, **values)


# Set by `main` when a command (not the board, not the demo) has run to its end: the console
# script may then leave without the interpreter's teardown (`run`).
_command_done = False


def run() -> None:
    """The console script: `main`, then out at once when a command ran.

    The interpreter's teardown frees every object one at a time (the command's whole board,
    every module) after the output is written: 20 ms of a command at 1,000 cards, 50 ms at
    10,000. A command that is done skips it (`os._exit`) after what a normal exit does that
    matters: the exit handlers run (the copies of attachments opened are removed), stdout and
    stderr are flushed. A flush that fails, a thread still running that is not a daemon, and
    the board (Textual's own exit) take the usual way out.
    """
    code = main()
    if _command_done and _only_daemons_left():
        try:
            atexit._run_exitfuncs()  # run once, then forgotten: a normal exit finds none left
            for stream in (sys.stdout, sys.stderr):
                if stream is not None:  # (None: started with the stream closed, `2>&-`)
                    stream.flush()
        except Exception:  # a closed pipe, a closed stream: ends as it always did
            sys.exit(code)
        os._exit(code)
    sys.exit(code)


def _pause_collector(stack: contextlib.ExitStack) -> None:
    """Pause the cyclic garbage collector for a command, from its imports to its end.

    A command makes its objects in bursts (its modules, a board's views, its due items, its
    JSON) that it keeps to its end or frees by their counts, yet each burst set the collector
    walking every object the process holds: 10-15 ms of a command at 1,000 cards, 75-110 ms
    at 10,000. The stack resumes it when the command ends, or once parsed for `sync --watch`
    and the demo, which run until they are stopped."""
    from store.vault.collector import collector_paused

    stack.enter_context(collector_paused())


def _only_daemons_left() -> bool:
    main_thread = threading.main_thread()
    return all(t.daemon or t is main_thread for t in threading.enumerate())


def main(argv: Sequence[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else list(argv)
    if given == ["--version"]:  # at once, without loading every command
        from tui.cli.version import version

        print(f"followup-tui {version()}")
        return 0
    global _command_done
    _command_done = False
    launch = board_launch(given)
    with contextlib.ExitStack() as collector:
        if launch is not None:
            from tui.launch import pause_collector_for_start, unlock_in_advance

            collector.callback(pause_collector_for_start())  # the app resumes it sooner
            unlock_in_advance(launch.vault)  # Argon2id, and the board, while Textual loads
        else:
            _pause_collector(collector)
            command, vault = command_of(given)
            if command in UNLOCKING_COMMANDS:
                from tui.launch import unlock_in_advance

                unlock_in_advance(vault, command=True)  # Argon2id while the command loads
        args = launch or parse(given)
        if getattr(args, "watch", False) or getattr(args, "draws_the_app", False):
            collector.close()  # `sync --watch` and the demo run until they are stopped
        return _run_command(args)


def _run_command(args: argparse.Namespace) -> int:
    """The board, or the command `args` names: every failure a user can cause is one line."""
    try:
        from tui.cli.context import request_device_name

        request_device_name(getattr(args, "device_name", None))
        if args.command is None:
            from tui.app import run

            return run(vault=args.vault)
        if getattr(args, "draws_the_app", False):  # `demo`: the app draws its own screen
            return int(args.func(args) or 0)
        with output_guard():
            code = int(args.func(args) or 0)
            from tui.cli.context import after_command

            after_command()
        global _command_done
        _command_done = True
        return code
    except UsageError as exc:
        print(f"followup-tui {args.command}: error: {one_line(exc)}", file=sys.stderr)
        return 2
    except FollowupError as exc:
        print(f"followup-tui: {one_line(exc)}", file=sys.stderr)
        for candidate in getattr(exc, "candidates", ()):  # several cards answered: pick one
            print(f"  {one_line(candidate)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("followup-tui: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # the last guard: never a traceback on a user's screen
        print(crash_line(exc, log_crash(exc)), file=sys.stderr)
        return 70
    finally:
        gc.unfreeze()  # a board frozen while it was open (`open_session`): give it back
        if "tui.cli.context" in sys.modules:
            sys.modules["tui.cli.context"].forget_sessions()
        if "tui.launch" in sys.modules:
            sys.modules["tui.launch"].forget_unlock_in_advance()  # one not taken (an error)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
