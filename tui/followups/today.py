"""Today (`t` on the board): every note due or overdue across all cards, most urgent first.

Enter (or `c`) opens the compose screen for the highlighted note; `a` records that the
employer answered. This module also wires the note templates into the app: it loads the
vault's `TemplateSet` when a session opens, gives the board its due badges, and reloads
templates when files change (`FollowupApp.templates_changed`, called by the folder watcher,
and a plain re-read whenever the Today or compose screen opens), showing a broken file's
error with its line while the last good version keeps working.

This screen must never write the vault other than through `Session.change` (in the screens
it opens).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len, set_cell_size
from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from store.cards.model import Card
from store.notes.due import DueItem, board_items
from store.notes.templates import TemplateSet
from store.vault.session import Session
from tui.board.card_face import Badge
from tui.widgets.fitting_footer import FittingFooter

if TYPE_CHECKING:
    from tui.board.screen import BoardScreen

TZ = None  # the system's own rules (daylight saving included), as the rest of the app shows

# --- the app's templates ------------------------------------------------------------------------


def app_templates(app: App[Any], session: Session) -> TemplateSet:
    """The app's template set, loaded on first use (a test may build screens without one)."""
    templates = getattr(app, "templates", None)
    if templates is None:
        templates = TemplateSet.for_vault(session.vault.path)
        app.templates = templates  # type: ignore[attr-defined]
    return templates


def board_badge(app: App[Any]) -> Callable[[Card, datetime], str | None]:
    """The board's due badge: "thank-you due in 3 h", "follow-up 2 days overdue".

    A `Badge`: a narrow card shows its short form ("thank-you 3h over"); the card view and
    Today say it in full.
    """

    def badge(card: Card, now: datetime) -> str | None:
        templates = getattr(app, "templates", None)
        if templates is None:
            return None
        listed = board_items([card], templates.all(), now, TZ)
        if not listed:
            return None
        first = listed[0]
        full = f"{first.template} {first.relative(now, TZ)}"
        return Badge(full, first.template, first.short_relative(now, TZ))

    return badge


def attach_templates(app: App[Any], session: Session, templates: TemplateSet | None = None) -> None:
    """A session opened: load its templates (unless given, read already) and give the board
    its due badges."""
    from tui.board.card_face import no_badge

    if templates is None:
        templates = TemplateSet.for_vault(session.vault.path)
    app.templates = templates  # type: ignore[attr-defined]
    if getattr(app, "due_badge", no_badge) is no_badge:
        app.due_badge = board_badge(app)  # type: ignore[attr-defined]
    for problem in app.templates.problems():  # type: ignore[attr-defined]
        app.notify(
            f"{problem}\nThe last good (or built-in) version is in use.",
            title="Template not loaded",
            severity="warning",
            timeout=12,
        )


def reload_templates(app: App[Any], paths: Iterable[Path] | None = None) -> set[str]:
    """Template files changed: read them again, report new problems, repaint what shows them.

    `paths` are the changed files (None: the whole folder). Returns the changed names.
    """
    templates: TemplateSet | None = getattr(app, "templates", None)
    if templates is None:
        return set()
    before = dict(templates.errors)
    if paths is None:
        changed = templates.reload_all()
    else:
        changed = set()
        for path in paths:
            if Path(path) == templates.folder:
                changed |= templates.reload_all()
            else:
                name = templates.reload(Path(path))
                if name:
                    changed.add(name)
    for path, problem in templates.errors.items():
        if before.get(path) != problem:
            app.notify(
                f"{problem}\nThe last good version is still in use.",
                title="Template not loaded",
                severity="error",
                timeout=12,
            )
    fixed = [p for p in before if p not in templates.errors]
    if fixed:
        app.notify(", ".join(p.name for p in fixed), title="Template fixed")
    if changed or fixed or before != templates.errors:
        _repaint(app)
    return changed


def _repaint(app: App[Any]) -> None:
    from tui.board.stage_column import StageColumn

    for screen in app.screen_stack:
        for column in screen.query(StageColumn):
            column.forget()
        refresh = getattr(screen, "templates_reloaded", None)
        if refresh is not None:
            refresh()


# --- the screen -----------------------------------------------------------------------------------


WIDE = 110  # cells from which a line says when in full and gives the rule too


