"""Cards, stages and the merge rules of the replicated state: pure functions, no I/O.

The state of a vault is a state-based CRDT. A card is `{"f": fields, "t": timeline}`:
- `fields[name]` is a list of entries `[value, stamp, seen]`. `stamp` is the hybrid-logical-clock
  stamp of the write; `seen` maps each writer to the newest stamp of that writer the writer had
  seen for this field (its own write included): a dotted version vector.
- Entries are stored compact: `[value, stamp]` when `seen` is just `{the writer: stamp}` (a
  write that replaced nothing another writer wrote: nearly every one). Both forms mean the
  same; merging canonicalises to the compact one (`compact_card`), so equal states compare
  equal whatever form arrived. (Replicas written before plain fields kept `seen` hold them
  compact: such an entry replaced only its own writer's versions, which is all it claims.)
- Merge keeps every entry no other entry has seen (a multi-value register), for every field.
  For *text* fields (what a person typed) two concurrent edits both survive: the newest stamp
  is the value, the rest are conflicts shown on the card until the user picks one. For the
  other fields (stage, dates…) the newest stamp is the value and the others are not shown; a
  write replaces every entry its writer had seen, so a stamp from a clock far in the future
  (which never moves ours: store/cards/clock.py) is replaced by the next edit like any other,
  instead of winning forever against a smaller stamp.
- Stamps are ordered as numbers (`stamp_key`), never as text.
- The timeline is a grow-only map of events by id. Deletion is the stamped field `deleted`.
  Undo never removes an event: it adds one naming the event it takes back (and redo, one
  naming that undo); the card's view leaves out both (`store.cards.timeline.in_effect`).

Merge is a join: commutative, associative and idempotent, so replicas that have seen the same
files hold the same state in any order. It must never drop an entry that nothing has seen. It
assumes each writer's history is one line (its stamps grow with what it saw); the device
history (store/vault/history.py) keeps that true by taking a fresh writer id whenever a
rolled-back or cloned replica would break it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import UTC, date, datetime
from itertools import repeat
from operator import call
from sys import intern
from typing import Any, TypeVar

from store.cards.clock import stamp_device, stamp_key
from store.cards.dates import FIRST_YEAR, LAST_YEAR
from store.cards.documents import (
    DOCUMENT_DEFAULTS,
    DOCUMENT_PLAIN_FIELDS,
    DOCUMENT_TEXT_FIELDS,
    Attachment,
    Offer,
    attachments_view,
    offer_view,
)
from store.cards.stages import OUTCOMES, STAGES
from store.cards.timeline import in_effect
from store.errors import BadValue
from store.untrusted import clean_text

# Fields whose concurrent edits are kept as conflicts (what a person wrote by hand).
TEXT_FIELDS: frozenset[str] = frozenset(
    {
        "company",
        "role",
        "round",
        "interviewers",
        "key_points",
        "questions",
        "links",
        "contact_email",
        "notes",
        "tags",
        "learned",
        "questions_to_ask",
        "research",
    }
)
# Fields where the newest write is the value and concurrent ones are not shown.
PLAIN_FIELDS: frozenset[str] = frozenset(
    {"stage", "outcome", "interviewed_at", "promised_by", "deleted", "created_at", "duration"}
)
# --- issue 14, parts 1–3: the posting, the résumé sent, the offer (store/cards/documents.py) ---
TEXT_FIELDS = TEXT_FIELDS | DOCUMENT_TEXT_FIELDS
PLAIN_FIELDS = PLAIN_FIELDS | DOCUMENT_PLAIN_FIELDS
# --- end of issue 14, parts 1–3 ---------------------------------------------------------------
FIELDS: frozenset[str] = TEXT_FIELDS | PLAIN_FIELDS

LIST_FIELDS: frozenset[str] = frozenset(
    {"interviewers", "key_points", "questions", "links", "tags", "questions_to_ask"}
)

DEFAULTS: dict[str, Any] = {
    "company": "",
    "role": "",
    "round": "",
    "interviewers": [],
    "key_points": [],
    "questions": [],
    "links": [],
    "contact_email": "",
    "notes": "",
    "tags": [],
    "learned": "",
    "stage": "interviewed",
    "outcome": None,
    "interviewed_at": None,
    "promised_by": None,
    "deleted": False,
    "created_at": None,
    "duration": None,  # minutes the interview lasts; None: the usual hour
    "questions_to_ask": [],  # preparing: what I want to ask them
    "research": "",  # preparing: what I found out about the company
    **DOCUMENT_DEFAULTS,  # issue 14, parts 1–3
}

# What `Board` makes (12 hex digits) and a backup may bring (ids of other tools' exports).
CARD_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")

T = TypeVar("T")
Entry = list[Any]  # [value, stamp] or [value, stamp, seen]
CardState = dict[str, Any]  # {"f": {name: [Entry, ...]}, "t": {event_id: event}}


def entry_seen(entry: Entry) -> dict[str, str]:
    """The version vector of an entry, spelled out whichever form it is stored in."""
    if len(entry) > 2:
        return entry[2]
    return {stamp_device(entry[1]): entry[1]}


def compact_entry(name: str, entry: Entry) -> Entry:
    """The canonical form of an entry: `[value, stamp]` whenever `seen` adds nothing."""
    if len(entry) == 2:
        return entry
    seen, stamp = entry[2], entry[1]
    if len(seen) != 1 or seen.get(stamp_device(stamp)) != stamp:
        return entry
    return [entry[0], entry[1]]


def _compact_entries(name: str, entries: list[Entry]) -> list[Entry]:
    """`entries` in canonical form: the same list when it already is (the usual case, cheap)."""
    for entry in entries:
        if len(entry) != 2 and compact_entry(name, entry) is not entry:
            return [compact_entry(name, e) for e in entries]
    return entries


def compact_card(state: CardState) -> CardState:
    """`state` in canonical form: the same object when it already is (the usual case, cheap;
    its stamps interned, `_one_version_each`)."""
    fields = state["f"]
    if _one_version_each(fields):
        return state
    for name, entries in fields.items():
        if _compact_entries(name, entries) is not entries:
            compacted = {n: _compact_entries(n, es) for n, es in fields.items()}
            return {"f": compacted, "t": state["t"]}
    return state


def _covered(entry: Entry, by: Entry) -> bool:
    """True when the writer of `by` had seen `entry` (so `by` replaced it knowingly)."""
    stamp = entry[1]
    device = stamp_device(stamp)
    if len(by) > 2:
        known = by[2].get(device)
        return isinstance(known, str) and stamp_key(known) >= stamp_key(stamp)
    return stamp_device(by[1]) == device and stamp_key(by[1]) >= stamp_key(stamp)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _pick(one: Any, other: Any) -> Any:
    """One of two values under the same key that differ (a bug or a hand-made file elsewhere):
    the same one whatever the order they arrive in, so merge stays commutative."""
    return one if _canonical(one) >= _canonical(other) else other


def merge_entries(name: str, a: list[Entry], b: list[Entry]) -> list[Entry]:
    """Join two versions of one field: every entry that no other entry has seen survives (for a
    text field, a conflict), so a concurrent edit never vanishes; the newest is the value.
    The result is in canonical (compact) form whatever form `a` and `b` came in."""
    if a == b:
        return _compact_entries(name, a)
    by_stamp: dict[str, Entry] = {}
    for entry in (*a, *b):
        entry = compact_entry(name, entry)
        known = by_stamp.get(entry[1])
        by_stamp[entry[1]] = entry if known is None or known == entry else _pick(known, entry)
    entries = sorted(by_stamp.values(), key=lambda e: stamp_key(e[1]))
    return [e for e in entries if not any(o is not e and _covered(e, o) for o in entries)]


def merge_card(a: CardState, b: CardState) -> CardState:
    """Join two states of one card; the result is in canonical (compact) form."""
    if a == b:
        return compact_card(a)
    fa, fb = a["f"], b["f"]
    fields: dict[str, list[Entry]] = {}
    for name in fa.keys() | fb.keys():
        if name in fa and name in fb:
            fields[name] = merge_entries(name, fa[name], fb[name])
        else:
            fields[name] = _compact_entries(name, fa[name] if name in fa else fb[name])
    timeline = dict(a["t"])
    for event_id, event in b["t"].items():
        known = timeline.setdefault(event_id, event)
        if known is not event and known != event:
            timeline[event_id] = _pick(known, event)
    return {"f": dict(sorted(fields.items())), "t": dict(sorted(timeline.items()))}


_STAMP = re.compile(r"\d{13}\.\d{5}\.[0-9a-zA-Z_-]{1,64}")  # what `store.cards.clock` writes


def malformed(card: Any, thorough: bool = False) -> str | None:
    """What is wrong with a card's state, or None when it can be merged: the one check of
    card data that comes from elsewhere (a replica, a backup).

    The quick check (the shape a merge relies on) runs for every card a replica brings: only
    authenticated files get there, so it guards against a newer app's format or a bug, not an
    attacker, and a bad card must be a clear error, never a crash halfway through a merge. A
    backup is a file anyone may have edited: `thorough` also checks every stamp, every event's
    id and time, and that the fields read as a card.
    """
    if (
        not isinstance(card, dict)
        or not isinstance(card.get("f"), dict)
        or not isinstance(card.get("t"), dict)
    ):
        return "its state is not a card's fields and timeline"
    for name, entries in card["f"].items():
        if type(entries) is not list or not entries:
            return f"field {name!r} holds no versions"
        for entry in entries:
            # `type(...) is` rather than isinstance: this runs for every version of every card
            # a replica brings (JSON makes exactly these types).
            if (
                type(entry) is not list
                or not 2 <= len(entry) <= 3
                or type(entry[1]) is not str
                or (len(entry) == 3 and type(entry[2]) is not dict)
                or (thorough and not _stamped(entry))
            ):
                return f"field {name!r} has a malformed version"
    for event_id, event in card["t"].items():
        if type(event) is not dict or "id" not in event:
            return f"timeline event {event_id!r} is malformed"
        if thorough:
            if event["id"] != event_id or type(event.get("kind")) is not str:
                return f"timeline event {event_id!r} is malformed"
            try:
                if parse_iso_utc(str(event.get("at") or "")) is None:
                    return f"timeline event {event_id!r} has no time"
            except (ValueError, OverflowError):
                return f"timeline event {event_id!r} has no time"
    if thorough:
        try:
            card_view("-", card)
        except (ValueError, TypeError, AttributeError, KeyError):
            return "its fields do not read as a card"
    return None


def _stamped(entry: Entry) -> bool:
    """Every stamp of a version is one the clock could have written."""
    if not _STAMP.fullmatch(entry[1]):
        return False
    return len(entry) == 2 or all(
        type(device) is str and type(stamp) is str and _STAMP.fullmatch(stamp)
        for device, stamp in entry[2].items()
    )


def check_state(card_id: str, state: Any) -> CardState:
    """A card's state from a backup, checked thoroughly (`malformed`), in canonical form."""
    if not CARD_ID.fullmatch(card_id):
        raise BadValue(f"bad card id {card_id!r}")
    problem = malformed(state, thorough=True)
    if problem:
        raise BadValue(problem)
    return compact_card({"f": dict(state["f"]), "t": dict(state["t"])})


