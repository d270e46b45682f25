"""The offers side by side: what `followup-tui offers` and the Offers screen list.

An offer is any card holding offer terms (a salary, a deadline…). Open offers are those on a
card still open; recent ones closed within `RECENT_DAYS` or whose deadline is that recent, so
the one just declined can still be compared. Sorted by the day to answer by (soonest first;
offers without one last). Amounts are never converted (no network, no rates): each is shown
in its own currency.

Pure functions of the cards, today's date; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from store.cards.documents import Offer
from store.cards.model import Card

RECENT_DAYS = 30


@dataclass(frozen=True)
class OfferRow:
    card: Card
    offer: Offer
    days_left: int | None  # to the answer-by day; negative once it passed

    @property
    def open(self) -> bool:
        return self.card.stage != "closed"

    def days_text(self) -> str:
        """`today`, `1 day`, `12 days`, `3 days ago`, or `—` without a deadline."""
        days = self.days_left
        if days is None:
            return "—"
        if days == 0:
            return "today"
        unit = "day" if abs(days) == 1 else "days"
        return f"{days} {unit}" if days > 0 else f"{-days} {unit} ago"

    def status(self) -> str:
        if self.open:
            return "open"
        return f"closed ({self.card.outcome})" if self.card.outcome else "closed"

    def to_json(self) -> dict[str, Any]:
        return {
            "card_id": self.card.id,
            "company": self.card.company,
            "role": self.card.role,
            "stage": self.card.stage,
            "outcome": self.card.outcome,
            **self.offer.to_json(),
            "days_left": self.days_left,
            "open": self.open,
        }


def offer_rows(cards: Iterable[Card], today: date, everything: bool = False) -> list[OfferRow]:
    """The open and recent offers (`everything`: every offer ever recorded), by deadline."""
    since = today - timedelta(days=RECENT_DAYS)
    rows = []
    for card in cards:
        offer = card.offer
        if card.deleted or not offer:
            continue
        if card.stage == "closed" and not everything:
            closed = card.closed_at.date() if card.closed_at else None
            recent = (closed is not None and closed >= since) or (
                offer.answer_by is not None and offer.answer_by >= since
            )
            if not recent:
                continue
        days = (offer.answer_by - today).days if offer.answer_by else None
        rows.append(OfferRow(card, offer, days))
    return sorted(
        rows,
        key=lambda r: (
            not r.open,
            r.offer.answer_by is None,
            r.offer.answer_by or date.max,
            r.card.company.lower(),
            r.card.id,
        ),
    )


def local_today(now: datetime) -> date:
    return now.astimezone().date()
