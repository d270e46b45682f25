"""Search over everything a card holds: what `/` on the board and `list --search` find.

A card's texts are its company, role, round, people, contact, tags, key points, questions,
notes, what was learned, the posting (address and text), the résumé label, the offer's words,
every text field a newer app adds, every version two laptops left in conflict, and from its
timeline the subjects and bodies of the notes sent, the answers received, the rounds and the
names of the files attached. A query is words (or "quoted phrases"); a card matches when it
holds every one of them, in any of its texts, whatever their case and accents (`fold`).

`SearchIndex` keeps each card's folded text, built the first time it is asked for and again only
for a card whose state changed: the board replaces a card's state on every write and merge
(copy-on-write), so the same state object means the same text, and a new one with the same
newest stamp and as many timeline events holds it too (a replica read again). A query then
costs one substring scan per card over text folded once, never the folding again.

`found_in` and `spans` say where a card matched, for the detail view's marks and the CLI.

Pure functions and an in-memory cache; no I/O. Reads the raw card state, not `Card` views
(building a view is ten times the work, and a board of 10,000 cards must stay quick to search).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from store.cards.board import Board
from store.cards.documents import ATTACHED, DETACHED
from store.cards.model import TEXT_FIELDS, CardState, Interviewer
from store.cards.words import fold, fold_map
from store.untrusted import clean_text, one_line

# Where a text was found, in the words a person reads: fields first, in the order the card
# view shows them; a text field this list does not know is named after itself.
PLACES: dict[str, str] = {
    "company": "company",
    "role": "role",
    "round": "round",
    "interviewers": "interviewers",
    "contact_email": "contact",
    "tags": "tags",
    "key_points": "key points",
    "questions": "questions",
    "notes": "notes",
    "learned": "learned",
    "posting_url": "posting address",
    "posting_text": "posting",
    "resume": "résumé sent",
    "bonus": "offer",
    "equity": "offer",
    "salary": "offer",
    "currency": "offer",
    "links": "links",
    "note_sent": "note sent",
    "answered": "answer",
    "round_event": "round",
    "attached": "attachment",
    "timeline": "timeline",
}
_FIELD_ORDER = tuple(name for name in PLACES if name in TEXT_FIELDS)
# Timeline values worth finding: what was written, not ids, hashes or stamps.
_EVENT_TEXTS = ("subject", "text", "round", "name")
_EVENT_PLACES = {"note_sent": "note_sent", "answered": "answered", "round": "round_event"}
# A quote not closed yet runs to the end (the board searches as each letter is typed, so a
# phrase is half-typed before it is whole): never a word that holds the quote mark itself.
_QUOTED = re.compile(r'"([^"]*)"?|(\S+)')
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def place_words(place: str) -> str:
    return PLACES.get(place, place.replace("_", " "))


# --- a card's texts ---------------------------------------------------------------------------


def _item_text(name: str, item: Any) -> str:
    if name == "interviewers":
        return str(Interviewer.from_json(item))
    return item if isinstance(item, str) else "" if item is None else str(item)


def _value_texts(name: str, value: Any) -> Iterator[str]:
    if isinstance(value, (list, tuple)):
        for item in value:
            text = _item_text(name, item)
            if text:
                yield text
    elif value not in (None, ""):
        yield _item_text(name, value)


def card_texts(state: CardState) -> list[tuple[str, str]]:
    """(place, text) for every text the card holds, every stored version of a field included.

    Total: a value of the wrong shape (another app, a hand-made backup) is read as text.
    """
    fields = state["f"]
    found: list[tuple[str, str]] = []
    names = [n for n in _FIELD_ORDER if n in fields]
    names += sorted(n for n in fields if n in TEXT_FIELDS and n not in PLACES)
    for name in names:
        entries = fields[name]
        if len(entries) > 1:  # a conflict: the current version first, then the others
            entries = sorted(entries, key=lambda e: e[1], reverse=True)
        for entry in entries:
            found.extend((name, text) for text in _value_texts(name, entry[0]))
    events = [e for e in state["t"].values() if isinstance(e, dict)]
    detached = {e.get("attachment") for e in events if e.get("kind") == DETACHED}
    for event in sorted(events, key=lambda e: (str(e.get("at", "")), str(e.get("id", "")))):
        kind = event.get("kind")
        if kind == ATTACHED:
            if event.get("id") not in detached and isinstance(event.get("name"), str):
                found.append(("attached", event["name"]))
            continue
        place = _EVENT_PLACES.get(str(kind), "timeline")
        for key in _EVENT_TEXTS:
            value = event.get(key)
            if isinstance(value, str) and value:
                found.append((place, value))
    return found


def searchable(state: CardState) -> str:
    """The card's folded text: the texts of `card_texts`, NUL between two (a term never holds
    one, so it never matches across two texts), folded in one go.

    The same texts as `card_texts` gathers, read the quick way: it runs for every card of a
    board the first time it is searched.
    """
    parts: list[str] = []
    add = parts.append
    for name, entries in state["f"].items():
        if name not in TEXT_FIELDS:
            continue
        for entry in entries:
            value = entry[0]
            if type(value) is str:
                add(value)
            elif type(value) is list:
                for item in value:
                    if type(item) is str:
                        add(item)
                    elif type(item) is dict:
                        add(" ".join(str(v) for v in item.values() if v))
                    elif item is not None:
                        add(str(item))
            elif value is not None:
                add(str(value))
    events = state["t"].values()
    detached: set[Any] | None = None
    for event in events:
        if type(event) is not dict:
            continue
        if event.get("kind") == ATTACHED:
            if detached is None:
                detached = {e.get("attachment") for e in events if e.get("kind") == DETACHED}
            if event.get("id") in detached:
                continue
        for key in _EVENT_TEXTS:
            value = event.get(key)
            if type(value) is str and value:
                add(value)
    return fold("\x00".join(parts))


# --- a query ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """What was typed: words and "quoted phrases", folded; empty matches every card."""

    text: str
    terms: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Query:
        typed = _CONTROL.sub(" ", text)
        terms = []
        for quoted, word in _QUOTED.findall(typed):
            term = fold(quoted if quoted else word).strip()
            if term and term not in terms:
                terms.append(term)
        # The longest first: it is the rarest, so a card that lacks it is passed soonest.
        return cls(" ".join(typed.split()), tuple(sorted(terms, key=len, reverse=True)))

    def __bool__(self) -> bool:
        return bool(self.terms)

    def matches(self, folded: str) -> bool:
        return all(term in folded for term in self.terms)


# --- the index --------------------------------------------------------------------------------


def _version(state: CardState) -> tuple[str, int]:
    """Changes whenever the card's texts may have: a field's newest stamp or a new event."""
    newest = max((e[1] for entries in state["f"].values() for e in entries), default="")
    return newest, len(state["t"])


class SearchIndex:
    """Each card's folded text, kept for the board it reads."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self._texts: dict[str, tuple[CardState, tuple[str, int], str]] = {}
        self._pending: list[str] | None = None  # what `warm` has still to fold

    def text(self, card_id: str) -> str:
        """The card's folded text ("" for a card the board does not hold)."""
        state = self.board.cards.get(card_id)
        if state is None:
            self._texts.pop(card_id, None)
            return ""
        known = self._texts.get(card_id)
        if known is not None and known[0] is state:
            return known[2]
        version = _version(state)
        text = known[2] if known is not None and known[1] == version else searchable(state)
        self._texts[card_id] = (state, version, text)
        return text

    def matches(self, card_id: str, query: Query) -> bool:
        return not query or query.matches(self.text(card_id))

    def search(self, query: Query, card_ids: Iterable[str] | None = None) -> list[str]:
        """The ids (of `card_ids`, or every card) that hold every term, in the order given."""
        cards = self.board.cards
        ids = cards.keys() if card_ids is None else card_ids
        if not query:
            return list(ids)
        texts, text = self._texts, self.text
        terms = query.terms
        first, rest = terms[0], terms[1:]
        found = []
        for cid in ids:
            known = texts.get(cid)
            # The kept text when the card's state is the very one it was made from (the usual
            # case, inlined: this loop runs for every card on every key typed in the filter).
            folded = known[2] if known is not None and known[0] is cards.get(cid) else text(cid)
            if first in folded and all(term in folded for term in rest):
                found.append(cid)
        return found

    def warm(self, limit: int = 250) -> bool:
        """Fold up to `limit` cards not folded yet; True once every card is. The board calls it
        a slice at a time while the user is idle, so the first `/` finds the work done."""
        if self._pending is None:
            self._pending = [cid for cid in self.board.cards if cid not in self._texts]
        batch, self._pending = self._pending[:limit], self._pending[limit:]
        for card_id in batch:
            self.text(card_id)
        return not self._pending

    def forget(self) -> None:
        """Drop every kept text (the next query folds each card again)."""
        self._texts.clear()
        self._pending = None


