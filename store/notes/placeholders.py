"""The placeholders of a note: everything a template may read about one card, as plain data.

Built from a `Card`, the user's profile, "now" and the time zone: only dicts, lists, strings,
numbers and booleans, so the sandbox (`store.notes.render`) has no Python object to reach
through. Days are written in the user's language (`locale` in config.yaml, else the
environment's: "Donnerstag, 1. Oktober"), and the app's own English way ("Thursday 1 October")
without one; templates themselves are the user's to translate. `PLACEHOLDERS` lists them all
for `followup-tui templates`.
Must never touch a file, the clock or the network: `now`, the time zone and the locale are
passed in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Any

from store.cards.dates import duration_text
from store.cards.model import Card, Interviewer
from store.cards.stages import OUTCOMES
from store.language import day_text_or_english
from store.notes.due import answers, last_contact, local, notes_sent

PROFILE_KEYS: tuple[str, ...] = ("name", "signature", "email", "phone")

# Every placeholder a note may use, with what it holds (shown by `followup-tui templates`).
PLACEHOLDERS: dict[str, str] = {
    "company": "the company's name",
    "role": "the role you interviewed for",
    "round": "the interview round, e.g. 'second' (may be empty)",
    "interviewer": "the first interviewer: .name .first_name .title .email (empty if none)",
    "interviewers": "every interviewer, each with .name .first_name .title .email",
    "interviewer_names": "the interviewers' first names, e.g. 'Ann, Bo and Cy'",
    "other_interviewer_names": "every interviewer's first name but the first's, e.g. 'Bo and Cy'",
    "key_points": "the key points from the interview (a list)",
    "questions": "the questions you were asked (a list)",
    "questions_to_ask": "the questions you prepared to ask them (a list)",
    "research": "your research notes on the company",
    "interview_date": "the interview's day, e.g. 'Tuesday 3 March'",
    "interview_time": "the interview's time, e.g. '14:00'",
    "interview_duration": "how long the interview lasts, e.g. '1 h' or '1 h 30 min'",
    "days_since_interview": "whole days since the interview",
    "promised_by": "the day they promised an answer by, e.g. 'Friday 13 March' (may be empty)",
    "last_sent_on": "the day you last sent a note (may be empty)",
    "days_since_contact": "whole days since you were last in touch",
    "answered": "true when the employer has answered",
    "contact_email": "the contact e-mail on the card",
    "links": "the links on the card (a list)",
    "tags": "the card's tags (a list)",
    "notes": "your private notes on the card (no default letter uses them)",
    "outcome": f"{', '.join(OUTCOMES)}, or empty",
    "today": "today, e.g. 'Wednesday 4 March'",
    "me": "your profile: .name .first_name .signature .email .phone",
    "signature": "your signature (or your name when you set none)",
    "posting": "the job posting: .url .text (may be empty)",
    "resume": "the label of the résumé version you sent, e.g. 'v3-backend' (may be empty)",
    "attachments": "the names of the files attached to the card (a list)",
    "offer": "the offer: .salary (e.g. '85,000') .currency .bonus .equity .start .answer_by",
}


def day_text(moment: datetime, tz: tzinfo | None, locale: str | None = None) -> str:
    """'Tuesday 3 March', or 'Dienstag, 3. März' in German: the local day of `moment`.

    A locale the app does not know writes English (the CLI and the app say so once), so a
    note is never stopped by a setting.
    """
    return day_text_or_english(local(moment, tz).date(), locale)


def _person(person: Interviewer) -> dict[str, str]:
    name = person.name.strip()
    return {
        "name": name,
        "first_name": name.split()[0] if name else "",
        "title": person.title,
        "email": person.email,
    }


def _names(people: list[dict[str, str]]) -> str:
    names = [p["first_name"] for p in people if p["first_name"]]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def card_context(
    card: Card,
    profile: dict[str, str],
    now: datetime,
    tz: tzinfo | None,
    locale: str | None = None,
) -> dict[str, Any]:
    """Every placeholder for `card`: only dicts, lists, strings, numbers, booleans.

    `locale` (None: English) is the language the days are written in."""
    people = [_person(p) for p in card.interviewers]
    empty_person = {"name": "", "first_name": "", "title": "", "email": ""}
    contact = last_contact(card)
    sent = notes_sent(card)
    me = {key: str(profile.get(key, "") or "") for key in PROFILE_KEYS}
    me["first_name"] = me["name"].split()[0] if me["name"].strip() else ""
    interviewed = card.interviewed_at
    return {
        "company": card.company,
        "role": card.role,
        "round": card.round,
        "interviewer": dict(people[0]) if people else empty_person,
        "interviewers": people,
        "interviewer_names": _names(people),
        "other_interviewer_names": _names(people[1:]),
        "key_points": list(card.key_points),
        "questions": list(card.questions),
        "questions_to_ask": list(card.questions_to_ask),
        "research": card.research,
        "interview_date": day_text(interviewed, tz, locale) if interviewed else "",
        "interview_time": f"{local(interviewed, tz):%H:%M}" if interviewed else "",
        "interview_duration": duration_text(card.duration or 60) if interviewed else "",
        "days_since_interview": (
            max(0, (local(now, tz).date() - local(interviewed, tz).date()).days)
            if interviewed
            else 0
        ),
        "promised_by": (
            day_text(datetime.combine(card.promised_by, datetime.min.time(), UTC), UTC, locale)
            if card.promised_by
            else ""
        ),
        "last_sent_on": day_text(max(e.at for e in sent), tz, locale) if sent else "",
        "days_since_contact": (
            max(0, (local(now, tz).date() - local(contact, tz).date()).days) if contact else 0
        ),
        "answered": bool(answers(card)),
        "contact_email": card.contact_email,
        "links": list(card.links),
        "tags": list(card.tags),
        "notes": card.notes,
        "outcome": card.outcome or "",
        "today": day_text(now, tz, locale),
        "me": me,
        "signature": me["signature"] or me["name"],
        **document_context(card, locale),
    }


def _day(day: date | None, locale: str | None = None) -> str:
    return day_text_or_english(day, locale) if day else ""


def document_context(card: Card, locale: str | None = None) -> dict[str, Any]:
    """The posting, the résumé sent, the attachments and the offer (issue 14)."""
    offer = card.offer
    amount = offer.amount
    return {
        "posting": {"url": card.posting_url, "text": card.posting_text},
        "resume": card.resume,
        "attachments": [a.name for a in card.attachments],
        "offer": {
            "salary": f"{amount:,}" if amount is not None else "",
            "currency": offer.currency,
            "bonus": offer.bonus,
            "equity": offer.equity,
            "start": _day(offer.start, locale),
            "answer_by": _day(offer.answer_by, locale),
        },
    }


def sample_card() -> Card:
    """A card with every field filled, for trying a template out when it is loaded."""
    moment = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
    return Card(
        id="000000000000",
        company="Example Ltd",
        role="Backend developer",
        stage="interviewed",
        round="second",
        interviewed_at=moment,
        interviewers=(Interviewer("Ann Lee", "CTO", "ann@example.com"), Interviewer("Bo Chen")),
        key_points=("the migration to event sourcing", "on-call once a month"),
        questions=("How would you shard the orders table?",),
        promised_by=moment.date(),
        links=("https://example.com/jobs/1",),
        contact_email="jobs@example.com",
        notes="Liked the team.",
        tags=("remote",),
        outcome="rejected",
        learned="",
        deleted=False,
        created_at=moment,
        timeline=(),
        conflicts={},
        updated="",
        duration=90,
        questions_to_ask=("What would my first three months look like?",),
        research="Series B in 2025; the team moved to Go last year.",
    )


SAMPLE_PROFILE = {"name": "Sam Doe", "signature": "Sam Doe\n+1 555 0100", "email": "sam@x.org"}
