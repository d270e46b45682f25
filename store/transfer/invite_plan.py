"""What an invitation would change on the board (`plan_invitation`), and making it so (`apply`).

An invitation (store/transfer/invitation.py) becomes:
- the same invitation again (its UID is on a card's timeline, as `invited`): nothing, or, when
  its time moved, the card's interview moved with it (a reschedule, not a new round);
- for a company that has an open card: that card's next round (`record_round`: the new time,
  the card back to interviewed), or its first interview when the card has none yet;
- otherwise a new card.
The company is the one `--company` names, else an existing card's company named in the title,
else the one whose card lists an address of the invitation, else the organizer's (or an
attendee's) mail domain ("rita@umbrella.com" → Umbrella; never gmail.com or a scheduling
service's); when none tells, the plan says to give `--company`.
The attendees but the user (their own address from the profile) are the interviewers (the new
ones first, then those the card had), the organizer the contact (a card's contact is kept), the
meeting link joins the links, and the title and the place go into the notes.

A cancellation (METHOD:CANCEL) names the card it concerns and, applied, takes that interview
off it (back to the round before, when a round brought it) and notes it on the timeline.

Planning touches nothing; `apply` writes only through `Board` (the CLI runs it in one
`Session.change`, planned again under the lock).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from store.cards.board import Board
from store.cards.model import Card, Interviewer, iso_utc
from store.cards.words import company_key, fold
from store.errors import BadValue
from store.notes.due import ROUND
from store.notes.flow import record_round
from store.transfer.invitation import Invitation

INVITED = "invited"  # timeline kinds: an invitation imported, an interview called off
CANCELLED = "interview_cancelled"

NEW, FIRST, NEXT_ROUND, RESCHEDULE, SAME, CANCEL, NOTHING = (
    "new card",
    "first interview",
    "next round",
    "reschedule",
    "already there",
    "cancel",
    "nothing",
)

# Mail domains that say nothing about the employer: free mail, calendars, hiring tools.
NOT_AN_EMPLOYER: frozenset[str] = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "google.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "microsoft.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "pm.me",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "yandex.ru",
        "fastmail.com",
        "hey.com",
        "calendly.com",
        "greenhouse.io",
        "lever.co",
        "ashbyhq.com",
        "myworkday.com",
        "workday.com",
        "smartrecruiters.com",
        "goodtime.io",
        "teamtailor.com",
        "recruitee.com",
        "personio.de",
        "workable.com",
        "bamboohr.com",
        "icims.com",
        "jobvite.com",
        "zoom.us",
        "calendar.google.com",
        "resource.calendar.google.com",
    }
)
_DOMAIN_PREFIXES = frozenset({"mail", "email", "corp", "hr", "jobs", "careers", "talent", "team"})


def employer_of(address: str) -> str:
    """The company a mail address belongs to, from its domain, or "" when it tells nothing:
    "rita@umbrella.com" → "Umbrella", "ann@mail.acme-labs.co.uk" → "Acme Labs"."""
    domain = address.rpartition("@")[2].strip().lower().rstrip(".")
    labels = [label for label in domain.split(".") if label]
    if len(labels) < 2 or any(".".join(labels[i:]) in NOT_AN_EMPLOYER for i in range(len(labels))):
        return ""
    if (
        len(labels) >= 3
        and len(labels[-1]) == 2
        and labels[-2] in ("co", "com", "org", "net", "ac")
    ):
        name = labels[-3]
    else:
        name = labels[-2]
    if name in _DOMAIN_PREFIXES or not re.fullmatch(r"[a-z0-9-]+", name):
        return ""
    return " ".join(part.capitalize() for part in name.split("-") if part)


@dataclass
class InvitePlan:
    """One invitation's change to the board, and the words that say it."""

    invitation: Invitation
    action: str
    card: Card | None = None  # the card it changes (None: a new card, or nothing)
    company: str = ""
    company_source: str = ""
    role: str = ""
    round_name: str | None = None
    interviewers: list[Interviewer] = field(default_factory=list)
    contact: str = ""
    links: list[str] = field(default_factory=list)
    notes: str = ""
    restore: datetime | None = None  # a cancel: the interview the card goes back to
    remarks: list[str] = field(default_factory=list)
    zone_remark: str = ""  # the invitation's time zone is unknown: said under its time

    @property
    def changes(self) -> bool:
        return self.action not in (SAME, NOTHING)


