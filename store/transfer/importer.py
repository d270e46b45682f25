"""Bringing cards in from a spreadsheet's CSV, another tracker's export, or our own JSON backup.

Reading a file and planning what it would change touch nothing: the board is only written by
`apply`, which the CLI runs inside one `Session.change` (one replica write, however many rows).
Forgiving about what people's files look like (a BOM, semicolons, blank lines, headers like
"Employer" or "Interview Date", stages like "Thank you sent"), strict about what goes in: a row
that does not make sense is reported with its line number and skipped, never guessed at.

It must never: write anything in a dry run; clear a value the file leaves empty; move a card
back to an earlier stage; create a second card for a row imported before (each row has a
stable key, kept on the card's timeline as an "imported" event); overwrite a template file.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from store.cards.board import Board, normalize
from store.cards.dates import parse_when
from store.cards.model import (
    DEFAULTS,
    FIELDS,
    OUTCOMES,
    STAGES,
    CardState,
    Interviewer,
    card_view,
    compact_card,
    current_value,
    merge_cards,
    parse_iso_utc,
)
from store.errors import BadValue, FollowupError
from store.files import atomic_write, ensure_folder
from store.untrusted import MAX_IMPORT_BYTES, from_spreadsheet_cell, parse_json, read_capped

BACKUP_FORMAT = "followup-tui-backup"
IMPORTED = "imported"  # the timeline event that remembers a row's key

# (step, done, total): the CLI shows it on stderr for big files.
Progress = Callable[[str, int, int], None]

# Fields a file may set. `id` only matches an existing card (our own CSV export carries it).
IMPORT_FIELDS: tuple[str, ...] = (
    "id",
    "company",
    "role",
    "stage",
    "outcome",
    "round",
    "interviewed_at",
    "interviewers",
    "contact_email",
    "promised_by",
    "links",
    "tags",
    "key_points",
    "questions",
    "notes",
    "learned",
)
IGNORE = "ignore"


def compact(text: str) -> str:
    """A header or value reduced to what people mean: "Interview-Date " → "interviewdate"."""
    return re.sub(r"[^0-9a-z]+", "", str(text).casefold())


# --- headers ------------------------------------------------------------------------------------

# Earlier synonyms are stronger: when two columns claim a field, the stronger one wins.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "cardid"),
    "company": (
        "company",
        "companyname",
        "employer",
        "employername",
        "organisation",
        "organization",
        "organisationname",
        "organizationname",
        "org",
        "firm",
        "business",
        "hiringcompany",
        "client",
        # what spreadsheets in other languages call it
        "firma",
        "unternehmen",
        "entreprise",
        "societe",
        "empresa",
    ),
    "role": (
        "role",
        "position",
        "jobtitle",
        "title",
        "job",
        "positiontitle",
        "roletitle",
        "jobrole",
        "rolename",
        "positionname",
        "jobposition",
        "opening",
        "vacancy",
        "stelle",
        "poste",
        "puesto",
    ),
    "stage": (
        "stage",
        "status",
        "applicationstatus",
        "currentstage",
        "pipelinestage",
        "state",
        "progress",
        "step",
        "statut",
        "estado",
    ),
    "outcome": ("outcome", "result", "decision", "finalresult", "finaloutcome", "verdict"),
    "interviewed_at": (
        "interviewedat",
        "interviewdate",
        "interviewed",
        "interviewedon",
        "dateinterviewed",
        "dateofinterview",
        "interviewdatetime",
        "interviewday",
        "interviewon",
        "interview",
        "interviewtime",
        "date",
        "when",
        "interviewdatum",
        "datum",
        "fecha",
    ),
    "interviewers": (
        "interviewers",
        "interviewer",
        "interviewedby",
        "contact",
        "contacts",
        "contactname",
        "contactperson",
        "recruiter",
        "recruitername",
        "hiringmanager",
        "people",
        "person",
        "panel",
        "kontakt",
        "ansprechpartner",
        "contacto",
    ),
    "contact_email": (
        "contactemail",
        "email",
        "emailaddress",
        "mail",
        "recruiteremail",
        "intervieweremail",
        "contactmail",
    ),
    "promised_by": (
        "promisedby",
        "promised",
        "promiseddate",
        "answerpromised",
        "decisiondate",
        "decisionby",
        "answerby",
        "answerdate",
        "expectedanswer",
        "expectedby",
        "expecteddecision",
        "expectedresponse",
        "responseby",
        "replyby",
        "hearbackby",
    ),
    "round": ("round", "interviewround", "roundnumber", "roundno"),
    "links": (
        "links",
        "link",
        "url",
        "urls",
        "joblink",
        "joburl",
        "posting",
        "jobposting",
        "postingurl",
        "listing",
        "website",
        "advert",
    ),
    "tags": ("tags", "tag", "labels", "label", "categories", "category", "keywords"),
    "key_points": (
        "keypoints",
        "keypoint",
        "highlights",
        "talkingpoints",
        "points",
        "topics",
        "discussed",
    ),
    "questions": ("questions", "questionsasked", "question", "theyasked"),
    "notes": (
        "notes",
        "note",
        "comments",
        "comment",
        "remarks",
        "description",
        "details",
        "memo",
        "notizen",
        "bemerkungen",
        "notas",
    ),
    "learned": ("learned", "learnt", "lessons", "lessonslearned", "takeaways", "feedback"),
}
# Words inside a longer header ("Recruiter E-mail", "Company (legal name)"), tried in order.
_HEADER_WORDS: tuple[tuple[str, str], ...] = (
    ("email", "contact_email"),
    ("promis", "promised_by"),
    ("decisiondate", "promised_by"),
    ("interviewer", "interviewers"),
    ("recruiter", "interviewers"),
    ("company", "company"),
    ("employer", "company"),
    ("organi", "company"),
    ("jobtitle", "role"),
    ("position", "role"),
    ("note", "notes"),
    ("comment", "notes"),
    ("question", "questions"),
    ("status", "stage"),
    ("stage", "stage"),
    ("outcome", "outcome"),
    ("result", "outcome"),
    ("interviewdate", "interviewed_at"),
    ("dateofinterview", "interviewed_at"),
    ("interviewedon", "interviewed_at"),
    ("url", "links"),
    ("link", "links"),
    ("tag", "tags"),
    ("label", "tags"),
    ("role", "role"),
)
_EXACT: dict[str, tuple[str, int]] = {
    syn: (name, rank) for name, syns in HEADER_SYNONYMS.items() for rank, syn in enumerate(syns)
}
_WORD_RANK = 1000  # any exact synonym beats a word found inside a header


def field_for_header(header: str) -> tuple[str, int] | None:
    """The field a column header means and how sure that is (lower is surer), or None."""
    key = compact(header)
    if not key:
        return None
    if key in _EXACT:
        return _EXACT[key]
    for name in FIELDS | {"id"}:
        if key == compact(name):
            return name, 0
    for word, name in _HEADER_WORDS:
        if word in key:
            return name, _WORD_RANK
    return None


def field_for_map_target(target: str) -> str:
    """What `--map "COLUMN=field"` names: a field (by any of its names) or `ignore`."""
    key = compact(target)
    if key in ("", "ignore", "skip", "none", "no"):
        return IGNORE
    for name in IMPORT_FIELDS:
        if key == compact(name):
            return name
    if key in _EXACT:
        return _EXACT[key][0]
    raise BadValue(
        f"--map: unknown field {target!r}; fields are: {', '.join(IMPORT_FIELDS)} (or ignore)."
    )


def parse_mapping(specs: Iterable[str]) -> dict[str, str]:
    """`["Boss=interviewers", "Salary=ignore"]` → {compact column: field}."""
    mapping: dict[str, str] = {}
    for spec in specs:
        column, sep, target = spec.partition("=")
        if not sep or not column.strip():
            raise BadValue(f'--map {spec!r}: write it as "COLUMN=field", e.g. "Boss=interviewers".')
        mapping[compact(column)] = field_for_map_target(target)
    return mapping


# --- stages and outcomes ------------------------------------------------------------------------

_STAGE_WORDS: dict[str, tuple[str, str | None]] = {}


def _words(stage: str, outcome: str | None, *words: str) -> None:
    for word in words:
        _STAGE_WORDS[compact(word)] = (stage, outcome)


_words(
    "interviewed",
    None,
    "interviewed",
    "interview",
    "interviewing",
    "interview scheduled",
    "scheduled",
    "interview done",
    "phone screen",
    "screening",
    "screened",
    "onsite",
    "on-site",
    "applied",
    "new",
)
_words(
    "thanked",
    None,
    "thanked",
    "thank you",
    "thank-you",
    "thank you sent",
    "thank-you sent",
    "thank you note sent",
    "thank you email sent",
    "thanks sent",
    "sent thank you",
    "sent thanks",
)
_words(
    "waiting",
    None,
    "waiting",
    "wait",
    "awaiting",
    "awaiting response",
    "awaiting answer",
    "awaiting feedback",
    "waiting for answer",
    "waiting for response",
    "waiting for feedback",
    "waiting to hear",
    "waiting to hear back",
    "pending",
    "in progress",
    "on hold",
)
_words(
    "followed-up",
    None,
    "followed up",
    "followed-up",
    "follow up",
    "follow-up",
    "follow up sent",
    "follow-up sent",
    "followed up again",
    "chased",
    "nudged",
    "pinged",
)
_words("closed", None, "closed", "done", "finished", "archived", "ended")
_words(
    "closed",
    "rejected",
    "rejected",
    "rejection",
    "declined",
    "turned down",
    "not selected",
    "unsuccessful",
    "not moving forward",
    "lost",
    "closed rejected",
    "closed - rejected",
)
_words(
    "closed",
    "offer",
    "offer",
    "offered",
    "offer received",
    "got offer",
    "got an offer",
    "offer made",
    "accepted",
    "offer accepted",
    "hired",
    "closed offer",
    "closed - offer",
)
_words(
    "closed",
    "no-answer",
    "no-answer",
    "no answer",
    "ghosted",
    "no response",
    "no reply",
    "never heard back",
    "silence",
    "closed no answer",
)
_words(
    "closed",
    "withdrew",
    "withdrew",
    "withdrawn",
    "withdraw",
    "i withdrew",
    "pulled out",
    "declined offer",
    "offer declined",
    "closed withdrew",
)
_NO_OUTCOME = frozenset(
    compact(w) for w in ("", "-", "n/a", "na", "none", "pending", "tbd", "open", "?", "unknown")
)


def parse_stage(text: str) -> tuple[str, str | None]:
    """A stage as people write it → (stage, outcome); `BadValue` when it means nothing known."""
    key = compact(text)
    if key in _STAGE_WORDS:
        return _STAGE_WORDS[key]
    raise BadValue(f"unknown stage {text.strip()!r} (known: {', '.join(STAGES)}, offer, rejected…)")


def parse_outcome(text: str) -> str | None:
    key = compact(text)
    if key in _NO_OUTCOME:
        return None
    stage_outcome = _STAGE_WORDS.get(key)
    if stage_outcome and stage_outcome[1]:
        return stage_outcome[1]
    raise BadValue(f"unknown outcome {text.strip()!r} (known: {', '.join(OUTCOMES)})")


# --- dates --------------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = re.compile(
    r"^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE
)
_TRAILING_TIME = re.compile(
    r"^(?P<day>.*?)[\sT,@]+(?:at\s+)?(?P<time>\d{1,2}(?::\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:am|pm)?|\s*(?:am|pm)))$",
    re.IGNORECASE,
)
_NUMERIC = re.compile(r"^(\d{1,4})([/.\-])(\d{1,2})\2(\d{2,4})$")
_ISO_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}")

DATE_ORDERS = ("auto", "dmy", "mdy")


@dataclass(frozen=True)
class Moment:
    """A date read from a file: a moment, and whether the file gave a time of day at all."""

    at: datetime
    day_only: bool

    @property
    def day(self) -> date:
        return self.at.astimezone().date()


def _time_of(text: str) -> time:
    match = re.fullmatch(
        r"(\d{1,2})(?::(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(am|pm)?", text.strip(), re.IGNORECASE
    )
    if not match:
        raise ValueError(text)
    hour, minute, second = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    half = (match[4] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            raise ValueError(text)
        hour = hour % 12 + (12 if half == "pm" else 0)
    return time(hour, minute, second)


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if len(text) <= 2 else value


def _numeric_day(match: re.Match[str], order: str) -> date:
    first, sep, second, third = match[1], match[2], match[3], match[4]
    if len(first) == 4:
        return date(int(first), int(second), int(third))
    if sep == "." or order == "dmy":
        return date(_year(third), int(second), int(first))
    return date(_year(third), int(first), int(second))


def _named_day(text: str) -> date:
    tokens = [
        t
        for t in re.findall(r"[a-z]+|\d+", text.lower())
        if t not in ("st", "nd", "rd", "th", "of")
    ]
    months = [t for t in tokens if t in _MONTHS]
    numbers = [t for t in tokens if t.isdigit()]
    if len(months) != 1 or len(numbers) != 2 or len(tokens) != 3:
        raise ValueError(text)
    year_token = next((n for n in numbers if len(n) == 4 or int(n) > 31), numbers[1])
    day_token = numbers[0] if year_token is numbers[1] else numbers[1]
    return date(_year(year_token), _MONTHS[months[0]], int(day_token))


def parse_moment(text: str, order: str = "mdy") -> Moment:
    """A date (and maybe a time) as spreadsheets write them, read in the local time zone.

    `order` settles 03/05/2024: "mdy" or "dmy" (dotted dates are always day first).
    """
    original = text
    text = " ".join(str(text).strip().split())
    if _ISO_PREFIX.match(text):
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            day_only = len(text) <= 10
            if parsed.tzinfo is None:
                at = time(9, 0) if day_only else parsed.time()
                parsed = datetime.combine(parsed.date(), at).astimezone()
            return Moment(parsed.astimezone(UTC), day_only)
    body = _WEEKDAYS.sub("", text)
    clock: time | None = None
    with_time = _TRAILING_TIME.match(body)
    try:
        if with_time and not _NUMERIC.match(body):
            clock = _time_of(with_time["time"])
            body = with_time["day"].strip(" ,")
        numeric = _NUMERIC.match(body)
        day = _numeric_day(numeric, order) if numeric else _named_day(body)
    except ValueError:
        day = None
    if day is None:
        try:
            moment = parse_when(original)
        except BadValue:
            raise BadValue(f"bad date {original.strip()!r}") from None
        return Moment(moment, False)
    local = datetime.combine(day, clock or time(9, 0)).astimezone()
    return Moment(local.astimezone(UTC), clock is None)


def infer_date_order(values: Iterable[str], fallback: str) -> str:
    """Day or month first for slashed dates: the file's own dates settle it when any can."""
    day_first = month_first = 0
    for value in values:
        match = _NUMERIC.match(" ".join(value.split()[:1]))
        if not match or len(match[1]) == 4 or match[2] == ".":
            continue
        first, second = int(match[1]), int(match[3])
        if first > 12 >= second:
            day_first += 1
        elif second > 12 >= first:
            month_first += 1
    if day_first > month_first:
        return "dmy"
    if month_first > day_first:
        return "mdy"
    return fallback


