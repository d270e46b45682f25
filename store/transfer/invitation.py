"""Reading an interview invitation: an iCalendar file (RFC 5545) as a mail client saves it.

`read_invitations` turns the bytes into `Invitation`s, one per event: when (DTSTART, and
DTEND or DURATION as minutes), who (the attendees, rooms and resources left out; the
organizer), where (the meeting link: URL, LOCATION, CONFERENCE, X-GOOGLE-CONFERENCE, Teams'
X-MICROSOFT-SKYPETEAMSMEETINGURL, and Zoom, Teams, Meet, Webex… links in DESCRIPTION; a
LOCATION that is a place), what (SUMMARY), which (UID, SEQUENCE) and whether it is called off
(METHOD:CANCEL, STATUS:CANCELLED).

Times: a TZID'd time is read in its zone (a zone the file defines in a VTIMEZONE, an IANA
name, a Windows name: `icalendar` knows them), a floating one in the local zone, a date without
a time at 09:00 local (as the app reads a day anywhere). All are aware UTC moments here. A TZID
that neither the file nor `icalendar` defines ("Mars/Olympus") is read as local time too, but
the invitation keeps its name (`unknown_zone`) so the plan can say so: the user checks the
time rather than meeting an interview an hour or five off.

The file is someone else's: everything in it is text to show, cleaned of control characters
and capped; anything that is not an invitation is one `FollowupError` line. `icalendar` is
imported only when an invitation is read (start-up pays nothing for it). Pure: no I/O.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from store.cards.dates import FIRST_YEAR, LAST_YEAR
from store.cards.model import Interviewer
from store.errors import FollowupError
from store.untrusted import clean_text

MAX_EVENTS = 50  # an invitation holds one; a whole calendar is not what `import` is for
MAX_TEXT = 4000  # of a description, kept for the notes' "where"
MAX_PEOPLE = 60
MAX_MINUTES = 24 * 60

# Hosts whose links in a description are the meeting itself (not the calendar's own links).
_MEETING = re.compile(
    r"https://(?:[\w-]+\.)*(?:zoom\.us/(?:j|my|w)/|zoomgov\.com/j/|meet\.google\.com/|"
    r"teams\.microsoft\.com/l/meetup-join/|teams\.live\.com/meet/|"
    r"(?:[\w-]+\.)?webex\.com/|whereby\.com/|meet\.jit\.si/|chime\.aws/|"
    r"(?:global\.)?gotomeeting\.com/join/|app\.gotomeeting\.com/|bluejeans\.com/|"
    r"meet\.around\.co/|app\.livestorm\.co/)[^\s<>\"'\\]+",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://[^\s<>\"'\\]+", re.IGNORECASE)
_LINK_PROPERTIES = (
    "URL",
    "CONFERENCE",
    "X-GOOGLE-CONFERENCE",
    "X-MICROSOFT-SKYPETEAMSMEETINGURL",
    "X-MICROSOFT-ONLINEMEETINGEXTERNALLINK",
)
_EMAIL = re.compile(r"[^\s<>(),;:@]+@[^\s<>(),;:@]+\.[^\s<>(),;:@]+")


@dataclass(frozen=True)
class Invitation:
    """One event of an invitation, as the card needs it."""

    uid: str
    sequence: int
    cancelled: bool  # METHOD:CANCEL, or the event's STATUS:CANCELLED
    summary: str
    start: datetime  # aware, UTC
    duration: int | None  # minutes; None when the file gives no end (or a whole day)
    organizer: Interviewer | None
    attendees: tuple[Interviewer, ...]
    links: tuple[str, ...]  # meeting links, the most specific first
    place: str  # a LOCATION that is not a link ("Umbrella HQ, Raccoon City")
    description: str
    unknown_zone: str = ""  # a TZID of DTSTART/DTEND nobody defines: read as local time

    def people(self, me: str = "") -> tuple[Interviewer, ...]:
        """The attendees but the user (`me`: their own address from the profile)."""
        mine = me.strip().casefold()
        return tuple(p for p in self.attendees if not mine or p.email.casefold() != mine)

    def addresses(self) -> set[str]:
        everyone = [*self.attendees, *([self.organizer] if self.organizer else [])]
        return {p.email.casefold() for p in everyone if p.email}


def _text(value: Any, limit: int = 500) -> str:
    """A property's value as one clean text (the first, when the file repeats it)."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if value is None:
        return ""
    if isinstance(value, bytes):
        raw = value.decode("utf-8", "replace")
    elif isinstance(value, str):
        raw = str(value)
    elif hasattr(value, "to_ical"):
        raw = value.to_ical()
        raw = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    else:
        raw = str(value)
    return clean_text(raw.replace("\r\n", "\n")).strip()[:limit]


