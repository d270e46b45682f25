"""When a note is due: the due rules of the templates, applied to a card at a given moment.

A template's `due:` is data (README, "Due rules"): a starting point on the card (`after`), how
long after it (`hours`, `days` or `weeks`), optionally a time of day (`at`) and when to stop
reminding (`drop_after_days`). A list of rules means "the first whose starting point is known".

`hours` count real elapsed time (24 h after a 14:00 interview is 14:00 the next day in UTC
terms, whatever the clocks did overnight); `days` and `weeks` count calendar days in the
user's time zone and give a day-long item, due on that day, overdue from the next.

Everything here is a pure function of the card, the rules, an injected `now` and a time zone
(`None` means the system's own rules, daylight saving included). It must never read the clock,
a file or the environment, and never import the template loader (that one imports this).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, Protocol

from store.cards.model import Card, Event
from store.cards.stages import STAGES
from store.notes.rules import (  # noqa: F401 - the rules' names, where they have always been
    ANCHORS,
    MAX_AMOUNT,
    RULE_KEYS,
    UNITS,
    BadRule,
    DueRule,
    parse_rule,
    parse_rules,
)
from store.notes.when import (
    interview_when,
    local,
    local_date,
    local_moment,
    silence,
    start_of_day,
)
from store.notes.when import plural as _plural

# Timeline kinds this module reads (and the note flow writes).
NOTE_SENT = "note_sent"
ANSWERED = "answered"
ROUND = "round"


# --- what the card's timeline says --------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What the rules read from a card's timeline, gathered in one pass over it."""

    notes: tuple[Event, ...]  # notes sent, oldest first
    last_answer: datetime | None
    last_contact: datetime | None  # the later of the interview and the last note sent
    closed_at: datetime | None  # the last move to closed, while the card is closed
    cycle_start: datetime | None  # where "already sent" counts from: interview or last answer

    def sent_in_cycle(self, template: str) -> Event | None:
        start = self.cycle_start
        sent = [
            e
            for e in self.notes
            if e.get("template") == template and (start is None or e.at >= start)
        ]
        return max(sent, key=lambda e: e.at) if sent else None


def facts(card: Card) -> Facts:
    notes: list[Event] = []
    answered: datetime | None = None
    closed: datetime | None = None
    for event in card.timeline:
        if event.kind == NOTE_SENT:
            notes.append(event)
        elif event.kind == ANSWERED:
            answered = event.at if answered is None else max(answered, event.at)
        elif event.kind == "moved" and event.get("to") == "closed":
            closed = event.at if closed is None else max(closed, event.at)
    contacts = [e.at for e in notes]
    if card.interviewed_at is not None:
        contacts.append(card.interviewed_at)
    starts = [m for m in (card.interviewed_at, answered) if m is not None]
    return Facts(
        notes=tuple(notes),
        last_answer=answered,
        last_contact=max(contacts) if contacts else None,
        closed_at=closed if card.stage == "closed" else None,
        cycle_start=max(starts) if starts else None,
    )


def notes_sent(card: Card) -> list[Event]:
    return [e for e in card.timeline if e.kind == NOTE_SENT]


def answers(card: Card) -> list[Event]:
    return [e for e in card.timeline if e.kind == ANSWERED]


def last_answer(card: Card) -> datetime | None:
    return facts(card).last_answer


def last_contact(card: Card) -> datetime | None:
    """The later of the interview and the last note sent, whatever answered since."""
    return facts(card).last_contact


def cycle_start(card: Card) -> datetime | None:
    return facts(card).cycle_start


def sent_in_cycle(card: Card, template: str) -> Event | None:
    return facts(card).sent_in_cycle(template)


def closed_at(card: Card) -> datetime | None:
    return facts(card).closed_at


def anchor(
    card: Card, after: str, tz: tzinfo | None, known: Facts | None = None
) -> datetime | date | None:
    """The starting point a rule counts from, or None when the card does not have it (yet).

    The follow-up clocks stop on an answer: `last_contact` is unknown once the employer
    answered after it, `promised_by` once they answered on or after the promised day.
    """
    if after == "interview":
        return card.interviewed_at
    if after == "answer_by":
        return card.offer.answer_by
    known = known or facts(card)
    answered = known.last_answer
    if after == "last_contact":
        contact = known.last_contact
        if contact is None or (answered is not None and answered > contact):
            return None
        return contact
    if after == "promised_by":
        promised = card.promised_by
        if promised is None:
            return None
        if answered is not None and local(answered, tz).date() >= promised:
            return None
        return promised
    if after == "closed":
        return known.closed_at
    if after == "answered":
        return answered
    raise BadRule(f"unknown starting point {after!r}.")  # parse_rule keeps this unreachable


