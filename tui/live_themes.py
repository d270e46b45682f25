"""The user's own themes, read again the moment their files change (as posting does).

`watch_themes` runs on a worker thread: it watches `<config dir>/themes/` (and the config dir,
to notice that folder appear) with watchfiles and calls back once per batch of changes. The app
then calls `reload_themes` on its own thread: every file is read again; a changed theme is
registered anew (the one on screen repaints); a broken file is one notice and its last good
version stays; a removed file takes its theme away (a built-in it had replaced comes back), and
if it was the one on screen the default shows, without forgetting the user's choice.

Must never write or delete a theme file, never raise for one, and never touch the app off its
thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from themes import BUILTIN_NAMES, choose_theme, load_board_themes

if TYPE_CHECKING:
    from textual.app import App

STEP_MS = 50  # watchfiles gathers what an editor's save does (write, rename) into one batch
TICK_MS = 400  # how often the watch looks at its stop signal


def watch_themes(folder: Path, stop: threading.Event, changed: Callable[[], None]) -> None:
    """Blocks until `stop` is set, calling `changed()` after each batch of theme file changes."""
    import watchfiles

    parent = folder.parent
    while not stop.is_set():
        watching_folder = folder.is_dir()
        paths = [parent] + ([folder] if watching_folder else [])
        if not parent.is_dir():
            if stop.wait(TICK_MS / 1000):
                return
            continue
        restart = False
        for batch in watchfiles.watch(
            *paths,
            watch_filter=None,
            step=STEP_MS,
            rust_timeout=TICK_MS,
            yield_on_timeout=True,
            stop_event=stop,
            recursive=False,
        ):
            touched = False
            for _, raw in batch:
                path = Path(raw)
                if path == folder:
                    touched = True
                    restart = folder.is_dir() != watching_folder
                elif path.parent == folder:
                    touched = True
            if touched:
                changed()
            if restart or stop.is_set():
                break


@dataclass
class UserThemes:
    """What the app registered from the user's folder, to compare the next reading with."""

    folder: Path
    names: dict[str, str] = field(default_factory=dict)  # theme name → the file it came from
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Notice:
    title: str
    text: str
    severity: str = "information"


def reload_themes(app: App[object], known: UserThemes) -> tuple[list[Notice], str | None]:
    """Read the folder again and register what changed; returns (what to tell the user, the
    theme to switch to because the one on screen is gone, or None)."""
    loaded, errors = load_board_themes(known.folder)
    notices = [
        Notice("Theme not loaded", f"{error} The last good version stays.", "warning")
        for error in errors
        if error not in known.errors
    ]
    fixed = [e for e in known.errors if e not in errors]
    now: dict[str, str] = {}
    current = app.theme
    repaint = False
    for theme in loaded:
        textual = theme.to_textual()
        before = app.get_theme(theme.name)
        if before != textual:
            app.register_theme(textual)
            repaint = repaint or theme.name == current
        if theme.source and not theme.source.startswith("built-in"):
            now[theme.name] = theme.source
    switch_to = None
    for name, source in known.names.items():
        if name in now:
            continue
        if Path(source).exists():  # still there, but broken: keep its last good version
            now[name] = source
            continue
        if name not in BUILTIN_NAMES:  # (a built-in it replaced was registered again above)
            app.unregister_theme(name)
            if name == current:
                switch_to = choose_theme(None, app.available_themes)
                text = f"{source} is gone; showing {switch_to} until it is back."
                notices.append(Notice("Theme removed", text, "warning"))
        repaint = repaint or name == current
    mended = sorted(
        name for name, source in now.items() if any(e.startswith(source) for e in fixed)
    )
    if mended:
        notices.append(Notice("Theme fixed", ", ".join(mended)))
    known.names, known.errors = now, list(errors)
    if repaint and switch_to is None:
        app.mutate_reactive(type(app).theme)  # the same name, new colours: paint them
    return notices, switch_to