def _local(moment: datetime | None, tz: tzinfo | None) -> str:
    if moment is None:
        return "no interview"
    return (moment.astimezone(tz) if tz else moment.astimezone()).strftime("%a %Y-%m-%d %H:%M")


def _zone_words(moment: datetime, tz: tzinfo | None) -> str:
    """The zone a time was read in, as a person checks it: "Europe/Berlin, UTC+01:00"."""
    local = moment.astimezone(tz) if tz else moment.astimezone()
    offset = local.strftime("%z") or "+0000"
    offset = f"UTC{offset[:3]}:{offset[3:5]}"
    name = (getattr(tz, "key", "") if tz else _system_zone()) or local.tzname() or ""
    if name in ("UTC", "Etc/UTC", "GMT", "Etc/GMT", "Etc/Universal", "Universal", "Zulu"):
        return "UTC"
    return f"{name}, {offset}" if name and name != offset else offset


def _system_zone() -> str:
    """The name of the zone this computer keeps: TZ, else what /etc/localtime links to."""
    named = os.environ.get("TZ", "").lstrip(":")
    if named and not named.startswith("/"):
        return named
    target = os.path.realpath(named or "/etc/localtime")
    return target.partition("/zoneinfo/")[2]


def _open(cards: list[Card]) -> list[Card]:
    return [c for c in cards if c.stage != "closed"]


def _invited(card: Card, uid: str) -> list[Any]:
    return [e for e in card.timeline if e.kind == INVITED and uid and e.get("uid") == uid]


def _named_in(title: str, cards: list[Card]) -> list[Card]:
    """The cards whose company the invitation's title names (the longest name wins)."""
    folded = " " + re.sub(r"[\W_]+", " ", fold(title)) + " "
    best: dict[str, list[Card]] = {}
    for card in cards:
        key = company_key(card.company)
        if key and f" {key} " in folded:
            best.setdefault(key, []).append(card)
    if not best:
        return []
    return best[max(best, key=len)]


def _company(
    invitation: Invitation, cards: list[Card], given: str, me: str
) -> tuple[str, str, list[Card]]:
    """(the company, where it came from, the cards of that company)."""
    if given.strip():
        key = company_key(given)
        return given.strip(), "--company", [c for c in cards if company_key(c.company) == key]
    named = _named_in(invitation.summary, cards)
    if named:
        return named[0].company, "the invitation's title", named
    addresses = invitation.addresses() - ({me.casefold()} if me else set())
    on_cards: dict[str, list[Card]] = {}
    for card in _open(cards):
        emails = {p.email.casefold() for p in card.interviewers if p.email}
        emails.add(card.contact_email.strip().casefold())
        if addresses & emails:
            on_cards.setdefault(company_key(card.company), []).append(card)
    if len(on_cards) == 1:  # one company only: a recruiter of several is no clue
        found = next(iter(on_cards.values()))
        return found[0].company, "a card that lists an address of the invitation", found
    senders = [invitation.organizer] if invitation.organizer else []
    senders += invitation.people(me)
    for person in senders:
        employer = employer_of(person.email)
        if employer:
            key = company_key(employer)
            same = [c for c in cards if company_key(c.company) == key]
            source = (
                "the organizer's address"
                if person is invitation.organizer
                else ("an attendee's address")
            )
            return (same[0].company if same else employer), source, same
    return "", "", []


def _merged_people(new: list[Interviewer], old: tuple[Interviewer, ...]) -> list[Interviewer]:
    """This round's people first, then the card's others, each once (by email, else name)."""

    def key(person: Interviewer) -> str:
        return person.email.casefold() or fold(person.name)

    seen: set[str] = set()
    out = []
    for person in [*new, *old]:
        if key(person) not in seen:
            seen.add(key(person))
            out.append(person)
    return out


