"""The people of a search (store/cards/people.py): one entry per person across the cards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from store.cards.board import Board
from store.cards.model import Interviewer
from store.cards.people import CONTACT, INTERVIEWER, matching, people

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def add(board: Board, company: str, *persons: Interviewer, days: int = 3, **extra) -> str:
    when = NOW - timedelta(days=days)
    fields = {"company": company, "interviewers": list(persons), "interviewed_at": when, **extra}
    return board.add(fields, at=when)


def everyone(board: Board):
    return people(board.all(), NOW)


def test_the_same_email_in_any_case_is_one_person_across_companies() -> None:
    board = Board("aaaaaaaaaaaa")
    a = add(board, "Acme", Interviewer("Rita Recruiter", "Talent", "rita@hire.example"))
    b = add(board, "Globex", Interviewer("Rita R.", "", "RITA@Hire.Example"))
    c = add(board, "Initech", Interviewer("rita", "Sourcer", "Rita@hire.example"))
    (rita,) = everyone(board)
    assert set(rita.card_ids) == {a, b, c}
    assert set(rita.companies) == {"Acme", "Globex", "Initech"}
    assert rita.email == "rita@hire.example"  # written in several cases: in small letters
    assert set(rita.titles) == {"Talent", "Sourcer"}


def test_without_an_email_the_same_name_at_the_same_company_is_one_person() -> None:
    board = Board("aaaaaaaaaaaa")
    add(board, "Acme Inc.", Interviewer("bo chen"), days=3)
    add(board, "ACME", Interviewer("Bo Chen", "EM"), days=5)
    add(board, "Globex", Interviewer("Bo Chen"))  # another company: another Bo Chen
    found = everyone(board)
    assert [(p.name, sorted(p.companies), len(p.card_ids)) for p in found] == [
        ("Bo Chen", ["Acme Inc."], 2),
        ("Bo Chen", ["Globex"], 1),
    ]


def test_a_name_without_an_email_joins_the_one_person_of_that_name_who_has_one() -> None:
    board = Board("aaaaaaaaaaaa")
    add(board, "Acme", Interviewer("Ann Lee", "CTO", "ann@acme.io"))
    add(board, "Acme", Interviewer("Ann Lee"))
    (ann,) = everyone(board)
    assert ann.email == "ann@acme.io" and len(ann.card_ids) == 2


def test_two_people_of_one_name_with_emails_keep_a_third_without_one_apart() -> None:
    board = Board("aaaaaaaaaaaa")
    add(board, "Acme", Interviewer("Sam Lee", "", "sam@acme.io"))
    add(board, "Acme", Interviewer("Sam Lee", "", "sam.lee@acme.io"))
    add(board, "Acme", Interviewer("Sam Lee"))  # which one? neither: a person of its own
    assert len(everyone(board)) == 3


def test_the_spelling_most_cards_use_is_the_name_shown() -> None:
    board = Board("aaaaaaaaaaaa")
    add(board, "Acme", Interviewer("Ann Lee", "", "ann@acme.io"), days=9)
    add(board, "Globex", Interviewer("Ann Lee", "", "ann@acme.io"), days=5)
    add(board, "Initech", Interviewer("ann lee", "", "ann@acme.io"), days=1)  # the newest
    assert [p.name for p in everyone(board)] == ["Ann Lee"]


def test_the_contact_is_a_person_too_and_meets_the_same_person_as_interviewer() -> None:
    board = Board("aaaaaaaaaaaa")
    a = add(board, "Acme", Interviewer("Ann Lee", "CTO", "ann@acme.io"))
    b = add(board, "Acme", contact_email="Ann Lee <ANN@acme.io>", days=1)
    add(board, "Globex", contact_email="jobs@globex.example")
    ann, jobs = everyone(board)
    assert [(s.card.id, s.role) for s in ann.appearances] == [(b, CONTACT), (a, INTERVIEWER)]
    assert jobs.name == "jobs@globex.example" and jobs.email == "jobs@globex.example"


def test_the_last_contact_is_the_newest_interview_note_or_answer_up_to_now() -> None:
    board = Board("aaaaaaaaaaaa")
    ann = Interviewer("Ann Lee", "", "ann@acme.io")
    a = add(board, "Acme", ann, days=10)
    board.log(a, "note_sent", at=NOW - timedelta(days=8), subject="Thanks")
    board.log(a, "answered", at=NOW - timedelta(days=2), text="Soon")
    add(board, "Globex", ann, days=-3)  # an interview still ahead is no contact yet
    (person,) = everyone(board)
    assert person.last_contact == NOW - timedelta(days=2)


def test_cards_in_the_trash_bring_nobody() -> None:
    board = Board("aaaaaaaaaaaa")
    card = add(board, "Acme", Interviewer("Ann Lee", "", "ann@acme.io"))
    board.delete(card)
    assert everyone(board) == []


def test_the_filter_finds_people_by_name_company_email_or_title_whatever_the_accents() -> None:
    board = Board("aaaaaaaaaaaa")
    add(board, "Société Générale", Interviewer("Zoë Martín", "Head of Data", "zoe@sg.example"))
    add(board, "Acme", Interviewer("Bo Chen"))
    found = everyone(board)
    for text in ("zoe", "MARTIN", "societe", "sg.example", "head of", "zoe generale"):
        assert [p.name for p in matching(found, text)] == ["Zoë Martín"], text
    assert matching(found, "nobody") == []
    assert len(matching(found, "")) == 2
