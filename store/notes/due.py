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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, Protocol

from store.cards.model import Card, Event
from store.cards.stages import STAGES
from store.errors import FollowupError

ANCHORS: dict[str, str] = {
    "interview": "the interview",
    "last_contact": "the last contact",
    "promised_by": "the promised answer date",
    "closed": "closing the card",
    "answered": "the employer's last answer",
    "answer_by": "the day to answer the offer by",
}
UNITS: tuple[str, ...] = ("hours", "days", "weeks")
RULE_KEYS: frozenset[str] = frozenset({"after", "at", "drop_after_days", *UNITS})
MAX_AMOUNT = {"hours": 24 * 366, "days": 366, "weeks": 53}

# Timeline kinds this module reads (and the note flow writes).
NOTE_SENT = "note_sent"
ANSWERED = "answered"
ROUND = "round"
# What a due item is: a note a template owes, or the day an offer must be answered by (the
# card's `answer_by`, issue 14): due on that day, overdue from the next, until the card closes.
NOTE = "note"
OFFER_DEADLINE = "offer-deadline"


class BadRule(FollowupError):
    """A `due:` rule that cannot be understood; `where` is the path of keys it concerns."""

    def __init__(self, message: str, where: tuple[str | int, ...] = ()) -> None:
        self.where = where
        super().__init__(message)


@dataclass(frozen=True)
class DueRule:
    after: str
    amount: int
    unit: str  # hours | days | weeks
    at: time | None = None
    drop_after_days: int | None = None

    @property
    def day_long(self) -> bool:
        return self.unit != "hours" and self.at is None

    def describe(self) -> str:
        """The rule in words, for lists and the calendar ("7 days after the last contact")."""
        if self.after == "promised_by" and self.unit == "days" and self.amount == 1:
            text = "the day after the promised answer date"
        elif self.after == "answer_by" and self.amount == 0:
            text = ANCHORS["answer_by"]
        else:
            unit = {"hours": "h", "days": "days", "weeks": "weeks"}[self.unit]
            if self.amount == 1 and self.unit != "hours":
                unit = unit[:-1]
            text = f"{self.amount} {unit} after {ANCHORS[self.after]}"
        if self.at is not None:
            text += f", at {self.at:%H:%M}"
        return text

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"after": self.after, self.unit: self.amount}
        if self.at is not None:
            data["at"] = f"{self.at:%H:%M}"
        if self.drop_after_days is not None:
            data["drop_after_days"] = self.drop_after_days
        return data


