"""What a card keeps beside the interview: the posting, the files sent, the offer.

- **The posting**: its address and its text (`posting_url`, `posting_text`), kept because the
  job ad vanishes before the interview. At most `POSTING_MAX_BYTES` of text.
- **What was sent**: the résumé version named by a label (`resume`, e.g. "v3-backend"), and
  attachments. An attachment is two timeline events, `attached` (name, size, sha256 of the
  plaintext, the blob's file name in `attachments/`) and `detached` (naming the attach event),
  so two laptops attaching at once both keep theirs: the timeline is a grow-only set.
- **The offer**: salary (a plain decimal, no currency conversion anywhere), currency (three
  letters, ISO 4217 style), bonus and equity (as the employer wrote them), the start day and
  the day to answer by (`offer_start`, `answer_by`).

The parsers here are the one way each of these values is read from what a person typed (the
CLI, the card form); `normalize_document` is the one check of what they may store. Pure
functions, no I/O; this module must never import `store.cards.model` (the model imports it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from store.cards.dates import stored_day
from store.errors import BadValue
from store.untrusted import clean_text, quoted

POSTING_MAX_BYTES = 256 * 1024
ATTACHMENT_LIMIT_MB = 25  # the default cap on one attached file
ATTACHMENT_HARD_LIMIT_MB = 1024  # what `attach --limit` may raise it to
ATTACHMENT_NAME_MAX_BYTES = 255
ATTACHED = "attached"  # timeline kinds
DETACHED = "detached"

# The fields this module reads and checks: the offer's money words are text a person typed
# (concurrent edits are kept as conflicts); the two days are dates, newest write wins.
OFFER_TEXT_FIELDS: tuple[str, ...] = ("salary", "currency", "bonus", "equity")
OFFER_DAY_FIELDS: tuple[str, ...] = ("offer_start", "answer_by")
DOCUMENT_TEXT_FIELDS: frozenset[str] = frozenset(
    {"posting_url", "posting_text", "resume", *OFFER_TEXT_FIELDS}
)
DOCUMENT_PLAIN_FIELDS: frozenset[str] = frozenset(OFFER_DAY_FIELDS)
DOCUMENT_DEFAULTS: dict[str, Any] = {
    "posting_url": "",
    "posting_text": "",
    "resume": "",
    "salary": "",
    "currency": "",
    "bonus": "",
    "equity": "",
    "offer_start": None,
    "answer_by": None,
}

_CURRENCY = re.compile(r"[A-Za-z]{3}")
_SPACES = re.compile(r"[\s_'\u00a0\u202f]")
_MAX_SALARY = Decimal(10) ** 12


def parse_amount(text: str) -> str:
    """A salary as a plain decimal string: `85000`, `85,000`, `85.000`, `85 000`, `85k`, `1.2m`.

    A separator followed by exactly three digits groups thousands (`120.000` and `120,000` are
    both 120000); otherwise it is the decimal point (`85,5` and `85.5`). With both, the last one
    is the decimal point (`1.234,56`, `1,234.56`). No currency here: it has its own field.
    """
    raw = text.strip()
    bad = BadValue(
        f"Bad salary {quoted(raw)}: give a number such as 85000, 85,000 or 85k "
        "(the currency goes in its own field, e.g. --currency EUR)."
    )
    s = _SPACES.sub("", raw)
    multiplier = 1
    if s[-1:].lower() in ("k", "m"):
        multiplier = 1000 if s[-1].lower() == "k" else 1_000_000
        s = s[:-1]
    if not s or not re.fullmatch(r"\d[\d.,]*", s) or s[-1] in ".,":
        raise bad
    if "," in s and "." in s:
        decimal_mark = "," if s.rfind(",") > s.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        whole, _, fraction = s.rpartition(decimal_mark)
        s = _ungroup(whole, grouping, bad) + "." + fraction
    else:
        mark = "," if "," in s else "." if "." in s else ""
        if mark:
            parts = s.split(mark)
            if len(parts) > 2 or (len(parts[1]) == 3 and multiplier == 1):
                s = _ungroup(s, mark, bad)
            else:
                s = parts[0] + "." + parts[1]
    try:
        value = Decimal(s) * multiplier
    except InvalidOperation:
        raise bad from None
    if value >= _MAX_SALARY:
        raise bad
    value = value.quantize(Decimal("0.01")).normalize()
    return format(value, "f")


def _ungroup(text: str, mark: str, bad: BadValue) -> str:
    groups = text.split(mark)
    if not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:]):
        raise bad
    return "".join(groups)


def parse_currency(text: str) -> str:
    """`eur` → `EUR`: three letters, as ISO 4217 writes currencies. No list is checked (a new
    code must not need a new app), and no symbol is guessed ($ is a dozen currencies)."""
    code = text.strip()
    if not _CURRENCY.fullmatch(code):
        raise BadValue(
            f"Bad currency {quoted(code)}: give its three-letter code, e.g. EUR, USD, GBP."
        )
    return code.upper()


def check_attachment_name(name: str) -> str:
    """The name an attachment is listed and saved under: one plain file name.

    `/` or `..` could make a saved copy land outside the folder it was meant for; control
    characters could rewrite the screen it is listed on.
    """
    shown = name.strip()
    if not shown:
        raise BadValue("An attachment needs a name: give --name NAME.")
    if "/" in shown or "\\" in shown or ".." in shown or clean_text(shown) != shown:
        raise BadValue(
            f"Bad attachment name {quoted(shown)}: a plain file name, without /, \\ or .. "
            "(e.g. resume-v3.pdf)."
        )
    if "\n" in shown or "\t" in shown:
        raise BadValue(f"Bad attachment name {quoted(shown)}: one line, no tabs.")
    if len(shown.encode("utf-8")) > ATTACHMENT_NAME_MAX_BYTES:
        raise BadValue(f"The attachment name is over {ATTACHMENT_NAME_MAX_BYTES} bytes.")
    return shown


def check_posting_text(text: str) -> str:
    size = len(text.encode("utf-8"))
    if size > POSTING_MAX_BYTES:
        raise BadValue(
            f"The posting is {size / 1024:,.0f} KB; at most {POSTING_MAX_BYTES // 1024} KB "
            "fits on a card: keep the text of the job ad, not the page's HTML. Nothing was saved."
        )
    return text


def normalize_document(name: str, value: Any) -> Any:
    """The stored JSON form of one of this module's fields, or `BadValue`."""
    if name in OFFER_DAY_FIELDS:
        return stored_day(value, "the offer's start" if name == "offer_start" else "answer_by")
    text = "" if value is None else str(value)
    if name == "posting_text":
        return check_posting_text(text.rstrip())
    text = text.strip()
    if not text:
        return ""
    if name == "salary":
        return parse_amount(text)
    if name == "currency":
        return parse_currency(text)
    if "\n" in text or "\r" in text:
        raise BadValue(f"{name.replace('_', ' ')}: one line, please.")
    return text


