"""Property tests of the replicated state: three devices, random edits, files in any order.

Each device is a real `Board` with its own clock (skewed on purpose). After every change a
device "writes its replica": a JSON snapshot of its tables. Deliveries hand one device some
snapshot of another's file: the newest, a stale one, the same one twice; some are never
delivered. At the end every device gets every other device's newest file, and then:

- all three hold the same state and show the same cards;
- no text edit vanished: each one is still a version of its field (the value or a conflict)
  or a later write had seen it (the harness tracks who knew what, independently of the
  stamps and version vectors the store uses);
- a conflict is only ever between versions whose writers had not seen each other;
- for the other fields the write with the greatest stamp is the value, and an older write
  is kept only while no later write has seen it; no timeline event is ever lost.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.cards.board import Board
from store.cards.clock import Clock, stamp_key
from store.cards.model import STAGES, TEXT_FIELDS, merge_card, merge_entries

DEVICES = ("aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc")
PROPERTY_SETTINGS = settings(
    max_examples=120,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Few distinct words, so two devices often write the same value: that must still be kept apart.
words = st.sampled_from(["", "a", "b", "call back", "Ünïcode ✓", "x" * 40])
text_values = {
    "company": st.sampled_from(["Acme", "Globex", "Initech"]),
    "role": words,
    "round": words,
    "notes": words,
    "learned": words,
    "contact_email": st.sampled_from(["", "hr@acme.io", "ann@globex.com"]),
    "key_points": st.lists(words, max_size=2),
    "questions": st.lists(words, max_size=2),
    "links": st.lists(st.sampled_from(["https://a.io", "https://b.io"]), max_size=2),
    "tags": st.lists(st.sampled_from(["remote", "urgent"]), max_size=2),
    "interviewers": st.lists(
        st.fixed_dictionaries(
            {"name": st.sampled_from(["Ann", "Bo"]), "email": st.sampled_from(["", "a@b.c"])}
        ),
        max_size=2,
    ),
    "outcome": st.sampled_from([None, "offer", "rejected"]),
}
# Edits favour a few fields, so two devices often edit the same one concurrently.
edit_names = st.sampled_from(["notes"] * 4 + ["company", "tags"] * 2 + sorted(text_values))
edits = st.lists(edit_names, min_size=1, max_size=2, unique=True).flatmap(
    lambda names: st.fixed_dictionaries({name: text_values[name] for name in names})
)

device_index = st.integers(0, 2)
card_pick = st.integers(0, 3)
add = st.tuples(st.just("add"), device_index, text_values["company"], words)
edit = st.tuples(st.just("edit"), device_index, card_pick, edits)
deliver = st.tuples(st.just("deliver"), device_index, st.integers(1, 2), st.integers(-3, 20))
steps = st.one_of(
    add,
    edit,
    edit,
    edit,
    deliver,
    deliver,
    deliver,
    st.tuples(st.just("move"), device_index, card_pick, st.sampled_from(STAGES)),
    st.tuples(st.just("delete"), device_index, card_pick),
    st.tuples(st.just("restore"), device_index, card_pick),
    st.tuples(st.just("resolve"), device_index, card_pick, st.integers(0, 3)),
    st.tuples(st.just("tick"), st.integers(0, 5000)),
)


@dataclass
class Write:
    card: str
    field: str
    stamp: str
    value: Any
    knew: frozenset[tuple[str, str, str]]  # (card, field, stamp) of writes seen before


@dataclass
class Device:
    board: Board
    knows: set[tuple[str, str, str]] = field(default_factory=set)
    files: list[tuple[str, frozenset[tuple[str, str, str]]]] = field(default_factory=list)

    def write_file(self) -> None:
        """What `Session` does after a change: the replica file now holds the whole state."""
        self.files.append((json.dumps(self.board.tables()), frozenset(self.knows)))


class World:
    """Three devices and the harness's own record of every write and who had seen what."""

    def __init__(self) -> None:
        self.now = 1_800_000_000_000
        skews = (0, -1500, 900)  # the laptops' clocks disagree by seconds
        counter = itertools.count()
        self.devices = [
            Device(
                Board(
                    d,
                    Clock(d, now_ms=lambda s=skew: self.now + s),
                    make_id=lambda d=d: f"{d[0]}{next(counter):011x}",  # same plan, same ids
                )
            )
            for d, skew in zip(DEVICES, skews, strict=True)
        ]
        self.writes: dict[tuple[str, str, str], Write] = {}
        self.events: set[str] = set()

    def share_a_card(self) -> None:
        """Start from one card every device has: concurrent edits of it are then likely."""
        self.run(("add", 0, "Acme", "shared"))
        for to in (1, 2):
            self.deliver(to, 3 - to, -1)

    def _pick(self, device: Device, index: int) -> str | None:
        ids = sorted(device.board.cards)
        return ids[index % len(ids)] if ids else None

    def _record(self, device: Device) -> None:
        """Find the writes the last action made and note what their writer knew."""
        new: list[tuple[str, str, str]] = []
        for card_id, state in device.board.cards.items():
            for name, entries in state["f"].items():
                for value, stamp, *_seen in entries:
                    key = (card_id, name, stamp)
                    if key not in self.writes and key not in device.knows:
                        knew = frozenset(k for k in device.knows if k[:2] == (card_id, name))
                        self.writes[key] = Write(card_id, name, stamp, value, knew)
                        new.append(key)
            self.events.update(state["t"])
        device.knows.update(new)
        if new:
            device.write_file()

    def deliver(self, to: int, offset: int, version: int) -> None:
        receiver = self.devices[to]
        sender = self.devices[(to + offset) % 3]
        if not sender.files:
            return
        # Negative versions are the newest files, others any stale one, repeats included.
        text, knows = sender.files[version % len(sender.files)]
        changed = receiver.board.merge(json.loads(text))
        receiver.knows |= knows
        if changed:
            receiver.write_file()

    def run(self, step: tuple[Any, ...]) -> None:
        kind = step[0]
        if kind == "tick":
            self.now += step[1]
            return
        if kind == "deliver":
            self.deliver(step[1], step[2], step[3])
            return
        device = self.devices[step[1]]
        board = device.board
        if kind == "add":
            board.add({"company": step[2], "notes": step[3]})
        else:
            card_id = self._pick(device, step[2])
            if card_id is None:
                return
            if kind == "edit":
                board.edit(card_id, step[3])
            elif kind == "move":
                board.move(card_id, step[3], outcome="offer" if step[3] == "closed" else None)
            elif kind == "delete":
                board.delete(card_id)
            elif kind == "restore":
                board.restore(card_id)
            elif kind == "resolve":
                card = board.card(card_id)
                if card.conflicts:
                    name = sorted(card.conflicts)[0]
                    board.resolve(card_id, name, step[3] % (len(card.conflicts[name]) + 1))
        self._record(device)

    def everyone_sees_everything(self) -> None:
        newest = [d.files[-1] if d.files else None for d in self.devices]
        for to, receiver in enumerate(self.devices):
            for source, file in enumerate(newest):
                if source != to and file is not None:
                    receiver.board.merge(json.loads(file[0]))
                    receiver.knows |= file[1]