def merge_cards(
    mine: dict[str, CardState], theirs: dict[str, CardState]
) -> tuple[dict[str, CardState], set[str]]:
    """Merge `theirs` into a copy of `mine`; also return the ids whose state changed.

    Raises `ValueError` naming the card when `theirs` holds a card that cannot be merged.
    """
    updates = merged_updates(mine, theirs)
    return ({**mine, **updates} if updates else dict(mine)), set(updates)


def merged_updates(
    mine: dict[str, CardState], theirs: dict[str, CardState]
) -> dict[str, CardState]:
    """The new state of every card that merging `theirs` into `mine` changes, and only those:
    the work grows with what `theirs` holds, not with `mine` (a change from another laptop
    touches one card of thousands). `mine` is left as it is.

    Raises `ValueError` naming the card when `theirs` holds a card that cannot be merged.
    """
    merged: dict[str, CardState] = {}
    for card_id, card in theirs.items():
        current = mine.get(card_id)
        if current is not None and current == card:
            continue
        if current is None and not CARD_ID.fullmatch(card_id):
            raise ValueError(f"card {card_id!r} has an id this app never makes")
        if current is None and _taken_as_is(card):
            merged[card_id] = card
            continue
        problem = malformed(card)
        if problem:
            raise ValueError(f"card {card_id!r} is damaged: {problem}")
        if current is None:
            merged[card_id] = compact_card(card)
            continue
        result = merge_card(current, card)
        if result != current:
            merged[card_id] = result
    return merged


