"""Moving cards between stages, for the board and the card's own screen alike: one card or the
marked ones, closing asks once how it ended, and a card just closed as rejected is offered the
reply and a "what I learned" note.

The host screen opens the dialogs; the move itself is one write (`AppContext.change`), so one
undo takes back a whole batch. `done` is told the ids that moved, to repaint them. Must never
write the vault other than through `AppContext.change`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.screen import Screen

from store.cards.board import Board
from store.cards.model import STAGES
from store.errors import FollowupError
from tui.context import AppContext

Done = Callable[[set[str]], None]


def stepped(board: Board, card_ids: Iterable[str], step: int) -> dict[str, str]:
    """Each card one stage on (or back); a card already at the end stays where it is."""
    moves = {}
    for card_id in card_ids:
        stage = board.card(card_id).stage
        index = STAGES.index(stage) + step
        if 0 <= index < len(STAGES):
            moves[card_id] = STAGES[index]
    return moves


def move_cards(
    host: Screen[object],
    context: AppContext,
    moves: dict[str, str],
    done: Done,
    outcome: str | None = None,
    suggested: str | None = None,
) -> None:
    """Make the moves (card id → stage) as one change; closing asks how it ended, once
    (`suggested`: the outcome the question highlights first)."""
    board = context.session.board
    moves = {
        card_id: stage
        for card_id, stage in moves.items()
        if stage != board.card(card_id).stage or (stage == "closed" and outcome)
    }
    if not moves:
        return
    closing = [i for i, stage in moves.items() if stage == "closed"]
    if closing and outcome is None:
        from tui.board.close_outcome import CloseOutcomeScreen

        what = board.card(closing[0]).company if len(closing) == 1 else f"{len(closing)} cards"

        def chosen(result: str | None) -> None:
            if result:
                move_cards(host, context, moves, done, result)

        asked = CloseOutcomeScreen(what, plural=len(closing) > 1, suggested=suggested)
        host.app.push_screen(asked, chosen)
        return

    def write(board: Board) -> None:
        for card_id, stage in moves.items():
            board.move(card_id, stage, outcome=outcome if stage == "closed" else None)

    try:
        context.change(write)
    except FollowupError as exc:
        host.notify(str(exc), title="Not saved", severity="error", timeout=8)
        return
    done(set(moves))
    if len(closing) == 1 and outcome == "rejected":
        after_rejection(host, context, closing[0], done)


def after_rejection(host: Screen[object], context: AppContext, card_id: str, done: Done) -> None:
    """A card was just closed as rejected: offer the learned note and the rejection reply."""
    from tui.followups.compose import ComposeScreen
    from tui.followups.rejected import RejectedScreen

    def answered(result: str | None) -> None:
        done({card_id})
        if result == "reply":
            composed: Callable[[str | None], None] = lambda _: done({card_id})  # noqa: E731
            host.app.push_screen(ComposeScreen(context, card_id, "rejection-reply"), composed)

    host.app.push_screen(RejectedScreen(context, card_id), answered)
