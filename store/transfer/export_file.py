"""An export as the user asked for it: the text of the board in one format, and the file it
goes to. The CLI's `export` and the board's export dialog both use this, so both refuse the
same places and write the same bytes.

Every export is plaintext: it is written with mode 0600 (a file that was there keeps no
wider mode) and never inside the vault folder (which is synced: plaintext there would reach
every device and the cloud). Writing goes through `store.files.write_output` (a pipe or a device is written
into, never replaced). Never deletes anything; the caller decides whether an existing file may
be replaced.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from store.errors import FollowupError
from store.files import write_output
from store.transfer import exporter, ics
from store.transfer.calendar_file import alarm_lead
from store.vault.session import Session

# What each format is called where a person picks one, and the file name ending it gets.
FORMAT_NAMES: dict[str, str] = {
    "csv": "CSV (a spreadsheet)",
    "json": "JSON backup (everything, NOT encrypted)",
    "md": "Markdown report",
    "ics": "Calendar (ICS: the notes due)",
}
SUFFIXES: dict[str, str] = {"csv": ".csv", "json": ".json", "md": ".md", "ics": ".ics"}
PLAINTEXT_WARNING = (
    "this backup is NOT encrypted: anyone who can read it sees every card. Keep it somewhere "
    "private and delete it when done."
)


@dataclass(frozen=True)
class Export:
    format: str
    text: str
    count: int  # the cards (a record's entries, a calendar's events) it holds
    unit: str = "card"  # what `count` counts, in the singular

    @property
    def summary(self) -> str:
        """ "18 cards", "1 event", "5 entries": what the file holds, as the user reads it."""
        if self.count == 1:
            return f"1 {self.unit}"
        plural = self.unit[:-1] + "ies" if self.unit.endswith("y") else self.unit + "s"
        return f"{self.count:,} {plural}"

    @property
    def data(self) -> bytes:
        # A spreadsheet reads a CSV's accents right only with a BOM.
        return self.text.encode("utf-8-sig" if self.format in ("csv", "activity") else "utf-8")


def export_board(session: Session, fmt: str, include_deleted: bool, now: datetime) -> Export:
    """The board as `fmt` ("csv", "json", "md", "ics"); the trash only with `include_deleted`
    (a JSON backup always holds every card)."""
    if fmt not in exporter.FORMATS:
        raise FollowupError(
            f"Unknown export format {fmt!r}; formats: {', '.join(exporter.FORMATS)}."
        )
    cards = session.board.all(include_deleted=include_deleted)
    if fmt == "csv":
        return Export(fmt, exporter.to_csv(cards), len(cards))
    if fmt == "md":
        return Export(fmt, exporter.to_markdown(cards, now=now), len(cards))
    if fmt == "ics":  # with alarms `calendar_alarm` ahead (config.yaml; an hour unless set)
        alarm = alarm_lead(session.config.calendar_alarm)
        text = ics.calendar(session, now=now, alarm=alarm)
        return Export(fmt, text, text.count("\r\nBEGIN:VEVENT\r\n"), unit="event")
    backup = exporter.to_backup(
        session.board,
        session.vault.id,
        exporter.read_templates(session.vault.templates_dir),
        now=now,
    )
    text = json.dumps(backup, indent=1, ensure_ascii=False) + "\n"
    return Export(fmt, text, len(session.board.cards))


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def check_destination(output: Path, vault_folder: Path) -> None:
    """`FollowupError` (one sentence) when an export may not be written at `output`."""
    if _inside(output, vault_folder):
        raise FollowupError(
            f"{output}: inside the vault folder, which is synced; an export there would "
            "carry plaintext to every device and the cloud. Write it somewhere else."
        )
    if output.is_dir():
        raise FollowupError(f"{output}: is a folder; give a file name.")
    if not output.parent.is_dir():
        raise FollowupError(f"{output.parent}: no such folder.")


def write_export(output: Path, export: Export) -> None:
    write_output(output, export.data, mode=0o600)
    if output.is_file():
        output.chmod(0o600)  # a file that was there before keeps no wider mode