def _address(value: Any) -> Interviewer | None:
    """A person from ORGANIZER or ATTENDEE: `CN=Eve Adams:mailto:eve@umbrella.com`."""
    params = getattr(value, "params", {}) or {}
    kind = str(params.get("CUTYPE", "INDIVIDUAL")).upper()
    if kind not in ("INDIVIDUAL", "UNKNOWN", ""):
        return None  # a room, a resource, a group
    raw = _text(value)
    email = re.sub(r"^mailto:", "", raw, flags=re.IGNORECASE).strip()
    email = email if _EMAIL.fullmatch(email) else ""
    name = " ".join(_text(params.get("CN", "")).strip("\"' ").split())
    if name.casefold() == email.casefold() or _EMAIL.fullmatch(name):
        name = ""
    if not name and not email:
        return None
    return Interviewer(name=name or email, email=email)


def unknown_zone(value: Any) -> str:
    """The TZID of a DTSTART or DTEND that `icalendar` could not make a zone of (no VTIMEZONE
    in the file, no zone of that name): "" when it has none or it was known."""
    when = getattr(value, "dt", None)
    params = getattr(value, "params", None) or {}
    if not isinstance(when, datetime) or when.tzinfo is not None:
        return ""
    return _text(params.get("TZID"), 80)


def _moment(value: Any, tz: tzinfo | None, field: str) -> tuple[datetime, bool]:
    """(an aware UTC moment, whether it was a whole day) from DTSTART or DTEND."""
    when = getattr(value, "dt", None)
    if isinstance(when, datetime):
        if when.tzinfo is None:  # floating, or a zone nobody defines: the user's wall clock
            when = when.replace(tzinfo=tz) if tz is not None else when.astimezone()
        whole_day = False
    elif isinstance(when, date):
        local = datetime.combine(when, time(9, 0))
        when = local.replace(tzinfo=tz) if tz is not None else local.astimezone()
        whole_day = True
    else:
        raise FollowupError(f"the invitation's {field} is not a date.")
    if not FIRST_YEAR <= when.year <= LAST_YEAR:
        raise FollowupError(
            f"the invitation's {field} is in the year {when.year}; "
            f"dates from {FIRST_YEAR} to {LAST_YEAR} are taken."
        )
    return when.astimezone(UTC), whole_day


