"""Who a letter goes to, and the RFC 6068 `mailto:` URL that hands it to a mail client.

The To: line starts as the card's contact email, else the first interviewer with an address
(`recipient`); the user may change it. `mailto_url` percent-encodes UTF-8 (RFC 3986), writes
line breaks as `%0D%0A` (RFC 6068 section 5) and puts only bare addresses in the URL's path.
`MAILTO_LIMIT` is how long a URL may get before a mail client or the desktop cuts it: 2,000
characters, below the 2,083 that Windows' URL handling and many mail handlers stop at.

Pure functions: no program is run here.
"""

from __future__ import annotations

import re
from email.utils import getaddresses
from urllib.parse import quote

from store.cards.model import Card
from store.errors import BadValue
from store.untrusted import quoted

MAILTO_LIMIT = 2000

# What RFC 6068 lets stand unencoded in an address of the URL's path (some-delims minus , ; ? &).
_ADDRESS_SAFE = "!$'()*+=:@"
_ADDRESS = re.compile(r"^[^@\s<>(),;:\"\[\]\\]+@[^@\s<>(),;:\"\[\]\\]+$")


def recipient(card: Card) -> str:
    """The To: line a letter on this card starts with ("" when the card names no address)."""
    if card.contact_email.strip():
        return " ".join(card.contact_email.split())
    for person in card.interviewers:
        if person.email:
            return address_text(person.name, person.email)
    return ""


_SPECIALS = re.compile(r'[()<>@,;:\\".\[\]]')


def address_text(name: str, address: str) -> str:
    """`Änne Lee <ann@acme.io>` as a person reads it (quoted only where the name needs it);
    the message file encodes it for the wire."""
    name = one_line(name)
    if not name or name == address:
        return address
    if _SPECIALS.search(name):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{address}>"


def one_line(text: str) -> str:
    """A header's text on one line: a line break in a subject could start a header of its
    own (Bcc:) in the message a mail program reads."""
    return " ".join(str(text).split())


def addresses(to: str) -> list[tuple[str, str]]:
    """The (name, address) pairs of a To: line: `Ann Lee <ann@acme.io>, bo@acme.io`.

    Bad input is a `BadValue` naming the part that is not an address.
    """
    text = one_line(to)
    if not text:
        return []
    found: list[tuple[str, str]] = []
    for part in re.split(r"[,;](?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", text):
        if not part.strip():
            continue
        pairs = getaddresses([part.strip()])
        if len(pairs) != 1 or not _ADDRESS.match(pairs[0][1]):
            raise BadValue(
                f"To: {quoted(part.strip())} is not an e-mail address (name@example.com)."
            )
        found.append(pairs[0])
    return found


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def mailto_url(to: str, subject: str, body: str | None) -> str:
    """`mailto:ann@acme.io?subject=…&body=…`; `body=None` leaves the body out."""
    path = ",".join(quote(address, safe=_ADDRESS_SAFE) for _, address in addresses(to))
    fields = []
    if one_line(subject):
        fields.append("subject=" + quote(one_line(subject), safe=""))
    if body is not None and body.strip():
        fields.append("body=" + quote(crlf(body), safe=""))
    return f"mailto:{path}" + ("?" + "&".join(fields) if fields else "")


def fits(url: str) -> bool:
    return len(url) <= MAILTO_LIMIT
