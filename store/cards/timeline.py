"""What a card's timeline counts: undo never removes an event (the timeline only grows), it
adds one that takes another back, and the card's view (`store.cards.model.card_view`) leaves
out both, so stats, the funnel, the due rules and every timeline a user reads skip them.

An event takes back another when its data names it: `undoes: <event id>` (what the board's undo
writes: an `undone` event per event a change added; the rule reads the key on any kind of
event, so a later kind of undo needs no new rule). An undo taken back in turn (a redo) lets its
event count again.

Dropping both, rather than showing the undone one marked, is the one rule (issue 11: an undone
move is not part of the history stats, the funnel or the timeline count): the due rules, the
stats, `show`, the card view and the CSV/JSON views all read the card's timeline, so none can
forget the rule. The raw state (and so a JSON backup) keeps every event.

Pure, no I/O; it must not import the model (the model imports it).
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar


class _Event(Protocol):
    id: str
    kind: str
    data: dict[str, Any]


E = TypeVar("E", bound=_Event)

UNDONE = "undone"  # the kind of event the board's undo writes: {"undoes": <event id>}
UNDOES = "undoes"  # the data key naming the event taken back


def undo_target(event: _Event) -> str | None:
    """The id of the event `event` takes back, or None when it is not an undo."""
    target = event.data.get(UNDOES)
    return target if isinstance(target, str) and target else None


def in_effect(events: list[E]) -> list[E]:
    """The timeline as it counts: without the events an undo took back, nor the undos.

    An undo takes back the event it names unless it is itself taken back (a redo is an undo
    naming the undo), so undo, redo, undo… always leaves the last word standing. Each names
    only an event older than itself; a hostile loop of them counts as nothing taken back.
    """
    named_by: dict[str, list[str]] = {}
    undos = set()
    for event in events:
        target = undo_target(event)
        if target is not None:
            named_by.setdefault(target, []).append(event.id)
            undos.add(event.id)
    if not undos:
        return events
    standing: dict[str, bool] = {}

    def stands(root: str) -> bool:
        # Depth first without recursion: undo, redo, undo… a thousand times is a long chain.
        stack, active = [root], {root}
        while stack:
            node, wait, taken = stack[-1], None, False
            for taker in named_by.get(node, ()):
                if taker in standing:
                    if standing[taker]:
                        taken = True
                        break
                elif taker not in active:  # (one on the path is a loop: it takes nothing)
                    wait = taker
                    break
            if wait is not None:
                stack.append(wait)
                active.add(wait)
                continue
            standing[node] = not taken
            stack.pop()
            active.discard(node)
        return standing[root]

    return [
        e
        for e in events
        if e.id not in undos and not any(stands(t) for t in named_by.get(e.id, ()))
    ]
