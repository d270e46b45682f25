"""A replica's JSON bytes: the fast encoder writes exactly what the standard library would."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from store.cards.board import Board
from store.untrusted import parse_json
from store.vault.encoding import compact_json


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
