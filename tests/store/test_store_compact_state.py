"""Compact card entries: `[value, stamp]` means what `[value, stamp, {writer: stamp}]` meant.

Replicas written before entries were compacted spell every `seen` vector out (plain fields
too). These tests prove such states merge exactly as their compact forms do, that a board
holding the compact form and receiving the spelled-out one sees no change (so no device
rewrites its replica for a mere difference of form), and that such a replica file and such a
backup still open.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from store.cards.board import Board
from store.cards.clock import Clock, stamp_device
from store.cards.model import CardState, compact_card, compact_entry, merge_card
from store.config import Config
from store.transfer.importer import check_state
from store.vault.crypto import Vault, canonical
from store.vault.session import Session

DEVICES = ("aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc")


def spelled_out(state: CardState) -> CardState:
    """A card as the earlier format stored it: every entry with its seen vector written out.

    (Plain fields' merge reads `seen` too now, so a plain entry's vector means what a text
    entry's does: a spelled-out `{writer: stamp}` is the compact form, nothing more.)
    """
    fields: dict[str, list[list[Any]]] = {}
    for name, entries in state["f"].items():
        fields[name] = []
        for entry in entries:
            value, stamp = entry[0], entry[1]
            seen = entry[2] if len(entry) == 3 else {stamp_device(stamp): stamp}
            fields[name].append([value, stamp, dict(sorted(seen.items()))])
    return {"f": fields, "t": dict(state["t"])}


def spelled_out_tables(tables: dict[str, Any]) -> dict[str, Any]:
    cards = {card_id: spelled_out(state) for card_id, state in tables["cards"].items()}
    return {**tables, "cards": cards}


def _boards() -> tuple[list[Board], list[int]]:
    now = [1_800_000_000_000]
    boards = [
        Board(d, Clock(d, now_ms=lambda skew=skew: now[0] + skew), make_id=lambda d=d: d[:6] * 2)
        for d, skew in zip(DEVICES, (0, -700, 300), strict=True)
    ]
    return boards, now


def _json(board: Board) -> dict[str, Any]:
    return json.loads(json.dumps(board.tables()))


words = st.sampled_from(["", "a", "b", "call back"])
steps = st.one_of(
    st.tuples(
        st.just("edit"), st.integers(0, 2), st.sampled_from(["notes", "tags", "role"]), words
    ),
    st.tuples(st.just("move"), st.integers(0, 2), st.sampled_from(["thanked", "waiting"])),
    st.tuples(st.just("deliver"), st.integers(0, 2), st.integers(1, 2)),
    st.tuples(st.just("tick"), st.integers(0, 2000)),
)


def _play(plan: list[tuple]) -> tuple[list[Board], list[CardState]]:
    """Three boards sharing one card, edited concurrently; every state the card went through."""
    boards, now = _boards()
    card_id = boards[0].add({"company": "Acme", "notes": "first"})
    for other in boards[1:]:
        other.merge(_json(boards[0]))
    states: list[CardState] = []
    for step in plan:
        if step[0] == "tick":
            now[0] += step[1]
            continue
        board = boards[step[1]]
        if step[0] == "edit":
            value = [step[3]] if step[2] == "tags" else step[3]
            board.edit(card_id, {step[2]: value})
        elif step[0] == "move":
            board.move(card_id, step[2])
        else:
            board.merge(_json(boards[(step[1] + step[2]) % 3]))
        state = _json(board)["cards"][card_id]
        if state not in states:
            states.append(state)
    return boards, states


@settings(
    max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(steps, min_size=4, max_size=30))
def test_spelled_out_and_compact_states_merge_to_the_same_result(plan: list[tuple]) -> None:
    _, states = _play(plan)
    for a in states:
        assert compact_card(spelled_out(a)) == a
        assert merge_card(spelled_out(a), a) == a
        for b in states:
            expected = merge_card(a, b)
            assert merge_card(spelled_out(a), spelled_out(b)) == expected
            assert merge_card(spelled_out(a), b) == expected
            assert merge_card(a, spelled_out(b)) == expected


@settings(
    max_examples=30, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(steps, min_size=4, max_size=30))
def test_a_board_receiving_the_earlier_form_of_what_it_holds_sees_no_change(plan) -> None:
    boards, _ = _play(plan)
    for receiver in boards:
        for sender in boards:
            receiver.merge(_json(sender))
    for board in boards:
        version = board.version
        for sender in boards:
            assert board.merge(spelled_out_tables(_json(sender))) == set()
        assert board.version == version
    # A fresh device that only ever sees the earlier form holds the same, compact, state.
    fresh = Board("eeeeeeeeeeee")
    for sender in boards:
        fresh.merge(spelled_out_tables(_json(sender)))
    assert fresh.cards == boards[0].cards
    assert all(len(e) in (2, 3) for s in fresh.cards.values() for es in s["f"].values() for e in es)


def test_a_concurrent_edit_is_kept_whichever_form_each_side_arrived_in() -> None:
    boards, now = _boards()
    a, b = boards[0], boards[1]
    card_id = a.add({"company": "Acme", "notes": "first"})
    b.merge(spelled_out_tables(_json(a)))
    a.edit(card_id, {"notes": "from a"})
    now[0] += 10
    b.edit(card_id, {"notes": "from b"})
    a.merge(spelled_out_tables(_json(b)))
    b.merge(spelled_out_tables(_json(a)))
    for board in (a, b):
        card = board.card(card_id)
        assert {card.notes, *(c.value for c in card.conflicts["notes"])} == {"from a", "from b"}
    assert a.cards == b.cards


def test_new_writes_are_stored_compact() -> None:
    boards, _ = _boards()
    board = boards[0]
    card_id = board.add({"company": "Acme", "notes": "x", "tags": ["remote"]})
    board.move(card_id, "thanked")
    board.edit(card_id, {"notes": "y"})
    assert all(len(e) == 2 for es in board.cards[card_id]["f"].values() for e in es)
    # An edit over another device's version records that it saw it: the vector stays.
    other = boards[1]
    other.merge(_json(board))
    other.edit(card_id, {"notes": "z"})
    (entry,) = other.cards[card_id]["f"]["notes"]
    assert entry[2] == {DEVICES[0]: board.cards[card_id]["f"]["notes"][0][1], DEVICES[1]: entry[1]}
    (stage,) = other.cards[card_id]["f"]["stage"]
    assert len(stage) == 2


def _seal_format_2(vault: Vault, device: str, plaintext: bytes) -> bytes:
    """An envelope as the app wrote it before compact entries (format 2)."""
    header = {"device": device, "followup": "replica", "format": 2, "key": vault.key_id}
    header |= {"vault": vault.id, "length": 12 + len(plaintext) + 16}
    aad = canonical(header)
    nonce = secrets.token_bytes(12)
    return b"".join((aad, b"\n", nonce, vault._aead.encrypt(nonce, plaintext, aad)))


def test_a_replica_written_in_the_earlier_form_opens_and_is_rewritten_compact(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "vault"
    vault = Vault.create(folder, "passphrase")
    source = Board(DEVICES[1])
    card_id = source.add({"company": "Acme", "notes": "from the old app", "tags": ["remote"]})
    source.move(card_id, "thanked")
    old = json.dumps(spelled_out_tables(_json(source))).encode()
    (folder / "replicas" / f"{DEVICES[1]}.json").write_bytes(_seal_format_2(vault, DEVICES[1], old))
    config = Config(DEVICES[0], "laptop", path=tmp_path / "config" / "config.yaml")
    session = Session.open(vault, config)
    assert session.problems == {}
    assert session.board.card(card_id).notes == "from the old app"
    assert session.board.cards == source.cards
    saved = Session.open(vault, config).replica.read()
    assert saved is not None and saved["cards"] == source.cards
    assert len(json.dumps(saved["cards"])) < len(json.dumps(json.loads(old)["cards"]))


def test_a_backup_holding_the_earlier_form_imports_compact() -> None:
    boards, _ = _boards()
    card_id = boards[0].add({"company": "Acme", "notes": "backed up"})
    state = _json(boards[0])["cards"][card_id]
    assert check_state(card_id, spelled_out(state)) == state
    assert check_state(card_id, state) == state


def test_every_field_keeps_a_vector_that_says_more_than_the_compact_form() -> None:
    """A newer app's field, and a plain field too: what its writer had replaced is what lets
    a stage stamped by a clock far ahead be replaced by the next move."""
    stamp, older = "1800000000000.00000.aaaaaaaaaaaa", "1700000000000.00000.bbbbbbbbbbbb"
    vector = {DEVICES[0]: stamp, DEVICES[1]: older}
    assert compact_entry("a_future_field", ["x", stamp, vector]) == ["x", stamp, vector]
    assert compact_entry("a_future_field", ["x", stamp, {DEVICES[0]: stamp}]) == ["x", stamp]
    assert compact_entry("stage", ["waiting", stamp, vector]) == ["waiting", stamp, vector]


# --- a card new to the board, taken in in one walk --------------------------------------------

STAMPS = ("1800000000000.00000.aaaaaaaaaaaa", "1800000000001.00002.bbbbbbbbbbbb")
leaves = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["", "x"]))
stamps = st.one_of(st.sampled_from(STAMPS), leaves, st.text(max_size=3))
seen_vectors = st.dictionaries(st.sampled_from(DEVICES), st.sampled_from(STAMPS), max_size=2)
entries = st.one_of(
    st.tuples(leaves, stamps).map(list),
    st.tuples(leaves, st.sampled_from(STAMPS), seen_vectors).map(list),
    st.tuples(leaves, st.sampled_from(STAMPS), leaves).map(list),
    st.lists(leaves, max_size=4),
    leaves,
)
usual = st.tuples(leaves, st.sampled_from(STAMPS)).map(list)  # what nearly every field holds
one = st.one_of(usual, usual, entries).map(lambda entry: [entry])
versions = st.one_of(one, one, one, st.lists(entries, max_size=3), leaves)
valid_event = st.fixed_dictionaries(
    {"id": st.sampled_from(["e1", "e2"])}, optional={"kind": leaves}
)
events = st.one_of(
    valid_event,
    valid_event,
    valid_event,
    st.dictionaries(st.sampled_from(["kind", "at"]), leaves, max_size=2),
    leaves,
    st.lists(leaves, max_size=2),
)
field_maps = st.dictionaries(st.sampled_from(["company", "stage", "notes"]), versions, max_size=3)
timelines = st.dictionaries(st.sampled_from(["e1", "e2"]), events, max_size=2)
cards = st.one_of(
    st.fixed_dictionaries({"f": field_maps, "t": timelines}),
    st.fixed_dictionaries({"f": st.one_of(field_maps, leaves)}, optional={"t": leaves}),
    st.fixed_dictionaries({"t": timelines}),
    leaves,
)


@given(cards)
@example({"f": {"company": [["Acme", STAMPS[0]]]}, "t": {"e1": {"kind": "created"}}})
@example({"f": {"company": [["Acme", STAMPS[0], 1]]}, "t": {}})
@example({"f": {"company": [["Acme", 5]]}, "t": {}})
@example({"f": {"company": [["Acme", STAMPS[0], {"aaaaaaaaaaaa": STAMPS[0]}]]}, "t": {}})
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_a_card_new_to_a_board_is_taken_in_as_the_long_way_takes_it(card: Any) -> None:
    """`merged_updates` takes a card the board does not hold in one walk when it is in the
    usual form (`_taken_as_is`): whatever the card, the result is what checking it
    (`malformed`) and making it canonical (`compact_card`) give, or the same refusal."""
    from store.cards.model import malformed, merged_updates

    long_way = json.loads(json.dumps(card))
    problem = malformed(long_way)
    if problem is not None:
        with pytest.raises(ValueError) as refused:
            merged_updates({}, {"c1": card})
        assert str(refused.value) == f"card 'c1' is damaged: {problem}"
        return
    taken = merged_updates({}, {"c1": card})
    assert taken == {"c1": compact_card(long_way)}
    assert json.dumps(taken["c1"]) == json.dumps(compact_card(long_way))  # the same order too


def test_a_board_read_from_json_holds_each_stamp_once() -> None:
    """A card's fields are mostly one write's: taken in, they share one copy of its stamp
    (interned), not one per field (about 5 MiB at 10,000 cards); so does a card merged in
    the long way, one whose field holds two versions."""
    from store.cards.model import merged_updates

    boards, _ = _boards()  # (each makes one card id: one card each)
    first = boards[0].add({"company": "Acme", "role": "SRE", "notes": "n", "tags": ["x"]})
    second = boards[1].add({"company": "Initech", "role": "Dev"})
    read = json.loads(json.dumps({**boards[0].tables()["cards"], **boards[1].tables()["cards"]}))
    read[second]["f"]["notes"] = [["a", STAMPS[0]], ["b", STAMPS[1]]]  # two versions kept
    taken = merged_updates({}, read)
    for card_id in (first, second):
        fields = taken[card_id]["f"]
        stamps = {id(fields[name][0][1]) for name in ("company", "role")}
        assert len(stamps) == 1, card_id
