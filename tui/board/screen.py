"""The board: five stage columns, a card under the focus, and every key a user acts with.

Every change goes through `AppContext.change` (so `Session.change`), so it is on disk before
the screen shows it, and can be undone.
The focus is a (column, card) pair; it follows a card when the card moves, and stays on the
same card when the board changes underneath (a merge from another laptop).

All board keys are declared once, in `BOARD_BINDINGS` (tui/board/keys.py): the footer, the help
screen, the command palette and the user's keymap (`Config.keymap`, by binding id) all read
that list. To add a board action, add a `Binding` with an id there and an `action_…` method
here (or, for a dialog the board opens, in `BoardDialogs`).

`space` marks cards; a move, closing, delete or tag then acts on every marked card at once, as
one change. Every change made here, or in a screen opened from here, can be undone (`u`) and
redone (`ctrl+r`): `AppContext.change` keeps them (tui/history.py).

The board is the parent of the screens it opens (a card, its form, compose, Today, an answer,
closing a card): each returns what it changed and the board repaints and focuses it. None of
them imports or drives the board.

This screen must never write the vault other than through `AppContext.change`, and never lose
a user's change silently: a failed write is shown as a one-line error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from store.cards.board import Board
from store.cards.model import STAGES, Card
from store.errors import FollowupError
from tui.board.dialogs import BoardDialogs
from tui.board.keys import BOARD_BINDINGS, MOVE, STAGE_TITLES
from tui.board.moves import move_cards, stepped
from tui.board.stage_column import CARD_HEIGHT, StageColumn, StageTitle
from tui.board.stage_lists import StageLists
from tui.board.sync_status import SyncStatus
from tui.context import AppContext
from tui.history import Step, UndoKeys
from tui.widgets.fitting_footer import FittingFooter

__all__ = ["BOARD_BINDINGS", "MOVE", "STAGE_TITLES", "BoardScreen"]

# From this many cards the search waits for a pause in the typing (each search scans them all).
SEARCH_AS_YOU_TYPE = 3000


# Seconds between the board's first clean refresh and the work that waited for its paint.
AFTER_PAINT = 0.25


class BoardScreen(UndoKeys, BoardDialogs, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = BOARD_BINDINGS
    AUTO_FOCUS = ""  # the keys belong to the board, not to the (hidden) filter field

    def __init__(self, context: AppContext) -> None:
        super().__init__(id="board")
        self.context = context
        self.session = context.session
        self.now = context.now
        self.due_badge = context.due_badge
        self.lists = StageLists(self.session.board)
        self.column_index = 0
        self.marked: set[str] = set()  # cards marked with space, shared with the columns
        self._pending_filter: Timer | None = None

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Every widget is made as the first frame shows it (its cards, its count, the active
        # column): set after mounting, each change asked for one more frame of the whole board.
        self.column_index = active = self._first_column_with_cards()
        with Horizontal(id="columns"):
            for index, stage in enumerate(STAGES):
                here = "-active" if index == active else ""
                with Vertical(classes=f"column {here}".strip(), id=f"column-{stage}"):
                    title = StageTitle(
                        STAGE_TITLES[stage], classes="column-title", id=f"title-{stage}"
                    )
                    title.count = self._count(stage)
                    yield title
                    column = StageColumn(
                        stage,
                        self.session.board,
                        self.now,
                        self.due_badge,
                        locale=self.context.config.language,
                        marked=self.marked,
                        id=f"cards-{stage}",
                    )
                    column.ids = self.lists.ids(stage)
                    column.set_reactive(StageColumn.active, index == active)
                    yield column
        filter_input = Input(
            placeholder="Search everything: people, notes, posting, notes sent…  ·  enter keeps it  ·  "
            "esc clears",
            id="filter",
        )
        filter_input.display = False
        filter_input.cursor_blink = self.context.cursor_blink
        yield filter_input
        with Horizontal(id="status-line"):
            yield Static(id="status")
            yield SyncStatus(self.session, merged=self.context.board_changed)
        yield FittingFooter()

    def on_mount(self) -> None:
        self._show_status()
        self.set_interval(60, self._clock_moved)
        # Callbacks wait for a refresh that leaves the screen clean; the frame it made is then
        # still being written out, in pieces: the work after the paint waits a moment more.
        self.call_after_refresh(self.set_timer, AFTER_PAINT, self._painted, name="painted")

    def _painted(self) -> None:
        """The board is on the terminal: now the work its first paint must not wait for (each
        takes the interpreter away from painting): the folder watcher (importing watchfiles
        alone takes a tenth of a second), the theme watcher, and the search's index, folded
        a slice at a time in idle moments so that the first `/` on a board of 10,000 cards is
        as quick as the next (it would cost a second). Nothing is missed meanwhile: the folder
        watcher's first look finds what landed before it started."""
        self.query_one(SyncStatus).start_watching()
        self.context.board_painted()
        self._warming = self.set_interval(0.05, self._warm_search, name="warm-search")

    def _warm_search(self) -> None:
        if self.lists.index.warm():
            self._warming.stop()

    def _clock_moved(self) -> None:
        """A minute passed: "due 40m" becomes "due 39m", "today" becomes "1d" at midnight."""
        for stage in STAGES:
            self.column(stage).refresh()

    def _first_column_with_cards(self) -> int:
        for index, stage in enumerate(STAGES):
            if self.lists.count(stage):
                return index
        return 0

    # --- reading the focus --------------------------------------------------------------------

    def column(self, stage_or_index: str | int) -> StageColumn:
        stage = STAGES[stage_or_index] if isinstance(stage_or_index, int) else stage_or_index
        return self.query_one(f"#cards-{stage}", StageColumn)

    @property
    def active_column(self) -> StageColumn:
        return self.column(self.column_index)

    @property
    def focused_card(self) -> Card | None:
        card_id = self.active_column.card_id
        return self.session.board.card(card_id) if card_id else None

    def focus_card(self, card_id: str) -> bool:
        """Put the focus on a card, wherever it is; False when it is not on the board."""
        stage = self.lists.stage_of(card_id)
        if stage is None:
            return False
        ids = self.lists.ids(stage)
        try:
            index = ids.index(card_id)
        except ValueError:
            return False
        self._set_active(STAGES.index(stage))
        self.active_column.cursor = index
        return True

    # --- showing ------------------------------------------------------------------------------

    def _count(self, stage: str) -> str:
        """The title's count: "5", or "3/15" under a filter."""
        shown, total = self.lists.count(stage), self.lists.total(stage)
        return f"{shown}/{total}" if self.lists.query else str(total)

    def _show_stage(self, stage: str) -> None:
        column = self.column(stage)
        column.set_ids(self.lists.ids(stage))
        self.query_one(f"#title-{stage}", StageTitle).show(self._count(stage))
        column.empty_text = "no match" if self.lists.query and self.lists.total(stage) else ""

    def _show_status(self) -> None:
        for gone in [card_id for card_id in self.marked if card_id not in self.lists]:
            self.marked.discard(gone)  # deleted (here or on another laptop): not marked
        if self.marked:
            text = Content.assemble(
                (f"{len(self.marked)} marked", "bold"),
                "  ·  < > 1-5 move  ·  d delete  ·  # tag  ·  esc unmarks",
            )
        elif not any(self.lists.total(stage) for stage in STAGES):  # (the trash not counted)
            if self.session.folder_emptied():  # not an empty board: n would be refused
                text = Content("No cards: the replicas are gone (followup-tui doctor).")
            else:
                text = Content.from_markup("No cards yet: press [b]n[/] to add one.")
        elif self.lists.query:
            shown = sum(self.lists.count(s) for s in STAGES)
            cards = "1 card" if shown == 1 else f"{shown} cards"
            # Assembled, not markup: what was typed is text (a trailing backslash in markup
            # would escape the closing tag and show it).
            query = (self.lists.query, "bold")
            text = Content.assemble("Filter ", query, f": {cards}  ·  esc clears")
        else:
            text = Content("")
        self.query_one("#status", Static).update(text)
        sync = self.query_one(SyncStatus)
        sync.reserved = text.cell_length + 2 if text.plain else 0  # the sync part fits beside
        sync.show()

    def on_resize(self) -> None:
        if self.is_mounted:
            self._show_status()

    def _set_active(self, index: int) -> None:
        self.column_index = index
        for i, stage in enumerate(STAGES):
            self.column(stage).active = i == index
            self.query_one(f"#column-{stage}").set_class(i == index, "-active")

    def refresh_cards(self, card_ids: set[str] | None = None) -> None:
        """Re-place changed cards (all when None) and repaint, keeping the focus on its card."""
        focused = self.active_column.card_id
        if card_ids is None:
            self.lists.rebuild()
            touched = set(STAGES)
        else:
            touched = self.lists.update(card_ids)
        cursor = self.active_column.cursor
        for stage in touched:
            self._show_stage(stage)
        for stage in set(STAGES) - touched:
            self.column(stage).refresh()
        if focused and focused in self.lists and self.lists.matches(focused):
            self.focus_card(focused)
        else:
            column = self.active_column
            column.cursor = min(cursor, max(0, len(column.ids) - 1))
        self._show_status()

    def cards_changed(self, card_ids: set[str]) -> None:
        """The board changed from outside (a merge): repaint, the focus stays on its card."""
        self.refresh_cards(set(card_ids))

    def templates_reloaded(self) -> None:
        """The templates changed: every badge may say something else now."""
        for stage in STAGES:
            self.column(stage).forget()

    # --- changing the board -------------------------------------------------------------------

    def change(self, action: Callable[[Board], Any]) -> Any | None:
        """Run one write (undoable); a failure is a one-line error, not a crash."""
        try:
            return self.context.change(action)
        except FollowupError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=8)
            return None

    @property
    def acted_on(self) -> list[str]:
        """The cards a move, delete or tag acts on: the marked ones, else the focused one."""
        if self.marked:
            return sorted(card_id for card_id in self.marked if card_id in self.lists)
        card_id = self.active_column.card_id
        return [card_id] if card_id else []

    def move_card(self, card: Card, stage: str, outcome: str | None = None) -> None:
        self.move_cards({card.id: stage}, outcome)

    def move_cards(self, moves: dict[str, str], outcome: str | None = None) -> None:
        """Move cards (one change, one undo); closing asks once how it ended."""
        move_cards(self, self.context, moves, self._moved, outcome)

    def _moved(self, card_ids: set[str]) -> None:
        focused = self.active_column.card_id
        self.refresh_cards(card_ids)
        if focused:
            self.focus_card(focused)

    # --- actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        card_actions = {"open_card", "edit_card", "compose", "answered", "next_round", "mark"}
        batch_actions = {"move_next", "move_previous", "move_to", "delete_card", "tag"}
        batch_actions |= {"close_no_answer"}
        if action in card_actions | batch_actions:
            try:
                if action in batch_actions and self.marked:
                    return True
                return None if self.focused_card is None else True
            except NoMatches:  # asked while the columns are still being mounted
                return None
        if action == "undo":
            return True if self.context.history.can_undo else None
        if action == "redo":
            return True if self.context.history.can_redo else None
        if action == "filter":  # not while typing in it: the field says what keys do
            return not any(w.has_focus for w in self.query("#filter"))
        return True

    def action_focus_left(self) -> None:
        self._step_column(-1)

    def action_focus_right(self) -> None:
        self._step_column(1)

    def _step_column(self, step: int) -> None:
        target = self.column_index + step
        if not 0 <= target < len(STAGES):
            return
        old = self.active_column
        # Land on the card at about the same height, as the eye expects.
        row = old.cursor - old.scroll_offset.y // CARD_HEIGHT
        self._set_active(target)
        new = self.active_column
        if new.ids:
            top = new.scroll_offset.y // CARD_HEIGHT
            new.cursor = max(0, min(len(new.ids) - 1, top + max(0, row)))
        self.refresh_bindings()

    def action_focus_up(self) -> None:
        column = self.active_column
        if column.cursor > 0:
            column.cursor -= 1

    def action_focus_down(self) -> None:
        column = self.active_column
        if column.cursor < len(column.ids) - 1:
            column.cursor += 1

    def action_page_up(self) -> None:
        column = self.active_column
        column.cursor = max(0, column.cursor - column.page_cards)

    def action_page_down(self) -> None:
        column = self.active_column
        column.cursor = max(0, min(len(column.ids) - 1, column.cursor + column.page_cards))

    def action_first_card(self) -> None:
        self.active_column.cursor = 0

    def action_last_card(self) -> None:
        column = self.active_column
        column.cursor = max(0, len(column.ids) - 1)

    def action_move_next(self) -> None:
        self.move_cards(stepped(self.session.board, self.acted_on, 1))

    def action_move_previous(self) -> None:
        self.move_cards(stepped(self.session.board, self.acted_on, -1))

    def action_move_to(self, number: int) -> None:
        if 1 <= number <= len(STAGES):
            self.move_cards({card_id: STAGES[number - 1] for card_id in self.acted_on})

    def action_mark(self) -> None:
        """Mark the focused card (or unmark it), and step on to the next, as file managers do."""
        card_id = self.active_column.card_id
        if card_id is None:
            return
        if card_id in self.marked:
            self.marked.discard(card_id)
        else:
            self.marked.add(card_id)
        self._repaint_cards({card_id})
        self.action_focus_down()
        self._show_status()
        self.refresh_bindings()

    def _repaint_cards(self, card_ids: Iterable[str]) -> None:
        for card_id in card_ids:
            stage = self.lists.stage_of(card_id)
            if stage is not None:
                self.column(stage).forget_card(card_id)

    def action_delete_card(self) -> None:
        card_ids = self.acted_on
        if not card_ids:
            return
        board = self.session.board
        names = [board.card(card_id).company for card_id in card_ids]

        def delete(board: Board) -> bool:
            for card_id in card_ids:
                board.delete(card_id)
            return True  # (None is what `change` says when nothing was saved)

        if self.change(delete) is None:
            return
        self.marked.difference_update(card_ids)
        self.refresh_cards(set(card_ids))
        what = names[0] if len(names) == 1 else f"{len(names)} cards"
        self.notify(f"Deleted {what}. Press u to undo.", title="Moved to the trash")

    def action_close_no_answer(self) -> None:
        """`x`: a card that asks "close as no answer?" is closed at once (u undoes it); any
        other open card, or the marked cards, get the close dialog with "They never answered"
        picked."""
        from store.notes.due import close_suggestion

        board = self.session.board
        if self.marked:
            open_ids = [i for i in self.acted_on if board.card(i).stage != "closed"]
            moves = {card_id: "closed" for card_id in open_ids}
            move_cards(self, self.context, moves, self._moved, suggested="no-answer")
            return
        card = self.focused_card
        if card is None or card.stage == "closed":
            return
        templates = self.context.templates_read
        now, tz = self.now(), self.context.tz
        asked = templates and close_suggestion(card, templates.everything(), now, tz)
        if not asked:
            move_cards(self, self.context, {card.id: "closed"}, self._moved, suggested="no-answer")
            return
        self.move_card(card, "closed", "no-answer")
        if board.card(card.id).stage == "closed":
            self.notify(f"Closed {card.company} as no answer. Press u to undo.")

    def show_step(self, step: Step) -> None:
        """After u or ctrl+r: the cards it changed repainted, the one card focused."""
        self.refresh_cards(set(step.card_ids))
        if len(step.card_ids) == 1:
            self.focus_card(next(iter(step.card_ids)))

    def action_new_card(self) -> None:
        from tui.card.edit import CardEditScreen

        stage = STAGES[self.column_index] if self.column_index < len(STAGES) - 1 else STAGES[0]
        self.app.push_screen(CardEditScreen(self.context, None, stage=stage), self._edited)

    def action_edit_card(self) -> None:
        from tui.card.edit import CardEditScreen

        card = self.focused_card
        if card is not None:
            self.app.push_screen(CardEditScreen(self.context, card), self._edited)

    def _edited(self, result: str | None) -> None:
        """A screen opened from here returned: the card it changed (None: nothing changed)."""
        if not result:
            return
        self.refresh_cards({result})
        self.focus_card(result)

    def action_open_card(self) -> None:
        from tui.card.detail import CardDetailScreen

        card = self.focused_card
        if card is not None:
            search = self.lists.search or None  # the detail view marks where it matched
            self.app.push_screen(CardDetailScreen(self.context, card.id, search), self._edited)

    def action_filter(self) -> None:
        filter_input = self.query_one("#filter", Input)
        filter_input.display = True
        filter_input.focus()
        self.refresh_bindings()

    def action_clear_filter(self) -> None:
        typing = any(w.has_focus for w in self.query("#filter"))
        if self.marked and not typing:
            marked = set(self.marked)
            self.marked.clear()
            self._repaint_cards(marked)
            self._show_status()
            self.refresh_bindings()
            return
        if self._pending_filter is not None:
            self._pending_filter.stop()
            self._pending_filter = None
        filter_input = self.query_one("#filter", Input)
        filter_input.value = ""
        filter_input.display = False
        self._apply_filter("")
        self.set_focus(None)
        self.refresh_bindings()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if self._pending_filter is not None:
            self._pending_filter.stop()
            self._pending_filter = None
        if len(self.session.board.cards) < SEARCH_AS_YOU_TYPE:
            self._apply_filter(event.value)
            return
        # A big board is searched once the typing pauses, not on every key of a word.
        value = event.value
        self._pending_filter = self.set_timer(0.12, lambda: self._apply_filter(value))

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if self._pending_filter is not None:  # enter does not wait for the pause
            self._pending_filter.stop()
            self._pending_filter = None
            self._apply_filter(event.value)
        if not event.value.strip():
            self.action_clear_filter()
            return
        self.set_focus(None)
        self.refresh_bindings()

    def _apply_filter(self, text: str) -> None:
        focused = self.active_column.card_id
        self.lists.set_query(text)
        for stage in STAGES:
            self._show_stage(stage)
        if not (focused and self.lists.matches(focused) and self.focus_card(focused)):
            for stage in STAGES:
                self.column(stage).cursor = 0
            if not self.active_column.ids:
                self._set_active(self._first_column_with_cards())
        self._show_status()

    def action_compose(self) -> None:
        card = self.focused_card
        if card is not None:
            self._write_letter(card.id)

    def _write_letter(self, card_id: str, template: str | None = None) -> None:
        from tui.followups.compose import ComposeScreen

        self.app.push_screen(ComposeScreen(self.context, card_id, template), self._edited)

    def action_today(self) -> None:
        from tui.followups.today import TodayScreen

        self.app.push_screen(TodayScreen(self.context), self._back_from_today)

    def _back_from_today(self, shown: str | None) -> None:
        """Today may have recorded notes and answers on any card: repaint them all, then put
        the focus on the card it asked to show, if any."""
        self.refresh_cards(None)
        if shown and not self.focus_card(shown) and self.lists.query:
            self.action_clear_filter()  # the card asked for was hidden by the filter
            self.focus_card(shown)

    def action_offers(self) -> None:
        from tui.offers.screen import OffersScreen

        self.app.push_screen(OffersScreen(self.context), self._back_from_today)

    def action_people(self) -> None:
        from tui.people.screen import PeopleScreen

        self.app.push_screen(PeopleScreen(self.context), self._back_from_today)

    def action_quit(self) -> None:
        self.app.exit(0)

    @on(StageColumn.CardClicked)
    def _card_clicked(self, event: StageColumn.CardClicked) -> None:
        self._set_active(STAGES.index(event.column.stage))
        event.column.cursor = event.index
        self.refresh_bindings()
        if event.opened:
            self.action_open_card()
