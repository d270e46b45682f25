"""Insight: how the search is going, drawn as bars (`s` on the board, or "Insight" in the palette).

The same numbers as `followup-tui stats` (store/transfer/stats.py computes them; this screen only draws):
the funnel, the answer rate and the median wait, thank-you notes within 24 hours, follow-ups
on time, and outcomes. `p` steps through periods (all time, the last 30 / 90 / 365 days). The
numbers follow the board: a change made elsewhere (another laptop) shows on the next refresh.

This screen must never change the board: it reads `session.board` and nothing else.
"""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from store.notes.due import DueRule
from store.notes.templates import TemplateSet
from store.transfer import stats
from store.vault.session import Session
from tui.context import AppContext

PERIODS: tuple[tuple[str, int | None], ...] = (
    ("all time", None),
    ("the last 30 days", 30),
    ("the last 90 days", 90),
    ("the last 12 months", 365),
)
BAR_WIDTH = 32


def follow_up_rules(session: Session) -> dict[str, tuple[DueRule, ...]]:
    """The vault's follow-up templates' due rules (edited ones included)."""
    templates = TemplateSet.for_vault(session.vault.path)
    return {t.name: t.due for t in templates if t.name.startswith(stats.FOLLOW_UP)}


def section_lines(result: stats.Stats, width: int = BAR_WIDTH) -> list[tuple[str, list[Content]]]:
    """Each section's title and its lines: label, bar (in the accent colour), figure."""
    sections = []
    label_width = max(len(label) for _, items in stats.rows(result) for label, *_ in items)
    for title, items in stats.rows(result):
        lines = []
        for label, value, maximum, figure in items:
            lines.append(
                Content.assemble(
                    (f"{label:<{label_width}}  ", "$text-muted"),
                    (stats.bar(value, maximum, width), "$accent"),
                    f"  {figure}",
                )
            )
        if title == "Answers":
            lines.append(Content.styled(stats.median_line(result), "$text-muted"))
        sections.append((title, lines))
    return sections


class InsightScreen(Screen[None]):
    CSS_PATH = "insight.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,s", "close", "Back to the board", id="close-insight"),
        Binding("p", "next_period", "Period", id="insight-period", tooltip="Step the period"),
    ]

    def __init__(
        self, context: AppContext, rules: dict[str, tuple[DueRule, ...]] | None = None
    ) -> None:
        super().__init__(id="insight")
        self.session = context.session
        self.now = context.now
        self.rules = rules
        self.period = 0
        self._shown_version = -1

    def compose(self) -> ComposeResult:
        with Vertical(id="insight-body"):
            yield Static(id="insight-title")
            with VerticalScroll(id="insight-sections"):
                for title in stats.SECTIONS:
                    yield Static(title, classes="insight-section-title")
                    yield Static(classes="insight-section", id=f"section-{title.lower()}")
        yield Footer()

    def on_mount(self) -> None:
        if self.rules is None:
            self.rules = follow_up_rules(self.session)
        self.show()
        self.set_interval(1.0, self._follow_board)

    def compute(self) -> stats.Stats:
        now = self.now()
        days = PERIODS[self.period][1]
        since = now - timedelta(days=days) if days else None
        return stats.compute(
            self.session.board.all(), now=now, since=since, follow_up_rules=self.rules
        )

    def show(self) -> None:
        result = self.compute()
        self._shown_version = self.session.board.version
        period = PERIODS[self.period][0]
        noun = "card" if result.cards == 1 else "cards"
        self.query_one("#insight-title", Static).update(
            Content.assemble(
                ("How the search is going", "bold"),
                "  ",
                (f"{result.cards} {noun}, {period}", "$text-muted"),
            )
        )
        for title, lines in section_lines(result):
            section = self.query_one(f"#section-{title.lower()}", Static)
            section.update(Content("\n").join(lines))

    def _follow_board(self) -> None:
        if self.session.board.version != self._shown_version:
            self.show()

    def action_next_period(self) -> None:
        self.period = (self.period + 1) % len(PERIODS)
        self.show()

    def action_close(self) -> None:
        self.dismiss(None)