# --- due items ----------------------------------------------------------------------------------

# What a due list may hold: a note a template owes, the day an offer must be answered by (the
# card's `answer_by`: due on that day, overdue from the next, until the card closes), this
# round's interview while it is still ahead, and the suggestion to close a card whose employer
# went silent (the close rule). What a card owes by itself (notes and an offer's answer) is
# listed by default; interviews and close questions where a caller asks for them.
NOTE = "note"
OFFER_DEADLINE = "offer-deadline"
KINDS: tuple[str, ...] = (NOTE, OFFER_DEADLINE, "interview", "close")
OWED: tuple[str, ...] = (NOTE, OFFER_DEADLINE)
DEFAULT_DURATION = timedelta(hours=1)  # an interview whose card does not say how long


class Schedulable(Protocol):
    """What this module needs of a template (store.templates.Template is one).

    A template may also have a `kind`: "close" for the close rule (`close-no-answer.yaml`),
    anything else (or none) for a letter.
    """

    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def stages(self) -> tuple[str, ...]: ...
    @property
    def outcomes(self) -> tuple[str, ...]: ...
    @property
    def due(self) -> tuple[DueRule, ...]: ...


def _kind(template: Schedulable) -> str:
    return "close" if getattr(template, "kind", "note") == "close" else "note"