def _taken_as_is(card: Any) -> bool:
    """True when `card` is sound and already canonical in the form nearly every stored card
    has (each field one compact version, each event an object with an id): `malformed` and
    `compact_card` in one walk instead of two, for every card a replica brings to a board
    that does not hold it (every card, when a board opens). Its stamps are interned on the
    way, as `compact_card` does. False sends the card the long way, which finds the same
    card sound or says what is wrong with it."""
    if type(card) is not dict:
        return False
    fields, timeline = card.get("f"), card.get("t")
    if type(fields) is not dict or type(timeline) is not dict:
        return False
    if not _one_version_each(fields):
        return False
    return all(type(event) is dict and "id" in event for event in timeline.values())


def _one_version_each(fields: dict[str, Any]) -> bool:
    """True when every field holds one version in the compact form `[value, stamp]`, its
    stamp text: the canonical form as it is. The stamps are interned on the way (a card's
    fields are mostly one write's, and a board read from a replica would otherwise hold one
    copy of the same stamp per field: about 5 MiB at 10,000 cards)."""
    for entries in fields.values():
        if type(entries) is not list or len(entries) != 1:
            return False
        entry = entries[0]
        if type(entry) is not list or len(entry) != 2 or type(entry[1]) is not str:
            return False
        entry[1] = intern(entry[1])
    return True


