"""The due rules worked out once per card: what the board's badges and the Today list read.

What a card owes depends on the card, the templates and the time zone, and on `now` only
through a few moments the card itself names: its interview's end (nothing is owed before
it), each note's drop (`drop_after_days`) and the moments notes stop being "upcoming" (a
close suggestion waits for those). So each card's items, upcoming ones included, are worked
out at one moment and kept until the next such moment, for as long as the card (the board
makes a new `Card` view only when its state changed) and the templates stay the same; a
read applies `now` to them (whether each is listed yet). A badge is then a lookup, and a
change on one card works that card out alone. The Today list keeps every card's items merged
in urgency order between reads: a read over the same cards takes them in order, without a
sort, and a change on a few cards moves their items alone (`_merged`).

Pure bookkeeping over `store.notes.due`, whose rules it never restates: same items, same
order (tests/store/test_due_index.py compares the two at many moments). Must never read the
clock, a file or the environment.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from itertools import compress, count
from operator import ne
from typing import Any

from store.cards.model import Card
from store.notes.due import KINDS, DueItem, Schedulable, card_items, interview_end, urgency
from store.notes.when import local, start_of_day

_LISTED_AHEAD = timedelta(hours=24)  # a timed note is listed (due) this long before its time
_MINUTE = timedelta(minutes=1)
_DAWN = datetime.min.replace(tzinfo=UTC)
_DUSK = datetime.max.replace(tzinfo=UTC)
_FEW = 8  # a change on fewer than one card in this many moves their items; more, a new sort


class _Entry:
    """One card's items, worked out at `since` and true until `until`."""

    __slots__ = (
        "badge",
        "badge_from",
        "badge_until",
        "card",
        "items",
        "listed",
        "since",
        "templates",
        "until",
    )

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
        self.badge_from: datetime | None = None  # the minute the badge was said in
        self.badge_until: datetime | None = None

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
        # What the last Today list read (`_merged`): its cards' ids and entries, in order, and
        # their items merged in urgency order.
        self._order: list[str] | None = None
        self._entries: list[_Entry] = []
        self._merge: list[_Merged] = []
        # The cards (by identity) and templates they were for, and when the entries all hold.
        self._kept: tuple[list[int], Sequence[Schedulable], datetime, datetime | None] | None
        self._kept = None
        # Each kind of list asked for, from the merged list above, and while it holds; and
        # the last items moved in the merged list (from which list to which, gone, came).
        self._said: dict[Any, _Said] = {}
        self._moved: tuple[list[_Merged], list[_Merged], list[Any], list[_Merged]] | None = None

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
        self._order, self._entries, self._merge, self._kept = None, [], [], None
        self._said.clear()
        self._moved = None
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
        cards = list(cards)
        marks = list(map(id, cards))  # the cards are those the kept entries hold: never freed
        kept = self._kept
        if (
            kept is None
            or templates is not kept[1]
            or now < kept[2]
            or (kept[3] is not None and now >= kept[3])
            or len(marks) != len(kept[0])
        ):
            self._keep(cards, marks, templates, now)
        elif marks != kept[0]:
            changed = list(compress(count(), map(ne, marks, kept[0])))
            order = self._order or []
            if len(changed) * _FEW < len(marks) and all(
                cards[place].id == order[place] for place in changed
            ):
                self._keep_few(cards, marks, changed, now)
            else:
                self._keep(cards, marks, templates, now)
        return self._say(now, include_upcoming, kinds)

    def _say(self, now: datetime, include_upcoming: bool, kinds: Collection[str]) -> list[DueItem]:
        """The items of the merged list that are listed at `now` (all, with `include_upcoming`)
        of `kinds`. What was said is kept with the moments it holds between (the latest moment
        an item was listed from, the next one ahead); after a change on a few cards, their
        items alone are taken out of it and put in."""
        merged = self._merge
        every_kind = set(kinds) >= set(KINDS)
        asked = (include_upcoming, None if every_kind else frozenset(kinds))
        said = self._said.get(asked)
        if said is not None and said.since <= now < said.until:
            if said.merge is merged:
                return list(said.items)
            moved = self._moved
            if (
                moved is not None
                and said.merge is moved[0]
                and moved[1] is merged
                and said.move(moved[2], moved[3], now, include_upcoming, every_kind, kinds)
            ):
                said.merge = merged
                return list(said.items)
        said = _Said(merged, _DAWN, _DUSK)
        tz = self.tz
        asks = False
        for key, listed_from, item in merged:
            if not every_kind and item.kind not in kinds:
                continue
            if include_upcoming:
                said.keys.append(key)
                said.items.append(item)
            elif listed_from is None:
                asks = True  # asked its status at each read: nothing said is kept
                if item.status(now, tz) != "upcoming":
                    said.keys.append(key)
                    said.items.append(item)
            elif now >= listed_from:
                said.keys.append(key)
                said.items.append(item)
                if listed_from > said.since:
                    said.since = listed_from
            elif listed_from < said.until:
                said.until = listed_from
        if asks:
            self._said.pop(asked, None)
        else:
            self._said[asked] = said
        return list(said.items)

    def _keep(
        self, cards: list[Card], marks: list[int], templates: Sequence[Schedulable], now: datetime
    ) -> None:
        """Each card's entry (worked out again where it no longer holds), merged; and from when
        until when all of them hold, for the next read over the same cards."""
        ids: list[str] = []
        entries: list[_Entry] = []
        get = self._cards.get
        since, until = _DAWN, None
        for card in cards:
            entry = get(card.id)
            if (
                entry is None
                or entry.card is not card
                or entry.templates is not templates
                or now < entry.since
                or (entry.until is not None and now >= entry.until)
            ):
                entry = self._work_out(card, templates, now)
            ids.append(card.id)
            entries.append(entry)
            if entry.since > since:
                since = entry.since
            if entry.until is not None and (until is None or entry.until < until):
                until = entry.until
        self._merged(ids, entries)
        self._kept = (marks, templates, since, until)

    def _keep_few(
        self, cards: list[Card], marks: list[int], changed: list[int], now: datetime
    ) -> None:
        """`_keep` when the cards are the same but at the places `changed` (new versions of
        them): those alone are looked at, the others' entries all still hold."""
        assert self._kept is not None
        _, templates, since, until = self._kept
        entries = list(self._entries)
        for place in changed:
            entry = self._entry(cards[place], templates, now)
            entries[place] = entry
            since = max(since, entry.since)
            if entry.until is not None and (until is None or entry.until < until):
                until = entry.until
        self._move(changed, entries)
        self._kept = (marks, templates, since, until)

    def _merged(self, ids: list[str], entries: list[_Entry]) -> None:
        """Every item of these entries, most urgent first; items alike in urgency in the
        order of the cards, then of each card's items (as a stable sort of them all would
        leave them). Kept for the next read: the same cards in the same order with the same
        entries are this list again; a few entries changed move their items alone."""
        if ids == self._order:
            if entries == self._entries:
                return
            changed = [
                place
                for place, (new, old) in enumerate(zip(entries, self._entries, strict=True))
                if new is not old
            ]
            if len(changed) * _FEW < len(entries):
                self._move(changed, entries)
                return
        merged = [
            ((key, place, number), listed_from, item)
            for place, entry in enumerate(entries)
            for number, (key, listed_from, item) in enumerate(entry.listed)
        ]
        merged.sort(key=_first)
        self._order, self._entries, self._merge = ids, entries, merged
        self._moved = None

    def _move(self, changed: list[int], entries: list[_Entry]) -> None:
        """The merged list with the items of the entries at `changed` replaced by those of
        `entries`: a new list (what was said from the old one stays as it was), and what moved,
        for what was said to move the same items (`_Said.move`)."""
        merged = list(self._merge)
        gone: list[tuple[Any, int, int]] = []
        came: list[_Merged] = []
        for place in changed:
            for number, (key, _, _) in enumerate(self._entries[place].listed):
                gone.append((key, place, number))
                del merged[bisect_left(merged, gone[-1], key=_first)]
            for number, (key, listed_from, item) in enumerate(entries[place].listed):
                came.append(((key, place, number), listed_from, item))
                insort(merged, came[-1], key=_first)
        self._moved = (self._merge, merged, gone, came)
        self._entries, self._merge = entries, merged

    def badge(
        self,
        card: Card,
        templates: Sequence[Schedulable],
        now: datetime,
        make: Callable[[list[DueItem], datetime], Any],
    ) -> Any:
        """`make(items, now)` for the card's items (what its badge says), said again only when
        the minute changes or the card, the templates or what it owes do."""
        entry = self._cards.get(card.id)
        if (  # what `_entry` checks, written out: this runs for every card painted
            entry is None
            or entry.card is not card
            or entry.templates is not templates
            or now < entry.since
            or (entry.until is not None and now >= entry.until)
        ):
            entry = self._entry(card, self._same(templates), now)
        said_from = entry.badge_from
        if said_from is None or now < said_from or now >= entry.badge_until:  # type: ignore[operator]
            minute = now.replace(second=0, microsecond=0)
            entry.badge = make(entry.items, now)
            entry.badge_from, entry.badge_until = minute, minute + _MINUTE
        return entry.badge


