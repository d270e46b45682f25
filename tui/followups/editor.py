"""The hand-off to the user's editor: a letter's text out to `$VISUAL`/`$EDITOR`, and back.

The app gives the terminal to the editor (`App.suspend`) and takes it back. The text goes
through a temp file outside the vault (the system's temp folder, or the config dir when that
lies inside the synced folder), deleted afterwards.

Must never leave a letter's text in a temp file or anywhere inside the vault, and never let an
editor that cannot start leave the terminal to a blank, dead screen.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from textual.app import App, SuspendNotSupported

from store.errors import FollowupError


def editor_command() -> list[str]:
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        parts = shlex.split(command)
    except ValueError:
        raise FollowupError(f"Cannot read $EDITOR ({command!r}); set it to a command.") from None
    if not parts:
        raise FollowupError("$EDITOR is empty; set it to a command, e.g. nano.")
    return parts


def _temp_folder(vault: Path) -> Path | None:
    """The system temp folder, unless it lies inside the (synced) vault."""
    folder = Path(tempfile.gettempdir()).resolve()
    try:
        folder.relative_to(Path(vault).resolve())
    except ValueError:
        return folder
    return None


def edit_text(app: App[Any], text: str, vault: Path) -> str:
    """Let the user edit `text` in their editor; return what they saved.

    The app hands the terminal to the editor (App.suspend) and takes it back; where the
    terminal cannot be handed over (a headless test), the editor simply runs.
    """
    command = editor_command()
    folder = _temp_folder(vault)
    if folder is None:
        from store.config import config_dir

        folder = config_dir()
        folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix="followup-note-", suffix=".txt", dir=folder)
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        try:
            with app.suspend():
                # Textual takes the terminal back only when this block ends normally: an error
                # escaping it (an editor that does not exist) would leave a blank, dead screen.
                result = _run_editor([*command, str(path)], quiet=False)
        except SuspendNotSupported:
            result = _run_editor([*command, str(path)], quiet=True)
        if isinstance(result, FileNotFoundError):
            raise FollowupError(f"Editor {command[0]!r} not found; set $EDITOR (e.g. EDITOR=nano).")
        if isinstance(result, OSError):
            raise FollowupError(f"Cannot run {command[0]!r} ({result.strerror or result}).")
        if result.returncode != 0:
            raise FollowupError(
                f"The editor exited with status {result.returncode}; the note was not changed."
            )
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise FollowupError(f"Cannot read the edited note back ({exc}).") from None
    finally:
        with contextlib.suppress(OSError):
            path.unlink()


def _run_editor(argv: list[str], quiet: bool) -> subprocess.CompletedProcess[bytes] | OSError:
    """Run the editor; an editor that cannot start is returned, not raised (see `edit_text`)."""
    try:
        if quiet:
            return subprocess.run(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        return subprocess.run(argv, check=False)
    except OSError as exc:
        return exc
