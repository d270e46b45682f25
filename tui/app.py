"""The Textual app that `followup-tui` opens: first run or unlock, then the board.

`FollowupApp` can start from an open `Session` (tests, or a caller that already unlocked)
or from nothing (it finds the vault in the config and asks what it needs). Every action a
screen binds to a key is also in the command palette (`ActionCommands`), and every key can
be remapped by binding id through `Config.keymap`. The theme chosen in the palette is saved
per device in the config.

The app holds what every screen reads in one typed `AppContext` (`self.context`) and hands it
to the screens it opens. Screens report back: first run and unlock return the vault they
opened, the board's children return what they changed, and the context tells the app when the
board or the templates changed underneath; the app then tells every screen that shows them.

An error nothing caught ends the app with one line on stderr and its traceback in the config
dir's crash.log (`FollowupApp._handle_exception`, `run`), never a traceback on screen.

This module must never write card data itself: screens change the board only through
`Session.change`, so each change is on disk before it is shown. It never imports `tui.cli`
(the CLI is the outer layer and imports this).
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.theme import Theme

from store.config import Config
from store.errors import FollowupError
from store.remembered import Remembered, code_stamp
from store.untrusted import printable
from store.vault.passphrase import passphrase_from_env
from store.vault.session import Session
from themes import USER_THEMES_FOLDER, choose_theme, load_board_themes, variable_defaults
from tui.board.card_face import DueBadge, no_badge
from tui.closed_terminal import surviving_a_closed_terminal
from tui.context import AppContext, ShowsCards, ShowsTemplates, TemplatesReport, local_now
from tui.crash import crash_line, log_crash
from tui.live_themes import UserThemes, reload_themes, watch_themes
from tui.opened import OpenedVault
from tui.type_ahead import TypeAhead, is_typed

COLLECTOR_PAUSED_AT_MOST = 10.0  # seconds after mount (see `tui.launch.pause_collector_for_start`)
THEMES_READ_FILE = "themes-read.json"  # what each theme file's check found (store.remembered)

if TYPE_CHECKING:
    from textual.driver import Driver
    from textual.notifications import SeverityLevel
    from textual.timer import Timer

    from store.notes.templates import TemplateProblem
    from tui.board.screen import BoardScreen
    from tui.board.sync_status import SyncStatus
    from tui.handoff.calendar import CalendarKeeper
    from tui.launch import UnlockInAdvance

TEXTUAL_SCREEN_ACTIONS = frozenset(b.action for b in Screen.BINDINGS if isinstance(b, Binding))
# Seconds the board may take to open in advance before the unlock screen says it is unlocking.
WAIT_BEFORE_UNLOCK_SCREEN = 0.6


def _unlock_error(error: FollowupError) -> str:
    from store.errors import WrongPassphrase

    if isinstance(error, WrongPassphrase):
        return "Wrong passphrase: that is not this vault's passphrase. Try again."
    return str(error)


class ActionCommands(Provider):
    """The palette's view of the keys: every described binding of the current screen."""

    def _commands(self) -> Iterable[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        seen: set[tuple[str, str]] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.system or not active.enabled:
                continue
            if active.node is self.app or binding.action in TEXTUAL_SCREEN_ACTIONS:
                continue  # Textual's own (focus next, copy text): nothing to do on the board
            if binding.action in ("command_palette", "app.command_palette"):
                continue
            if (binding.action, binding.description) in seen:
                continue
            seen.add((binding.action, binding.description))
            key = self.app.get_key_display(replace(binding, key_display=None))
            help_text = f"{binding.tooltip}  ({key})" if binding.tooltip else f"key: {key}"
            run = partial(self._run, active.node, binding.action)
            yield binding.description, help_text, run

    def _run(self, node: object, action: str) -> None:
        self.app.call_later(self.app.run_action, action, node)  # type: ignore[arg-type]

    async def discover(self) -> Hits:
        for name, help_text, run in self._commands():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, run in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)


@dataclass(frozen=True)
class Crash:
    """The first error nothing caught in the app, once logged."""

    error: Exception
    log: str  # where the traceback was written


class FollowupApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "followup"
    COMMANDS: ClassVar = App.COMMANDS | {ActionCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        session: Session | None = None,
        *,
        vault: str | Path | None = None,
        config: Config | None = None,
        now: Callable[[], datetime] = local_now,
        due_badge: DueBadge = no_badge,
        cursor_blink: bool = True,
        home: Path | None = None,
    ) -> None:
        if session is None and config is None:
            # Started directly (not by `followup-tui`, which did this first thing): derive the
            # key, and open the board, beside the rest of the app's start-up.
            from tui.launch import advance_config, unlock_in_advance

            unlock_in_advance(str(vault) if vault else None)
            config = advance_config()
        super().__init__()
        config = config or (session.config if session else Config.load())
        # What every screen reads: handed to each screen this app opens.
        self.context = AppContext(config, now, cursor_blink=cursor_blink, due_badge=due_badge)
        self.context.board_changed = self.board_changed
        self.context.templates_reloaded = self._templates_reloaded
        self.context.board_painted = self._first_screen_shown
        self._given_session = session
        from tui.launch import given_folder

        self.vault_arg = given_folder(str(vault)) if vault else None
        self.home = home
        self.theme_errors: list[str] = []
        self._theme_at_start: str | None = None
        self._theme_not_chosen: str | None = None  # a fallback shown, not the user's choice
        self.user_themes = UserThemes(self.context.config.dir / USER_THEMES_FOLDER)
        self._themes_stop = threading.Event()
        self._themes_watched = False
        self.crash: Crash | None = None  # the first error nothing caught, once logged
        self._calendar_keeper: CalendarKeeper | None = None  # when config.yaml names a calendar
        # The board opened in advance (`_wait_for`): the unlock screen shown while it takes
        # long, the timer that shows it, and an advance handed on to `first_screen`.
        self._advance_screen: Screen[OpenedVault] | None = None
        self._advance_timer: Timer | None = None
        self._pending_advance: UnlockInAdvance | None = None
        self.type_ahead = TypeAhead(self, super().on_event)
        self._choose_theme()

    async def on_event(self, event: events.Event) -> None:
        """Keys typed ahead wait for the screen they were typed for (`tui.type_ahead`)."""
        if is_typed(event):
            await self.type_ahead.arrived(event)
            return
        await super().on_event(event)

    # --- start-up -----------------------------------------------------------------------------

    def on_mount(self) -> None:
        from tui.launch import collector_after_start

        # Every way to the first screen resumes the collector once it shows; this, whatever
        # happens on the way (it must never stay off for the app's life).
        self.set_timer(COLLECTOR_PAUSED_AT_MOST, collector_after_start, name="collector")
        self._watch_for_hangup()
        self._load_themes()
        if self.context.config.keymap:
            self.set_keymap(self.context.config.keymap)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        if self._given_session is not None:
            self.session_opened(OpenedVault(self._given_session))
            return
        advance = self._opening_in_advance()
        if advance is not None:
            self._wait_for(advance)  # the theme watcher starts once the board has shown
            return
        self.push_screen(self.first_screen(), self.session_opened)
        self.call_after_refresh(self._first_screen_shown)
        self.call_after_refresh(_load_the_board)  # while a passphrase is typed

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver, one that survives its terminal closing (tui/closed_terminal.py)."""
        return surviving_a_closed_terminal(super().get_driver_class())

    def _watch_for_hangup(self) -> None:
        """Quit when the terminal is gone (window closed, ssh dropped).

        Under `make run` the hang-up signal reaches make, not the app, and Textual's input
        thread then spins on end-of-file: a closed window left a process burning a core.
        Every change is already on disk, so quitting loses nothing.
        """
        if self.is_headless:
            return
        try:
            import termios

            fd = sys.__stdin__.fileno() if sys.__stdin__ is not None else -1
            if fd < 0 or not os.isatty(fd):
                return
        except (ImportError, OSError, ValueError):
            return

        def check() -> None:
            try:
                termios.tcgetattr(fd)
            except (termios.error, OSError):
                self.exit(return_code=129)

        self.set_interval(1.0, check)

    # --- the board opened before the app loaded ------------------------------------------------

    def _opening_in_advance(self) -> UnlockInAdvance | None:
        """The board's session being opened since before the app loaded, if it is (the
        passphrase came from the environment): then no unlock screen is shown at all."""
        from tui.launch import board_vault, take_unlock_in_advance

        path, ready = board_vault(self.vault_arg, self.context.config)
        if not ready or path is None:
            return None
        advance = take_unlock_in_advance(path)
        if advance is None or not advance.unlocking or advance.error is not None:
            self._pending_advance = advance
            return None
        return advance

    def _wait_for(self, advance: UnlockInAdvance) -> None:
        """Show the board as soon as the session opened in advance is there; should that take
        a moment more, the unlock screen says it is unlocking meanwhile."""
        if advance.done:  # opened while Textual loaded: the board is the first screen painted
            try:
                opened = advance.opened()
            except FollowupError as exc:
                self._advance_failed(advance, exc)
                return
            self._advance_opened(advance, opened)
            return

        _load_the_board()  # while the session opens on its thread, not once it is open

        def slow() -> None:
            from tui.opening.unlock import UnlockScreen

            if self._advance_screen is None and not advance.done:
                self._advance_screen = UnlockScreen(self.context, advance.path, waiting=True)
                self.push_screen(self._advance_screen, self.session_opened)
                # The first screen shown: the collector runs again (the theme watcher still
                # waits for the board, which is what the interpreter is busy with).
                from tui.launch import collector_after_start

                self.call_after_refresh(collector_after_start)

        self._advance_timer = self.set_timer(WAIT_BEFORE_UNLOCK_SCREEN, slow)

        def wait() -> None:
            try:
                opened = advance.opened()
            except FollowupError as exc:
                self.call_from_thread(self._advance_failed, advance, exc)
                return
            self.call_from_thread(self._advance_opened, advance, opened)

        self.run_worker(wait, thread=True, group="unlock", name="unlock in advance")

    def _advance_opened(self, advance: UnlockInAdvance, opened: OpenedVault | None) -> None:
        if self._advance_timer is not None:
            self._advance_timer.stop()
        waiting = self._advance_screen
        if opened is None:  # only the key was derived: open it the usual way
            self._pending_advance = advance
            if waiting is not None:
                waiting.dismiss(None)
            self.push_screen(self.first_screen(), self.session_opened)
            self.call_after_refresh(self._first_screen_shown)
            return
        if waiting is not None:
            waiting.dismiss(opened)
        else:
            self.session_opened(opened)

    def _advance_failed(self, advance: UnlockInAdvance, error: FollowupError) -> None:
        from tui.opening.unlock import UnlockScreen

        if self._advance_timer is not None:
            self._advance_timer.stop()
        waiting = self._advance_screen
        if isinstance(waiting, UnlockScreen):
            waiting.show_error(_unlock_error(error))
            return
        self.push_screen(
            UnlockScreen(self.context, advance.path, error=_unlock_error(error)),
            self.session_opened,
        )
        self.call_after_refresh(self._first_screen_shown)

    def first_screen(self) -> Screen[OpenedVault]:
        """First run on a new device or an empty folder; else unlock (or unlock at once).

        Either returns the vault it opened (`session_opened` shows the board).
        """
        from tui.launch import board_vault, take_unlock_in_advance
        from tui.opening.first_run import FirstRunScreen
        from tui.opening.unlock import UnlockScreen

        context = self.context
        path, ready = board_vault(self.vault_arg, context.config)
        if not ready or path is None:
            return FirstRunScreen(context, folder=path, home=self.home)
        advance = self._pending_advance or take_unlock_in_advance(path)  # begun before the app
        self._pending_advance = None
        if advance is not None:
            if advance.error is not None:
                return UnlockScreen(context, path, error=str(advance.error))
            return UnlockScreen(context, path, passphrase=advance.passphrase, advance=advance)
        try:
            given = passphrase_from_env()
        except FollowupError as exc:
            return UnlockScreen(context, path, error=str(exc))
        return UnlockScreen(context, path, passphrase=given)

    def session_opened(self, opened: OpenedVault | None) -> None:
        """The vault is open: show the board (from now on, every change is written at once)."""
        if opened is None:
            return
        session = opened.session
        # The board's card state lives as long as the app: keep the cyclic garbage collector
        # from walking it again and again (see `store.vault.replica.long_lived_objects`).
        gc.freeze()
        for problem in self.context.opened(session, opened.templates):
            self._template_not_loaded(problem, "warning")
        self._check_locale()
        from tui.board.screen import BoardScreen

        self.push_screen(BoardScreen(self.context))  # the first run or unlock is gone already
        self._keep_calendar_file()
        problems = [f"{path.name}: {reason}" for path, reason in session.problems.items()]
        if problems:
            self.notify(
                "\n".join(problems),
                title="Some replicas could not be read",
                timeout=10,
                markup=False,  # file names from the synced folder are text, not markup
            )
        # What this device found about its own replica (a rollback, a copied config), once;
        # and, while it lasts, why nothing is written (an emptied folder).
        notices = [*session.take_notices("board"), *filter(None, [session.blocked])]
        if notices:
            self.notify("\n".join(notices), title="This device", timeout=20, markup=False)

    def _keep_calendar_file(self) -> None:
        """`calendar_file` in config.yaml: keep it current while the board is open (built on a
        thread; a setting or a write that fails is said once, and nothing else stops)."""
        from tui.handoff.calendar import CalendarKeeper

        keeper = CalendarKeeper(self.context)
        if keeper.file is None:
            return

        def tick() -> None:
            job = keeper.job()
            if job is not None:
                self.run_worker(partial(self._build_calendar, job), thread=True, group="calendar")

        self._calendar_keeper = keeper
        tick()
        self.set_interval(2.0, tick)

    def _build_calendar(self, job: Callable[[], Any]) -> None:
        done = job()
        if done.error and not done.repeated:
            self.call_from_thread(
                self.notify, done.error, title="Calendar not written", severity="warning"
            )

    def _check_locale(self) -> None:
        """A locale the app cannot write days in is said once; days are then in English.
        (English needs no check, so Babel is loaded only for another language.)"""
        from store.language import LocaleProblem, check_locale

        try:
            check_locale(self.context.config.language)
        except LocaleProblem as exc:
            self.notify(str(exc), title="config.yaml", severity="warning", timeout=10)

    def on_unmount(self) -> None:
        self._themes_stop.set()
        keeper = self._calendar_keeper
        job = keeper.job() if keeper is not None else None
        if job is not None:
            job()  # the last change before quitting reaches the calendar too
        gc.unfreeze()  # give a process that outlives the app (a test run) its collector back
        from tui.card.opener import copies

        copies.remove_all()  # the decrypted copies of attachments opened in a viewer

    def _handle_exception(self, error: Exception) -> None:
        """An error nothing caught ends the app: into the crash log, and no traceback shown.

        Textual would print a traceback (with local variables: card data) once the terminal is
        restored; `run` prints one line instead. Nothing is lost: every change was written when
        it was made. Under `run_test` the error is still raised, for the test to see.
        """
        if self.crash is None:
            self.crash = Crash(error, log_crash(error))
        super()._handle_exception(error)
        self._exit_renderables.clear()

    def notify(self, message: str, *, title: str = "", **options: Any) -> None:
        """Every notification, with control characters shown as escapes: a file name or a
        device's name from the synced folder may hold terminal escape codes (a title change,
        a screen clear), and those must never reach the terminal."""
        super().notify(printable(message), title=printable(title), **options)

    # --- the board from outside ---------------------------------------------------------------

    @property
    def board_screen(self) -> BoardScreen | None:
        from tui.board.screen import BoardScreen

        for screen in self.screen_stack:
            if isinstance(screen, BoardScreen):
                return screen
        return None

    def board_changed(self, changed_ids: set[str]) -> None:
        """The session's board changed from outside (a merge): repaint what shows it.

        Call it on the app's thread (`app.call_from_thread(app.board_changed, ids)` from a
        worker). The focus stays on the same card; an open edit form is left alone.
        """
        for screen in self.screen_stack:  # the board, and a card open above it
            if isinstance(screen, ShowsCards):
                screen.cards_changed(set(changed_ids))

    def templates_changed(self, paths: Iterable[Path] | None = None) -> None:
        """Template files changed (the folder watcher saw them; None: re-read them all).

        Call it on the app's thread. A broken file is shown with its line and the last good
        version stays in use; the badges, Today and an open compose screen follow.
        """
        self.context.reload_templates(paths)

    def _templates_reloaded(self, report: TemplatesReport) -> None:
        """The templates were read again (by the watcher, or a screen): say what broke or was
        fixed, and repaint every screen that shows what they decide."""
        for problem in report.broken:
            self._template_not_loaded(problem, "error")
        if report.fixed:
            self.notify(", ".join(p.name for p in report.fixed), title="Template fixed")
        for screen in self.screen_stack:
            if isinstance(screen, ShowsTemplates):
                screen.templates_reloaded()

    def _template_not_loaded(self, problem: TemplateProblem, severity: SeverityLevel) -> None:
        """A broken template file: its line, and what is used instead (the last good version,
        or the default). A warning at opening; an error when an edit just broke it."""
        in_use = self.context.templates.in_use(problem.path)
        self.notify(
            f"{problem}\n{in_use[0].upper()}{in_use[1:]}.",
            title="Template not loaded",
            severity=severity,
            timeout=12,
        )

    def on_sync_status_templates_changed(self, event: SyncStatus.TemplatesChanged) -> None:
        """The board's folder watcher saw template files change."""
        self.templates_changed(event.paths)

    # --- themes -------------------------------------------------------------------------------

    def get_theme_variable_defaults(self) -> dict[str, str]:
        # Textual's own themes lack the board's variables ($badge-due…): derive them.
        return variable_defaults(self.current_theme)

    def _choose_theme(self) -> None:
        """Register the themes and take the user's before the app starts: set in `on_mount`,
        the theme had Textual parse every stylesheet again before the first paint."""
        # What each file's check found is kept for the next start (`store.remembered`): YAML and
        # the checks took 30-50 ms of this thread before the first paint.
        memory = Remembered(
            self.context.config.dir / THEMES_READ_FILE, code_stamp("themes", "textual", "yaml")
        )
        loaded, errors = load_board_themes(self.user_themes.folder, memory)
        memory.save()
        for theme in loaded:
            self.register_theme(theme.to_textual())
            if theme.source and not theme.source.startswith("built-in"):
                self.user_themes.names[theme.name] = theme.source
        self.theme_errors = list(errors)
        self.user_themes.errors = list(errors)
        self.theme = choose_theme(self.context.config.theme, self.available_themes)
        self._theme_at_start = self.theme

    def _load_themes(self) -> None:
        """Say what the themes chosen at start-up could not load."""
        for error in self.theme_errors:
            self.notify(error, title="Theme not loaded", severity="warning", timeout=10)
        if self.context.config.theme and self.theme != self.context.config.theme:
            self.notify(
                f"Theme {self.context.config.theme!r} is not available; showing {self.theme}.",
                severity="warning",
            )

    def _first_screen_shown(self) -> None:
        """The first screen is on the terminal: what its paint must not wait for starts."""
        from tui.launch import collector_after_start

        collector_after_start()  # paused since `followup-tui` began
        self._watch_themes()

    def _watch_themes(self) -> None:
        """Once the first screen shows: the user's theme files are read again when they change."""
        if self._themes_watched:
            return
        self._themes_watched = True
        changed = partial(self.call_from_thread, self.themes_changed)
        self.run_worker(
            partial(watch_themes, self.user_themes.folder, self._themes_stop, changed),
            name="theme watcher",
            group="themes",
            thread=True,
            exit_on_error=False,
        )

    def themes_changed(self) -> None:
        """Theme files changed (on the app's thread): register them again, say what broke."""
        notices, switch_to = reload_themes(self, self.user_themes)
        self.theme_errors = list(self.user_themes.errors)
        for notice in notices:
            self.notify(notice.text, title=notice.title, severity=notice.severity, timeout=10)  # type: ignore[arg-type]
        if switch_to is not None:
            self._theme_not_chosen = switch_to
            self.theme = switch_to
        elif (
            self._theme_not_chosen is not None
            and self.context.config.theme in self.available_themes
            and self.theme == self._theme_not_chosen
        ):
            self.theme = self.context.config.theme  # the user's theme is back
        self.call_later(self.refresh_bindings)

    def _theme_changed(self, theme: Theme) -> None:
        """Remember a theme the user picked (not the default shown before any choice, nor the
        one shown while the chosen one's file is gone)."""
        if theme.name == self.context.config.theme:
            self._theme_not_chosen = None
            return
        if theme.name == self._theme_not_chosen:
            return
        if self.context.config.theme is None and theme.name == self._theme_at_start:
            return
        self.context.config.theme = theme.name
        try:
            self.context.config.save()
        except OSError as exc:
            self.notify(f"Could not remember the theme ({exc.strerror}).", severity="warning")


def _load_the_board() -> None:
    """Import the board's code once the first run or unlock screen shows: that screen paints
    without waiting for it, and the board then opens without importing it."""
    import tui.board.screen  # noqa: F401


def run(vault: str | None) -> int:
    """`followup-tui` with no command: the board until the user quits."""
    app = FollowupApp(vault=vault)
    app.run()
    if app.crash is not None:
        line = crash_line(app.crash.error, app.crash.log)
        print(f"{line} Every change made before it is saved.", file=sys.stderr)
        return 70
    return int(app.return_code or 0)