def _minutes(event: Any, start: datetime, whole_day: bool, tz: tzinfo | None) -> int | None:
    if whole_day:
        return None
    length: timedelta | None = None
    if event.get("DTEND") is not None:
        end, _ = _moment(event.get("DTEND"), tz, "end (DTEND)")
        length = end - start
    elif event.get("DURATION") is not None:
        found = getattr(event.get("DURATION"), "dt", None)
        length = found if isinstance(found, timedelta) else None
    if length is None:
        return None
    minutes = int(length.total_seconds() // 60)
    return minutes if 0 < minutes <= MAX_MINUTES else None


def _links(event: Any) -> tuple[list[str], str]:
    """(the meeting links, a LOCATION that is a place) of one event."""
    found: list[str] = []
    for name in _LINK_PROPERTIES:
        values = event.get(name)
        for value in values if isinstance(values, list) else [values]:
            found += _URL.findall(_text(value, 2000))
    location = _text(event.get("LOCATION"), 500)
    found += _URL.findall(location)
    place = _URL.sub("", location).strip(" ,;-\n") if location else ""
    found += _MEETING.findall(_text(event.get("DESCRIPTION"), 20_000))
    links = []
    for link in found:
        link = link.rstrip(".,;:)>]")
        if link not in links:
            links.append(link)
    return links[:5], place


def _event(event: Any, cancelled: bool, tz: tzinfo | None) -> Invitation:
    if event.get("DTSTART") is None:
        raise FollowupError("the invitation has no start time (DTSTART).")
    start, whole_day = _moment(event.get("DTSTART"), tz, "start (DTSTART)")
    attendees = event.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees] if attendees else []
    people: list[Interviewer] = []
    for value in attendees[:MAX_PEOPLE]:
        person = _address(value)
        if person is not None and person not in people:
            people.append(person)
    try:
        sequence = int(str(event.get("SEQUENCE", 0)))
    except ValueError:
        sequence = 0
    status = _text(event.get("STATUS")).upper()
    links, place = _links(event)
    return Invitation(
        uid=_text(event.get("UID"), 300),
        sequence=max(0, sequence),
        cancelled=cancelled or status == "CANCELLED",
        summary=_text(event.get("SUMMARY")),
        start=start,
        duration=_minutes(event, start, whole_day, tz),
        organizer=_address(event.get("ORGANIZER")) if event.get("ORGANIZER") else None,
        attendees=tuple(people),
        links=tuple(links),
        place=place,
        description=_text(event.get("DESCRIPTION"), MAX_TEXT),
        unknown_zone=unknown_zone(event.get("DTSTART")) or unknown_zone(event.get("DTEND")),
    )


def looks_like_calendar(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:15].upper() == b"BEGIN:VCALENDAR"


def read_invitations(data: bytes, name: str, tz: tzinfo | None = None) -> list[Invitation]:
    """Every event of an iCalendar file (`name` says which in errors), oldest first."""
    import icalendar  # only here: the board and the other commands never need it

    if not looks_like_calendar(data):
        raise FollowupError(f"{name}: not an iCalendar file (it does not start BEGIN:VCALENDAR).")
    try:
        with warnings.catch_warnings():
            # "/mozilla.org/20050126_1/Europe/Berlin" is guessed as Europe/Berlin (as mail
            # clients mean it), with a Python warning a user must not meet: a source path.
            warnings.simplefilter("ignore")
            calendar = icalendar.Calendar.from_ical(data)
        method = _text(calendar.get("METHOD")).upper()
        events = list(calendar.walk("VEVENT"))
        if len(events) > MAX_EVENTS:
            raise FollowupError(
                f"{name}: holds {len(events):,} events; an invitation holds one. "
                "Save the one invitation from the mail and import that."
            )
        found = [_event(event, method == "CANCEL", tz) for event in events]
    except FollowupError as exc:
        message = str(exc)
        raise FollowupError(message if message.startswith(name) else f"{name}: {message}") from None
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, OverflowError) as exc:
        raise FollowupError(f"{name}: not a readable invitation ({_text(exc, 120)}).") from None
    except RecursionError:
        raise FollowupError(f"{name}: not a readable invitation (nested too deeply).") from None
    if not found:
        raise FollowupError(f"{name}: holds no event (VEVENT); nothing to import.")
    # A recurring invitation's changed occurrences share its UID: keep the master, once.
    unique: dict[tuple[str, datetime], Invitation] = {}
    for invitation in found:
        unique.setdefault((invitation.uid, invitation.start), invitation)
    return sorted(unique.values(), key=lambda i: (i.start, i.uid))
