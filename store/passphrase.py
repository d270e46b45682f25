"""Where a passphrase comes from without a prompt: a file or a command (restic and borg's way).

The passphrase is never written anywhere by the app.
"""

from __future__ import annotations

import os
import shlex
import subprocess

from store.errors import FollowupError


def passphrase_from_env() -> str | None:
    """`FOLLOWUP_PASSWORD_FILE` or `FOLLOWUP_PASSWORD_COMMAND`, else None (ask the user)."""
    path = os.environ.get("FOLLOWUP_PASSWORD_FILE")
    if path:
        try:
            with open(os.path.expanduser(path), encoding="utf-8") as handle:
                return handle.read().rstrip("\r\n")
        except OSError as exc:
            raise FollowupError(
                f"FOLLOWUP_PASSWORD_FILE={path}: cannot read it ({exc.strerror})."
            ) from None
    command = os.environ.get("FOLLOWUP_PASSWORD_COMMAND")
    if command:
        try:
            done = subprocess.run(
                shlex.split(command), capture_output=True, text=True, timeout=60, check=False
            )
        except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
            raise FollowupError(f"FOLLOWUP_PASSWORD_COMMAND failed to run: {exc}.") from None
        if done.returncode != 0:
            raise FollowupError(f"FOLLOWUP_PASSWORD_COMMAND exited with status {done.returncode}.")
        return done.stdout.rstrip("\r\n")
    return None