_Merged = tuple[tuple[Any, int, int], datetime | None, DueItem]  # (urgency, card, item), …


class _Said:
    """One kind of list said from a merged list (`DueIndex._say`): its items in order, each
    with its key there, true from `since` until `until`."""

    __slots__ = ("items", "keys", "merge", "since", "until")

    def __init__(self, merge: list[_Merged], since: datetime, until: datetime) -> None:
        self.merge = merge
        self.since = since
        self.until = until
        self.keys: list[tuple[Any, int, int]] = []
        self.items: list[DueItem] = []

    def move(
        self,
        gone: list[tuple[Any, int, int]],
        came: list[_Merged],
        now: datetime,
        include_upcoming: bool,
        every_kind: bool,
        kinds: Collection[str],
    ) -> bool:
        """Take out the items `gone`, put in those `came` that are said at `now`; False (and
        nothing changed) when one of them must be asked its status: say it all again."""
        if not include_upcoming and any(listed_from is None for _, listed_from, _ in came):
            return False
        keys, items = self.keys, self.items
        for key in gone:
            place = bisect_left(keys, key)
            if place < len(keys) and keys[place] == key:
                del keys[place]
                del items[place]
        for key, listed_from, item in came:
            if not every_kind and item.kind not in kinds:
                continue
            if not include_upcoming:
                assert listed_from is not None
                if now < listed_from:
                    self.until = min(self.until, listed_from)
                    continue
                self.since = max(self.since, listed_from)
            place = bisect_left(keys, key)
            keys.insert(place, key)
            items.insert(place, item)
        return True


def _first(one: _Merged) -> Any:
    return one[0]
