"""One column of the board: a virtual list that paints only the cards in view (the line API).

A column may hold thousands of closed cards, so it is never one widget per card: it keeps a
list of card ids and draws each visible line on demand from the card's `CardFace`, caching
the drawn strips per card version. Every card has the same height, so line `y` belongs to
card `y // CARD_HEIGHT` and scrolling is arithmetic.

The column only shows and reports clicks; it must never change the board.
"""

from __future__ import annotations

from collections.abc import Callable, Set
from datetime import datetime
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from store.cards.board import Board
from tui.board.card_face import CardFace, DueBadge, card_face, fit_badge, no_badge

CARD_LINES = 3  # title + age, role, badge / outcome
CARD_HEIGHT = CARD_LINES + 1  # one blank line between cards
MARGIN = 1  # blank cells left of a card (the gap to the column on its left)


def _minute(now: datetime) -> tuple[int, int, int, int, int]:
    """The minute `now` falls in, as the drawn strips are keyed (a badge's words change by
    the minute); cheaper than formatting it, at every line painted."""
    return (now.year, now.month, now.day, now.hour, now.minute)


class StageTitle(Widget):
    """A column's heading: the stage and how many cards it holds ("Interviewed  5", or
    "3/15" under a filter). On a narrow column the name is cut, never the count."""

    DEFAULT_CSS = """
    StageTitle {
        width: 1fr;
        height: 1;
    }
    """

    def __init__(self, name: str, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.stage_name = name
        self.count = ""

    def show(self, count: str) -> None:
        self.count = count
        self.refresh()

    def render(self) -> Content:
        room = self.content_region.width - cell_len(self.count)
        name, gap = self.stage_name, "  "
        if cell_len(name) + 2 > room:
            gap = " "
            if cell_len(name) + 1 > room:
                name = set_cell_size(name, room - 2) + "…" if room > 2 else ""
        return Content.assemble(name, gap if name else "", (self.count, "dim"))


class StageColumn(ScrollView, can_focus=False):
    """The cards of one stage; the board screen owns the keys and tells it what to show."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "stage-column--card",
        "stage-column--cursor",
        "stage-column--focused",
        "stage-column--title",
        "stage-column--role",
        "stage-column--age",
        "stage-column--badge",
        "stage-column--overdue",
        "stage-column--outcome",
        "stage-column--conflict",
        "stage-column--empty",
        "stage-column--marked",
        "stage-column--upcoming",
    }

    DEFAULT_CSS = """
    StageColumn {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True)
    active: reactive[bool] = reactive(False)

    class CardClicked(Message):
        """A card was clicked (`opened` on a double click)."""

        def __init__(self, column: StageColumn, index: int, opened: bool) -> None:
            super().__init__()
            self.column = column
            self.index = index
            self.opened = opened

    def __init__(
        self,
        stage: str,
        board: Board,
        now: Callable[[], datetime],
        due_badge: DueBadge = no_badge,
        *,
        locale: str | None = None,
        marked: Set[str] = frozenset(),
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.marked = marked  # the board's marked cards (space): drawn with a bar and a tick
        self.stage = stage
        self.board = board
        self.now = now
        self.due_badge = due_badge
        self.locale = locale  # the language a closed card's day is written in
        self.ids: list[str] = []
        self.empty_text = ""
        self._strips: LRUCache[tuple[object, ...], list[Strip]] = LRUCache(512)
        # The column's own style and its parts' (`stage-column--title`…), as the CSS gives
        # them now: worked out once, not at every line (Textual walks the ancestors for each),
        # and dropped with the strips whenever the styles change.
        self._styles: dict[str, Style] = {}
        self._parts: dict[tuple[str, Style], dict[str, Style]] = {}  # a card's parts, by look

    # --- what it shows ------------------------------------------------------------------------

    def set_ids(self, ids: list[str]) -> None:
        """Show these cards (in this order); keeps the cursor in range."""
        self.ids = ids
        self._fit_virtual_size()
        if self.cursor >= len(ids):
            self.cursor = max(0, len(ids) - 1)
        self.refresh()

    @property
    def card_id(self) -> str | None:
        """The id under the cursor, if the column has any card."""
        if 0 <= self.cursor < len(self.ids):
            return self.ids[self.cursor]
        return None

    def forget(self) -> None:
        """Drop drawn strips (the clock moved on, a theme changed, the badge rules changed)."""
        self._strips.clear()
        self._styles.clear()
        self._parts.clear()
        self.refresh()

    def _style(self, part: str) -> Style:
        """`part`'s rich style ("" for the column's own), kept until the styles change."""
        found = self._styles.get(part)
        if found is None:
            found = self.rich_style if not part else self.get_component_rich_style(part)
            self._styles[part] = found
        return found

    def forget_card(self, card_id: str) -> None:
        """Repaint one card (it was marked or unmarked)."""
        if card_id in self.ids:
            self.refresh_lines(self.ids.index(card_id) * CARD_HEIGHT, CARD_LINES)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._styles.clear()
        self._parts.clear()

    def _on_resize(self, event: events.Resize) -> None:
        self._strips.clear()
        self._styles.clear()
        self._parts.clear()
        self._fit_virtual_size()

    def _fit_virtual_size(self) -> None:
        """All the cards, plus the few blank lines that let the last one sit on a card
        boundary too: a column never shows half a card at its top."""
        height = len(self.ids) * CARD_HEIGHT
        view = self.scrollable_content_region.height
        if view and height > view:
            height += -(height - view) % CARD_HEIGHT
        self.virtual_size = Size(0, height)

    def watch_cursor(self, old: int, new: int) -> None:
        # Repaint the two cards whose look changed; a scroll repaints the rest by itself.
        self.scroll_to_cursor()
        self.refresh_lines(old * CARD_HEIGHT, CARD_LINES)
        self.refresh_lines(new * CARD_HEIGHT, CARD_LINES)

    def watch_active(self) -> None:
        self.refresh()

    def scroll_to_cursor(self) -> None:
        if not self.ids or not self.is_mounted:
            return
        # Scroll by whole cards (the least that shows the cursor's card), never half of one.
        view = self.scrollable_content_region.height
        top = self.cursor * CARD_HEIGHT
        y = self.scroll_offset.y
        if top < y:
            y = top
        elif top + CARD_LINES > y + view:
            y = min(top, -(-(top + CARD_HEIGHT - view) // CARD_HEIGHT) * CARD_HEIGHT)
        else:
            return
        self.scroll_to(y=y, animate=False, force=True, immediate=True)

    @property
    def page_cards(self) -> int:
        """How many cards fit in the view (for page up / page down)."""
        return max(1, self.scrollable_content_region.height // CARD_HEIGHT)

    # --- drawing ------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line = self.scroll_offset.y + y
        index, row = divmod(line, CARD_HEIGHT)
        base = self._style("")
        if index >= len(self.ids):
            if not self.ids and line == 1 and self.empty_text:
                return self._text_line(self.empty_text, width, base)
            return Strip.blank(width, base)
        if row >= CARD_LINES:
            return Strip.blank(width, base)
        card_id = self.ids[index]
        if index == self.cursor:
            look = "stage-column--focused" if self.active else "stage-column--cursor"
        else:
            look = "stage-column--card"
        card = self.board.card(card_id)
        now = self.now()
        marked = card_id in self.marked
        key = (card_id, card.updated, look, width, _minute(now), marked)
        strips = self._strips.get(key)
        if strips is None:
            face = card_face(card, now, self.due_badge, self.locale)
            strips = self._strips[key] = self._draw(face, look, width, base, marked)
        return strips[row]

    def _text_line(self, text: str, width: int, base: Style) -> Strip:
        style = self._style("stage-column--empty")
        inner = set_cell_size(" " * (MARGIN + 1) + text, width)
        return Strip([Segment(inner, base + style)], width)

    def _draw(
        self, face: CardFace, look: str, width: int, base: Style, marked: bool = False
    ) -> list[Strip]:
        card_style = base + self._style(look)
        parts = self._parts.setdefault((look, base), {})

        def part(name: str) -> Style:
            # Only the colour and text style of a part: its background is the card's. The full
            # (not partial) style resolves "auto" colours such as $text-muted properly.
            found = parts.get(name)
            if found is None:
                full = self._style(name)
                found = parts[name] = card_style + Style(
                    color=full.color, bold=full.bold, italic=full.italic, dim=full.dim
                )
            return found

        inner = max(0, width - MARGIN - 2)
        title = [(face.title, part("stage-column--title"))]
        if marked:
            title.insert(0, ("✓ ", part("stage-column--marked")))
        first = self._line(
            title,
            (face.age, part("stage-column--age")),
            inner,
            card_style,
        )
        second = self._line([(face.role, part("stage-column--role"))], None, inner, card_style)
        third_left: list[tuple[str, Style]] = []
        # A conflict waits on the user; a muted next step only informs: the conflict has the line.
        if face.badge and not (face.upcoming and face.conflict):
            name = "stage-column--overdue" if face.overdue else "stage-column--badge"
            if face.upcoming:
                name = "stage-column--upcoming"
            room = inner - (2 if face.conflict else 0)  # " ⚠" keeps its place on the right
            third_left.append((fit_badge(face.badge, room), part(name)))
        elif face.outcome:
            third_left.append((face.outcome, part("stage-column--outcome")))
        # Two laptops edited it (see the detail): a mark at every width. Alone on its line it
        # says what it is; beside a due badge or an outcome, the sign keeps its place on the right.
        conflict = None
        if face.conflict and third_left:
            conflict = ("⚠", part("stage-column--conflict"))
        elif face.conflict:
            third_left.append(("⚠ conflict", part("stage-column--conflict")))
        third = self._line(third_left, conflict, inner, card_style, keep_right=True)
        margin = Segment(" " * MARGIN, base)
        if marked:  # a bar down the card's left edge: marked, whatever the colours
            margin = Segment("▌" + " " * (MARGIN - 1), base + self._marked_bar())
        return [
            Strip([margin, Segment(" ", card_style), *segments, Segment(" ", card_style)], width)
            if width >= MARGIN + 2
            else Strip.blank(width, base)
            for segments in (first, second, third)
        ]

    def _marked_bar(self) -> Style:
        full = self._style("stage-column--marked")
        return Style(color=full.color, bold=full.bold)

    @staticmethod
    def _line(
        left: list[tuple[str, Style]],
        right: tuple[str, Style] | None,
        width: int,
        fill: Style,
        keep_right: bool = False,
    ) -> list[Segment]:
        """Left parts truncated with an ellipsis, the right part kept whole when it fits (in
        half the width, or in all of it but one cell when `keep_right`: a mark that must show).

        The gap before the right part belongs to the padding, never to the right part's own
        text: a part that begins with a space loses it in some renderings (an SVG screenshot
        showed "Wayne Enterprises30d").
        """
        right_text = right[0] if right and right[0] else ""
        need = cell_len(right_text) + 1 if right_text else 0
        limit = width if keep_right else width // 2 + 1
        room = width - need if need < limit else width
        if room == width:
            right_text = ""
        segments: list[Segment] = []
        used = 0
        for text, style in left:
            spaced = text[-1:].isspace()  # a part meant to end in a space ("✓ ") keeps one
            text = " ".join(text.split()) + (" " if spaced and text.strip() else "")
            if used + cell_len(text) > room:
                text = (
                    set_cell_size(text, max(0, room - used - 1)).rstrip() + "…"
                    if room > used
                    else ""
                )
            segments.append(Segment(text, style))
            used += cell_len(text)
        gap = width - used - cell_len(right_text)
        if gap > 0:
            segments.append(Segment(" " * gap, fill))
        if right_text and right:
            segments.append(Segment(right_text, right[1]))
        return segments

    # --- mouse --------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index, row = divmod(self.scroll_offset.y + offset.y, CARD_HEIGHT)
        if index < len(self.ids) and row < CARD_LINES:
            event.stop()
            self.post_message(self.CardClicked(self, index, opened=event.chain >= 2))