def _note_line(invitation: Invitation, tz: tzinfo | None) -> str:
    line = f"Invitation for {_local(invitation.start, tz)}"
    if invitation.summary:
        line += f": “{invitation.summary}”"
    if invitation.place:
        line += f" at {invitation.place}"
    return line


def plan_invitation(
    board: Board,
    invitation: Invitation,
    *,
    me: str = "",
    company: str = "",
    role: str = "",
    round_name: str | None = None,
    card_id: str | None = None,
    tz: tzinfo | None = None,
) -> InvitePlan:
    """What importing `invitation` would do on `board`; raises `BadValue` only for a bad
    `card_id` or when the company cannot be told (the message says what to give)."""
    cards = [c for c in board.all() if not c.deleted]
    start = invitation.start
    plan = InvitePlan(invitation, NOTHING, round_name=round_name, role=role.strip())
    if invitation.unknown_zone:  # whatever the plan does, its time may be off
        plan.zone_remark = (
            f"time zone {invitation.unknown_zone!r} is unknown: read as local time "
            f"({_zone_words(start, tz)}); check the time"
        )
    known = [c for c in cards if _invited(c, invitation.uid)]
    chosen = board.find(card_id, include_deleted=False) if card_id else None
    if chosen is None and known:
        chosen = known[0]
    if invitation.cancelled:
        return _plan_cancel(plan, cards, chosen, company, me, tz)
    if chosen is not None and _invited(chosen, invitation.uid):
        last = _invited(chosen, invitation.uid)[-1]
        plan.card, plan.company = chosen, chosen.company
        if last.get("interviewed_at") == iso_utc(start):
            plan.action = SAME
            plan.remarks.append(f"{chosen.company} ({chosen.id}) already has this invitation.")
            return plan
        if chosen.interviewed_at is not None and iso_utc(chosen.interviewed_at) == last.get(
            "interviewed_at"
        ):
            plan.action = RESCHEDULE
            return plan
        plan.action = NOTHING
        plan.remarks.append(
            f"The invitation moved an interview of {chosen.company} ({chosen.id}) that is no "
            "longer the card's current one: nothing to change."
        )
        return plan
    if chosen is not None:
        plan.company, plan.company_source, same = chosen.company, "--card", [chosen]
    else:
        plan.company, plan.company_source, same = _company(invitation, cards, company, me)
    if not plan.company:
        raise BadValue(
            "The invitation does not say which company it is from (its organizer writes "
            "from a free-mail or scheduling address): give --company NAME."
        )
    people = list(invitation.people(me))
    organizer = invitation.organizer
    plan.contact = organizer.email if organizer and organizer.email else ""
    plan.links = list(invitation.links)
    open_cards = [chosen] if chosen is not None else _open(same)
    if not open_cards:
        plan.action = NEW
        plan.interviewers = people
        plan.notes = _note_line(invitation, tz)
        closed = [c for c in same if c.stage == "closed"]
        if closed:
            plan.remarks.append(
                f"{plan.company} has a closed card ({closed[0].id}); this makes a new one "
                f"(--card {closed[0].id} makes it that card's next round)."
            )
        return plan
    card = max(open_cards, key=lambda c: (c.interviewed_at or c.created_at or start, c.id))
    others = [c for c in open_cards if c.id != card.id]
    if others:
        plan.remarks.append(
            f"{plan.company} has {len(open_cards)} open cards; this one is the latest "
            f"(--card {others[0].id} picks another)."
        )
    plan.card, plan.company = card, card.company
    plan.interviewers = _merged_people(people, card.interviewers)
    plan.links = [link for link in plan.links if link not in card.links]
    line = _note_line(invitation, tz)
    plan.notes = line if line not in card.notes else ""
    if card.contact_email.strip():
        if plan.contact and plan.contact.casefold() not in card.contact_email.casefold():
            plan.remarks.append(f"The card's contact stays {card.contact_email}.")
        plan.contact = ""
    if card.interviewed_at is None:
        plan.action = FIRST
    elif card.interviewed_at == start:
        plan.action = SAME if not (plan.links or plan.notes) else FIRST
        if plan.action == SAME:
            plan.remarks.append(f"{card.company} ({card.id}) already has this interview.")
    else:
        plan.action = NEXT_ROUND
    return plan