def item_line(item: DueItem, now: datetime, width: int = WIDE, what_width: int = 0) -> Content:
    """One note due: when (in full), which note, the card, and the rule behind it.

    Narrower than `WIDE` the rule is left out; the list cuts a line with an ellipsis rather
    than wrapping it.
    """
    card = item.card
    status = item.status(now, TZ)
    style = "$error" if status == "overdue" else "$warning" if status == "due" else "$text-muted"
    what = _what(card)
    when = (f"{item.relative(now, TZ):<17}", f"bold {style}")
    if width < WIDE:
        return Content.assemble(when, (f"{item.title:<21}", "$text"), (what, "$text"))
    if what_width and cell_len(what) > what_width:
        what = set_cell_size(what, what_width - 1) + "…"
    return Content.assemble(
        when,
        (f"{item.title:<21}", "$text"),
        (set_cell_size(what, what_width) if what_width else what, "$text"),
        (f"  {item.rule.describe()}", "$text-muted"),
    )


def _what(card: Card) -> str:
    return f"{card.company} — {card.role}" if card.role else card.company


class TodayScreen(Screen[None]):
    CSS_PATH = "today.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,c", "compose", "Compose", id="today-compose", tooltip="Write this note"),
        Binding("a", "answered", "Answered", id="today-answered", tooltip="The employer answered"),
        Binding("o", "open_card", "Card", id="today-open", tooltip="Show the card on the board"),
        Binding("escape,t", "close", "Board", id="today-close", tooltip="Back to the board"),
    ]

    def __init__(self, session: Session, now: Callable[[], datetime]) -> None:
        super().__init__(id="today")
        self.session = session
        self.now = now
        self.items: list[DueItem] = []
        self._shown_width = 0

    @property
    def templates(self) -> TemplateSet:
        return app_templates(self.app, self.session)

    def compose(self) -> ComposeResult:
        with Vertical(id="today-body"):
            yield Static(id="today-title")
            yield Static(id="today-problems")
            yield OptionList(id="today-list")
            yield Static(id="today-empty")
        yield FittingFooter()

    def on_mount(self) -> None:
        reload_templates(self.app)
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
        now = self.now()
        options = self.query_one("#today-list", OptionList)
        highlighted = self.highlighted
        keep = keep or ((highlighted.card_id, highlighted.template) if highlighted else None)
        self.items = board_items(self.session.board.all(), self.templates.all(), now, TZ)
        width = self._shown_width = self.size.width or self.app.size.width
        what_width = min(40, max((cell_len(_what(i.card)) for i in self.items), default=0))
        options.clear_options()
        options.add_options(
            Option(item_line(item, now, width, what_width), id=f"{item.card_id}:{item.template}")
            for item in self.items
        )
        overdue = sum(1 for i in self.items if i.status(now, TZ) == "overdue")
        count = len(self.items)
        title = f"[b]Today[/b]  {count} {'note' if count == 1 else 'notes'} due"
        if overdue:
            title += f", [b $error]{overdue} overdue[/]"
        self.query_one("#today-title", Static).update(title)
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
            "Nothing is due. Well done — or back on the board (esc), add the interview you "
            "just had (n)."
        )
        options.display = bool(self.items)
        if self.items:
            index = 0
            if keep is not None:
                for i, item in enumerate(self.items):
                    if (item.card_id, item.template) == keep:
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
            return None if self.highlighted is None else True
        return True

    @on(OptionList.OptionSelected, "#today-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_compose()

    def action_compose(self) -> None:
        from tui.followups.compose import ComposeScreen

        item = self.highlighted
        if item is None:
            return
        self.app.push_screen(
            ComposeScreen(self.session, item.card_id, now=self.now, template=item.template),
            self._back,
        )

    def action_answered(self) -> None:
        from tui.followups.compose import AnsweredScreen

        item = self.highlighted
        if item is not None:
            self.app.push_screen(AnsweredScreen(self.session, item.card_id), self._back)

    def _back(self, card_id: str | None) -> None:
        if card_id:
            board = _board_screen(self.app)
            if board is not None:
                board.refresh_cards({card_id})
        self.show_items()

    def action_open_card(self) -> None:
        item = self.highlighted
        board = _board_screen(self.app)
        self.dismiss(None)
        if item is not None and board is not None:
            board.focus_card(item.card_id)

    def action_close(self) -> None:
        self.dismiss(None)


def _board_screen(app: App[Any]) -> BoardScreen | None:
    from tui.board.screen import BoardScreen

    for screen in app.screen_stack:
        if isinstance(screen, BoardScreen):
            return screen
    return None