def check_converged(world: World) -> None:
    boards = [d.board for d in world.devices]
    first = boards[0]
    for other in boards[1:]:
        assert other.cards == first.cards
        assert other.devices == first.devices
        shown = {c.id: c.to_json() for c in other.all(include_deleted=True)}
        assert shown == {c.id: c.to_json() for c in first.all(include_deleted=True)}


def check_nothing_vanished(world: World) -> None:
    state = world.devices[0].board.cards
    superseded = {k for w in world.writes.values() for k in w.knew}
    for key, write in world.writes.items():
        entries = state[write.card]["f"][write.field]
        stamps = {e[1] for e in entries}
        if write.field in TEXT_FIELDS:
            assert write.stamp in stamps or key in superseded, (
                f"the edit {write} vanished without any later write having seen it"
            )
            # Versions kept side by side are truly concurrent: no writer saw the other.
            for s1, s2 in itertools.combinations(sorted(stamps), 2):
                k1, k2 = (write.card, write.field, s1), (write.card, write.field, s2)
                assert k1 not in world.writes[k2].knew and k2 not in world.writes[k1].knew
        else:
            # The newest write is the value; older ones stay beside it only while no write
            # has seen them (so a stamp from a wrong clock is replaced by the next edit).
            newest = max(
                (w for w in world.writes.values() if (w.card, w.field) == key[:2]),
                key=lambda w: stamp_key(w.stamp),
            )
            assert max(entries, key=lambda e: stamp_key(e[1]))[1] == newest.stamp
            assert write.stamp in stamps or key in superseded
    for card in world.devices[0].board.cards.values():
        world.events.difference_update(card["t"])
    assert not world.events, "a timeline event was lost"


@PROPERTY_SETTINGS
@given(st.lists(steps, min_size=12, max_size=60))
def test_three_replicas_converge_and_keep_every_concurrent_edit(plan: list[tuple]) -> None:
    world = World()
    world.share_a_card()
    for step in plan:
        world.run(step)
    world.everyone_sees_everything()
    check_converged(world)
    check_nothing_vanished(world)


@PROPERTY_SETTINGS
@given(st.lists(steps, min_size=12, max_size=60))
def test_a_replica_that_has_seen_everything_changes_nothing_more(plan: list[tuple]) -> None:
    """No ping-pong: once converged, merging any file again (stale ones too) changes nothing."""
    world = World()
    world.share_a_card()
    for step in plan:
        world.run(step)
    world.everyone_sees_everything()
    for device in world.devices:
        version = device.board.version
        for other in world.devices:
            for text, _ in other.files:
                assert device.board.merge(json.loads(text)) == set()
        assert device.board.version == version