def write_entry(
    name: str,
    entries: list[Entry] | None,
    value: Any,
    stamp: str,
    replaces: Iterable[str] | None = None,
) -> list[Entry]:
    """A new write of field `name`.

    It replaces the entries whose stamps are in `replaces` (the versions the user saw; all of
    them when None). Entries it did not replace stay beside it: for a text field they show as
    conflicts, so a version that arrived while the user was typing is not lost.
    """
    known = None if replaces is None else set(replaces)
    seen: dict[str, str] = {}
    kept: list[Entry] = []
    for entry in entries or ():
        if known is not None and entry[1] not in known:
            kept.append(entry)
            continue
        for device, s in entry_seen(entry).items():
            if device not in seen or stamp_key(s) > stamp_key(seen[device]):
                seen[device] = s
    seen[stamp_device(stamp)] = stamp
    new = compact_entry(name, [value, stamp, dict(sorted(seen.items()))])
    kept = [e for e in kept if not _covered(e, new)]
    return sorted([*kept, new], key=lambda e: stamp_key(e[1]))


def version_text(name: str, value: Any) -> str:
    """One version of a field as a person reads and types it (`resolve --keep` matches this)."""
    if value is None:
        return ""
    if name == "interviewers":
        return "; ".join(str(Interviewer.from_json(i)) for i in _items(value))
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    return _text(value)


def current_value(name: str, entries: list[Entry] | None) -> Any:
    if not entries:
        return DEFAULTS.get(name)
    if len(entries) == 1:
        return entries[0][0]
    return max(entries, key=lambda e: stamp_key(e[1]))[0]


@dataclass(frozen=True, slots=True)
class Interviewer:
    name: str
    title: str = ""
    email: str = ""

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "title": self.title, "email": self.email}

    @classmethod
    def from_json(cls, data: Any) -> Interviewer:
        if not isinstance(data, dict):
            return cls(name=_text(data))
        return cls(
            name=_text(data.get("name", "")),
            title=_text(data.get("title", "")),
            email=_text(data.get("email", "")),
        )

    def __str__(self) -> str:
        text = self.name
        if self.title:
            text += f", {self.title}"
        if self.email and self.email != self.name:  # a bare address is its own name
            text += f" <{self.email}>"
        return text


@dataclass(frozen=True, slots=True)
class Event:
    """One timeline entry: a stage move, a note sent, an answer, a new round…"""

    id: str
    kind: str
    at: datetime
    device: str
    data: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "at": iso_utc(self.at),
            "device": self.device,
            **self.data,
        }


@dataclass(frozen=True, slots=True)
class Conflict:
    """A value that lost to a concurrent write of the same field; kept until the user picks."""

    field: str
    value: Any
    stamp: str

    @property
    def device(self) -> str:
        return stamp_device(self.stamp)


