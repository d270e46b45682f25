"""A terminal closed under the app: what Textual's writer thread writes is dropped, not fatal.

A real pseudo-terminal whose other end is closed (what a closed window leaves behind), and
Textual's own writer thread: without `TerminalOutput` the thread dies on the first write and
the next writes block for ever. The whole app in a closed tmux window is
tests/e2e/test_tui_hangup.py.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import threading

from conftest import WAIT
from textual.drivers._writer_thread import MAX_QUEUED_WRITES, WriterThread
from textual.drivers.headless_driver import HeadlessDriver
from textual.drivers.linux_driver import LinuxDriver

from tui.app import FollowupApp
from tui.closed_terminal import TerminalOutput, surviving_a_closed_terminal


def test_writes_to_a_closed_terminal_are_dropped_and_the_writer_still_stops() -> None:
    main, terminal = os.openpty()
    output = os.fdopen(terminal, "w")
    writer = WriterThread(TerminalOutput(output))  # type: ignore[arg-type]
    writer.start()
    writer.write("the board\n")
    os.close(main)  # the window closes

    def go_on_then_quit() -> None:
        for frame in range(3 * MAX_QUEUED_WRITES):
            writer.write(f"frame {frame}\n")
        writer.stop()

    app_thread = threading.Thread(target=go_on_then_quit, daemon=True)
    app_thread.start()
    app_thread.join(timeout=WAIT)
    assert not app_thread.is_alive(), "a write to the closed terminal blocked"
    assert not writer.is_alive()
    with contextlib.suppress(OSError):  # its last bytes cannot reach the closed terminal either
        output.close()


def test_the_app_drives_the_terminal_through_a_driver_that_survives_its_closing(laptop) -> None:
    driver = FollowupApp().driver_class
    assert issubclass(driver, LinuxDriver)
    assert driver is not LinuxDriver
    assert surviving_a_closed_terminal(HeadlessDriver) is HeadlessDriver


def test_textuals_linux_driver_still_hands_its_writer_thread_the_file_we_wrap() -> None:
    """`SurvivingDriver` wraps `LinuxDriver._file`; if Textual renames it, this must fail."""
    source = inspect.getsource(LinuxDriver.start_application_mode)
    assert "WriterThread(self._file)" in source
    assert "self._file = sys.__stderr__" in inspect.getsource(LinuxDriver.__init__)
