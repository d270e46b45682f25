"""The board: the merged state of every card in memory, and the writes a user can make to it.

Every write is stamped by this device's hybrid logical clock. Reads go through cached `Card`
views that are rebuilt only for cards whose state changed, so a board of thousands of cards
stays cheap to show. Nothing here touches a file; `Session` persists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from store import ids
from store.cards.clock import Clock, later, stamp_device, stamp_key, stamp_wall_ms
from store.cards.fields import normalize
from store.cards.model import (
    DEFAULTS,
    FIELDS,
    TEXT_FIELDS,
    Card,
    CardState,
    card_view,
    current_value,
    iso_utc,
    merged_updates,
    version_text,
    write_entry,
)
from store.cards.timeline import UNDONE
from store.errors import AmbiguousCard, BadValue, ReplicaUnreadable, UnknownCard
from store.untrusted import one_line
from store.vault.encoding import compact_json

EDITABLE: frozenset[str] = FIELDS - {"deleted", "created_at", "stage"}


def new_id() -> str:
    return ids.random_hex(6)


class Board:
    """All cards of a vault as this device knows them."""

    def __init__(
        self,
        device: str,
        clock: Clock | None = None,
        make_id: Callable[[], str] = new_id,
    ) -> None:
        self.device = device
        self.clock = clock or Clock(device)
        self._make_id = make_id  # a test can make card ids predictable
        # The newest stamp of this device's current writer found in what was merged (not what
        # it wrote itself): a device compares it with its own record (store/vault/history.py).
        self.own_top = ""
        # Per writer, the newest stamp merged that is too far ahead of this machine's clock to
        # adopt (store/cards/clock.py): reported with its device, never the clock's time.
        self.ahead: dict[str, str] = {}
        self.cards: dict[str, CardState] = {}
        self.devices: dict[str, dict[str, Any]] = {}
        self._views: dict[str, Card] = {}
        # Cards whose state changed since the replica last took them in (`saved`): what the
        # next write appends as one change (store/vault/changes.py), instead of every card.
        self.unsaved_cards: set[str] = set()
        self.version = 0  # bumps on every change: cheap for a UI to poll

    # --- merging --------------------------------------------------------------------------------

    def merge(self, tables: dict[str, Any], source: object = "a replica") -> set[str]:
        """Merge a replica's tables in; return the ids of cards whose state changed.

        A replica holding a card this app cannot merge raises `ReplicaUnreadable` naming
        `source`, and the board is left exactly as it was.
        """
        cards = tables.get("cards") or {}
        devices = tables.get("devices") or {}
        if not isinstance(cards, dict) or not isinstance(devices, dict):
            raise ReplicaUnreadable(source, "decrypted, but does not hold a board")
        try:
            updates = merged_updates(self.cards, cards)
        except ValueError as exc:
            raise ReplicaUnreadable(source, f"decrypted, but its {exc}") from None
        changed = set(updates)
        devices_changed = False
        for device, info in devices.items():
            if not isinstance(info, dict):
                continue
            mine = self.devices.get(device)
            # Newest stamp wins; the text breaks a tie so every order of arrival agrees.
            if mine is None or _device_key(info) > _device_key(mine):
                self.devices[device] = dict(info)
                devices_changed = True
            self._observe(str(info.get("stamp") or ""))
        meta = tables.get("meta") or {}
        replica_meta = meta.get("replica") if isinstance(meta, dict) else None
        if isinstance(replica_meta, dict) and isinstance(replica_meta.get("clock"), str):
            self._observe(replica_meta["clock"])
        if changed:
            self.cards.update(updates)
            for card_id in changed:
                self._views.pop(card_id, None)
            self.unsaved_cards |= changed
            self._observe_cards(updates, changed)
        if changed or devices_changed:
            self.version += 1
        return changed | ({"<devices>"} if devices_changed else set())

    def _observe(self, stamp: str) -> None:
        """Let the clock move past `stamp`, or note it as too far ahead to adopt."""
        if stamp and not self.clock.observe(stamp):
            writer = stamp_device(stamp)
            known = self.ahead.get(writer)
            if known is None or later(stamp, known):
                self.ahead[writer] = stamp

    def _observe_cards(self, cards: dict[str, CardState], card_ids: set[str]) -> None:
        """Observe the stamps of the cards `card_ids`: the greatest one the clock may adopt, every
        one too far ahead, and the newest of our own writer.

        This runs over every version of every card a replica brings, so the usual case is text
        comparisons only: a stamp in the form every clock writes (32 characters, dots in their
        places) sorts as text the way it sorts as numbers. Any other stamp, and a greatest one
        the clock refuses, send it through the exact order (`stamp_key`).
        """
        newest, own_top = "", self.own_top
        suffix = "." + self.clock.device
        odd: list[str] = []
        last = None  # a card's fields are mostly one write's: its one (interned) stamp, once
        for card_id in card_ids:
            for entries in cards[card_id]["f"].values():
                for entry in entries:
                    stamp = entry[1]
                    if stamp is last:
                        continue
                    last = stamp
                    if stamp > newest:
                        newest = stamp
                    if stamp > own_top and stamp.endswith(suffix):
                        own_top = stamp
                    if len(stamp) != 32 or stamp[13] != "." or stamp[19] != ".":
                        odd.append(stamp)
        limit = self.clock.limit()
        if odd or stamp_key(newest) > limit:
            newest, own_top = "", self.own_top
            for card_id in card_ids:
                for entries in cards[card_id]["f"].values():
                    for entry in entries:
                        stamp = entry[1]
                        key = stamp_key(stamp)
                        if key > limit:
                            self._observe(stamp)
                            continue
                        if key > stamp_key(newest):
                            newest = stamp
                        if stamp.endswith(suffix) and key > stamp_key(own_top):
                            own_top = stamp
        self.own_top = own_top
        # Stamps sort as the clock orders them, so observing the greatest one is enough.
        self._observe(newest)

    @property
    def writer(self) -> str:
        """The id this device's writes are stamped with now (its id, or a later incarnation)."""
        return self.clock.device

    @property
    def needs_new_writer(self) -> bool:
        """True when our own writer has stamps too far ahead of this machine's clock (ours from
        when the clock ran ahead, or a crafted backup's), merged or still in our clock: writing
        on under that id would put a write behind what it replaces, so take a new one."""
        return self.writer in self.ahead or self.clock.latest() > self.clock.limit()

    def take_writer(self, writer: str, because: str) -> None:
        """Stamp every write from now on with `writer`, a fresh id: a new incarnation of this
        device, whose writes are concurrent with any of the old id that it has not seen.

        The devices table names the new id after this device, so versions it writes show
        this device's name; `because` says why (a rollback, a clock that went back).
        """
        self.clock = self.clock.renamed(writer, within_drift=True)
        self.own_top = ""
        name = (self.devices.get(self.device) or {}).get("name") or self.device
        self.devices[writer] = {
            "name": name,
            "stamp": self.clock.tick(),
            "device": self.device,
            "because": because,
        }
        self.version += 1

    def become(self, device: str, name: str, copied_from: str) -> None:
        """This board is now device `device`: a copy of a config that had to become a new
        device, keeping every card. The devices table says which device it was copied from,
        so both are named wherever devices are listed."""
        self.device = device
        self.clock = self.clock.renamed(device)
        self.own_top = ""
        self.devices[device] = {
            "name": name,
            "stamp": self.clock.tick(),
            "copied_from": copied_from,
            "at": iso_utc(datetime.now(UTC)),
        }
        self.version += 1

    def tables(self, written_at: datetime | None = None) -> dict[str, Any]:
        """The replica's TinyDB tables: the merged state plus this file's own metadata."""
        return {
            "cards": self.cards,
            "devices": self.devices,
            "meta": self._meta(written_at),
        }

    def _meta(self, written_at: datetime | None) -> dict[str, Any]:
        return {
            "replica": {
                "device": self.device,
                "writer": self.writer,
                "clock": self.clock.latest(),
                "written_at": iso_utc(written_at or datetime.now(UTC)),
            }
        }

    def tables_json(self, written_at: datetime | None = None) -> bytes:
        """`tables()` as compact UTF-8 JSON: the whole state, for a snapshot."""
        return compact_json(self.tables(written_at))

    def changes_json(self, written_at: datetime | None = None) -> bytes:
        """What changed since the replica last took the board in (`saved`), as the tables of
        one change: those cards, the devices table (small, so whole) and this write's meta."""
        cards = {card_id: self.cards[card_id] for card_id in self.unsaved_cards}
        return compact_json(
            {"cards": cards, "devices": self.devices, "meta": self._meta(written_at)}
        )

    def saved(self) -> None:
        """The replica now holds the whole board (a snapshot, or the last change appended)."""
        self.unsaved_cards.clear()

    # --- reading --------------------------------------------------------------------------------

    def card(self, card_id: str) -> Card:
        view = self._views.get(card_id)
        if view is None:
            try:
                state = self.cards[card_id]
            except KeyError:
                raise UnknownCard(f"No card with id {card_id!r}.") from None
            view = self._views[card_id] = card_view(card_id, state)
        return view

    def all(self, include_deleted: bool = False) -> list[Card]:
        views = (self.card(card_id) for card_id in self.cards)
        return [c for c in views if include_deleted or not c.deleted]

    def find(self, prefix: str, include_deleted: bool = True) -> Card:
        """A card by any unique prefix of its id, or else by its company ("acme" finds Acme
        Corp): ids come first, so a company never hides a card's id."""
        typed = " ".join(prefix.split())
        prefix = typed.lower()
        if not prefix:
            raise UnknownCard("Give a card id (any unique prefix of it) or a company.")
        if prefix in self.cards:
            hits = [prefix]
        else:
            hits = [cid for cid in self.cards if cid.startswith(prefix)]
        if not include_deleted and len(hits) > 1:
            # A card in the trash does not make the id of a live one ambiguous.
            hits = [cid for cid in hits if not self.card(cid).deleted] or hits
        if not hits:
            return self._find_by_company(typed, include_deleted)
        if len(hits) > 1:
            raise AmbiguousCard(
                f"Card id {prefix!r} is ambiguous: it starts {len(hits)} cards; type more of it."
            )
        card = self.card(hits[0])
        if card.deleted and not include_deleted:
            raise UnknownCard(
                f"Card {card.id} is in the trash; `followup-tui restore {card.id}` brings it back."
            )
        return card

    def _find_by_company(self, typed: str, include_deleted: bool) -> Card:
        """The one card whose company is `typed` (whatever the case), else starts with it, else
        holds it as a word; several in the closest of those is a list to pick from."""
        wanted = typed.casefold()
        cards = [c for c in self.all(include_deleted=True) if include_deleted or not c.deleted]
        names = {c.id: " ".join(c.company.split()).casefold() for c in cards}
        tiers = (
            [c for c in cards if names[c.id] == wanted],
            [c for c in cards if names[c.id].startswith(wanted)],
            [c for c in cards if f" {wanted}" in f" {names[c.id]}"],
        )
        found = next((tier for tier in tiers if tier), [])
        if len(found) > 1:  # a card in the trash does not make a live one ambiguous
            found = [c for c in found if not c.deleted] or found
        if not found:
            raise UnknownCard(
                f"No card with id or company {typed!r}; `followup-tui list --all` shows them."
            )
        if len(found) > 1:
            found.sort(key=lambda c: (c.deleted, c.company.casefold(), c.role.casefold(), c.id))
            raise AmbiguousCard(
                f"{typed!r} names {len(found)} cards; give one of their ids:",
                [
                    f"{c.id}  {c.stage:<12} {one_line(c.heading)}"
                    + (" [deleted]" if c.deleted else "")
                    for c in found
                ],
            )
        card = found[0]
        if card.deleted and not include_deleted:
            raise UnknownCard(
                f"Card {card.id} is in the trash; `followup-tui restore {card.id}` brings it back."
            )
        return card

    def device_name(self, device: str) -> str:
        """A device's name as the screen shows it: it comes from that device's replica, so it
        may hold anything; control characters are shown as escapes, never sent."""
        return one_line((self.devices.get(device) or {}).get("name") or device)

    # --- writing --------------------------------------------------------------------------------

    def _touch(self, card_id: str) -> None:
        self._views.pop(card_id, None)
        self.unsaved_cards.add(card_id)
        self.version += 1

    def _write(
        self, card_id: str, name: str, value: Any, stamp: str, seen: Card | None = None
    ) -> None:
        fields = self.cards[card_id]["f"]
        replaces = None
        if seen is not None and name in TEXT_FIELDS:
            replaces = seen.versions.get(name, ())
        fields[name] = write_entry(name, fields.get(name), value, stamp, replaces)

    def _event(self, card_id: str, kind: str, stamp: str, at: datetime | None, **data: Any) -> str:
        event_id = f"{stamp_wall_ms(stamp):013d}-{ids.random_hex(4)}"
        moment = at or datetime.fromtimestamp(stamp_wall_ms(stamp) / 1000, UTC)
        event = {"id": event_id, "kind": kind, "at": iso_utc(moment), "device": self.device}
        event.update({k: v for k, v in data.items() if v is not None})
        self.cards[card_id]["t"][event_id] = event
        return event_id

    def _fresh_copy(self, card_id: str) -> dict[str, Any]:
        """Copy-on-write: a card's state may be shared with a merged-in replica's dict."""
        state = self.cards[card_id]
        copy = {"f": dict(state["f"]), "t": dict(state["t"])}
        self.cards[card_id] = copy
        return copy

    def set_device_name(self, name: str) -> None:
        """Name this device, and every incarnation of it, in the devices table (what a device
        says about itself besides its name, e.g. what it was copied from, is kept)."""
        ours = [self.device, self.writer]
        ours += [d for d, info in self.devices.items() if info.get("device") == self.device]
        for device in dict.fromkeys(ours):
            current = self.devices.get(device)
            if current and current.get("name") == name:
                continue
            self.devices[device] = {**(current or {}), "name": name, "stamp": self.clock.tick()}
            self.version += 1

    def add(self, fields: dict[str, Any], at: datetime | None = None) -> str:
        values = {name: normalize(name, value) for name, value in fields.items()}
        if not str(values.get("company", "")).strip():
            raise BadValue("A card needs a company.")
        values.setdefault("stage", "interviewed")
        stamp = self.clock.tick()
        card_id = self._make_id()
        while card_id in self.cards:
            card_id = self._make_id()
        self.cards[card_id] = {"f": {}, "t": {}}
        values["created_at"] = iso_utc(
            at or datetime.fromtimestamp(stamp_wall_ms(stamp) / 1000, UTC)
        )
        for name, value in values.items():
            if value != DEFAULTS.get(name) or name in ("company", "stage", "created_at"):
                self._write(card_id, name, value, stamp)
        self._event(card_id, "created", stamp, at, stage=values["stage"])
        self._touch(card_id)
        return card_id

    def edit(self, card_id: str, fields: dict[str, Any], seen: Card | None = None) -> Card:
        """Write fields of a card; a field given its current value (and no conflict) is skipped.

        `seen` is the Card as the user saw it when they started editing (an edit form keeps it):
        a text version that arrived from another device since then is kept as a conflict
        instead of being replaced unseen. Without it, the edit replaces what the board holds now.
        """
        card = self.card(card_id)
        values = {}
        for name, value in fields.items():
            if name not in EDITABLE:
                raise BadValue(f"{name!r} cannot be edited directly.")
            values[name] = normalize(name, value)
        if "company" in values and not values["company"].strip():
            raise BadValue("A card needs a company.")
        state = self.cards[card.id]["f"]
        values = {
            name: value
            for name, value in values.items()
            if len(state.get(name) or ()) > 1 or value != current_value(name, state.get(name))
        }
        if not values:
            return card
        self._fresh_copy(card.id)
        stamp = self.clock.tick()
        for name, value in values.items():
            self._write(card.id, name, value, stamp, seen)
        self._touch(card.id)
        return self.card(card.id)

    def move(
        self, card_id: str, stage: str, outcome: str | None = None, at: datetime | None = None
    ) -> Card:
        card = self.card(card_id)
        stage = normalize("stage", stage)
        outcome = normalize("outcome", outcome)
        if stage == card.stage and (outcome is None or outcome == card.outcome):
            return card
        self._fresh_copy(card.id)
        stamp = self.clock.tick()
        self._write(card.id, "stage", stage, stamp)
        if stage == "closed" and outcome:
            self._write(card.id, "outcome", outcome, stamp)
        elif stage != "closed" and card.outcome:
            self._write(card.id, "outcome", None, stamp)
        self._event(
            card.id, "moved", stamp, at, **{"from": card.stage, "to": stage}, outcome=outcome
        )
        self._touch(card.id)
        return self.card(card.id)

    def delete(self, card_id: str) -> Card:
        return self._set_deleted(card_id, True)

    def restore(self, card_id: str) -> Card:
        return self._set_deleted(card_id, False)

    def _set_deleted(self, card_id: str, deleted: bool) -> Card:
        card = self.card(card_id)
        if card.deleted == deleted:
            return card
        self._fresh_copy(card.id)
        stamp = self.clock.tick()
        self._write(card.id, "deleted", deleted, stamp)
        self._event(card.id, "deleted" if deleted else "restored", stamp, None)
        self._touch(card.id)
        return self.card(card.id)

    def resolve(self, card_id: str, field: str, keep: Any) -> Card:
        """Pick one version of a conflicted field: a value, or its index (0 is the current one)."""
        card = self.card(card_id)
        field = field.strip().replace("-", "_")
        if field not in FIELDS:
            raise BadValue(f"Unknown field {field!r}; fields are: {', '.join(sorted(FIELDS))}.")
        if field not in card.conflicts:
            raise BadValue(f"Card {card.id} has no conflict on {field!r}.")
        stored = _stored_versions(self.cards[card.id], field)
        texts = [version_text(field, v) for v in stored]
        chosen: Any
        if isinstance(keep, int) or (isinstance(keep, str) and keep.strip().isdigit()):
            index = int(keep)
            if 0 <= index < len(stored):
                chosen = stored[index]
            elif str(keep) in texts:
                chosen = stored[texts.index(str(keep))]
            else:
                raise BadValue(f"Pick a version from 0 to {len(stored) - 1} for {field!r}.")
        elif keep in texts:
            chosen = stored[texts.index(keep)]
        else:
            raise BadValue(
                f"{keep!r} is not one of the versions of {field!r}; give its index instead."
            )
        self._fresh_copy(card.id)
        stamp = self.clock.tick()
        self._write(card.id, field, chosen, stamp)
        self._event(card.id, "resolved", stamp, None, field=field)
        self._touch(card.id)
        return self.card(card.id)

    def write_back(
        self,
        card_id: str,
        values: dict[str, tuple[Any, str | None]],
        takes_back: Iterable[str] = (),
    ) -> Card:
        """Undo and redo: write stored values again, as new stamped writes, and take back
        timeline events (an `undone` event naming each: `store.cards.timeline`).

        `values` maps a field to (its stored value, the stamp of the one version it replaces,
        None when the field was never written): a version another device wrote meanwhile stays
        beside it. Nothing is rewound; every laptop merges this like any other write.
        """
        card = self.card(card_id)
        for name in values:
            if name not in FIELDS or name == "created_at":
                raise BadValue(f"{name!r} cannot be written back.")
        taken = sorted({str(event_id) for event_id in takes_back})
        if not values and not taken:
            return card
        self._fresh_copy(card.id)
        stamp = self.clock.tick()
        fields = self.cards[card.id]["f"]
        for name, (value, replaces) in values.items():
            fields[name] = write_entry(
                name, fields.get(name), value, stamp, () if replaces is None else (replaces,)
            )
        for event_id in taken:
            self._event(card.id, UNDONE, stamp, None, undoes=event_id)
        self._touch(card.id)
        return self.card(card.id)

    def log(self, card_id: str, kind: str, at: datetime | None = None, **data: Any) -> str:
        """Add a timeline event (a note sent, an answer received, a new round…)."""
        card = self.card(card_id)
        self._fresh_copy(card.id)
        stamp = self.clock.tick()
        event_id = self._event(card.id, kind, stamp, at, **data)
        self._touch(card.id)
        return event_id

    def ids(self) -> Iterable[str]:
        return self.cards.keys()


