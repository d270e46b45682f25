"""Opening an attachment in the desktop's viewer: a private decrypted copy, removed afterwards.

The viewer needs a file, so the attachment is decrypted into a folder of our own (0700, named
`followup-tui-open-<pid>-…`, in `$XDG_RUNTIME_DIR` when there is one: memory, not disk, and
emptied at logout; else the temp folder), as a 0600 file under its own name, and handed to
`xdg-open` (Linux) or `open` (macOS).

How long the copy lives: until the app quits. `xdg-open` returns at once for most viewers (it
hands the file to a running program), so its end says nothing about whether the file is still
being read; removing the copy then would make many viewers show an empty document. So every
copy is removed when the app ends, whether it quits, fails, the viewer crashed or the terminal
was closed (`atexit`, the app's own exit, and SIGHUP and SIGTERM, which end a process without
`atexit`), and a copy left by a process that was killed outright (SIGKILL) is swept the next
time an attachment is opened (its folder names a process that no longer runs).

Must never write a decrypted byte inside the vault folder, nor leave a copy readable by others.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from types import FrameType
from typing import Any

from store.errors import FollowupError

PREFIX = "followup-tui-open-"


def private_root() -> Path:
    """Where private copies go: the per-user runtime folder (memory) if any, else temp."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        path = Path(runtime)
        with contextlib.suppress(OSError):
            st = path.stat()
            if path.is_dir() and st.st_uid == os.getuid() and not st.st_mode & 0o077:
                return path
    return Path(tempfile.gettempdir())


def viewer_command() -> str | None:
    """The desktop's "open this file" command, if it is installed."""
    return shutil.which("open" if sys.platform == "darwin" else "xdg-open")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_leftovers(root: Path | None = None) -> list[Path]:
    """Remove the copy folders of our processes that are gone (killed before they could)."""
    root = root or private_root()
    removed = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(PREFIX):
            continue
        pid_text = entry.name[len(PREFIX) :].split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            if entry.is_dir() and not entry.is_symlink() and entry.stat().st_uid == os.getuid():
                shutil.rmtree(entry)
                removed.append(entry)
    return removed


class PrivateCopies:
    """The decrypted copies this process handed to a viewer; `remove_all` deletes them."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self.folders: list[Path] = []
        self._registered = False

    def write(self, name: str, data: bytes) -> Path:
        """A private copy of `data` named `name` (0600, in its own 0700 folder)."""
        root = self.root or private_root()
        folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=root))
        self.folders.append(folder)
        if not self._registered:
            atexit.register(self.remove_all)
            self._remove_on_ending_signals()
            self._registered = True
        path = folder / (Path(name).name.lstrip(".") or "attachment")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            self.remove(folder)
            raise FollowupError(
                f"Could not write a private copy ({exc.strerror or exc})."
            ) from None
        return path

    def open(self, name: str, data: bytes) -> Path:
        """Write a private copy and hand it to the viewer; an error leaves no copy behind."""
        sweep_leftovers(self.root or private_root())
        command = viewer_command()
        if command is None:
            raise FollowupError(
                "No viewer: xdg-open is not installed. `followup-tui attachment ID NAME -o FILE` "
                "writes a copy where you choose."
            )
        path = self.write(name, data)
        try:
            subprocess.Popen(
                [command, str(path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # a viewer outlives neither our terminal nor our keys
            )
        except OSError as exc:
            self.remove(path.parent)
            raise FollowupError(f"Could not start {command} ({exc.strerror or exc}).") from None
        return path

    def _remove_on_ending_signals(self) -> None:
        """Closing the terminal (SIGHUP) or `kill` (SIGTERM) ends the app without `atexit`:
        remove the copies first, then let the signal do what it did before (the default ends
        the process as it would have). A signal ignored (a parent took the hang-up) stays so."""
        for name in ("SIGHUP", "SIGTERM"):
            number = getattr(signal, name, None)
            if number is None:
                continue
            previous = signal.getsignal(number)
            if previous is signal.SIG_IGN or previous is None:
                continue

            def ending(signum: int, frame: FrameType | None, previous: Any = previous) -> None:
                self.remove_all()
                if callable(previous):
                    previous(signum, frame)
                    return
                signal.signal(signum, signal.SIG_DFL)
                os.kill(os.getpid(), signum)

            with contextlib.suppress(ValueError):  # not the main thread (a test's worker)
                signal.signal(number, ending)

    def remove(self, folder: Path) -> None:
        with contextlib.suppress(OSError):
            shutil.rmtree(folder)
        with contextlib.suppress(ValueError):
            self.folders.remove(folder)

    def remove_all(self) -> None:
        for folder in list(self.folders):
            self.remove(folder)


# The app's copies: one set per process, emptied when it ends.
copies = PrivateCopies()
