"""Opening the user's mail client with a letter: config.yaml's `mail_command`, or `mailto:`.

`mail_command` is a command line, split like a shell would (no shell runs it). `{file}` stands
for a private RFC 5322 message file (`message.py`), `{mailto}` for the letter's `mailto:` URL;
with neither, the message goes to the program's standard input (`msmtp -t`, `sendmail -t`).
How it is run is guessed from the program's name, and config.yaml can say otherwise:
- `mail_command_sends`: the program sends at once (msmtp, sendmail, …): the screen asks first.
- `mail_command_waits`: the program is a terminal client (neomutt, mutt, aerc): the app hands
  it the terminal and waits for it; a client with a window of its own (Thunderbird, Evolution,
  xdg-email) is started beside the board, which stays on screen.
Without `mail_command`, the `mailto:` URL goes to the desktop's opener (`xdg-open`; `open` on
macOS), which starts the mail client the desktop has for `mailto:` links.

Nothing here decides whether a letter went out: the caller asks the user afterwards. Every
failure is a `FollowupError` of one line (what failed, and what to set); nothing is sent by a
program the user did not confirm when `sends` is true.
"""

from __future__ import annotations

import contextlib
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from store.errors import FollowupError
from store.untrusted import printable

FILE = "{file}"
MAILTO = "{mailto}"
# Programs that send a message the moment they read it: ask before running one.
SENDERS = frozenset(
    {"msmtp", "sendmail", "ssmtp", "esmtp", "dma", "nullmailer-inject", "mailx", "mail", "s-nail"}
)
# Mail clients with a window of their own: start them beside the board, never wait for them.
WINDOWED = frozenset(
    {
        "thunderbird",
        "betterbird",
        "evolution",
        "geary",
        "kmail",
        "claws-mail",
        "sylpheed",
        "balsa",
        "mailspring",
        "xdg-email",
        "xdg-open",
        "open",
        "gio",
        "flatpak",
    }
)
QUICK_FAILURE = 5.0  # seconds: a program started beside the board that fails, fails by then
ERROR_CHARS = 200


@dataclass(frozen=True)
class MailCommand:
    """A `mail_command` as config.yaml gives it, ready to run."""

    words: tuple[str, ...]
    sends: bool
    waits: bool

    @property
    def program(self) -> str:
        return Path(self.words[0]).name

    @property
    def uses_stdin(self) -> bool:
        return not any(FILE in w or MAILTO in w for w in self.words)

    @property
    def uses_file(self) -> bool:
        return any(FILE in w for w in self.words)

    def argv(self, file: Path | None, url: str) -> list[str]:
        """The words with `{file}` and `{mailto}` filled in, each still one argument."""
        return [w.replace(FILE, str(file or "")).replace(MAILTO, url) for w in self.words]


def mail_command(config: Any) -> MailCommand | None:
    """The config's `mail_command`, or None when it has none (then: `mailto:`)."""
    text = getattr(config, "mail_command", None)
    if text is None or not str(text).strip():
        return None
    try:
        words = tuple(shlex.split(str(text)))
    except ValueError as exc:
        raise FollowupError(f"config.yaml: mail_command cannot be read ({exc}).") from None
    program = Path(words[0]).name
    sends = _flag(config, "mail_command_sends")
    waits = _flag(config, "mail_command_waits")
    return MailCommand(
        words,
        sends=program in SENDERS if sends is None else sends,
        waits=program not in WINDOWED if waits is None else waits,
    )


def _flag(config: Any, key: str) -> bool | None:
    value = getattr(config, key, None)
    if value is None or isinstance(value, bool):
        return value
    raise FollowupError(f"config.yaml: {key} should be true or false, not {value!r}.")


def opener(platform: str | None = None) -> list[str]:
    """The desktop's opener for a URL, or a `FollowupError` saying what to set instead."""
    platform = platform or sys.platform
    names = ["open"] if platform == "darwin" else ["xdg-open", "wslview"]
    for name in names:
        found = shutil.which(name)
        if found:
            return [found]
    raise FollowupError(
        f"No {names[0]} to open a mailto: link: set mail_command in config.yaml "
        '(e.g. mail_command: "neomutt -H {file}"), or copy the note with y.'
    )


def _first_line(stream: IO[bytes], hide: str | None = None) -> str:
    """The last thing a program said on stderr, short (a long URL it repeats is `hide`)."""
    stream.seek(0)
    said = stream.read(64 * 1024).decode("utf-8", "replace")
    if hide:
        said = said.replace(hide, "the mailto: link")
    lines = [line.strip() for line in said.splitlines()]
    text = next((line for line in reversed(lines) if line), "")
    text = printable(text)
    return text if len(text) <= ERROR_CHARS else text[:ERROR_CHARS] + "…"


def _failed(name: str, code: int, said: str, what: str) -> FollowupError:
    why = f": {said}" if said else ""
    return FollowupError(f"{name} exited with status {code}{why}; {what}")


def _not_started(name: str, exc: OSError, setting: str) -> FollowupError:
    if isinstance(exc, FileNotFoundError):
        return FollowupError(f"{name}: no such program; check {setting} in config.yaml.")
    return FollowupError(f"Cannot run {name} ({exc.strerror or exc}); check {setting}.")


NOT_RECORDED = "nothing was recorded as sent."


def run_waiting(
    argv: Sequence[str],
    stdin: bytes | None,
    in_terminal: Callable[[Callable[[], subprocess.CompletedProcess[bytes] | OSError]], Any],
    setting: str = "mail_command",
) -> None:
    """Run a terminal mail program until it exits (`in_terminal` hands it the terminal).

    Its standard error is kept in a temp file (the screen comes back over it), so a failure
    can be shown in one line.
    """
    name = Path(argv[0]).name
    with tempfile.TemporaryFile() as errors:

        def run() -> subprocess.CompletedProcess[bytes] | OSError:
            try:
                return subprocess.run(
                    list(argv),
                    input=stdin,
                    stderr=errors,
                    check=False,
                )
            except OSError as exc:  # returned, not raised: see tui.followups.editor
                return exc

        result = in_terminal(run)
        if isinstance(result, OSError):
            raise _not_started(name, result, setting)
        if result.returncode != 0:
            raise _failed(name, result.returncode, _first_line(errors), NOT_RECORDED)


def start_beside(
    argv: Sequence[str], stdin: bytes | None, setting: str, hide: str | None = None
) -> None:
    """Start a program with a window of its own (or the URL opener) and let it run.

    Blocks up to `QUICK_FAILURE` seconds (call it off the screen's thread) to catch a program
    that fails at once: `xdg-open` without a mail client for `mailto:` exits 3 or 4.
    """
    name = Path(argv[0]).name
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                list(argv),
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                start_new_session=True,  # not ended by the terminal's signals, nor our exit
            )
        except OSError as exc:
            raise _not_started(name, exc, setting) from None
        if stdin is not None and process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.write(stdin)
            with contextlib.suppress(OSError):
                process.stdin.close()
        try:
            code = process.wait(timeout=QUICK_FAILURE)
        except subprocess.TimeoutExpired:
            return  # still running: the mail client is open
        if code != 0:
            what = (
                "nothing was recorded as sent (is a mail app set for mailto: links?)"
                if setting == "the mailto: opener"
                else NOT_RECORDED
            )
            raise _failed(name, code, _first_line(errors, hide), what)
