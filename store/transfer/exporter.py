"""Taking the board out: CSV for spreadsheets, a complete JSON backup, and a Markdown report.

Pure functions from cards (or the board's state) to text; the CLI decides where it goes. The
CSV columns are stable and read back by `store.transfer.importer` (same names, lists one per line). The
JSON backup carries each card's raw CRDT state, so an import gives back the same ids, stages,
timelines and conflicts exactly.

It must never: write a file itself, leave out a card from a backup (the trash included), or
change the board.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from store.cards.board import Board
from store.cards.model import Card, iso_utc
from store.cards.stages import OUTCOMES, STAGES, outcome_words
from store.notes.templates import TemplateError, read_template_file
from store.transfer.importer import BACKUP_FORMAT, IMPORT_FIELDS
from store.untrusted import spreadsheet_cell

# The CSV columns are exactly what import reads back, so an export round-trips.
CSV_COLUMNS: tuple[str, ...] = IMPORT_FIELDS
FORMATS: tuple[str, ...] = ("csv", "json", "md", "ics")


def board_order(cards: Iterable[Card]) -> list[Card]:
    """Stage by stage, then the newest interview first: how the board reads."""

    def key(card: Card) -> tuple[int, float, str, str]:
        when = -card.interviewed_at.timestamp() if card.interviewed_at else 0.0
        return (STAGES.index(card.stage), when, card.company.casefold(), card.id)

    return sorted(cards, key=key)


def _local(moment: datetime | None, with_time: bool = True) -> str:
    if moment is None:
        return ""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def csv_row(card: Card) -> dict[str, str]:
    return {
        "id": card.id,
        "company": card.company,
        "role": card.role,
        "stage": card.stage,
        "outcome": card.outcome or "",
        "round": card.round,
        "interviewed_at": _local(card.interviewed_at),
        "interviewers": "\n".join(str(i) for i in card.interviewers),
        "contact_email": card.contact_email,
        "promised_by": card.promised_by.isoformat() if card.promised_by else "",
        "links": "\n".join(card.links),
        "tags": ", ".join(card.tags),
        "key_points": "\n".join(card.key_points),
        "questions": "\n".join(card.questions),
        "notes": card.notes,
        "learned": card.learned,
    }


def to_csv(cards: Iterable[Card]) -> str:
    """One row per card; dates in local time as spreadsheets show them; lists one per line; a
    cell that a spreadsheet would run as a formula gets a leading `'` (import removes it)."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for card in board_order(cards):
        writer.writerow({k: spreadsheet_cell(v) for k, v in csv_row(card).items()})
    return out.getvalue()


