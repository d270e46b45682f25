"""A row of a file as a card: its cells read through the one vocabulary of card fields.

Every cell is read by the parsers of `store.cards` (dates, people, lists, stage and outcome
words), so a row means what the same text means typed into the CLI or the card form; only a
spreadsheet's habits are allowed on top (a day order, a dash for "nobody"). A row also gets a
key (company, role, interview day) that finds its card again on the next import.
Must never guess: a cell that does not parse makes the row a `Problem`, with its reason.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from store.cards.dates import Moment, parse_moment
from store.cards.fields import split_lines, split_links, split_people, split_tags
from store.cards.model import Interviewer
from store.cards.stages import parse_outcome, parse_stage
from store.errors import BadValue

IMPORTED = "imported"  # the timeline event that remembers a row's key


@dataclass(frozen=True)
class Problem:
    """A row that cannot be imported, and why: shown as `line 7: bad date '32/13/2024'`."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class Row:
    """One good row: the card it describes, ready for `Board.add` or `Board.edit`."""

    where: str
    fields: dict[str, Any]
    stage: str | None
    outcome: str | None
    day_only: bool
    card_id: str | None
    key: str

    @property
    def label(self) -> str:
        role = self.fields.get("role") or ""
        return f"{self.fields['company']} — {role}" if role else str(self.fields["company"])


def row_key(company: str, role: str, day: date | None) -> str:
    """A row's identity across imports: company, role and interview day, however written."""

    def norm(text: str) -> str:
        return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())

    basis = "|".join((norm(company), norm(role), day.isoformat() if day else ""))
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:20]


_ID = re.compile(r"^[0-9a-f]{6,32}$")


def build_row(where: str, values: dict[str, Any], order: str) -> Row:
    """Turn one row's cells ({field: text or list}) into a Row, or raise `BadValue` why not."""

    def text(name: str) -> str:
        value = values.get(name)
        if value is None:
            return ""
        if isinstance(value, (list, tuple)):
            return "\n".join(str(v) for v in value)
        return str(value).strip()

    company = " ".join(text("company").split())
    if not company:
        raise BadValue("missing company")
    fields: dict[str, Any] = {"company": company}
    role = " ".join(text("role").split())
    if role:
        fields["role"] = role
    stage: str | None = None
    outcome: str | None = None
    if text("stage"):
        stage, outcome = parse_stage(text("stage"))
    if text("outcome"):
        said = parse_outcome(text("outcome"))
        if said:
            outcome, stage = said, "closed"
    moment: Moment | None = None
    raw_when = values.get("interviewed_at")
    if isinstance(raw_when, str) and raw_when.strip():
        try:
            moment = parse_moment(raw_when, order)
        except BadValue:
            raise BadValue(f"bad interview date {raw_when.strip()!r}") from None
        fields["interviewed_at"] = moment.at
    raw_promised = values.get("promised_by")
    if isinstance(raw_promised, str) and raw_promised.strip():
        try:
            fields["promised_by"] = parse_moment(raw_promised, order).day
        except BadValue:
            raise BadValue(f"bad promised date {raw_promised.strip()!r}") from None
    people = values.get("interviewers")
    if isinstance(people, list):
        fields["interviewers"] = [Interviewer.from_json(p) for p in people if p]
    elif text("interviewers"):
        fields["interviewers"] = split_people(text("interviewers"), lenient=True)
    for name in ("round", "contact_email", "notes", "learned"):
        if text(name):
            fields[name] = text(name)
    for name, split in (
        ("links", split_links),
        ("tags", split_tags),
        ("key_points", split_lines),
        ("questions", split_lines),
    ):
        value = values.get(name)
        items = [str(v) for v in value if str(v).strip()] if isinstance(value, list) else None
        if items is None and text(name):
            items = split(text(name))
        if items:
            fields[name] = items
    card_id = text("id").lower() or None
    if card_id and not _ID.match(card_id):
        card_id = None
    day = moment.day if moment else None
    return Row(
        where,
        fields,
        stage,
        outcome,
        moment.day_only if moment else False,
        card_id,
        row_key(company, role, day),
    )
