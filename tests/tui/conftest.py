"""Fixtures of the app's tests: the sample board on a real vault, opened by one laptop.

Only fixtures live here (a room's conftest.py cannot be imported by name); the helpers they use,
`add_sample_cards`, `make_app` and the fixed moment, are in tests/conftest.py.
"""

from __future__ import annotations

import pytest
from conftest import Laptop, add_sample_cards

from store.vault.session import Session


@pytest.fixture
def board(laptop: Laptop) -> tuple[Laptop, Session, dict[str, str]]:
    """The laptop, its open session, and the sample cards' ids by company."""
    session = laptop.session()
    ids = add_sample_cards(session)
    return laptop, session, ids


@pytest.fixture
def sample(laptop: Laptop) -> Session:
    """An open session holding the sample board."""
    session = laptop.session()
    add_sample_cards(session)
    return session
