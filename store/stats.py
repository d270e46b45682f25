"""How the search is going, read from the cards' timelines: pure functions, no I/O, no clock.

The numbers (each defined where it is computed, and in the README):
- the funnel: how many cards reached each stage (created in it, moved to it, or in it now);
- the answer rate: cards where the employer answered (an "answered" event, or closed as an
  offer or a rejection) out of all cards;
- the median days from the interview to the first answer;
- thank-you notes sent within 24 hours of the interview, out of those sent;
- first follow-ups sent on time (no later than a day after they became due), out of those sent;
- outcomes of closed cards, and how many are still open.

`render_text` draws them as unicode block bars for a terminal; the TUI's insight screen uses
`bar` too. It must never read a file or the wall clock: `now` is always given.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from store.model import OUTCOMES, STAGES, Card, Event

ANSWERED = "answered"  # the timeline event recording that the employer replied
NOTE_SENT = "note_sent"  # a note marked as sent; its `template` says which
THANK_YOU = "thank-you"
FOLLOW_UP = "follow-up"
ANSWER_OUTCOMES = frozenset({"offer", "rejected"})  # closing that way means they answered
THANK_YOU_WITHIN = timedelta(hours=24)
FOLLOW_UP_AFTER = timedelta(days=7)
FOLLOW_UP_GRACE = timedelta(days=1)


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


def answer_moment(card: Card) -> datetime | None:
    """When the employer first answered: an "answered" event, or a close as offer/rejected."""
    answer = _first(
        e
        for e in card.timeline
        if e.kind == ANSWERED
        or (e.kind == "moved" and e.get("to") == "closed" and e.get("outcome") in ANSWER_OUTCOMES)
    )
    return answer.at if answer else None


def has_answer(card: Card) -> bool:
    return answer_moment(card) is not None or card.outcome in ANSWER_OUTCOMES


def _note_or_move(card: Card, template: str, stage: str) -> datetime | None:
    """When a note was sent: its "note_sent" event, or else the move it led to."""
    sent = _first(e for e in card.timeline if e.kind == NOTE_SENT and e.get("template") == template)
    if sent:
        return sent.at
    moved = _first(e for e in card.timeline if e.kind == "moved" and e.get("to") == stage)
    return moved.at if moved else None


def thank_you_moment(card: Card) -> datetime | None:
    return _note_or_move(card, THANK_YOU, "thanked")


def follow_up_moment(card: Card) -> datetime | None:
    return _note_or_move(card, FOLLOW_UP, "followed-up")


def follow_up_due(card: Card, sent: datetime) -> datetime | None:
    """When the first follow-up became due: a week after the last contact before it, or the
    day after the answer the employer promised (the rule of the default templates)."""
    if card.interviewed_at is None:
        return None
    if card.promised_by:
        day_after = datetime.combine(card.promised_by + timedelta(days=1), time(9, 0))
        return day_after.astimezone()
    contact = card.interviewed_at
    thanked = thank_you_moment(card)
    if thanked and contact < thanked <= sent:
        contact = thanked
    return contact + FOLLOW_UP_AFTER


# --- the numbers --------------------------------------------------------------------------------


def in_period(card: Card, since: datetime | None) -> bool:
    if since is None:
        return True
    moment = card.interviewed_at or card.created_at
    return moment is not None and moment >= since


def compute(cards: Iterable[Card], now: datetime, since: datetime | None = None) -> Stats:
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
            if moment and card.interviewed_at and moment >= card.interviewed_at:
                days.append((moment - card.interviewed_at).total_seconds() / 86400)
        thanked = thank_you_moment(card)
        if thanked and card.interviewed_at:
            thanks_sent += 1
            thanks_on_time += thanked - card.interviewed_at <= THANK_YOU_WITHIN
        followed = follow_up_moment(card)
        due = follow_up_due(card, followed) if followed else None
        if followed and due:
            follow_ups_sent += 1
            follow_ups_on_time += followed <= due + FOLLOW_UP_GRACE
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
        **{o.replace("-", " "): n for o, n in result.outcomes.items()},
        "still open": result.open,
    }
    top = max(counts.values(), default=0)
    outcomes = [(label, float(n), float(top), str(n)) for label, n in counts.items()]
    return [("Funnel", funnel), ("Answers", answers), ("Timing", timing), ("Outcomes", outcomes)]


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
