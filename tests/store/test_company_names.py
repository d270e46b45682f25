"""Before re-applying: one company-name normaliser, so `INITECH, Inc.` finds `Initech`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from store.cards.board import Board
from store.cards.companies import application_line, company_key, earlier_applications

WHEN = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("INITECH, Inc.", "Initech"),
        ("Initech LLC", "initech"),
        ("The Initech Company", "Initech"),
        ("Initech GmbH & Co. KG", "Initech"),
        ("Hooli Ltd.", "Hooli Limited"),
        ("Acme Corp", "ACME Corporation"),
        ("Société Générale S.A.", "Societe Generale"),
        ("Booking.com B.V.", "booking.com"),
        ("Procter & Gamble plc", "Procter and Gamble"),
        ("  Wayne   Enterprises, Inc  ", "wayne enterprises"),
        ("Globex SAS", "GLOBEX"),
        ("Umbrella AG", "Umbrella"),
        ("Nokia Oyj", "Nokia"),
    ],
)
def test_names_that_mean_one_employer_compare_equal(one: str, other: str) -> None:
    assert company_key(one) == company_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("Initech", "Initrode"), ("Acme", "Acme Labs"), ("Co", "Corp"), ("AB", "ABB")],
)
def test_different_employers_stay_apart(one: str, other: str) -> None:
    assert company_key(one) != company_key(other)


def test_a_name_that_is_only_a_legal_form_keeps_its_word() -> None:
    assert company_key("Co") == "co"
    assert company_key("") == ""


def test_earlier_applications_name_how_each_went_and_leave_the_trash_out() -> None:
    board = Board("aaaaaaaaaaaa")
    closed = board.add({"company": "Initech", "role": "Analyst", "interviewed_at": WHEN}, at=WHEN)
    board.move(closed, "closed", outcome="rejected", at=datetime(2026, 10, 31, 12, 0, tzinfo=UTC))
    open_one = board.add({"company": "initech inc", "interviewed_at": WHEN}, at=WHEN)
    board.move(open_one, "waiting", at=datetime(2026, 11, 2, 12, 0, tzinfo=UTC))
    trashed = board.add({"company": "Initech"}, at=WHEN)
    board.delete(trashed)
    board.add({"company": "Initrode"}, at=WHEN)
    new = board.add({"company": "INITECH, Inc."})
    found = earlier_applications(board.all(include_deleted=True), "INITECH, Inc.", except_id=new)
    assert [c.id for c in found] == [open_one, closed]  # newest first
    assert application_line(board.card(closed), UTC) == "Initech — rejected 2026-10-31 (Analyst)"
    assert (
        application_line(board.card(open_one), UTC)
        == "initech inc — waiting, interviewed 2026-10-01"
    )
    assert earlier_applications(board.all(), "Nobody") == []
    before_it = datetime(2026, 9, 30, tzinfo=UTC)  # the interview still ahead: not "interviewed"
    assert (
        application_line(board.card(open_one), UTC, before_it)
        == "initech inc — waiting, interview 2026-10-01"
    )
    ahead = board.add({"company": "Initech", "interviewed_at": WHEN}, at=before_it)
    assert application_line(board.card(ahead), UTC, before_it) == "Initech — interview 2026-10-01"
