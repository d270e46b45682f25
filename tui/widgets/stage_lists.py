"""The board's five columns as ordered lists of card ids, kept in order incrementally.

A board of 10,000 cards is sorted once when it opens; after that a changed card is taken out
of its old place and put into its new one by bisection, so a move or a merge from another
laptop costs a few list operations, not a re-sort. The text filter works on a lowercase
"haystack" per card, built once per card version.

Pure bookkeeping: this module must never import Textual or write to the vault.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

from store.board import Board
from store.model import STAGES, Card

# Cards without any date sort after dated ones in open stages and before them in closed.
_NO_DATE = float("inf")

SortKey = tuple[float, str, str]


def sort_key(card: Card) -> SortKey:
    """Open stages: the longest-waiting first. Closed: the most recent first."""
    moment = card.interviewed_at or card.created_at
    stamp = moment.timestamp() if moment else _NO_DATE
    if card.stage == "closed":
        stamp = -stamp
    return (stamp, card.company.lower(), card.id)


def haystack(card: Card) -> str:
    """What the `/` filter searches: company, role, people, tags (lowercase)."""
    people = " ".join(f"{p.name} {p.title} {p.email}" for p in card.interviewers)
    return " ".join((card.company, card.role, people, " ".join(card.tags), card.contact_email))


class StageLists:
    """Ordered card ids per stage for one board, plus the current text filter."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self._keys: dict[str, list[SortKey]] = {stage: [] for stage in STAGES}
        self._ids: dict[str, list[str]] = {stage: [] for stage in STAGES}
        self._placed: dict[str, tuple[str, SortKey]] = {}
        self._haystacks: dict[str, tuple[str, str]] = {}
        self._filtered: dict[str, list[str]] | None = None
        self.query = ""
        self.rebuild()

    # --- building -----------------------------------------------------------------------------

    def rebuild(self) -> None:
        keys: dict[str, list[SortKey]] = {stage: [] for stage in STAGES}
        placed: dict[str, tuple[str, SortKey]] = {}
        for card in self.board.all():
            key = sort_key(card)
            keys[card.stage].append(key)
            placed[card.id] = (card.stage, key)
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
            if card_id not in self.board.cards:
                continue
            card = self.board.card(card_id)
            if card.deleted:
                continue
            key = sort_key(card)
            column = self._keys[card.stage]
            index = bisect_left(column, key)
            column.insert(index, key)
            self._ids[card.stage].insert(index, card_id)
            self._placed[card_id] = (card.stage, key)
            touched.add(card.stage)
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
        self.query = " ".join(query.lower().split())
        self._refilter()

    def matches(self, card_id: str) -> bool:
        if not self.query:
            return True
        card = self.board.card(card_id)
        cached = self._haystacks.get(card_id)
        if cached is None or cached[0] != card.updated:
            cached = self._haystacks[card_id] = (card.updated, haystack(card).lower())
        return all(word in cached[1] for word in self.query.split())

    def _refilter(self) -> None:
        if not self.query:
            self._filtered = None
            return
        self._filtered = {
            stage: [card_id for card_id in ids if self.matches(card_id)]
            for stage, ids in self._ids.items()
        }