def to_backup(
    board: Board,
    vault_id: str,
    templates: dict[str, str] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Everything the board holds, decrypted: each card's view and its raw state."""
    cards = []
    for card_id in sorted(board.cards):
        view = board.card(card_id).to_json()
        view["state"] = board.cards[card_id]
        cards.append(view)
    return {
        "format": BACKUP_FORMAT,
        "version": 1,
        "exported_at": iso_utc(now or datetime.now(UTC)),
        "vault_id": vault_id,
        "exported_by": board.device,
        "devices": board.devices,
        "cards": cards,
        "templates": dict(sorted((templates or {}).items())),
    }


def read_templates(folder: Path) -> dict[str, str]:
    """The vault's note templates as text (they are plaintext in the folder already)."""
    found: dict[str, str] = {}
    try:
        paths = sorted(Path(folder).iterdir())
    except OSError:
        return found
    for path in paths:
        if path.suffix in (".yaml", ".yml") and not path.name.startswith(".") and path.is_file():
            try:  # as the app reads them: never a link out of the folder, a FIFO or a huge file
                found[path.name] = read_template_file(path).decode("utf-8")
            except (TemplateError, UnicodeDecodeError):
                continue
    return found


# --- Markdown -----------------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*[]#|"})
# What Markdown reads as an address to link (CommonMark's autolinks), kept as written so the
# report shows `<eve@umbrella.com>`, not `\<eve@umbrella.com\>`. Only mail and web addresses:
# a `<javascript:…>` is text. (No `|` in the address: a table cell would end there.)
_AUTOLINK = re.compile(
    r"<(?:https?://[^\s<>|]+|mailto:[^\s<>|]+"
    r"|[A-Za-z0-9.!#$%&'*+/=?^_`{}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>"
)
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")  # what would open HTML: `<b>`, `</x>`, `<!--`
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")  # `&amp;` typed on a card stays as typed
_EMPHASIS = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")  # snake_case needs no escape


def _md_text(text: str) -> str:
    text = text.translate(_MD_SPECIAL)
    text = _EMPHASIS.sub(r"\\_", text)
    return _TAG_START.sub("&lt;", _ENTITY.sub("&amp;", text))


def md(text: str) -> str:
    """Text as one line of Markdown that reads as it was typed, with nothing it holds taken as
    Markdown or HTML: addresses in <angle brackets> stay (they are links), the rest escaped."""
    line = " ".join(str(text).split())
    out, last = [], 0
    for found in _AUTOLINK.finditer(line):
        out += [_md_text(line[last : found.start()]), found[0]]
        last = found.end()
    out.append(_md_text(line[last:]))
    return "".join(out)


_md = md


def _card_md(card: Card) -> list[str]:
    title = _md(card.company) + (f" — {_md(card.role)}" if card.role else "")
    lines = [f"### {title}", ""]
    facts: list[str] = []
    if card.outcome:
        facts.append(f"- **Outcome:** {outcome_words(card.outcome)}")
    if card.interviewed_at:
        round_ = f" ({_md(card.round)} round)" if card.round else ""
        facts.append(f"- **Interviewed:** {_local(card.interviewed_at)}{round_}")
    elif card.round:
        facts.append(f"- **Round:** {_md(card.round)}")
    if card.interviewers:
        facts.append("- **Interviewers:** " + "; ".join(_md(str(i)) for i in card.interviewers))
    if card.promised_by:
        facts.append(f"- **Answer promised by:** {card.promised_by.isoformat()}")
    if card.contact_email:
        facts.append(f"- **Contact:** {_md(card.contact_email)}")
    if card.tags:
        facts.append("- **Tags:** " + ", ".join(_md(t) for t in card.tags))
    for label, items in (
        ("Links", card.links),
        ("Key points", card.key_points),
        ("Questions asked", card.questions),
    ):
        if items:
            facts.append(f"- **{label}:**")
            facts.extend(f"  - {_md(item)}" for item in items)
    if card.notes:
        facts.append(f"- **Notes:** {_md(card.notes)}")
    if card.learned:
        facts.append(f"- **Learned:** {_md(card.learned)}")
    if card.conflicts:
        facts.append(
            "- **Unresolved edits:** "
            + ", ".join(sorted(card.conflicts))
            + " (pick one with `followup-tui resolve`)"
        )
    steps = []
    for event in card.timeline:
        what = event.kind.replace("_", " ")
        if event.kind == "moved":
            what = f"moved to {event.get('to')}"
        if event.get("template"):
            what += f" ({event.get('template')})"
        steps.append(f"{_local(event.at, with_time=False)} {_md(what)}")
    if steps:
        facts.append("- **Timeline:** " + " · ".join(steps))
    return [*lines, *facts, ""]


def to_markdown(cards: Iterable[Card], now: datetime | None = None) -> str:
    """A report a person reads: a summary line, then each stage with its cards."""
    ordered = board_order(c for c in cards if not c.deleted)
    by_stage = {stage: [c for c in ordered if c.stage == stage] for stage in STAGES}
    when = (now or datetime.now(UTC)).astimezone().strftime("%Y-%m-%d")
    counts = ", ".join(f"{len(by_stage[s])} {s}" for s in STAGES)
    out = [f"# Job search report, {when}", "", f"{len(ordered)} cards: {counts}.", ""]
    for stage in STAGES:
        cards_here = by_stage[stage]
        heading = f"## {stage.capitalize()} ({len(cards_here)})"
        if stage == "closed" and cards_here:
            tally = [
                f"{sum(1 for c in cards_here if c.outcome == o)} {outcome_words(o)}"
                for o in OUTCOMES
                if any(c.outcome == o for c in cards_here)
            ]
            if tally:
                heading += ": " + ", ".join(tally)
        out.extend([heading, ""])
        if not cards_here:
            out.extend(["Nothing here.", ""])
        for card in cards_here:
            out.extend(_card_md(card))
    return "\n".join(out).rstrip("\n") + "\n"
