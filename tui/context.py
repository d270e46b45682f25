"""The app-wide state every screen reads, in one typed object: the config, the clock and time
zone, the open session, its note templates, and the board's due badges.

The app makes one `AppContext` and hands it to each screen it opens; a screen hands it on to
the screens it opens itself. A screen reads what it needs here and asks the context to read the
templates again; anything else it returns to whoever opened it (`dismiss`). Two things travel
the other way, from the context to the app, which installed them: the board changed underneath
(`board_changed`, from the folder watcher) and the templates changed (`templates_reloaded`).
The app then tells every open screen that `ShowsCards` or `ShowsTemplates`.

Must never import the app, a screen or `tui.cli` (all of them import this), must not import
the note templates' code before a vault opens (start-up), and never writes card data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from store.config import Config
from store.vault.session import Session
from tui.board.card_face import Badge, DueBadge, no_badge
from tui.history import History

if TYPE_CHECKING:
    from store.cards.board import Board
    from store.cards.model import Card
    from store.notes.due import DueItem
    from store.notes.due_index import DueIndex
    from store.notes.templates import TemplateProblem, TemplateSet


T = TypeVar("T")


def local_now() -> datetime:
    return datetime.now(UTC)


@runtime_checkable
class ShowsCards(Protocol):
    """A screen that shows cards: told when the board changed underneath (a merge)."""

    def cards_changed(self, card_ids: set[str]) -> None: ...


@runtime_checkable
class ShowsTemplates(Protocol):
    """A screen that shows what the templates decide: told when they were read again."""

    def templates_reloaded(self) -> None: ...


@dataclass(frozen=True)
class TemplatesReport:
    """What reading the templates again found."""

    changed: set[str] = field(default_factory=set)  # names now read differently
    broken: list[TemplateProblem] = field(default_factory=list)  # new, or broken anew
    fixed: list[Path] = field(default_factory=list)  # files that had a problem and now read

    @property
    def repaint(self) -> bool:
        return bool(self.changed or self.broken or self.fixed)


def _ignore(*_: object) -> None:
    return None


class AppContext:
    """One per app. `session` and `templates` exist from the moment a vault opens (`opened`)."""

    def __init__(
        self,
        config: Config,
        now: Callable[[], datetime] = local_now,
        *,
        tz: tzinfo | None = None,
        cursor_blink: bool = True,
        due_badge: DueBadge = no_badge,
    ) -> None:
        self.config = config
        self.now = now
        self.tz = tz  # None: the system's own rules (daylight saving included)
        self.cursor_blink = cursor_blink
        self.due_badge = due_badge
        self._session: Session | None = None
        self._history: History | None = None
        self._templates: TemplateSet | None = None
        self._due_index: DueIndex | None = None
        # Installed by the app: what it does when the board or the templates change, and once
        # the board is first on the terminal (work that waited for the first paint).
        self.board_changed: Callable[[set[str]], None] = _ignore
        self.templates_reloaded: Callable[[TemplatesReport], None] = _ignore
        self.board_painted: Callable[[], None] = _ignore

    # --- the open vault -----------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._session is not None

    @property
    def session(self) -> Session:
        """The open vault's session (only the screens shown after it opened read it)."""
        if self._session is None:
            raise RuntimeError("no vault is open yet")
        return self._session

    def opened(
        self, session: Session, templates: TemplateSet | None = None
    ) -> list[TemplateProblem]:
        """A vault opened: keep its session, read its note templates (unless read already) and
        give the board its due badges. Returns the template files that could not be read."""
        from store.notes.templates import TemplateSet

        self._session = session
        self._history = History(session)
        if templates is None:
            templates = TemplateSet.for_vault(session.vault.path)
        self._templates = templates
        if self.due_badge is no_badge:
            self.due_badge = board_badge(lambda: self._templates, self.tz, self.due_index)
        return templates.problems()

    @property
    def due_index(self) -> DueIndex:
        """What each card owes, worked out once per card version: the badges and Today."""
        if self._due_index is None:
            from store.notes.due_index import DueIndex

            self._due_index = DueIndex(self.tz)
        return self._due_index

    @property
    def history(self) -> History:
        """The changes made since the vault opened here, to undo and redo."""
        if self._history is None or self._history.session is not self.session:
            self._history = History(self.session)
        return self._history

    def change(self, action: Callable[[Board], T]) -> T:
        """One write to the board, durable before it returns, and undoable (`u` on the board).
        Every screen writes through here; a failure raises `FollowupError`."""
        return self.history.change(action)

    # --- the note templates -------------------------------------------------------------------

    @property
    def templates(self) -> TemplateSet:
        """The open vault's template set (read on first use if the vault opened without it)."""
        if self._templates is None:
            from store.notes.templates import TemplateSet

            self._templates = TemplateSet.for_vault(self.session.vault.path)
        return self._templates

    @property
    def templates_read(self) -> TemplateSet | None:
        """The template set if it has been read, else None (nothing is due before that)."""
        return self._templates

    def reload_templates(self, paths: Iterable[Path] | None = None) -> set[str]:
        """Template files changed: read them again; the app says what broke or was fixed and
        repaints what shows them (`templates_reloaded`).

        `paths` are the changed files (None: the whole folder). Returns the changed names.
        """
        templates = self._templates
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
        broken = [p for path, p in templates.errors.items() if before.get(path) != p]
        fixed = [path for path in before if path not in templates.errors]
        report = TemplatesReport(changed, broken, fixed)
        if report.repaint:
            self.templates_reloaded(report)
        return changed


def board_badge(
    templates: Callable[[], TemplateSet | None],
    tz: tzinfo | None,
    index: DueIndex | None = None,
) -> Callable[[Card, datetime], str | None]:
    """The board's due badge: "thank-you due in 3 h", "follow-up 2 days overdue", "interview
    tomorrow 14:00", "no answer in 5 weeks — close as no answer?"; when nothing is due yet,
    the next step, to show muted ("follow-up due in 2 days").

    A `Badge`: a narrow card shows its short form ("thank-you 3h over"); the card view and
    Today say it in full. `templates` gives the set in use when a card is painted (None: no
    badge), so a template edited meanwhile counts at once. A close suggestion that is due
    wins over the notes it would end: it is the decision the card waits for. What each card
    owes is worked out once per card version (`index`, shared with Today), the words once a
    minute.
    """
    from store.notes.due import most_pressing
    from store.notes.due_index import DueIndex

    known = index if index is not None else DueIndex(tz)

    def say(items: list[DueItem], now: datetime) -> Badge | None:
        pressing = [item for item in items if item.status(now, tz) != "upcoming"]
        # Nothing pressing: the next step, muted (a close question is not one until it is due).
        ahead = [item for item in items if item.kind != "close"]
        first = most_pressing(pressing, now, tz) or most_pressing(ahead, now, tz)
        if first is None:
            return None
        full, name, when = first.badge(now, tz)
        return Badge(full, name, when, upcoming=not pressing)

    # The set in use and its list of templates, taken again only when the set or its version
    # changes: `everything()` hands out a fresh copy at each call, once per card painted.
    listed: list[Any] = [None, -1, []]

    def badge(card: Card, now: datetime) -> str | None:
        in_use = templates()
        if in_use is None:
            return None
        if listed[0] is not in_use or listed[1] != in_use.version:
            listed[:] = [in_use, in_use.version, in_use.everything()]
        return known.badge(card, listed[2], now, say)  # type: ignore[no-any-return]

    return badge
