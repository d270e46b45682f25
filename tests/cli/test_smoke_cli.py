"""The card CLI end to end on a real vault: the shortest path a new user takes."""

from __future__ import annotations

import json


def test_added_card_is_listed_and_moved(laptop) -> None:
    added = laptop.cli("add", "--company", "Acme", "--role", "Dev", "--interviewed-at", "yesterday")
    assert added.code == 0, added.err
    card_id = added.out.strip()
    assert laptop.cli("move", card_id[:5], "thanked").code == 0
    shown = json.loads(laptop.cli("show", card_id, "--json").out)
    assert shown["stage"] == "thanked"
    assert [e["kind"] for e in shown["timeline"]] == ["created", "moved"]


def test_two_laptops_on_one_folder_see_each_others_cards(make_laptop) -> None:
    a, b = make_laptop("a"), make_laptop("b")
    first = a.cli("add", "--company", "Acme").out.strip()
    second = b.cli("add", "--company", "Globex").out.strip()
    for laptop in (a, b):
        listed = {c["id"] for c in json.loads(laptop.cli("list", "--json").out)}
        assert listed == {first, second}
