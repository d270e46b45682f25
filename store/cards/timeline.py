"""What a card's timeline counts: undo never removes an event, it adds one that takes others
back, and the card's view (`store.cards.model.card_view`) leaves out what was taken back.

Pure, no I/O; it must not import the model (the model imports it).
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar


class _Event(Protocol):
    id: str
    kind: str
    data: dict[str, Any]


E = TypeVar("E", bound=_Event)

UNDONE = "undone"  # a timeline event taking back others: {"events": [their ids]}


def in_effect(events: list[E]) -> list[E]:
    """The timeline as it counts: without the events an undo took back, nor the undos.

    An `undone` event takes back the events it names unless it is itself taken back (a redo
    is an `undone` naming the undo), so undo, redo, undo… always leaves the last word standing.
    Each names only events older than itself; a hostile loop of them counts as nothing taken.
    """
    markers = {e.id: e for e in events if e.kind == UNDONE}
    if not markers:
        return events
    named_by: dict[str, list[str]] = {}
    for marker in markers.values():
        names = marker.data.get("events")
        for name in names if isinstance(names, list) else ():
            named_by.setdefault(str(name), []).append(marker.id)
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
        e for e in events if e.kind != UNDONE and not any(stands(t) for t in named_by.get(e.id, ()))
    ]
