"""The card as the whole story, on the command line: the posting, attachments, the offer.

- `add`/`edit` take `--posting-url`, `--posting-file FILE|-`, `--resume LABEL` and the offer
  (`--salary --currency --bonus --equity --start --answer-by`): the options live here and
  `tui/cli/cards.py` adds them to its parsers.
- `attach ID FILE [--name NAME]`, `attachment ID NAME [-o FILE]`, `detach ID NAME`.
- `offers [--json] [--all]`: the open and recent offers, soonest deadline first.

A file to read is checked before the vault is opened (a folder, a FIFO, an unreadable file, one
over the cap: one line, nothing written). A decrypted copy is created 0600 and only where the
user asked. Must never write plaintext into the vault folder.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from store.cards.board import Board
from store.cards.dates import parse_day
from store.cards.documents import (
    ATTACHED,
    ATTACHMENT_HARD_LIMIT_MB,
    ATTACHMENT_LIMIT_MB,
    DETACHED,
    POSTING_MAX_BYTES,
    Attachment,
    check_attachment_name,
    check_posting_text,
    size_text,
)
from store.cards.model import Card
from store.cards.offers import local_today, offer_rows
from store.config import Config
from store.errors import BadValue, FollowupError
from store.files import write_output
from store.untrusted import MIB, read_capped
from store.untrusted import one_line as single_line
from store.vault.attachments import AttachmentUnavailable, store_blob
from store.vault.session import Session
from sync.blobs import attachment_bytes
from tui.cli.context import open_session, take_stdin
from tui.cli.lines import COLUMN_WIDTH, card_title, cells, clip, column


def add_document_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--posting-url", metavar="URL", default=None, help="the job ad's address")
    parser.add_argument(
        "--posting-file",
        metavar="FILE",
        default=None,
        help=f"the job ad's text from FILE (- reads stdin); at most {POSTING_MAX_BYTES // 1024} KB",
    )
    parser.add_argument(
        "--resume", metavar="LABEL", default=None, help="the résumé version sent, e.g. v3-backend"
    )
    parser.add_argument("--salary", metavar="AMOUNT", default=None, help="offer: base salary")
    parser.add_argument("--currency", metavar="CUR", default=None, help="offer: EUR, USD, GBP…")
    parser.add_argument("--bonus", metavar="TEXT", default=None, help="offer: bonus")
    parser.add_argument("--equity", metavar="TEXT", default=None, help="offer: equity")
    parser.add_argument("--start", metavar="DATE", default=None, help="offer: start date")
    parser.add_argument("--answer-by", metavar="DATE", default=None, help="offer: answer by")


def document_fields(args: argparse.Namespace) -> dict[str, Any]:
    """The fields these options set (an empty value clears a field)."""
    fields: dict[str, Any] = {}
    for option, name in (
        ("posting_url", "posting_url"),
        ("resume", "resume"),
        ("salary", "salary"),
        ("currency", "currency"),
        ("bonus", "bonus"),
        ("equity", "equity"),
    ):
        value = getattr(args, option, None)
        if value is not None:
            fields[name] = value
    for option, name in (("start", "offer_start"), ("answer_by", "answer_by")):
        value = getattr(args, option, None)
        if value is not None and value.strip():  # 03/04/2026 reads as config.yaml says
            fields[name] = parse_day(value, order=Config.load().date_reading)
        elif value is not None:
            fields[name] = None
    if getattr(args, "posting_file", None) is not None:
        fields["posting_text"] = read_posting(args.posting_file)
    return fields


def _limit_text(limit: int) -> str:
    return f"{limit // MIB} MB" if limit >= MIB and limit % MIB == 0 else size_text(limit)


def _read_input(source: str, limit: int, what: str) -> bytes:
    """The bytes of FILE (or stdin for `-`), at most `limit`: every failure is one line."""
    hint = " (attach --limit MB raises it)" if what == "file" else ""
    if source == "-":
        take_stdin()
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise BadValue(
                f"stdin: the {what} is over the {_limit_text(limit)} allowed{hint}; nothing saved."
            )
        return data
    path = Path(source).expanduser()
    try:
        return read_capped(path, limit)
    except FileNotFoundError:
        raise FollowupError(f"{source}: no such file; nothing was saved.") from None
    except IsADirectoryError:
        raise FollowupError(f"{source} is a folder, not a file; nothing was saved.") from None
    except OSError as exc:
        if exc.errno == 27:  # EFBIG: read_capped's "bigger than the N allowed"
            raise FollowupError(
                f"{source}: the {what} is over the {_limit_text(limit)} allowed{hint}; "
                "nothing was saved."
            ) from None
        raise FollowupError(
            f"{source}: cannot read it ({exc.strerror or exc}); nothing was saved."
        ) from None


def read_posting(source: str) -> str:
    raw = _read_input(source, POSTING_MAX_BYTES, "posting")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FollowupError(f"{source}: the posting is not UTF-8 text; nothing saved.") from None
    return check_posting_text(text.replace("\r\n", "\n"))


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "attach", help="keep a file (résumé, offer letter) on a card, encrypted"
    )
    p.add_argument("id")
    p.add_argument("file", help="the file (- reads stdin, with --name)")
    p.add_argument("--name", default=None, help="the name it is listed under (default: its own)")
    p.add_argument(
        "--limit",
        type=int,
        metavar="MB",
        default=ATTACHMENT_LIMIT_MB,
        help=f"the largest file accepted, in MB (default {ATTACHMENT_LIMIT_MB})",
    )
    p.set_defaults(func=cmd_attach)

    p = subparsers.add_parser("attachment", help="write the decrypted copy of an attachment")
    p.add_argument("id")
    p.add_argument("name", help="its name (or the start of its id or sha256)")
    p.add_argument("-o", "--output", metavar="FILE", default=None, help="where (- for stdout)")
    p.set_defaults(func=cmd_attachment)

    p = subparsers.add_parser("detach", help="take an attachment off a card")
    p.add_argument("id")
    p.add_argument("name", help="its name (or the start of its id or sha256)")
    p.set_defaults(func=cmd_detach)

    p = subparsers.add_parser("offers", help="the open and recent offers, by deadline")
    p.add_argument("--json", action="store_true")
    p.add_argument("--all", action="store_true", help="every offer, older closed ones too")
    p.set_defaults(func=cmd_offers)


def _open(args: argparse.Namespace) -> Session:
    session = open_session(args.vault)
    for path, reason in sorted(session.problems.items()):
        print(f"followup-tui: warning: {single_line(f'{path}: {reason}')}", file=sys.stderr)
    return session


def find_attachment(card: Card, wanted: str) -> Attachment:
    """An attachment by its name, or by the start of its id or sha256 (two laptops may have
    attached two files under one name)."""
    wanted = wanted.strip()
    hits = [a for a in card.attachments if a.name == wanted]
    if not hits and wanted:
        hits = [a for a in card.attachments if a.id.startswith(wanted)] or [
            a for a in card.attachments if a.sha256.startswith(wanted.lower())
        ]
    if not hits:
        names = ", ".join(a.name for a in card.attachments) or "none"
        raise BadValue(f"{card.company} has no attachment {wanted!r}; it has: {names}.")
    if len(hits) > 1:
        ids = ", ".join(a.sha256[:8] for a in hits)
        raise BadValue(
            f"{card.company} has {len(hits)} attachments named {wanted!r} (sha256 {ids}); "
            "give the start of the sha256 instead."
        )
    return hits[0]


def attach_file(session: Session, card_id: str, data: bytes, name: str) -> Attachment:
    """Seal the bytes as a blob and list them on the card (the blob first: a card never lists
    bytes that were not written)."""
    card = session.board.find(card_id, include_deleted=False)
    if any(a.name == name for a in card.attachments):
        raise BadValue(
            f"{card.company} already has an attachment named {name!r}: give another --name, "
            "or detach the old one first."
        )
    if not session.writable:
        raise FollowupError(
            f"Nothing was saved: this device's replica cannot be opened ({session.own_problem})."
        )
    stored = store_blob(session.vault, session.device, data)

    def attach(board: Board) -> str:
        return board.log(
            card.id,
            ATTACHED,
            name=name,
            size=stored.size,
            sha256=stored.sha256,
            blob=stored.blob,
        )

    event_id = session.change(attach)
    return next(a for a in session.board.card(card.id).attachments if a.id == event_id)


def cmd_attach(args: argparse.Namespace) -> int:
    if not 1 <= args.limit <= ATTACHMENT_HARD_LIMIT_MB:
        raise BadValue(f"--limit is in MB, from 1 to {ATTACHMENT_HARD_LIMIT_MB}.")
    if args.file == "-" and not args.name:
        raise BadValue("Reading the file from stdin: give it a name with --name NAME.")
    name = check_attachment_name(args.name if args.name else Path(args.file).name)
    data = _read_input(args.file, args.limit * MIB, "file")
    session = _open(args)
    attachment = attach_file(session, args.id, data, name)
    card = session.board.find(args.id)
    print(
        f"Attached {attachment.name} ({size_text(attachment.size)}) to {card.company}, "
        "encrypted in the vault.",
        file=sys.stderr,
    )
    return 0


def cmd_attachment(args: argparse.Namespace) -> int:
    session = _open(args)
    card = session.board.find(args.id)
    attachment = find_attachment(card, args.name)
    try:
        data = attachment_bytes(session.vault, attachment)
    except AttachmentUnavailable as exc:  # the error names the blob; say which file it is
        raise type(exc)(f"{attachment.name} on {card.company}: {exc}") from None
    if args.output == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)  # type: ignore[union-attr]
        sys.stdout.buffer.flush()  # type: ignore[union-attr]
        return 0
    target = Path(args.output).expanduser() if args.output else Path(attachment.name)
    if args.output is None and target.exists():
        raise FollowupError(
            f"{target} already exists; nothing was written: give -o FILE to choose where."
        )
    if _inside(target, session.vault.path):
        raise FollowupError(
            f"{target} is inside the vault folder, which the sync tool carries: pick a place "
            "outside it; nothing was written."
        )
    write_output(target, data, mode=0o600)
    print(f"Wrote {target} ({size_text(len(data))}, readable only by you).", file=sys.stderr)
    return 0


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.expanduser().resolve().relative_to(Path(folder).resolve())
    except ValueError:
        return False
    return True


def cmd_detach(args: argparse.Namespace) -> int:
    session = _open(args)
    card = session.board.find(args.id, include_deleted=False)
    attachment = find_attachment(card, args.name)
    session.change(
        lambda board: board.log(card.id, DETACHED, attachment=attachment.id, name=attachment.name)
    )
    print(
        f"Detached {attachment.name} from {card.company}. Its encrypted copy stays in "
        "attachments/ until `followup-tui doctor --prune`.",
        file=sys.stderr,
    )
    return 0


def cmd_offers(args: argparse.Namespace) -> int:
    session = _open(args)
    from datetime import datetime

    rows = offer_rows(session.board.all(), local_today(datetime.now().astimezone()), args.all)
    if args.json:
        json.dump([r.to_json() for r in rows], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    if not rows:
        print("No open or recent offers (followup-tui edit ID --salary … --answer-by … adds one).")
        return 0
    table = [("Company", "Base", "Bonus", "Equity", "Start", "Answer by", "Left", "Status")]
    for row in rows:
        offer = row.offer
        table.append(
            (
                card_title(row.card, COLUMN_WIDTH),
                clip(offer.salary_text() or "—", COLUMN_WIDTH),
                clip(offer.bonus or "—", COLUMN_WIDTH),
                clip(offer.equity or "—", COLUMN_WIDTH),
                offer.start.isoformat() if offer.start else "—",
                offer.answer_by.isoformat() if offer.answer_by else "—",
                row.days_text(),
                row.status(),
            )
        )
    widths = [max(cells(r[i]) for r in table) for i in range(len(table[0]))]
    for line in table:
        print("  ".join(column(c, w) for c, w in zip(line, widths, strict=True)).rstrip())
    return 0


def document_lines(card: Card) -> list[str]:
    """What `show` prints of the posting, the files sent and the offer."""
    lines = []
    if card.posting_url:
        lines.append(f"posting: {card.posting_url}")
    if card.posting_text:
        size = len(card.posting_text.encode("utf-8"))
        lines.append(f"posting text: {size_text(size)} (show --json has it in full)")
    if card.resume:
        lines.append(f"résumé sent: {card.resume}")
    for a in card.attachments:
        lines.append(
            f"attachment: {a.name} ({size_text(a.size)}, {a.added_at.astimezone():%Y-%m-%d})"
        )
    offer = card.offer
    if offer:
        parts = [offer.salary_text() or "no base yet"]
        if offer.bonus:
            parts.append(f"bonus {offer.bonus}")
        if offer.equity:
            parts.append(f"equity {offer.equity}")
        if offer.start:
            parts.append(f"starts {offer.start.isoformat()}")
        if offer.answer_by:
            parts.append(f"answer by {offer.answer_by.isoformat()}")
        lines.append("offer: " + ", ".join(parts))
    return lines