# --- people and lists ---------------------------------------------------------------------------

_EMAIL = re.compile(r"[^\s<>(),;]+@[^\s<>(),;]+\.[^\s<>(),;]+")


def parse_person(text: str) -> Interviewer | None:
    """`Name`, `Name, Title <email>`, `Name (Title)`, `Name <email>` or a bare email."""
    text = " ".join(text.split())
    if not text:
        return None
    email = ""
    bracketed = re.search(r"<([^>]*)>", text)
    if bracketed:
        email = bracketed[1].strip()
        text = (text[: bracketed.start()] + text[bracketed.end() :]).strip()
    else:
        bare = _EMAIL.search(text)
        if bare:
            email = bare[0]
            text = (text[: bare.start()] + text[bare.end() :]).strip()
    title = ""
    paren = re.search(r"\(([^)]*)\)\s*$", text)
    if paren:
        title = paren[1].strip()
        text = text[: paren.start()].strip()
    name, comma, rest = text.partition(",")
    if comma and not title:
        title = rest.strip()
    name = name.strip(" -–,")
    if not name and not email:
        return None
    return Interviewer(name=name or email, title=title, email=email)


def split_people(text: str) -> list[Interviewer]:
    people = (parse_person(part) for part in re.split(r"[;\n|]", text))
    return [p for p in people if p is not None]


