"""The card view's timeline in words: notes sent, answers and rounds as a user would say them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from store.cards.board import Board
from store.notes.flow import record_answer, record_round, record_sent
from store.notes.templates import Note, TemplateSet
from tui.card.detail import timeline_lines

INTERVIEW = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)


def test_the_timeline_says_what_happened_in_words() -> None:
    board = Board("aaaaaaaaaaaa")
    card_id = board.add({"company": "Acme", "interviewed_at": INTERVIEW}, at=INTERVIEW)
    thank_you = TemplateSet(None).get("thank-you")
    note = Note("thank-you", "Thank you — Dev interview", "Dear Ann,\nthank you.")
    record_sent(board, card_id, thank_you, note, at=INTERVIEW + timedelta(hours=3))
    record_answer(board, card_id, None, at=INTERVIEW + timedelta(days=2))
    record_answer(board, card_id, "still deciding", at=INTERVIEW + timedelta(days=3))
    record_round(board, card_id, INTERVIEW + timedelta(days=9), "second")
    text = "\n".join(timeline_lines(board.card(card_id), board))
    assert "sent thank-you: “Thank you — Dev interview”" in text
    assert "    Dear Ann," in text  # the note as it was sent
    assert text.count("they answered") == 2 and "    still deciding" in text
    assert "next round (second), interview 2026-03-19" in text
    assert "None" not in text and "note_sent" not in text and "template:" not in text
