"""Hybrid logical clock stamps: the total order that decides which concurrent write wins.

A stamp is a string `WWWWWWWWWWWWW.CCCCC.DEVICE` (wall milliseconds, counter, device id) whose
string order is the clock order, so it compares fast and travels in JSON as it is. The clock
never goes backwards, even when the wall clock does or another device's clock runs ahead.
"""

from __future__ import annotations

import time
from collections.abc import Callable

_WALL = 13
_COUNT = 5


def make_stamp(wall_ms: int, counter: int, device: str) -> str:
    return f"{wall_ms:0{_WALL}d}.{counter:0{_COUNT}d}.{device}"


def stamp_device(stamp: str) -> str:
    return stamp[_WALL + _COUNT + 2 :]


def stamp_wall_ms(stamp: str) -> int:
    return int(stamp[:_WALL])


def _parts(stamp: str) -> tuple[int, int]:
    return int(stamp[:_WALL]), int(stamp[_WALL + 1 : _WALL + 1 + _COUNT])


class Clock:
    """One device's hybrid logical clock; `observe` every stamp read from elsewhere."""

    def __init__(self, device: str, now_ms: Callable[[], int] | None = None) -> None:
        self.device = device
        self._now_ms = now_ms or (lambda: time.time_ns() // 1_000_000)
        self._wall = 0
        self._counter = 0

    def tick(self) -> str:
        now = self._now_ms()
        if now > self._wall:
            self._wall, self._counter = now, 0
        else:
            self._counter += 1
            if self._counter >= 10**_COUNT:
                self._wall, self._counter = self._wall + 1, 0
        return make_stamp(self._wall, self._counter, self.device)

    def observe(self, stamp: str | None) -> None:
        """Move past a stamp read from a replica, so our next write orders after it."""
        if not stamp:
            return
        try:
            wall, counter = _parts(stamp)
        except ValueError:
            return  # not a stamp this app wrote; it cannot order anything
        if (wall, counter) > (self._wall, self._counter):
            self._wall, self._counter = wall, counter

    def latest(self) -> str:
        return make_stamp(self._wall, self._counter, self.device)
