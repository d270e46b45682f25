"""What a card's timeline says happened: the events that count, with undone ones set apart.

The timeline only grows (it merges as a grow-only set of events), so taking a move or a
delete back cannot remove its event: the undo is a new event that names the one it takes
back (`undoes: <event id>`). Both stay on the timeline for the record; neither counts. The
numbers of the search (`store.transfer.stats`: the funnel, the timing), the due rules and the
timeline a user reads all go through `live` or `undone`, so an undone move is never a stage
the card reached. An undo that is itself undone (a redo) makes its event count again.

Pure functions of events, no I/O. A hostile backup may hold undo events that name each other
in a circle; they are read as undoing nothing rather than looping.
"""

from __future__ import annotations

from collections.abc import Iterable

from store.cards.model import Card, Event

UNDOES = "undoes"  # the event data key naming the event an undo takes back


def undo_target(event: Event) -> str | None:
    """The id of the event `event` takes back, or None when it is not an undo."""
    target = event.get(UNDOES)
    return target if isinstance(target, str) and target else None


def undone(timeline: Iterable[Event]) -> set[str]:
    """The ids of the events taken back by an undo that itself still stands."""
    events = list(timeline)
    undos: dict[str, list[str]] = {}
    for event in events:
        target = undo_target(event)
        if target is not None:
            undos.setdefault(target, []).append(event.id)
    if not undos:
        return set()
    known: dict[str, bool] = {}

    def is_undone(event_id: str) -> bool:
        if event_id in known:
            return known[event_id]
        known[event_id] = False  # while deciding: a circle of undos undoes nothing
        result = any(not is_undone(undo) for undo in undos.get(event_id, ()))
        known[event_id] = result
        return result

    return {event.id for event in events if is_undone(event.id)}


def live(timeline: Iterable[Event]) -> tuple[Event, ...]:
    """The events that count: neither taken back nor an undo themselves."""
    events = tuple(timeline)
    gone = undone(events)
    if not gone and not any(undo_target(e) for e in events):
        return events
    return tuple(e for e in events if e.id not in gone and undo_target(e) is None)


def closed_on(card: Card) -> Event | None:
    """The move that closed the card as it is now (the latest one that counts), if any."""
    if card.stage != "closed":
        return None
    closes = [e for e in live(card.timeline) if e.kind == "moved" and e.get("to") == "closed"]
    return max(closes, key=lambda e: (e.at, e.id)) if closes else None