def split_lines(text: str) -> list[str]:
    """Key points and questions: one per line (what our own export writes)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def split_tags(text: str) -> list[str]:
    return [t.strip().lstrip("#") for t in re.split(r"[,;\n|]", text) if t.strip().lstrip("#")]


def split_links(text: str) -> list[str]:
    return [u.strip() for u in re.split(r"\s+|;|,(?=\s)", text) if u.strip()]


# --- rows ---------------------------------------------------------------------------------------


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
        fields["interviewers"] = split_people(text("interviewers"))
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


# --- reading files ------------------------------------------------------------------------------


@dataclass
class Source:
    """What a file holds, read and checked: rows for CSV, card states for a backup."""

    name: str
    kind: str  # "csv", "backup" (card states) or "cards" (card objects without states)
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    columns: list[tuple[str, str | None]] = field(default_factory=list)
    states: dict[str, CardState] = field(default_factory=dict)
    devices: dict[str, Any] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)
    records: int = 0  # rows or cards seen, good or bad


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 with BOM"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 with BOM"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8 with BOM"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 with BOM"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 with BOM"),
)


def decode(data: bytes, name: str) -> tuple[str, str]:
    """The text of a file and a word on its encoding: BOMs first, then UTF-8, then Windows-1252."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), label
            except UnicodeDecodeError:
                raise FollowupError(
                    f"{name}: starts like {label} but is not; save it as UTF-8."
                ) from None
    if b"\x00" in data[:4096]:
        raise FollowupError(
            f"{name}: does not look like a text file (it holds NUL bytes); save it as CSV UTF-8."
        )
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def _records(text: str, delimiter: str, name: str) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on (quoted newlines span lines; blanks skipped)."""
    csv.field_size_limit(MAX_IMPORT_BYTES)  # a field may be as long as a file may be
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        quotechar='"',
        doublequote=True,
        skipinitialspace=False,
        strict=False,
    )
    previous = 0
    try:
        for record in reader:
            start, previous = previous + 1, reader.line_num
            if any(cell.strip() for cell in record):
                yield start, record
    except csv.Error as exc:
        raise FollowupError(
            f"{name}, line {reader.line_num}: cannot be read as CSV ({exc})."
        ) from None


def _known(header: list[str], mapping: dict[str, str]) -> int:
    return sum(1 for cell in header if compact(cell) in mapping or field_for_header(cell))


def choose_delimiter(text: str, mapping: dict[str, str]) -> str:
    """The delimiter whose header names the most known columns; csv.Sniffer breaks ties."""
    sample = text[:65536]
    try:
        # The Sniffer's regexes grow fast with the sample: a few kilobytes are plenty for it.
        head = sample[:4096]
        sniffed: str | None = csv.Sniffer().sniff(head, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None

    def score(delimiter: str) -> tuple[int, int, int, bool]:
        try:
            records = [rec for _, rec in itertools.islice(_records(sample, delimiter, ""), 30)]
        except FollowupError:
            return (0, 0, 0, False)
        if not records:
            return (0, 0, 0, False)
        header = max(records[:10], key=lambda r: _known(r, mapping))
        width = len(header)
        steady = sum(1 for r in records if len(r) == width) if width > 1 else 0
        return (_known(header, mapping), steady, width, delimiter == sniffed)

    return max(_DELIMITERS, key=score)


def _map_columns(
    header: list[str], mapping: dict[str, str], name: str
) -> tuple[list[str | None], list[str]]:
    """Each column's field (None: ignored) and notes on columns left out."""
    keys = [compact(h) for h in header]
    for column in mapping:
        if column not in keys:
            shown = ", ".join(repr(h) for h in header if h.strip())
            raise BadValue(f"--map: {name} has no column {column!r}; its columns are: {shown}.")
    claims: dict[str, tuple[int, int]] = {}  # field → (rank, column index)
    for index, (cell, key) in enumerate(zip(header, keys, strict=True)):
        if key in mapping:
            target = mapping[key]
            if target != IGNORE:
                claims[target] = (-1, index)  # --map always wins
            continue
        guess = field_for_header(cell)
        if guess is None:
            continue
        target, rank = guess
        if target not in claims or rank < claims[target][0]:
            claims[target] = (rank, index)
    fields: list[str | None] = [None] * len(header)
    for target, (_, index) in claims.items():
        fields[index] = target
    notes = []
    ignored = [h for h, f in zip(header, fields, strict=True) if f is None and h.strip()]
    if ignored:
        notes.append(
            "Ignored columns: "
            + ", ".join(repr(h) for h in ignored)
            + ' (use --map "COLUMN=field" to import one).'
        )
    return fields, notes


