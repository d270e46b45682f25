"""The record of the search: every application, interview, stage change, note sent, answer and
outcome in a period, in date order — what an unemployment office (Germany's
*Bewerbungsnachweis*) or a career coach asks to see.

`steps` reads them from the cards; `to_report` writes them as Markdown (a summary, the
applications of the period, then the dated list), `to_activity` as CSV (date, company, role,
event, detail). Where each comes from:
- application: the card (the day it was made; when it records an earlier moment, such as an
  interview typed in afterwards or imported, that one, and the detail says so);
- interview: the card's interview and those of its earlier rounds (a round's "previous"),
  with the round's name and, for the current one, the interviewers; one still ahead is
  "scheduled";
- stage change: every move between stages but the close; outcome: the close and how it ended
  (a card closed without a move, as an import makes it, at the time the outcome was written);
- note sent: its subject (or its template); answer: the first line of what they said.
Cards in the trash are left out. Periods are whole local days, both ends included.

Pure functions of cards, the period and the moment now; the CLI decides where the text goes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from store.cards.clock import stamp_wall_ms
from store.cards.model import Card
from store.cards.stages import OUTCOMES, STAGE_TITLES, outcome_words
from store.errors import BadValue
from store.notes.due import ANSWERED, ROUND
from store.notes.due import NOTE_SENT as NOTE_SENT_KIND
from store.transfer.exporter import md
from store.untrusted import spreadsheet_cell

APPLICATION = "application"
INTERVIEW = "interview"
STAGE_CHANGE = "stage change"
NOTE_SENT = "note sent"
ANSWER = "answer"
OUTCOME = "outcome"
EVENTS: tuple[str, ...] = (APPLICATION, INTERVIEW, STAGE_CHANGE, NOTE_SENT, ANSWER, OUTCOME)
ACTIVITY_COLUMNS: tuple[str, ...] = ("date", "company", "role", "event", "detail")
FORMATS: tuple[str, ...] = ("report", "activity")


@dataclass(frozen=True)
class Period:
    """Whole local days, both ends included; an open end is None."""

    since: date | None = None
    until: date | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise BadValue(
                f"--since {self.since.isoformat()} is after --until {self.until.isoformat()}: "
                "give the earlier day first."
            )

    def holds(self, day: date) -> bool:
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until
        )

    def words(self, today: date) -> str:
        start = self.since.isoformat() if self.since else "the first card"
        end = self.until.isoformat() if self.until else f"{today.isoformat()} (today)"
        return f"{start} to {end}"


@dataclass(frozen=True)
class Step:
    """One line of the record."""

    at: datetime
    card: Card
    event: str  # one of EVENTS
    detail: str

    def day(self, tz: tzinfo | None) -> date:
        return self.at.astimezone(tz).date()


def _parse(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _first_line(text: object, limit: int = 120) -> str:
    line = next((part.strip() for part in str(text or "").splitlines() if part.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _interviews(card: Card, now: datetime, tz: tzinfo | None) -> list[Step]:
    """The card's interviews, each once: this round's and every earlier round's."""
    found: dict[datetime, str] = {}
    for event in card.timeline:
        if event.kind != ROUND:
            continue
        previous = _parse(event.get("previous"))
        if previous is not None:
            found.setdefault(previous, "")
        moment = _parse(event.get("interviewed_at"))
        if moment is not None:
            name = event.get("round")
            found[moment] = f"{name} round" if isinstance(name, str) and name else "next round"
    if card.interviewed_at is not None:
        current = found.get(card.interviewed_at) or (f"{card.round} round" if card.round else "")
        people = ", ".join(p.name for p in card.interviewers if p.name)
        found[card.interviewed_at] = ", ".join(
            p for p in (current, people and f"with {people}") if p
        )
    steps = []
    for moment, detail in found.items():
        parts = [moment.astimezone(tz).strftime("at %H:%M"), detail]
        if moment > now:
            parts.append("scheduled")
        steps.append(Step(moment, card, INTERVIEW, ", ".join(p for p in parts if p)))
    return steps


def _application(card: Card) -> Step | None:
    moments = [e.at for e in card.timeline]
    if card.interviewed_at is not None:
        moments.append(card.interviewed_at)
    created = card.created_at or (min(moments) if moments else None)
    if created is None:
        return None
    earliest = min([created, *moments])
    if earliest < created and (created - earliest).total_seconds() > 60:
        return Step(earliest, card, APPLICATION, "on or before this day (the card was made later)")
    return Step(created, card, APPLICATION, "card created")


def _outcome_detail(outcome: str) -> str:
    return outcome_words(outcome) if outcome in OUTCOMES else outcome


