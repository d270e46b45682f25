"""Durable file writes: a reader (or a sync tool) sees the old file or the new one, never half.

Temp files start with `.` and end with `.tmp` in the same folder, so the vault's `.stignore`
and the sync layer's name rules can keep them from travelling or being read as replicas.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from store import ids
from store.errors import WriteFailed

TEMP_PREFIX = ".followup-"
TEMP_SUFFIX = ".tmp"


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write `data` to `path` via a temp file in the same folder, fsync, rename, fsync the folder."""
    path = Path(path)
    temp = path.with_name(f"{temp_prefix(path)}{ids.random_hex(4)}{TEMP_SUFFIX}")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise
    except OSError as exc:
        raise WriteFailed(
            f"{path}: cannot write it ({exc.strerror or exc}); the previous version is unchanged."
        ) from None
    fsync_dir(path.parent)


def append_at(path: Path, data: bytes, offset: int) -> None:
    """Write `data` into the existing file `path` at `offset`, its end as last read, and make
    it durable (fdatasync) before returning. Bytes past `offset` (a write killed before this
    one finished) are cut off first. A write that fails half-way leaves the bytes before
    `offset` as they were; what it left after them is cut off by the next one."""
    path = Path(path)
    flags = os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size < offset:
                raise OSError(errno.ESTALE, "it changed since it was read")
            if st.st_size > offset:
                os.ftruncate(fd, offset)
            view = memoryview(data)
            at = offset
            while view:
                written = os.pwrite(fd, view, at)
                view, at = view[written:], at + written
            os.fdatasync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise WriteFailed(
            f"{path}: cannot write it ({exc.strerror or exc}); what it held is unchanged."
        ) from None


def temp_prefix(path: Path) -> str:
    """How the temp files of writes to `path` start: `.followup-NAME.`."""
    return f"{TEMP_PREFIX}{Path(path).name}."


def remove_stale_temps(path: Path) -> None:
    """Remove temp files a killed writer of `path` left behind.

    Only call it while holding the lock that serialises every writer of `path`: then no temp
    file of `path` can belong to a write still in progress.
    """
    prefix = temp_prefix(path)
    try:
        names = os.listdir(Path(path).parent)
    except OSError:
        return
    for name in names:
        if name.startswith(prefix) and name.endswith(TEMP_SUFFIX):
            with contextlib.suppress(OSError):
                os.unlink(Path(path).parent / name)


def write_output(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write an export where the user asked: a new or regular file atomically (`atomic_write`),
    but a pipe or a device (`/dev/stdout`, `>(gpg -c > backup.gpg)`) by writing into it.

    Never replace what is not a regular file: renaming over `/dev/full` or a FIFO would put a
    plaintext file where a device or someone's pipe was. A pipe nobody reads is an error at
    once, not a wait; a device that refuses the bytes (a full disk) is a `WriteFailed`.
    """
    path = Path(path)
    try:
        special = not stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        special = False
    except OSError as exc:
        raise WriteFailed(f"{path}: cannot write it ({exc.strerror or exc}).") from None
    if not special:
        atomic_write(path, data, mode=mode)
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise WriteFailed(f"{path}: a pipe nobody is reading from; nothing written.") from None
        raise WriteFailed(f"{path}: cannot write it ({exc.strerror or exc}).") from None
    try:
        os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except OSError as exc:
        raise WriteFailed(f"{path}: cannot write it ({exc.strerror or exc}).") from None
    finally:
        os.close(fd)


def ensure_folder(path: Path, private: bool = False) -> None:
    """Create the folder `path` (and its parents) if missing; a `WriteFailed` naming it when
    that cannot be (a file in the way, no permission, a read-only disk).

    `private` (the config dir, the vault's folders): readable by this user only, 0700, and an
    existing one is made so too. A link where such a folder should be is refused: what the app
    writes there would land wherever the link points.
    """
    path = Path(path)
    if private:
        refuse_link(path, "folder")
    try:
        path.mkdir(mode=0o700 if private else 0o777, parents=True, exist_ok=True)
    except FileExistsError:
        raise WriteFailed(f"{path}: a file is in the way where a folder should be.") from None
    except OSError as exc:
        raise WriteFailed(f"{path}: cannot create this folder ({exc.strerror or exc}).") from None
    if private:
        make_private(path)


def make_private(folder: Path) -> None:
    """Take group and other permissions off a folder of ours (best effort: a folder on a file
    system without permissions, or someone else's, stays as it is)."""
    with contextlib.suppress(OSError):
        mode = stat.S_IMODE(os.lstat(folder).st_mode)
        if stat.S_ISDIR(os.lstat(folder).st_mode) and mode & 0o077:
            os.chmod(folder, mode & 0o700)


def refuse_link(path: Path, what: str = "file") -> None:
    """A `WriteFailed` when `path` is a symbolic link: the app never writes through one into
    the vault folder (a link there could point at any file of the user's)."""
    if Path(path).is_symlink():
        raise WriteFailed(
            f"{path}: a link, not a {what}; followup-tui never writes through links, "
            "so it was left alone."
        )
