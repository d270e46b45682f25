"""One vocabulary for a card's fields: what a person types into one, and what may be stored.

The CLI, the card form and the importer read text through the same parsers here: a person
(`parse_person`: "Lucius Fox, CTO <lucius@wayne.com>"), an email address (`parse_email`),
lists (`split_people`, `split_tags`,
`split_links`, `split_lines`), dates (`store.cards.dates`) and stage and outcome words
(`store.cards.stages`). `field_value` turns the text of one form field into its value. Every
write then goes through `normalize`, the one check of what a field may hold, so a value that
came from any of them is stored the same way.

Pure functions, no I/O. Bad input is a `BadValue` that quotes it; nothing here guesses: text
that names nobody is an error where a person typed it, and passed over only where a
spreadsheet cell was filled with a dash (`split_people(..., lenient=True)`).
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from typing import Any

from store.cards.dates import (
    MAX_DURATION_MINUTES,
    DateOrder,
    parse_day,
    parse_duration,
    parse_when,
    stored_day,
)
from store.cards.documents import DOCUMENT_DEFAULTS, OFFER_DAY_FIELDS, normalize_document
from store.cards.model import FIELDS, LIST_FIELDS, Interviewer, iso_utc
from store.cards.stages import OUTCOMES, STAGES, outcome_named
from store.errors import BadValue
from store.untrusted import quoted

# Fields whose text is kept as typed, line breaks and indents included (only trailing blanks go).
FREE_TEXT: frozenset[str] = frozenset({"notes", "learned", "research", "posting_text"})

# The email of a person: the text in <angle brackets>, else anything shaped like an address.
_BRACKETED = re.compile(r"<([^>]*)>")
_EMAIL = re.compile(r"([^\s<>(),;]+@[^\s<>(),;]+\.[^\s<>(),;]+)")


# An address as people write one: something@a.domain. Not RFC 5322 (no quoted local parts, no
# comments): what a recruiter's card holds, and what a typo such as "ann@acme" is not.
_ADDRESS = re.compile(r"[^\s@<>()\[\],;:\"]+@(?:[^\s@<>()\[\],;:\".]+\.)+[^\s@<>()\[\],;:\".]{2,}")


def is_email(text: str) -> bool:
    return bool(_ADDRESS.fullmatch(text.strip()))


def parse_email(text: str) -> str:
    """An email address typed by a person (`mailto:` and <brackets> taken off); "" for none."""
    address = text.strip()
    if address.lower().startswith("mailto:"):
        address = address[len("mailto:") :].strip()
    if address.startswith("<") and address.endswith(">"):
        address = address[1:-1].strip()
    if not address:
        return ""
    if not is_email(address):
        raise BadValue(f"{quoted(text.strip())} is not an email address (like ann@acme.io).")
    return address


def _person(text: str) -> Interviewer | None:
    text = " ".join(text.split())
    email = ""
    found = _BRACKETED.search(text) or _EMAIL.search(text)
    if found:
        email = found[1].strip()
        text = (text[: found.start()] + text[found.end() :]).strip()
    title = ""
    paren = re.search(r"\(([^)]*)\)\s*$", text)
    if paren:
        title = paren[1].strip()
        text = text[: paren.start()].strip()
    name, _, rest = text.partition(",")
    rest = rest.strip(" -–,")  # "Ann Lee, CTO, ann@acme.io": the comma before the email goes
    title = ", ".join(part for part in (rest, title) if part)
    name = " ".join(name.split()).strip(" -–,")  # the email may have stood between two words
    if not name and not email:
        return None
    return Interviewer(name=name or email, title=title, email=email)


def _doubtful(person: Interviewer) -> bool:
    """An address that is not one, or one left inside the name ("ann@acme")."""
    return bool(person.email and not is_email(person.email)) or (
        "@" in person.name and not person.email
    )


def parse_person(text: str) -> Interviewer:
    """`Name`, `Name, Title <email>`, `Name (Title)`, `Name <email>` or a bare email.

    A person typed it, so an email that is not one is an error, not a name left with junk.
    """
    person = _person(text)
    if person is None:
        raise BadValue(f'Bad interviewer {text!r}: use "Name, Title <email>".')
    if _doubtful(person) and not person.email:
        raise BadValue(
            f"Bad interviewer {quoted(text.strip())}: {quoted(person.name)} is not an email "
            'address (like ann@acme.io) nor a name; use "Name, Title <email>".'
        )
    if person.email and not is_email(person.email):
        raise BadValue(
            f"Bad interviewer {quoted(text.strip())}: {quoted(person.email)} is not an email "
            'address; use "Name, Title <email>".'
        )
    return person


def split_people(text: str, lenient: bool = False) -> list[Interviewer]:
    """People one per line, or separated by `;` or `|` (as spreadsheets write them).

    `lenient`: a part that names nobody ("-", "<>") is passed over, as the filler of a
    spreadsheet cell; otherwise it is an error, since a person typed it.
    """
    people = []
    for part in re.split(r"[;\n|]", text):
        if not part.strip():
            continue
        person = _person(part)
        if not lenient and (person is None or _doubtful(person)):
            person = parse_person(part)  # says what is wrong with it
        if person is not None:
            people.append(person)
    return people


# A list item's marker, as people type or paste a list: "- ", "* ", "• ", "1. ", "2) ".
_BULLET = re.compile(r"^(?:[-*•·–]|\d{1,2}[.)])\s+")
# Where a second item starts on a line that began with a dash or dot bullet: " - ", " • ".
_INLINE_BULLET = re.compile(r"\s+[-*•·–]\s+")


def split_lines(text: str) -> list[str]:
    """Key points and questions: one per line (what our own export writes and the form asks
    for). A typed or pasted list's markers are not part of an item ("- a" is "a"), and a line
    that starts with one and holds more ("- a - b", "• a • b") is a list written on one line."""
    items: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        marker = _BULLET.match(line)
        if marker is None:
            if line:
                items.append(line)
            continue
        rest = line[marker.end() :]
        parts = _INLINE_BULLET.split(rest) if not marker[0][0].isdigit() else [rest]
        items.extend(part.strip() for part in parts if part.strip())
    return items


def split_tags(text: str) -> list[str]:
    """Tags separated by commas (or `;`, `|`, lines); a leading `#` is not part of a tag."""
    return [t.strip().lstrip("#") for t in re.split(r"[,;\n|]", text) if t.strip().lstrip("#")]


def split_links(text: str) -> list[str]:
    """Links separated by spaces, lines, `;` or `, ` (a comma inside a URL stays)."""
    return [u.strip() for u in re.split(r"\s+|;|,(?=\s)", text) if u.strip()]


def field_value(
    name: str,
    text: str,
    now: datetime | None = None,
    tz: tzinfo | None = None,
    order: DateOrder = None,
) -> Any:
    """The value the text of one field stands for (empty text: no value), or `BadValue`.

    `order` reads a date like 03/04/2026 day or month first (`store.cards.dates`)."""
    text = text.rstrip() if name in FREE_TEXT else text.strip()
    if name == "interviewed_at":
        return parse_when(text, now=now, tz=tz, order=order) if text else None
    if name == "promised_by" or name in OFFER_DAY_FIELDS:
        return parse_day(text, now=now, tz=tz, order=order) if text else None
    if name == "interviewers":
        return split_people(text)
    if name == "duration":
        return parse_duration(text) if text else None
    if name == "contact_email":
        return parse_email(text)
    if name in ("key_points", "questions", "questions_to_ask"):
        return split_lines(text)
    if name == "links":
        return split_links(text)
    if name == "tags":
        return split_tags(text)
    if name in ("salary", "currency", "posting_text"):
        return normalize_document(name, text)  # read (and checked) as the CLI reads them
    return text


def normalize(name: str, value: Any) -> Any:
    """The stored JSON form of a field value, or `BadValue` saying what is wrong with it."""
    if name not in FIELDS:
        raise BadValue(f"Unknown field {name!r}; fields are: {', '.join(sorted(FIELDS))}.")
    if name in DOCUMENT_DEFAULTS:  # the posting, the résumé label, the offer (issue 14)
        return normalize_document(name, value)
    if name == "stage":
        if value not in STAGES:
            raise BadValue(f"Unknown stage {value!r}; stages are: {', '.join(STAGES)}.")
        return value
    if name == "outcome":
        if value in (None, ""):
            return None
        outcome = outcome_named(str(value))
        if outcome is None:
            shown = str(value).strip().lower().replace(" ", "-").replace("_", "-")
            raise BadValue(f"Unknown outcome {shown!r}; outcomes are: {', '.join(OUTCOMES)}.")
        return outcome
    if name in ("interviewed_at", "created_at"):
        if value in (None, ""):
            return None
        if isinstance(value, datetime):
            if value.tzinfo is None:
                value = value.astimezone()
            return iso_utc(value)
        raise BadValue(f"{name} must be a date and time.")
    if name == "promised_by":
        return stored_day(value, "promised_by")
    if name == "deleted":
        return bool(value)
    if name == "duration":
        if value in (None, ""):
            return None
        if isinstance(value, str):
            value = parse_duration(value)
        if type(value) is not int or not 0 < value <= MAX_DURATION_MINUTES:
            raise BadValue("duration must be a number of minutes, from 1 to 1440.")
        return value
    if name == "interviewers":
        return [
            (i if isinstance(i, Interviewer) else Interviewer.from_json(i)).to_json()
            for i in value or ()
        ]
    if name in LIST_FIELDS:
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in value or () if str(v).strip()]
    return "" if value is None else str(value)
