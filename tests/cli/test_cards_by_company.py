"""A card named by its company where an id would go, `restore` saying what it restored, and
closing from the CLI needing an outcome (issue 11, item 17)."""

from __future__ import annotations

import json

from conftest import Laptop, add


def test_show_finds_a_card_by_its_company_whatever_the_case(laptop: Laptop) -> None:
    acme = add(laptop, "Acme Corp", "--role", "SRE")
    add(laptop, "Globex")
    for typed in ("acme corp", "ACME", "acme", "corp"):
        result = laptop.cli("show", typed, "--json")
        assert result.code == 0, (typed, result.err)
        assert json.loads(result.out)["id"] == acme
    assert laptop.cli("move", "acme", "thanked").code == 0
    assert json.loads(laptop.cli("show", acme, "--json").out)["stage"] == "thanked"


def test_a_company_that_names_several_cards_lists_them(laptop: Laptop) -> None:
    first = add(laptop, "Acme", "--role", "Backend developer")
    second = add(laptop, "Acme", "--role", "SRE")
    add(laptop, "Acme Labs")  # an exact name wins over a longer one that starts with it
    result = laptop.cli("show", "acme")
    assert result.code == 1 and result.out == ""
    lines = result.err.splitlines()
    assert lines[0] == "followup-tui: 'acme' names 2 cards; give one of their ids:"
    assert {line.split()[0] for line in lines[1:]} == {first, second}
    assert any("Acme — SRE" in line for line in lines[1:])
    assert "Traceback" not in result.err


def test_ids_stay_first_even_when_a_company_looks_like_one(laptop: Laptop) -> None:
    card_id = add(laptop, "Initech")
    add(laptop, card_id[:4])  # a company named like the first digits of another card's id
    result = laptop.cli("show", card_id[:4], "--json")
    assert json.loads(result.out)["id"] == card_id


def test_a_company_nobody_has_is_one_line(laptop: Laptop) -> None:
    add(laptop, "Acme")
    result = laptop.cli("show", "Hooli")
    assert result.code == 1 and result.err.count("\n") == 1
    assert "No card with id or company 'Hooli'" in result.err


def test_restore_says_what_it_restored(laptop: Laptop) -> None:
    card_id = add(laptop, "Hooli", "--role", "SRE", "--stage", "waiting")
    assert laptop.cli("delete", "hooli").code == 0
    result = laptop.cli("restore", "hooli")
    assert result.code == 0
    assert result.err == f"Restored Hooli — SRE ({card_id}) from the trash, back in waiting.\n"
    again = laptop.cli("restore", card_id)
    assert again.code == 0 and "is not in the trash; nothing to restore" in again.err


def test_closing_without_an_outcome_is_a_usage_error(laptop: Laptop) -> None:
    card_id = add(laptop, "Globex")
    for command in (
        ("move", card_id, "closed"),
        ("edit", card_id, "--stage", "closed"),
        ("add", "--company", "Umbrella", "--stage", "closed"),
    ):
        result = laptop.cli(*command)
        assert result.code == 2, (command, result)
        assert result.out == ""
        assert "needs --outcome offer | rejected | withdrew | no-answer" in result.err
        assert result.err.count("\n") == 1
    assert json.loads(laptop.cli("show", card_id, "--json").out)["stage"] == "interviewed"
    wrong = laptop.cli("move", card_id, "waiting", "--outcome", "offer")
    assert wrong.code == 2 and "--outcome goes with the stage closed" in wrong.err
    closed = laptop.cli("move", card_id, "closed", "--outcome", "rejected")
    assert closed.code == 0
