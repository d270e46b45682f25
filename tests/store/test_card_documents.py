"""The posting, the résumé label, attachments and the offer as card fields: parsing, the one
check of what may be stored, merging across laptops, and the offer's deadline as a due item."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from store.cards.board import Board
from store.cards.documents import (
    ATTACHED,
    DETACHED,
    POSTING_MAX_BYTES,
    check_attachment_name,
    parse_amount,
    parse_currency,
)
from store.cards.fields import field_value
from store.cards.offers import offer_rows
from store.errors import BadValue
from store.notes.due import OFFER_DEADLINE, board_items

A, B = "aaaaaaaaaaaa", "bbbbbbbbbbbb"
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
SHA = "ab" * 32


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("85000", "85000"),
        ("85,000", "85000"),
        ("85.000", "85000"),
        ("85 000", "85000"),
        ("85k", "85000"),
        ("1.2m", "1200000"),
        ("85,5", "85.5"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
    ],
)
def test_a_salary_reads_as_people_write_it(typed: str, stored: str) -> None:
    assert parse_amount(typed) == stored


@pytest.mark.parametrize("typed", ["abc", "€85k", "85 EUR", "1,23,4", "12.34.5", "85,", "-5"])
def test_a_salary_that_is_not_a_number_is_one_clear_error(typed: str) -> None:
    with pytest.raises(BadValue, match="Bad salary"):
        parse_amount(typed)


def test_a_currency_is_three_letters_and_nothing_else() -> None:
    assert parse_currency(" eur ") == "EUR"
    for bad in ("EURO", "€", "E1R", "", "US"):
        with pytest.raises(BadValue, match="three-letter code"):
            parse_currency(bad)


@pytest.mark.parametrize("name", ["../x", "a/b.pdf", "..", "cv..pdf", "a\\b", "x\x1b[2J", ""])
def test_an_attachment_name_with_a_path_or_controls_is_refused(name: str) -> None:
    with pytest.raises(BadValue):
        check_attachment_name(name)


def test_a_posting_over_the_cap_is_refused_and_nothing_is_written() -> None:
    board = Board(A)
    card = board.add({"company": "Acme"})
    with pytest.raises(BadValue, match="256 KB"):
        board.edit(card, {"posting_text": "x" * (POSTING_MAX_BYTES + 1)})
    assert board.card(card).posting_text == ""
    board.edit(card, {"posting_text": "x" * POSTING_MAX_BYTES})  # exactly the cap fits
    assert len(board.card(card).posting_text) == POSTING_MAX_BYTES


def test_the_form_reads_offer_fields_with_the_same_parsers_as_the_cli() -> None:
    assert field_value("salary", "85k") == "85000"
    assert field_value("currency", "gbp") == "GBP"
    assert field_value("answer_by", "2026-12-10", now=NOW) == date(2026, 12, 10)
    with pytest.raises(BadValue):
        field_value("currency", "pounds")


def test_offer_parts_edited_on_two_laptops_merge_and_a_concurrent_salary_is_a_conflict() -> None:
    a = Board(A)
    card = a.add({"company": "Acme", "salary": "80000", "currency": "EUR"})
    b = Board(B)
    b.merge(a.tables())
    a.edit(card, {"salary": "85000", "bonus": "10%"})
    b.edit(card, {"salary": "90000", "answer_by": date(2026, 12, 10)})
    a.merge(b.tables())
    b.merge(a.tables())
    for board in (a, b):
        view = board.card(card)
        assert view.offer.bonus == "10%" and view.offer.answer_by == date(2026, 12, 10)
        assert "salary" in view.conflicts  # neither laptop's number is lost
        values = {view.offer.salary, *(c.value for c in view.conflicts["salary"])}
        assert values == {"85000", "90000"}
    assert a.card(card).to_json() == b.card(card).to_json()


def _attach(board: Board, card: str, name: str, blob: str = "cd" * 32) -> str:
    return board.log(card, ATTACHED, name=name, size=12, sha256=SHA, blob=blob)


def test_files_attached_on_two_laptops_at_once_are_both_kept_and_a_detach_travels() -> None:
    a = Board(A)
    card = a.add({"company": "Acme"})
    b = Board(B)
    b.merge(a.tables())
    first = _attach(a, card, "resume-v3.pdf")
    _attach(b, card, "cover-letter.pdf")
    a.merge(b.tables())
    b.merge(a.tables())
    assert sorted(x.name for x in a.card(card).attachments) == ["cover-letter.pdf", "resume-v3.pdf"]
    b.log(card, DETACHED, attachment=first, name="resume-v3.pdf")
    a.merge(b.tables())
    assert [x.name for x in a.card(card).attachments] == ["cover-letter.pdf"]
    shown = a.card(card).to_json()["attachments"][0]
    assert {"name", "size", "sha256", "added_at"} <= set(shown)


def test_an_attach_event_of_the_wrong_shape_is_passed_over_not_a_crash() -> None:
    board = Board(A)
    card = board.add({"company": "Acme"})
    board.log(card, ATTACHED, name="x.pdf", size="big", sha256=SHA, blob="../../etc")
    board.log(card, ATTACHED, name="", size=1, sha256=SHA, blob=SHA)
    assert board.card(card).attachments == ()
    board.log(card, ATTACHED, name="../../.bashrc", size=1, sha256=SHA, blob=SHA)
    (escaped,) = board.card(card).attachments  # from another replica: kept, under a safe name
    assert escaped.name == f"attachment-{SHA[:12]}"


def test_the_answer_by_day_is_a_due_item_until_the_card_is_closed() -> None:
    board = Board(A)
    card = board.add({"company": "Acme", "salary": "85000", "answer_by": date(2026, 12, 3)})
    items = board_items(board.all(), [], NOW, UTC, include_upcoming=True)
    assert [(i.kind, i.day, i.status(NOW, UTC)) for i in items] == [
        (OFFER_DEADLINE, date(2026, 12, 3), "upcoming")
    ]
    late = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    assert board_items(board.all(), [], late, UTC)[0].status(late, UTC) == "overdue"
    assert items[0].to_json(NOW, UTC)["kind"] == "offer-deadline"
    board.move(card, "closed", outcome="offer")
    assert board_items(board.all(), [], NOW, UTC, include_upcoming=True) == []


def test_offers_are_listed_by_deadline_open_ones_first_and_old_closed_ones_left_out() -> None:
    board = Board(A)
    later = board.add({"company": "Later", "salary": "1", "answer_by": date(2026, 12, 20)})
    sooner = board.add({"company": "Sooner", "salary": "1", "answer_by": date(2026, 12, 5)})
    undated = board.add({"company": "Undated", "salary": "1", "currency": "USD"})
    board.add({"company": "No offer"})
    old = board.add({"company": "Old", "salary": "1", "answer_by": date(2026, 1, 5)})
    board.move(old, "closed", outcome="offer", at=datetime(2026, 1, 6, tzinfo=UTC))
    rows = offer_rows(board.all(), date(2026, 12, 1))
    assert [r.card.id for r in rows] == [sooner, later, undated]
    assert rows[0].days_left == 4 and rows[0].days_text() == "4 days"
    assert old in [r.card.id for r in offer_rows(board.all(), date(2026, 12, 1), everything=True)]


@pytest.mark.parametrize("stored", ["Infinity", "-Infinity", "NaN", "sNaN", "1e999999999", "1e12"])
def test_a_stored_salary_no_one_could_type_reads_as_none(stored: str) -> None:
    """Another device's replica or a hand-made backup may hold any text as the salary: one
    `parse_amount` would refuse reads as no salary, never as a crash or a billion-digit
    number when the card is shown or printed as JSON."""
    from store.cards.board import Board
    from store.cards.model import card_view
    from store.vault.encoding import indented_json

    board = Board("e0000000000a")
    card_id = board.add({"company": "Acme", "currency": "EUR"})
    state = board.cards[card_id]
    state["f"]["salary"] = [[stored, "1796159470863.00000.bbbbbbbbbbbb"]]
    card = card_view(card_id, state)
    assert card.offer.salary == "" and card.offer.amount is None
    assert '"salary": null' in indented_json(card.to_json(), card.stored_as_is())