@dataclass(frozen=True)
class DueItem:
    """One thing that is (or will be) due on one card: a note (`kind` "note", the template that
    writes it), this round's interview ("interview") or a close suggestion ("close"); the last
    two have no template."""

    card: Card
    template: str | None
    title: str
    rule: DueRule | None  # None for an interview
    at: datetime  # a note's deadline (overdue from then); an interview's start (UTC)
    day: date | None  # set for a day-long item: due on this day
    kind: str = "note"
    ends: datetime | None = None  # an interview's end
    silent_since: datetime | None = None  # a close suggestion: their last word, or the interview

    @property
    def card_id(self) -> str:
        return self.card.id

    @property
    def name(self) -> str:
        """What a list calls it: the template's name for a note, else its kind."""
        return self.template if self.kind == "note" and self.template else self.kind

    @property
    def key(self) -> str:
        """Which item on which card, whatever its deadline ("abc123:note:thank-you")."""
        return f"{self.card.id}:{self.kind}:{self.template or ''}"

    def falls_due(self, tz: tzinfo | None) -> datetime:
        """When it starts being due: the start of its day, or its moment."""
        return start_of_day(self.day, tz) if self.day is not None else self.at

    def status(self, now: datetime, tz: tzinfo | None) -> str:
        """`overdue`, `due` (today, or within 24 h) or `upcoming`.

        An interview is `due` from the day before (Today shows tomorrow's) until it is over,
        and never overdue; a close suggestion is `due` once its rule says so, never overdue:
        it is a question, not a deadline.
        """
        if self.kind == "interview":
            tomorrow = local_date(now, tz) + timedelta(days=1)
            return "due" if local(self.at, tz).date() <= tomorrow else "upcoming"
        if self.kind == "close":
            return "due" if now >= self.falls_due(tz) else "upcoming"
        if self.day is not None:
            today = local_date(now, tz)
            return "overdue" if self.day < today else "due" if self.day == today else "upcoming"
        if self.at <= now:
            return "overdue"
        return "due" if self.at - now <= timedelta(hours=24) else "upcoming"

    def relative(self, now: datetime, tz: tzinfo | None) -> str:
        return relative(self, now, tz)

    def short_relative(self, now: datetime, tz: tzinfo | None) -> str:
        return short_relative(self, now, tz)

    def describe(self, tz: tzinfo | None = None) -> str:
        """Why it is listed: the rule in words, or the interview's hours and round."""
        if self.rule is not None:
            return self.rule.describe()
        text = f"{local(self.at, tz):%H:%M}–{local(self.ends or self.at, tz):%H:%M}"
        return f"{text}, {self.card.round} round" if self.card.round else text

    def badge(self, now: datetime, tz: tzinfo | None) -> tuple[str, str, str]:
        """What a card on the board shows: the full text, a short name and a short "when"
        ("interview tomorrow 14:00", "interview", "tmrw 14:00")."""
        when = self.short_relative(now, tz)
        if self.kind == "close":
            return f"{self.relative(now, tz)} — close as no answer?", "close?", when
        return f"{self.name} {self.relative(now, tz)}", self.name, when

    def to_json(self, now: datetime, tz: tzinfo | None) -> dict[str, Any]:
        return {
            "card_id": self.card.id,
            "company": self.card.company,
            "role": self.card.role,
            "stage": self.card.stage,
            "kind": self.kind,
            "template": self.template if self.kind == "note" else None,
            "title": self.title,
            "due_at": _iso(self.at),
            "ends_at": _iso(self.ends) if self.ends else None,
            "day": self.day.isoformat() if self.day else None,
            "status": self.status(now, tz),
            "relative": self.relative(now, tz),
            "rule": self.describe(tz),
        }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def relative(item: DueItem, now: datetime, tz: tzinfo | None, short: bool = False) -> str:
    """ "due in 3 h", "due today", "due tomorrow", "2 days overdue", "40 min overdue"; for an
    interview "tomorrow 14:00" or "in 3 d"; for a close suggestion "no answer in 5 weeks".

    `short`, for a narrow place (a card on the board): "due 5h", "due today", "in 2d", "3h
    over", "2d over"; "tmrw 14:00" (an interview), "no answer 5w" (close). One function for
    both, so the long and the short form always say the same moment, rounded the same way."""
    if item.kind == "interview":
        return interview_when(item.at, item.ends or item.at, now, tz, short=short)
    if item.kind == "close":
        silent = silence(item.silent_since or item.at, now, tz, short=short)
        return f"no answer {silent}" if short else f"no answer in {silent}"
    if item.day is not None:
        days = (local_date(now, tz) - item.day).days  # above 0: overdue
        if days == 0:
            return "due today"
        if short:
            return f"in {-days}d" if days < 0 else f"{days}d over"
        if days == -1:
            return "due tomorrow"
        if days < 0:
            return f"due in {-days} days"
        return f"{_plural(days, 'day')} overdue"
    seconds = (item.at - now).total_seconds()
    count, unit = _span(seconds)
    if unit == "now":
        return "due now"
    if short:
        amount = f"{count}{unit}"
        if seconds < 0:
            return f"{amount} over"
        return f"due {amount}" if seconds <= 24 * 3600 else f"in {amount}"
    amount = _plural(count, "day") if unit == "d" else f"{count} {'min' if unit == 'm' else 'h'}"
    return f"due in {amount}" if seconds > 0 else f"{amount} overdue"


def _span(seconds: float) -> tuple[int, str]:
    """How far a timed note is, rounded down to one unit: ("now"), minutes, hours, then days.

    A note up to two days ahead still counts in hours ("due in 30 h"): "tomorrow" is vaguer
    than people want for a thank-you.
    """
    span = abs(seconds)
    if span < 60:
        return 0, "now"
    if span < 3600:
        return math.floor(span / 60), "m"
    if span < 24 * 3600 or (seconds > 0 and span < 48 * 3600):
        return math.floor(span / 3600), "h"
    return math.floor(span / 86400), "d"


def short_relative(item: DueItem, now: datetime, tz: tzinfo | None) -> str:
    """`relative` for a narrow place (a card on the board): "due 5h", "in 2d", "3h over"."""
    return relative(item, now, tz, short=True)


def applies_to(template: Schedulable, card: Card) -> bool:
    """The template serves the card's stage (and outcome, when it names outcomes)."""
    if card.deleted or card.stage not in template.stages:
        return False
    return not template.outcomes or card.outcome in template.outcomes