def read_csv(
    data: bytes,
    name: str,
    mapping: dict[str, str] | None = None,
    date_order: str = "auto",
    progress: Progress | None = None,
) -> Source:
    mapping = mapping or {}
    text, encoding = decode(data, name)
    delimiter = choose_delimiter(text, mapping)
    source = Source(name=name, kind="csv")
    records = _records(text, delimiter, name)
    leading = [rec for _, rec in itertools.islice(records, 10)]
    if not leading:
        raise FollowupError(f"{name}: holds no rows; nothing to import.")
    all_records = _records(text, delimiter, name)
    header_index = max(range(len(leading)), key=lambda i: (_known(leading[i], mapping), -i))
    for _ in range(header_index):
        next(all_records)
    header_line, header = next(all_records)
    columns, notes = _map_columns(header, mapping, name)
    source.columns = list(zip(header, columns, strict=True))
    if "company" not in columns:
        shown = ", ".join(repr(h) for h in header if h.strip())
        raise FollowupError(
            f"{name}: no column says which company (columns: {shown}); "
            'name one with --map "COLUMN=company".'
        )
    source.notes.append(
        f"{name}: {encoding}, {_DELIMITER_NAMES[delimiter]}-separated, header on line {header_line}."
    )
    mapped = ", ".join(f"{h!r} → {f}" for h, f in source.columns if f)
    source.notes.append(f"Columns: {mapped}.")
    source.notes.extend(notes)
    rows = list(all_records)
    source.records = len(rows)
    order = date_order
    if order == "auto":
        date_columns = [i for i, f in enumerate(columns) if f in ("interviewed_at", "promised_by")]
        found = (r[i] for _, r in rows for i in date_columns if i < len(r))
        fallback = "dmy" if delimiter == ";" else "mdy"
        order = infer_date_order(found, fallback)
        if any(_NUMERIC.match(r[i].strip()) for _, r in rows for i in date_columns if i < len(r)):
            words = "day/month/year" if order == "dmy" else "month/day/year"
            other = "mdy" if order == "dmy" else "dmy"
            source.notes.append(
                f"Dates like 03/04/2025 read as {words} (--date-order {other} reads them the other way)."
            )
    width = len(header)
    for done, (line, record) in enumerate(rows, start=1):
        if progress and done % 500 == 0:
            progress("reading rows", done, len(rows))
        where = f"line {line}"
        extra = [c for c in record[width:] if c.strip()]
        if extra:
            source.problems.append(
                Problem(
                    where,
                    f"{len(record)} cells but the header has {width} "
                    "(a comma inside a value that is not in quotes?)",
                )
            )
            continue
        values = {
            f: from_spreadsheet_cell(record[i])  # our CSV export's `'=…` back to `=…`
            for i, f in enumerate(columns)
            if f and i < len(record)
        }
        try:
            source.rows.append(build_row(where, values, order))
        except BadValue as exc:
            source.problems.append(Problem(where, str(exc)))
    if progress and rows:
        progress("reading rows", len(rows), len(rows))
    return source


