"""Undo and redo as new writes: what a change did to the board, and how to take it back.

`recorded(action)` wraps one write to the board (a move, an edit, closing, deleting, a note
marked sent, the same on several cards at once) and returns, with its result, a `Change`:
for each card it touched, every field whose value changed (before and after, and the stamp of
the version it wrote) and the timeline events it added. `take_back(board, change)` writes the
values from before again, as new stamped writes, and takes the events back (`Board.write_back`);
recorded in turn, what it did is the change a redo takes back.

Never a rewind of the merged state: each write replaces only the version it undoes, so a
version another laptop wrote beside it stays; a field another laptop changed since (it no
longer holds what the change wrote) is left as it is and named, never written over. Pure: no I/O, no clock but the board's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from store.cards.board import Board
from store.cards.model import CardState, current_value
from store.cards.timeline import UNDONE

T = TypeVar("T")

# Field names as a person says them in "left Acme's notes as they were".
FIELD_WORDS = {
    "interviewed_at": "interview date",
    "promised_by": "promised date",
    "key_points": "key points",
    "contact_email": "contact email",
    "deleted": "place in the trash",
}


@dataclass(frozen=True)
class FieldChange:
    name: str
    before: Any  # the stored value (JSON form) before the change
    after: Any
    wrote: str | None  # the stamp of the version the change wrote (None: none was written)


@dataclass(frozen=True)
class CardChange:
    card_id: str
    company: str
    fields: tuple[FieldChange, ...]
    events: tuple[str, ...]  # timeline events the change added (a move, a note sent…)
    kinds: tuple[str, ...] = ()  # their kinds, for the description
    new: bool = False  # the change made this card

    def field(self, name: str) -> FieldChange | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class Change:
    cards: tuple[CardChange, ...]
    description: str

    def __bool__(self) -> bool:
        return bool(self.cards)

    @property
    def card_ids(self) -> set[str]:
        return {c.card_id for c in self.cards}


def _newest(entries: list[Any] | None) -> str | None:
    return max((e[1] for e in entries), default=None) if entries else None


def _card_change(card_id: str, before: CardState | None, after: CardState) -> CardChange | None:
    old_fields = before["f"] if before else {}
    new_fields = after["f"]
    fields = []
    for name in sorted(set(old_fields) | set(new_fields)):
        if name == "created_at":
            continue
        old, new = old_fields.get(name), new_fields.get(name)
        if _newest(old) == _newest(new):
            continue
        fields.append(
            FieldChange(
                name,
                current_value(name, old),
                current_value(name, new),
                _newest(new),
            )
        )
    if before is None:  # a new card: taking it back puts it in the trash
        fields = [FieldChange("deleted", True, False, _newest(new_fields.get("deleted")))]
    old_events = before["t"] if before else {}
    added = [(k, e) for k, e in after["t"].items() if k not in old_events]
    events = tuple(sorted(k for k, e in added if e.get("kind") != "created"))
    kinds = tuple(sorted({str(e.get("kind")) for k, e in added if k in events}))
    if not fields and not events:
        return None
    company = str(current_value("company", new_fields.get("company")) or "(no company)")
    return CardChange(card_id, company, tuple(fields), events, kinds, new=before is None)


def recorded(action: Callable[[Board], T]) -> Callable[[Board], tuple[T, Change]]:
    """`action`, also returning the `Change` it made (run it inside `Session.change`, so what
    the session merged before running it is not part of the change)."""

    def run(board: Board) -> tuple[T, Change]:
        before = dict(board.cards)  # states are copied on write: identity says what changed
        result = action(board)
        cards = []
        for card_id, state in board.cards.items():
            old = before.get(card_id)
            if old is state:
                continue
            change = _card_change(card_id, old, state)
            if change is not None:
                cards.append(change)
        made = tuple(cards)
        return result, Change(made, describe(made))

    return run


def take_back(board: Board, change: Change) -> tuple[str, ...]:
    """Write back what `change` replaced and take back the events it added; returns the fields
    left as they were because another laptop changed them since ("Acme's notes").

    Run it through `recorded` inside `Session.change`: the `Change` that makes is the redo.
    """
    kept: list[str] = []
    for card in change.cards:
        state = board.cards.get(card.card_id)
        if state is None:
            continue
        values: dict[str, tuple[Any, str | None]] = {}
        for f in card.fields:
            entries = state["f"].get(f.name)
            # Still what the change made it (undoing a later change of ours made it that again,
            # with a newer stamp): put it back. Anything else came from another laptop since.
            if current_value(f.name, entries) != f.after:
                words = FIELD_WORDS.get(f.name, f.name.replace("_", " "))
                kept.append(f"{card.company}'s {words}")
                continue
            values[f.name] = (f.before, _newest(entries))
        board.write_back(card.card_id, values, card.events)
    return tuple(kept)


# --- saying what a change was -----------------------------------------------------------------


def _plural(count: int) -> str:
    return "1 card" if count == 1 else f"{count} cards"


def _what(card: CardChange) -> tuple[str, str]:
    """(the kind of change, the words after the card's name or count)."""
    deleted, stage = card.field("deleted"), card.field("stage")
    if card.new:
        return "added", ""
    if UNDONE in card.kinds:
        return "took back", ""
    if deleted is not None:
        return ("deleted", "") if deleted.after else ("restored", "")
    if "note_sent" in card.kinds:
        return "marked sent", ""
    if "answered" in card.kinds:
        return "answered", ""
    if "round" in card.kinds:
        return "next round", ""
    if stage is not None:
        outcome = card.field("outcome")
        if stage.after == "closed" and outcome is not None and outcome.after:
            return "closed", f"as {str(outcome.after).replace('-', ' ')}"
        return "moved", f"to {stage.after}"
    names = [f.name for f in card.fields]
    if names == ["tags"]:
        return "tagged", ""
    return "edited", ", ".join(FIELD_WORDS.get(n, n.replace("_", " ")) for n in names)


def describe(cards: Iterable[CardChange]) -> str:
    """A change in a few words: "moved Acme to waiting", "deleted 3 cards", "edited Acme (role)"."""
    cards = list(cards)
    if not cards:
        return "nothing"
    kinds = {_what(card) for card in cards}
    if len(cards) == 1:
        kind, rest = kinds.pop()
        name = cards[0].company
        if kind == "marked sent":
            return f"the note to {name} marked as sent"
        if kind == "answered":
            return f"{name}'s answer"
        if kind == "next round":
            return f"{name}'s next round"
        if kind == "edited":
            return f"edited {name} ({rest})" if rest else f"edited {name}"
        return f"{kind} {name}" + (f" {rest}" if rest else "")
    if len(kinds) == 1:
        kind, rest = kinds.pop()
        if kind == "edited":
            return f"edited {_plural(len(cards))}"
        return f"{kind} {_plural(len(cards))}" + (f" {rest}" if rest else "")
    return f"changed {_plural(len(cards))}"
