"""What was changed since the board opened, for undo (`u`) and redo (`ctrl+r`).

Every screen writes through `AppContext.change`, which runs the write in `Session.change` (so
it is on disk at once) and records what it changed (`store.cards.undo`). Undo writes the old
values back as new stamped writes and takes back the events the change added; redo writes the
new ones again. Both sync like any other write, and neither ever writes over what another
laptop changed since: such a field is left as it is and named.

Kept in memory for as long as the app runs (a new launch starts with nothing to undo). Keeping
one version of a conflict is not undone: the version it let go would not come back as a
conflict, and a value would be lost. Must never write the vault but through `Session.change`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

from store.cards.board import Board
from store.cards.undo import Change, recorded, take_back
from store.errors import FollowupError
from store.vault.session import Session

if TYPE_CHECKING:
    from tui.context import AppContext

T = TypeVar("T")

LIMIT = 500  # changes kept to undo: far more than a session makes, and a bounded memory


@dataclass(frozen=True)
class Step:
    """One undo or redo that was made: what it was, the cards it touched, what it left alone."""

    description: str
    card_ids: frozenset[str]
    kept: tuple[str, ...] = ()


class History:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.undoable: list[Change] = []
        self.redoable: list[Change] = []

    def change(self, action: Callable[[Board], T]) -> T:
        """Run one write (durable before it returns) and remember it for undo."""
        result, change = self.session.change(recorded(action))
        if change:
            self.redoable.clear()
            if not any("resolved" in card.kinds for card in change.cards):
                self.undoable.append(change)
                del self.undoable[:-LIMIT]
        return result

    @property
    def can_undo(self) -> bool:
        return bool(self.undoable)

    @property
    def can_redo(self) -> bool:
        return bool(self.redoable)

    def undo(self) -> Step | None:
        """Take back the last change; None when there is none. A failed write raises
        `FollowupError` and the change stays to undo."""
        return self._step(self.undoable, self.redoable)

    def redo(self) -> Step | None:
        return self._step(self.redoable, self.undoable)

    def _step(self, source: list[Change], target: list[Change]) -> Step | None:
        if not source:
            return None
        change = source[-1]
        kept, made = self.session.change(recorded(lambda board: take_back(board, change)))
        source.pop()
        if made:
            target.append(Change(made.cards, change.description))
        return Step(change.description, frozenset(change.card_ids), kept)


def undo_words(step: Step, verb: str) -> str:
    """The notice after an undo or redo: "Undone: moved Acme to waiting." and what was kept."""
    text = f"{verb}: {step.description}."
    if step.kept:
        text += f" Left as another laptop changed it: {', '.join(step.kept)}."
    return text


def take_step(history: History, redo: bool, notify: Callable[..., object]) -> Step | None:
    """Undo (or redo) the last change, or say with a screen's `notify` why nothing was: every
    screen that takes u and ctrl+r says the same words."""
    try:
        step = history.redo() if redo else history.undo()
    except FollowupError as exc:
        notify(str(exc), title="Not saved", severity="error", timeout=8)
        return None
    if step is None:
        notify("Nothing to redo." if redo else "Nothing to undo.")
    return step


class _UndoScreen(Protocol):
    context: AppContext

    def notify(self, message: str, **how: object) -> object: ...
    def refresh_bindings(self) -> None: ...
    def show_step(self, step: Step) -> None: ...
    def undo_or_redo(self, redo: bool) -> None: ...


class UndoKeys:
    """Mixed into a screen that takes `u` and `ctrl+r` (the board, a card's screen, Today): one
    history, taken back from anywhere with the same words; the screen shows what the step
    changed in its own way (`show_step`)."""

    def action_undo(self: _UndoScreen) -> None:
        self.undo_or_redo(redo=False)

    def action_redo(self: _UndoScreen) -> None:
        self.undo_or_redo(redo=True)

    def undo_or_redo(self: _UndoScreen, redo: bool) -> None:
        step = take_step(self.context.history, redo, self.notify)
        if step is None:
            return
        self.notify(undo_words(step, "Redone" if redo else "Undone"))
        self.show_step(step)
        self.refresh_bindings()  # what can be undone (and redone) now

    def show_step(self, step: Step) -> None:
        """Repaint what the undo or redo changed (each screen says how)."""
