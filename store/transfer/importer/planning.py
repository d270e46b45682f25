"""Planning an import: what reading a file would change on the board, touching neither.

Each row finds its card by the id it carries (our own CSV export), by the key of the row it
was imported from before, or by what the card says now (company, role, interview day); only
the fields whose value differs become changes. A backup's card states are merged in a copy.
Must never: clear a value the file leaves empty; move a card back to an earlier stage (the
app's own moves are newer than any spreadsheet); update a card in the trash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from store.cards.board import Board
from store.cards.companies import application_line, company_key, earlier_applications
from store.cards.fields import normalize
from store.cards.model import (
    DEFAULTS,
    Card,
    CardState,
    current_value,
    merge_cards,
    parse_iso_utc,
)
from store.cards.stages import STAGES
from store.transfer.importer.rows import IMPORTED, Problem, Row, row_key
from store.transfer.importer.source import Source


@dataclass
class Update:
    """What a row changes on a card it matched: field values, and maybe a move forward."""

    row: Row
    card_id: str
    changes: dict[str, Any]
    move: tuple[str, str | None] | None

    def describe(self) -> str:
        names = list(self.changes)
        if self.move:
            names.append("stage → " + (self.move[1] or self.move[0]))
        return f"{self.row.where}: {self.row.label}: {', '.join(names)}"


@dataclass
class Plan:
    """What importing a Source would do to a board; `apply` carries it out."""

    source: Source
    create: list[Row] = field(default_factory=list)
    update: list[Update] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[Problem] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # rows whose stage was not moved back
    new_cards: list[str] = field(default_factory=list)  # backup: ids not on the board yet
    changed_cards: list[str] = field(default_factory=list)  # backup: ids the merge changes
    templates: list[str] = field(default_factory=list)  # backup: templates to restore
    # New cards for a company already on the board: "line 7: Initech — rejected 2026-10-31
    # (Analyst)", one per earlier card, so nobody re-applies without knowing.
    earlier: list[str] = field(default_factory=list)

    @property
    def created(self) -> int:
        return len(self.create) + len(self.new_cards)

    @property
    def updated(self) -> int:
        return len(self.update) + len(self.changed_cards)

    @property
    def writes(self) -> bool:
        return bool(self.created or self.updated or self.templates)


def _card_key(state: CardState) -> str:
    fields = state["f"]
    when = parse_iso_utc(current_value("interviewed_at", fields.get("interviewed_at")))
    return row_key(
        str(current_value("company", fields.get("company")) or ""),
        str(current_value("role", fields.get("role")) or ""),
        when.astimezone().date() if when else None,
    )


def _keys(board: Board) -> dict[str, str]:
    """Every card by the key of the row it was imported from, then by what it says now."""
    imported: dict[str, str] = {}
    by_content: dict[str, str] = {}
    for card_id, state in board.cards.items():
        for event in state["t"].values():
            if event.get("kind") == IMPORTED and event.get("key"):
                imported.setdefault(str(event["key"]), card_id)
        deleted = current_value("deleted", state["f"].get("deleted"))
        if not deleted:
            by_content.setdefault(_card_key(state), card_id)
    return {**by_content, **imported}


def _same_moment(stored: str | None, row: Row) -> bool:
    """Minutes are what a spreadsheet keeps; a date-only cell matches any time that day."""
    if not stored:
        return False
    had = parse_iso_utc(stored)
    new = row.fields["interviewed_at"]
    if had is None:
        return False
    if row.day_only:
        return had.astimezone().date() == new.astimezone().date()
    return abs((had - new).total_seconds()) < 60


def _changes(board: Board, card_id: str, row: Row) -> dict[str, Any]:
    fields = board.cards[card_id]["f"]
    changes: dict[str, Any] = {}
    for name, value in row.fields.items():
        stored = current_value(name, fields.get(name))
        if name == "interviewed_at":
            if not _same_moment(stored, row):
                changes[name] = value
            continue
        if normalize(name, value) != (stored if stored is not None else DEFAULTS.get(name)):
            changes[name] = value
    return changes


def _move(current: str, current_outcome: str | None, row: Row) -> tuple[str, str | None] | None:
    """The move a row asks for (None: none); `MovesBack` when it would go to an earlier stage."""
    if row.stage is None:
        return None
    if row.stage == current:
        if current == "closed" and row.outcome and row.outcome != current_outcome:
            return ("closed", row.outcome)
        return None
    if STAGES.index(row.stage) < STAGES.index(current):
        raise _MovesBack
    return (row.stage, row.outcome)


class _MovesBack(Exception):
    """An import never moves a card back: the app's own moves are newer than any spreadsheet."""


def plan(board: Board, source: Source, templates_dir: Path | None = None) -> Plan:
    """What importing `source` would change on `board`; touches neither."""
    result = Plan(source=source, skipped=list(source.problems))
    if source.kind == "backup":
        _, changed = merge_cards(board.cards, source.states)
        result.new_cards = sorted(c for c in changed if c not in board.cards)
        result.changed_cards = sorted(c for c in changed if c in board.cards)
        result.unchanged = len(source.states) - len(changed)
        if templates_dir is not None:
            result.templates = sorted(
                t for t in source.templates if not (templates_dir / t).exists()
            )
        return result
    keys = _keys(board)
    by_company: dict[str, list[Card]] = {}
    for card in board.all():
        by_company.setdefault(company_key(card.company), []).append(card)
    seen_keys: dict[str, str] = {}
    seen_ids: dict[str, str] = {}
    for row in source.rows:
        card_id = row.card_id if row.card_id in board.cards else None
        if card_id and card_id in seen_ids:
            result.skipped.append(
                Problem(row.where, f"the same card as {seen_ids[card_id]} (id {card_id})")
            )
            continue
        if card_id is None and row.key in seen_keys:
            result.skipped.append(
                Problem(
                    row.where, f"the same company, role and interview date as {seen_keys[row.key]}"
                )
            )
            continue
        seen_keys.setdefault(row.key, row.where)
        card_id = card_id or keys.get(row.key)
        if card_id is None:
            result.create.append(row)
            before = earlier_applications(
                by_company.get(company_key(str(row.fields["company"])), ()),
                str(row.fields["company"]),
            )
            now = datetime.now(UTC)
            result.earlier.extend(f"{row.where}: {application_line(c, now=now)}" for c in before)
            continue
        seen_ids[card_id] = row.where
        card = board.card(card_id)
        if card.deleted:
            result.skipped.append(
                Problem(row.where, f"matches card {card_id} in the trash; restore it to update it")
            )
            continue
        try:
            move = _move(card.stage, card.outcome, row)
        except _MovesBack:
            result.kept.append(
                f"{row.where}: {row.label} stays {card.stage} (the file says {row.stage}; "
                "an import never moves a card back)"
            )
            move = None
        changes = _changes(board, card_id, row)
        if changes or move:
            result.update.append(Update(row, card_id, changes, move))
        else:
            result.unchanged += 1
    return result
