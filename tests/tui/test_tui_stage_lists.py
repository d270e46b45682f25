"""The board's column lists and card faces: pure rules, no terminal.

The incremental update after a change must give exactly the lists a full rebuild would, or
a card could vanish from the board (or show twice) after a merge.
"""

from __future__ import annotations

import random
from datetime import timedelta

from conftest import NOW

from store.cards.board import Board
from store.cards.model import STAGES, Interviewer
from tui.board.card_face import age_text, card_face, days_since
from tui.board.stage_lists import StageLists, sort_key


def board_with(n: int, seed: int = 7) -> Board:
    rng = random.Random(seed)
    board = Board("aaaaaaaaaaaa")
    for i in range(n):
        board.add(
            {
                "company": rng.choice(["Acme", "Globex", "Initech", "acme"]) + f" {i % 5}",
                "stage": rng.choice(STAGES),
                "interviewed_at": NOW - timedelta(days=rng.randint(0, 40))
                if rng.random() < 0.8
                else None,
            }
        )
    return board


def snapshot(lists: StageLists) -> dict[str, list[str]]:
    return {stage: list(lists.ids(stage)) for stage in STAGES}


def test_open_stages_show_the_longest_waiting_first_and_closed_the_newest_first() -> None:
    board = board_with(60)
    lists = StageLists(board)
    for stage in STAGES:
        cards = [board.card(i) for i in lists.ids(stage)]
        assert [c.id for c in sorted(cards, key=sort_key)] == [c.id for c in cards]
        dated = [c.interviewed_at for c in cards if c.interviewed_at]
        expected = sorted(dated, reverse=stage == "closed")
        assert dated == expected


def test_incremental_updates_match_a_full_rebuild_after_random_changes() -> None:
    rng = random.Random(3)
    board = board_with(80)
    lists = StageLists(board)
    for _ in range(300):
        card_id = rng.choice(list(board.cards))
        action = rng.random()
        if action < 0.4:
            board.move(card_id, rng.choice(STAGES))
        elif action < 0.55:
            board.delete(card_id)
        elif action < 0.65:
            board.restore(card_id)
        elif action < 0.8:
            board.edit(card_id, {"company": rng.choice(["Zed", "Acme", "aaa"])})
        elif action < 0.9:
            board.edit(card_id, {"interviewed_at": NOW - timedelta(days=rng.randint(0, 9))})
        else:
            card_id = board.add({"company": "New", "stage": rng.choice(STAGES)})
        lists.update({card_id})
        assert snapshot(lists) == snapshot(StageLists(board))


def test_filter_searches_company_role_people_tags_and_contact() -> None:
    board = Board("aaaaaaaaaaaa")
    acme = board.add(
        {
            "company": "Acme",
            "role": "Data Engineer",
            "interviewers": [Interviewer("Ann Lee", "CTO", "ann@acme.io")],
            "tags": ["Remote"],
            "contact_email": "jobs@acme.example",
        }
    )
    board.add({"company": "Globex", "role": "SRE"})
    lists = StageLists(board)
    for query in ("acme", "DATA eng", "ann", "cto", "ann@acme.io", "remote", "jobs@"):
        lists.set_query(query)
        assert lists.ids("interviewed") == [acme], query
    lists.set_query("acme sre")  # every word must match
    assert lists.ids("interviewed") == []
    lists.set_query("")
    assert len(lists.ids("interviewed")) == 2


def test_the_filter_follows_an_edit() -> None:
    board = Board("aaaaaaaaaaaa")
    card_id = board.add({"company": "Acme"})
    lists = StageLists(board)
    lists.set_query("initech")
    assert lists.ids("interviewed") == []
    board.edit(card_id, {"company": "Initech"})
    lists.update({card_id})
    assert lists.ids("interviewed") == [card_id]
    assert (lists.count("interviewed"), lists.total("interviewed")) == (1, 1)


def test_days_since_counts_calendar_days() -> None:
    assert days_since(NOW - timedelta(hours=1), NOW) == 0
    assert days_since(NOW - timedelta(days=3), NOW) == 3
    assert days_since(None, NOW) is None
    assert [age_text(d) for d in (None, 0, 1, 12, -2)] == ["", "today", "1d", "12d", "in 2d"]


def test_card_face_takes_the_badge_from_the_due_rules_and_marks_overdue() -> None:
    board = Board("aaaaaaaaaaaa")
    card = board.card(board.add({"company": "Acme", "interviewed_at": NOW - timedelta(days=2)}))
    face = card_face(card, NOW, lambda c, now: "thank-you 1 day overdue")
    assert (face.title, face.age, face.badge, face.overdue) == (
        "Acme",
        "2d",
        "thank-you 1 day overdue",
        True,
    )
    assert card_face(card, NOW).badge is None
    closed = board.move(card.id, "closed", outcome="offer")
    face = card_face(closed, NOW, lambda c, now: "offer-reply due in 23 h")
    assert (face.badge, face.outcome) == ("offer-reply due in 23 h", "offer")  # it still owes
