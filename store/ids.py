"""Random ids: cards, timeline events, devices, vaults and keys, temporary file names.

One function for all of them, looked up on this module at each call, so a test that replays a
schedule draws every id from its seed (tests/sync/test_sync_service_adversary.py). It calls
`os.urandom`, which is what `secrets` calls: every command loads this before its key derive
starts, and `secrets` would bring `random` and `hmac` along.
"""

from __future__ import annotations

import os


def random_hex(nbytes: int) -> str:
    """`nbytes` random bytes as lowercase hex (twice as many characters)."""
    return os.urandom(nbytes).hex()