def fold_tables(pieces: list[dict[str, Any]], source: object = "a replica") -> dict[str, Any]:
    """A replica file's snapshot and the changes after it (store/vault/changes.py) as the one
    set of tables they mean together: each card merged as the board merges it, each device's
    newest entry, the newest envelope's meta. The work grows with the changes, not the
    snapshot (whose tables are taken over as they are, not copied).

    A card that cannot be merged raises `ReplicaUnreadable` naming `source`, as `merge` does.
    """
    if len(pieces) == 1:
        return pieces[0]
    tables = dict(pieces[0])
    cards = tables["cards"]
    devices = tables.get("devices")
    devices = dict(devices) if isinstance(devices, dict) else {}
    for piece in pieces[1:]:
        more = piece.get("devices") or {}
        if not isinstance(more, dict):
            raise ReplicaUnreadable(source, "decrypted, but does not hold a board")
        try:
            cards.update(merged_updates(cards, piece["cards"]))
        except ValueError as exc:
            raise ReplicaUnreadable(source, f"decrypted, but its {exc}") from None
        for device, info in more.items():
            mine = devices.get(device)
            if isinstance(info, dict) and (
                not isinstance(mine, dict) or _device_key(info) > _device_key(mine)
            ):
                devices[device] = info
        if isinstance(piece.get("meta"), dict):
            tables["meta"] = piece["meta"]
    tables["devices"] = devices
    return tables


def _device_key(info: dict[str, Any]) -> tuple[str, str]:
    return stamp_key(str(info.get("stamp", ""))), repr(sorted(info.items()))


def _stored_versions(state: CardState, field: str) -> list[Any]:
    """Newest first: index 0 is the current value, the rest are the conflicts in show order."""
    entries = sorted(state["f"][field], key=lambda e: stamp_key(e[1]), reverse=True)
    return [e[0] for e in entries]
