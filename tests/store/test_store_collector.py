"""Reading a replica pauses the cyclic garbage collector, and always gives it back as it was."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.cards.board import Board
from store.errors import ReplicaUnreadable
from store.vault.crypto import Vault
from store.vault.replica import EncryptedStorage, collector_paused, read_replica

DEVICE = "c0000000000a"


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Vault:
    return Vault.create(tmp_path_factory.mktemp("collector") / "vault", "passphrase")


@pytest.fixture
def collector_enabled() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()  # as it was, whatever the test did
    else:
        gc.disable()


def _replica(vault: Vault, tmp_path: Path, plaintext: bytes) -> Path:
    path = tmp_path / f"{DEVICE}.json"
    path.write_bytes(vault.seal(DEVICE, plaintext))
    return path


def test_the_collector_runs_again_after_a_replica_is_read(vault, tmp_path, collector_enabled):
    board = Board(DEVICE)
    board.add({"company": "Acme"})
    path = _replica(vault, tmp_path, board.tables_json())
    assert read_replica(vault, path, DEVICE)["cards"].keys() == board.cards.keys()
    assert gc.isenabled()


def test_the_collector_runs_again_after_a_replica_fails_to_parse(
    vault, tmp_path, collector_enabled
):
    path = _replica(vault, tmp_path, b'{"cards": [[[[')
    with pytest.raises(ReplicaUnreadable):
        read_replica(vault, path, DEVICE)
    assert gc.isenabled()


def test_a_collector_paused_by_the_caller_stays_paused(vault, tmp_path, collector_enabled):
    path = _replica(vault, tmp_path, b'{"cards": {}}')
    gc.disable()
    EncryptedStorage(path, vault, DEVICE, DEVICE).read()
    assert not gc.isenabled()


def test_overlapping_pauses_on_two_threads_give_the_collector_back(collector_enabled):
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with collector_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with collector_paused():
            second_in.set()
            first_out.wait(5)
            seen.append(gc.isenabled())  # the first pause ended; this one still holds

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert seen == [False]
    assert gc.isenabled()


def test_a_board_opened_as_long_lived_is_frozen_and_the_collector_runs_again(collector_enabled):
    from store.vault.replica import long_lived_objects

    gc.unfreeze()
    with long_lived_objects():
        assert not gc.isenabled()
        board = Board(DEVICE)
        board.add({"company": "Acme"})
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0
    gc.unfreeze()


def test_a_pause_resumed_elsewhere_resumes_once_and_nests_with_the_others() -> None:
    import gc

    from store.vault.collector import collector_paused, paused_until_resumed

    assert gc.isenabled()
    resume = paused_until_resumed()
    assert not gc.isenabled()
    with collector_paused():
        resume()
        assert not gc.isenabled()  # the reading's own pause still holds
        resume()  # a second call does nothing (it would have ended the reading's pause)
        assert not gc.isenabled()
    assert gc.isenabled()
    resume()
    assert gc.isenabled()
