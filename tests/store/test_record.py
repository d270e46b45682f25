"""The record of the search (store/transfer/record.py): every application, interview, stage
change, note sent, answer and outcome of a period, in date order, as Markdown and CSV."""

from __future__ import annotations

import csv
import io
import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from store.cards.board import Board
from store.cards.model import Interviewer
from store.errors import BadValue
from store.notes.flow import record_round
from store.transfer.record import Period, steps, to_activity, to_report

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def utc() -> Iterator[None]:
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if saved is None:
        os.environ.pop("TZ")
    else:
        os.environ["TZ"] = saved
    time.tzset()


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=UTC)


def story(board: Board) -> tuple[str, str]:
    """Acme: applied, interviewed, thanked, answered, a second round, rejected. Globex: later."""
    acme = board.add(
        {
            "company": "Acme",
            "role": "Backend",
            "interviewed_at": at(3, 14),
            "round": "first",
            "interviewers": [Interviewer("Ann Lee", "CTO", "ann@acme.io")],
        },
        at=at(1),
    )
    board.log(acme, "note_sent", at=at(4), template="thank-you", subject="Thank you, Ann", text="…")
    board.move(acme, "thanked", at=at(4))
    board.log(acme, "answered", at=at(6), text="Come back for a second round\nBest, Ann")
    record_round(board, acme, at(10, 9), "second", at=at(6))
    board.move(acme, "closed", outcome="rejected", at=at(12))
    globex = board.add({"company": "Globex", "role": "SRE"}, at=at(20))
    return acme, globex


def test_every_kind_of_step_is_listed_in_date_order() -> None:
    board = Board("aaaaaaaaaaaa")
    acme, globex = story(board)
    found = [(s.at, s.card.id, s.event, s.detail) for s in steps(board.all(), Period(), NOW)]
    assert found == [
        (at(1), acme, "application", "card created"),
        (at(3, 14), acme, "interview", "at 14:00"),
        (at(4), acme, "note sent", "Thank you, Ann"),
        (at(4), acme, "stage change", "Interviewed → Thanked"),
        (at(6), acme, "answer", "Come back for a second round"),
        (at(6), acme, "stage change", "Thanked → Interviewed"),
        (at(10, 9), acme, "interview", "at 09:00, second round, with Ann Lee"),
        (at(12), acme, "outcome", "rejected"),
        (at(20), globex, "application", "card created"),
    ]


def test_a_period_keeps_whole_days_at_both_ends() -> None:
    board = Board("aaaaaaaaaaaa")
    story(board)
    period = Period(date(2026, 11, 4), date(2026, 11, 10))
    events = [s.event for s in steps(board.all(), period, NOW)]
    assert events == ["note sent", "stage change", "answer", "stage change", "interview"]


def test_since_after_until_is_one_clear_error() -> None:
    with pytest.raises(BadValue, match=r"--since 2026-12-01 is after --until 2026-11-01"):
        Period(date(2026, 12, 1), date(2026, 11, 1))


def test_a_card_made_after_its_interview_dates_the_application_by_the_interview() -> None:
    board = Board("aaaaaaaaaaaa")
    card = board.add({"company": "Acme", "interviewed_at": at(2)}, at=at(9))
    (first, *_) = steps(board.all(), Period(), NOW)
    assert (first.at, first.card.id, first.event) == (at(2), card, "application")
    assert "made later" in first.detail


def test_an_interview_ahead_is_scheduled_and_the_trash_is_left_out() -> None:
    board = Board("aaaaaaaaaaaa")
    board.add({"company": "Acme", "interviewed_at": NOW + timedelta(days=2)}, at=at(1))
    gone = board.add({"company": "Trashed"}, at=at(2))
    board.delete(gone)
    found = steps(board.all(include_deleted=True), Period(), NOW)
    assert [s.card.company for s in found] == ["Acme", "Acme"]
    assert found[-1].detail.endswith("scheduled")


def test_a_card_closed_without_a_move_still_has_its_outcome() -> None:
    board = Board("aaaaaaaaaaaa")
    board.add({"company": "Acme", "stage": "closed", "outcome": "offer"}, at=at(5))
    assert [(s.event, s.detail) for s in steps(board.all(), Period(), NOW)][-1] == (
        "outcome",
        "offer",
    )


def test_the_activity_csv_has_the_five_columns_and_defuses_formulas() -> None:
    board = Board("aaaaaaaaaaaa")
    board.add({"company": '=HYPERLINK("http://x")', "role": "Dev, senior"}, at=at(1))
    rows = list(csv.reader(io.StringIO(to_activity(steps(board.all(), Period(), NOW)))))
    assert rows[0] == ["date", "company", "role", "event", "detail"]
    assert rows[1] == [
        "2026-11-01",
        '\'=HYPERLINK("http://x")',
        "Dev, senior",
        "application",
        "card created",
    ]


def test_the_report_is_markdown_that_shows_text_as_typed_and_runs_none_of_it() -> None:
    board = Board("aaaaaaaaaaaa")
    story(board)
    board.add({"company": "Evil | <script>alert(1)</script>", "role": "*x*"}, at=at(21))
    report = to_report(steps(board.all(), Period(), NOW), Period(), NOW, name="Sam Doe")
    assert report.startswith("# Record of the job search: Sam Doe\n")
    assert "Period: the first card to 2026-11-30 (today)." in report
    assert (
        "3 applications; 2 interviews; 1 note sent; 1 answer received; outcomes: 1 rejected."
        in report
    )
    assert "| 2026-11-12 | Acme | Backend | outcome | rejected |" in report
    assert "<script>" not in report and "Evil \\| &lt;script>" in report and "\\*x\\*" in report
    table = [line for line in report.splitlines() if line.startswith("| 2026")]
    assert all(line.count(" | ") == 4 for line in table)  # a `|` typed on a card ends no cell


def test_an_empty_period_says_so() -> None:
    board = Board("aaaaaaaaaaaa")
    story(board)
    period = Period(date(2026, 1, 1), date(2026, 1, 31))
    report = to_report(steps(board.all(), period, NOW), period, NOW)
    assert "Nothing happened in this period." in report
    assert "2026-01-01 to 2026-01-31" in report