# --- where a card matched ---------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """One text of a card that holds a term of the query: where, and a line around it."""

    place: str  # a field name, or a timeline place (note_sent, answered, attached…)
    excerpt: str

    @property
    def words(self) -> str:
        return place_words(self.place)

    def to_json(self) -> dict[str, str]:
        return {"field": self.place, "where": self.words, "excerpt": self.excerpt}


def spans(text: str, query: Query) -> list[tuple[int, int]]:
    """Where in `text` (as it is, not folded) the query's terms are: sorted, not overlapping."""
    if not query or not text:
        return []
    folded, origin = fold_map(text)
    found: list[tuple[int, int]] = []
    for term in query.terms:
        start = folded.find(term)
        while start >= 0:
            end = start + len(term)
            found.append((origin[start], origin[end - 1] + 1))
            start = folded.find(term, end)
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def excerpt(text: str, at: tuple[int, int], width: int = 72) -> str:
    """One line of `text` around the span `at`, with … where it was cut."""
    start, end = at
    room = max(0, width - (end - start))
    left = max(0, start - room // 3)
    right = min(len(text), end + room - (start - left))
    shown = one_line(clean_text(" ".join(text[left:right].split())))
    return ("…" if left > 0 else "") + shown + ("…" if right < len(text) else "")


def found_in(state: CardState, query: Query, limit: int = 8) -> list[Found]:
    """The texts of a card that hold a term of the query, one per place, in the card's order."""
    if not query:
        return []
    found: list[Found] = []
    places: set[str] = set()
    for place, text in card_texts(state):
        if place_words(place) in places or len(found) >= limit:
            continue
        folded = fold(text)
        if not any(term in folded for term in query.terms):
            continue
        where = spans(text, query)
        if where:
            places.add(place_words(place))
            found.append(Found(place, excerpt(text, where[0])))
    return found
