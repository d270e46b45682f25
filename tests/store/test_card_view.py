"""The card view (`card_view`) reads each stored field into its attribute, whatever the field
holds, and a field's reading never depends on which other fields the card holds.

The view is built from a row of attributes in the Card's order, starting from the view of a
card that holds nothing: these tests prove that start is the view of every default, that each
field lands in its own attribute (a row place off by one would put a company in the role),
and that the quick ISO text of a moment is the one `strftime` writes.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.cards.model import DEFAULTS, FIELDS, Card, card_view, iso_utc

# Fixed examples, no deadline: the same cases on every run, however loaded the machine.
STEADY = settings(
    max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
STAMP = "1796159470863.00000.aaaaaaaaaaaa"
EVENT = {"e1": {"id": "e1", "kind": "created", "at": "2026-05-04T14:00:00Z", "device": "a"}}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
# Values a field really holds, beside values of any type, so both paths are read.
likely = st.sampled_from(
    [
        "Acme",
        "2026-05-04T14:00:00Z",
        "2026-05-04",
        "closed",
        "offer",
        ["one", "two"],
        [{"name": "Ana", "title": "CTO", "email": "ana@acme.test"}],
        90,
        True,
        "\x1b[31mred",
    ]
)
field_values = st.dictionaries(st.sampled_from(sorted(FIELDS)), likely | json_values, max_size=8)


def state(values: dict[str, Any]) -> dict[str, Any]:
    return {"f": {name: [[value, STAMP]] for name, value in values.items()}, "t": dict(EVENT)}


def attributes(card: Card) -> dict[str, Any]:
    return {f.name: getattr(card, f.name) for f in fields(Card)}


def test_a_card_holding_no_field_reads_as_one_holding_every_default() -> None:
    empty = attributes(card_view("c1", state({})))
    every = attributes(card_view("c1", state(dict(DEFAULTS))))
    for changes in ("versions", "updated"):  # what was stored, not what it reads as
        empty.pop(changes), every.pop(changes)
    assert empty == every


@STEADY
@given(field_values, field_values)
def test_each_field_reads_the_same_whatever_else_the_card_holds(
    one: dict[str, Any], other: dict[str, Any]
) -> None:
    both = attributes(card_view("c1", state({**other, **one})))
    alone = attributes(card_view("c1", state(one)))
    empty = attributes(card_view("c1", state({})))
    offer_fields = {"salary", "currency", "bonus", "equity", "offer_start", "answer_by"}
    for name in one.keys() - offer_fields:
        assert both[name] == alone[name], name
    for name in set(empty) - set(FIELDS) - {"versions", "updated", "offer"}:
        assert both[name] == alone[name] == empty[name], name  # id, timeline, conflicts…
    if not (offer_fields & (one.keys() | other.keys())):
        assert both["offer"] == empty["offer"]


@STEADY
@given(field_values)
def test_every_view_is_total_and_holds_no_control_character(values: dict[str, Any]) -> None:
    card = card_view("c1", state(values))
    for name in ("company", "role", "round", "notes", "learned", "research", "contact_email"):
        text = getattr(card, name)
        assert isinstance(text, str)
        assert not any(ord(c) < 32 and c not in "\n\t\r" for c in text), name
    for name in ("key_points", "questions", "links", "tags", "questions_to_ask"):
        assert all(isinstance(t, str) for t in getattr(card, name))
    assert card.stage in ("interviewed", "thanked", "waiting", "followed-up", "closed")
    assert card.deleted in (True, False)
    assert card.to_json()["id"] == "c1"


@STEADY
@given(
    st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
    ),
    st.integers(-23 * 60, 23 * 60),
)
def test_a_moment_in_iso_text_is_what_strftime_writes(moment: datetime, minutes: int) -> None:
    local = moment.astimezone(timezone(timedelta(minutes=minutes)))
    assert iso_utc(local) == moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_each_text_field_lands_in_its_own_attribute() -> None:
    texts = ("company", "role", "round", "contact_email", "notes", "learned", "research")
    lists = ("key_points", "questions", "links", "tags", "questions_to_ask")
    documents = ("posting_url", "posting_text", "resume")
    held = {name: name for name in texts + documents} | {name: [name] for name in lists}
    card = card_view("c1", state(held))
    assert {name: getattr(card, name) for name in texts} == {name: name for name in texts}
    assert {name: getattr(card, name) for name in lists} == {name: (name,) for name in lists}
    assert (card.posting_url, card.posting_text, card.resume) == documents


def test_no_printable_character_is_one_a_card_view_removes() -> None:
    """`clean_text` returns a printable text as it is, without its regular expression."""
    import sys

    from store.untrusted import _CONTROL_OR_BREAK

    found = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isprintable()]
    assert not [c for c in found if _CONTROL_OR_BREAK.search(c)]


def test_a_field_of_several_versions_reads_its_newest_and_keeps_the_rest_as_conflicts() -> None:
    older, newer = "1796159470863.00000.aaaaaaaaaaaa", "1796159470999.00000.bbbbbbbbbbbb"
    held = {
        "f": {
            "company": [["Acme", STAMP]],
            "notes": [["first", older], ["second", newer]],  # a text field: both kept
            "stage": [["waiting", newer], ["thanked", older]],  # a plain field: newest only
        },
        "t": dict(EVENT),
    }
    card = card_view("c1", held)
    assert (card.notes, card.stage, card.company) == ("second", "waiting", "Acme")
    assert [(c.value, c.stamp) for c in card.conflicts["notes"]] == [("first", older)]
    assert "stage" not in card.conflicts
    assert card.versions["notes"] == card.versions["stage"] == (newer, older)
    assert card.versions["company"] == (STAMP,)
    assert card.updated == newer


event_maps = st.dictionaries(
    st.sampled_from(["e1", "e2", "e3"]),
    st.fixed_dictionaries(
        {"kind": st.sampled_from(["created", "moved", "undone", "attached"]) | json_values},
        optional={"at": likely | json_values, "device": json_values, "to": json_values},
    ),
    max_size=3,
)


@STEADY
@given(field_values, event_maps)
def test_a_view_is_the_card_its_init_makes(values: dict[str, Any], events: dict) -> None:
    """The view writes a Card's slots directly, not through the frozen dataclass's `__init__`
    (a fifth of its cost): what it makes is the Card `__init__` makes of the same attributes,
    every one of them set, and as frozen; its events likewise."""
    timeline = {event_id: {"id": event_id, **event} for event_id, event in events.items()}
    card = card_view("c1", {"f": state(values)["f"], "t": timeline})
    made = Card(**attributes(card))
    assert card == made and attributes(card) == attributes(made)
    for event in card.timeline:
        again = type(event)(event.id, event.kind, event.at, event.device, event.data)
        assert event == again and repr(event) == repr(again)
    try:
        card.company = "changed"  # type: ignore[misc]
    except AttributeError:
        pass
    else:
        raise AssertionError("a view could be changed")


def test_a_view_is_never_made_of_too_few_or_too_many_attributes() -> None:
    """The slot writer takes a whole row: never a card with an attribute missing (it has no
    defaults to fill one in), nor one with a value dropped (`Card(*values)` refuses it too)."""
    import pytest

    from store.cards.model import _card_of

    row = list(attributes(card_view("c1", state({}))).values())
    assert _card_of(row) == card_view("c1", state({}))
    with pytest.raises(TypeError):
        _card_of(row[:-1])
    with pytest.raises(TypeError):
        _card_of([*row, "extra"])
    with pytest.raises(TypeError):
        Card(*row, "extra")