def _states_of_each_card(world: World) -> dict[str, list[dict]]:
    """Every state any replica file ever held for each card: all reachable states."""
    states: dict[str, list[dict]] = {}
    for device in world.devices:
        for text, _ in device.files:
            for card_id, card in json.loads(text)["cards"].items():
                known = states.setdefault(card_id, [])
                if card not in known:
                    known.append(card)
    return states


@PROPERTY_SETTINGS
@given(st.lists(steps, min_size=12, max_size=50), st.randoms(use_true_random=False))
def test_merge_card_is_commutative_associative_and_idempotent(plan, random) -> None:
    world = World()
    world.share_a_card()
    for step in plan:
        world.run(step)
    for states in _states_of_each_card(world).values():
        triples = list(itertools.product(states, repeat=3))
        for a, b, c in random.sample(triples, min(len(triples), 40)):
            assert merge_card(a, a) == a
            assert merge_card(a, b) == merge_card(b, a)
            assert merge_card(merge_card(a, b), c) == merge_card(a, merge_card(b, c))
            assert merge_card(a, merge_card(a, b)) == merge_card(a, b)


stamps = st.builds(
    lambda wall, count, device: f"{wall:013d}.{count:05d}.{device}",
    st.integers(1_800_000_000_000, 1_800_000_000_003),
    st.integers(0, 2),
    st.sampled_from(DEVICES),
)
plain_entries = st.lists(
    st.tuples(st.sampled_from(["interviewed", "thanked", None]), stamps).map(
        lambda t: [t[0], t[1]]
    ),
    min_size=1,
    max_size=3,
).map(lambda entries: [max(entries, key=lambda e: e[1])])


@settings(max_examples=300, derandomize=True, deadline=None)
@given(plain_entries, plain_entries, plain_entries)
def test_newest_write_wins_in_any_order_even_on_a_stamp_tie(a, b, c) -> None:
    """Plain fields: even two different values under one stamp (a bug elsewhere) merge the
    same way whatever the order, so replicas cannot disagree forever."""
    merge = lambda x, y: merge_entries("stage", x, y)  # noqa: E731
    assert merge(a, a) == a
    assert merge(a, b) == merge(b, a)
    assert merge(merge(a, b), c) == merge(a, merge(b, c))
    assert current_stamp(merge(a, b)) == max(a[0][1], b[0][1])


def current_stamp(entries: list) -> str:
    return max(entries, key=lambda e: stamp_key(e[1]))[1]


def test_concurrent_note_edits_are_both_kept_until_resolved() -> None:
    world = World()
    a, b = world.devices[0].board, world.devices[1].board
    card_id = a.add({"company": "Acme", "notes": "first"})
    b.merge(json.loads(json.dumps(a.tables())))
    a.edit(card_id, {"notes": "from a"})
    world.now += 10
    b.edit(card_id, {"notes": "from b"})
    a.merge(json.loads(json.dumps(b.tables())))
    card = a.card(card_id)
    assert {card.notes, *(c.value for c in card.conflicts["notes"])} == {"from a", "from b"}
    resolved = a.resolve(card_id, "notes", "from a")
    assert resolved.notes == "from a" and not resolved.conflicts
    b.merge(json.loads(json.dumps(a.tables())))
    assert b.card(card_id).notes == "from a" and not b.card(card_id).conflicts


def test_an_edit_keeps_a_version_that_arrived_while_the_form_was_open() -> None:
    world = World()
    a, b = world.devices[0].board, world.devices[1].board
    card_id = a.add({"company": "Acme", "notes": "first"})
    b.merge(json.loads(json.dumps(a.tables())))
    form_opened_with = a.card(card_id)
    b.edit(card_id, {"notes": "typed on b"})
    a.merge(json.loads(json.dumps(b.tables())))  # arrives while a's user is typing
    world.now += 10
    edited = a.edit(card_id, {"notes": "typed on a"}, seen=form_opened_with)
    assert edited.notes == "typed on a"
    assert [c.value for c in edited.conflicts["notes"]] == ["typed on b"]
    # Without `seen`, an edit replaces what the board shows now: the user saw it.
    assert not a.edit(card_id, {"notes": "final"}).conflicts


def test_an_edit_to_the_same_value_writes_nothing() -> None:
    board = World().devices[0].board
    card_id = board.add({"company": "Acme", "notes": "same"})
    version = board.version
    board.edit(card_id, {"notes": "same", "company": "Acme"})
    assert board.version == version


def test_the_clock_orders_a_new_write_after_every_merged_one() -> None:
    """A laptop whose clock is an hour behind still writes after what it has merged."""
    world = World()
    a, b = world.devices[0].board, world.devices[1].board
    b.clock = Clock(b.device, now_ms=lambda: world.now - 3_600_000)
    card_id = a.add({"company": "Acme", "notes": "from a"})
    b.merge(json.loads(json.dumps(a.tables())))
    b.edit(card_id, {"notes": "from b, later"})
    a.merge(json.loads(json.dumps(b.tables())))
    assert a.card(card_id).notes == "from b, later" and not a.card(card_id).conflicts