def apply_rule(
    rule: DueRule, card: Card, tz: tzinfo | None, known: Facts | None = None
) -> tuple[datetime, date | None] | None:
    """The deadline (and the day, for a day-long item) that `rule` gives on `card`."""
    start = anchor(card, rule.after, tz, known)
    if start is None:
        return None
    if rule.unit == "hours":
        base = start if isinstance(start, datetime) else start_of_day(start, tz)
        return base + timedelta(hours=rule.amount), None
    first_day = local(start, tz).date() if isinstance(start, datetime) else start
    day = first_day + timedelta(days=rule.amount * (7 if rule.unit == "weeks" else 1))
    if rule.at is not None:
        return local_moment(day, rule.at, tz), None
    return start_of_day(day + timedelta(days=1), tz), day


def interview_end(card: Card) -> datetime | None:
    """When this round's interview is over: its start plus its duration (an hour by default)."""
    if card.interviewed_at is None:
        return None
    length = timedelta(minutes=card.duration) if card.duration else DEFAULT_DURATION
    return card.interviewed_at + length


def interview_ahead(card: Card, now: datetime) -> bool:
    """This round's interview is not over yet: an open card owes no note until it is."""
    end = interview_end(card)
    return end is not None and now < end and card.stage != "closed"


def due_item(
    card: Card,
    template: Schedulable,
    now: datetime,
    tz: tzinfo | None,
    known: Facts | None = None,
) -> DueItem | None:
    """The note `template` owes on `card`, if any: the first rule that applies decides.

    Nothing is owed on an open card before its interview is over: the thank-you falls due
    at its end (its deadline still counts from the start, as `after: interview` says).
    """
    if not template.due or not applies_to(template, card) or interview_ahead(card, now):
        return None
    known = known or facts(card)
    if known.sent_in_cycle(template.name) is not None:
        return None
    for rule in template.due:
        try:
            found = apply_rule(rule, card, tz, known)
            if found is None:
                continue
            at, day = found
            item = DueItem(card, template.name, template.title, rule, at, day)
            if rule.drop_after_days is not None and now >= item.falls_due(tz) + timedelta(
                days=rule.drop_after_days
            ):
                return None
        except (OverflowError, ValueError):
            # A date at the edge of the calendar (year 1 or 9999, from an old replica or a
            # hand-made backup): its deadline is not a day anyone will see; owe nothing.
            return None
        return item
    return None


def interview_item(card: Card, now: datetime) -> DueItem | None:
    """This round's interview while it is still ahead (or going on) on an open card."""
    end = interview_end(card)
    if card.deleted or card.interviewed_at is None or end is None:
        return None
    if not interview_ahead(card, now):
        return None
    title = f"Interview ({card.round})" if card.round else "Interview"
    return DueItem(card, None, title, None, card.interviewed_at, None, "interview", ends=end)


def interview_notice(card: Card, now: datetime, tz: tzinfo | None) -> str | None:
    """What saving a card says of an interview still ahead, so a time typed for later today is
    never taken silently as past: "interview in 1 h (09:00–10:00)"."""
    item = interview_item(card, now)
    if item is None:
        return None
    return (
        f"interview {item.relative(now, tz)} ({item.describe(tz)}): no note is owed before its end"
    )


def close_item(
    card: Card,
    rule: Schedulable,
    now: datetime,
    tz: tzinfo | None,
    known: Facts,
    notes: Sequence[DueItem],
) -> DueItem | None:
    """The suggestion to close `card` as no answer, if the close rule makes one.

    Only once the follow-up ladder is spent: no note on the card is still to come (each was
    sent, or is due or overdue), and the rule's delay has passed since the last contact. An
    answer stops it (the rule counts from the last contact, which an answer ends), and so
    does closing the card. Nothing here closes anything: it is a question for the user.
    """
    if card.stage == "closed" or any(n.status(now, tz) == "upcoming" for n in notes):
        return None
    item = due_item(card, rule, now, tz, known)
    if item is None:
        return None
    since = known.cycle_start or known.last_contact or item.at
    return replace(item, template=None, kind="close", silent_since=since)


def urgency(item: DueItem) -> tuple[datetime, str, str]:
    return (item.at, item.card.company.lower(), item.name)


def card_items(
    card: Card,
    templates: Iterable[Schedulable],
    now: datetime,
    tz: tzinfo | None,
    kinds: Collection[str] = OWED,
) -> list[DueItem]:
    """Everything this card owes, listed or not yet, most urgent first: notes, and with
    `kinds` also its interview ahead and a close suggestion."""
    return sorted(_owed(card, templates, now, tz, kinds), key=urgency)


