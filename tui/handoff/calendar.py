"""The board's side of `calendar_file`: the calendar rebuilt off the screen's thread.

`CalendarKeeper.job` is asked every couple of seconds (the app's timer). It returns work to
run on a thread when the board or the templates changed, or five minutes passed (an interview
ended), and nothing while a build is still running. What the work reads is taken on the
screen's thread first: the board's card views and the templates in use, both read-only, so the
board may change meanwhile. The next tick sees that change and builds again.

Must never touch the board or the session from the thread, and never import Textual (the app
runs the work; this only knows what to do).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from store.transfer.calendar_file import CalendarFile, Refreshed


class CalendarKeeper:
    def __init__(self, context: Any) -> None:
        self.context = context
        self.file = CalendarFile.from_config(context.config, context.session.vault.path)
        self._busy = threading.Lock()

    def job(self) -> Callable[[], Refreshed] | None:
        """The work to run on a thread now, or None (nothing to do, or a build is running)."""
        templates = self.context.templates_read
        if self.file is None or templates is None or self._busy.locked():
            return None
        board = self.context.session.board
        if not self.file.stale((board.version, templates.version), time.monotonic()):
            return None
        cards, in_use = board.all(), list(templates.all())
        now, tz, file = self.context.now(), self.context.tz, self.file
        self._busy.acquire()

        def build() -> Refreshed:
            try:
                return file.refresh(cards, in_use, now, tz)
            finally:
                self._busy.release()

        return build
