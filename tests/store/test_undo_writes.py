"""Undo and redo as new stamped writes (store/cards/undo.py): the old values come back, the
timeline events the change added stop counting, and nothing another laptop wrote is lost."""

from __future__ import annotations

from datetime import UTC, datetime

from store.cards.board import Board
from store.cards.clock import Clock
from store.cards.model import Event, card_view
from store.cards.timeline import UNDONE, in_effect
from store.cards.undo import recorded, take_back

AT = datetime(2026, 3, 12, 12, 0, tzinfo=UTC)


def board_with(device: str = "aaaaaaaaaaaa") -> tuple[Board, str]:
    board = Board(device)
    card_id = board.add({"company": "Acme", "role": "Backend developer"}, at=AT)
    return board, card_id


def test_undoing_a_move_restores_the_stage_and_takes_the_move_off_the_timeline() -> None:
    board, card_id = board_with()
    _, change = recorded(lambda b: b.move(card_id, "closed", outcome="offer"))(board)
    assert change.description == "closed Acme as offer"
    take_back(board, change)
    card = board.card(card_id)
    assert (card.stage, card.outcome) == ("interviewed", None)
    assert [e.kind for e in card.timeline] == ["created"]  # the move and the undo: gone
    raw_kinds = sorted(e["kind"] for e in board.cards[card_id]["t"].values())
    assert raw_kinds == ["created", "moved", UNDONE]  # nothing removed from the state


def test_redo_is_the_undo_taken_back() -> None:
    board, card_id = board_with()
    _, change = recorded(lambda b: b.move(card_id, "thanked"))(board)
    _, undo = recorded(lambda b: take_back(b, change))(board)
    assert board.card(card_id).stage == "interviewed"
    take_back(board, undo)
    card = board.card(card_id)
    assert card.stage == "thanked"
    assert [e.kind for e in card.timeline] == ["created", "moved"]  # the move counts again


def test_an_edit_undone_then_the_one_before_it_undone_too() -> None:
    board, card_id = board_with()
    _, first = recorded(lambda b: b.edit(card_id, {"role": "Staff engineer"}))(board)
    _, second = recorded(lambda b: b.edit(card_id, {"role": "Principal engineer"}))(board)
    assert take_back(board, second) == ()
    assert board.card(card_id).role == "Staff engineer"
    assert take_back(board, first) == ()
    assert board.card(card_id).role == "Backend developer"


def test_a_field_another_laptop_changed_since_is_left_as_it_is_and_named() -> None:
    board, card_id = board_with()
    _, change = recorded(lambda b: b.edit(card_id, {"role": "Staff engineer", "notes": "n"}))(board)
    other = Board("bbbbbbbbbbbb")
    other.merge(board.tables())
    other.edit(card_id, {"role": "Engineering manager"})
    board.merge(other.tables())
    kept = take_back(board, change)
    card = board.card(card_id)
    assert card.role == "Engineering manager"  # not written over
    assert card.notes == ""  # the rest of the change is undone
    assert kept == ("Acme's role",)


def test_undo_keeps_a_version_that_arrived_beside_the_one_it_replaces() -> None:
    ms = iter(range(1_800_000_000_000, 1_900_000_000_000, 1000))
    board = Board("aaaaaaaaaaaa", Clock("aaaaaaaaaaaa", lambda: next(ms)))
    card_id = board.add({"company": "Acme"}, at=AT)
    other = Board("bbbbbbbbbbbb", Clock("bbbbbbbbbbbb", lambda: next(ms)))
    other.merge(board.tables())
    other.edit(card_id, {"notes": "theirs"})  # concurrent: neither saw the other's
    _, change = recorded(lambda b: b.edit(card_id, {"notes": "mine"}))(board)  # (newer)
    board.merge(other.tables())
    card = board.card(card_id)
    assert card.notes == "mine" and [c.value for c in card.conflicts["notes"]] == ["theirs"]
    assert take_back(board, change) == ()
    card = board.card(card_id)
    assert card.notes == ""  # ours undone
    assert [c.value for c in card.conflicts["notes"]] == ["theirs"]  # theirs still there


def test_undoing_a_new_card_puts_it_in_the_trash() -> None:
    board = Board("aaaaaaaaaaaa")
    card_id, change = recorded(lambda b: b.add({"company": "Hooli"}))(board)
    assert change.description == "added Hooli"
    take_back(board, change)
    assert board.card(card_id).deleted


def test_one_undo_takes_back_a_batch_of_cards() -> None:
    board, acme = board_with()
    globex = board.add({"company": "Globex"})

    def both(b: Board) -> None:
        b.move(acme, "waiting")
        b.move(globex, "waiting")

    _, change = recorded(both)(board)
    assert change.description == "moved 2 cards to waiting"
    take_back(board, change)
    assert {board.card(acme).stage, board.card(globex).stage} == {"interviewed"}


def _event(event_id: str, kind: str = "moved", undoes: str | None = None) -> Event:
    data = {"undoes": undoes} if undoes is not None else {}
    return Event(event_id, kind, AT, "aaaaaaaaaaaa", data)


def test_a_thousand_undos_and_redos_leave_the_last_word_standing() -> None:
    events = [_event("0-move")]
    previous = "0-move"
    for n in range(1, 1001):
        marker = f"{n:05d}-undo"
        events.append(_event(marker, UNDONE, previous))
        previous = marker
    # 1000 markers: even count, so the move stands again (undo, redo, …, redo).
    assert [e.id for e in in_effect(events)] == ["0-move"]
    events.append(_event("99999-undo", UNDONE, previous))
    assert in_effect(events) == []


def test_a_hostile_loop_of_undos_counts_as_nothing_taken_back() -> None:
    events = [
        _event("move"),
        _event("a", UNDONE, "b"),
        _event("b", UNDONE, "a"),
    ]
    shown = in_effect(events)  # no hang, no recursion error
    assert [e.id for e in shown] == ["move"]


def test_any_event_naming_another_in_undoes_takes_it_back_whatever_its_kind() -> None:
    events = [_event("1-move"), _event("2-move-back", "moved", "1-move"), _event("3-move")]
    assert [e.id for e in in_effect(events)] == ["3-move"]


def test_the_card_view_and_its_json_leave_out_what_was_taken_back() -> None:
    board, card_id = board_with()
    _, change = recorded(lambda b: b.move(card_id, "thanked"))(board)
    take_back(board, change)
    view = card_view(card_id, board.cards[card_id])
    assert [e["kind"] for e in view.to_json()["timeline"]] == ["created"]
