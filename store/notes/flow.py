"""The follow-up flow's writes: a note sent, the employer's answer, a next round, a close.

Each is a small sequence of `Board` writes (timeline events plus a stage move) shared by the
CLI and the TUI, so both record the same events the due rules (`store.notes.due`) read back:
- `note_sent` {template, subject, text, as_of, to?}: the exact text sent (and to whom, when
  the app handed it to a mail client), and the dates the due rules read as they stood then
  (`as_of`: interviewed_at, promised_by), so the stats judge the note against the card as it
  was, not as later edits left it; the card moves on.
- `answered` {text, promised_by, previous_promised_by}: the employer answered (maybe with a
  new promised date); the follow-up clock stops and starts over.
- `round` {round, interviewed_at, previous}: the next interview; the card goes back to
  interviewed, so that round's own thank-you becomes due.
Nothing here reads a file or the clock: `at` (the moment it happened) defaults to the board's
own clock stamp.
"""

from __future__ import annotations

from datetime import date, datetime

from store.cards.board import Board
from store.cards.model import Card, iso_utc
from store.errors import BadValue
from store.notes.due import ANSWERED, NOTE_SENT, ROUND
from store.notes.templates import Note, Template


def as_of(card: Card) -> dict[str, str | None]:
    """The dates a due rule reads, as they stand on `card` now (kept on a note sent)."""
    return {
        "interviewed_at": iso_utc(card.interviewed_at) if card.interviewed_at else None,
        "promised_by": card.promised_by.isoformat() if card.promised_by else None,
    }


def record_sent(
    board: Board,
    card_id: str,
    template: Template,
    note: Note,
    at: datetime | None = None,
    to: str | None = None,
) -> Card:
    """Log the note exactly as sent and move the card on (interviewed → thanked, …)."""
    card = board.card(card_id)
    if not note.body.strip():
        raise BadValue(f"The note for {card.company} is empty; nothing was recorded.")
    extra = {"to": to.strip()} if to and to.strip() else {}
    board.log(
        card.id,
        NOTE_SENT,
        at=at,
        template=template.name,
        subject=note.subject,
        text=note.body,
        as_of=as_of(card),
        **extra,
    )
    target = template.next_stage(card.stage)
    if target is not None:
        board.move(card.id, target, at=at)
    return board.card(card.id)


def record_answer(
    board: Board,
    card_id: str,
    note: str | None = None,
    promised_by: date | None = None,
    at: datetime | None = None,
) -> Card:
    """The employer answered: the follow-up clock stops; a thanked or followed-up card is
    back to waiting (for their decision), and a new promised date can come with the answer."""
    card = board.card(card_id)
    changes_promise = promised_by is not None and promised_by != card.promised_by
    board.log(
        card.id,
        ANSWERED,
        at=at,
        text=(note or "").strip() or None,
        promised_by=promised_by.isoformat() if changes_promise and promised_by else None,
        previous_promised_by=(
            card.promised_by.isoformat() if changes_promise and card.promised_by else None
        ),
    )
    if promised_by is not None:
        board.edit(card.id, {"promised_by": promised_by})
    if card.stage in ("thanked", "followed-up"):
        board.move(card.id, "waiting", at=at)
    return board.card(card.id)


def record_round(
    board: Board,
    card_id: str,
    interview_at: datetime,
    round_name: str | None = None,
    at: datetime | None = None,
    duration: int | None = None,
) -> Card:
    """A next interview round: new date (and round name and length: an hour unless given),
    the old promised date cleared (it was about the last round), the card back to
    interviewed."""
    card = board.card(card_id)
    fields: dict[str, object] = {
        "interviewed_at": interview_at,
        "promised_by": None,
        "duration": duration,
    }
    if round_name:
        fields["round"] = round_name
    board.edit(card.id, fields)
    board.log(
        card.id,
        ROUND,
        at=at,
        round=round_name or None,
        interviewed_at=iso_utc(interview_at),
        previous=iso_utc(card.interviewed_at) if card.interviewed_at else None,
        previous_promised_by=card.promised_by.isoformat() if card.promised_by else None,
    )
    if card.stage != "interviewed":
        board.move(card.id, "interviewed", at=at)
    return board.card(card.id)


def record_learned(board: Board, card_id: str, learned: str | None) -> Card:
    card = board.card(card_id)
    text = (learned or "").strip()
    if text and text != card.learned.strip():
        joined = f"{card.learned.rstrip()}\n\n{text}" if card.learned.strip() else text
        board.edit(card.id, {"learned": joined})
    return board.card(card.id)
