"""Textual's terminal driver, made to survive the terminal closing under the app.

When the window closes (or ssh drops), the first write to the terminal fails (EIO) and kills
Textual's writer thread. Its queue holds 30 writes and nothing empties it any more: the hang-up
also sends SIGCONT, on which Textual writes a dozen sequences to resume, and with a frame or
two and the exit's own writes the queue is full. The next write then blocks the app for good,
its exit included, so `FollowupApp._watch_for_hangup` quit but the process never ended. The
more loaded the machine, the more frames queue up first: the hang-up test failed under load.

Here the output drops what a closed terminal cannot take, so the writer keeps emptying its
queue and the app ends. This module must never swallow anything but the terminal's own write
errors (OSError), and never touch a driver other than Textual's Linux one (Windows, web and
test drivers are left as they are).
"""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from textual.driver import Driver


class TerminalOutput:
    """The terminal as Textual's writer thread writes to it: once it is gone, writes are dropped."""

    def __init__(self, file: TextIO) -> None:
        self._file = file

    def write(self, text: str) -> int:
        try:
            return self._file.write(text)
        except OSError:  # the terminal is gone: nobody can see this, the hang-up check quits
            return len(text)

    def flush(self) -> None:
        with contextlib.suppress(OSError):
            self._file.flush()

    def fileno(self) -> int:
        return self._file.fileno()


def surviving_a_closed_terminal(driver: type[Driver]) -> type[Driver]:
    """`driver`, or on a Unix terminal a Linux driver whose output is a `TerminalOutput`."""
    if sys.platform == "win32":
        return driver
    from textual.drivers.linux_driver import LinuxDriver

    if driver is not LinuxDriver:
        return driver

    class SurvivingDriver(LinuxDriver):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._file = TerminalOutput(self._file)  # what its writer thread writes to

    return SurvivingDriver
