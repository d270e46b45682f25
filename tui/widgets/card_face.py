"""What a card on the board says, as plain data: title, role, age, badge, outcome, conflict.

Kept apart from drawing so the words can be tested without a terminal, and so the due-date
rules can plug in through `DueBadge` without knowing how a column paints.

Must never touch the vault or import Textual.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from store.model import Card

# The due-date rules plug in here: given a card and "now", a short badge such as
# "thank-you due in 3 h" or "follow-up 2 days overdue", or None when nothing is due.
# A badge containing the word "overdue" is drawn in the error colour.
DueBadge = Callable[[Card, datetime], str | None]

OUTCOME_WORDS = {
    "offer": "offer",
    "rejected": "rejected",
    "withdrew": "withdrew",
    "no-answer": "no answer",
}


def no_badge(card: Card, now: datetime) -> str | None:
    """The board without due-date rules: no badges."""
    return None


def days_since(moment: datetime | None, now: datetime) -> int | None:
    """Whole calendar days from `moment` to `now`, in the local time zone."""
    if moment is None:
        return None
    return (now.astimezone().date() - moment.astimezone().date()).days


def age_text(days: int | None) -> str:
    if days is None:
        return ""
    if days == 0:
        return "today"
    if days < 0:
        return f"in {-days}d"
    return f"{days}d"


@dataclass(frozen=True)
class CardFace:
    title: str
    role: str
    age: str
    badge: str | None
    overdue: bool
    outcome: str | None
    conflict: bool


def card_face(card: Card, now: datetime, due_badge: DueBadge = no_badge) -> CardFace:
    badge = due_badge(card, now) if card.stage != "closed" else None
    return CardFace(
        title=card.company or "(no company)",
        role=card.role,
        age=age_text(days_since(card.interviewed_at, now)),
        badge=badge,
        overdue=bool(badge and "overdue" in badge),
        outcome=OUTCOME_WORDS.get(card.outcome or "", card.outcome) if card.outcome else None,
        conflict=bool(card.conflicts),
    )