_STAMP = re.compile(r"^\d{13}\.\d{5}\.[0-9a-zA-Z_-]{1,64}$")
_CARD_ID = re.compile(r"^[0-9a-zA-Z_-]{1,64}$")
_TEMPLATE_NAME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,80}\.ya?ml$")


def check_state(card_id: str, state: Any) -> CardState:
    """A card state from a backup, checked so that merging it cannot break the board."""
    if not _CARD_ID.match(card_id):
        raise BadValue(f"bad card id {card_id!r}")
    if (
        not isinstance(state, dict)
        or not isinstance(state.get("f"), dict)
        or not isinstance(state.get("t"), dict)
    ):
        raise BadValue("its state is not a card's fields and timeline")
    for name, entries in state["f"].items():
        if not isinstance(name, str) or not isinstance(entries, list) or not entries:
            raise BadValue(f"field {name!r} holds no versions")
        for entry in entries:
            if not (
                isinstance(entry, list)
                and len(entry) in (2, 3)  # compact, or with its seen vector spelled out
                and isinstance(entry[1], str)
                and _STAMP.match(entry[1])
                and (
                    len(entry) == 2
                    or (
                        isinstance(entry[2], dict)
                        and all(
                            isinstance(k, str) and isinstance(v, str) and _STAMP.match(v)
                            for k, v in entry[2].items()
                        )
                    )
                )
            ):
                raise BadValue(f"field {name!r} has a malformed version")
    for event_id, event in state["t"].items():
        if (
            not isinstance(event, dict)
            or event.get("id") != event_id
            or not isinstance(event.get("kind"), str)
        ):
            raise BadValue(f"timeline event {event_id!r} is malformed")
        if parse_iso_utc(str(event.get("at") or "")) is None:
            raise BadValue(f"timeline event {event_id!r} has no time")
    try:
        card_view(card_id, state)
    except (ValueError, TypeError, AttributeError, KeyError):
        raise BadValue("its fields do not read as a card") from None
    return compact_card({"f": dict(state["f"]), "t": dict(state["t"])})


