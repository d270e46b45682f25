"""The JSON bytes of a replica: compact, deterministic, and fast to make.

`orjson` encodes a card about three times faster than the standard library, byte for byte
the same output for what a card holds (strings, lists, maps, integers, booleans, null). What it
cannot encode exactly (an integer beyond 64 bits, a key that is not a string, text that is not
valid Unicode) falls back to the standard library, which writes it as it always did.

Reading stays with the standard library (`store.untrusted.parse_json`): `orjson` reads a huge
integer as a float, and nothing read may change on its way in. Must never write a file.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def compact_json(value: Any) -> bytes:
    """`value` as compact UTF-8 JSON, as `json.dumps(separators=(",", ":"),
    ensure_ascii=False)` writes it (a float that is not finite, which JSON cannot hold and
    only a hand-made file brings, becomes null)."""
    try:
        return orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError: beyond what it encodes exactly
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
