"""Company names as people mean them: `INITECH, Inc.` and `Initech` are one employer.

Before re-applying somewhere, a person wants to know they have been there before (and how it
ended). The board, the CLI and the importer all ask `earlier_applications`, which compares
names by `company_key`: case, accents, punctuation and a trailing legal form ("Inc", "GmbH",
"S.A.", "Pty Ltd"…) do not count, nor a leading "The", and "&" is "and".

Pure functions, no I/O. A name that is nothing but a legal form ("Co") keeps its words, so
"Co" is still a company of its own rather than the same as every other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo

from store.cards.model import Card
from store.cards.stages import STAGE_TITLES, outcome_words

# Legal forms, written without dots or spaces (what `_words` leaves of "S.A." or "L.L.C.").
LEGAL_FORMS: frozenset[str] = frozenset(
    {
        "ab",
        "ag",
        "aps",
        "as",
        "asa",
        "bv",
        "bvba",
        "co",
        "company",
        "corp",
        "corporation",
        "cv",
        "ev",
        "gbr",
        "gmbh",
        "inc",
        "incorporated",
        "kft",
        "kg",
        "kk",
        "limited",
        "llc",
        "llp",
        "lp",
        "ltd",
        "ltda",
        "nv",
        "oy",
        "oyj",
        "plc",
        "pllc",
        "pty",
        "pvt",
        "sa",
        "sarl",
        "sas",
        "se",
        "spa",
        "sprl",
        "srl",
        "ug",
        "ulc",
        "bhd",
        "sdn",
    }
)
_JOINERS = frozenset({"and", "&"})  # "GmbH & Co. KG": the "&" between two legal forms


def _words(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", str(name)).casefold()
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("&", " and ")
    text = re.sub(r"[.'’]", "", text)  # S.A. → sa, O'Reilly → oreilly, Booking.com → bookingcom
    return re.findall(r"\w+", text)


def company_key(name: str) -> str:
    """The name reduced to what makes it that employer: `INITECH, Inc.` → "initech"."""
    words = _words(name)
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and (words[-1] in LEGAL_FORMS or words[-1] in _JOINERS):
        words = words[:-1]
    return " ".join(words)


def earlier_applications(
    cards: Iterable[Card], company: str, except_id: str | None = None
) -> list[Card]:
    """The cards already on the board for `company` (the trash left out), newest first."""
    key = company_key(company)
    if not key:
        return []
    found = [
        card
        for card in cards
        if card.id != except_id and not card.deleted and company_key(card.company) == key
    ]
    return sorted(found, key=_when, reverse=True)


def _when(card: Card) -> datetime:
    moments = [e.at for e in card.timeline] + [
        m for m in (card.interviewed_at, card.created_at) if m is not None
    ]
    return max(moments) if moments else datetime.min.replace(tzinfo=UTC)


def application_line(card: Card, tz: tzinfo | None = None, now: datetime | None = None) -> str:
    """One earlier application in a line: "Initech — rejected 2026-10-31 (Analyst)"; an
    interview still ahead of `now` is said as one ("waiting, interview 2026-12-04")."""

    def day(moment: datetime) -> str:
        return (moment.astimezone(tz) if tz is not None else moment.astimezone()).strftime(
            "%Y-%m-%d"
        )

    if card.stage == "closed":
        closed = card.closed_at
        how = outcome_words(card.outcome) if card.outcome else "closed"
        state = f"{how} {day(closed)}" if closed else how
    else:
        state = STAGE_TITLES.get(card.stage, card.stage).lower()
        if card.interviewed_at and now is not None and card.interviewed_at > now:
            interview = f"interview {day(card.interviewed_at)}"  # still ahead
            state = interview if card.stage == "interviewed" else f"{state}, {interview}"
        elif card.interviewed_at:
            state += f", interviewed {day(card.interviewed_at)}"
    role = f" ({card.role})" if card.role else ""
    return f"{card.company} — {state}{role}"
