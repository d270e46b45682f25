"""The board's dialogs: what the board opens beside the card screens, and what it does with
their answers (an answer recorded, a next round, tags, the trash, an export, the profile, a new
passphrase, insight, help).

A mixin of `BoardScreen`, apart so the screen's own file stays about the columns and the
focus. Each dialog returns what it changed; the board repaints and focuses it. Nothing here
writes the vault itself but through `AppContext.change` (undoable), and nothing imports
`tui.cli`.
"""

from __future__ import annotations

from typing import Any, Protocol

from store.cards.model import Card
from tui.context import AppContext


class _Board(Protocol):
    """What the dialogs use of the board screen (said here, so this module need not import it)."""

    context: AppContext
    app: Any

    @property
    def focused_card(self) -> Card | None: ...

    @property
    def acted_on(self) -> list[str]: ...

    def refresh_cards(self, card_ids: set[str] | None = None) -> None: ...

    def focus_card(self, card_id: str) -> bool: ...

    def _changed(self, result: str | list[str] | None) -> None: ...


class BoardDialogs:
    """Mixed into `BoardScreen`: each method's `self` is that screen (`_Board`)."""

    def _changed(self: _Board, result: str | list[str] | None) -> None:
        """A dialog returned the card (or cards) it changed; None: nothing changed."""
        if not result:
            return
        ids = [result] if isinstance(result, str) else list(result)
        self.refresh_cards(set(ids))
        self.focus_card(ids[0])

    def action_answered(self: _Board) -> None:
        from tui.followups.answered import AnsweredScreen

        card = self.focused_card
        if card is not None:
            self.app.push_screen(AnsweredScreen(self.context, card.id), self._changed)

    def action_next_round(self: _Board) -> None:
        from tui.followups.next_round import NextRoundScreen

        card = self.focused_card
        if card is not None:
            self.app.push_screen(NextRoundScreen(self.context, card.id), self._changed)

    def action_tag(self: _Board) -> None:
        from tui.card.tags import TagScreen

        card_ids = self.acted_on
        if card_ids:
            self.app.push_screen(TagScreen(self.context, card_ids), self._changed)

    def action_trash(self: _Board) -> None:
        from tui.board.trash import TrashScreen

        self.app.push_screen(TrashScreen(self.context), self._changed)

    def action_export(self: _Board) -> None:
        from tui.insight.export import ExportScreen

        self.app.push_screen(ExportScreen(self.context, include_trash=False))

    def action_profile(self: _Board) -> None:
        from tui.settings.profile import ProfileScreen

        self.app.push_screen(ProfileScreen(self.context))

    def action_change_passphrase(self: _Board) -> None:
        from tui.settings.passphrase import PassphraseScreen

        self.app.push_screen(PassphraseScreen(self.context))

    def action_insight(self: _Board) -> None:
        from tui.insight.screen import InsightScreen

        self.app.push_screen(InsightScreen(self.context))

    def action_help(self: _Board) -> None:
        from tui.board.help import HelpScreen

        self.app.push_screen(HelpScreen(self))  # type: ignore[arg-type]
