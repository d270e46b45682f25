"""The calendar file of config.yaml's `calendar_file: PATH`: an .ics kept current for a calendar
app subscribed to it (README, "Mail, clipboard and calendar").

`CalendarFile.refresh` builds the calendar (`store.transfer.ics`: the due notes with their
alarms, the interviews still to come) and rewrites the file atomically only when an event
changed: the DTSTAMP lines, which say when the text was made, do not count, so a calendar app
reading the file every few minutes sees the same bytes until something really changed. UIDs are
stable (card + template, card + interview), so an updated event replaces the old one.

The file is plaintext (companies, people, dates), so it is written with mode 0600 and refused
anywhere inside the vault folder, which is synced to every device and the cloud.

Must never write inside the vault folder, never write a file whose content did not change, and
never raise anything but `FollowupError` for a setting or a write that fails.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from store.cards.dates import parse_duration
from store.errors import BadValue, FollowupError, WriteFailed
from store.files import atomic_write
from store.untrusted import quoted

OFF_WORDS = frozenset({"off", "none", "no", "false", "never"})
MAX_CALENDAR_BYTES = 256 * 1024 * 1024
OUR_MARK = b"PRODID:-//followup-tui//"
RECHECK = 300.0  # seconds: how often the calendar is built again when nothing changed


def alarm_lead(text: str | None, where: str = "config.yaml") -> timedelta | None:
    """The lead of the calendar's alarms from `calendar_alarm` (unset: an hour; `off`: none;
    `0`: at the deadline itself). Read like an interview's duration: `30 min`, `1 h`, `1h30`,
    a bare number of minutes, up to a day."""
    from store.transfer.ics import DEFAULT_ALARM

    if text is None or not str(text).strip():
        return DEFAULT_ALARM
    words = str(text).strip().lower()
    if words in OFF_WORDS:
        return None
    if re.fullmatch(r"0+\s*(?:h|hr|hrs|hours?|m|min|mins|minutes?)?", words):
        return timedelta(0)  # 0, 0m, 0 min: ring at the moment itself
    try:
        return timedelta(minutes=parse_duration(str(text)))
    except BadValue as exc:
        raise FollowupError(f"{where}: calendar_alarm: {exc}") from None


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def calendar_path(text: str, vault: Path, where: str = "config.yaml") -> Path:
    """Where `calendar_file` points (a symlink followed), or why it may not be written there."""
    path = Path(os.path.expandvars(str(text).strip())).expanduser()
    if not str(text).strip() or not path.is_absolute():
        raise FollowupError(
            f"{where}: calendar_file {quoted(text)} should be a full path, e.g. "
            "~/.local/share/followup.ics."
        )
    target = path.resolve()
    if _inside(target, Path(vault).resolve()):
        raise FollowupError(
            f"{where}: calendar_file {path} is inside the vault folder, which is synced: the "
            "calendar is plaintext and would reach every device and the cloud. Put it elsewhere."
        )
    if target.is_dir():
        raise FollowupError(f"{where}: calendar_file {path} is a folder; give a file name.")
    try:
        special = not stat.S_ISREG(target.stat().st_mode)
    except OSError:
        special = False  # not there yet (or unreadable: the write says why)
    if special:  # a device or a pipe: renaming a file over it would replace it
        raise FollowupError(f"{where}: calendar_file {path} is not a regular file; name a file.")
    return target


def _events_only(text: str) -> str:
    """The calendar without its DTSTAMP lines: what says whether an event changed."""
    return "".join(
        line for line in text.splitlines(keepends=True) if not line.startswith("DTSTAMP:")
    )


@dataclass
class Refreshed:
    written: bool = False
    error: str | None = None  # the setting or the write failed: one line to show
    repeated: bool = False  # the same error as last time (said once is enough)


class CalendarFile:
    """One device's calendar file; keep one per process and call `refresh` when things move."""

    def __init__(self, setting: str, alarm: str | None, vault: Path) -> None:
        self.setting = setting
        self.alarm_setting = alarm
        self.vault = Path(vault)
        self._written: str | None = None  # what we last wrote (without DTSTAMPs)
        self._signature: tuple[int, int] | None = None  # its mtime and size on disk
        self._seen: object = None  # what `stale` was last given
        self._checked: float | None = None  # and when
        self._error: str | None = None

    def stale(self, state: object, clock: float, every: float = RECHECK) -> bool:
        """True when the calendar should be built again: `state` (the board's and the
        templates' versions) moved, or `every` seconds passed on the monotonic `clock`
        (an interview ends, an item stops being reminded, without any change)."""
        if state == self._seen and self._checked is not None and clock - self._checked < every:
            return False
        self._seen, self._checked = state, clock
        return True

    @classmethod
    def from_config(cls, config: Any, vault: Path) -> CalendarFile | None:
        """The config's calendar file, or None when `calendar_file` is not set."""
        setting = getattr(config, "calendar_file", None)
        if not setting:
            return None
        return cls(setting, getattr(config, "calendar_alarm", None), vault)

    def text(
        self, cards: Iterable[Any], templates: Sequence[Any], now: datetime, tz: tzinfo | None
    ) -> str:
        from store.notes.due import board_items
        from store.transfer.ics import calendar_from_items, upcoming_interviews

        cards = list(cards)
        items = board_items(cards, templates, now, tz, include_upcoming=True)
        return calendar_from_items(
            items,
            now,
            alarm=alarm_lead(self.alarm_setting),
            interviews=upcoming_interviews(cards, now),
        )

    def refresh(
        self,
        cards: Iterable[Any],
        templates: Sequence[Any],
        now: datetime,
        tz: tzinfo | None = None,
    ) -> Refreshed:
        """Rewrite the file if an event in it changed; say what went wrong in one line.

        `cards` and `templates` (the templates in use, `TemplateSet.all()`) are read-only
        views, so this may run off the thread that changes the board."""
        try:
            path = calendar_path(self.setting, self.vault)
            text = self.text(cards, templates, now, tz)
            written = self.write(path, text)
        except FollowupError as exc:
            repeated, self._error = str(exc) == self._error, str(exc)
            return Refreshed(error=str(exc), repeated=repeated)
        self._error = None
        return Refreshed(written=written)

    def write(self, path: Path, text: str) -> bool:
        events = _events_only(text)
        if events == self._written and self._signature == _signature(path):
            return False
        if self._written is None or self._signature != _signature(path):
            on_disk = _read_ours(path)
            if on_disk is not None and _events_only(on_disk) == events:
                self._written, self._signature = events, _signature(path)
                return False
        atomic_write(path, text.encode("utf-8"), mode=0o600)  # a new file: never wider
        self._written, self._signature = events, _signature(path)
        return True


def _read_ours(path: Path) -> str | None:
    """The calendar file as we last wrote it; None when there is none yet. A file of someone
    else's (another calendar the setting names by mistake) is refused, never written over."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(MAX_CALENDAR_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise WriteFailed(f"{path}: cannot read it ({exc.strerror or exc}).") from None
    if not head.strip():
        return None  # an empty file (touched by hand, or a write cut short): ours to fill
    if OUR_MARK not in head[:2000]:
        raise FollowupError(
            f"calendar_file {path} holds a file followup-tui did not write; it is left alone. "
            "Remove it, or name another file in config.yaml."
        )
    return head.decode("utf-8", "replace").replace("\r\n", "\n").replace("\n", "\r\n")


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)
