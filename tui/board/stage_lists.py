"""The board's five columns as ordered lists of card ids, kept in order incrementally.

A board of 10,000 cards is sorted once when it opens; after that a changed card is taken out
of its old place and put into its new one by bisection, so a move or a merge from another
laptop costs a few list operations, not a re-sort. The text filter is the search over everything
a card holds (`store.cards.search`): its index folds each card's text once per card version.

Pure bookkeeping: this module must never import Textual or write to the vault.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from store.cards.board import Board
from store.cards.model import STAGES, Card, CardState, current_value
from store.cards.search import Query, SearchIndex

# Cards without any date sort after dated ones in open stages and before them in closed.
_NO_DATE = float("inf")

SortKey = tuple[float, str, str]


def _value(fields: dict[str, Any], name: str) -> Any:
    entries = fields.get(name)
    if entries and len(entries) == 1:  # nearly always: one version, its value
        return entries[0][0]
    return current_value(name, entries)


def _timestamp(iso: Any) -> float:
    if not iso:
        return _NO_DATE
    try:
        return datetime.fromisoformat(iso).timestamp()  # a trailing Z reads as UTC (3.11)
    except (TypeError, ValueError):
        return _NO_DATE


def placing(card_id: str, state: CardState) -> tuple[str, SortKey] | None:
    """(stage, sort key) read straight from the stored state, or None for a deleted card.

    Reading the few fields a column needs from the raw state (not a full `Card` view with its
    timeline and conflicts) is what keeps opening a 10,000-card board quick.
    Open stages: the longest-waiting first. Closed: the most recent first.
    """
    fields = state["f"]
    if _value(fields, "deleted"):
        return None
    stage = _value(fields, "stage") or "interviewed"
    if stage not in STAGES:
        stage = "interviewed"
    stamp = _timestamp(_value(fields, "interviewed_at") or _value(fields, "created_at"))
    if stage == "closed":
        stamp = -stamp
    return stage, (stamp, str(_value(fields, "company") or "").lower(), card_id)


def sort_key(card: Card) -> SortKey:
    """The same order as `placing`, for a `Card` view."""
    moment = card.interviewed_at or card.created_at
    stamp = moment.timestamp() if moment else _NO_DATE
    if card.stage == "closed":
        stamp = -stamp
    return (stamp, card.company.lower(), card.id)


class StageLists:
    """Ordered card ids per stage for one board, plus the current text filter."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self._keys: dict[str, list[SortKey]] = {stage: [] for stage in STAGES}
        self._ids: dict[str, list[str]] = {stage: [] for stage in STAGES}
        self._placed: dict[str, tuple[str, SortKey]] = {}
        self.index = SearchIndex(board)
        self._filtered: dict[str, list[str]] | None = None
        self.search = Query.parse("")
        self.query = ""  # what was typed, spaces collapsed
        self.rebuild()

    # --- building -----------------------------------------------------------------------------

    def rebuild(self) -> None:
        keys: dict[str, list[SortKey]] = {stage: [] for stage in STAGES}
        placed: dict[str, tuple[str, SortKey]] = {}
        for card_id, state in self.board.cards.items():
            place = placing(card_id, state)
            if place is not None:
                keys[place[0]].append(place[1])
                placed[card_id] = place
        for column in keys.values():
            column.sort()
        self._keys, self._placed = keys, placed
        self._ids = {stage: [key[2] for key in column] for stage, column in keys.items()}
        self._refilter()

    def update(self, card_ids: Iterable[str]) -> set[str]:
        """Re-place the given cards (changed, added, deleted); return the stages touched."""
        touched: set[str] = set()
        for card_id in card_ids:
            old = self._placed.pop(card_id, None)
            if old is not None:
                stage, key = old
                column = self._keys[stage]
                index = bisect_left(column, key)
                if index < len(column) and column[index] == key:
                    del column[index]
                    del self._ids[stage][index]
                touched.add(stage)
            state = self.board.cards.get(card_id)
            place = placing(card_id, state) if state is not None else None
            if place is None:
                continue
            stage, key = place
            column = self._keys[stage]
            index = bisect_left(column, key)
            column.insert(index, key)
            self._ids[stage].insert(index, card_id)
            self._placed[card_id] = place
            touched.add(stage)
        if touched:
            self._refilter()
        return touched

    # --- reading ------------------------------------------------------------------------------

    def ids(self, stage: str) -> list[str]:
        """The visible card ids of a stage, in order (the filter applied); do not mutate it."""
        if self._filtered is not None:
            return self._filtered[stage]
        return self._ids[stage]

    def count(self, stage: str) -> int:
        if self._filtered is not None:
            return len(self._filtered[stage])
        return len(self._keys[stage])

    def total(self, stage: str) -> int:
        """How many cards the stage holds, whatever the filter."""
        return len(self._keys[stage])

    def stage_of(self, card_id: str) -> str | None:
        placed = self._placed.get(card_id)
        return placed[0] if placed else None

    def __contains__(self, card_id: str) -> bool:
        return card_id in self._placed

    # --- filtering ----------------------------------------------------------------------------

    def set_query(self, query: str) -> None:
        self.search = Query.parse(query)
        self.query = self.search.text if self.search else ""
        self._refilter()

    def matches(self, card_id: str) -> bool:
        return self.index.matches(card_id, self.search)

    def _refilter(self) -> None:
        if not self.search:
            self._filtered = None
            return
        self._filtered = {
            stage: self.index.search(self.search, ids) for stage, ids in self._ids.items()
        }
