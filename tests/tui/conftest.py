"""Fixtures of the app's tests: the sample board on a real vault, opened by one laptop; a
laptop that never ran the app (`fresh_device`); a steady clock zone and home for snapshots.

Only fixtures live here (a room's conftest.py cannot be imported by name); the helpers they use,
`add_sample_cards`, `make_app` and the fixed moment, are in tests/conftest.py.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

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


@pytest.fixture
def steady_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """UTC and the home dir at a temp folder (paths show as `~/…`): what a snapshot shows is
    the same on every machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setenv("HOME", str(tmp_path))
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


@pytest.fixture
def fresh_device(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A laptop that has never run the app: an empty config dir, no passphrase in the env, its
    data dir (where a vault goes when no sync folder is found) in the temp folder."""
    monkeypatch.setenv("FOLLOWUP_CONFIG_DIR", str(tmp_path / "fresh-config"))
    monkeypatch.setenv("FOLLOWUP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("FOLLOWUP_PASSWORD_FILE", raising=False)
    monkeypatch.delenv("FOLLOWUP_PASSWORD_COMMAND", raising=False)
    return tmp_path
