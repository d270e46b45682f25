"""The people of a search: every interviewer and contact across the cards, once each.

What `followup-tui people` and the People screen list. One entry per person:
- the same email, in any case, is the same person, on any card at any company (the recruiter
  who appears on three applications is one person with three cards);
- without an email, the same name (case and accents aside) at the same company
  (`company_key`: "Acme Inc" is "ACME"); such a name joins the one person with an email of
  that name at that company, when there is exactly one.
Each person has the names and titles the cards give them, their companies, the cards they
appear on (as an interviewer or as the contact) and the last contact: the newest moment, up to
now, of an interview, a note sent or an answer on one of their cards.

Pure functions of `Card` views and the moment now; no I/O. Cards in the trash are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from store.cards.fields import parse_person
from store.cards.model import Card, Interviewer, iso_utc
from store.cards.words import company_key, fold
from store.errors import BadValue

INTERVIEWER = "interviewer"
CONTACT = "contact"
_CONTACT_EVENTS = ("note_sent", "answered")


@dataclass(frozen=True)
class Appearance:
    """One card a person is on, and as what."""

    card: Card
    role: str  # INTERVIEWER or CONTACT
    name: str
    title: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.card.id,
            "company": self.card.company,
            "role": self.card.role,
            "stage": self.card.stage,
            "as": self.role,
            "title": self.title or None,
        }


@dataclass(frozen=True)
class Person:
    key: str  # "email:ann@acme.io" or "name:ann lee@acme"
    name: str
    email: str
    titles: tuple[str, ...]
    companies: tuple[str, ...]
    appearances: tuple[Appearance, ...]  # newest card first
    last_contact: datetime | None

    @property
    def card_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.card.id for a in self.appearances))

    def searchable(self) -> str:
        """What the People screen's filter looks in: names, email, companies, titles."""
        names = {a.name for a in self.appearances}
        return fold(" ".join([*names, self.email, *self.companies, *self.titles]))

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "email": self.email or None,
            "titles": list(self.titles),
            "companies": list(self.companies),
            "cards": [a.to_json() for a in self.appearances],
            "last_contact": iso_utc(self.last_contact) if self.last_contact else None,
        }


def last_contact(card: Card, now: datetime) -> datetime | None:
    """The newest moment, up to `now`, the card records talking to the company: an interview
    (this round's or an earlier one's), a note sent, an answer."""
    moments = [card.interviewed_at] if card.interviewed_at else []
    for event in card.timeline:
        if event.kind in _CONTACT_EVENTS:
            moments.append(event.at)
        elif event.kind == "round":
            for key in ("interviewed_at", "previous"):
                moments.extend(_moment(event.get(key)))
    past = [m for m in moments if m <= now]
    return max(past) if past else None


def _moment(value: Any) -> list[datetime]:
    if not isinstance(value, str):
        return []
    try:
        return [datetime.fromisoformat(value.replace("Z", "+00:00"))]
    except ValueError:
        return []


def _contact(card: Card) -> Interviewer | None:
    """The card's contact as a person (the field holds "Name <email>" or a bare address)."""
    if not card.contact_email.strip():
        return None
    try:
        return parse_person(card.contact_email)
    except BadValue:
        return None


_ADDRESS = re.compile(r"[^\s<>(),;@]+@[^\s<>(),;@]+\.[^\s<>(),;@]+")


def _with_email(person: Interviewer) -> Interviewer:
    """A person whose only name is an address (as cards written before the parser read one
    as the email too hold them) has that address as their email."""
    if not person.email and _ADDRESS.fullmatch(person.name.strip()):
        return Interviewer(person.name.strip(), person.title, person.name.strip())
    return person


def _appearances(cards: Iterable[Card]) -> list[tuple[Interviewer, Appearance]]:
    found = []
    for card in cards:
        if card.deleted:
            continue
        for person in map(_with_email, card.interviewers):
            if person.name.strip() or person.email.strip():
                found.append((person, Appearance(card, INTERVIEWER, person.name, person.title)))
        contact = _contact(card)
        if contact is not None:
            found.append((contact, Appearance(card, CONTACT, contact.name, contact.title)))
    return found


def _name_key(name: str, company: str) -> str:
    return f"name:{' '.join(fold(name).split())}@{company_key(company)}"


def people(cards: Iterable[Card], now: datetime) -> list[Person]:
    """Everyone on the cards, once each, by name (see the module's docstring for "once")."""
    groups: dict[str, list[tuple[Interviewer, Appearance]]] = {}
    unnamed: list[tuple[Interviewer, Appearance]] = []
    for person, seen in _appearances(cards):
        email = person.email.strip().casefold()
        if email:
            groups.setdefault(f"email:{email}", []).append((person, seen))
        else:
            unnamed.append((person, seen))
    # A name without an email joins the one person with an email of that name at that company.
    by_name: dict[str, set[str]] = {}
    for key, members in groups.items():
        for person, seen in members:
            if person.name != person.email:
                by_name.setdefault(_name_key(person.name, seen.card.company), set()).add(key)
    for person, seen in unnamed:
        name_key = _name_key(person.name, seen.card.company)
        emailed = by_name.get(name_key, set())
        key = next(iter(emailed)) if len(emailed) == 1 else name_key
        groups.setdefault(key, []).append((person, seen))
    found = [_person(key, members, now) for key, members in groups.items()]
    return sorted(found, key=lambda p: (fold(p.name), p.email, p.key))


def _person(key: str, members: list[tuple[Interviewer, Appearance]], now: datetime) -> Person:
    def newest(item: tuple[Interviewer, Appearance]) -> tuple[float, str]:
        card = item[1].card
        moment = card.interviewed_at or card.created_at
        return (moment.timestamp() if moment else 0.0, card.id)

    members = sorted(members, key=newest, reverse=True)
    emails = list(dict.fromkeys(p.email for p, _ in members if p.email))
    # An address written in two cases is shown in small letters (mail ignores the case).
    email = (
        emails[0].lower()
        if len({e.lower() for e in emails}) < len(emails)
        else next(iter(emails), "")
    )
    spelled = [p.name for p, _ in members if p.name and p.name != p.email]
    # The spelling most cards use ("Ann Lee" twice beats "ann lee" once); on a tie the one
    # written with capitals ("Bo Chen", not "bo chen"), then the newest.
    names = sorted(
        dict.fromkeys(spelled), key=lambda n: (-spelled.count(n), -sum(c.isupper() for c in n))
    )
    titles = list(dict.fromkeys(p.title for p, _ in members if p.title))
    companies: dict[str, str] = {}
    for _, seen in members:
        companies.setdefault(company_key(seen.card.company), seen.card.company)
    appearances: dict[tuple[str, str], Appearance] = {}
    for _, seen in members:
        appearances.setdefault((seen.card.id, seen.role), seen)
    contacts = [m for _, seen in members if (m := last_contact(seen.card, now)) is not None]
    return Person(
        key=key,
        name=names[0] if names else email,
        email=email,
        titles=tuple(titles),
        companies=tuple(companies.values()),
        appearances=tuple(appearances.values()),
        last_contact=max(contacts) if contacts else None,
    )


def matching(found: Iterable[Person], text: str) -> list[Person]:
    """The people whose name, email, company or title holds every word of `text`."""
    words = fold(text).split()
    return [p for p in found if all(word in p.searchable() for word in words)]