def _card_fields(obj: dict[str, Any]) -> dict[str, Any]:
    """A `--json` card object as the cells of a row (dates as text, lists as lists)."""
    values: dict[str, Any] = {}
    for name in IMPORT_FIELDS:
        value = obj.get(name)
        if value is None:
            continue
        if name == "interviewed_at" and isinstance(value, str):
            moment = parse_iso_utc(value) if _ISO_PREFIX.match(value) else None
            values[name] = moment.astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment else value
        else:
            values[name] = value
    if obj.get("outcome") and obj.get("stage") == "closed":
        values.pop("stage", None)
    return values


def read_json(data: bytes, name: str, progress: Progress | None = None) -> Source:
    """Our backup (card states: conflicts and timelines survive exactly) or `list --json` output."""
    try:
        text, _ = decode(data, name)
        doc = parse_json(text)
    except json.JSONDecodeError as exc:
        raise FollowupError(f"{name}, line {exc.lineno}: not valid JSON ({exc.msg}).") from None
    if isinstance(doc, dict) and "cards" in doc:
        cards, devices, templates = doc.get("cards"), doc.get("devices"), doc.get("templates")
    elif isinstance(doc, list):
        cards, devices, templates = doc, {}, {}
    else:
        raise FollowupError(f"{name}: not a followup-tui backup (no list of cards in it).")
    if not isinstance(cards, list):
        raise FollowupError(f'{name}: its "cards" is not a list.')
    with_state = any(isinstance(c, dict) and "state" in c for c in cards)
    source = Source(name=name, kind="backup" if with_state else "cards", records=len(cards))
    if isinstance(devices, dict):
        source.devices = {
            str(k): dict(v)
            for k, v in devices.items()
            if isinstance(v, dict) and _CARD_ID.match(str(k))
        }
    if isinstance(templates, dict):
        for template, body in templates.items():
            if isinstance(body, str) and _TEMPLATE_NAME.match(str(template)):
                source.templates[str(template)] = body
            else:
                source.problems.append(
                    Problem(f"template {template!r}", "bad name or content; skipped")
                )
    version = doc.get("version") if isinstance(doc, dict) else None
    if isinstance(doc, dict) and doc.get("format") == BACKUP_FORMAT and version != 1:
        raise FollowupError(
            f"{name}: a backup of format version {version}; this app reads version 1."
        )
    for number, obj in enumerate(cards, start=1):
        if progress and number % 500 == 0:
            progress("reading cards", number, len(cards))
        card_id = str(obj.get("id", "")) if isinstance(obj, dict) else ""
        where = f"card {number}" + (f" ({card_id})" if card_id else "")
        if not isinstance(obj, dict):
            source.problems.append(Problem(where, "not a card object"))
            continue
        try:
            if with_state:
                if card_id in source.states:
                    raise BadValue("the same id appears twice")
                source.states[card_id] = check_state(card_id, obj.get("state"))
            elif obj.get("deleted") is True:
                raise BadValue("in the trash; not imported")
            else:
                source.rows.append(build_row(where, _card_fields(obj), "mdy"))
        except BadValue as exc:
            source.problems.append(Problem(where, str(exc)))
    return source


