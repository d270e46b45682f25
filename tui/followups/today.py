"""Today (`t` on the board): every note due or overdue across all cards, today's and
tomorrow's interviews, and the cards whose silence asks to close them; most urgent first.

Enter (or `c`) opens the compose screen for the highlighted note (for an interview: the card,
with its questions to ask and research; for a close suggestion: closes it as no answer, as `x`
does); `u` and `ctrl+r` undo and redo the changes made since the board opened, as on the
board (`AppContext.history`); `a` records that the employer answered; `o` goes back to the board with the focus on that note's card: Today
returns that card's id (None: just back), and the board puts the focus there. The templates
are read again whenever Today opens, so a file edited meanwhile counts (a broken one shows
its line while the last good version keeps working).

This screen must never write the vault other than through `AppContext.change` (so every change
can be undone), and never import or drive the board.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from store.cards.model import Card
from store.errors import FollowupError
from store.notes.due import KINDS, DueItem
from store.notes.templates import TemplateSet
from tui.context import AppContext
from tui.history import Step, UndoKeys
from tui.widgets.choice_list import ChoiceList
from tui.widgets.fitting_footer import FittingFooter

WIDE = 110  # cells from which a line says when in full and gives the rule too


def item_line(
    item: DueItem,
    now: datetime,
    width: int = WIDE,
    what_width: int = 0,
    tz: tzinfo | None = None,
    when_width: int = 17,
) -> Content:
    """One item: when (in full), which note (or interview, or close question), the card, and
    the rule behind it.

    Narrower than `WIDE` the rule is left out; the list cuts a line with an ellipsis rather
    than wrapping it. `when_width` is the widest "when" of the list, so columns line up.
    """
    card = item.card
    status = item.status(now, tz)
    style = "$error" if status == "overdue" else "$warning" if status == "due" else "$text-muted"
    if item.kind == "interview":
        style = "$accent"
    what = _what(card)
    when = (f"{item.relative(now, tz):<{when_width}}", f"bold {style}")
    if width < WIDE:
        return Content.assemble(when, (f"{item.title:<21}", "$text"), (what, "$text"))
    if what_width and cell_len(what) > what_width:
        what = set_cell_size(what, what_width - 1) + "…"
    return Content.assemble(
        when,
        (f"{item.title:<21}", "$text"),
        (set_cell_size(what, what_width) if what_width else what, "$text"),
        (f"  {item.describe(tz)}", "$text-muted"),
    )


def today_title(count: int, overdue: int, others: Sequence[str] = ()) -> str:
    """ "1 note overdue", "3 notes due", "3 notes: 1 overdue, 2 due" (markup), then what else is
    listed ("1 interview", "2 to close"): each count said once."""
    notes = "1 note" if count == 1 else f"{count} notes"
    if not count:
        said = "nothing due" if not others else ""
    elif overdue == count:
        said = f"[b $error]{notes} overdue[/]"
    elif not overdue:
        said = f"{notes} due"
    else:
        said = f"{notes}: [b $error]{overdue} overdue[/], {count - overdue} due"
    return "[b]Today[/b]  " + "  ·  ".join([p for p in (said, *others) if p])


def _what(card: Card) -> str:
    return f"{card.company} — {card.role}" if card.role else card.company


class TodayScreen(UndoKeys, Screen[str | None]):
    """Returns the id of the card to show on the board (`o`), or None."""

    CSS_PATH = "today.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,c", "compose", "Compose", id="today-compose", tooltip="Write this note"),
        Binding("a", "answered", "Answered", id="today-answered", tooltip="The employer answered"),
        Binding("o", "open_card", "Card", id="today-open", tooltip="Show the card on the board"),
        Binding(
            "x",
            "close_no_answer",
            "Close: no answer",
            id="today-close-no-answer",
            tooltip="Close the card as no answer (when its silence asks)",
        ),
        Binding("u", "undo", "Undo", id="today-undo", show=False, tooltip="Undo the last change"),
        Binding(
            "ctrl+r", "redo", "Redo", id="today-redo", show=False, tooltip="Redo what was undone"
        ),
        Binding("escape,t", "close", "Board", id="today-close", tooltip="Back to the board"),
    ]

    def __init__(self, context: AppContext) -> None:
        super().__init__(id="today")
        self.context = context
        self.session = context.session
        self.now = context.now
        self.items: list[DueItem] = []
        self._shown_width = 0

    @property
    def templates(self) -> TemplateSet:
        return self.context.templates

    def compose(self) -> ComposeResult:
        with Vertical(id="today-body"):
            yield Static(id="today-title")
            yield Static(id="today-problems")
            yield ChoiceList(id="today-list")
            yield Static(id="today-empty")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.context.reload_templates()
        self.show_items()
        self.query_one("#today-list", OptionList).focus()

    def templates_reloaded(self) -> None:
        self.show_items()

    def on_resize(self, event: events.Resize) -> None:
        if (event.size.width < WIDE) != (self._shown_width < WIDE):
            self.show_items()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.show_items()

    def show_items(self, keep: tuple[str, str] | None = None) -> None:
        now, tz = self.now(), self.context.tz
        options = self.query_one("#today-list", OptionList)
        highlighted = self.highlighted
        keep = keep or ((highlighted.card_id, highlighted.key) if highlighted else None)
        # The board's own index (in the context's time zone): each card's items worked out
        # once per card version, shared with the badges.
        cards, templates = self.session.board.all(), self.templates.everything()
        self.items = self.context.due_index.listed(cards, templates, now, kinds=KINDS)
        width = self._shown_width = self.size.width or self.app.size.width
        what_width = min(40, max((cell_len(_what(i.card)) for i in self.items), default=0))
        when_width = max([17, *(cell_len(i.relative(now, tz)) + 1 for i in self.items)])
        options.clear_options()
        options.add_options(
            Option(item_line(item, now, width, what_width, tz, when_width), id=item.key)
            for item in self.items
        )
        notes = [i for i in self.items if i.kind == "note"]
        overdue = sum(1 for i in notes if i.status(now, tz) == "overdue")
        others = []
        for kind, one, many in (
            ("interview", "interview", "interviews"),
            ("close", "to close", "to close"),
        ):
            number = sum(1 for i in self.items if i.kind == kind)
            if number:
                others.append(f"{number} {one if number == 1 else many}")
        self.query_one("#today-title", Static).update(today_title(len(notes), overdue, others))
        problems = self.templates.problems()
        shown = self.query_one("#today-problems", Static)
        shown.display = bool(problems)
        shown.update(
            Content.from_markup(
                "[b $error]Template problems[/] (the last good versions are in use)"
            )
            + Content("\n" + "\n".join(str(p) for p in problems))
        )
        empty = self.query_one("#today-empty", Static)
        empty.display = not self.items
        empty.update(
            "Nothing is due. Well done. esc goes back to the board, where n adds the "
            "interview you just had."
        )
        options.display = bool(self.items)
        self.refresh_bindings()  # an empty list has no note to write, answer or show
        if self.items:
            index = 0
            if keep is not None:
                for i, item in enumerate(self.items):
                    if (item.card_id, item.key) == keep:
                        index = i
            options.highlighted = index

    @property
    def highlighted(self) -> DueItem | None:
        options = self.query_one("#today-list", OptionList)
        index = options.highlighted
        if index is None or not 0 <= index < len(self.items):
            return None
        return self.items[index]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("compose", "answered", "open_card"):
            if not self.items:
                return False  # nothing listed: the keys are not shown at all
            return None if self.highlighted is None else True
        if action == "close_no_answer":
            item = self.highlighted
            return None if item is None or item.kind != "close" else True
        if action == "undo":  # the changes made since the board opened, as on the board
            return True if self.context.history.can_undo else None
        if action == "redo":
            return True if self.context.history.can_redo else None
        return True

    @on(OptionList.OptionSelected, "#today-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_compose()

    def action_compose(self) -> None:
        item = self.highlighted
        if item is None:
            return
        if item.kind == "close":
            self.action_close_no_answer()
            return
        if item.kind == "interview":  # nothing to write yet: the card, to prepare
            from tui.card.detail import CardDetailScreen

            self.app.push_screen(CardDetailScreen(self.context, item.card_id), self._back)
            return
        if item.kind != "note":  # an offer's answer-by day: no letter to write, show the card
            self.dismiss(item.card_id)
            return
        from tui.followups.compose import ComposeScreen

        self.app.push_screen(ComposeScreen(self.context, item.card_id, item.template), self._back)

    def action_close_no_answer(self) -> None:
        """The card's silence asked: close it as no answer (only ever on this key)."""
        item = self.highlighted
        if item is None or item.kind != "close":
            return
        card = item.card
        try:
            self.context.change(lambda b: b.move(card.id, "closed", outcome="no-answer"))
        except FollowupError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=8)
            return
        self.notify(f"Closed {card.company} as no answer. Press u to undo.")
        self.show_items()
        self.refresh_bindings()

    def show_step(self, step: Step) -> None:
        """The board's undo, here too (what x closed, a note marked sent, an answer…): the list
        as it is now."""
        self.show_items()

    def action_answered(self) -> None:
        from tui.followups.answered import AnsweredScreen

        item = self.highlighted
        if item is not None:
            self.app.push_screen(AnsweredScreen(self.context, item.card_id), self._back)

    def _back(self, card_id: str | None) -> None:
        """A note was sent or an answer recorded (or not): what is due may have changed. The
        board repaints every card when Today closes."""
        self.show_items()

    def action_open_card(self) -> None:
        item = self.highlighted
        self.dismiss(item.card_id if item is not None else None)

    def action_close(self) -> None:
        self.dismiss(None)
