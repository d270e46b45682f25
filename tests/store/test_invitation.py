"""Interview invitations (store/transfer/invitation.py, invite_plan.py): real iCalendar text
read by the real `icalendar`, planned and applied on real boards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from store.cards.board import Board
from store.cards.model import Interviewer
from store.errors import BadValue, FollowupError
from store.transfer.invitation import read_invitations
from store.transfer.invite_plan import (
    CANCEL,
    FIRST,
    NEW,
    NEXT_ROUND,
    NOTHING,
    RESCHEDULE,
    SAME,
    apply,
    describe,
    employer_of,
    plan_invitation,
)

ME = "sam@example.org"
BERLIN = """BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:STANDARD
DTSTART:19701025T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
END:VTIMEZONE"""


def invite(
    *,
    uid: str = "round1@umbrella.com",
    start: str = "DTSTART;TZID=Europe/Berlin:20261210T140000",
    end: str | None = "DTEND;TZID=Europe/Berlin:20261210T144500",
    method: str = "REQUEST",
    organizer: str = "ORGANIZER;CN=Rita Recruiter:mailto:rita@umbrella.com",
    summary: str = "Security Engineer: technical interview",
    extra: str = "",
) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Test//EN",
        "VERSION:2.0",
        f"METHOD:{method}",
        BERLIN,
        "BEGIN:VEVENT",
        start,
        *([end] if end else []),
        "DTSTAMP:20261201T090000Z",
        organizer,
        f"UID:{uid}",
        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;CN=Eve Adams:mailto:eve@umbrella.com",
        f"ATTENDEE;CUTYPE=INDIVIDUAL;CN=Sam:mailto:{ME.upper()}",
        "ATTENDEE;CUTYPE=ROOM;CN=Room 4:mailto:room4@resource.calendar.google.com",
        "X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij",
        "DESCRIPTION:Join: https://meet.google.com/abc-defg-hij\\nor by Zoom https://us02w",
        " eb.zoom.us/j/123456?pwd=xyz.\\nCalendar: https://www.google.com/calendar/event?e=1",
        "LOCATION:Umbrella HQ\\, Raccoon City",
        f"SUMMARY:{summary}",
        *([extra] if extra else []),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def one(data: bytes, tz=None):
    (found,) = read_invitations(data, "invite.ics", tz)
    return found


# --- reading ----------------------------------------------------------------------------------


def test_an_invitation_gives_the_time_duration_people_link_and_place() -> None:
    found = one(invite())
    assert found.start == datetime(2026, 12, 10, 13, 0, tzinfo=UTC)  # 14:00 in Berlin
    assert found.duration == 45
    assert found.organizer == Interviewer("Rita Recruiter", "", "rita@umbrella.com")
    assert [p.email for p in found.attendees] == ["eve@umbrella.com", ME.upper()]  # no room
    assert [p.name for p in found.people(ME)] == ["Eve Adams"]  # the user is not an interviewer
    assert found.links == (
        "https://meet.google.com/abc-defg-hij",
        "https://us02web.zoom.us/j/123456?pwd=xyz",
    )
    assert found.place == "Umbrella HQ, Raccoon City"
    assert found.uid == "round1@umbrella.com" and not found.cancelled


def test_a_floating_time_is_local_a_day_is_nine_oclock_and_duration_may_be_given() -> None:
    plus2 = timezone(timedelta(hours=2))
    floating = one(invite(start="DTSTART:20261210T100000", end="DURATION:PT1H30M"), plus2)
    assert floating.start == datetime(2026, 12, 10, 8, 0, tzinfo=UTC)
    assert floating.duration == 90
    whole_day = one(
        invite(start="DTSTART;VALUE=DATE:20261210", end="DTEND;VALUE=DATE:20261211"), plus2
    )
    assert (
        whole_day.start == datetime(2026, 12, 10, 7, 0, tzinfo=UTC) and whole_day.duration is None
    )


def test_a_teams_link_comes_from_its_own_property_and_the_calendars_own_links_are_left() -> None:
    teams = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0?context=%7b%7d"
    found = one(invite(extra=f"X-MICROSOFT-SKYPETEAMSMEETINGURL:{teams}"))
    assert teams in found.links
    assert not any("google.com/calendar" in link for link in found.links)


def test_a_cancellation_is_read_as_one() -> None:
    assert one(invite(method="CANCEL")).cancelled
    assert one(invite(method="REQUEST", extra="STATUS:CANCELLED")).cancelled


def test_text_from_the_invitation_holds_no_control_characters() -> None:
    found = one(invite(summary="Interview\x1b]0;PWNED\x07\x1b[2J now"))
    assert "\x1b" not in found.summary and "\x07" not in found.summary


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"date,company\n2026-01-01,Acme\n", "not an iCalendar file"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "no event"),
        (invite(start="DTSTAMP:20261201T090000Z"), "no start time"),
        (invite(start="DTSTART:99991210T100000Z", end=None), "year 9999"),
        (invite(start="DTSTART:garbage", end=None), "invite.ics"),
        (b"BEGIN:VCALENDAR\r\n\xff\xfe\x00garbage", "invite.ics"),
    ],
)
def test_a_file_that_is_no_invitation_is_one_clear_error(data: bytes, words: str) -> None:
    with pytest.raises(FollowupError) as caught:
        read_invitations(data, "invite.ics")
    message = str(caught.value)
    assert words in message and "\n" not in message and message.startswith("invite.ics")


def test_a_whole_calendar_is_refused() -> None:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:{n}\r\nDTSTART:20261210T100000Z\r\nEND:VEVENT\r\n" for n in range(60)
    )
    data = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{events}END:VCALENDAR\r\n".encode()
    with pytest.raises(FollowupError, match="60 events"):
        read_invitations(data, "invite.ics")


def test_the_employer_comes_from_a_mail_domain_that_is_not_free_mail_or_a_hiring_tool() -> None:
    assert employer_of("rita@umbrella.com") == "Umbrella"
    assert employer_of("ann@mail.acme-labs.co.uk") == "Acme Labs"
    for address in ("x@gmail.com", "no-reply@greenhouse.io", "a@calendar.google.com", "bad"):
        assert employer_of(address) == ""


# --- planning and applying --------------------------------------------------------------------


def plan(board: Board, data: bytes, **options):
    return plan_invitation(board, one(data), me=ME, **options)


def test_an_invitation_from_a_new_company_makes_a_card_with_everything_it_says() -> None:
    board = Board("aaaaaaaaaaaa")
    the_plan = plan(board, invite(), role="Security engineer")
    assert the_plan.action == NEW and the_plan.company == "Umbrella"
    assert board.all() == []  # planning writes nothing
    card = board.card(apply(board, the_plan))
    assert (card.company, card.role) == ("Umbrella", "Security engineer")
    assert card.interviewed_at == datetime(2026, 12, 10, 13, 0, tzinfo=UTC)
    assert card.duration == 45
    assert [p.name for p in card.interviewers] == ["Eve Adams"]
    assert card.contact_email == "rita@umbrella.com"
    assert "https://meet.google.com/abc-defg-hij" in card.links
    assert "Umbrella HQ, Raccoon City" in card.notes and "technical interview" in card.notes


def test_the_same_invitation_again_changes_nothing() -> None:
    board = Board("aaaaaaaaaaaa")
    apply(board, plan(board, invite()))
    again = plan(board, invite())
    assert again.action == SAME and not again.changes
    assert len(board.all()) == 1


def test_an_invitation_for_a_company_with_an_open_card_is_its_next_round() -> None:
    board = Board("aaaaaaaaaaaa")
    first = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    card_id = board.add(
        {
            "company": "Umbrella Corp.",
            "interviewed_at": first,
            "interviewers": [Interviewer("Bo Chen", "EM", "bo@umbrella.com")],
            "contact_email": "talent@umbrella.com",
        }
    )
    board.move(card_id, "waiting")
    the_plan = plan(board, invite(summary="Umbrella Corp – on-site"), round_name="on-site")
    assert the_plan.action == NEXT_ROUND and the_plan.card.id == card_id
    assert "next round of Umbrella Corp." in " ".join(describe(the_plan, applied=False))
    apply(board, the_plan)
    card = board.card(card_id)
    assert card.stage == "interviewed" and card.round == "on-site"
    assert card.interviewed_at == datetime(2026, 12, 10, 13, 0, tzinfo=UTC)
    assert [p.name for p in card.interviewers] == ["Eve Adams", "Bo Chen"]  # this round first
    assert card.contact_email == "talent@umbrella.com"  # the card's contact stays
    assert any(e.kind == "round" and e.get("previous") for e in card.timeline)


def test_a_card_without_an_interview_gets_it_as_its_first() -> None:
    board = Board("aaaaaaaaaaaa")
    card_id = board.add({"company": "Umbrella"})
    the_plan = plan(board, invite())
    assert the_plan.action == FIRST
    apply(board, the_plan)
    assert board.card(card_id).interviewed_at == datetime(2026, 12, 10, 13, 0, tzinfo=UTC)
    assert board.card(card_id).stage == "interviewed"


def test_a_moved_invitation_moves_the_interview_instead_of_adding_a_round() -> None:
    board = Board("aaaaaaaaaaaa")
    card_id = apply(board, plan(board, invite()))
    later = invite(
        start="DTSTART;TZID=Europe/Berlin:20261211T090000",
        end="DTEND;TZID=Europe/Berlin:20261211T100000",
        extra="SEQUENCE:1",
    )
    the_plan = plan(board, later)
    assert the_plan.action == RESCHEDULE
    apply(board, the_plan)
    card = board.card(card_id)
    assert card.interviewed_at == datetime(2026, 12, 11, 8, 0, tzinfo=UTC) and card.duration == 60
    assert not any(e.kind == "round" for e in card.timeline)


def test_a_cancellation_names_its_card_and_only_applied_takes_the_interview_off() -> None:
    board = Board("aaaaaaaaaaaa")
    card_id = apply(board, plan(board, invite()))
    second = invite(
        uid="round2@umbrella.com",
        start="DTSTART;TZID=Europe/Berlin:20261217T100000",
        end="DTEND;TZID=Europe/Berlin:20261217T110000",
    )
    apply(board, plan(board, second))
    assert board.card(card_id).interviewed_at == datetime(2026, 12, 17, 9, 0, tzinfo=UTC)
    cancel = second.replace(b"METHOD:REQUEST", b"METHOD:CANCEL")
    the_plan = plan(board, cancel)
    assert the_plan.action == CANCEL and the_plan.card.id == card_id
    assert board.card(card_id).interviewed_at == datetime(2026, 12, 17, 9, 0, tzinfo=UTC)
    said = " ".join(describe(the_plan, applied=False))
    assert "Would take it off Umbrella" in said and card_id in said
    apply(board, the_plan)
    card = board.card(card_id)
    assert card.interviewed_at == datetime(2026, 12, 10, 13, 0, tzinfo=UTC)  # the round before
    assert card.duration == 45
    assert card.timeline[-1].kind == "interview_cancelled"


def test_a_cancellation_of_an_interview_no_card_holds_changes_nothing() -> None:
    board = Board("aaaaaaaaaaaa")
    board.add({"company": "Umbrella"})
    the_plan = plan(board, invite(method="CANCEL"))
    assert the_plan.action == NOTHING and "no card here holds" in the_plan.remarks[0]


def test_an_organizer_on_free_mail_needs_the_company_named() -> None:
    board = Board("aaaaaaaaaaaa")
    gmail = invite(organizer="ORGANIZER;CN=Rita:mailto:rita.hires@gmail.com").replace(
        b"eve@umbrella.com", b"eve@outlook.com"
    )
    with pytest.raises(BadValue, match="--company NAME"):
        plan(board, gmail)
    assert plan(board, gmail, company="Umbrella").company == "Umbrella"


def test_an_address_already_on_a_card_tells_the_company_when_the_domain_does_not() -> None:
    board = Board("aaaaaaaaaaaa")
    card_id = board.add(
        {
            "company": "Wayne Enterprises",
            "interviewers": [Interviewer("Rita", "", "rita.hires@gmail.com")],
        }
    )
    gmail = invite(organizer="ORGANIZER;CN=Rita:mailto:rita.hires@gmail.com")
    the_plan = plan(board, gmail)
    assert the_plan.card is not None and the_plan.card.id == card_id


def test_a_closed_card_of_the_company_gets_a_new_card_beside_it() -> None:
    board = Board("aaaaaaaaaaaa")
    old = board.add({"company": "Umbrella", "interviewed_at": datetime(2025, 3, 1, tzinfo=UTC)})
    board.move(old, "closed", outcome="rejected")
    the_plan = plan(board, invite())
    assert the_plan.action == NEW and old in the_plan.remarks[0]
    assert plan(board, invite(), card_id=old).action == NEXT_ROUND  # unless told otherwise
