"""The due rules worked out once per card: what the board's badges and the Today list read.

A card's due items depend on the card, the templates and the time zone, and on `now` only at
the end: whether an item is dropped (`drop_after_days`), whether it is listed yet (due today or
within 24 h) and the words that say when. So each card's items are worked out once per version
of the card (the board makes a new `Card` view only when its state changed) and of the
templates, and `now` is applied to them when they are read: a badge is a lookup, the Today list
a pass and a sort, and a change on one card recomputes that card alone.

Pure bookkeeping over `store.notes.due`, whose rules it never restates: same items, same
order. Must never read the clock, a file or the environment.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from store.cards.model import Card
from store.notes.due import DueItem, Schedulable, card_items, local, urgency

_LISTED_AHEAD = timedelta(hours=24)  # a timed item is listed (due) this long before its time


@dataclass(frozen=True)
class _Owed:
    """One item a card owes, with what reading it at a given `now` needs."""

    item: DueItem
    key: tuple[Any, ...]  # `urgency(item)`, made once
    drop_at: datetime | None  # from this moment it is no longer owed (`drop_after_days`)


def _drop_at(item: DueItem, tz: tzinfo | None) -> datetime | None:
    days = item.rule.drop_after_days
    if days is None:
        return None
    try:
        return item.falls_due(tz) + timedelta(days=days)
    except (OverflowError, ValueError):
        return None


class DueIndex:
    """Due items per card, for one time zone (`None`: the system's own rules)."""

    def __init__(self, tz: tzinfo | None) -> None:
        self.tz = tz
        # card id -> (the Card view, the templates they were worked out for, the items, the
        # badge as last said and for which minute)
        self._cards: dict[str, list[Any]] = {}
        self._templates: Sequence[Schedulable] | None = None  # the set the entries were made for
        self.worked_out = 0  # how many times a card's items were worked out (tests, bench)

    def _same(self, templates: Sequence[Schedulable]) -> Sequence[Schedulable]:
        """The list the entries were worked out for, when `templates` holds the same
        templates (a template set hands out a new list of the same objects at each call);
        else `templates`, from now on the one entries are checked against. Kept, so the
        objects it holds cannot be freed and another take their place."""
        known = self._templates
        if known is not None and (
            known is templates
            or (
                len(known) == len(templates)
                and all(a is b for a, b in zip(known, templates, strict=True))
            )
        ):
            return known
        self._templates = templates
        return templates

    def _entry(self, card: Card, templates: Sequence[Schedulable]) -> list[Any]:
        templates = self._same(templates)
        entry = self._cards.get(card.id)
        if entry is None or entry[0] is not card or entry[1] is not templates:
            entry = self._work_out(card, templates)
        return entry

    def _work_out(self, card: Card, templates: Sequence[Schedulable]) -> list[Any]:
        """Every item `card` owes whatever `now` is: the rules drop an item from `now` on;
        here the moment it drops is kept instead, and `now` applied when reading."""
        self.worked_out += 1
        items = [
            _Owed(item, urgency(item), _drop_at(item, self.tz))
            for item in card_items(card, templates, _NEVER, self.tz)
        ]
        entry = [card, templates, items, None, None]
        self._cards[card.id] = entry
        return entry

    def forget(self, card_ids: Iterable[str] | None = None) -> None:
        """Drop what was worked out (for these cards, or all): cards gone from the board."""
        if card_ids is None:
            self._cards.clear()
            return
        for card_id in card_ids:
            self._cards.pop(card_id, None)

    def listed(
        self,
        cards: Iterable[Card],
        templates: Sequence[Schedulable],
        now: datetime,
        include_upcoming: bool = False,
    ) -> list[DueItem]:
        """`store.notes.due.board_items`: overdue and due (or every item, with
        `include_upcoming`), most urgent first."""
        today = local(now, self.tz).date()
        horizon = now + _LISTED_AHEAD
        templates = self._same(templates)
        found: list[tuple[tuple[Any, ...], DueItem]] = []
        add = found.append
        get = self._cards.get
        for card in cards:
            entry = get(card.id)
            if entry is None or entry[0] is not card or entry[1] is not templates:
                entry = self._work_out(card, templates)
            for owed in entry[2]:
                if owed.drop_at is not None and now >= owed.drop_at:
                    continue
                item = owed.item
                if include_upcoming or (
                    item.day <= today if item.day is not None else item.at <= horizon
                ):
                    add((owed.key, item))
        found.sort(key=_first)
        return [item for _, item in found]

    def first(self, card: Card, templates: Sequence[Schedulable], now: datetime) -> DueItem | None:
        """The most urgent item listed for `card` at `now` (what its badge says), or None."""
        return next(iter(self.listed([card], templates, now)), None)

    def badge(self, card: Card, templates: Sequence[Schedulable], now: datetime, make: Any) -> Any:
        """`make(item, now)` for the card's most urgent listed item (None when nothing is
        listed), said again only when the minute changes or the card or templates do."""
        entry = self._entry(card, templates)
        minute = now.replace(second=0, microsecond=0)
        if entry[4] == minute:
            return entry[3]
        item = self.first(card, templates, now)
        said = make(item, now) if item is not None else None
        entry[3], entry[4] = said, minute
        return said


def _first(pair: tuple[tuple[Any, ...], DueItem]) -> tuple[Any, ...]:
    return pair[0]


# The rules ask whether an item is dropped at `now`: never, at the first moment there is, so
# every item comes back (`drop_at` says when it goes).
_NEVER = datetime.min.replace(tzinfo=UTC)
