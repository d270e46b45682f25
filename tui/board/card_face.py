"""What a card on the board says, as plain data: title, role, age, badge, outcome, conflict.

An open card's age is the days since its interview ("12d"); a closed card stops ageing and
shows the day it closed instead ("3 Mar", in the user's language), and like any other card
it shows what it still owes (the reply to an offer or a rejection), else its outcome.

Kept apart from drawing so the words can be tested without a terminal, and so the due-date
rules can plug in through `DueBadge` without knowing how a column paints. A badge is its full
text ("thank-you 3 h overdue"); a `Badge` also knows its short forms, so a narrow card shows
"thank-you 3h over" rather than "thank-you 3 h ov…" (`fit_badge`).

Must never touch the vault or import Textual.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rich.cells import cell_len, set_cell_size

from store.cards.model import Card
from store.cards.stages import OUTCOME_WORDS
from store.language import short_day_or_english

# The due-date rules plug in here: given a card and "now", a badge such as
# "thank-you due in 3 h" or "follow-up 2 days overdue" (a `Badge`, to have short forms too),
# or None when nothing is due. A badge containing the word "overdue" is drawn in the error colour.
DueBadge = Callable[[Card, datetime], str | None]


class Badge(str):
    """A due badge: the full text (it is that string), plus the note's name and a compact
    "when" ("3h over", "due 5h", "in 2d") that a narrow card is made of. `upcoming`: nothing
    is due yet and this is the next step, drawn muted."""

    name: str
    when: str
    upcoming: bool

    def __new__(cls, full: str, name: str, when: str, upcoming: bool = False) -> Badge:
        badge = super().__new__(cls, full)
        badge.name = name
        badge.when = when
        badge.upcoming = upcoming
        return badge


def fit_badge(badge: str, width: int) -> str:
    """The longest form of `badge` that fits `width` cells.

    Full text; else "name when"; else the name cut short ("continued-i… 2d over"); else the
    "when" alone. What is due and when counts more than the note's whole name. A plain string
    (a badge without short forms) is cut with an ellipsis.
    """
    if width <= 0:
        return ""
    if cell_len(badge) <= width:
        return str(badge)
    if isinstance(badge, Badge):
        short = f"{badge.name} {badge.when}"
        if cell_len(short) <= width:
            return short
        room = width - cell_len(badge.when) - 1  # for the name and its ellipsis
        if room >= 4:
            return f"{set_cell_size(badge.name, room - 1).rstrip()}… {badge.when}"
        badge = badge.when
        if cell_len(badge) <= width:
            return badge
    return set_cell_size(badge, width - 1).rstrip() + "…" if width > 1 else "…"


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
    upcoming: bool = False  # the badge is the next step, nothing is due yet: drawn muted


def closed_text(card: Card, now: datetime, locale: str | None = None) -> str:
    """The day a closed card closed, short ("3 Mar"; "Mar 2025" in another year), or "" when
    its timeline does not say (an imported closed card)."""
    closed = card.closed_at
    if closed is None:
        return ""
    return short_day_or_english(closed.astimezone().date(), locale, today=now.astimezone().date())


def card_face(
    card: Card, now: datetime, due_badge: DueBadge = no_badge, locale: str | None = None
) -> CardFace:
    badge = due_badge(card, now)  # a closed card may owe a reply too (to an offer, a rejection)
    closed = card.stage == "closed"
    return CardFace(
        title=card.company or "(no company)",
        role=card.role,
        age=closed_text(card, now, locale)
        if closed
        else age_text(days_since(card.interviewed_at, now)),
        badge=badge,
        overdue=bool(badge and "overdue" in badge),
        outcome=OUTCOME_WORDS.get(card.outcome or "", card.outcome) if card.outcome else None,
        conflict=bool(card.conflicts),
        upcoming=bool(getattr(badge, "upcoming", False)),
    )
