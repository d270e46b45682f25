"""The cyclic garbage collector kept out of the way of a board's many objects.

A replica of 10,000 cards parses into millions of containers; each burst of them sets the
collector walking every object the process holds. Parsed JSON holds no cycles, so there is
nothing for it to find: reading pauses it, and a board kept open is frozen out of its walks.

Must never hold a lock while the caller's code runs, and never leave the collector off.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable, Iterator

_pause_lock = threading.Lock()
_pauses = 0
_collector_was_enabled = False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Keep the cyclic garbage collector out of a replica's parse.

    Parsing 10,000 cards makes millions of containers, and each burst of them sets the
    collector walking every object the process holds (a whole board, in the app): most of the
    time of a parse went there. Parsed JSON holds no cycles, so there is nothing for it to
    find. Safe from any thread and nested: the collector is back as it was when the last
    pause ends.
    """
    global _pauses, _collector_was_enabled
    with _pause_lock:
        if _pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _collector_was_enabled:
                gc.enable()


@contextlib.contextmanager
def long_lived_objects() -> Iterator[None]:
    """Open a board: make its many objects with the collector paused, then freeze them.

    A board lives as long as the process that opened it; once frozen, the collector never
    walks it again (it had been walking 10,000 cards right after every open). Acyclic data
    is still freed as usual; `gc.unfreeze()` hands the rest back when the board is done.
    """
    with collector_paused():
        yield
        gc.freeze()


def paused_until_resumed() -> Callable[[], None]:
    """Pause the collector now, for work that ends somewhere else (the board's launch: from
    its first imports to its first screen on the terminal, in another module). The callable
    given back resumes it; calls after the first do nothing, from any thread."""
    pause = collector_paused()
    pause.__enter__()
    lock = threading.Lock()
    resumed = False

    def resume() -> None:
        nonlocal resumed
        with lock:
            if resumed:
                return
            resumed = True
        pause.__exit__(None, None, None)

    return resume
