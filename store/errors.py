"""Errors a user can act on: each one is a single sentence naming the file or card it concerns.

Every error the CLI or the TUI shows to a person is a `FollowupError`; anything else is a bug.
"""

from __future__ import annotations


class FollowupError(Exception):
    """A problem the user can fix; `str()` is the one line shown to them."""


class WrongPassphrase(FollowupError):
    pass


class VaultNotFound(FollowupError):
    pass


class VaultUnreadable(FollowupError):
    pass


class ReplicaUnreadable(FollowupError):
    """A replica that does not decrypt or parse: often a file still arriving. Never delete it."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class ForeignReplica(ReplicaUnreadable):
    """A replica that belongs to another vault."""


class DeviceMismatch(ReplicaUnreadable):
    """A replica whose sealed header names another device than its file name."""


class WriteFailed(FollowupError, OSError):
    """A file could not be written (disk full, no permission); the old file is still intact.

    Also an `OSError`, so code that guards file writes with `except OSError` still catches it.
    """


class UnknownCard(FollowupError):
    pass


class AmbiguousCard(FollowupError):
    """Several cards answer to what was typed; `candidates` lists them, one line each, for a
    person to pick an id from (the CLI prints them under its error line)."""

    def __init__(self, message: str, candidates: list[str] | None = None) -> None:
        super().__init__(message)
        self.candidates = list(candidates or ())


class BadValue(FollowupError):
    """A bad date, stage, outcome or field value given by the user."""