def read_source(
    path: Path,
    mapping: dict[str, str] | None = None,
    date_order: str = "auto",
    kind: str = "auto",
    progress: Progress | None = None,
) -> Source:
    """Read and check FILE; raises `FollowupError` when it cannot be read at all."""
    path = Path(path)
    try:
        data = read_capped(path, MAX_IMPORT_BYTES, allow_pipe=True)
    except FileNotFoundError:
        raise FollowupError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise FollowupError(f"{path}: is a folder; give a CSV or JSON file.") from None
    except OSError as exc:
        raise FollowupError(f"{path}: cannot read it ({exc.strerror or exc}).") from None
    if date_order not in DATE_ORDERS:
        raise BadValue(f"--date-order must be one of {', '.join(DATE_ORDERS)}.")
    if kind == "auto":
        head = data[:64].lstrip(codecs.BOM_UTF8).lstrip()
        looks_json = path.suffix.lower() == ".json" or head[:1] in (b"{", b"[")
        kind = "json" if looks_json else "csv"
    if kind == "json":
        if mapping:
            raise BadValue("--map is for CSV files; a JSON backup names its fields itself.")
        return read_json(data, path.name, progress)
    return read_csv(data, path.name, mapping, date_order, progress)


# --- planning -----------------------------------------------------------------------------------


@dataclass
class Update:
    """What a row changes on a card it matched: field values, and maybe a move forward."""

    row: Row
    card_id: str
    changes: dict[str, Any]
    move: tuple[str, str | None] | None

    def describe(self) -> str:
        names = list(self.changes)
        if self.move:
            names.append("stage → " + (self.move[1] or self.move[0]))
        return f"{self.row.where}: {self.row.label}: {', '.join(names)}"


@dataclass
class Plan:
    """What importing a Source would do to a board; `apply` carries it out."""

    source: Source
    create: list[Row] = field(default_factory=list)
    update: list[Update] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[Problem] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # rows whose stage was not moved back
    new_cards: list[str] = field(default_factory=list)  # backup: ids not on the board yet
    changed_cards: list[str] = field(default_factory=list)  # backup: ids the merge changes
    templates: list[str] = field(default_factory=list)  # backup: templates to restore

    @property
    def created(self) -> int:
        return len(self.create) + len(self.new_cards)

    @property
    def updated(self) -> int:
        return len(self.update) + len(self.changed_cards)

    @property
    def writes(self) -> bool:
        return bool(self.created or self.updated or self.templates)


def _card_key(state: CardState) -> str:
    fields = state["f"]
    when = parse_iso_utc(current_value("interviewed_at", fields.get("interviewed_at")))
    return row_key(
        str(current_value("company", fields.get("company")) or ""),
        str(current_value("role", fields.get("role")) or ""),
        when.astimezone().date() if when else None,
    )


def _keys(board: Board) -> dict[str, str]:
    """Every card by the key of the row it was imported from, then by what it says now."""
    imported: dict[str, str] = {}
    by_content: dict[str, str] = {}
    for card_id, state in board.cards.items():
        for event in state["t"].values():
            if event.get("kind") == IMPORTED and event.get("key"):
                imported.setdefault(str(event["key"]), card_id)
        deleted = current_value("deleted", state["f"].get("deleted"))
        if not deleted:
            by_content.setdefault(_card_key(state), card_id)
    return {**by_content, **imported}


def _same_moment(stored: str | None, row: Row) -> bool:
    """Minutes are what a spreadsheet keeps; a date-only cell matches any time that day."""
    if not stored:
        return False
    had = parse_iso_utc(stored)
    new = row.fields["interviewed_at"]
    if had is None:
        return False
    if row.day_only:
        return had.astimezone().date() == new.astimezone().date()
    return abs((had - new).total_seconds()) < 60


def _changes(board: Board, card_id: str, row: Row) -> dict[str, Any]:
    fields = board.cards[card_id]["f"]
    changes: dict[str, Any] = {}
    for name, value in row.fields.items():
        stored = current_value(name, fields.get(name))
        if name == "interviewed_at":
            if not _same_moment(stored, row):
                changes[name] = value
            continue
        if normalize(name, value) != (stored if stored is not None else DEFAULTS.get(name)):
            changes[name] = value
    return changes


