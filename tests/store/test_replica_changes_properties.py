"""Property tests of a replica as a snapshot and the changes appended after it: whatever a
device did (edits, moves, deletes, other devices' files merged in), and wherever a snapshot
began the file again, the pieces fold into the very tables the board holds, and a reader
that merges them one change at a time (as it reads only what was appended) ends where a
reader of the whole file does. The merge laws hold over the journal as over whole files."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.cards.board import Board, fold_tables
from store.cards.model import STAGES

MINE, THEIRS = "aaaaaaaaaaaa", "bbbbbbbbbbbb"
PROPERTY_SETTINGS = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

words = st.sampled_from(["", "a", "call back", "Ünïcode ✓"])
who = st.sampled_from([MINE, THEIRS])
card_pick = st.integers(0, 4)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("add"), who, st.sampled_from(["Acme", "Globex"])),
        st.tuples(st.just("edit"), who, card_pick, words),
        st.tuples(st.just("move"), who, card_pick, st.sampled_from(STAGES)),
        st.tuples(st.just("delete"), who, card_pick),
        st.tuples(st.just("deliver"), who),  # the other device's file merged in
        st.tuples(st.just("write"), st.just(MINE)),  # a change appended to my file
        st.tuples(st.just("compact"), st.just(MINE)),  # a fresh snapshot begins my file
    ),
    max_size=40,
)


def _json(data: bytes) -> dict[str, Any]:
    return json.loads(data)


def _same(tables: dict[str, Any]) -> str:
    """Tables compared as their JSON, the meta (when each was written) left out."""
    return json.dumps({k: v for k, v in tables.items() if k != "meta"}, sort_keys=True)


def _play(plan: list[tuple]) -> tuple[Board, list[dict[str, Any]], list[list[dict[str, Any]]]]:
    """Play the plan; my board, the pieces of my file now, and every file my file was."""
    boards = {MINE: Board(MINE), THEIRS: Board(THEIRS)}
    ids: list[str] = []
    pieces = [_json(boards[MINE].tables_json())]
    boards[MINE].saved()
    files = [list(pieces)]
    for step in plan:
        kind, device = step[0], step[1]
        board = boards[device]
        live = [i for i in ids if i in board.cards]
        if kind == "add":
            ids.append(board.add({"company": step[2]}))
        elif kind == "deliver":
            other = boards[THEIRS if device == MINE else MINE]
            board.merge(_json(other.tables_json()))
        elif kind == "write":
            pieces.append(_json(board.changes_json()))
            board.saved()
            files.append(list(pieces))
        elif kind == "compact":
            pieces = [_json(board.tables_json())]
            board.saved()
            files.append(list(pieces))
        elif live:
            card_id = live[step[2] % len(live)]
            if kind == "edit":
                board.edit(card_id, {"notes": step[3]})
            elif kind == "move":
                outcome = "offer" if step[3] == "closed" else None
                board.move(card_id, step[3], outcome=outcome)
            elif kind == "delete" and not board.card(card_id).deleted:
                board.delete(card_id)
    return boards[MINE], pieces, files


@PROPERTY_SETTINGS
@given(steps)
def test_the_snapshot_and_its_changes_fold_into_what_the_board_held_when_written(
    plan: list[tuple],
) -> None:
    board, pieces, _ = _play(plan)
    pieces.append(_json(board.changes_json()))
    board.saved()
    folded = fold_tables(json.loads(json.dumps(pieces)))
    assert _same(folded) == _same(json.loads(json.dumps(board.tables())))


@PROPERTY_SETTINGS
@given(steps)
def test_a_reader_of_only_what_was_appended_ends_where_a_reader_of_the_whole_file_does(
    plan: list[tuple],
) -> None:
    _, _, files = _play(plan)
    # One reader follows my file as it grew, merging each new change alone (and the whole
    # file again when a snapshot began it afresh); another reads only the last file whole.
    following, read = Board(THEIRS), 0
    for pieces in files:
        if len(pieces) <= read:  # compacted: a fresh snapshot
            read = 0
        for piece in pieces[read:]:
            following.merge(piece)
        read = len(pieces)
    whole = Board(THEIRS)
    whole.merge(fold_tables(json.loads(json.dumps(files[-1]))))
    assert json.dumps(following.cards, sort_keys=True) == json.dumps(whole.cards, sort_keys=True)
    # Merging the same pieces again, or in another order of files, changes nothing more.
    assert not whole.merge(fold_tables(json.loads(json.dumps(files[-1])))) - {"<devices>"}