@dataclass(frozen=True, slots=True)
class Card:
    """A read-only view of one job application, as the merged state says it is now."""

    id: str
    company: str
    role: str
    stage: str
    round: str
    interviewed_at: datetime | None
    interviewers: tuple[Interviewer, ...]
    key_points: tuple[str, ...]
    questions: tuple[str, ...]
    promised_by: date | None
    links: tuple[str, ...]
    contact_email: str
    notes: str
    tags: tuple[str, ...]
    outcome: str | None
    learned: str
    deleted: bool
    created_at: datetime | None
    timeline: tuple[Event, ...]
    conflicts: dict[str, tuple[Conflict, ...]]
    updated: str  # newest stamp of any field: a cheap change marker
    # The stamps of every stored version of each field, newest first. An editor passes the Card
    # it showed to `Board.edit(..., seen=card)` so a version that arrived meanwhile is kept.
    versions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    duration: int | None = None  # minutes; None: the usual hour
    questions_to_ask: tuple[str, ...] = ()
    research: str = ""
    # --- issue 14, parts 1–3: the posting, what was sent, the offer --------------------------
    posting_url: str = ""
    posting_text: str = ""
    resume: str = ""  # the label of the résumé version sent ("v3-backend")
    offer: Offer = field(default_factory=Offer)
    attachments: tuple[Attachment, ...] = ()
    # --- end of issue 14, parts 1–3 ----------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The stable, documented shape of `--json` output (see README)."""
        return {
            "id": self.id,
            "company": self.company,
            "role": self.role,
            "stage": self.stage,
            "round": self.round,
            "interviewed_at": iso_utc(self.interviewed_at) if self.interviewed_at else None,
            "interviewers": [i.to_json() for i in self.interviewers],
            "key_points": list(self.key_points),
            "questions": list(self.questions),
            "promised_by": self.promised_by.isoformat() if self.promised_by else None,
            "links": list(self.links),
            "contact_email": self.contact_email,
            "notes": self.notes,
            "tags": list(self.tags),
            "outcome": self.outcome,
            "learned": self.learned,
            "deleted": self.deleted,
            "created_at": iso_utc(self.created_at) if self.created_at else None,
            "conflicts": {
                name: [{"value": c.value, "device": c.device, "stamp": c.stamp} for c in items]
                for name, items in self.conflicts.items()
            },
            "timeline": [e.to_json() for e in self.timeline],
            "duration": self.duration,
            "questions_to_ask": list(self.questions_to_ask),
            "research": self.research,
            # issue 14, parts 1–3
            "posting": {"url": self.posting_url, "text": self.posting_text},
            "resume": self.resume,
            "attachments": [a.to_json() for a in self.attachments],
            "offer": self.offer.to_json() if self.offer else None,
        }

    def stored_as_is(self) -> list[Any]:
        """The parts of `to_json()` copied from the stored state as they are, which may be of
        any JSON type (a float, a huge integer): each event's data, each conflicting value,
        and the offer's amount. All the rest the view made text, integers, booleans or null
        (`store.vault.encoding.indented_json` looks through these alone)."""
        found: list[Any] = [e.data for e in self.timeline]
        for items in self.conflicts.values():
            found += [c.value for c in items]
        if self.offer:
            found.append(self.offer.amount)
        return found

    @property
    def people(self) -> str:
        return ", ".join(i.name for i in self.interviewers)

    @property
    def heading(self) -> str:
        """ "Acme — Backend developer", or "Acme" alone: a card without a role has no dash."""
        return f"{self.company} — {self.role}" if self.role.strip() else self.company

    @property
    def closed_at(self) -> datetime | None:
        """When a closed card was closed (its latest move to closed; an undone one is not in
        the timeline), or None: open, or imported closed without a move."""
        if self.stage != "closed":
            return None
        closes = [e.at for e in self.timeline if e.kind == "moved" and e.get("to") == "closed"]
        return max(closes) if closes else None


def iso_utc(moment: datetime) -> str:
    """`moment` in UTC as `2026-05-04T14:00:00Z`: `strftime`'s text, written from the parts
    (three times faster than `strftime`, and a third faster than `isoformat` cut to size;
    `--json` writes two or three per card). `%d` writes every year from 1000 on as `%Y`
    does; an earlier one, `strftime` writes unpadded."""
    moment = moment.astimezone(UTC)
    year = moment.year
    if year < 1000:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return "%d-%02d-%02dT%02d:%02d:%02dZ" % (  # noqa: UP031 (faster than a format string)
        year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
    )