# --- the view ---------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    return clean_text(value if isinstance(value, str) else str(value))


@dataclass(frozen=True, slots=True)
class Offer:
    """An offer as the card holds it; every part may be empty."""

    salary: str = ""  # a plain decimal ("85000", "85000.5"), or ""
    currency: str = ""
    bonus: str = ""
    equity: str = ""
    start: date | None = None
    answer_by: date | None = None

    def __bool__(self) -> bool:
        return any(
            (self.salary, self.currency, self.bonus, self.equity, self.start, self.answer_by)
        )

    @property
    def amount(self) -> int | float | None:
        """The salary as a number (a whole one when it is whole), for `--json` and sorting."""
        if not self.salary:
            return None
        try:
            value = Decimal(self.salary)
        except InvalidOperation:
            return None
        return int(value) if value == value.to_integral_value() else float(value)

    def salary_text(self) -> str:
        """`85,000 EUR`: grouped for reading, the currency as given, never converted."""
        amount = self.amount
        if amount is None:
            return ""
        shown = f"{amount:,}" if isinstance(amount, int) else f"{amount:,.2f}"
        return f"{shown} {self.currency}".strip()

    def to_json(self) -> dict[str, Any]:
        return {
            "salary": self.amount,
            "currency": self.currency or None,
            "bonus": self.bonus or None,
            "equity": self.equity or None,
            "start": self.start.isoformat() if self.start else None,
            "answer_by": self.answer_by.isoformat() if self.answer_by else None,
        }


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent to (or received from) the employer; its bytes are a blob in `attachments/`."""

    id: str  # the id of the event that attached it
    name: str
    size: int
    sha256: str  # of the plaintext: what `attachment` checks the decrypted copy against
    blob: str  # the file name under attachments/ (a keyed hash: it tells the cloud nothing)
    added_at: datetime
    device: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "size": self.size,
            "sha256": self.sha256,
            "blob": self.blob,
            "added_at": self.added_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


_HEX64 = re.compile(r"[0-9a-f]{64}")


def offer_view(value: Any) -> Offer:
    """The offer from the card's fields (`value(name)` reads one), total like the card view:
    a stored value of the wrong shape reads as empty, never as a crash."""

    def day(name: str) -> date | None:
        raw = value(name)
        if not isinstance(raw, str):
            return None
        try:
            found = date.fromisoformat(raw)
        except ValueError:
            return None
        return found if 1900 <= found.year <= 2200 else None

    salary = _text(value("salary"))
    try:
        amount = Decimal(salary) if salary else None
    except ArithmeticError:  # InvalidOperation, or an exponent beyond what Decimal holds
        salary = ""
    else:  # as `parse_amount` takes one: "Infinity", "sNaN" or "1e999999999" read as none
        if amount is not None and not (amount.is_finite() and amount.copy_abs() < _MAX_SALARY):
            salary = ""
    currency = _text(value("currency"))
    return Offer(
        salary=salary,
        currency=currency if _CURRENCY.fullmatch(currency) else "",
        bonus=_text(value("bonus")),
        equity=_text(value("equity")),
        start=day("offer_start"),
        answer_by=day("answer_by"),
    )


def attachments_view(events: Any) -> tuple[Attachment, ...]:
    """The attachments a card lists now: every `attached` event no `detached` event names,
    oldest first. An event of the wrong shape (another app, a hand-made backup) is passed over."""
    detached = {e.get("attachment") for e in events if e.kind == DETACHED}
    found = []
    for event in events:
        if event.kind != ATTACHED or event.id in detached:
            continue
        size, sha, blob = event.get("size"), event.get("sha256"), event.get("blob")
        name = _text(event.get("name"))
        if (
            not name
            or type(size) is not int
            or size < 0
            or not isinstance(sha, str)
            or not _HEX64.fullmatch(sha)
            or not isinstance(blob, str)
            or not _HEX64.fullmatch(blob)
        ):
            continue
        try:
            name = check_attachment_name(name)
        except BadValue:  # another replica's name that could escape a folder: a safe one
            name = f"attachment-{sha[:12]}"
        found.append(Attachment(event.id, name, size, sha, blob, event.at, event.device))
    return tuple(found)


def size_text(size: int) -> str:
    """`812 B`, `14 KB`, `2.4 MB`: how a person reads a file's size."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"
