"""A replica's JSON bytes, and the CLI's indented `--json`: the fast encoder writes exactly what
the standard library would."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from store.cards.board import Board
from store.untrusted import parse_json
from store.vault.encoding import compact_json, indented_json


def stdlib(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


# What a card holds: text (any Unicode, controls and quotes included), integers, booleans,
# null, lists and maps with text keys.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(json_values)
def test_a_value_encodes_byte_for_byte_as_the_standard_library_writes_it(value) -> None:
    assert compact_json(value) == stdlib(value)


def test_what_the_fast_encoder_cannot_hold_is_written_exactly_all_the_same() -> None:
    big = {"n": 10**30, "m": [-(10**25)], "text": "\u2028 ✓ \x1b[31m"}
    assert compact_json(big) == stdlib(big)
    assert parse_json(compact_json(big)) == big
    assert compact_json({1: "a"}) == stdlib({1: "a"})


def test_a_card_holding_a_huge_number_still_round_trips_through_a_replica() -> None:
    """A hand-made backup can put one in an event; the board writes it and reads it back."""
    board = Board("e0000000000a")
    card_id = board.add({"company": "Acme"})
    board.log(card_id, "note", count=10**30)
    other = Board("e0000000000b")
    other.merge(parse_json(board.tables_json()))
    assert other.cards == board.cards
    assert parse_json(other.tables_json())["cards"] == board.cards


def stdlib_indented(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


# What `--json` output may hold beyond a card's own fields: any float read from a replica (an
# event's data), tuples, huge integers.
output_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(output_values)
def test_json_output_is_written_byte_for_byte_as_the_standard_library_indents_it(value) -> None:
    assert indented_json(value) == stdlib_indented(value)


def test_json_output_the_fast_encoder_would_write_otherwise_goes_to_the_standard_library() -> None:
    odd = [
        {"small": 1e-05, "big": 1e16, "not a number": float("nan")},  # orjson: 0.00001, 1e16
        {"n": 10**30},
        {1: "a key that is not text"},
        {"lone surrogate": "\udc80"},
        {"escapes": '\x00\x1b[31m\u2028\x7f"\\ ✓', "empty": [[], {}, ()]},
    ]
    for value in odd:
        assert indented_json(value) == stdlib_indented(value), value


def test_a_boards_json_output_is_the_standard_librarys() -> None:
    board = Board("e0000000000a")
    card_id = board.add({"company": "Acme \x1b[2J", "tags": ["remote", "β"]})
    board.log(card_id, "note", score=0.1, count=10**30)
    board.add({"company": "Globex", "key_points": ["Owns billing"]})
    shown = [card.to_json() for card in board.all()]
    assert indented_json(shown) == stdlib_indented(shown)


# Values an event's data, a conflicting version or an offer may hold, as another device or a
# hand-made backup stored them: of any JSON type.
stored_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    note=stored_values,
    other=stored_values,
    salary=st.sampled_from(["", "85000", "85000.5", "1e-05", "x"]),
    tags=st.lists(st.text(max_size=6), max_size=3),
)
def test_what_a_card_copies_as_stored_is_all_the_json_output_may_hold_else(
    note, other, salary, tags
) -> None:
    """`--json` looks only through `Card.stored_as_is()` for what the fast encoder writes
    otherwise: anything anywhere else in a card's JSON would come out in other digits."""
    from store.cards.model import card_view
    from store.vault.encoding import holds_only_plain

    board = Board("e0000000000a")
    card_id = board.add({"company": "Acme", "tags": tags})
    board.log(card_id, "note", value=note)
    state = board.cards[card_id]
    state["f"]["salary"] = [[salary, "1796159470863.00000.bbbbbbbbbbbb"]]  # as a backup holds it
    state["f"]["notes"] = [
        [other, "1796159470863.00000.bbbbbbbbbbbb"],
        ["mine", "1796159470863.00001.aaaaaaaaaaaa"],
    ]
    card = card_view(card_id, state)
    shown = card.to_json()
    assert holds_only_plain(shown) == holds_only_plain(card.stored_as_is())
    assert indented_json(shown, card.stored_as_is()) == stdlib_indented(shown)
    assert indented_json([shown], card.stored_as_is()) == stdlib_indented([shown])
