"""A letter as an RFC 5322 message, in a private temp file a `mail_command` reads (`{file}`).

The message has To, Subject, From (the profile's address, when it has one), Date and a
Message-ID; headers with other than ASCII are encoded (RFC 2047, what every mail program
reads), and the body is UTF-8 sent as 8bit so a draft opened in neomutt reads as written
(quoted-printable only where a line is too long for 8bit). The file is made with mode 0600 in
a folder of its own (0700) under the system's temp folder, or under the config dir when the
temp folder lies inside the vault; `remove` deletes both.

Must never write a letter anywhere inside the vault folder, and never leave a header with a
line break in it (that would let a template add a header of its own, such as Bcc).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from store.errors import FollowupError
from tui.handoff.mailto import address_text, addresses, one_line

LONGEST_8BIT_LINE = 998  # octets (RFC 5322 2.1.1)


def message_bytes(
    to: str, subject: str, body: str, sender: tuple[str, str] | None, now: datetime
) -> bytes:
    """The message a mail program gets. `sender`: (name, address) of the profile, or None."""
    message = EmailMessage(policy=policy.default)
    pairs = addresses(to)
    if pairs:
        message["To"] = ", ".join(address_text(*pair) for pair in pairs)
    if sender and sender[1]:
        message["From"] = address_text(sender[0], one_line(sender[1]))
    message["Subject"] = one_line(subject)
    message["Date"] = format_datetime(now.astimezone())
    domain = sender[1].rpartition("@")[2] if sender and "@" in sender[1] else "followup-tui"
    message["Message-ID"] = make_msgid(domain=one_line(domain) or "followup-tui")
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    if not text.endswith("\n"):
        text += "\n"
    long_line = any(len(line.encode("utf-8")) > LONGEST_8BIT_LINE for line in text.splitlines())
    message.set_content(text, charset="utf-8", cte="quoted-printable" if long_line else "8bit")
    return message.as_bytes()


def private_folder(vault: Path, fallback: Path) -> Path:
    """The system temp folder, unless it lies inside the (synced) vault: then `fallback`."""
    folder = Path(tempfile.gettempdir()).resolve()
    try:
        folder.relative_to(Path(vault).resolve())
    except ValueError:
        return folder
    fallback.mkdir(parents=True, exist_ok=True)
    return fallback


def write_private(data: bytes, vault: Path, fallback: Path, name: str = "letter.eml") -> Path:
    """`data` in a new file only this user can read, in a folder of its own; see `remove`."""
    try:
        folder = Path(
            tempfile.mkdtemp(prefix="followup-mail-", dir=private_folder(vault, fallback))
        )
        path = folder / name
        with open(path, "xb", opener=_private_opener) as out:
            out.write(data)
    except OSError as exc:
        raise FollowupError(
            f"Cannot write the letter for the mail program ({exc.strerror or exc})."
        ) from None
    return path


def _private_opener(path: str, flags: int) -> int:
    import os

    return os.open(path, flags, 0o600)


def remove(path: Path | None) -> None:
    """Delete a file made by `write_private`, and its folder."""
    if path is None:
        return
    with contextlib.suppress(OSError):
        Path(path).unlink()
    if Path(path).parent.name.startswith("followup-mail-"):
        shutil.rmtree(Path(path).parent, ignore_errors=True)
