"""Where a passphrase comes from without a prompt: a file or a command (restic and borg's way).

The passphrase is never written anywhere by the app. Reading it must never hang or fill the
memory: the file is read capped, and only if it is a regular file or a pipe (never a device); the command runs in its own
process group, its output is capped, and after the time limit the whole group is killed (a
shell's `sleep` child would otherwise keep the pipe open, and the wait, forever).
"""

from __future__ import annotations

import contextlib
import os
import time
from typing import TYPE_CHECKING

from store.errors import FollowupError
from store.untrusted import MAX_PASSPHRASE_BYTES, read_capped

if TYPE_CHECKING:
    import subprocess

COMMAND_TIMEOUT = 60.0  # seconds: long enough to touch a hardware key or type a PIN
EXITED_GRACE = 2.0  # seconds to keep reading after the command itself has exited


def passphrase_from_env() -> str | None:
    """`FOLLOWUP_PASSWORD_FILE` or `FOLLOWUP_PASSWORD_COMMAND`, else None (ask the user)."""
    path = os.environ.get("FOLLOWUP_PASSWORD_FILE")
    if path:
        try:
            raw = read_capped(os.path.expanduser(path), MAX_PASSPHRASE_BYTES, allow_pipe=True)
        except OSError as exc:
            raise FollowupError(
                f"FOLLOWUP_PASSWORD_FILE={path}: cannot read it ({exc.strerror or exc})."
            ) from None
        return _decode(raw, f"FOLLOWUP_PASSWORD_FILE={path}")
    command = os.environ.get("FOLLOWUP_PASSWORD_COMMAND")
    if command:
        return _decode(run_password_command(command), "FOLLOWUP_PASSWORD_COMMAND")
    return None


def _decode(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        raise FollowupError(f"{where}: the passphrase is not UTF-8 text.") from None


def run_password_command(command: str, timeout: float = COMMAND_TIMEOUT) -> bytes:
    """The standard output of `command`, capped; `FollowupError` when it fails, hangs or floods."""
    # Loaded here, not with the module: every command that unlocks imports this module before
    # its key derive can start, and most read the passphrase from a file.
    import selectors
    import shlex
    import subprocess

    try:
        argv = shlex.split(command)
        if not argv:
            raise ValueError("it is empty")
        process = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            start_new_session=True,  # its own process group, so a kill reaches its children
        )
    except (OSError, ValueError) as exc:
        raise FollowupError(f"FOLLOWUP_PASSWORD_COMMAND failed to run: {exc}.") from None
    assert process.stdout is not None
    output = bytearray()
    problem: str | None = None
    deadline = time.monotonic() + timeout
    exited_at: float | None = None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while True:
            now = time.monotonic()
            if now >= deadline:
                problem = f"did not finish within {timeout:g} seconds"
                break
            if exited_at is None and process.poll() is not None:
                exited_at = now
            if exited_at is not None and now - exited_at > EXITED_GRACE:
                break  # it has exited; a child it left behind holds the pipe: not our wait
            if not selector.select(min(deadline - now, 0.2)):
                continue
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                break
            output += chunk
            if len(output) > MAX_PASSPHRASE_BYTES:
                problem = "printed far more than a passphrase"
                break
    if problem is not None:
        _kill_group(process)
    process.stdout.close()
    try:
        status = process.wait(timeout=max(deadline - time.monotonic(), 1.0))
    except subprocess.TimeoutExpired:  # closed its output but kept running
        _kill_group(process)
        problem = problem or f"did not finish within {timeout:g} seconds"
        status = process.wait()
    if problem is not None:
        raise FollowupError(f"FOLLOWUP_PASSWORD_COMMAND {problem}; it was stopped.")
    if status != 0:
        raise FollowupError(f"FOLLOWUP_PASSWORD_COMMAND exited with status {status}.")
    return bytes(output)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    import signal

    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        process.kill()