def _move(current: str, current_outcome: str | None, row: Row) -> tuple[str, str | None] | None:
    """The move a row asks for (None: none); `MovesBack` when it would go to an earlier stage."""
    if row.stage is None:
        return None
    if row.stage == current:
        if current == "closed" and row.outcome and row.outcome != current_outcome:
            return ("closed", row.outcome)
        return None
    if STAGES.index(row.stage) < STAGES.index(current):
        raise _MovesBack
    return (row.stage, row.outcome)


class _MovesBack(Exception):
    """An import never moves a card back: the app's own moves are newer than any spreadsheet."""


def plan(board: Board, source: Source, templates_dir: Path | None = None) -> Plan:
    """What importing `source` would change on `board`; touches neither."""
    result = Plan(source=source, skipped=list(source.problems))
    if source.kind == "backup":
        _, changed = merge_cards(board.cards, source.states)
        result.new_cards = sorted(c for c in changed if c not in board.cards)
        result.changed_cards = sorted(c for c in changed if c in board.cards)
        result.unchanged = len(source.states) - len(changed)
        if templates_dir is not None:
            result.templates = sorted(
                t for t in source.templates if not (templates_dir / t).exists()
            )
        return result
    keys = _keys(board)
    seen_keys: dict[str, str] = {}
    seen_ids: dict[str, str] = {}
    for row in source.rows:
        card_id = row.card_id if row.card_id in board.cards else None
        if card_id and card_id in seen_ids:
            result.skipped.append(
                Problem(row.where, f"the same card as {seen_ids[card_id]} (id {card_id})")
            )
            continue
        if card_id is None and row.key in seen_keys:
            result.skipped.append(
                Problem(
                    row.where, f"the same company, role and interview date as {seen_keys[row.key]}"
                )
            )
            continue
        seen_keys.setdefault(row.key, row.where)
        card_id = card_id or keys.get(row.key)
        if card_id is None:
            result.create.append(row)
            continue
        seen_ids[card_id] = row.where
        card = board.card(card_id)
        if card.deleted:
            result.skipped.append(
                Problem(row.where, f"matches card {card_id} in the trash; restore it to update it")
            )
            continue
        try:
            move = _move(card.stage, card.outcome, row)
        except _MovesBack:
            result.kept.append(
                f"{row.where}: {row.label} stays {card.stage} (the file says {row.stage}; "
                "an import never moves a card back)"
            )
            move = None
        changes = _changes(board, card_id, row)
        if changes or move:
            result.update.append(Update(row, card_id, changes, move))
        else:
            result.unchanged += 1
    return result


# --- applying -----------------------------------------------------------------------------------


@dataclass
class Outcome:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def apply(board: Board, the_plan: Plan, progress: Progress | None = None) -> Outcome:
    """Carry out a plan on the board (the caller makes it durable in one write)."""
    done = Outcome()
    source = the_plan.source
    if source.kind == "backup":
        wanted = set(the_plan.new_cards) | set(the_plan.changed_cards)
        if wanted:
            states = {cid: s for cid, s in source.states.items() if cid in wanted}
            board.merge({"cards": states, "devices": source.devices})
        done.created, done.updated = list(the_plan.new_cards), list(the_plan.changed_cards)
        return done
    total = len(the_plan.create) + len(the_plan.update)
    step = 0
    for row in the_plan.create:
        fields = dict(row.fields)
        if row.stage:
            fields["stage"] = row.stage
        if row.outcome:
            fields["outcome"] = row.outcome
        card_id = board.add(fields)
        board.log(card_id, IMPORTED, key=row.key, source=source.name, row=row.where)
        done.created.append(card_id)
        step += 1
        if progress and step % 500 == 0:
            progress("writing cards", step, total)
    for update in the_plan.update:
        if update.changes:
            board.edit(update.card_id, update.changes)
        if update.move:
            board.move(update.card_id, update.move[0], outcome=update.move[1])
        done.updated.append(update.card_id)
        step += 1
        if progress and step % 500 == 0:
            progress("writing cards", step, total)
    if progress and total >= 500:
        progress("writing cards", total, total)
    return done


def restore_templates(templates_dir: Path, source: Source, names: Iterable[str]) -> list[str]:
    """Write a backup's templates that the vault lacks; an existing file is never touched."""
    restored = []
    for name in names:
        target = Path(templates_dir) / name
        if target.exists() or target.is_symlink() or name not in source.templates:
            continue  # never written through a link, even one pointing nowhere
        ensure_folder(target.parent, private=True)
        atomic_write(target, source.templates[name].encode("utf-8"), mode=0o644)
        restored.append(name)
    return restored
