"""`followup-tui`: with no command it opens the board; with one it acts and exits.

Every failure a user can cause ends as one line on stderr and exit status 1 (usage errors: 2).
No traceback reaches a user: an unexpected error is logged to the config dir and summarised
(`tui/crash.py`). The CLI is the outer layer of `tui/`: it imports the app and the launch path,
and nothing in them imports it.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from store.errors import FollowupError, WriteFailed
from store.untrusted import printable
from tui.cli.commands import UNLOCKING_COMMANDS, command_of
from tui.crash import crash_line, log_crash, one_line

if TYPE_CHECKING:
    import argparse


class UsageError(FollowupError):
    """A command given in a way it cannot run, found after parsing (`move ID closed` without
    `--outcome`): said like argparse's own errors, exit status 2."""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser, or the parser of the command module `only` (tui/cli/parser.py)."""
    from tui.cli.parser import build_parser as build

    return build(only)


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """The arguments, as tui/cli/parser.py reads them."""
    from tui.cli.parser import parse as read

    return read(argv)


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
    """The arguments of a launch of the board (no command), read without the full parser
    (`board_values`, as a parser's namespace)."""
    values = board_values(argv)
    if values is None:
        return None
    import argparse

    return argparse.Namespace(command=None, **values)


def board_values(argv: Sequence[str]) -> dict[str, str | None] | None:
    """`--vault` and `--device-name` of a launch of the board (no command), or None.

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
    return values


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
    board = board_values(given)  # (argparse loads once the derive has begun)
    with contextlib.ExitStack() as collector:
        if board is not None:
            from tui.launch import pause_collector_for_start, unlock_in_advance

            collector.callback(pause_collector_for_start())  # the app resumes it sooner
            unlock_in_advance(board["vault"])  # Argon2id, and the board, while Textual loads
        else:
            _pause_collector(collector)
            command, vault = command_of(given)
            if command in UNLOCKING_COMMANDS:
                from tui.launch import unlock_in_advance

                unlock_in_advance(vault, command=True)  # Argon2id while the command loads
        args = board_launch(given) if board is not None else parse(given)
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
