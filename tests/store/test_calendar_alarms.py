"""The calendar as a calendar app reads it (parsed with `icalendar`): an alarm on every due
note (the configured lead before a timed deadline, 09:00 on the day of a day-long one), the
interviews still to come as events of their own, and UIDs that stay the same."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from store.cards.board import Board
from store.cards.model import Interviewer
from store.errors import FollowupError
from store.notes.due import board_items
from store.notes.templates import TemplateSet
from store.transfer.calendar_file import alarm_lead
from store.transfer.ics import calendar_from_items, upcoming_interviews

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def board() -> Board:
    board = Board("aaaaaaaaaaaa")
    board.add(  # interviewed this morning: a timed thank-you, due tomorrow 08:00
        {"company": "Acme", "role": "Dev", "interviewed_at": datetime(2026, 3, 20, 8, tzinfo=UTC)}
    )
    board.add(  # waiting two weeks: day-long follow-ups
        {
            "company": "Globex",
            "stage": "waiting",
            "interviewed_at": datetime(2026, 3, 5, 9, tzinfo=UTC),
        }
    )
    board.add(  # the next round is on Monday
        {
            "company": "Initech",
            "role": "Analyst",
            "round": "second",
            "interviewed_at": datetime(2026, 3, 23, 14, tzinfo=UTC),
            "interviewers": [Interviewer("Bo Chen", "Head of data", "bo@initech.io")],
            "questions": ["How is the team split?"],
        }
    )
    board.add(  # closed: its interview is nobody's concern any more
        {
            "company": "Hooli",
            "stage": "closed",
            "outcome": "rejected",
            "interviewed_at": datetime(2026, 3, 25, 9, tzinfo=UTC),
        }
    )
    return board


def parsed(
    alarm: timedelta | None = timedelta(hours=1), now: datetime = NOW, cards: list | None = None
):
    cards = board().all() if cards is None else cards
    items = board_items(cards, TemplateSet(None).all(), now, UTC, include_upcoming=True)
    text = calendar_from_items(items, now, alarm=alarm, interviews=upcoming_interviews(cards, now))
    return items, Calendar.from_ical(text)


def events(calendar) -> dict[str, object]:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_every_due_note_has_an_alarm_the_lead_before_a_timed_deadline() -> None:
    items, calendar = parsed(alarm=timedelta(hours=2))
    found = events(calendar)
    assert items and all(f"{i.card_id}-{i.template}@followup-tui" in found for i in items)
    for item in items:
        (alarm,) = found[f"{item.card_id}-{item.template}@followup-tui"].walk("VALARM")
        assert alarm["ACTION"] == "DISPLAY" and str(alarm["DESCRIPTION"])
        if item.day is None:
            assert alarm["TRIGGER"].params["RELATED"] == "END"
            assert alarm["TRIGGER"].dt == timedelta(hours=-2)
    thank_you = next(i for i in items if i.template == "thank-you")
    event = found[f"{thank_you.card_id}-thank-you@followup-tui"]
    assert event["DTEND"].dt == datetime(2026, 3, 21, 8, tzinfo=UTC)  # the alarm: 06:00


def test_a_day_long_note_rings_at_nine_on_its_day() -> None:
    items, calendar = parsed()
    day_long = [i for i in items if i.day is not None]
    assert day_long
    for item in day_long:
        event = events(calendar)[f"{item.card_id}-{item.template}@followup-tui"]
        assert event["DTSTART"].dt == item.day and isinstance(event["DTSTART"].dt, date)
        (alarm,) = event.walk("VALARM")
        assert alarm["TRIGGER"].params.get("RELATED", "START") == "START"
        assert alarm["TRIGGER"].dt == timedelta(hours=9)  # the day's start + 9 h: 09:00


def test_interviews_still_to_come_are_events_with_an_alarm_before_they_start() -> None:
    _, calendar = parsed(alarm=timedelta(minutes=30))
    interviews = {
        u: e for u, e in events(calendar).items() if u.endswith("-interview@followup-tui")
    }
    (event,) = interviews.values()  # Initech; not Acme (over), not Hooli (closed)
    assert str(event["SUMMARY"]) == "Interview: Initech — Analyst (second round)"
    assert event["DTSTART"].dt == datetime(2026, 3, 23, 14, tzinfo=UTC)
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(hours=1)  # no duration: 1 h
    assert "Bo Chen, Head of data <bo@initech.io>" in str(event["DESCRIPTION"])
    assert "How is the team split?" in str(event["DESCRIPTION"])
    (alarm,) = event.walk("VALARM")
    assert alarm["TRIGGER"].dt == timedelta(minutes=-30)


def test_an_interview_under_way_stays_until_it_ends_then_leaves_the_calendar() -> None:
    during = datetime(2026, 3, 23, 14, 59, tzinfo=UTC)
    after = datetime(2026, 3, 23, 15, 0, tzinfo=UTC)
    assert [c.company for c in upcoming_interviews(board().all(), during)] == ["Initech"]
    assert upcoming_interviews(board().all(), after) == []


def test_uids_stay_the_same_from_one_build_to_the_next() -> None:
    cards = board().all()
    _, first = parsed(cards=cards)
    _, later = parsed(now=NOW + timedelta(hours=3), cards=cards)
    assert set(events(first)) == set(events(later))


def test_alarms_can_be_switched_off() -> None:
    _, calendar = parsed(alarm=None)
    assert calendar.walk("VALARM") == []
    assert calendar.walk("VEVENT")


@pytest.mark.parametrize(
    ("setting", "lead"),
    [(None, timedelta(hours=1)), ("1h", timedelta(hours=1)), ("30m", timedelta(minutes=30)),
     ("90", timedelta(minutes=90)), ("0m", timedelta(0)), ("off", None), ("none", None)],
)  # fmt: skip
def test_calendar_alarm_reads_as_people_write_it(setting, lead) -> None:
    assert alarm_lead(setting) == lead


@pytest.mark.parametrize("setting", ["soon", "min", "25 h", "5 weeks"])
def test_a_calendar_alarm_that_is_not_a_lead_is_one_clear_line(setting) -> None:
    with pytest.raises(FollowupError, match="calendar_alarm"):
        alarm_lead(setting)