def _owed(
    card: Card,
    templates: Iterable[Schedulable],
    now: datetime,
    tz: tzinfo | None,
    kinds: Collection[str] = OWED,
) -> list[DueItem]:
    letters: list[Schedulable] = []
    closing: list[Schedulable] = []
    for t in templates:
        if t.due and applies_to(t, card):
            (closing if _kind(t) == "close" else letters).append(t)
    found: list[DueItem] = []
    if "interview" in kinds:
        ahead = interview_item(card, now)
        if ahead is not None:
            found.append(ahead)
    if OFFER_DEADLINE in kinds:
        offer = offer_deadline(card, tz)
        if offer is not None:
            found.append(offer)
    if not letters and not (closing and "close" in kinds):
        return found
    known = facts(card)
    notes = [i for i in (due_item(card, t, now, tz, known) for t in letters) if i is not None]
    if NOTE in kinds:
        found.extend(notes)
    if "close" in kinds:
        for rule in closing:
            suggestion = close_item(card, rule, now, tz, known, notes)
            if suggestion is not None:
                found.append(suggestion)
                break  # one question per card, from the first close rule that asks it
    return found


OFFER_RULE = DueRule(after="answer_by", amount=0, unit="days")


def offer_deadline(card: Card, tz: tzinfo | None) -> DueItem | None:
    """The offer's answer-by day as a due item, while the card is open (closing it is the
    answer: accepted, declined or withdrawn)."""
    if card.deleted or card.stage == "closed" or card.offer.answer_by is None:
        return None
    try:
        found = apply_rule(OFFER_RULE, card, tz)
    except (OverflowError, ValueError):
        return None
    if found is None:
        return None
    at, day = found
    return DueItem(card, OFFER_DEADLINE, "Answer the offer", OFFER_RULE, at, day, OFFER_DEADLINE)


def board_items(
    cards: Iterable[Card],
    templates: Sequence[Schedulable],
    now: datetime,
    tz: tzinfo | None,
    include_upcoming: bool = False,
    kinds: Collection[str] = OWED,
) -> list[DueItem]:
    """What the Today screen and `followup-tui due` list: overdue and due, most urgent first.

    `kinds` picks what is listed (`KINDS`: notes, interviews ahead, close suggestions); by
    default the notes alone, as every list before interviews and close suggestions did.
    """
    found: list[DueItem] = []
    for card in cards:
        for item in _owed(card, templates, now, tz, kinds):
            if include_upcoming or item.status(now, tz) != "upcoming":
                found.append(item)
    return sorted(found, key=urgency)


def close_suggestion(
    card: Card, templates: Iterable[Schedulable], now: datetime, tz: tzinfo | None
) -> DueItem | None:
    """The close suggestion `card` makes now ("no answer in 5 weeks"), if it makes one."""
    for item in _owed(card, templates, now, tz, ("close",)):
        if item.kind == "close" and item.status(now, tz) != "upcoming":
            return item
    return None


def most_pressing(items: Sequence[DueItem], now: datetime, tz: tzinfo | None) -> DueItem | None:
    """What a card's badge shows of what it owes: a close suggestion that is due (the
    decision to make, rather than a follow-up weeks over), else the most urgent item."""
    for item in items:
        if item.kind == "close" and item.status(now, tz) != "upcoming":
            return item
    return min(items, key=urgency) if items else None


def badge(card: Card, templates: Sequence[Schedulable], now: datetime, tz: tzinfo | None) -> str:
    """The short text a board card shows: the most urgent item, or "" when nothing is due."""
    items = card_items(card, templates, now, tz)
    if not items:
        return ""
    first = items[0]
    return f"{first.template}: {first.relative(now, tz)}"


def stage_after_sending(stage: str, moves_to: str | None) -> str | None:
    """Where a card goes once a note is sent: forward only, never out of closed.

    `moves_to` is the template's own choice ("stay" keeps the card where it is); without it, a
    note after the interview is a thank-you and any later one a follow-up.
    """
    if stage == "closed" or moves_to == "stay":
        return None
    target = moves_to or {
        "interviewed": "thanked",
        "thanked": "followed-up",
        "waiting": "followed-up",
    }.get(stage)
    if target is None or STAGES.index(target) <= STAGES.index(stage):
        return None
    return target
