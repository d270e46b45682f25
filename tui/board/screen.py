"""The board: five stage columns, a card under the focus, and every key a user acts with.

Every change goes through `Session.change`, so it is on disk before the screen shows it.
The focus is a (column, card) pair; it follows a card when the card moves, and stays on the
same card when the board changes underneath (a merge from another laptop).

All board keys are declared once, in `BOARD_BINDINGS`: the footer, the help screen, the
command palette and the user's keymap (`Config.keymap`, by binding id) all read that list.
To add a board action, add a `Binding` with an id there and an `action_…` method here.

The board is the parent of the screens it opens (a card, its form, compose, Today, an answer,
closing a card): each returns what it changed and the board repaints and focuses it. None of
them imports or drives the board.

This screen must never write the vault other than through `Session.change`, and never lose
a user's change silently: a failed write is shown as a one-line error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from store.cards.board import Board
from store.cards.model import STAGES, Card
from store.errors import FollowupError
from tui.board.stage_column import CARD_HEIGHT, StageColumn, StageTitle
from tui.board.stage_lists import StageLists
from tui.board.sync_status import SyncStatus
from tui.context import AppContext
from tui.widgets.fitting_footer import FittingFooter

STAGE_TITLES = {
    "interviewed": "Interviewed",
    "thanked": "Thanked",
    "waiting": "Waiting",
    "followed-up": "Followed up",
    "closed": "Closed",
}

MOVE = Binding.Group("Move")
# From this many cards the search waits for a pause in the typing (each search scans them all).
SEARCH_AS_YOU_TYPE = 3000

BOARD_BINDINGS: list[Binding] = [
    Binding("n", "new_card", "New", id="new-card", tooltip="Add a card for an interview"),
    Binding("enter", "open_card", "Open", id="open-card", tooltip="Show every field of the card"),
    Binding("e", "edit_card", "Edit", id="edit-card", tooltip="Edit the card's fields"),
    # The footer shows these two as one "< > Move" (MOVE); help and the palette list both.
    Binding(
        "shift+left,less_than_sign",
        "move_previous",
        "Prev stage",
        id="move-previous",
        key_display="<",
        tooltip="Move the card back a stage",
        group=MOVE,
    ),
    Binding(
        "shift+right,greater_than_sign",
        "move_next",
        "Next stage",
        id="move-next",
        key_display=">",
        tooltip="Move the card to the next stage",
        group=MOVE,
    ),
    *(
        Binding(
            str(number),
            f"move_to({number})",
            f"To {STAGE_TITLES[stage].lower()}",
            id=f"move-to-{stage}",
            show=False,
            tooltip=f"Move the card to {stage}",
        )
        for number, stage in enumerate(STAGES, start=1)
    ),
    Binding("d", "delete_card", "Delete", id="delete-card", tooltip="Move the card to the trash"),
    Binding(
        "x",
        "close_no_answer",
        "Close: no answer",
        id="close-no-answer",
        show=False,
        tooltip="Close the card as no answer (what a card silent for weeks asks)",
    ),
    Binding("u", "undo", "Undo", id="undo", show=False, tooltip="Undo the last change made here"),
    Binding(
        "slash",
        "filter",
        "Filter",
        id="filter",
        tooltip="Search every text of the cards: people, notes, the posting, notes sent, answers",
    ),
    Binding(
        "escape",
        "clear_filter",
        "Clear filter",
        id="clear-filter",
        show=False,
        tooltip="Show every card again",
    ),
    Binding("left,h", "focus_left", "Left", id="focus-left", show=False),
    Binding("right,l", "focus_right", "Right", id="focus-right", show=False),
    Binding("up,k", "focus_up", "Up", id="focus-up", show=False),
    Binding("down,j", "focus_down", "Down", id="focus-down", show=False),
    Binding("pageup", "page_up", "Page up", id="page-up", show=False),
    Binding("pagedown", "page_down", "Page down", id="page-down", show=False),
    Binding("home,g", "first_card", "First card", id="first-card", show=False),
    Binding("end,G", "last_card", "Last card", id="last-card", show=False),
    Binding("c", "compose", "Compose", id="compose-note", tooltip="Write a note from a template"),
    Binding("t", "today", "Today", id="today", tooltip="Every note due or overdue, most urgent"),
    Binding(
        "a",
        "answered",
        "Answered",
        id="employer-answered",
        show=False,
        tooltip="The employer answered: stops the follow-up clock",
    ),
    Binding("s", "insight", "Insight", id="insight", show=False, tooltip="How the search is going"),
    Binding(
        "O", "offers", "Offers", id="offers", show=False, tooltip="The offers side by side"
    ),  # issue 14
    Binding(
        "P",
        "people",
        "People",
        id="people",
        show=False,
        tooltip="Everyone on the cards, once each: enter shows their cards",
    ),  # issue 14
    Binding("question_mark", "help", "Help", id="help", tooltip="Every key of the board"),
    Binding("q", "quit", "Quit", id="quit", tooltip="Leave (everything is already saved)"),
]


@dataclass(frozen=True)
class Undo:
    """A change that can be taken back: what to say, and the board write that reverses it."""

    description: str
    card_id: str
    revert: Callable[[Board], Any]


class BoardScreen(Screen[None]):
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
        self.undo_stack: list[Undo] = []
        self._pending_filter: Timer | None = None

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="columns"):
            for stage in STAGES:
                with Vertical(classes="column", id=f"column-{stage}"):
                    yield StageTitle(
                        STAGE_TITLES[stage], classes="column-title", id=f"title-{stage}"
                    )
                    yield StageColumn(
                        stage,
                        self.session.board,
                        self.now,
                        self.due_badge,
                        id=f"cards-{stage}",
                    )
        yield Input(
            placeholder="Search everything: people, notes, posting, notes sent…  ·  enter keeps it  ·  "
            "esc clears",
            id="filter",
        )
        with Horizontal(id="status-line"):
            yield Static(id="status")
            yield SyncStatus(self.session, merged=self.context.board_changed)
        yield FittingFooter()

    def on_mount(self) -> None:
        filter_input = self.query_one("#filter", Input)
        filter_input.display = False
        filter_input.cursor_blink = self.context.cursor_blink
        for stage in STAGES:
            self._show_stage(stage)
        self._set_active(self._first_column_with_cards())
        self._show_status()
        self.set_interval(60, self._clock_moved)
        # The search's index, folded a slice at a time in idle moments: the first `/` on a
        # board of 10,000 cards is then as quick as the next (it would cost a second).
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

    def _show_stage(self, stage: str) -> None:
        column = self.column(stage)
        column.set_ids(self.lists.ids(stage))
        shown, total = self.lists.count(stage), self.lists.total(stage)
        count = f"{shown}/{total}" if self.lists.query else str(total)
        self.query_one(f"#title-{stage}", StageTitle).show(count)
        column.empty_text = "no match" if self.lists.query and total else ""

    def _show_status(self) -> None:
        status = self.query_one("#status", Static)
        if not any(self.lists.total(stage) for stage in STAGES):  # (the trash not counted)
            status.update("No cards yet: press [b]n[/] to add one.")
        elif self.lists.query:
            shown = sum(self.lists.count(s) for s in STAGES)
            cards = "1 card" if shown == 1 else f"{shown} cards"
            # Assembled, not markup: what was typed is text (a trailing backslash in markup
            # would escape the closing tag and show it).
            query = (self.lists.query, "bold")
            status.update(Content.assemble("Filter ", query, f": {cards}  ·  esc clears"))
        else:
            status.update("")

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
        """Run one write through the session; a failure is a one-line error, not a crash."""
        try:
            return self.session.change(action)
        except FollowupError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=8)
            return None

    def move_card(self, card: Card, stage: str, outcome: str | None = None) -> None:
        if stage == card.stage and not outcome:
            return
        if stage == "closed" and outcome is None:
            from tui.board.close_outcome import CloseOutcomeScreen

            def chosen(result: str | None) -> None:
                if result:
                    self.move_card(card, "closed", result)

            self.app.push_screen(CloseOutcomeScreen(card), chosen)
            return
        before_stage, before_outcome = card.stage, card.outcome
        moved = self.change(lambda board: board.move(card.id, stage, outcome=outcome))
        if moved is None:
            return
        self.undo_stack.append(
            Undo(
                f"moved {card.company} to {stage}",
                card.id,
                lambda board: board.move(card.id, before_stage, outcome=before_outcome),
            )
        )
        self.refresh_cards({card.id})
        self.focus_card(card.id)
        if stage == "closed" and outcome == "rejected":
            self._after_rejection(card.id)  # the reply, and what I learned

    def _after_rejection(self, card_id: str) -> None:
        """A card was just closed as rejected: offer the learned note and the rejection reply."""
        from tui.followups.rejected import RejectedScreen

        def done(result: str | None) -> None:
            self.refresh_cards({card_id})
            if result == "reply":
                self._write_letter(card_id, "rejection-reply")

        self.app.push_screen(RejectedScreen(self.session, card_id), done)

    # --- actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        card_actions = {"open_card", "edit_card", "move_next", "move_previous", "delete_card"}
        card_actions |= {"compose", "answered", "close_no_answer"}
        if action in card_actions or action == "move_to":
            try:
                return None if self.focused_card is None else True
            except NoMatches:  # asked while the columns are still being mounted
                return None
        if action == "undo":
            return None if not self.undo_stack else True
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
        card = self.focused_card
        if card is not None and card.stage != STAGES[-1]:
            self.move_card(card, STAGES[STAGES.index(card.stage) + 1])

    def action_move_previous(self) -> None:
        card = self.focused_card
        if card is not None and card.stage != STAGES[0]:
            self.move_card(card, STAGES[STAGES.index(card.stage) - 1])

    def action_move_to(self, number: int) -> None:
        card = self.focused_card
        if card is not None and 1 <= number <= len(STAGES):
            self.move_card(card, STAGES[number - 1])

    def action_delete_card(self) -> None:
        card = self.focused_card
        if card is None:
            return
        if self.change(lambda board: board.delete(card.id)) is None:
            return
        self.undo_stack.append(
            Undo(f"deleted {card.company}", card.id, lambda board: board.restore(card.id))
        )
        self.refresh_cards({card.id})
        self.notify(f"Deleted {card.company}. Press u to undo.", title="Moved to the trash")

    def action_close_no_answer(self) -> None:
        """`x`: a card that asks "close as no answer?" is closed at once (u undoes it); any
        other open card gets the close dialog with "They never answered" picked."""
        from store.notes.due import close_suggestion

        card = self.focused_card
        if card is None or card.stage == "closed":
            return
        templates = self.context.templates_read
        now, tz = self.now(), self.context.tz
        asked = templates and close_suggestion(card, templates.everything(), now, tz)
        if not asked:
            from tui.board.close_outcome import CloseOutcomeScreen

            def chosen(result: str | None) -> None:
                if result:
                    self.move_card(card, "closed", result)

            self.app.push_screen(CloseOutcomeScreen(card, suggested="no-answer"), chosen)
            return
        self.move_card(card, "closed", "no-answer")
        if self.session.board.card(card.id).stage == "closed":
            self.notify(f"Closed {card.company} as no answer. Press u to undo.")

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.notify("Nothing to undo.")
            return
        undo = self.undo_stack.pop()
        if self.change(undo.revert) is None:
            self.undo_stack.append(undo)
            return
        self.refresh_cards({undo.card_id})
        self.focus_card(undo.card_id)
        self.notify(f"Undone: {undo.description}.")

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

    def action_answered(self) -> None:
        from tui.followups.answered import AnsweredScreen

        card = self.focused_card
        if card is not None:
            self.app.push_screen(AnsweredScreen(self.session, card.id), self._edited)

    def action_insight(self) -> None:
        from tui.insight.screen import InsightScreen

        self.app.push_screen(InsightScreen(self.context))

    def action_offers(self) -> None:
        from tui.offers.screen import OffersScreen

        self.app.push_screen(OffersScreen(self.context), self._back_from_today)

    def action_people(self) -> None:
        from tui.people.screen import PeopleScreen

        self.app.push_screen(PeopleScreen(self.context), self._back_from_today)

    def action_help(self) -> None:
        from tui.board.help import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def action_quit(self) -> None:
        self.app.exit(0)

    @on(StageColumn.CardClicked)
    def _card_clicked(self, event: StageColumn.CardClicked) -> None:
        self._set_active(STAGES.index(event.column.stage))
        event.column.cursor = event.index
        self.refresh_bindings()
        if event.opened:
            self.action_open_card()