def _plan_cancel(
    plan: InvitePlan,
    cards: list[Card],
    chosen: Card | None,
    company: str,
    me: str,
    tz: tzinfo | None,
) -> InvitePlan:
    invitation = plan.invitation
    start = invitation.start
    candidates = [chosen] if chosen is not None else []
    if not candidates:
        _, _, same = _company(invitation, cards, company, me)
        candidates = [c for c in same or cards if _holds_interview(c, start)]
    card = candidates[0] if candidates else None
    when = _local(start, tz)
    if card is None:
        plan.remarks.append(
            f"It cancels an interview on {when} that no card here holds: nothing to change."
        )
        return plan
    plan.card, plan.company = card, card.company
    if _cancelled_before(card, invitation):  # the same cancellation again changes nothing
        plan.action = SAME
        plan.remarks.append(f"{card.company} ({card.id}) already has this cancellation.")
        return plan
    if card.interviewed_at is None:
        plan.remarks.append(
            f"It concerns {card.company} ({card.id}), which has no interview date now: only "
            "noted on its timeline."
        )
    elif card.interviewed_at != start:
        plan.remarks.append(
            f"It concerns {card.company} ({card.id}), whose interview is {_local(card.interviewed_at, tz)}"
            " now: only noted on its timeline."
        )
    else:
        rounds = [
            e
            for e in card.timeline
            if e.kind == ROUND and e.get("interviewed_at") == iso_utc(start)
        ]
        previous = rounds[-1].get("previous") if rounds else None
        plan.restore = datetime.fromisoformat(previous.replace("Z", "+00:00")) if previous else None
    plan.action = CANCEL
    return plan


def _duration(card: Card, plan: InvitePlan) -> int | None:
    """How long the interview the card goes back to lasts, as its invitation said."""
    if plan.restore is None:
        return None
    for event in reversed(card.timeline):
        if event.kind == INVITED and event.get("interviewed_at") == iso_utc(plan.restore):
            found = event.get("duration")
            return found if type(found) is int and 0 < found <= 24 * 60 else None
    return None


def _cancelled_before(card: Card, invitation: Invitation) -> bool:
    """Whether this cancellation (its time, UID and sequence) is on the card's timeline."""
    start = iso_utc(invitation.start)
    uid = invitation.uid or None
    return any(
        e.kind == CANCELLED
        and e.get("interviewed_at") == start
        and e.get("uid") == uid
        and e.get("sequence") == invitation.sequence
        for e in card.timeline
    )


def _holds_interview(card: Card, start: datetime) -> bool:
    if card.interviewed_at == start:
        return True
    return any(
        e.kind in (ROUND, INVITED) and e.get("interviewed_at") == iso_utc(start)
        for e in card.timeline
    )


_VERBS = {  # (done, would be done)
    FIRST: ("Set it as the interview of", "Would set it as the interview of"),
    NEXT_ROUND: ("Added it as the next round of", "Would add it as the next round of"),
    RESCHEDULE: ("Moved the interview of", "Would move the interview of"),
}


