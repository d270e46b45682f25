"""Reminders when the board is closed: which due items to remind of now, and what was reminded.

`followup-tui remind` runs every hour (a systemd user timer or cron). Each note or interview
is reminded once when it falls due, and an overdue note again at most once a day; a run that
was missed (the laptop was off) catches up with everything that fell due meanwhile, once.

What was reminded is this device's own business, kept in the config dir
(`reminders.json`), never in the vault: each laptop reminds its own user once. `pick` is a
pure function of the due items, that log and `now`; `ReminderLog` reads and writes the file.
A damaged log is reported and read as empty (the worst that does is one repeated reminder);
a log that cannot be written stops the run before anything is shown, so nothing is reminded
twice an hour.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from store.errors import FollowupError
from store.files import atomic_write, ensure_folder
from store.notes.due import NOTE, OFFER_DEADLINE, DueItem, local
from store.untrusted import MAX_SMALL_FILE_BYTES, read_capped

LOG_FILE = "reminders.json"
# A close suggestion waits for the board: it is a question, not a deadline.
REMINDED_KINDS: tuple[str, ...] = (NOTE, OFFER_DEADLINE, "interview")
FORGET_AFTER = timedelta(days=60)  # an entry whose item is gone is kept this long, then dropped


@dataclass(frozen=True)
class Reminder:
    """One item to remind of now, and why: it fell `due`, or it is still `overdue`."""

    item: DueItem
    reason: str  # "due" | "overdue"


def item_key(item: DueItem) -> str:
    """Which item, and which deadline of it: a next round's thank-you is a new reminder."""
    return f"{item.key}@{item.at.isoformat()}"


def pick(
    items: Iterable[DueItem], log: dict[str, str], now: datetime, tz: tzinfo | None
) -> list[Reminder]:
    """What to remind of now: every listed item never reminded, and each overdue note not yet
    reminded today (the user's calendar day). `log` maps `item_key` to the last reminder."""
    today = local(now, tz).date()
    found = []
    for item in items:
        if item.kind not in REMINDED_KINDS:
            continue
        status = item.status(now, tz)
        if status == "upcoming":
            continue
        last = _moment(log.get(item_key(item)))
        if last is None:
            found.append(Reminder(item, "overdue" if status == "overdue" else "due"))
        elif status == "overdue" and local(last, tz).date() < today:
            found.append(Reminder(item, "overdue"))
    return found


def remembered(
    log: dict[str, str], reminders: Sequence[Reminder], listed: Iterable[DueItem], now: datetime
) -> dict[str, str]:
    """The log after reminding of `reminders`: their time noted, entries of items no longer
    listed dropped once they are old (an answer came, the note went out)."""
    current = {item_key(i) for i in listed}
    kept = {
        key: when
        for key, when in log.items()
        if key in current or ((_moment(when) or now) > now - FORGET_AFTER)
    }
    for reminder in reminders:
        kept[item_key(reminder.item)] = now.isoformat()
    return kept


def _moment(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


class ReminderLog:
    """`reminders.json` in this device's config dir: `{"reminded": {item key: ISO moment}}`."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / LOG_FILE
        self.problem: str | None = None  # why the file was read as empty, if it was damaged

    def read(self) -> dict[str, str]:
        try:
            raw = read_capped(self.path, MAX_SMALL_FILE_BYTES)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            self.problem = f"{self.path}: cannot read it ({exc.strerror or exc})"
            return {}
        try:
            data = json.loads(raw.decode("utf-8"))
            reminded = data["reminded"]
            if not isinstance(reminded, dict):
                raise TypeError
        except (ValueError, TypeError, KeyError, RecursionError):
            self.problem = f"{self.path}: damaged; starting a new one"
            return {}
        return {str(k): v for k, v in reminded.items() if isinstance(v, str)}

    def write(self, log: dict[str, str]) -> None:
        """Keep the log; a `FollowupError` naming the folder when it cannot be written."""
        data = json.dumps({"reminded": dict(sorted(log.items()))}, indent=1) + "\n"
        try:
            ensure_folder(self.path.parent)
            atomic_write(self.path, data.encode("utf-8"))
        except FollowupError as exc:
            said = str(exc).removesuffix("; the previous version is unchanged.").rstrip(".")
            raise FollowupError(
                f"{said}; reminders are kept there, so nothing was reminded."
            ) from None