def card_steps(card: Card, now: datetime, tz: tzinfo | None = None) -> list[Step]:
    """Every step of one card, in no particular order."""
    steps = [s for s in (_application(card),) if s is not None]
    steps += _interviews(card, now, tz)
    closed_by_move = False
    for event in card.timeline:
        if event.kind == "moved":
            to, came_from = str(event.get("to") or ""), str(event.get("from") or "")
            if to == "closed":
                closed_by_move = True
                outcome = event.get("outcome")
                detail = _outcome_detail(str(outcome)) if outcome else "closed"
                steps.append(Step(event.at, card, OUTCOME, detail))
                continue
            words = f"{STAGE_TITLES.get(came_from, came_from)} → {STAGE_TITLES.get(to, to)}"
            steps.append(Step(event.at, card, STAGE_CHANGE, words))
        elif event.kind == NOTE_SENT_KIND:
            subject = _first_line(event.get("subject")) or str(event.get("template") or "a note")
            steps.append(Step(event.at, card, NOTE_SENT, subject))
        elif event.kind == ANSWERED:
            steps.append(Step(event.at, card, ANSWER, _first_line(event.get("text"))))
    if card.stage == "closed" and not closed_by_move:
        stamps = card.versions.get("outcome") or card.versions.get("stage") or ()
        when = (
            datetime.fromtimestamp(stamp_wall_ms(stamps[0]) / 1000, UTC)
            if stamps
            else card.created_at
        )
        if when is not None:
            detail = _outcome_detail(card.outcome) if card.outcome else "closed"
            steps.append(Step(when, card, OUTCOME, detail))
    return steps


def steps(
    cards: Iterable[Card], period: Period, now: datetime, tz: tzinfo | None = None
) -> list[Step]:
    """Every step of every card (the trash left out) in the period, oldest first."""
    found = [
        step
        for card in cards
        if not card.deleted
        for step in card_steps(card, now, tz)
        if period.holds(step.day(tz))
    ]
    # At one moment, what happened before what it led to: a note sent, then the card moved on.
    ties = (APPLICATION, INTERVIEW, NOTE_SENT, ANSWER, STAGE_CHANGE, OUTCOME)
    order = {event: index for index, event in enumerate(ties)}
    return sorted(found, key=lambda s: (s.at, s.card.company.casefold(), s.card.id, order[s.event]))


# --- CSV ----------------------------------------------------------------------------------------


def to_activity(found: Iterable[Step], tz: tzinfo | None = None) -> str:
    """date, company, role, event, detail: one row per step, oldest first; a cell a spreadsheet
    would run as a formula gets a leading `'`."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ACTIVITY_COLUMNS)
    for step in found:
        row = (
            step.day(tz).isoformat(),
            step.card.company,
            step.card.role,
            step.event,
            step.detail,
        )
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return out.getvalue()


# --- Markdown -----------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return md(text) or " "


def _count(number: int, word: str) -> str:
    if number == 1:
        return f"1 {word}"
    plural = "answers" if word == "answer" else f"{word}es" if word.endswith("s") else f"{word}s"
    return f"{number} {plural}"


def to_report(
    found: list[Step],
    period: Period,
    now: datetime,
    tz: tzinfo | None = None,
    name: str = "",
) -> str:
    """The record as Markdown: who, the period, a summary, the applications, every step."""
    today = now.astimezone(tz).date()
    by_event = {event: [s for s in found if s.event == event] for event in EVENTS}
    title = "# Record of the job search" + (f": {md(name)}" if name else "")
    out = [
        title,
        "",
        f"Period: {period.words(today)}. Made on {today.isoformat()} with followup-tui.",
        "",
    ]
    endings: dict[str, int] = {}
    for step in by_event[OUTCOME]:
        endings[step.detail] = endings.get(step.detail, 0) + 1
    summary = [
        _count(len(by_event[APPLICATION]), "application"),
        _count(len(by_event[INTERVIEW]), "interview"),
        _count(len(by_event[NOTE_SENT]), "note") + " sent",
        _count(len(by_event[ANSWER]), "answer") + " received",
    ]
    if endings:
        summary.append(
            "outcomes: " + ", ".join(f"{n} {word}" for word, n in sorted(endings.items()))
        )
    out += ["; ".join(summary) + ".", ""]
    if not found:
        out += ["Nothing happened in this period.", ""]
        return "\n".join(out).rstrip("\n") + "\n"
    applications = by_event[APPLICATION]
    if applications:
        out += [
            "## Applications",
            "",
            "| Applied | Company | Role | Stage now | Outcome |",
            "| --- | --- | --- | --- | --- |",
        ]
        for step in applications:
            card = step.card
            outcome = outcome_words(card.outcome) if card.outcome else "—"
            out.append(
                f"| {step.day(tz).isoformat()} | {_cell(card.company)} | {_cell(card.role)} "
                f"| {STAGE_TITLES.get(card.stage, card.stage)} | {outcome} |"
            )
        out.append("")
    out += [
        "## Everything, in date order",
        "",
        "| Date | Company | Role | Event | Detail |",
        "| --- | --- | --- | --- | --- |",
    ]
    for step in found:
        out.append(
            f"| {step.day(tz).isoformat()} | {_cell(step.card.company)} | {_cell(step.card.role)} "
            f"| {step.event} | {_cell(step.detail)} |"
        )
    return "\n".join(out) + "\n"
