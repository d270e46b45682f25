"""The due rules worked out once per card: what the board's badges and the Today list read.

What a card owes depends on the card, the templates and the time zone, and on `now` only
through a few moments the card itself names: its interview's end (nothing is owed before
it), each note's drop (`drop_after_days`) and the moments notes stop being "upcoming" (a
close suggestion waits for those). So each card's items, upcoming ones included, are worked
out at one moment and kept until the next such moment, for as long as the card (the board
makes a new `Card` view only when its state changed) and the templates stay the same; a
read applies `now` to them (whether each is listed yet). A badge is then a lookup, the Today
list a pass and a sort, and a change on one card works that card out alone.

Pure bookkeeping over `store.notes.due`, whose rules it never restates: same items, same
order (tests/store/test_due_index.py compares the two at many moments). Must never read the
clock, a file or the environment.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any

from store.cards.model import Card
from store.notes.due import KINDS, DueItem, Schedulable, card_items, interview_end, urgency
from store.notes.when import local, start_of_day

_LISTED_AHEAD = timedelta(hours=24)  # a timed note is listed (due) this long before its time


class _Entry:
    """One card's items, worked out at `since` and true until `until`."""

    __slots__ = ("badge", "badge_minute", "card", "items", "listed", "since", "templates", "until")

    def __init__(
        self,
        card: Card,
        templates: Sequence[Schedulable],
        since: datetime,
        until: datetime | None,
        items: list[DueItem],
        tz: tzinfo | None,
    ) -> None:
        self.card = card
        self.templates = templates
        self.since = since
        self.until = until  # None: for ever
        self.items = items
        # Each item with its place in a list (`urgency`) and the moment it is listed from (no
        # longer "upcoming"): a read compares moments instead of asking each item its status.
        self.listed = [(urgency(item), _listed_from(item, tz), item) for item in items]
        self.badge: Any = None
        self.badge_minute: datetime | None = None

    def holds(self, card: Card, templates: Sequence[Schedulable], now: datetime) -> bool:
        return (
            self.card is card
            and self.templates is templates
            and self.since <= now
            and (self.until is None or now < self.until)
        )


def _listed_from(item: DueItem, tz: tzinfo | None) -> datetime | None:
    """The first moment `item.status(now, tz)` is not "upcoming" (None: ask the item): an
    interview from the start of the day before it, a close suggestion once it falls due, a
    day-long note from the start of its day, a timed one 24 h before its deadline."""
    try:
        if item.kind == "interview":
            return start_of_day(local(item.at, tz).date() - timedelta(days=1), tz)
        if item.kind == "close":
            return item.falls_due(tz)
        if item.day is not None:
            return start_of_day(item.day, tz)
        return item.at - _LISTED_AHEAD
    except (OverflowError, ValueError):
        return None


def _moments(card: Card, items: Iterable[DueItem], tz: tzinfo | None) -> list[datetime]:
    """Every moment at which what `card` owes may change (the card staying as it is)."""
    found: list[datetime] = []
    end = interview_end(card)
    if end is not None:
        found.append(end)
    for item in items:
        try:
            falls_due = item.falls_due(tz)
            found.append(falls_due)
            found.append(item.at)
            if item.day is None:
                found.append(item.at - _LISTED_AHEAD)
            else:
                found.append(start_of_day(item.day + timedelta(days=1), tz))
            if item.ends is not None:
                found.append(item.ends)
            days = item.rule.drop_after_days if item.rule is not None else None
            if days is not None:
                found.append(falls_due + timedelta(days=days))
        except (OverflowError, ValueError):
            continue  # a date at the edge of the calendar: no moment anyone reaches
    return found


class DueIndex:
    """Due items per card, for one time zone (`None`: the system's own rules), every kind
    (`KINDS`: notes, offers, interviews, close suggestions); a read picks the kinds."""

    def __init__(self, tz: tzinfo | None) -> None:
        self.tz = tz
        self._cards: dict[str, _Entry] = {}
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

    def _entry(self, card: Card, templates: Sequence[Schedulable], now: datetime) -> _Entry:
        entry = self._cards.get(card.id)
        if entry is None or not entry.holds(card, templates, now):
            entry = self._work_out(card, templates, now)
        return entry

    def _work_out(self, card: Card, templates: Sequence[Schedulable], now: datetime) -> _Entry:
        self.worked_out += 1
        items = card_items(card, templates, now, self.tz, KINDS)
        later = [m for m in _moments(card, items, self.tz) if m > now]
        entry = _Entry(card, templates, now, min(later) if later else None, items, self.tz)
        self._cards[card.id] = entry
        return entry

    def forget(self, card_ids: Iterable[str] | None = None) -> None:
        """Drop what was worked out (for these cards, or all): cards gone from the board."""
        if card_ids is None:
            self._cards.clear()
            return
        for card_id in card_ids:
            self._cards.pop(card_id, None)

    def items(self, card: Card, templates: Sequence[Schedulable], now: datetime) -> list[DueItem]:
        """`card_items(card, templates, now, tz, KINDS)`: all it owes, most urgent first."""
        return self._entry(card, self._same(templates), now).items

    def listed(
        self,
        cards: Iterable[Card],
        templates: Sequence[Schedulable],
        now: datetime,
        include_upcoming: bool = False,
        kinds: Collection[str] = KINDS,
    ) -> list[DueItem]:
        """`store.notes.due.board_items(cards, templates, now, tz, include_upcoming, kinds)`:
        overdue and due (or every item, with `include_upcoming`), most urgent first."""
        templates = self._same(templates)
        tz = self.tz
        every_kind = set(kinds) >= set(KINDS)
        found: list[tuple[Any, DueItem]] = []
        add = found.append
        get = self._cards.get
        for card in cards:
            entry = get(card.id)
            if entry is None or not entry.holds(card, templates, now):
                entry = self._work_out(card, templates, now)
            for key, listed_from, item in entry.listed:
                if not every_kind and item.kind not in kinds:
                    continue
                if include_upcoming or (
                    now >= listed_from
                    if listed_from is not None
                    else item.status(now, tz) != "upcoming"
                ):
                    add((key, item))
        found.sort(key=_first)
        return [item for _, item in found]

    def badge(
        self,
        card: Card,
        templates: Sequence[Schedulable],
        now: datetime,
        make: Callable[[list[DueItem], datetime], Any],
    ) -> Any:
        """`make(items, now)` for the card's items (what its badge says), said again only when
        the minute changes or the card, the templates or what it owes do."""
        entry = self._entry(card, self._same(templates), now)
        minute = now.replace(second=0, microsecond=0)
        if entry.badge_minute != minute:
            entry.badge, entry.badge_minute = make(entry.items, now), minute
        return entry.badge


def _first(pair: tuple[Any, DueItem]) -> Any:
    return pair[0]
