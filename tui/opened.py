"""What the first run and the unlock screen return (kept out of `tui.launch`, which every
command loads before its key derive starts, and which has no need of `dataclasses` for it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from store.notes.templates import TemplateSet
    from store.vault.session import Session


@dataclass(frozen=True)
class OpenedVault:
    """The session they opened, and the note templates read while it opened (None: nothing
    read yet, or the folder changed since)."""

    session: Session
    templates: TemplateSet | None = None
