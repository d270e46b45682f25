"""`python -m bench store`: the cost of the encrypted store at 1,000 and 10,000 cards.

Two figures, each beside a baseline measured in the same run on the same data:
- one move made durable on disk (`Session.change(board.move)` on a session holding N cards:
  merge check, seal, atomic write, fsync, rename, fsync the folder) beside plain
  `json.dumps` + write + fsync of the same tables;
- opening a vault of three replicas (three devices, each holding the full state: read,
  decrypt, parse, merge) beside plain `json.loads` of the same data three times.

Cards carry realistic fields and a few timeline events (moves, a note sent with its text).
It must never touch the user's config or vaults: everything lives in a temp folder.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import header, measure, row
from store.cards.board import Board
from store.cards.model import STAGES
from store.config import Config
from store.vault.crypto import Vault
from store.vault.session import Session

DEVICES = ("b0000000000a", "b0000000000b", "b0000000000c")
COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Tyrell", "Wonka", "Aperture"]
ROLES = ["Backend developer", "Data engineer", "SRE", "Frontend developer", "Staff engineer"]
NOTE = (
    "Dear {name},\n\nThank you for taking the time to talk with me about the {role} role. "
    "I enjoyed hearing how the team ships small changes every day, and I came away even more "
    "excited about working on it.\n\nBest regards,\nSam"
)


def fill(board: Board, count: int, seed: int = 7) -> list[str]:
    """`count` cards as a real search leaves them: people, notes, links, moves, a note sent."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    ids = []
    for number in range(count):
        company = f"{rng.choice(COMPANIES)} {number}"
        role = rng.choice(ROLES)
        name = rng.choice(["Ann Lee", "Bo Chen", "Carla Diaz", "Dev Patel"])
        when = start + timedelta(hours=rng.randint(0, 24 * 300))
        card_id = board.add(
            {
                "company": company,
                "role": role,
                "round": rng.choice(["first", "second", "onsite"]),
                "interviewed_at": when,
                "interviewers": [
                    {"name": name, "title": "Engineering manager", "email": "ann@acme.io"}
                ],
                "key_points": ["Team of six, Go and Postgres", "On-call one week in eight"],
                "questions": ["How do you review design changes?"],
                "links": [f"https://jobs.example.com/{number}"],
                "contact_email": "recruiting@example.com",
                "notes": "Asked about the migration to event sourcing; follow up on it.",
                "tags": ["remote"] if number % 3 else ["onsite", "referral"],
            },
            at=when,
        )
        board.move(card_id, "thanked", at=when + timedelta(hours=20))
        board.log(
            card_id,
            "note-sent",
            at=when + timedelta(hours=20),
            template="thank-you",
            text=NOTE.format(name=name, role=role),
        )
        if number % 2:
            board.move(card_id, "waiting", at=when + timedelta(days=2))
        ids.append(card_id)
    return ids


def _plain_durable_write(path: Path, tables: dict[str, Any]) -> None:
    data = json.dumps(tables, separators=(",", ":"), ensure_ascii=False).encode()
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _config(root: Path, device: str) -> Config:
    """A config dir per device and per vault folder: each size is a vault of its own (the
    device's history of one would find the other's replicas gone)."""
    return Config(device, f"bench {device[-1]}", path=root / "config" / device / "config.yaml")


def bench_size(root: Path, vault: Vault, count: int) -> None:
    folder = root / f"vault-{count}"
    (folder / "replicas").mkdir(parents=True)
    vault = vault.at(folder)
    root = root / f"devices-{count}"
    source = Board(DEVICES[0])
    ids = fill(source, count)
    tables = json.loads(json.dumps(source.tables()))  # the state as a replica file holds it

    # Three devices, each with the whole state in its own replica.
    for device in DEVICES:
        session = Session(vault, _config(root, device))
        session.board.merge(tables)
        session.board.set_device_name(f"bench {device[-1]}")
        session.persist_if_changed()

    session = Session.open(vault, _config(root, DEVICES[0]))
    moves = iter(range(10**9))

    def one_move() -> None:
        n = next(moves)
        card_id = ids[n % len(ids)]
        session.change(lambda board: board.move(card_id, STAGES[n % len(STAGES)]))

    plain = root / f"plain-{count}.json"
    baseline_tables = session.board.tables()
    repeat = 15 if count <= 1000 else 7
    moved = measure(one_move, repeat=repeat)
    dumped = measure(lambda: _plain_durable_write(plain, baseline_tables), repeat=repeat)
    row(f"one move made durable, {count:,} cards", moved, dumped)
    # A CLI command opens, moves once and exits: its one write encodes every card afresh.
    fresh: list[Session] = []

    def open_fresh() -> None:
        fresh.append(Session.open(vault, _config(root, DEVICES[0])))

    def first_move() -> None:
        stage = STAGES[len(fresh) % len(STAGES)]
        fresh[-1].change(lambda board: board.move(ids[1], stage))

    first = measure(first_move, repeat=3, setup=open_fresh)
    row(f"first move after opening (a CLI command), {count:,}", first, dumped)

    plaintexts = [
        json.dumps(session.board.tables(), separators=(",", ":"), ensure_ascii=False).encode()
        for _ in DEVICES
    ]
    for n, data in enumerate(plaintexts):
        (root / f"plain-{count}-{n}.json").write_bytes(data)

    def plain_open() -> None:
        for n in range(len(DEVICES)):
            json.loads((root / f"plain-{count}-{n}.json").read_bytes())

    opened = measure(lambda: Session.open(vault, _config(root, DEVICES[0])), repeat=5)
    loaded = measure(plain_open, repeat=5)
    row(f"open a vault of 3 replicas, {count:,} cards", opened, loaded)
    size = session.replica.path.stat().st_size
    row(f"replica file size, {count:,} cards (KiB)", size / 1024, len(plaintexts[0]) / 1024, "KiB")


def main(sizes: list[int]) -> None:
    header("store: encrypted replicas (baseline: plain JSON of the same tables)")
    with tempfile.TemporaryDirectory(prefix="followup-bench-") as temp:
        root = Path(temp)
        vault = Vault.create(root / "origin", "bench passphrase")
        for count in sizes:
            bench_size(root, vault, count)


if __name__ == "__main__":
    main([1000, 10000])