def parse_iso_utc(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


_NO_TIME = datetime.fromtimestamp(0, UTC)  # an event's time when it holds none that reads
_EVENT_OWN = frozenset(("id", "kind", "at", "device"))  # an event's keys that are not its data


def _event_from_json(data: dict[str, Any]) -> Event:
    extra = {
        k: _text(v) if isinstance(v, str) else v for k, v in data.items() if k not in _EVENT_OWN
    }
    return _event_of(  # as Event(...) makes it
        (
            str(data["id"]),
            _text(data.get("kind", "")),
            _moment(data.get("at")) or _NO_TIME,
            _text(data.get("device", "")),
            extra,
        )
    )


# --- reading a stored value as the view shows it ---------------------------------------------
# A card's state comes from other devices' replicas and from backups: it may hold a value of
# the wrong type (a newer app, a bug, a hand-edited backup), a date no calendar sum can take
# (year 9999), or text with terminal escape codes. The view is total: every state that merges
# gives a Card whose text holds no control character, whose stage and outcome are known ones
# and whose dates are within the years the app accepts. The stored state is left exactly as
# it is (a backup still carries it), so nothing is lost.


def _text(value: Any) -> str:
    if type(value) is str:  # nearly every stored text, and nearly always printable: at once
        return value if value.isprintable() else clean_text(value)
    if value is None:
        return ""
    return clean_text(value if isinstance(value, str) else str(value))


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _texts(value: Any) -> tuple[str, ...]:
    if type(value) is list:  # as JSON gives it (a list comprehension: no generator to run)
        return tuple([_text(v) for v in value if v is not None])
    return tuple(_text(v) for v in _items(value) if v is not None)


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = parse_iso_utc(value)
    except (ValueError, OverflowError):
        return None
    return moment if moment is not None and FIRST_YEAR <= moment.year <= LAST_YEAR else None


def _day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def _minutes(value: Any) -> int | None:
    return value if type(value) is int and 0 < value <= 24 * 60 else None


def _known(value: Any, known: tuple[str, ...], default: str | None) -> str | None:
    return value if isinstance(value, str) and value in known else default


def _stage(value: Any) -> str:
    return _known(value, STAGES, "interviewed") or "interviewed"


def _outcome(value: Any) -> str | None:
    return _known(value, OUTCOMES, None)


def _interviewers(value: Any) -> tuple[Interviewer, ...]:
    return tuple(Interviewer.from_json(i) for i in _items(value))


def _deleted(value: Any) -> bool:
    return value is True


# How the view reads each stored field, into the Card attribute of the same name: any stored
# value, of any type, becomes one of the attribute's type.
_READERS: dict[str, Callable[[Any], Any]] = {
    **dict.fromkeys(("company", "role", "round", "contact_email", "notes", "learned"), _text),
    **dict.fromkeys(("research", "posting_url", "posting_text", "resume"), _text),
    **dict.fromkeys(("key_points", "questions", "links", "tags", "questions_to_ask"), _texts),
    "stage": _stage,
    "outcome": _outcome,
    "interviewed_at": _moment,
    "created_at": _moment,
    "interviewers": _interviewers,
    "promised_by": _day,
    "deleted": _deleted,
    "duration": _minutes,
}
# A Card is made from a row of its attributes in their order: thirty keyword arguments cost
# a view more than all its reading did. The row starts as the view of a card that holds no
# field (read once here), and each field the card holds (seven or eight of the thirty)
# replaces its place.
_CARD_ORDER: tuple[str, ...] = tuple(f.name for f in dataclass_fields(Card))
_PLACE: dict[str, tuple[int, Callable[[Any], Any]]] = {
    name: (_CARD_ORDER.index(name), read) for name, read in _READERS.items()
}
_EMPTY_ROW: tuple[Any, ...] = tuple(
    _READERS[name](DEFAULTS.get(name)) if name in _READERS else None for name in _CARD_ORDER
)
(_ID, _TIMELINE, _CONFLICTS, _UPDATED, _VERSIONS, _OFFER, _ATTACHMENTS) = (
    _CARD_ORDER.index(name)
    for name in ("id", "timeline", "conflicts", "updated", "versions", "offer", "attachments")
)
if len(_PLACE) + 7 != len(_CARD_ORDER):  # every attribute is read, or set below
    raise AssertionError("a Card attribute the view does not make")


_NO_STAMP = object()  # no stamp compared yet (not None: a stamp of any value is compared)


def _maker(cls: type[T]) -> Callable[[Sequence[Any]], T]:
    """What makes an instance of the frozen, slotted dataclass `cls` from every attribute in
    order, as `cls(*values)` does: its slots written directly. A frozen dataclass's `__init__`
    sets each attribute through `object.__setattr__` by name: 7-8 µs of a card's view (a
    fifth of it) for the thirty of a `Card`, 4 µs this way."""
    if hasattr(cls, "__post_init__"):
        raise AssertionError(f"{cls.__name__}.__init__ does more than set its attributes")
    slots = tuple(vars(cls)[f.name].__set__ for f in dataclass_fields(cls))
    count, new = len(slots), object.__new__

    def make(values: Sequence[Any]) -> T:
        if len(values) != count:  # as `cls(*values)` refuses it: never half a card
            raise TypeError(f"{cls.__name__} takes {count} values, not {len(values)}")
        made = new(cls)
        any(map(call, slots, repeat(made), values))  # (each set gives None: none stops it)
        return made

    return make


_card_of = _maker(Card)
_event_of = _maker(Event)


def card_view(card_id: str, state: CardState) -> Card:
    fields = state["f"]
    row = list(_EMPTY_ROW)
    offered: dict[str, Any] = {}  # the offer's fields the card holds (nearly always none)
    conflicts: dict[str, tuple[Conflict, ...]] = {}
    versions: dict[str, tuple[str, ...]] = {}
    updated, updated_key = "", ""  # stamp_key("") is ""
    last: object = _NO_STAMP  # the stamp last compared: a card's fields mostly share one
    alone: dict[str, tuple[str]] = {}  # one tuple per stamp
    for name, entries in fields.items():
        if len(entries) == 1:  # nearly every field: one version, nothing to sort or compare
            value, stamp = entries[0][0], entries[0][1]
            if stamp is not last:
                last, key = stamp, stamp_key(stamp)
                if key > updated_key:
                    updated, updated_key = stamp, key
            versions[name] = alone.get(stamp) or alone.setdefault(stamp, (stamp,))
        elif not entries:
            continue
        else:
            newest = max(entries, key=lambda e: stamp_key(e[1]))
            value = newest[0]
            key = stamp_key(newest[1])
            if key > updated_key:
                updated, updated_key = newest[1], key
            versions[name] = tuple(sorted((e[1] for e in entries), key=stamp_key, reverse=True))
            if name in TEXT_FIELDS:
                others = sorted(
                    (e for e in entries if e is not newest), key=lambda e: stamp_key(e[1])
                )
                conflicts[name] = tuple(Conflict(name, e[0], e[1]) for e in reversed(others))
        place = _PLACE.get(name)
        if place is not None:
            row[place[0]] = place[1](value)
        elif name in _OFFER_READS:
            offered[name] = value
    timeline = state["t"]
    if len(timeline) == 1:  # a card just added: its one event, nothing to order
        events = [_event_from_json(event) for event in timeline.values()]
    else:
        events = sorted((_event_from_json(e) for e in timeline.values()), key=_event_order)
    events = in_effect(events)
    row[_ID] = card_id
    row[_TIMELINE] = tuple(events)
    row[_CONFLICTS] = conflicts
    row[_UPDATED] = updated
    row[_VERSIONS] = versions
    row[_OFFER] = (
        offer_view(lambda n: offered[n] if n in offered else DEFAULTS.get(n))
        if offered
        else _NO_OFFER
    )
    row[_ATTACHMENTS] = attachments_view(events)
    return _card_of(row)


def _event_order(event: Event) -> tuple[datetime, str]:
    return event.at, event.id


def _offer_reads() -> tuple[frozenset[str], Offer]:
    """The fields `offer_view` reads, and the offer of a card that holds none of them: shared
    by every such card (an `Offer` is frozen), instead of one worked out per card."""
    read: set[str] = set()

    def value(name: str) -> Any:
        read.add(name)
        return DEFAULTS.get(name)

    empty = offer_view(value)
    return frozenset(read), empty


_OFFER_READS, _NO_OFFER = _offer_reads()