def describe(plan: InvitePlan, applied: bool, tz: tzinfo | None = None) -> list[str]:
    """What the plan does, as lines for a person (the verbs say whether it was done)."""
    invitation, card = plan.invitation, plan.card
    when = _local(invitation.start, tz)
    length = f" ({invitation.duration} min)" if invitation.duration else ""
    title = f" “{invitation.summary}”" if invitation.summary else ""
    lines = []
    what = f"{card.company} — {card.role}" if card and card.role else plan.company
    if plan.action == CANCEL and card is not None:
        lines.append(f"A cancellation of the interview on {when}{title}.")
        if card.interviewed_at == invitation.start:
            back = _local(plan.restore, tz) if plan.restore else "no interview date"
            verb = "Took" if applied else "Would take"
            lines.append(f"{verb} it off {what} ({card.id}): back to {back}.")
        else:
            lines.append(
                ("Noted it on " if applied else "Would note it on ") + f"{what} ({card.id})."
            )
    elif plan.action in (NOTHING, SAME) and invitation.cancelled:
        lines.append(f"A cancellation of the interview on {when}{title}.")
    else:
        lines.append(f"An invitation to an interview on {when}{length}{title}.")
    if plan.zone_remark:
        lines.insert(1, f"  {plan.zone_remark}.")
    if plan.action == NEW:
        lines.append(("Created" if applied else "Would create") + f" a card for {plan.company}.")
    elif plan.action in _VERBS and card is not None:
        verb = _VERBS[plan.action][0 if applied else 1]
        lines.append(f"{verb} {what} ({card.id}).")
    if plan.action in (NEW, FIRST, NEXT_ROUND):
        if plan.company_source and plan.action == NEW:
            lines.append(
                f"  company: {plan.company}, from {plan.company_source} (--company NAME to change)"
            )
        if plan.role:
            lines.append(f"  role: {plan.role}")
        people = "; ".join(str(p) for p in plan.interviewers) or "none"
        lines.append(f"  interviewers: {people}")
        if plan.contact:
            lines.append(f"  contact: {plan.contact}")
        for link in plan.links:
            lines.append(f"  link: {link}")
        if plan.round_name:
            lines.append(f"  round: {plan.round_name}")
    lines += [f"  {remark}" for remark in plan.remarks]
    return lines


def apply(board: Board, plan: InvitePlan) -> str | None:
    """Carry the plan out on `board`; return the id of the card it changed (or made)."""
    invitation = plan.invitation
    start = invitation.start
    record = {
        "uid": invitation.uid or None,
        "sequence": invitation.sequence,
        "duration": invitation.duration,
    }
    if plan.action == NEW:
        fields: dict[str, Any] = {
            "company": plan.company,
            "role": plan.role,
            "interviewed_at": start,
            "interviewers": plan.interviewers,
            "contact_email": plan.contact,
            "links": plan.links,
            "notes": plan.notes,
            "duration": invitation.duration,
        }
        if plan.round_name:
            fields["round"] = plan.round_name
        card_id = board.add({k: v for k, v in fields.items() if v not in (None, "", [])})
        board.log(card_id, INVITED, interviewed_at=iso_utc(start), **record)
        return card_id
    card = plan.card
    if card is None or not plan.changes:
        return None
    if plan.action == CANCEL:
        if card.interviewed_at == start:
            board.edit(card.id, {"interviewed_at": plan.restore, "duration": _duration(card, plan)})
        board.log(card.id, CANCELLED, interviewed_at=iso_utc(start), **record)
        return card.id
    if plan.action == NEXT_ROUND:
        record_round(board, card.id, start, plan.round_name)
    changes: dict[str, Any] = {"duration": invitation.duration}
    if plan.action in (FIRST, RESCHEDULE):
        changes["interviewed_at"] = start
    if plan.action != RESCHEDULE:
        changes["interviewers"] = plan.interviewers
        if plan.contact:
            changes["contact_email"] = plan.contact
        if plan.links:
            changes["links"] = [*board.card(card.id).links, *plan.links]
        if plan.notes:
            notes = board.card(card.id).notes.rstrip()
            changes["notes"] = f"{notes}\n{plan.notes}" if notes else plan.notes
        if plan.role and not card.role:
            changes["role"] = plan.role
        if plan.round_name and plan.action == FIRST:
            changes["round"] = plan.round_name
    board.edit(card.id, changes)
    board.log(card.id, INVITED, interviewed_at=iso_utc(start), **record)
    return card.id
