"""Hybrid logical clock stamps: the total order that decides which concurrent write wins.

A stamp is a string `WWWWWWWWWWWWW.CCCCC.WRITER` (wall milliseconds, counter, writer id) and
travels in JSON as it is. Stamps are ordered as numbers (`stamp_key`): the text of a stamp this
app writes sorts the same way, but a stamp from a crafted backup or a clock gone wild may have
more digits, and must then sort after, not before.

The clock never goes backwards, even when the wall clock does or another device's clock runs
ahead, but it is bounded: a stamp more than `DRIFT_MS` ahead of this machine's clock is never
adopted (it is counted in `ahead`, for the caller to report), so one laptop with a clock set
years ahead cannot drag every device's clock there and freeze a field for everyone.

The writer id is the device's id, or a fresh one the device took when its history could no
longer be one line (a rolled-back replica, a clock that went back below its own stamps).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

_WALL = 13
_COUNT = 5
DRIFT_MS = 24 * 3600 * 1000  # a day: more than any honest clock is off, less than a freeze
_CANONICAL = re.compile(r"[0-9]{13}\.[0-9]{5}\.")
_ANY = re.compile(r"([0-9]+)\.([0-9]+)\.(.*)", re.DOTALL)


def make_stamp(wall_ms: int, counter: int, device: str) -> str:
    return f"{wall_ms:0{_WALL}d}.{counter:0{_COUNT}d}.{device}"


def stamp_device(stamp: str) -> str:
    """The writer of a stamp (a device id, or an incarnation of one)."""
    if len(stamp) > _WALL + _COUNT + 2 and stamp[_WALL] == "." and stamp[_WALL + _COUNT + 1] == ".":
        return stamp[_WALL + _COUNT + 2 :]  # the form every clock writes: the hot path
    match = _ANY.fullmatch(stamp)
    return match[3] if match else ""


def stamp_wall_ms(stamp: str) -> int:
    """The wall-clock part of a stamp in milliseconds (0 for one that is not a stamp)."""
    if _CANONICAL.match(stamp):
        return int(stamp[:_WALL])
    match = _ANY.fullmatch(stamp)
    return int(match[1]) if match else 0


def stamp_key(stamp: str) -> str:
    """The sort key of a stamp: ordering keys as text orders the stamps as numbers.

    A stamp in the form every clock writes is its own key (this runs for every version of every
    card merged, so that case costs one regular-expression match). Any other stamp gets a key
    that sorts where its numbers say: after every ordinary stamp with the same wall time when
    its counter has more digits, after every ordinary stamp at all when its wall time has more
    digits (year 2286 and beyond), before them all when it is not a stamp. Its own text ends
    the key, so two different stamps never share a key and the order stays total.
    """
    if _CANONICAL.match(stamp) or not stamp:
        return stamp
    match = _ANY.fullmatch(stamp)
    if match is None:
        return "!" + stamp
    wall, counter = int(match[1]), int(match[2])
    if wall >= 10**_WALL:
        digits = str(wall)
        return f":{len(digits):04d}{digits}.{counter:020d}.{match[3]}\x00{stamp}"
    if counter >= 10**_COUNT:
        digits = str(counter)
        return f"{wall:0{_WALL}d}.:{len(digits):04d}{digits}.{match[3]}\x00{stamp}"
    return f"{make_stamp(wall, counter, match[3])}\x00{stamp}"


def later(a: str, b: str) -> bool:
    """True when stamp `a` orders after stamp `b`."""
    return stamp_key(a) > stamp_key(b)


def newest(stamps: list[str]) -> str:
    return max(stamps, key=stamp_key) if stamps else ""


def _parts(stamp: str) -> tuple[int, int]:
    match = _ANY.fullmatch(stamp)
    if match is None:
        raise ValueError(f"not a stamp: {stamp!r}")
    return int(match[1]), int(match[2])


class Clock:
    """One writer's hybrid logical clock; `observe` every stamp read from elsewhere."""

    def __init__(
        self, device: str, now_ms: Callable[[], int] | None = None, drift_ms: int = DRIFT_MS
    ) -> None:
        self.device = device
        self._now_ms = now_ms or (lambda: time.time_ns() // 1_000_000)
        self.drift_ms = drift_ms
        self._wall = 0
        self._counter = 0
        self._observed = (0, 0)  # the newest stamp adopted from elsewhere
        # The newest stamp each writer wrote that this clock refused to adopt (too far ahead).
        self.ahead: dict[str, str] = {}

    def now_ms(self) -> int:
        return self._now_ms()

    def limit(self) -> str:
        """The greatest stamp this clock would adopt now (as a sort key)."""
        return make_stamp(self._now_ms() + self.drift_ms, 10**_COUNT - 1, "\U0010ffff")

    def tick(self) -> str:
        now = self._now_ms()
        if now > self._wall:
            self._wall, self._counter = now, 0
        else:
            self._counter += 1
            if self._counter >= 10**_COUNT:
                self._wall, self._counter = self._wall + 1, 0
        return make_stamp(self._wall, self._counter, self.device)

    def observe(self, stamp: str | None) -> bool:
        """Move past a stamp read from a replica, so our next write orders after it.

        False when the stamp is too far ahead of this machine's clock to adopt: it is counted
        in `ahead` under its writer instead.
        """
        if not stamp:
            return True
        try:
            wall, counter = _parts(stamp)
        except ValueError:
            return True  # not a stamp this app wrote; it cannot order anything
        if wall > self._now_ms() + self.drift_ms:
            writer = stamp_device(stamp)
            known = self.ahead.get(writer)
            if known is None or later(stamp, known):
                self.ahead[writer] = stamp
            return False
        self._observed = max(self._observed, (wall, counter))
        if (wall, counter) > (self._wall, self._counter):
            self._wall, self._counter = wall, counter
        return True

    def latest(self) -> str:
        return make_stamp(self._wall, self._counter, self.device)

    def renamed(self, device: str, within_drift: bool = False) -> Clock:
        """This clock's time under another writer id (a new incarnation of the device).

        `within_drift`: a time beyond the drift (this machine's clock was set back after
        running ahead) is not carried over: the new writer's line starts from the machine's
        clock, or the newest stamp it adopted from elsewhere, so its stamps are ones every
        device adopts again.
        """
        clock = Clock(device, self._now_ms, self.drift_ms)
        clock._wall, clock._counter = self._wall, self._counter
        clock._observed = self._observed
        now = self._now_ms()
        if within_drift and clock._wall > now + self.drift_ms:
            clock._wall, clock._counter = max(self._observed, (now, 0))
        return clock