def _count(value: Any, key: str, where: tuple[str | int, ...], most: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRule(f"{key} must be a whole number, not {value!r}.", (*where, key))
    if not 0 <= value <= most:
        raise BadRule(f"{key} must be between 0 and {most}, not {value}.", (*where, key))
    return value


def _time_of_day(value: Any, where: tuple[str | int, ...]) -> time:
    # YAML reads an unquoted 09:00 as a number of minutes (sexagesimal): accept that too.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return time(value // 60, value % 60)
    text = str(value).strip()
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise BadRule(
            f'at must be a time of day like "09:00", not {value!r}.', (*where, "at")
        ) from None


def parse_rule(data: Any, where: tuple[str | int, ...] = ()) -> DueRule:
    if not isinstance(data, dict):
        raise BadRule(
            "a due rule is a mapping like {after: interview, hours: 24}, "
            f"not {type(data).__name__}.",
            where,
        )
    unknown = sorted(str(k) for k in data if k not in RULE_KEYS)
    if unknown:
        raise BadRule(
            f"unknown key {unknown[0]!r} in a due rule; keys are: after, hours, days, weeks, "
            "at, drop_after_days.",
            (*where, unknown[0]),
        )
    after = data.get("after")
    if after not in ANCHORS:
        raise BadRule(
            f"after must be one of {', '.join(ANCHORS)}, not {after!r}.", (*where, "after")
        )
    units = [u for u in UNITS if u in data]
    if len(units) != 1:
        raise BadRule(
            "a due rule needs exactly one of hours, days or weeks "
            f"(found {', '.join(units) or 'none'}).",
            where,
        )
    unit = units[0]
    amount = _count(data[unit], unit, where, MAX_AMOUNT[unit])
    at = None
    if data.get("at") is not None:
        if unit == "hours":
            raise BadRule("at goes with days or weeks, not hours.", (*where, "at"))
        at = _time_of_day(data["at"], where)
    drop = data.get("drop_after_days")
    if drop is not None:
        drop = _count(drop, "drop_after_days", where, 366)
    return DueRule(after=after, amount=amount, unit=unit, at=at, drop_after_days=drop)


def parse_rules(data: Any) -> tuple[DueRule, ...]:
    """`due:` as written in a template: nothing, one rule, or a list tried in order."""
    if data is None:
        return ()
    if isinstance(data, list):
        if not data:
            raise BadRule("due is an empty list; remove it or give at least one rule.")
        return tuple(parse_rule(item, (i,)) for i, item in enumerate(data))
    return (parse_rule(data),)


# --- time zone arithmetic ---------------------------------------------------------------------


def local(moment: datetime, tz: tzinfo | None) -> datetime:
    return moment.astimezone(tz) if tz is not None else moment.astimezone()


def local_moment(day: date, at: time, tz: tzinfo | None) -> datetime:
    """A wall-clock time on a day, as an aware UTC moment (system rules when `tz` is None)."""
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()
    return aware.astimezone(UTC)


def start_of_day(day: date, tz: tzinfo | None) -> datetime:
    return local_moment(day, time(0, 0), tz)


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
    if after == "answer_by":
        return card.offer.answer_by
    raise BadRule(f"unknown starting point {after!r}.")  # parse_rule keeps this unreachable


# --- due items ----------------------------------------------------------------------------------


class Schedulable(Protocol):
    """What this module needs of a template (store.templates.Template is one)."""

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


@dataclass(frozen=True)
class DueItem:
    """One note that is (or will be) due on one card."""

    card: Card
    template: str
    title: str
    rule: DueRule
    at: datetime  # the deadline: overdue from this moment (UTC)
    day: date | None  # set for a day-long item: due on this day
    kind: str = NOTE  # or OFFER_DEADLINE: then `template` is "offer-deadline", not a template

    @property
    def card_id(self) -> str:
        return self.card.id

    def falls_due(self, tz: tzinfo | None) -> datetime:
        """When it starts being due: the start of its day, or its moment."""
        return start_of_day(self.day, tz) if self.day is not None else self.at

    def status(self, now: datetime, tz: tzinfo | None) -> str:
        """`overdue`, `due` (today, or within 24 h) or `upcoming`."""
        if self.day is not None:
            today = local(now, tz).date()
            return "overdue" if self.day < today else "due" if self.day == today else "upcoming"
        if self.at <= now:
            return "overdue"
        return "due" if self.at - now <= timedelta(hours=24) else "upcoming"

    def relative(self, now: datetime, tz: tzinfo | None) -> str:
        return relative(self, now, tz)

    def short_relative(self, now: datetime, tz: tzinfo | None) -> str:
        return short_relative(self, now, tz)

    def to_json(self, now: datetime, tz: tzinfo | None) -> dict[str, Any]:
        return {
            "card_id": self.card.id,
            "company": self.card.company,
            "role": self.card.role,
            "stage": self.card.stage,
            "template": self.template,
            "title": self.title,
            "due_at": self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "day": self.day.isoformat() if self.day else None,
            "status": self.status(now, tz),
            "relative": self.relative(now, tz),
            "rule": self.rule.describe(),
            "kind": self.kind,
        }


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def relative(item: DueItem, now: datetime, tz: tzinfo | None) -> str:
    """ "due in 3 h", "due today", "due tomorrow", "2 days overdue", "40 min overdue"."""
    if item.day is not None:
        days = (local(now, tz).date() - item.day).days
        if days == 0:
            return "due today"
        if days == -1:
            return "due tomorrow"
        if days < 0:
            return f"due in {-days} days"
        return f"{_plural(days, 'day')} overdue"
    seconds = (item.at - now).total_seconds()
    count, unit = _span(seconds)
    if unit == "now":
        return "due now"
    amount = _plural(count, "day") if unit == "d" else f"{count} {'min' if unit == 'm' else 'h'}"
    return f"due in {amount}" if seconds > 0 else f"{amount} overdue"


def _span(seconds: float) -> tuple[int, str]:
    """How far a timed note is, rounded down to one unit: ("now"), minutes, hours, then days.

    A note up to two days ahead still counts in hours ("due in 30 h"): "tomorrow" is vaguer
    than people want for a thank-you. Shared by `relative` and `short_relative` so the long
    and the short form always agree.
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
    """`relative` for a narrow place (a card on the board): "due 5h", "due today", "in 2d",
    "3h over", "2d over". Same moments and rounding as `relative`, fewer cells."""
    if item.day is not None:
        days = (local(now, tz).date() - item.day).days
        if days == 0:
            return "due today"
        return f"in {-days}d" if days < 0 else f"{days}d over"
    seconds = (item.at - now).total_seconds()
    count, unit = _span(seconds)
    if unit == "now":
        return "due now"
    amount = f"{count}{unit}"
    if seconds < 0:
        return f"{amount} over"
    return f"due {amount}" if seconds <= 24 * 3600 else f"in {amount}"


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


def due_item(
    card: Card,
    template: Schedulable,
    now: datetime,
    tz: tzinfo | None,
    known: Facts | None = None,
) -> DueItem | None:
    """The note `template` owes on `card`, if any: the first rule that applies decides."""
    if not template.due or not applies_to(template, card):
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


def urgency(item: DueItem) -> tuple[datetime, str, str]:
    return (item.at, item.card.company.lower(), item.template)


def card_items(
    card: Card, templates: Iterable[Schedulable], now: datetime, tz: tzinfo | None
) -> list[DueItem]:
    """Every note this card owes, listed or not yet, most urgent first."""
    return sorted(_owed(card, templates, now, tz), key=urgency)


def _owed(
    card: Card, templates: Iterable[Schedulable], now: datetime, tz: tzinfo | None
) -> list[DueItem]:
    serving = [t for t in templates if t.due and applies_to(t, card)]
    offer = offer_deadline(card, tz)
    if not serving:
        return [offer] if offer is not None else []
    known = facts(card)
    items = [due_item(card, t, now, tz, known) for t in serving]
    return [i for i in (*items, offer) if i is not None]


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
) -> list[DueItem]:
    """What the Today screen and `followup-tui due` list: overdue and due, most urgent first."""
    found: list[DueItem] = []
    for card in cards:
        for item in _owed(card, templates, now, tz):
            if include_upcoming or item.status(now, tz) != "upcoming":
                found.append(item)
    return sorted(found, key=urgency)


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
