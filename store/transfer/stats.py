"""How the search is going, read from the cards' timelines: pure functions, no I/O, no clock.

The numbers (each defined where it is computed, and in the README):
- the funnel: how many cards reached each stage (created in it, moved to it, or in it now);
- the answer rate: cards where the employer answered (an "answered" event, or closed as an
  offer or a rejection) out of all cards;
- the median days from the interview to the first answer after it;
- thank-you notes sent within 24 hours of the interview, out of those sent;
- follow-ups sent on time, out of those sent: a follow-up note is on time when it went out
  before its template's due rule (store/notes/due.py) made it overdue, judged on the card as it
  stood when the note went out: its timeline cut there, and the interview and promised dates
  in force then (kept on the note since it was sent; for older notes, read back from the
  rounds and answers that changed them later);
- outcomes of closed cards, and how many are still open.

A change taken back on the board (undone: a move, a note marked sent) counts for nothing: the
card's timeline leaves out what an undo took back (`store.cards.timeline.in_effect`), and
every number reads that timeline.

`render_text` draws them as unicode block bars for a terminal; the TUI's insight screen uses
`rows` and `bar` too. It must never read a file or the wall clock: `now` is always given.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from store.cards.dates import FIRST_YEAR, LAST_YEAR
from store.cards.model import Card, Event, parse_iso_utc
from store.cards.stages import OUTCOMES, STAGES, outcome_words
from store.notes.due import ANSWERED, NOTE_SENT, ROUND, DueRule, apply_rule, parse_rules

THANK_YOU = "thank-you"
FOLLOW_UP = "follow-up"  # templates whose name starts so are follow-ups (follow-up-2 too)
ANSWER_OUTCOMES = frozenset({"offer", "rejected"})  # closing that way means they answered
THANK_YOU_WITHIN = timedelta(hours=24)
# The rules of the default follow-up templates, for callers that have no template set.
DEFAULT_FOLLOW_UP_RULES: dict[str, tuple[DueRule, ...]] = {
    "follow-up": parse_rules(
        [{"after": "promised_by", "days": 1}, {"after": "last_contact", "days": 7}]
    ),
    "follow-up-2": parse_rules({"after": "last_contact", "days": 7}),
}


@dataclass(frozen=True)
class Share:
    """`count` of `total`, e.g. 8 of 12 thank-you notes sent on time."""

    count: int
    total: int

    @property
    def ratio(self) -> float | None:
        return self.count / self.total if self.total else None

    def to_json(self) -> dict[str, Any]:
        ratio = self.ratio
        return {
            "count": self.count,
            "total": self.total,
            "ratio": round(ratio, 4) if ratio is not None else None,
        }


@dataclass(frozen=True)
class Stats:
    cards: int
    since: datetime | None
    now: datetime
    funnel: dict[str, int]
    answered: Share
    median_days_to_answer: float | None
    thank_you: Share
    follow_up: Share
    outcomes: dict[str, int]
    open: int
    answer_days: tuple[float, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "cards": self.cards,
            "since": self.since.isoformat() if self.since else None,
            "funnel": dict(self.funnel),
            "answer_rate": self.answered.to_json(),
            "median_days_to_answer": self.median_days_to_answer,
            "thank_you_within_24h": self.thank_you.to_json(),
            "follow_up_on_time": self.follow_up.to_json(),
            "outcomes": dict(self.outcomes),
            "open": self.open,
        }


# --- what a timeline says -----------------------------------------------------------------------


def _first(events: Iterable[Event]) -> Event | None:
    return min(events, key=lambda e: (e.at, e.id), default=None)


def stages_reached(card: Card) -> set[str]:
    """Every stage the card has been in: it started at an interview, then each move."""
    reached = {"interviewed", card.stage}
    for event in card.timeline:
        if event.kind == "created" and event.get("stage") in STAGES:
            reached.add(event.get("stage"))
        elif event.kind == "moved" and event.get("to") in STAGES:
            reached.add(event.get("to"))
    return reached


def _answers(card: Card) -> list[Event]:
    return [
        e
        for e in card.timeline
        if e.kind == ANSWERED
        or (e.kind == "moved" and e.get("to") == "closed" and e.get("outcome") in ANSWER_OUTCOMES)
    ]


def has_answer(card: Card) -> bool:
    return bool(_answers(card)) or card.outcome in ANSWER_OUTCOMES


def answer_moment(card: Card) -> datetime | None:
    """When the employer first answered after the (latest) interview."""
    start = card.interviewed_at
    answer = _first(e for e in _answers(card) if start is None or e.at >= start)
    return answer.at if answer else None


def thank_you_moment(card: Card) -> datetime | None:
    """When the thank-you for the latest interview went out: its note, or else the move to
    "thanked" (people who send notes from their own mail client just move the card)."""
    start = card.interviewed_at
    after = [e for e in card.timeline if start is None or e.at >= start]
    sent = _first(e for e in after if e.kind == NOTE_SENT and e.get("template") == THANK_YOU)
    if sent is None:
        sent = _first(e for e in after if e.kind == "moved" and e.get("to") == "thanked")
    return sent.at if sent else None


def follow_ups(card: Card) -> list[tuple[str, Event]]:
    """The follow-up notes sent on a card; a move to "followed-up" stands in for the first
    when no follow-up note was recorded."""
    sent = [
        (str(e.get("template")), e)
        for e in card.timeline
        if e.kind == NOTE_SENT and str(e.get("template") or "").startswith(FOLLOW_UP)
    ]
    if sent:
        return sent
    moved = _first(e for e in card.timeline if e.kind == "moved" and e.get("to") == "followed-up")
    return [(FOLLOW_UP, moved)] if moved else []


def as_it_was_before(card: Card, event: Event) -> Card:
    """The card as it stood just before `event`: its timeline cut there, and the interview and
    promised dates that were in force then (a later round or answer may have changed them)."""
    earlier = tuple(e for e in card.timeline if (e.at, e.id) < (event.at, event.id))
    later = [e for e in card.timeline if (e.at, e.id) > (event.at, event.id)]
    interviewed, promised = card.interviewed_at, card.promised_by
    recorded = event.get("as_of")
    if isinstance(recorded, dict):  # a note sent since it was kept: exactly what it was then
        interviewed = _moment(recorded.get("interviewed_at"))
        promised = _day(recorded.get("promised_by"))
    else:  # an older note: the first later change that says what it replaced
        interviewed = next(
            (_moment(e.get("previous")) for e in later if e.kind == ROUND), interviewed
        )
        promised = next(
            (
                _day(e.get("previous_promised_by"))
                for e in later
                if e.kind == ROUND or (e.kind == ANSWERED and "promised_by" in e.data)
            ),
            promised,
        )
    return dataclasses.replace(
        card, timeline=earlier, interviewed_at=interviewed, promised_by=promised
    )


def _moment(value: object) -> datetime | None:
    try:
        moment = parse_iso_utc(value) if isinstance(value, str) else None
    except (ValueError, OverflowError):
        return None
    return moment if moment is not None and FIRST_YEAR <= moment.year <= LAST_YEAR else None


def _day(value: object) -> date | None:
    try:
        day = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return day if day is not None and FIRST_YEAR <= day.year <= LAST_YEAR else None


def follow_up_deadline(
    card: Card, event: Event, rules: Sequence[DueRule], tz: tzinfo | None
) -> datetime | None:
    """When the follow-up `event` would have become overdue, or None if none was owed then
    (an answer had come, say). Day-long rules end at the close of their day."""
    before = as_it_was_before(card, event)
    for rule in rules:
        found = apply_rule(rule, before, tz)
        if found is not None:
            return found[0]
    return None


# --- the numbers --------------------------------------------------------------------------------


def in_period(card: Card, since: datetime | None) -> bool:
    if since is None:
        return True
    moment = card.interviewed_at or card.created_at
    return moment is not None and moment >= since


def compute(
    cards: Iterable[Card],
    now: datetime,
    since: datetime | None = None,
    follow_up_rules: Mapping[str, Sequence[DueRule]] | None = None,
    tz: tzinfo | None = None,
) -> Stats:
    """The insight numbers over `cards` interviewed on or after `since` (all when None).

    `follow_up_rules` maps each follow-up template's name to its due rules (the vault's
    templates); without it the default templates' rules apply. `tz` None: the system's zone.
    """
    rules = DEFAULT_FOLLOW_UP_RULES if follow_up_rules is None else follow_up_rules
    chosen = [c for c in cards if not c.deleted and in_period(c, since)]
    funnel = {stage: 0 for stage in STAGES}
    outcomes = {outcome: 0 for outcome in OUTCOMES}
    answered = 0
    days: list[float] = []
    thanks_sent = thanks_on_time = 0
    follow_ups_sent = follow_ups_on_time = 0
    open_cards = 0
    for card in chosen:
        for stage in stages_reached(card):
            funnel[stage] += 1
        if card.stage == "closed":
            if card.outcome in outcomes:
                outcomes[card.outcome] += 1
        else:
            open_cards += 1
        if has_answer(card):
            answered += 1
            moment = answer_moment(card)
            if moment and card.interviewed_at:
                days.append((moment - card.interviewed_at).total_seconds() / 86400)
        thanked = thank_you_moment(card)
        if thanked and card.interviewed_at:
            thanks_sent += 1
            thanks_on_time += thanked - card.interviewed_at <= THANK_YOU_WITHIN
        for template, event in follow_ups(card):
            deadline = follow_up_deadline(card, event, rules.get(template, ()), tz)
            if deadline is not None:
                follow_ups_sent += 1
                follow_ups_on_time += event.at < deadline
    median = round(statistics.median(days), 1) if days else None
    return Stats(
        cards=len(chosen),
        since=since,
        now=now,
        funnel=funnel,
        answered=Share(answered, len(chosen)),
        median_days_to_answer=median,
        thank_you=Share(thanks_on_time, thanks_sent),
        follow_up=Share(follow_ups_on_time, follow_ups_sent),
        outcomes=outcomes,
        open=open_cards,
        answer_days=tuple(days),
    )


# --- drawing ------------------------------------------------------------------------------------

_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: float, maximum: float, width: int = 24) -> str:
    """A bar of unicode blocks, `width` cells for `maximum`, exact to an eighth of a cell."""
    if maximum <= 0 or value <= 0:
        return " " * width
    eighths = round(min(value / maximum, 1.0) * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (_EIGHTHS[part] if part else "")
    return text.ljust(width)


def percent(share: Share) -> str:
    ratio = share.ratio
    return f"{share.count} of {share.total}" + (f" ({ratio:.0%})" if ratio is not None else "")


SECTIONS: tuple[str, ...] = ("Funnel", "Answers", "Timing", "Outcomes")


def rows(result: Stats) -> list[tuple[str, list[tuple[str, float, float, str]]]]:
    """The sections of the insight view: (title, [(label, value, maximum, figure)])."""
    most = max(result.funnel.values(), default=0)
    funnel = [(stage, float(n), float(most), str(n)) for stage, n in result.funnel.items()]
    answers = [
        (
            "answered",
            float(result.answered.count),
            float(result.answered.total),
            percent(result.answered),
        ),
    ]
    timing = [
        (
            "thank-you within 24 h",
            float(result.thank_you.count),
            float(result.thank_you.total),
            percent(result.thank_you),
        ),
        (
            "follow-ups on time",
            float(result.follow_up.count),
            float(result.follow_up.total),
            percent(result.follow_up),
        ),
    ]
    counts = {
        **{outcome_words(o): n for o, n in result.outcomes.items()},
        "still open": result.open,
    }
    top = max(counts.values(), default=0)
    outcomes = [(label, float(n), float(top), str(n)) for label, n in counts.items()]
    return list(zip(SECTIONS, (funnel, answers, timing, outcomes), strict=True))


def headline(result: Stats) -> str:
    period = f" since {result.since.astimezone():%Y-%m-%d}" if result.since else ""
    return f"{result.cards} card{'s' if result.cards != 1 else ''}{period}"


def median_line(result: Stats) -> str:
    if result.median_days_to_answer is None:
        return "median time from interview to answer: no answers yet"
    return f"median time from interview to answer: {result.median_days_to_answer:g} days"


def render_text(result: Stats, width: int = 24) -> str:
    """The plain-text view `followup-tui stats` prints."""
    lines = [f"Job search: {headline(result)}", ""]
    label_width = max(len(label) for _, items in rows(result) for label, *_ in items)
    for title, items in rows(result):
        lines.append(title)
        for label, value, maximum, figure in items:
            lines.append(f"  {label:<{label_width}}  {bar(value, maximum, width)}  {figure}")
        if title == "Answers":
            lines.append(f"  {median_line(result)}")
        lines.append("")
    return "\n".join(lines)
