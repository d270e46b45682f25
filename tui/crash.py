"""What a user reads when something goes wrong: one line, never a traceback.

An error a user can act on is one line (`one_line`); an error nothing caught is summarised in
one line too (`crash_line`) while its traceback goes to the config dir's crash.log
(`log_crash`). The CLI and the app both end here, so a user has one file to send.

Must never import Textual (the CLI reports its errors before any of the app is loaded), and
never print a traceback where a user reads.
"""

from __future__ import annotations

import os

from store.untrusted import one_line as printable_line

MAX_ERROR_LINE = 1000  # characters: a message quoting a pasted novel is still one line


def one_line(text: object) -> str:
    """An error message as the single line a user sees: file names may hold newlines, and a
    card's text or another device's file name may hold escape codes (shown, never obeyed)."""
    line = printable_line(text)
    return line if len(line) <= MAX_ERROR_LINE else line[: MAX_ERROR_LINE - 1] + "…"


def log_crash(error: BaseException) -> str:
    """Append the traceback of `error` to the config dir's crash.log; returns where it went.

    Only the owner may read it: an error message may quote a card.
    """
    try:
        # Loaded here, not with the module: every command loads this one before its key derive.
        import traceback
        from datetime import datetime

        from store.config import config_dir

        path = config_dir() / "crash.log"
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(f"--- {datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z}\n")
            handle.write("".join(traceback.format_exception(error)) + "\n")
        return str(path)
    except (OSError, ImportError, MemoryError):  # (fds or memory run out: say the error anyway)
        return "(no log could be written)"


def crash_line(error: BaseException, where: str) -> str:
    """What a user reads instead of a traceback: the error in one line, and where the log is."""
    what = f"{type(error).__name__}: {one_line(error)}"
    return f"followup-tui: unexpected error ({what}); details in {where}."
